// Package jwtinspect shows an OIDC token exactly as AWS STS will see it when it arrives as the
// WebIdentityToken of AssumeRoleWithWebIdentity, and explains what STS will object to.
//
// It does four things, each usable alone:
//
//   - [Decode] splits a compact JWS into its three segments and decodes the header and claims
//     without checking the signature, naming precisely what is wrong with input that is not a
//     JWT: the segment count, which segment is not base64url or not JSON, surrounding
//     whitespace, or a CI service's JSON reply ({"value": …}) with the token still inside.
//   - [Lint] checks the decoded token against the rules STS applies before it evaluates a trust
//     policy (algorithm, integer times, expiry with a five-minute tolerance that AWS does not
//     document, aud, iss, the 20000-character limit, access tokens sent in place of ID tokens)
//     and against the conventions that commonly make a trust policy deny (GitHub's sub forms,
//     session-tag and source-identity claims). Each [Finding] has a stable code and a severity.
//   - [Verifier.Verify] repeats what STS does on the network: OIDC discovery, the JWKS fetch
//     within STS's 5-second budget, the key chosen by kid, and the signature check restricted
//     to the algorithms STS accepts. A failure names the step ([StepError]). With
//     [Verifier.KeySet] (a saved key set read with [ParseJWKS]) it checks the signature with
//     those keys and fetches nothing.
//   - [ThumbprintOf] and [Verifier.Thumbprint] compute the IAM OIDC provider thumbprint the way
//     IAM does.
//
// [ProviderARN] and [ConditionKeyPrefix] turn an issuer into the IAM names a trust policy uses.
//
// jwtinspect is not a token validator for authenticating requests to your own service: it
// reports problems instead of rejecting tokens, [Decode] and [Lint] never check signatures,
// and its rules are STS's, not those of OIDC in general. Use a full OIDC library (for example
// github.com/coreos/go-oidc) to accept tokens in a server. It is also not a policy evaluator;
// the decoded claims ([Token.RawClaims]) are meant to be handed to package trustpolicy.
//
// Tokens are credentials. Nothing in this package puts a token, or any part of its signature,
// into an error or a finding; claim values such as iss, sub and aud do appear, because they are
// what a person needs to fix a trust policy.
package jwtinspect
