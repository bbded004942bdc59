package diagnose

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
)

// Suggestion is the fix of a diagnosis as the corrected trust policy: the smallest edit of the
// policy that admits this token for this role while keeping every other statement and
// condition, the changes outside the policy the token needs too (an OIDC provider to create,
// an audience to add), and what no edit can fix (an expired token, a bad signature). It never
// widens a statement to every subject of a provider: where the only edit of a clause would admit
// more than the token's own subject, it leaves the clause alone, adds a statement for exactly
// that subject and says so.
type Suggestion struct {
	// Edits says each change to the trust policy, in the order made, e.g.
	// `Statement[0]: add "repo:acme/app:environment:prod" to StringLike token.actions.githubusercontent.com:sub`.
	Edits []string `json:"edits,omitempty"`
	// Outside lists the changes outside the trust policy the re-run assumed made: commands to
	// run (aws iam create-open-id-connect-provider …), each with its reason.
	Outside []string `json:"outside,omitempty"`
	// Notes are what a person should know about the edits: the alternatives not taken (a token
	// requested for another audience), a subject form that admits more than one job.
	Notes []string `json:"notes,omitempty"`
	// Blocked names each failing check no edit of the trust policy or the providers can fix,
	// with what must change instead ("token.times: … — fetch a fresh token …").
	Blocked []string `json:"blocked,omitempty"`
	// Policy is the corrected trust policy, laid out like the one given (indentation, objects
	// kept on one line, member order); nil when the policy needs no change.
	Policy json.RawMessage `json:"policy,omitempty"`
	// Diff is the unified diff from the given policy to Policy, "" when it needs no change.
	Diff string `json:"diff,omitempty"`
	// Rerun is the diagnosis of the same request with Policy and the changes of Outside; nil
	// when nothing could be changed. Read its Summary, not its Verdict: a re-run with a check
	// skipped (no --provider, no session name, a diagnosis from claims) allows only as far as
	// checked.
	Rerun *Report `json:"-"`
}

// Suggest computes the fix of rep, the report of Run on in. name names the trust policy in the
// diff's header ("trust-policy.json"). The re-runs never do network I/O: Input.Verify is off,
// token.signature is rep's, and a signature that failed in rep stays a reason in Blocked. The
// original in is not changed.
func Suggest(ctx context.Context, in Input, rep *Report, name string) *Suggestion {
	s := &suggester{ctx: ctx, in: in, sug: &Suggestion{}, origText: in.TrustPolicy}
	s.in.Verify, s.in.SkipThumbprint, s.in.Verifier = false, true, nil
	if in.Providers != nil {
		s.in.Providers = append([]Provider{}, in.Providers...)
		for i := range s.in.Providers {
			s.in.Providers[i].ClientIDs = append([]string(nil), s.in.Providers[i].ClientIDs...)
		}
	}
	if rep.Token != nil {
		s.claims = rep.Token.Claims
		s.host = trustpolicy.IssuerHost(s.claims.Issuer)
	}
	orig := in.Policy
	if orig == nil && len(bytes.TrimSpace(in.TrustPolicy)) > 0 {
		orig, _ = trustpolicy.Parse(in.TrustPolicy)
	}
	if orig != nil {
		s.pol = clonePolicy(orig)
		s.in.Policy, s.in.TrustPolicy = s.pol, nil
	}
	s.run(rep)
	if orig != nil && s.policyChanged {
		s.render(orig, name)
	}
	return s.sug
}

type suggester struct {
	ctx    context.Context
	in     Input // the input of the re-runs: Policy is pol, Providers the edited copies
	sug    *Suggestion
	pol    *trustpolicy.Policy
	claims jwtinspect.Claims
	host   string // the token's issuer without https://

	origText []byte // the trust policy as given

	policyChanged, changed bool
	blocked                map[string]bool
}

// blockers are the checks no edit of the trust policy or the providers can fix, with what must
// change instead when the check's own fix says nothing.
var blockers = map[string]string{
	CheckTokenFormat:    "send a valid OIDC ID token",
	CheckTokenAlg:       "have the issuer sign with RS256/384/512 or ES256/384/512",
	CheckTokenTimes:     "fetch a fresh token just before the call",
	CheckTokenSignature: "get the token from the issuer named in iss, or fix the issuer's keys",
	CheckProviderARN:    "pass the role's ARN",
	CheckSessionName:    "use a valid RoleSessionName",
	CheckDuration:       "ask for a shorter session, or raise the role's MaxSessionDuration",
	CheckPolicyParse:    "fix the document so IAM accepts it, then run --suggest again",
}

