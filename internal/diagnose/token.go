package diagnose

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
)

// findingCheck routes each jwtinspect finding code to the check that reports it. Codes not
// listed (the GitHub sub forms, and any added later) are evidence for the policy checks.
var findingCheck = map[string]string{
	jwtinspect.CodeNotAJWT:               CheckTokenFormat,
	jwtinspect.CodeTokenTooLong:          CheckTokenFormat,
	jwtinspect.CodeClaimType:             CheckTokenFormat,
	jwtinspect.CodeNoIss:                 CheckTokenFormat,
	jwtinspect.CodeIssNotHTTPS:           CheckTokenFormat,
	jwtinspect.CodeNoAud:                 CheckTokenFormat,
	jwtinspect.CodeAccessToken:           CheckTokenFormat,
	jwtinspect.CodeSurroundingWhitespace: CheckTokenFormat,
	jwtinspect.CodeNoSub:                 CheckTokenFormat,

	jwtinspect.CodeAlgNone:             CheckTokenAlg,
	jwtinspect.CodeAlgNotAcceptedBySTS: CheckTokenAlg,

	jwtinspect.CodeExpired:         CheckTokenTimes,
	jwtinspect.CodeNotYetValid:     CheckTokenTimes,
	jwtinspect.CodeNoExp:           CheckTokenTimes,
	jwtinspect.CodeNonIntegerTime:  CheckTokenTimes,
	jwtinspect.CodeIssuedInFuture:  CheckTokenTimes,
	jwtinspect.CodeLifetimeTooLong: CheckTokenTimes,

	jwtinspect.CodeIssLoopbackHTTP: CheckTokenFormat,

	jwtinspect.CodeIssTrailingSlash: CheckProviderARN,
}

// fixFor gives the fix sentence for the error-severity token findings.
var fixFor = map[string]string{
	jwtinspect.CodeNotAJWT:             "send the OIDC ID token itself: three base64url parts separated by dots (a GitHub reply {\"value\": …} must be unwrapped; an opaque OAuth access token cannot be used)",
	jwtinspect.CodeTokenTooLong:        "drop custom claims or session tags until the token is at most 20000 characters",
	jwtinspect.CodeClaimType:           "have the issuer send the claim with the type OIDC defines (aud a string or list of strings, times as integers)",
	jwtinspect.CodeNoIss:               "use an ID token from an OIDC issuer: it carries iss",
	jwtinspect.CodeIssNotHTTPS:         "STS fetches keys from an https:// issuer only; serve the issuer over https",
	jwtinspect.CodeNoAud:               "request the token with an audience, usually sts.amazonaws.com",
	jwtinspect.CodeAccessToken:         "send the ID token (Cognito: token_use \"id\"), not the access token",
	jwtinspect.CodeAlgNone:             "have the issuer sign with RS256/384/512 or ES256/384/512",
	jwtinspect.CodeAlgNotAcceptedBySTS: "have the issuer sign with RS256/384/512 or ES256/384/512",
	jwtinspect.CodeExpired:             "fetch a fresh token just before calling STS (retrying the same token cannot work); if it is fresh, check this machine's clock",
	jwtinspect.CodeNotYetValid:         "check the clocks of this machine and of the issuer (NTP)",
	jwtinspect.CodeNoExp:               "have the issuer set exp; STS refuses tokens without one",
	jwtinspect.CodeNonIntegerTime:      "have the issuer write exp, nbf and iat as whole seconds",
}

// token runs token.format, token.alg, token.times and token.signature.
func (d *run) token() {
	if d.in.Token == "" && d.in.Claims != nil {
		d.fromClaims()
		return
	}
	tok, findings := jwtinspect.Lint(d.in.Token, jwtinspect.Options{Now: d.at})
	d.tok, d.findings = tok, findings
	if tok == nil {
		msg := "not a JWT"
		if len(findings) > 0 {
			msg = findings[0].Message
		}
		d.set(CheckTokenFormat, Fail, msg, fixFor[jwtinspect.CodeNotAJWT]).cause = jwtinspect.CodeNotAJWT
		for _, name := range []string{CheckTokenAlg, CheckTokenTimes, CheckTokenSignature} {
			d.set(name, Skip, "the token could not be decoded", "")
		}
		return
	}
	c := tok.Claims
	d.fromFindings(CheckTokenFormat, fmt.Sprintf("a JWT from %s, sub %q, aud %s", orQuote(c.Issuer, "no issuer"), c.Subject, quoteList(c.Audience)))
	d.fromFindings(CheckTokenAlg, fmt.Sprintf("alg %s, kid %s", orQuote(tok.Header.Alg, "none"), orQuote(tok.Header.Kid, "none")))
	d.fromFindings(CheckTokenTimes, d.timesDetail())
	if a := d.skewAssumption(); a != "" {
		d.assume(CheckTokenTimes, a)
	}
	d.signature()
}

