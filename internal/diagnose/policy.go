package diagnose

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
)

var policyChecks = []string{CheckPrincipal, CheckAction, CheckCondition, CheckDeny, CheckTags, CheckSourceIdentity}

// parsePolicy runs policy.parse. It runs first because get-role output also gives the role's
// ARN and MaxSessionDuration.
func (d *run) parsePolicy() {
	if d.in.Policy != nil {
		d.setPolicy(d.in.Policy)
		return
	}
	if len(strings.TrimSpace(string(d.in.TrustPolicy))) == 0 {
		d.set(CheckPolicyParse, Skip, "no trust policy (pass --trust-policy FILE: the document, or `aws iam get-role` output; or --fetch)", "")
		return
	}
	p, err := trustpolicy.Parse(d.in.TrustPolicy)
	if err != nil {
		var pe *trustpolicy.ParseError
		detail, fix := strings.TrimPrefix(err.Error(), "trustpolicy: "), "fix the document so IAM would accept it"
		if errors.As(err, &pe) {
			detail = pe.Msg
			if pe.Path != "" {
				detail, fix = pe.Path+": "+pe.Msg, "fix "+pe.Path+" ("+pe.Msg+")"
			}
		}
		d.set(CheckPolicyParse, Fail, detail, fix)
		return
	}
	d.setPolicy(p)
}

// setPolicy records the parsed trust policy and passes policy.parse.
func (d *run) setPolicy(p *trustpolicy.Policy) {
	d.policyDoc = p
	detail := fmt.Sprintf("%d statement(s)", len(p.Statements))
	if p.Role != nil {
		detail += fmt.Sprintf(", from get-role output for %s (MaxSessionDuration %d)", orStr(p.Role.Arn, p.Role.RoleName), p.Role.MaxSessionDuration)
	}
	d.set(CheckPolicyParse, Pass, detail, "")
}

// policy runs the evaluation checks: policy.principal, policy.action, policy.condition,
// policy.deny, policy.tags and policy.source-identity.
func (d *run) policy() {
	if d.policyDoc != nil {
		_, hasTags := d.rawClaim(jwtinspect.ClaimTags)
		_, hasSI := d.rawClaim(jwtinspect.ClaimSourceIdentity)
		d.lint = trustpolicy.Lint(d.policyDoc, trustpolicy.LintOptions{ExpectedAccount: d.account, TokenHasTags: hasTags, TokenHasSourceIdentity: hasSI})
		if c := d.checks[CheckPolicyParse]; c != nil && len(d.lint) > 0 {
			for _, f := range d.lint {
				c.Evidence = append(c.Evidence, "lint: "+f.String())
			}
			c.Status = Warn
			c.Detail += fmt.Sprintf("; lint: %d finding(s), first: %s [%s]", len(d.lint), d.lint[0].Message, d.lint[0].Code)
			c.Fix = d.lint[0].Fix + " (rawsts lint-trust-policy lists every finding)"
		}
	}
	if d.policyDoc == nil || !d.tokenOK() {
		why := "no trust policy to evaluate"
		if d.policyDoc != nil {
			why = "the token could not be decoded"
		}
		for _, n := range policyChecks {
			d.set(n, Skip, why, "")
		}
		return
	}
	c := d.tok.Claims
	opts := trustpolicy.TokenContextOptions{
		Principal:       d.providerARN,
		Account:         d.account,
		Partition:       d.partition,
		RoleSessionName: d.in.SessionName,
		Now:             d.at,
	}
	ctx := trustpolicy.ContextFromToken(c.Issuer, d.tok.RawClaims, opts)
	d.markUnknownClaims(ctx, opts)
	ctx.Complete = d.in.Complete
	if d.in.SourceIP != "" {
		ctx.Set("aws:SourceIp", d.in.SourceIP)
	}
	res := trustpolicy.Evaluate(d.policyDoc, ctx)
	d.result = &res

	allows := statements(res, "Allow")
	if len(allows) == 0 {
		d.set(CheckPrincipal, Fail, "the policy has no Allow statement, so every request is implicitly denied", `add a statement with "Effect": "Allow", the provider in Principal.Federated and "Action": "sts:AssumeRoleWithWebIdentity"`)
		d.set(CheckAction, Skip, "no Allow statement", "")
		d.set(CheckCondition, Skip, "no Allow statement", "")
	} else {
		cands := d.principalCheck(allows)
		cands = d.actionCheck(cands)
		d.conditionCheck(cands)
	}
	d.denyCheck(res)
	d.extraAction(ctx, CheckTags, jwtinspect.ClaimTags, trustpolicy.ActionTagSession, trustpolicy.CodeMissingTagSession, "session tags")
	d.extraAction(ctx, CheckSourceIdentity, jwtinspect.ClaimSourceIdentity, trustpolicy.ActionSetSourceIdentity, trustpolicy.CodeMissingSourceIdent, "a source identity")
}

