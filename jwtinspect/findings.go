package jwtinspect

import (
	"fmt"
	"strings"
)

// Severity ranks a [Finding]. The CLI treats any Error finding as a failed check.
type Severity int

// Severities, from least to most serious.
const (
	// Info explains something about the token that a trust policy must account for.
	Info Severity = iota
	// Warning is something STS may accept but that often leads to a failure or a surprise.
	Warning
	// Error is something STS will refuse.
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText encodes the severity as its String form, so JSON output shows "error".
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Error {
		return nil, fmt.Errorf("jwtinspect: unknown severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes "info", "warning" or "error".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "info":
		*s = Info
	case "warning":
		*s = Warning
	case "error":
		*s = Error
	default:
		return fmt.Errorf("jwtinspect: unknown severity %q", b)
	}
	return nil
}

// Finding is one observation about a token. Code is stable and is one of the Code constants;
// Message is a sentence a person can act on, and may change between versions.
type Finding struct {
	// Severity is how much the finding matters: Error when STS will refuse the token.
	Severity Severity `json:"severity"`
	// Code is one of the Code constants below, e.g. "token-expired"; match on it.
	Code string `json:"code"`
	// Message is a sentence for a person, with the fix where there is one. It never quotes
	// the token.
	Message string `json:"message"`
}

// String formats the finding as one line: "SEVERITY: CODE: MESSAGE".
func (f Finding) String() string { return f.Severity.String() + ": " + f.Code + ": " + f.Message }

// Finding codes. They are part of the public contract: tools match on them. The severity each
// code always carries is given in brackets.
const (
	// CodeNotAJWT: the input is not a compact JWS; the message says why. [error]
	CodeNotAJWT = "not-a-jwt"
	// CodeAlgNone: the token is unsigned ("alg":"none"). [error]
	CodeAlgNone = "alg-none"
	// CodeAlgNotAcceptedBySTS: alg is not RS256/384/512 or ES256/384/512. [error]
	CodeAlgNotAcceptedBySTS = "alg-not-accepted-by-sts"
	// CodeExpired: exp is in the past by more than the allowed skew. [error]
	CodeExpired = "expired"
	// CodeNotYetValid: nbf is in the future by more than the allowed skew. [error]
	CodeNotYetValid = "not-yet-valid"
	// CodeNoExp: the token has no exp claim. [error]
	CodeNoExp = "no-exp"
	// CodeNoAud: the token has no aud claim, and does not look like an access token. [error]
	CodeNoAud = "no-aud"
	// CodeNoIss: the token has no iss claim. [error]
	CodeNoIss = "no-iss"
	// CodeIssNotHTTPS: iss is not an https URL (and not the loopback exception below). [error]
	CodeIssNotHTTPS = "iss-not-https"
	// CodeAudMismatch: aud does not contain Options.ExpectedAudience. [error]
	CodeAudMismatch = "aud-mismatch"
	// CodeIssMismatch: iss is not exactly Options.ExpectedIssuer. [error]
	CodeIssMismatch = "iss-mismatch"
	// CodeAccessToken: an OAuth or Cognito access token, where STS needs an ID token. [error]
	CodeAccessToken = "access-token"
	// CodeTokenTooLong: over the 20000 characters STS accepts. [error]
	CodeTokenTooLong = "token-too-long"
	// CodeNonIntegerTime: exp, nbf or iat is not an integer; STS refuses it. [error]
	CodeNonIntegerTime = "non-integer-time"
	// CodeClaimType: a claim STS reads has the wrong JSON type or an impossible value. [error]
	CodeClaimType = "claim-type"

	// CodeIssuedInFuture: iat is later than now plus the skew (a clock is wrong). [warning]
	CodeIssuedInFuture = "issued-in-future"
	// CodeIssTrailingSlash: iss ends in "/", which the IAM provider URL must repeat. [warning]
	CodeIssTrailingSlash = "iss-trailing-slash"
	// CodeLifetimeTooLong: exp − iat is over 24 h, or over Options.MaxLifetime. [warning]
	CodeLifetimeTooLong = "lifetime-too-long"
	// CodeTagsClaimNeedsTagSession: the token carries session tags. [warning]
	CodeTagsClaimNeedsTagSession = "tags-claim-needs-sts-TagSession"
	// CodeSourceIdentityNeedsSetSourceIdentity: the token sets a source identity. [warning]
	CodeSourceIdentityNeedsSetSourceIdentity = "source-identity-claim-needs-sts-SetSourceIdentity"
	// CodeSurroundingWhitespace: whitespace around the token; whether STS trims it is not
	// documented (the AWS SDKs send a token file's bytes as they are). [warning]
	CodeSurroundingWhitespace = "surrounding-whitespace"
	// CodeNoSub: the token has no sub claim for a trust policy to match. [warning]
	CodeNoSub = "no-sub"
	// CodeDuplicateMember: a header member or claim appears twice; which one STS reads is not
	// documented. [warning]
	CodeDuplicateMember = "duplicate-member"
	// CodeIssLoopbackHTTP: iss is plain http on a loopback host (127.0.0.0/8, ::1,
	// localhost), the local emulator's issuer. AWS requires https, but the emulator
	// (package ststest, rawsts emulator) serves its issuers over plain http on loopback and
	// accepts them: this is the one exception, and diagnose and the emulator make it
	// alike. [warning]
	CodeIssLoopbackHTTP = "iss-http-loopback"

	// CodeGitHubSubRefForm: a GitHub sub of the form repo:ORG/REPO:ref:REF. [info]
	CodeGitHubSubRefForm = "github-sub-ref-form"
	// CodeGitHubSubEnvironmentForm: a GitHub sub of the form repo:ORG/REPO:environment:NAME. [info]
	CodeGitHubSubEnvironmentForm = "github-sub-environment-form"
	// CodeGitHubSubPullRequestForm: a GitHub sub of the form repo:ORG/REPO:pull_request. [info]
	CodeGitHubSubPullRequestForm = "github-sub-pull-request-form"
	// CodeGitHubSubImmutableForm: a GitHub sub of the form repo:ORG@ORGID/REPO@REPOID:…. [info]
	CodeGitHubSubImmutableForm = "github-sub-immutable-form"
	// CodeCognitoIdentityToken: a Cognito identity pool's OpenID token (GetOpenIdToken): aud
	// is the identity pool id, sub the identity id, amr authenticated or unauthenticated; the
	// message names the trust policy conditions that match it. [info]
	CodeCognitoIdentityToken = "cognito-identity-token"

	// CodeDiscoveryFieldMissing: the discovery document lacks a field STS expects. [warning]
	// Reported by [Verifier.Verify].
	CodeDiscoveryFieldMissing = "discovery-field-missing"
	// CodeSlowFetch: a discovery or JWKS fetch used over half of STS's time budget. [warning]
	// Reported by [Verifier.Verify].
	CodeSlowFetch = "slow-fetch"
	// CodeNoKid: the token header has no kid, so the key was found by trying each. [warning]
	// Reported by [Verifier.Verify].
	CodeNoKid = "no-kid"
	// CodeWeakKey: the RSA key is shorter than 2048 bits. [warning]
	// Reported by [Verifier.Verify].
	CodeWeakKey = "weak-key"
)

// severities is the contract: every code always carries this severity.
var severities = map[string]Severity{
	CodeNotAJWT: Error, CodeAlgNone: Error, CodeAlgNotAcceptedBySTS: Error, CodeExpired: Error,
	CodeNotYetValid: Error, CodeNoExp: Error, CodeNoAud: Error, CodeNoIss: Error,
	CodeIssNotHTTPS: Error, CodeAudMismatch: Error, CodeIssMismatch: Error, CodeAccessToken: Error,
	CodeTokenTooLong: Error, CodeNonIntegerTime: Error, CodeClaimType: Error,

	CodeIssuedInFuture: Warning, CodeIssTrailingSlash: Warning, CodeLifetimeTooLong: Warning,
	CodeTagsClaimNeedsTagSession: Warning, CodeSourceIdentityNeedsSetSourceIdentity: Warning,
	CodeSurroundingWhitespace: Warning, CodeNoSub: Warning, CodeDuplicateMember: Warning,
	CodeIssLoopbackHTTP: Warning,

	CodeGitHubSubRefForm: Info, CodeGitHubSubEnvironmentForm: Info,
	CodeGitHubSubPullRequestForm: Info, CodeGitHubSubImmutableForm: Info, CodeCognitoIdentityToken: Info,

	CodeDiscoveryFieldMissing: Warning, CodeSlowFetch: Warning, CodeNoKid: Warning, CodeWeakKey: Warning,
}

// SeverityOf returns the severity a finding code always carries; ok is false for an unknown
// code.
func SeverityOf(code string) (s Severity, ok bool) {
	s, ok = severities[code]
	return s, ok
}

// finding builds a Finding with the contract severity of its code.
func finding(code, format string, args ...any) Finding {
	s, ok := severities[code]
	if !ok {
		panic("jwtinspect: finding code without a severity: " + code)
	}
	return Finding{Severity: s, Code: code, Message: fmt.Sprintf(format, args...)}
}

// HasErrors reports whether any finding has severity Error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// ProviderARN returns the ARN of the IAM OIDC identity provider STS looks up for issuer in the
// role's account: arn:PARTITION:iam::ACCOUNT:oidc-provider/ followed by the issuer without
// "https://". STS matches it exactly, so a trailing slash or path in the issuer is kept. An
// empty partition means "aws".
func ProviderARN(issuer, partition, account string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::" + account + ":oidc-provider/" + ConditionKeyPrefix(issuer)
}

// ConditionKeyPrefix returns the prefix of the trust-policy condition keys for issuer's
// claims (PREFIX:sub, PREFIX:aud …): the issuer without "https://", e.g.
// "token.actions.githubusercontent.com". An "http://" scheme (never valid for STS, but seen on
// local test issuers) is stripped the same way, as trustpolicy.IssuerHost does.
func ConditionKeyPrefix(issuer string) string {
	return strings.TrimPrefix(strings.TrimPrefix(issuer, "https://"), "http://")
}