// whitespaceAssumption: whether STS trims whitespace around WebIdentityToken.
const whitespaceAssumption = "AWS does not document whether STS trims whitespace around WebIdentityToken (the API only bounds it to 4-20000 characters); rawsts diagnoses the token without it, as rawsts assume sends it — STS may instead refuse the token as not a valid JWT, so strip it before sending"

// assume records that check name's outcome rests on rule: a Pass becomes Assumed, any other
// status stays and names the rule too.
func (d *run) assume(name, rule string) {
	c := d.checks[name]
	if c == nil {
		return
	}
	if c.Status == Pass {
		c.Status = Assumed
	}
	if c.Assumption == "" {
		c.Assumption = rule
	} else if !strings.Contains(c.Assumption, rule) {
		c.Assumption += "; " + rule
	}
}

// skewAssumption names the clock leeway a token passes by, "" when it needs none: AWS
// documents no leeway for exp, nbf or iat (jwtinspect.DefaultSkew is rawsts's choice).
func (d *run) skewAssumption() string {
	c, at, skew := d.tok.Claims, d.at, jwtinspect.DefaultSkew
	var within []string
	if c.ExpiresAt != nil && at.After(c.ExpiresAt.Time) && !at.After(c.ExpiresAt.Time.Add(skew)) {
		within = append(within, "expired "+jwtinspect.HumanDuration(at.Sub(c.ExpiresAt.Time))+" ago")
	}
	if c.NotBefore != nil && c.NotBefore.Time.After(at) && !c.NotBefore.Time.After(at.Add(skew)) {
		within = append(within, "is not valid for another "+jwtinspect.HumanDuration(c.NotBefore.Time.Sub(at)))
	}
	if c.IssuedAt != nil && c.IssuedAt.Time.After(at) && !c.IssuedAt.Time.After(at.Add(skew)) {
		within = append(within, "was issued "+jwtinspect.HumanDuration(c.IssuedAt.Time.Sub(at))+" in the future")
	}
	if len(within) == 0 {
		return ""
	}
	return fmt.Sprintf("the token %s, within the %s of clock skew rawsts allows; AWS does not document any leeway for exp, nbf or iat, so STS may refuse it", strings.Join(within, " and "), jwtinspect.HumanDuration(skew))
}

// fromFindings sets check name from the findings routed to it: Fail on any error finding,
// Warn on any warning, else Pass with okDetail.
func (d *run) fromFindings(name, okDetail string) {
	st, detail, fix, cause := Pass, okDetail, "", ""
	var ev []string
	assumption := ""
	for _, f := range d.findings {
		if findingCheck[f.Code] != name {
			continue
		}
		ev = append(ev, fmt.Sprintf("%s [%s]: %s", f.Severity, f.Code, f.Message))
		switch {
		case f.Code == jwtinspect.CodeSurroundingWhitespace:
			// Not a warning of its own: whether STS trims is undocumented, and rawsts
			// diagnoses the trimmed token, so the check rests on that assumption.
			assumption = whitespaceAssumption
			if st == Pass {
				detail = f.Message
			}
		case f.Severity == jwtinspect.Error && st != Fail:
			st, detail, fix, cause = Fail, f.Message, fixFor[f.Code], f.Code
		case f.Severity == jwtinspect.Warning && st == Pass:
			st, detail = Warn, f.Message
		}
	}
	d.set(name, st, detail, fix, ev...).cause = cause
	if assumption != "" {
		d.assume(name, assumption)
	}
}

func (d *run) timesDetail() string {
	c := d.tok.Claims
	if c.ExpiresAt == nil {
		return "no exp"
	}
	left := c.ExpiresAt.Time.Sub(d.at)
	if left >= 0 {
		return fmt.Sprintf("valid at %s; expires %s (in %s)", stamp(d.at), stamp(c.ExpiresAt.Time), jwtinspect.HumanDuration(left))
	}
	return fmt.Sprintf("at %s; expired %s ago at %s, within the %s of skew rawsts allows (AWS documents none)", stamp(d.at), jwtinspect.HumanDuration(-left), stamp(c.ExpiresAt.Time), jwtinspect.HumanDuration(jwtinspect.DefaultSkew))
}

