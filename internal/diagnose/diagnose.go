package diagnose

import (
	"context"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
)

// Status is the outcome of one check.
type Status string

// The statuses a check can have.
const (
	Pass    Status = "pass"    // the check found nothing STS would refuse
	Fail    Status = "fail"    // STS refuses here
	Warn    Status = "warn"    // STS accepts, but something is likely wrong or fragile
	Skip    Status = "skip"    // not checked: an input is missing or the check does not apply
	Unknown Status = "unknown" // the answer depends on something a local check cannot know
	// Assumed: the check passes under a rule AWS does not document (a clock leeway, a plain
	// operator on a multivalued key, a key AWS's sources disagree on, …); Check.Assumption
	// names the rule. It is not a failure, so it does not change the verdict, but a report
	// with an assumed check is not complete (see [Report.Complete]).
	Assumed Status = "assumed"
)

// Verdict is the overall answer of a [Report].
type Verdict string

// The verdicts.
const (
	Allow         Verdict = "allow"         // no check failed and the trust policy allows
	Deny          Verdict = "deny"          // at least one check failed
	Indeterminate Verdict = "indeterminate" // nothing failed, but something could not be decided
	// AllowAsFarAsChecked is [Report.Summary]'s allow when the report is not complete: no
	// check failed and the trust policy allows, but a check was skipped, unknown or assumed.
	// Report.Verdict is then still Allow.
	AllowAsFarAsChecked Verdict = "allow-as-far-as-checked"
)

// The stable check names, in the order [Run] reports them.
const (
	CheckTokenFormat    = "token.format"
	CheckTokenAlg       = "token.alg"
	CheckTokenTimes     = "token.times"
	CheckTokenSignature = "token.signature"
	CheckProviderARN    = "provider.arn"
	CheckProviderReg    = "provider.registered"
	CheckProviderAud    = "provider.audience"
	CheckProviderThumb  = "provider.thumbprint"
	CheckSessionName    = "request.session-name"
	CheckDuration       = "request.duration"
	CheckPolicyParse    = "policy.parse"
	CheckPrincipal      = "policy.principal"
	CheckAction         = "policy.action"
	CheckCondition      = "policy.condition"
	CheckDeny           = "policy.deny"
	CheckTags           = "policy.tags"
	CheckSourceIdentity = "policy.source-identity"
)

// CheckNames lists every check name in report order.
var CheckNames = []string{
	CheckTokenFormat, CheckTokenAlg, CheckTokenTimes, CheckTokenSignature,
	CheckProviderARN, CheckProviderReg, CheckProviderAud, CheckProviderThumb,
	CheckSessionName, CheckDuration,
	CheckPolicyParse, CheckPrincipal, CheckAction, CheckCondition, CheckDeny, CheckTags, CheckSourceIdentity,
}

// Check is the result of one stage.
type Check struct {
	// Name is one of the Check* constants.
	Name string `json:"name"`
	// Status is the outcome.
	Status Status `json:"status"`
	// Detail is one line a person reads in the checklist.
	Detail string `json:"detail"`
	// Evidence holds the values the check compared (claim values, policy values, list
	// entries), one per line; never the token or its signature.
	Evidence []string `json:"evidence,omitempty"`
	// Fix says what to change, in concrete terms; set for failures and most warnings.
	Fix string `json:"fix,omitempty"`
	// Assumption names the rule AWS does not document that the check's outcome rests on
	// (status Assumed, or a failure that holds only under that rule); "" when none.
	Assumption string `json:"assumption,omitempty"`
	// Locations are the elements of the trust policy the check is about, as trustpolicy paths
	// (the form of ParseError.Path and lint locations: "Statement[0].Principal",
	// "Statement[0].Condition.StringLike.token.actions.githubusercontent.com:sub"): for a
	// failure, the elements that fail; for a pass, those that match. trustpolicy.Source
	// finds them in the policy's text. Empty for the checks that are not about the policy.
	Locations []string `json:"locations,omitempty"`

	// notApplicable marks a Skip for a check that does not apply to this request (a built-in
	// provider has no provider object; a token without session tags needs no sts:TagSession):
	// nothing was left unchecked, so it does not make the report incomplete.
	notApplicable bool

	// cause says, for a failing check with several possible causes, which one failed: the
	// jwtinspect finding code, the jwtinspect verify step, or a cause* constant. STSError
	// reads it.
	cause string
}

