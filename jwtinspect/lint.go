package jwtinspect

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxTokenLength is the longest WebIdentityToken STS accepts, in characters.
const MaxTokenLength = 20000

// DefaultSkew is the clock leeway rawsts allows past exp (and before nbf and iat). AWS documents
// no leeway for AssumeRoleWithWebIdentity: five minutes is rawsts's assumption (the only AWS
// "5 minutes" on the subject is Cognito Identity's advice to callers choosing a token
// duration), and internal/diagnose reports a token that needs it as "assumed".
const DefaultSkew = 5 * time.Minute

// DefaultMaxLifetime is the exp − iat beyond which Lint warns: a day, Cognito's maximum.
const DefaultMaxLifetime = 24 * time.Hour

// stsAlgorithms are the signature algorithms STS accepts for web identity tokens.
var stsAlgorithms = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}

// Options tune [Lint].
type Options struct {
	// Now is the time to check exp, nbf and iat against; zero means time.Now().
	Now time.Time
	// Skew is the clock tolerance; zero means DefaultSkew (rawsts's five minutes; AWS
	// documents none) and a
	// negative value means none.
	Skew time.Duration
	// ExpectedAudience, if set, must be one of the token's aud values: the client ID
	// registered with the IAM OIDC provider (often "sts.amazonaws.com").
	ExpectedAudience string
	// ExpectedIssuer, if set, must equal iss exactly: the IAM provider's URL.
	ExpectedIssuer string
	// MaxLifetime, if set, replaces DefaultMaxLifetime as the exp − iat limit for a warning.
	MaxLifetime time.Duration
}