// signature runs token.signature with the Verifier, when asked to.
//
// With a key set given (Verifier.KeySet, diagnose --jwks) nothing is fetched: the signature is
// checked with those keys, and the check says so. The report still counts as complete: the key
// set stands for the issuer's as --trust-policy and --provider stand for the role's policy and
// the account's providers (neither is checked against IAM unless --fetch reads them), and even
// --verify fetches from this machine, not from where STS does. What only the issuer can show
// (its discovery document, the issuer match, the jwks_uri serving these keys within 5 s) is
// named in the evidence.
func (d *run) signature() {
	if !d.in.Verify {
		d.set(CheckTokenSignature, Skip, "not verified (pass --verify to fetch the issuer's keys and check the signature, or --jwks FILE with a saved copy of them)", "")
		return
	}
	v := d.in.Verifier
	if v == nil {
		v = &jwtinspect.Verifier{}
	}
	ver, err := v.Verify(d.ctx, d.tok)
	d.verifyErr = err
	if err != nil {
		var se *jwtinspect.StepError
		step, reason := "verify", err
		if errors.As(err, &se) {
			step, reason = se.Step, se.Err
		}
		fix := "make " + jwtinspect.DiscoveryURL(d.tok.Claims.Issuer) + " and its jwks_uri publicly reachable over https within 5 seconds, with the token's kid in the key set"
		switch {
		case ver.KeySource != "":
			fix = fmt.Sprintf("the token was not signed by a key in %s: save the issuer's current key set again (its jwks_uri), or check the signature against the issuer itself with --verify and without --jwks", ver.KeySource)
		case step == jwtinspect.StepSignature || step == jwtinspect.StepAlg:
			fix = "the token was not signed by a key the issuer publishes: get the token from the issuer named in iss, or fix the issuer's key set"
		}
		d.set(CheckTokenSignature, Fail, fmt.Sprintf("step %s failed: %v (STS: %s)", step, reason, stsErrorFor(CheckTokenSignature, step, facts{}).Message), fix).cause = step
		return
	}
	var ev []string
	var st Status = Pass
	var detail, fromFile string
	if ver.KeySource != "" {
		fromFile = fmt.Sprintf("keys from %s, not fetched from the issuer; whether the issuer serves them was not checked", ver.KeySource)
		detail = fmt.Sprintf("signed by key %s (%s) — %s", orQuote(ver.KeyID, "without kid"), ver.KeyType, fromFile)
		ev = []string{fmt.Sprintf("the kids in %s: %s", ver.KeySource, quoteList(ver.KeyIDs)),
			"not fetched: " + jwtinspect.DiscoveryURL(d.tok.Claims.Issuer) + " and its jwks_uri; STS fetches them and needs the issuer to match iss and the token's kid to be served there within 5 s (--verify without --jwks checks that from this machine)",
			"the key set given counts as the issuer's, as --trust-policy and --provider count as the role's and the account's: the report is complete without the fetch"}
	} else {
		detail = fmt.Sprintf("signed by key %s (%s) from %s", orQuote(ver.KeyID, "without kid"), ver.KeyType, ver.JWKS.URL)
		ev = []string{"discovery " + ver.Discovery.URL + " in " + ver.Discovery.Duration.Round(time.Millisecond).String(),
			"jwks " + ver.JWKS.URL + " in " + ver.JWKS.Duration.Round(time.Millisecond).String()}
	}
	for _, f := range ver.Findings {
		ev = append(ev, fmt.Sprintf("%s [%s]: %s", f.Severity, f.Code, f.Message))
		if f.Severity >= jwtinspect.Warning && st == Pass {
			st, detail = Warn, f.Message
			if fromFile != "" {
				detail += " (" + fromFile + ")"
			}
		}
	}
	d.set(CheckTokenSignature, st, detail, "", ev...)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func orQuote(s, none string) string {
	if s == "" {
		return none
	}
	return fmt.Sprintf("%q", s)
}

func quoteList(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "[" + strings.Join(q, ", ") + "]"
}