// Report is what [Run] found.
type Report struct {
	// Checks are in the order of [CheckNames], one per name.
	Checks []Check `json:"checks"`
	// Verdict is Deny when any check failed, Indeterminate when none failed but one is
	// Unknown or the trust policy was not evaluated, else Allow.
	Verdict Verdict `json:"verdict"`
	// Policy is the trust policy's evaluation for sts:AssumeRoleWithWebIdentity, nil when
	// no policy was evaluated.
	Policy *trustpolicy.Result `json:"-"`
	// VerifyErr is why Input.Verify's signature check could not pass: the error of
	// [jwtinspect.Verifier.Verify], nil when it passed or did not run. A caller tells the
	// network failing on the way (a timeout, a redirect, nothing listening) from an issuer whose
	// documents or keys are wrong with errors.As on it. It never holds token text.
	VerifyErr error `json:"-"`

	// Token is the token as decoded (never its text in any output), nil when it is not a JWT:
	// a caller that goes on with the token (the emulator, issuing a session) reads its claims
	// here instead of decoding it again.
	Token *jwtinspect.Token `json:"-"`

	// facts are the values STSError quotes in STS's messages.
	facts facts
}

// facts are the request and token values that STS's error messages quote.
type facts struct {
	at          time.Time // the time of the evaluation
	issuer      string    // the token's iss
	exp         time.Time // the token's exp, zero when it has none
	sessionName string
	duration    int
}

// Incomplete returns the names of the checks that leave the verdict short of complete, in
// report order: those skipped for want of an input (a check that does not apply is not
// counted, nor provider.thumbprint, which can only warn), those unknown, and those whose outcome rests on an assumption (status Assumed,
// or any check with an Assumption).
func (r *Report) Incomplete() []string {
	var out []string
	for _, c := range r.Checks {
		// provider.thumbprint is never more than a warning, so skipping it cannot change
		// a verdict.
		skipped := c.Status == Skip && !c.notApplicable && c.Name != CheckProviderThumb
		if skipped || c.Status == Unknown || c.Status == Assumed || c.Assumption != "" {
			out = append(out, c.Name)
		}
	}
	return out
}

// Complete reports whether every check that applies ran and was decided by documented rules:
// [Report.Incomplete] is empty.
func (r *Report) Complete() bool { return len(r.Incomplete()) == 0 }

// Summary is the verdict to show a person or a script: Verdict, except that an Allow of a
// report that is not complete is AllowAsFarAsChecked, so that an allow is never stated
// without saying what was not checked.
func (r *Report) Summary() Verdict {
	if r.Verdict == Allow && !r.Complete() {
		return AllowAsFarAsChecked
	}
	return r.Verdict
}

// FirstFailure returns the first failing check, or nil.
func (r *Report) FirstFailure() *Check {
	for i := range r.Checks {
		if r.Checks[i].Status == Fail {
			return &r.Checks[i]
		}
	}
	return nil
}

