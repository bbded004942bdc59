package trustpolicy

import (
	"fmt"
	"sort"
	"strings"
)

// Outcome is a three-valued match result.
type Outcome int

const (
	// NoMatch: the element or clause does not match the request.
	NoMatch Outcome = iota
	// Match: it matches.
	Match
	// Unknown: the answer depends on a key the local context cannot know.
	Unknown
)

// String returns "match", "no match" or "unknown".
func (o Outcome) String() string {
	switch o {
	case Match:
		return "match"
	case Unknown:
		return "unknown"
	}
	return "no match"
}

// and3 is three-valued AND: NoMatch wins, then Unknown.
func and3(a, b Outcome) Outcome {
	if a == NoMatch || b == NoMatch {
		return NoMatch
	}
	if a == Unknown || b == Unknown {
		return Unknown
	}
	return Match
}

// Decision is the verdict of a trust policy on a request.
type Decision int

const (
	// ImplicitDeny: no statement allowed the request and none denied it.
	ImplicitDeny Decision = iota
	// Allow: an Allow statement matched and no Deny statement did.
	Allow
	// ExplicitDeny: a Deny statement matched.
	ExplicitDeny
	// Indeterminate: the verdict depends on keys the local context cannot know;
	// Result.DependsOn names them.
	Indeterminate
)

// String returns "allow", "explicit deny", "implicit deny" or "indeterminate".
func (d Decision) String() string {
	switch d {
	case Allow:
		return "allow"
	case ExplicitDeny:
		return "explicit deny"
	case Indeterminate:
		return "indeterminate"
	}
	return "implicit deny"
}

// Result is the verdict with its explanation, statement by statement.
type Result struct {
	// Decision is the verdict: Allow, ExplicitDeny, ImplicitDeny, or Indeterminate when it
	// depends on keys listed in DependsOn.
	Decision Decision
	// Statements explains every statement of the policy, in document order, whether it
	// matched or not.
	Statements []StatementResult
	// DependsOn lists the unknown keys (and "Principal" or "Action" when the context left
	// them empty) that statements with an Unknown outcome depend on, sorted.
	DependsOn []string
}

// StatementResult explains one statement.
type StatementResult struct {
	Index int // position in Policy.Statements
	// Sid is the statement's Sid, "" when it has none.
	Sid string
	// Effect is the statement's Effect, "Allow" or "Deny".
	Effect string
	// Principal is the Principal or NotPrincipal element of a trust-policy statement. An
	// identity-policy statement has none: Principal is then {Match, ""}.
	Principal Check
	Action    Check // the Action or NotAction element
	// Resource is the Resource or NotResource element of an identity-policy statement
	// ([Authorize]). A trust policy's resource is the role itself: for [Evaluate] Resource is
	// {Match, ""}.
	Resource Check
	// Conditions explains each condition key under each operator, in document order; nil
	// for a statement without a Condition block.
	Conditions []ClauseResult
	Outcome    Outcome // the AND of the principal, the action, the resource and every clause

	resourceKey string // what an Unknown Resource depends on
}

// Check is the outcome of a Principal, Action or Resource element with the reason.
type Check struct {
	// Outcome is Match, NoMatch, or Unknown when the request context left the principal,
	// action or resource empty (or a policy variable in a Resource names an unknown key).
	Outcome Outcome
	// Reason is a sentence saying why, naming the values compared; "" for an element the
	// policy kind does not have (Principal in an identity policy, Resource in a trust policy).
	Reason string
}

// ClauseResult explains one condition key under one operator.
type ClauseResult struct {
	// Operator is the condition operator as written, e.g. "ForAnyValue:StringLike".
	Operator string
	// Key is the condition key as written, e.g. "token.actions.githubusercontent.com:sub".
	Key           string
	PolicyValues  []string // after policy-variable substitution
	ContextValues []string // nil when the key is absent
	// Outcome is Match, NoMatch, or Unknown for a key the local context cannot know.
	Outcome Outcome
	// Reason says why, naming the request's values and the policy's, e.g. `…:sub is "X";
	// the policy's StringLike wants "Y"`.
	Reason string
	// Assumption is non-empty when the outcome rests on a rule AWS does not document (a
	// plain operator on a multivalued key, a key whose presence AWS's sources disagree on, a
	// key rawsts sets at assume time without a source saying STS does): it names the rule
	// rawsts applied. The other reading would give the other outcome.
	Assumption string
	unknownKey string
}

