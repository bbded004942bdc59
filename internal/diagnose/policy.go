package diagnose

import (
	"errors"
	"fmt"
	"slices"
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
		c := d.set(CheckPolicyParse, Fail, detail, fix)
		if pe != nil && pe.Path != "" {
			c.Locations = []string{pe.Path}
		}
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
				if f.Location != "" {
					c.Locations = append(c.Locations, f.Location)
				}
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
	d.notPrincipal()
	d.denyCheck(res)
	d.extraAction(ctx, CheckTags, jwtinspect.ClaimTags, trustpolicy.ActionTagSession, trustpolicy.CodeMissingTagSession, "session tags")
	d.extraAction(ctx, CheckSourceIdentity, jwtinspect.ClaimSourceIdentity, trustpolicy.ActionSetSourceIdentity, trustpolicy.CodeMissingSourceIdent, "a source identity")
}

// notPrincipal fails policy.principal when any statement uses NotPrincipal, which a role
// trust policy does not support (IAM User Guide, "AWS JSON policy elements: NotPrincipal"):
// what STS does with such a policy is not documented, so no verdict of rawsts's can stand on
// it.
func (d *run) notPrincipal() {
	for i, st := range d.policyDoc.Statements {
		if st.NotPrincipal == nil {
			continue
		}
		loc := fmt.Sprintf("Statement[%d].NotPrincipal", i)
		msg, fix := d.lintFix(loc, trustpolicy.CodeNotPrincipal)
		if c := d.checks[CheckPrincipal]; c != nil && c.Status == Fail && strings.Contains(c.Detail, msg) {
			return
		}
		d.set(CheckPrincipal, Fail, fmt.Sprintf("%s: %s", label(d.result.Statements[i]), msg), fix).Locations = []string{loc}
		return
	}
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
	at := []string{d.elementPath(s.Index, "Principal")}
	switch best {
	case trustpolicy.Match:
		d.set(CheckPrincipal, Pass, label(s)+": "+s.Principal.Reason, "").Locations = at
	case trustpolicy.Unknown:
		d.set(CheckPrincipal, Unknown, label(s)+": "+s.Principal.Reason, "pass --role-arn so the provider ARN, the request's principal, is known").Locations = at
	default:
		msg, fix := d.lintFix(fmt.Sprintf("Statement[%d].Principal", s.Index), trustpolicy.CodeProviderAccount, trustpolicy.CodeProviderKeyMismatch)
		detail := label(s) + ": " + s.Principal.Reason
		if d.policyDoc.Statements[s.Index].NotPrincipal != nil {
			_, fix = d.lintFix(fmt.Sprintf("Statement[%d].NotPrincipal", s.Index), trustpolicy.CodeNotPrincipal)
		}
		if msg != "" {
			detail += "; " + msg
		}
		if fix == "" {
			fix = fmt.Sprintf("name the provider the token maps to: \"Principal\": {\"Federated\": %q}", d.providerARN)
		}
		d.set(CheckPrincipal, Fail, detail, fix).Locations = at
	}
	return cands
}

