// Package sts gets temporary AWS credentials from AWS Security Token Service by speaking its
// Query protocol (form POST in, XML out) directly, without the AWS SDK.
//
// Two calls are unsigned and need no credentials at all: [Client.AssumeRoleWithWebIdentity]
// exchanges an OIDC ID token (from GitHub Actions, GitLab, Kubernetes, Cognito …) for a role's
// credentials, and [Client.AssumeRoleWithSAML] does the same with a SAML assertion. The
// others are signed with SigV4 (package sigv4) using [Client.Credentials]:
// [Client.GetCallerIdentity] (who am I), [Client.AssumeRole] (role chaining, cross-account
// access, MFA, session tags), [Client.GetSessionToken], [Client.DecodeAuthorizationMessage]
// and [Client.GetAccessKeyInfo]. Inputs are checked before anything is sent
// ([AssumeRoleWithWebIdentityInput.Validate], errors of type [*InputError]); the endpoint is
// resolved with the rules of the SDKs' STS rule set ([ResolveEndpoint]); replies decode into
// typed results or errors: [*APIError] when STS said no (compare its Code), [*ResponseError]
// when the reply was not an STS reply at all (a proxy's page, a truncated body). Transient
// failures (5xx, Throttling, IDPCommunicationError, a reset connection) are retried with
// backoff.
//
// It is not an SDK: there is no credential chain, no caching or refreshing of credentials, no
// shared config file, and no environment reading unless you call [NewFromEnv] (credentials
// come from package creds or sigv4.CredentialsFromEnv, called by you).
package sts