// Evaluate decides whether the policy allows the request described by c, following the IAM
// User Guide's "Policy evaluation logic" as it applies to one resource-based policy: a
// matching Deny statement wins; otherwise a matching Allow statement allows; otherwise the
// request is implicitly denied. Three-valued: if a statement's outcome is Unknown and could
// change the verdict, the decision is Indeterminate.
//
// Every statement and every clause is evaluated (no short-circuit) so the Result explains
// all of them.
func Evaluate(p *Policy, c *Context) Result {
	if c == nil {
		c = &Context{}
	}
	var res Result
	var t tally
	if p != nil {
		res.Statements = t.add(p, c, trustPolicy)
	}
	res.Decision = decide(t.deny, t.allow)
	if res.Decision == Indeterminate {
		res.DependsOn = t.dependsOn()
	}
	return res
}

// tally accumulates the three-valued Allow and Deny outcomes of a set of statements and the
// keys their Unknown outcomes depend on.
type tally struct {
	allow, deny Outcome // NoMatch at the start
	depends     map[string]bool
}

// add evaluates every statement of p (no short-circuit, so each is explained) and counts it.
func (t *tally) add(p *Policy, c *Context, kind policyKind) []StatementResult {
	vars := p.Version == "2012-10-17"
	var out []StatementResult
	for i := range p.Statements {
		sr := evalStatement(&p.Statements[i], i, c, vars, kind)
		out = append(out, sr)
		if sr.Outcome == NoMatch {
			continue
		}
		if sr.Effect == "Deny" {
			t.deny = or3(t.deny, sr.Outcome)
		} else {
			t.allow = or3(t.allow, sr.Outcome)
		}
		if sr.Outcome == Unknown {
			if t.depends == nil {
				t.depends = map[string]bool{}
			}
			for _, k := range sr.unknowns() {
				t.depends[k] = true
			}
		}
	}
	return out
}

// merge adds the keys another tally depends on.
func (t *tally) merge(o *tally) {
	for k := range o.depends {
		if t.depends == nil {
			t.depends = map[string]bool{}
		}
		t.depends[k] = true
	}
}