// run fixes the first fixable failure, runs the checks again, and repeats.
func (s *suggester) run(rep *Report) {
	s.blocked = map[string]bool{}
	r := rep
	for round := 0; round < 12; round++ {
		var next *Check
		for i := range r.Checks {
			c := &r.Checks[i]
			if c.Status != Fail || s.blocked[c.Name] {
				continue
			}
			if how, ok := blockers[c.Name]; ok {
				s.block(c, how)
				continue
			}
			next = c
			break
		}
		if next == nil {
			break
		}
		if !s.fix(next, r) {
			s.block(next, "")
			continue
		}
		s.changed = true
		r = s.rerun(rep)
	}
	for i := range r.Checks { // what the rounds left failing
		if c := &r.Checks[i]; c.Status == Fail && !s.blocked[c.Name] {
			s.block(c, "")
		}
	}
	if s.changed {
		s.sug.Rerun = r
	}
}

// rerun runs the checks again on the edited input. The re-runs do no network I/O, so
// token.signature, which no edit changes, is carried over from the diagnosis when it ran there
// (Input.Verify): the re-run's verdict is then neither short of a check the diagnosis made
// (Report.Incomplete) nor an allow of a token whose signature failed.
func (s *suggester) rerun(orig *Report) *Report {
	r := Run(s.ctx, s.in)
	if o := orig.Check(CheckTokenSignature); o != nil && o.Status != Skip {
		*r.Check(CheckTokenSignature) = *o
		r.Verdict = verdict(r, r.Policy)
	}
	return r
}

// block records a failing check no edit here fixes.
func (s *suggester) block(c *Check, how string) {
	s.blocked[c.Name] = true
	fix := orStr(c.Fix, how)
	if fix == "" {
		fix = "rawsts knows no edit of the trust policy that admits this request"
	}
	s.sug.Blocked = append(s.sug.Blocked, fmt.Sprintf("%s: %s — instead: %s", c.Name, c.Detail, fix))
}

func (s *suggester) edit(format string, args ...any) {
	s.sug.Edits = append(s.sug.Edits, fmt.Sprintf(format, args...))
	s.policyChanged = true
}

func (s *suggester) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	for _, old := range s.sug.Notes {
		if old == n {
			return
		}
	}
	s.sug.Notes = append(s.sug.Notes, n)
}

// fix changes the policy or the providers for one failing check; false when it cannot.
func (s *suggester) fix(c *Check, r *Report) bool {
	if r.Token == nil {
		return false
	}
	switch c.Name {
	case CheckProviderReg:
		return s.createProvider()
	case CheckProviderAud:
		return s.addClientID()
	}
	if s.pol == nil || r.Policy == nil {
		return false
	}
	switch c.Name {
	case CheckPrincipal:
		return s.fixPrincipal(r.Policy)
	case CheckAction:
		return s.fixAction(r.Policy)
	case CheckCondition:
		return s.fixConditions(r.Policy)
	case CheckDeny:
		return s.fixDeny(r.Policy)
	case CheckTags:
		return s.addAction(r.Policy, trustpolicy.ActionTagSession, "the token carries session tags ("+jwtinspect.ClaimTags+")")
	case CheckSourceIdentity:
		return s.addAction(r.Policy, trustpolicy.ActionSetSourceIdentity, "the token sets a source identity ("+jwtinspect.ClaimSourceIdentity+")")
	}
	return false
}

// --- providers

// providerARN is the principal the request is made as: a built-in provider's name, or the IAM
// OIDC provider ARN in the role's account; "" when the account is unknown.
func (s *suggester) providerARN() string {
	if trustpolicy.BuiltinProvider(s.host) {
		return s.host
	}
	arn := s.in.RoleARN
	if arn == "" && s.pol != nil && s.pol.Role != nil {
		arn = s.pol.Role.Arn
	}
	partition, account, err := splitRoleARN(arn)
	if err != nil || account == "" {
		return ""
	}
	return jwtinspect.ProviderARN(s.claims.Issuer, partition, account)
}