func (d *run) actionCheck(cands []trustpolicy.StatementResult) []trustpolicy.StatementResult {
	cands, best := filter(cands, func(s trustpolicy.StatementResult) trustpolicy.Outcome { return s.Action.Outcome })
	s := cands[0]
	at := []string{d.elementPath(s.Index, "Action")}
	switch best {
	case trustpolicy.Match:
		d.set(CheckAction, Pass, label(s)+": "+s.Action.Reason, "").Locations = at
	case trustpolicy.Unknown:
		d.set(CheckAction, Unknown, label(s)+": "+s.Action.Reason, "").Locations = at
	default:
		_, fix := d.lintFix(fmt.Sprintf("Statement[%d].Action", s.Index), trustpolicy.CodeMissingAssumeAction)
		if fix == "" {
			fix = `set "Action": "sts:AssumeRoleWithWebIdentity"`
		}
		d.set(CheckAction, Fail, label(s)+": "+s.Action.Reason, fix).Locations = at
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
				c := d.set(CheckCondition, Pass, fmt.Sprintf("%s: all %d condition(s) match", label(s), len(s.Conditions)), "", clauseLines(s)...)
				c.Locations = clausePaths(s.Index, s.Conditions)
				if a := assumptions(s.Conditions); a != "" {
					c.Status, c.Assumption = Assumed, a
				}
				return
			}
		}
	case trustpolicy.Unknown:
		for _, s := range cands {
			if condOutcome(s) == trustpolicy.Unknown {
				var keys []string
				var unknown []trustpolicy.ClauseResult
				for _, c := range s.Conditions {
					if c.Outcome == trustpolicy.Unknown {
						keys = append(keys, c.Key)
						unknown = append(unknown, c)
					}
				}
				why, fix := "which a token cannot tell", "check these keys' values at request time (CloudTrail shows the request's context), or evaluate where they are known"
				if cl := d.in.Claims; d.in.Token == "" && cl != nil && cl.Partial {
					why, fix = "which "+orStr(cl.From, "the claims given")+" does not show", "pass the token, or its claims (e.g. actions-oidc-debugger's output), to decide"
				}
				d.set(CheckCondition, Unknown, fmt.Sprintf("%s depends on %s, %s", label(s), strings.Join(keys, ", "), why), fix, clauseLines(s)...).Locations = clausePaths(s.Index, unknown)
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
	c := d.set(CheckCondition, Fail, label(s)+": "+strings.Join(details, "; "), strings.Join(fixes, "; "), clauseLines(s)...)
	c.Assumption, c.Locations = assumptions(failed), clausePaths(s.Index, failed)
}

// clausePaths are the trustpolicy paths of clauses of statement i (Check.Locations).
func clausePaths(i int, cls []trustpolicy.ClauseResult) []string {
	out := make([]string, 0, len(cls))
	for _, c := range cls {
		out = append(out, fmt.Sprintf("Statement[%d].Condition.%s.%s", i, c.Operator, c.Key))
	}
	return out
}

// elementPath is the trustpolicy path of statement i's Principal or Action element, as
// written: NotPrincipal or NotAction when the statement has that instead.
func (d *run) elementPath(i int, element string) string {
	st := d.policyDoc.Statements[i]
	switch {
	case element == "Principal" && st.Principal == nil && st.NotPrincipal != nil,
		element == "Action" && st.Action == nil && st.NotAction != nil:
		element = "Not" + element
	}
	return fmt.Sprintf("Statement[%d].%s", i, element)
}

// assumptions joins the assumptions the clauses rest on, each once.
func assumptions(cls []trustpolicy.ClauseResult) string {
	var out []string
	for _, c := range cls {
		if c.Assumption != "" && !slices.Contains(out, c.Assumption) {
			out = append(out, c.Assumption)
		}
	}
	return strings.Join(out, "; ")
}

// clauseLines explains each clause of a statement: ok, FAIL, ?? (unknown), or ok* for a
// match that rests on an assumption (the check's Assumption names it).
func clauseLines(s trustpolicy.StatementResult) []string {
	var out []string
	for _, c := range s.Conditions {
		mark := map[trustpolicy.Outcome]string{trustpolicy.Match: "ok  ", trustpolicy.NoMatch: "FAIL", trustpolicy.Unknown: "??  "}[c.Outcome]
		if c.Assumption != "" && c.Outcome == trustpolicy.Match {
			mark = "ok* "
		}
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
	var assumed []string
	for i, s := range denies {
		switch s.Outcome {
		case trustpolicy.Match:
			c := d.set(CheckDeny, Fail, fmt.Sprintf("%s (Deny) matches this request, and an explicit Deny always wins", label(s)),
				fmt.Sprintf("this token is excluded on purpose by %s; if it should be allowed, narrow that statement's conditions", label(s)), strings.Split(strings.TrimSpace(s.String()), "\n")...)
			c.Assumption, c.Locations = assumptions(s.Conditions), []string{fmt.Sprintf("Statement[%d]", s.Index)}
			return
		case trustpolicy.NoMatch:
			// A Deny that misses only by clauses resting on assumptions would match under
			// the other reading.
			if failed := s.Failed(); len(failed) > 0 && allAssumed(failed) && s.Principal.Outcome == trustpolicy.Match && s.Action.Outcome == trustpolicy.Match {
				assumed = append(assumed, assumptions(failed))
			}
		case trustpolicy.Unknown:
			unknown = &denies[i]
		}
	}
	if unknown != nil {
		d.set(CheckDeny, Unknown, fmt.Sprintf("%s (Deny) depends on keys a token cannot tell", label(*unknown)), "", clauseLines(*unknown)...).Locations = []string{fmt.Sprintf("Statement[%d]", unknown.Index)}
		return
	}
	c := d.set(CheckDeny, Pass, fmt.Sprintf("%d Deny statement(s), none matches", len(denies)), "")
	if len(assumed) > 0 {
		c.Status, c.Assumption = Assumed, strings.Join(assumed, "; ")
	}
}

// allAssumed reports whether every clause rests on an assumption.
func allAssumed(cls []trustpolicy.ClauseResult) bool {
	for _, c := range cls {
		if c.Assumption == "" {
			return false
		}
	}
	return true
}

// extraAction runs policy.tags or policy.source-identity: when the token carries claim, STS
// also authorizes action against the trust policy.
func (d *run) extraAction(ctx *trustpolicy.Context, name, claim, action, lintCode, what string) {
	if _, ok := d.rawClaim(claim); !ok {
		d.notApplicable(name, "the token carries no "+strings.TrimPrefix(what, "a ")+" ("+claim+")")
		return
	}
	saved := ctx.Action
	ctx.Action = action
	res := trustpolicy.Evaluate(d.policyDoc, ctx)
	ctx.Action = saved
	switch res.Decision {
	case trustpolicy.Allow:
		c := d.set(name, Pass, fmt.Sprintf("the token carries %s and the policy allows %s", what, action), "")
		for _, s := range res.Statements {
			if s.Effect == "Allow" && s.Outcome == trustpolicy.Match {
				if a := assumptions(s.Conditions); a != "" {
					c.Status, c.Assumption = Assumed, a
				}
				break
			}
		}
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