// Lint decodes raw and checks it against STS's rules. It never fails: input that is not a JWT
// yields a nil Token and a single not-a-jwt finding. Findings are ordered errors first, then
// warnings, then info, in a fixed order within each severity.
func Lint(raw string, opts Options) (*Token, []Finding) {
	tok, err := Decode(raw)
	if err != nil {
		reason := err.Error()
		var me *MalformedError
		if errors.As(err, &me) {
			reason = me.Reason
		}
		return nil, []Finding{finding(CodeNotAJWT, "STS will refuse this as not a valid JWT: %s.", reason)}
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	skew := opts.Skew
	switch {
	case skew == 0:
		skew = DefaultSkew
	case skew < 0:
		skew = 0
	}
	l := linter{tok: tok, c: &tok.Claims, now: now.UTC(), skew: skew, opts: opts}
	l.shape()
	l.alg()
	l.times()
	l.issuer()
	l.audience()
	l.awsClaims()
	l.github()
	l.cognitoIdentity()
	sort.SliceStable(l.out, func(i, j int) bool { return l.out[i].Severity > l.out[j].Severity })
	return tok, l.out
}

type linter struct {
	tok  *Token
	c    *Claims
	now  time.Time
	skew time.Duration
	opts Options
	out  []Finding
}

func (l *linter) add(code, format string, args ...any) {
	l.out = append(l.out, finding(code, format, args...))
}

func (l *linter) badType(claim string) bool {
	for _, p := range l.tok.claimProblems {
		if p.claim == claim {
			return true
		}
	}
	return false
}

func (l *linter) has(claim string) bool {
	_, ok := l.tok.RawClaims[claim]
	return ok
}

func (l *linter) shape() {
	if n := len(l.tok.Raw); n > MaxTokenLength {
		l.add(CodeTokenTooLong, "The token is %d characters; STS accepts at most %d. Drop custom claims or shorten the session tags.", n, MaxTokenLength)
	}
	if l.tok.Trimmed != "" {
		l.add(CodeSurroundingWhitespace, "The input has %s around the token; whether STS trims it is not documented (it may refuse the token as not a valid JWT; the AWS SDKs send a token file's bytes as they are), so strip it before sending (rawsts does; its emulator reads the token without it).", l.tok.Trimmed)
	}
	for _, p := range l.tok.claimProblems {
		l.add(CodeClaimType, "The %s claim is unusable: %s.", p.claim, p.reason)
	}
	for _, d := range l.tok.duplicates {
		l.add(CodeDuplicateMember, "The token gives %s more than once; rawsts reads the last, and which one STS reads is not documented. Have the issuer send it once.", d)
	}
}

func (l *linter) alg() {
	alg := l.tok.Header.Alg
	switch {
	case strings.EqualFold(alg, "none"):
		l.add(CodeAlgNone, "The token is unsigned (alg %q); STS accepts only tokens signed with %s.", alg, strings.Join(stsAlgorithms, ", "))
	case alg == "":
		l.add(CodeAlgNotAcceptedBySTS, "The header has no string alg; STS accepts only %s.", strings.Join(stsAlgorithms, ", "))
	case !contains(stsAlgorithms, alg):
		hint := ""
		if strings.HasPrefix(alg, "HS") {
			hint = " HMAC tokens are signed with a shared secret that STS cannot know; configure the issuer to sign with an RSA or EC key."
		}
		l.add(CodeAlgNotAcceptedBySTS, "The token is signed with %s; STS accepts only %s.%s", alg, strings.Join(stsAlgorithms, ", "), hint)
	}
}

func (l *linter) times() {
	c := l.c
	for _, nt := range []struct {
		name string
		t    *NumericTime
	}{{"exp", c.ExpiresAt}, {"nbf", c.NotBefore}, {"iat", c.IssuedAt}} {
		if nt.t != nil && !nt.t.Integer {
			l.add(CodeNonIntegerTime, "%s is %s, not an integer; STS refuses times with fractions or exponents, so the issuer must write whole seconds.", nt.name, nt.t.Raw)
		}
	}
	if !l.has("exp") {
		l.add(CodeNoExp, "The token has no exp claim; STS refuses tokens without an expiry.")
	}
	if c.ExpiresAt != nil {
		exp := c.ExpiresAt.Time
		if l.now.After(exp.Add(l.skew)) {
			l.add(CodeExpired, "The token expired %s ago at %s (beyond the %s of clock skew rawsts allows; AWS documents none); fetch a fresh token rather than retrying.", HumanDuration(l.now.Sub(exp)), stamp(exp), HumanDuration(l.skew))
		}
	}
	if c.NotBefore != nil {
		nbf := c.NotBefore.Time
		if nbf.After(l.now.Add(l.skew)) {
			l.add(CodeNotYetValid, "The token is not valid until %s, %s from now; check the clocks of this machine and the issuer.", stamp(nbf), HumanDuration(nbf.Sub(l.now)))
		}
	}
	if c.IssuedAt != nil {
		iat := c.IssuedAt.Time
		if iat.After(l.now.Add(l.skew)) {
			l.add(CodeIssuedInFuture, "The token was issued at %s, %s in the future; this machine's clock or the issuer's is wrong.", stamp(iat), HumanDuration(iat.Sub(l.now)))
		}
		if c.ExpiresAt != nil {
			limit := DefaultMaxLifetime
			if l.opts.MaxLifetime > 0 {
				limit = l.opts.MaxLifetime
			}
			if life := c.ExpiresAt.Time.Sub(iat); life > limit {
				l.add(CodeLifetimeTooLong, "The token is valid for %s (exp − iat), longer than %s; a leaked token stays usable that long, so shorten the issuer's token lifetime.", HumanDuration(life), HumanDuration(limit))
			}
		}
	}
}

func (l *linter) issuer() {
	iss := l.c.Issuer
	switch {
	case !l.has("iss"):
		l.add(CodeNoIss, "The token has no iss claim; STS finds the IAM OIDC provider by iss, so it will refuse the token.")
	case iss == "":
	case strings.HasPrefix(iss, "https://"):
	case loopbackHTTP(iss):
		l.add(CodeIssLoopbackHTTP, "iss is %q: http on loopback, accepted as the local emulator's exception; AWS requires https.", iss)
	default:
		l.add(CodeIssNotHTTPS, "iss is %q; STS needs an https:// issuer URL matching an IAM OIDC provider.", iss)
	}
	if strings.HasSuffix(iss, "/") {
		l.add(CodeIssTrailingSlash, "iss %q ends in '/'; the IAM OIDC provider URL must end in '/' too (provider %s), and condition keys start %q.", iss, ProviderARN(iss, "aws", "ACCOUNT"), ConditionKeyPrefix(iss)+":")
	}
	if want := l.opts.ExpectedIssuer; want != "" && iss != want {
		hint := ""
		if strings.TrimSuffix(iss, "/") == strings.TrimSuffix(want, "/") {
			hint = " They differ only in a trailing '/', which STS does not ignore."
		}
		l.add(CodeIssMismatch, "iss is %q but the expected issuer is %q; STS looks the provider up by exact iss, so it will report no OpenIDConnect provider found.%s", iss, want, hint)
	}
}

func (l *linter) audience() {
	c := l.c
	// An aud of the wrong type is a claim-type finding, not a missing aud.
	noAud := (len(c.Audience) == 0 || (len(c.Audience) == 1 && c.Audience[0] == "")) && !l.badType("aud")
	switch {
	case c.TokenUse == "access":
		l.add(CodeAccessToken, "This is a Cognito access token (token_use \"access\"), which has no aud; send the ID token (token_use \"id\") to STS instead.")
	case noAud && (l.has("client_id") || l.has("scope")):
		l.add(CodeAccessToken, "This looks like an OAuth access token (client_id or scope, no aud); STS needs the OIDC ID token, which carries aud.")
	case noAud:
		l.add(CodeNoAud, "The token has no aud claim; STS checks aud against the IAM provider's client IDs, so request a token with an audience (usually sts.amazonaws.com).")
	}
	if want := l.opts.ExpectedAudience; want != "" && !contains(c.Audience, want) {
		got := "no aud"
		if !noAud {
			got = fmt.Sprintf("aud %q", c.Audience)
		}
		hint := ""
		if strings.HasPrefix(c.Issuer, "https://token.actions.githubusercontent.com") {
			hint = " For GitHub Actions, request the audience explicitly (configure-aws-credentials asks for sts.amazonaws.com); the default is the owner URL."
		}
		l.add(CodeAudMismatch, "The token has %s, not %q; STS will report Incorrect token audience unless the IAM provider's client ID list holds one of them.%s", got, want, hint)
	}
}

func (l *linter) awsClaims() {
	if l.has(ClaimTags) {
		n := 0
		if l.c.Tags != nil {
			n = len(l.c.Tags.PrincipalTags)
		}
		l.add(CodeTagsClaimNeedsTagSession, "The token carries %d session tag(s) in %s; the role's trust policy must allow sts:TagSession as well as sts:AssumeRoleWithWebIdentity, or STS denies access.", n, ClaimTags)
	}
	if l.has(ClaimSourceIdentity) {
		l.add(CodeSourceIdentityNeedsSetSourceIdentity, "The token sets source identity %q (%s); the role's trust policy must allow sts:SetSourceIdentity, or STS denies access.", l.c.SourceIdentity, ClaimSourceIdentity)
	}
	if !l.has("sub") {
		l.add(CodeNoSub, "The token has no sub claim; a trust policy cannot restrict who may assume the role, and AWS refuses such policies for shared issuers.")
	}
}

// githubRepo matches the repository part of a GitHub sub: ORG/REPO or ORG@ID/REPO@ID.
var githubRepo = regexp.MustCompile(`^repo:([^/:@]+)(@[0-9]+)?/([^/:@]+)(@[0-9]+)?:(.*)$`)

// isGitHubIssuer reports whether iss is GitHub Actions' (github.com, an enterprise-specific
// issuer below it, or GitHub Enterprise Server's /_services/token).
func isGitHubIssuer(iss string) bool {
	return iss == "https://token.actions.githubusercontent.com" ||
		strings.HasPrefix(iss, "https://token.actions.githubusercontent.com/") ||
		strings.HasSuffix(iss, "/_services/token")
}

func (l *linter) github() {
	sub := l.c.Subject
	if !isGitHubIssuer(l.c.Issuer) {
		return
	}
	m := githubRepo.FindStringSubmatch(sub)
	if m == nil {
		return
	}
	org, orgID, repo, repoID, rest := m[1], m[2], m[3], m[4], m[5]
	prefix := "repo:" + org + orgID + "/" + repo + repoID + ":"
	if orgID != "" && repoID != "" {
		l.add(CodeGitHubSubImmutableForm, "sub %q is GitHub's immutable form with owner and repository IDs; a trust policy written for %q will not match, so match %q (StringLike).", sub, "repo:"+org+"/"+repo+":…", prefix+"*")
	}
	switch {
	case strings.HasPrefix(rest, "environment:"):
		ref := ""
		if l.c.Ref != "" {
			ref = fmt.Sprintf(", not %q, even though the token's ref claim is %q", prefix+"ref:"+l.c.Ref, l.c.Ref)
		}
		l.add(CodeGitHubSubEnvironmentForm, "sub %q is the environment form: GitHub uses it whenever the job names an environment, so the trust policy must match %q%s.", sub, sub, ref)
	case strings.HasPrefix(rest, "ref:"):
		l.add(CodeGitHubSubRefForm, "sub %q is the ref form (no environment); if the job later names an environment the sub becomes %q and this match stops working.", sub, prefix+"environment:NAME")
	case rest == "pull_request":
		l.add(CodeGitHubSubPullRequestForm, "sub %q is the pull_request form: it names no branch, so a policy matching it trusts every pull request's workflow.", sub)
	}
}

// CognitoIdentityIssuer is the issuer of Cognito identity pools' OpenID tokens.
const CognitoIdentityIssuer = "https://cognito-identity.amazonaws.com"

// cognitoIdentity explains an identity pool's token: what its aud, sub and amr are, and the
// trust policy conditions (Cognito Developer Guide, "Role trust and permissions") that match
// it.
func (l *linter) cognitoIdentity() {
	if l.c.Issuer != CognitoIdentityIssuer {
		return
	}
	kind := "unauthenticated"
	if contains(l.c.AMR, "authenticated") {
		kind = "authenticated"
	}
	amr := "no amr"
	if l.c.AMR != nil {
		amr = fmt.Sprintf("amr %q", l.c.AMR)
	}
	pool := strings.Join(l.c.Audience, ", ")
	l.add(CodeCognitoIdentityToken, "This is a Cognito identity pool token (GetOpenIdToken) of identity pool %q (aud) for identity %q (sub), %s: an %s identity. Its role trusts it with Principal.Federated cognito-identity.amazonaws.com (no IAM OIDC provider is needed), StringEquals cognito-identity.amazonaws.com:aud %q, and ForAnyValue:StringLike cognito-identity.amazonaws.com:amr %q; aud is the identity pool id, never the user pool's app client id.",
		pool, l.c.Subject, amr, kind, pool, kind)
}

// loopbackHTTP reports whether iss is a plain http URL whose host is a loopback address or
// localhost: the issuers of the local emulator.
func loopbackHTTP(iss string) bool {
	u, err := url.Parse(iss)
	return err == nil && u.Scheme == "http" && u.Host != "" && isLoopback(u.Hostname())
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// stamp formats a time as STS and people read it: 2026-01-02T15:04:05Z.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// HumanDuration formats |d| the way jwtinspect's findings word durations: to the second
// under an hour, to the minute under two days, in days and hours above — "42s", "52m",
// "3h10m", "412d3h". Callers that show token times beside the findings use it too.
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Second:
		return "0s"
	case d < time.Hour:
		d = d.Round(time.Second)
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
	default:
		d = d.Round(time.Hour)
		days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if hours == 0 {
			return strconv.Itoa(days) + "d"
		}
		return strconv.Itoa(days) + "d" + strconv.Itoa(hours) + "h"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