func (d *run) rawClaim(name string) (any, bool) {
	if d.tok == nil {
		return nil, false
	}
	v, ok := d.tok.RawClaims[name]
	return v, ok
}

func statements(res trustpolicy.Result, effect string) []trustpolicy.StatementResult {
	var out []trustpolicy.StatementResult
	for _, s := range res.Statements {
		if s.Effect == effect {
			out = append(out, s)
		}
	}
	return out
}

// filter returns the statements whose element (chosen by get) is not NoMatch, or all of them
// when none is, so the next check still has something to explain.
func filter(list []trustpolicy.StatementResult, get func(trustpolicy.StatementResult) trustpolicy.Outcome) (out []trustpolicy.StatementResult, best trustpolicy.Outcome) {
	best = trustpolicy.NoMatch
	for _, s := range list {
		switch get(s) {
		case trustpolicy.Match:
			out, best = append(out, s), trustpolicy.Match
		case trustpolicy.Unknown:
			out = append(out, s)
			if best != trustpolicy.Match {
				best = trustpolicy.Unknown
			}
		}
	}
	if len(out) == 0 {
		out = list
	}
	return out, best
}

func label(s trustpolicy.StatementResult) string {
	if s.Sid != "" {
		return fmt.Sprintf("Statement[%d] %q", s.Index, s.Sid)
	}
	return fmt.Sprintf("Statement[%d]", s.Index)
}

// lintFix returns the lint findings whose location starts with loc and whose code is one of
// codes, joined as "message; fix".
func (d *run) lintFix(loc string, codes ...string) (msg, fix string) {
	for _, f := range d.lint {
		if !strings.HasPrefix(f.Location, loc) {
			continue
		}
		for _, c := range codes {
			if f.Code == c {
				return f.Message, f.Fix
			}
		}
	}
	return "", ""
}

func (d *run) principalCheck(allows []trustpolicy.StatementResult) []trustpolicy.StatementResult {
	cands, best := filter(allows, func(s trustpolicy.StatementResult) trustpolicy.Outcome { return s.Principal.Outcome })
	s := cands[0]
	switch best {
	case trustpolicy.Match:
		d.set(CheckPrincipal, Pass, label(s)+": "+s.Principal.Reason, "")
	case trustpolicy.Unknown:
		d.set(CheckPrincipal, Unknown, label(s)+": "+s.Principal.Reason, "pass --role-arn so the provider ARN, the request's principal, is known")
	default:
		msg, fix := d.lintFix(fmt.Sprintf("Statement[%d].Principal", s.Index), trustpolicy.CodeProviderAccount, trustpolicy.CodeProviderKeyMismatch)
		detail := label(s) + ": " + s.Principal.Reason
		if msg != "" {
			detail += "; " + msg
		}
		if fix == "" {
			fix = fmt.Sprintf("name the provider the token maps to: \"Principal\": {\"Federated\": %q}", d.providerARN)
		}
		d.set(CheckPrincipal, Fail, detail, fix)
	}
	return cands
}

func (d *run) actionCheck(cands []trustpolicy.StatementResult) []trustpolicy.StatementResult {
	cands, best := filter(cands, func(s trustpolicy.StatementResult) trustpolicy.Outcome { return s.Action.Outcome })
	s := cands[0]
	switch best {
	case trustpolicy.Match:
		d.set(CheckAction, Pass, label(s)+": "+s.Action.Reason, "")
	case trustpolicy.Unknown:
		d.set(CheckAction, Unknown, label(s)+": "+s.Action.Reason, "")
	default:
		_, fix := d.lintFix(fmt.Sprintf("Statement[%d].Action", s.Index), trustpolicy.CodeMissingAssumeAction)
		if fix == "" {
			fix = `set "Action": "sts:AssumeRoleWithWebIdentity"`
		}
		d.set(CheckAction, Fail, label(s)+": "+s.Action.Reason, fix)
	}
	return cands
}

// condOutcome is the AND of a statement's clauses.
func condOutcome(s trustpolicy.StatementResult) trustpolicy.Outcome {
	out := trustpolicy.Match
	for _, c := range s.Conditions {
		switch c.Outcome {
		case trustpolicy.NoMatch:
			return trustpolicy.NoMatch
		case trustpolicy.Unknown:
			out = trustpolicy.Unknown
		}
	}
	return out
}