func (t *tally) dependsOn() []string {
	out := make([]string, 0, len(t.depends))
	for k := range t.depends {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// decide applies "Policy evaluation logic": a matching Deny wins; otherwise no Allow is an
// implicit deny; otherwise an Unknown on either side leaves the verdict open.
func decide(deny, allow Outcome) Decision {
	switch {
	case deny == Match:
		return ExplicitDeny
	case allow == NoMatch:
		return ImplicitDeny
	case deny == Unknown || allow == Unknown:
		return Indeterminate
	}
	return Allow
}

func or3(a, b Outcome) Outcome {
	if a == Match || b == Match {
		return Match
	}
	if a == Unknown || b == Unknown {
		return Unknown
	}
	return NoMatch
}

func (sr *StatementResult) unknowns() []string {
	var out []string
	if sr.Principal.Outcome == Unknown {
		out = append(out, "Principal")
	}
	if sr.Action.Outcome == Unknown {
		out = append(out, "Action")
	}
	if sr.Resource.Outcome == Unknown {
		out = append(out, sr.resourceKey)
	}
	for _, cl := range sr.Conditions {
		if cl.Outcome == Unknown {
			out = append(out, cl.unknownKey)
		}
	}
	return out
}

func evalStatement(s *Statement, i int, c *Context, vars bool, kind policyKind) StatementResult {
	sr := StatementResult{Index: i, Sid: s.Sid, Effect: s.Effect}
	if kind == identityPolicy {
		sr.Principal = Check{Outcome: Match}
		sr.Resource, sr.resourceKey = checkResource(s, c, vars)
	} else {
		sr.Principal = checkPrincipal(s, c)
		sr.Resource = Check{Outcome: Match}
	}
	sr.Action = checkAction(s, c.Action)
	sr.Outcome = and3(and3(sr.Principal.Outcome, sr.Action.Outcome), sr.Resource.Outcome)
	for _, cond := range s.Conditions {
		cl := evalClause(cond, c, vars)
		sr.Conditions = append(sr.Conditions, cl)
		sr.Outcome = and3(sr.Outcome, cl.Outcome)
	}
	return sr
}

// notPrincipalReason is why a trust-policy statement with NotPrincipal matches nothing.
const notPrincipalReason = `the statement uses NotPrincipal, which a role trust policy does not support ("You cannot use the NotPrincipal element in an IAM identity-based policy or in an IAM role trust policy." — IAM User Guide, "AWS JSON policy elements: NotPrincipal"; IAM Access Analyzer: "Role trust policies do not support NotPrincipal"); AWS does not document what STS does with such a statement, so rawsts lets it match nothing`

// checkPrincipal matches the request's principal against Principal: a federated provider
// against Principal.Federated, an IAM user or role session (the caller of AssumeRole) against
// Principal.AWS (see [awsPrincipalListed]). A statement with NotPrincipal matches nothing: a
// role trust policy cannot use it (see notPrincipalReason).
func checkPrincipal(s *Statement, c *Context) Check {
	principal := c.Principal
	p := s.Principal
	if p == nil && s.NotPrincipal != nil {
		return Check{NoMatch, notPrincipalReason}
	}
	if p == nil {
		return Check{NoMatch, "the statement has no Principal"}
	}
	everyone := p.All || contains(p.AWS, "*")
	if principal == "" && !everyone {
		return Check{Unknown, "the request's principal is not known"}
	}
	element, entries := "Federated", p.Federated
	listed := everyone || contains(p.Federated, principal)
	if _, ok := awsPrincipalAccount(principal); ok {
		element, entries = "AWS", p.AWS
		listed = everyone || awsPrincipalListed(p.AWS, c)
	}
	switch {
	case everyone:
		return Check{Match, `Principal is "*" (everyone)`}
	case listed:
		return Check{Match, fmt.Sprintf("%s is listed in Principal.%s", principal, element)}
	case len(entries) == 0:
		return Check{NoMatch, fmt.Sprintf("Principal has no %s entry; the request comes from %s", element, principal)}
	}
	return Check{NoMatch, fmt.Sprintf("the request comes from %s; Principal.%s lists %s", principal, element, quoteList(entries))}
}

// awsPrincipalAccount returns the account of an IAM principal ARN — a user
// (arn:PARTITION:iam::ACCOUNT:user/…), a role (…:role/…), the account root (…:root) or a role
// session (arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION) — and whether it is one.
func awsPrincipalAccount(arn string) (string, bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[3] != "" || len(p[4]) != 12 {
		return "", false
	}
	switch {
	case p[2] == "iam" && (p[5] == "root" || strings.HasPrefix(p[5], "user/") || strings.HasPrefix(p[5], "role/")),
		p[2] == "sts" && strings.HasPrefix(p[5], "assumed-role/"):
		return p[4], true
	}
	return "", false
}

// awsPrincipalListed reports whether Principal.AWS names the request's IAM principal, as the
// IAM User Guide's "AWS JSON policy elements: Principal" describes the forms: the account (its
// 12-digit id or arn:PARTITION:iam::ACCOUNT:root, which trusts every principal of the account
// whose own identity policies allow the call — not evaluated here), the user's or the role
// session's ARN itself, or the role's ARN (a role session's aws:PrincipalArn), which trusts
// every session of that role.
func awsPrincipalListed(entries []string, c *Context) bool {
	acct, _ := awsPrincipalAccount(c.Principal)
	partition := strings.SplitN(c.Principal, ":", 3)[1]
	roleARN, _ := c.Lookup("aws:PrincipalArn")
	for _, e := range entries {
		switch {
		case e == acct, e == "arn:"+partition+":iam::"+acct+":root", e == c.Principal:
			return true
		case len(roleARN) == 1 && e == roleARN[0]:
			return true
		}
	}
	return false
}

// checkAction matches the action against Action or NotAction. Action names compare
// case-insensitively and may use * and ? wildcards ("IAM JSON policy elements: Action").
func checkAction(s *Statement, action string) Check {
	list, not := s.Action, false
	if s.Action == nil {
		list, not = s.NotAction, true
	}
	if action == "" {
		switch {
		case not && len(list) == 0:
			return Check{Match, "NotAction is empty, so every action matches"}
		case !not && contains(list, "*"):
			return Check{Match, `Action is "*" (every action)`}
		}
		return Check{Unknown, "the request's action is not known"}
	}
	var hit string
	for _, a := range list {
		if literal(strings.ToLower(a)).like([]rune(strings.ToLower(action))) {
			hit = a
			break
		}
	}
	switch {
	case not && hit != "":
		return Check{NoMatch, fmt.Sprintf("%s is excluded by NotAction %q", action, hit)}
	case not:
		return Check{Match, fmt.Sprintf("%s is not in NotAction", action)}
	case hit != "":
		return Check{Match, fmt.Sprintf("%s matches Action %q", action, hit)}
	}
	return Check{NoMatch, fmt.Sprintf("%s is not in Action %s", action, quoteFew(list))}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// quoteFew is quoteList for element lists, which can be long (a managed policy lists hundreds
// of actions): past eight entries it shows the first six and the count.
func quoteFew(list []string) string {
	if len(list) <= 8 {
		return quoteList(list)
	}
	return fmt.Sprintf("[%s, … (%d in all)]", strings.Trim(quoteList(list[:6]), "[]"), len(list))
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "[" + strings.Join(q, ", ") + "]"
}