// Check returns the check with the given name, or nil.
func (r *Report) Check(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// Input is what a diagnosis looks at. Only Token (or, without it, Claims) is required; every
// other input that is missing turns the checks that need it into Skip.
type Input struct {
	// Token is the web identity token as it would be sent (surrounding whitespace is reported
	// and then ignored). Secret: it never appears in a Report.
	Token string
	// Claims, used when Token is empty, are the token's claims without the token: a decoded
	// payload or what a CloudTrail event shows. The checks that need the token are skipped.
	Claims *Claims
	// TrustPolicy is the role's trust policy in any form trustpolicy.Parse accepts (the
	// document, URL-encoded, or `aws iam get-role` output); nil or empty means unknown.
	TrustPolicy []byte
	// Policy, when set, is TrustPolicy already parsed by trustpolicy.Parse, which Run then
	// does not parse again (the emulator keeps its roles' policies parsed). It is read, never
	// changed.
	Policy *trustpolicy.Policy
	// Providers are the IAM OIDC providers of the role's account that are known, e.g. from
	// `aws iam get-open-id-connect-provider` output ([ParseProvider]) or from IAM itself.
	// Nil means unknown: provider.registered and provider.audience are skipped. An empty,
	// non-nil list means the account has no OIDC provider: provider.registered fails.
	Providers []Provider
	// RoleARN is the role to assume; its partition and account give the provider ARN. When
	// empty, the Role.Arn of get-role output in TrustPolicy is used.
	RoleARN string
	// SessionName is the RoleSessionName; empty skips request.session-name.
	SessionName string
	// DurationSeconds is the requested session length; 0 means STS's default (3600).
	DurationSeconds int
	// MaxSessionDuration is the role's MaxSessionDuration in seconds; 0 takes it from the
	// get-role output in TrustPolicy, if any.
	MaxSessionDuration int
	// At is the time to evaluate at; zero means time.Now().
	At time.Time
	// Verify fetches the issuer's discovery document and JWKS to check the signature, and
	// thumbprints the JWKS host, with Verifier; false skips both checks and does no I/O.
	// With Verifier.KeySet it fetches nothing: the signature is checked with that key set
	// (token.signature says the keys were given, not fetched) and provider.thumbprint is
	// skipped. The key set given counts as the issuer's, as TrustPolicy and Providers count as
	// the role's and the account's, so the report can still be complete.
	Verify bool
	// Verifier makes the fetches when Verify is set: its HTTPClient, Timeout and clock, or
	// its KeySet. Nil means a zero jwtinspect.Verifier (http.DefaultClient, STS's five seconds).
	Verifier *jwtinspect.Verifier
	// SkipThumbprint leaves provider.thumbprint unchecked (Skip) even with Verify: it needs a
	// TLS connection to the JWKS host, and its outcome is never more than a warning, so it
	// cannot change the verdict. The emulator sets it, to do no network I/O.
	SkipThumbprint bool

	// Complete says the input is built by the party that serves the request (the ststest
	// emulator), which knows every condition key of the request: a key the request lacks is
	// absent, not unknown (trustpolicy.Context.Complete), so the verdict is never
	// Indeterminate for want of a key. A diagnosis from outside leaves it false.
	Complete bool
	// SourceIP is aws:SourceIp, the address the request came from; empty means unknown (or,
	// with Complete, absent).
	SourceIP string
}

// Run runs every check on in and returns the report. ctx bounds the network calls of
// Input.Verify; without Verify Run does no I/O.
func Run(ctx context.Context, in Input) *Report {
	at := in.At
	if at.IsZero() {
		at = time.Now()
	}
	d := &run{ctx: ctx, in: in, at: at.UTC(), checks: map[string]*Check{}}
	d.parsePolicy()
	d.token()
	d.providers()
	d.request()
	d.policy()
	rep := &Report{Policy: d.result, VerifyErr: d.verifyErr,
		facts: facts{at: d.at, sessionName: in.SessionName, duration: in.DurationSeconds}}
	if d.tok != nil {
		rep.Token = d.tok
		rep.facts.issuer = d.tok.Claims.Issuer
		if d.tok.Claims.ExpiresAt != nil {
			rep.facts.exp = d.tok.Claims.ExpiresAt.Time
		}
	}
	for _, name := range CheckNames {
		c := d.checks[name]
		if c == nil {
			c = &Check{Name: name, Status: Skip, Detail: "not checked"}
		}
		rep.Checks = append(rep.Checks, *c)
	}
	rep.Verdict = verdict(rep, d.result)
	return rep
}

func verdict(rep *Report, res *trustpolicy.Result) Verdict {
	unknown := false
	for _, c := range rep.Checks {
		switch c.Status {
		case Fail:
			return Deny
		case Unknown:
			unknown = true
		}
	}
	if unknown || res == nil || res.Decision != trustpolicy.Allow {
		return Indeterminate
	}
	return Allow
}

// run holds the state shared by the checks of one diagnosis.
type run struct {
	ctx    context.Context
	in     Input
	at     time.Time
	checks map[string]*Check

	tok       *jwtinspect.Token
	findings  []jwtinspect.Finding
	verifyErr error // Verify's error, for Report.VerifyErr

	// From the role ARN (or get-role output).
	roleARN, partition, account string
	// provider is the registered provider the token maps to, when known.
	provider *Provider
	// providerARN is the principal STS authorizes the request as ("" if unknown).
	providerARN string

	policyDoc *trustpolicy.Policy
	lint      []trustpolicy.Finding
	result    *trustpolicy.Result
}

func (d *run) set(name string, st Status, detail string, fix string, evidence ...string) *Check {
	c := &Check{Name: name, Status: st, Detail: detail, Fix: fix, Evidence: evidence}
	d.checks[name] = c
	return c
}

// notApplicable sets a Skip for a check that does not apply to this request.
func (d *run) notApplicable(name, detail string) {
	d.set(name, Skip, detail, "").notApplicable = true
}

func (d *run) has(name string) bool { return d.checks[name] != nil }

// tokenOK reports whether the token decoded, so later checks can read its claims.
func (d *run) tokenOK() bool { return d.tok != nil }