func (d *run) conditionCheck(cands []trustpolicy.StatementResult) {
	_, best := filter(cands, condOutcome)
	switch best {
	case trustpolicy.Match:
		for _, s := range cands {
			if condOutcome(s) == trustpolicy.Match {
				d.set(CheckCondition, Pass, fmt.Sprintf("%s: all %d condition(s) match", label(s), len(s.Conditions)), "", clauseLines(s)...)
				return
			}
		}
	case trustpolicy.Unknown:
		for _, s := range cands {
			if condOutcome(s) == trustpolicy.Unknown {
				var keys []string
				for _, c := range s.Conditions {
					if c.Outcome == trustpolicy.Unknown {
						keys = append(keys, c.Key)
					}
				}
				why, fix := "which a token cannot tell", "check these keys' values at request time (CloudTrail shows the request's context), or evaluate where they are known"
				if cl := d.in.Claims; d.in.Token == "" && cl != nil && cl.Partial {
					why, fix = "which "+orStr(cl.From, "the claims given")+" does not show", "pass the token, or its claims (e.g. actions-oidc-debugger's output), to decide"
				}
				d.set(CheckCondition, Unknown, fmt.Sprintf("%s depends on %s, %s", label(s), strings.Join(keys, ", "), why), fix, clauseLines(s)...)
				return
			}
		}
	}
	// The closest statement: the fewest failing clauses.
	s := cands[0]
	for _, c := range cands[1:] {
		if len(c.Failed()) < len(s.Failed()) {
			s = c
		}
	}
	failed := s.Failed()
	var details, fixes []string
	for _, cl := range failed {
		detail, fix := d.clauseFix(s, cl)
		details = append(details, detail)
		fixes = append(fixes, fix)
	}
	d.set(CheckCondition, Fail, label(s)+": "+strings.Join(details, "; "), strings.Join(fixes, "; "), clauseLines(s)...)
}

func clauseLines(s trustpolicy.StatementResult) []string {
	var out []string
	for _, c := range s.Conditions {
		mark := map[trustpolicy.Outcome]string{trustpolicy.Match: "ok  ", trustpolicy.NoMatch: "FAIL", trustpolicy.Unknown: "??  "}[c.Outcome]
		out = append(out, fmt.Sprintf("%s %s %s: %s", mark, c.Operator, c.Key, c.Reason))
	}
	return out
}

func (d *run) denyCheck(res trustpolicy.Result) {
	denies := statements(res, "Deny")
	if len(denies) == 0 {
		d.set(CheckDeny, Pass, "no Deny statement", "")
		return
	}
	var unknown *trustpolicy.StatementResult
	for i, s := range denies {
		switch s.Outcome {
		case trustpolicy.Match:
			d.set(CheckDeny, Fail, fmt.Sprintf("%s (Deny) matches this request, and an explicit Deny always wins", label(s)),
				fmt.Sprintf("this token is excluded on purpose by %s; if it should be allowed, narrow that statement's conditions", label(s)), strings.Split(strings.TrimSpace(s.String()), "\n")...)
			return
		case trustpolicy.Unknown:
			unknown = &denies[i]
		}
	}
	if unknown != nil {
		d.set(CheckDeny, Unknown, fmt.Sprintf("%s (Deny) depends on keys a token cannot tell", label(*unknown)), "", clauseLines(*unknown)...)
		return
	}
	d.set(CheckDeny, Pass, fmt.Sprintf("%d Deny statement(s), none matches", len(denies)), "")
}

// extraAction runs policy.tags or policy.source-identity: when the token carries claim, STS
// also authorizes action against the trust policy.
func (d *run) extraAction(ctx *trustpolicy.Context, name, claim, action, lintCode, what string) {
	if _, ok := d.rawClaim(claim); !ok {
		d.set(name, Skip, "the token carries no "+strings.TrimPrefix(what, "a ")+" ("+claim+")", "")
		return
	}
	saved := ctx.Action
	ctx.Action = action
	res := trustpolicy.Evaluate(d.policyDoc, ctx)
	ctx.Action = saved
	switch res.Decision {
	case trustpolicy.Allow:
		d.set(name, Pass, fmt.Sprintf("the token carries %s and the policy allows %s", what, action), "")
	case trustpolicy.Indeterminate:
		d.set(name, Unknown, fmt.Sprintf("the token carries %s; whether %s is allowed depends on %s", what, action, strings.Join(res.DependsOn, ", ")), "")
	default:
		_, fix := d.lintFix("Statement[", lintCode)
		if fix == "" {
			fix = fmt.Sprintf("add %q to the Action list of the statement that allows sts:AssumeRoleWithWebIdentity", action)
		}
		d.set(name, Fail, fmt.Sprintf("the token carries %s (%s), so STS also authorizes %s, which the policy does not allow (%s; STS: Not authorized to perform %s)", what, claim, action, res.Decision, action), fix)
	}
}