// audience is the audience to register or to name in a policy: the token's only aud, or the
// first of several.
func (s *suggester) audience() string {
	return firstOr(s.claims.Audience)
}

func (s *suggester) createProvider() bool {
	aud := s.audience()
	if s.host == "" || aud == "" {
		return false
	}
	arn := s.providerARN()
	s.in.Providers = append(s.in.Providers, Provider{ARN: arn, URL: s.host, ClientIDs: []string{aud}})
	s.sug.Outside = append(s.sug.Outside, fmt.Sprintf("create the OIDC provider in the role's account: aws iam create-open-id-connect-provider --url %s --client-id-list %s",
		s.claims.Issuer, aud))
	s.note("no thumbprint is needed: AWS checks the IdP's certificate against its trusted root CAs and uses the thumbprint list only when the certificate does not chain to one (aws iam create-open-id-connect-provider help)")
	return true
}

func (s *suggester) addClientID() bool {
	aud := s.audience()
	for i := range s.in.Providers {
		p := &s.in.Providers[i]
		if p.URL != s.host || aud == "" {
			continue
		}
		accepted := append([]string(nil), p.ClientIDs...)
		p.ClientIDs = append(p.ClientIDs, aud)
		s.sug.Outside = append(s.sug.Outside, fmt.Sprintf("add the token's audience to the provider: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn %s --client-id %s",
			orStr(orStr(p.ARN, s.providerARN()), "PROVIDER_ARN"), aud))
		if len(accepted) > 0 {
			how := "request the token for"
			if isGitHub(s.claims.Issuer) {
				how = "request the token (configure-aws-credentials' audience input) for"
			}
			s.note("or, changing nothing in AWS: %s an audience the provider already accepts, %s; the policy's aud condition must name the same audience", how, quoteList(accepted))
		}
		return true
	}
	return false
}

// --- statements

// chooseAllow returns the Allow statement closest to admitting the request: its principal
// matching first, then its action, then the fewest failing clauses; the first of equals.
func chooseAllow(res *trustpolicy.Result) *trustpolicy.StatementResult {
	var best *trustpolicy.StatementResult
	bestScore := 0
	for i := range res.Statements {
		st := &res.Statements[i]
		if st.Effect != "Allow" {
			continue
		}
		score := len(st.Failed())
		if st.Principal.Outcome == trustpolicy.NoMatch {
			score += 1000
		}
		if st.Action.Outcome == trustpolicy.NoMatch {
			score += 100
		}
		if best == nil || score < bestScore {
			best, bestScore = st, score
		}
	}
	return best
}

func stmtLabel(i int, st *trustpolicy.Statement) string {
	if st.Sid != "" {
		return fmt.Sprintf("Statement[%d] %q", i, st.Sid)
	}
	return fmt.Sprintf("Statement[%d]", i)
}

// newStatement returns an Allow statement for exactly this token's subject: the provider in
// Principal.Federated, sts:AssumeRoleWithWebIdentity, and the audience and subject (for a
// Cognito identity pool, the pool's audience and the amr AWS documents for its roles).
func (s *suggester) newStatement(arn string) trustpolicy.Statement {
	st := trustpolicy.Statement{Effect: "Allow", Principal: &trustpolicy.Principal{Federated: []string{arn}},
		Action: []string{trustpolicy.ActionAssumeRoleWithWebIdentity}}
	s.guard(&st)
	return st
}

// guard adds to st, a statement admitting this provider, the conditions that keep it to this
// token's audience and subject when st has none on them: a statement for a provider without a
// sub condition admits every subject the provider issues tokens for (for shared issuers such
// as GitHub, IAM refuses such policies), which rawsts never suggests.
func (s *suggester) guard(st *trustpolicy.Statement) (added []string) {
	has := func(claim string) bool {
		for _, c := range st.Conditions {
			if strings.EqualFold(c.Key, s.host+":"+claim) && !isNegated(c.Operator) {
				return true
			}
		}
		return false
	}
	add := func(op, claim string, vals ...string) {
		st.Conditions = append(st.Conditions, trustpolicy.Condition{Operator: op, Key: s.host + ":" + claim, Values: vals})
		added = append(added, fmt.Sprintf("%s %s:%s %s", op, s.host, claim, quoteList(vals)))
	}
	if aud := s.audience(); aud != "" && !has("aud") {
		add("StringEquals", "aud", aud)
	}
	if s.host == "cognito-identity.amazonaws.com" {
		// Cognito's documented identity-pool trust policy: aud is the pool, amr says whether
		// the identity is authenticated (Cognito Developer Guide, "Role trust and permissions").
		if len(s.claims.AMR) > 0 && !has("amr") {
			amr := "unauthenticated"
			for _, a := range s.claims.AMR {
				if a == "authenticated" {
					amr = "authenticated"
				}
			}
			add("ForAnyValue:StringLike", "amr", amr)
		}
	} else if s.claims.Subject != "" && !has("sub") {
		add("StringEquals", "sub", literalValue(s.claims.Subject, false, s.pol.Version))
	}
	if st.Conditions == nil {
		st.Conditions = []trustpolicy.Condition{}
	}
	return added
}

func (s *suggester) appendStatement(st trustpolicy.Statement, why string) {
	s.pol.Statements = append(s.pol.Statements, st)
	i := len(s.pol.Statements) - 1
	var conds []string
	for _, c := range st.Conditions {
		conds = append(conds, fmt.Sprintf("%s %s %s", c.Operator, c.Key, quoteList(c.Values)))
	}
	s.edit("add %s: Allow %s for %s, with %s (%s)", stmtLabel(i, &st), quoteList(st.Action), quoteList(st.Principal.Federated), strings.Join(conds, " and "), why)
}

func (s *suggester) fixPrincipal(res *trustpolicy.Result) bool {
	arn := s.providerARN()
	if arn == "" || s.host == "" {
		return false
	}
	if done, ok := s.fixNotPrincipal(arn); done {
		return ok
	}
	best := chooseAllow(res)
	if best == nil {
		s.appendStatement(s.newStatement(arn), "the policy has no Allow statement")
		return true
	}
	st := &s.pol.Statements[best.Index]
	at := stmtLabel(best.Index, st)
	switch {
	case st.Principal != nil && s.replaceFederated(st, arn, at):
	default:
		s.appendStatement(s.newStatement(arn), fmt.Sprintf("%s names another principal; it is kept as it is", at))
		return true
	}
	s.guardEdit(st, at)
	return true
}

// fixNotPrincipal handles policy.principal failing for a NotPrincipal element, which a role
// trust policy does not support (IAM User Guide, "AWS JSON policy elements: NotPrincipal"), in
// any statement: no edit elsewhere can fix it. An Allow statement's NotPrincipal becomes
// Principal.Federated naming the token's provider (a NotPrincipal Allow admitted every other
// principal, so this narrows it), with the audience and subject guarded. A Deny statement's
// NotPrincipal (deny all but the principals named) has no edit that keeps what it meant to
// deny: the check is blocked, with its fix. done is false when no statement has NotPrincipal.
func (s *suggester) fixNotPrincipal(arn string) (done, ok bool) {
	var allows []int
	for i := range s.pol.Statements {
		st := &s.pol.Statements[i]
		switch {
		case st.NotPrincipal == nil:
		case st.Effect != "Allow":
			return true, false
		default:
			allows = append(allows, i)
		}
	}
	for _, i := range allows {
		st := &s.pol.Statements[i]
		at := stmtLabel(i, st)
		st.NotPrincipal, st.Principal = nil, &trustpolicy.Principal{Federated: []string{arn}}
		s.edit("%s: replace NotPrincipal with \"Principal\": {\"Federated\": %q} (AWS: NotPrincipal cannot be used in a role trust policy)", at, arn)
		s.guardEdit(st, at)
	}
	return len(allows) > 0, true
}

// replaceFederated replaces, in st's Principal.Federated, the entry for the token's provider
// written for another account or partition (or with another trailing '/') with arn.
func (s *suggester) replaceFederated(st *trustpolicy.Statement, arn, at string) bool {
	for i, f := range st.Principal.Federated {
		host := f
		if j := strings.Index(f, ":oidc-provider/"); strings.HasPrefix(f, "arn:") && j >= 0 {
			host = f[j+len(":oidc-provider/"):]
		}
		if f != arn && strings.EqualFold(strings.TrimSuffix(host, "/"), strings.TrimSuffix(s.host, "/")) {
			st.Principal.Federated[i] = arn
			s.edit("%s: Principal.Federated %q → %q (the provider in the role's account, exactly the token's issuer)", at, f, arn)
			return true
		}
	}
	return false
}

func (s *suggester) fixAction(res *trustpolicy.Result) bool {
	best := chooseAllow(res)
	if best == nil {
		return false
	}
	st := &s.pol.Statements[best.Index]
	at := stmtLabel(best.Index, st)
	if !s.allowAction(st, at) {
		return false
	}
	if best.Principal.Outcome == trustpolicy.Match {
		s.guardEdit(st, at)
	}
	return true
}

// allowAction makes st's Action (or NotAction) admit sts:AssumeRoleWithWebIdentity.
func (s *suggester) allowAction(st *trustpolicy.Statement, at string) bool {
	const want = trustpolicy.ActionAssumeRoleWithWebIdentity
	if st.Action != nil {
		for i, a := range st.Action {
			if strings.EqualFold(a, "sts:AssumeRole") {
				st.Action[i] = want
				s.edit("%s: Action %q → %q (the action a web identity token is authorized for)", at, a, want)
				return true
			}
		}
		st.Action = append(st.Action, want)
		s.edit("%s: add %q to Action", at, want)
		return true
	}
	kept := st.NotAction[:0:0]
	for _, a := range st.NotAction {
		if trustpolicy.MatchLike(strings.ToLower(a), strings.ToLower(want)) {
			s.edit("%s: remove %q from NotAction (it excludes %s)", at, a, want)
			continue
		}
		kept = append(kept, a)
	}
	if len(kept) == len(st.NotAction) {
		return false
	}
	st.NotAction = kept
	if len(kept) == 0 {
		st.NotAction, st.Action = nil, []string{want}
	}
	return true
}

// addAction adds action (sts:TagSession, sts:SetSourceIdentity) to the Allow statement that
// admits sts:AssumeRoleWithWebIdentity: STS authorizes it against the same statement.
func (s *suggester) addAction(res *trustpolicy.Result, action, why string) bool {
	for _, r := range res.Statements {
		if r.Effect != "Allow" || r.Outcome != trustpolicy.Match {
			continue
		}
		st := &s.pol.Statements[r.Index]
		if st.Action == nil {
			return false
		}
		st.Action = append(st.Action, action)
		s.edit("%s: add %q to Action (%s, so STS also authorizes %s)", stmtLabel(r.Index, st), action, why, action)
		return true
	}
	return false
}

// fixDeny adds to the Deny statement that matches an exception for exactly this subject.
func (s *suggester) fixDeny(res *trustpolicy.Result) bool {
	if s.claims.Subject == "" || s.host == "" {
		return false
	}
	for _, r := range res.Statements {
		if r.Effect != "Deny" || r.Outcome != trustpolicy.Match {
			continue
		}
		st := &s.pol.Statements[r.Index]
		key, sub := s.host+":sub", literalValue(s.claims.Subject, false, s.pol.Version)
		at := stmtLabel(r.Index, st)
		for i := range st.Conditions {
			c := &st.Conditions[i]
			if c.Operator == "StringNotEquals" && strings.EqualFold(c.Key, key) {
				c.Values = append(c.Values, sub)
				s.edit("%s: add %q to StringNotEquals %s, the subjects the Deny spares", at, sub, c.Key)
				s.denyNote(at)
				return true
			}
		}
		if st.Conditions == nil {
			st.Conditions = []trustpolicy.Condition{}
		}
		st.Conditions = append(st.Conditions, trustpolicy.Condition{Operator: "StringNotEquals", Key: key, Values: []string{sub}})
		s.edit("%s: add StringNotEquals %s %q, an exception for exactly this subject", at, key, sub)
		s.denyNote(at)
		return true
	}
	return false
}

func (s *suggester) denyNote(at string) {
	s.note("%s denies this token on purpose; the exception spares exactly the subject %q and nothing else — make sure it should", at, s.claims.Subject)
}
