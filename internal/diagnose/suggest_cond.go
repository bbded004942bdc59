package diagnose

// The condition edits of Suggest.

import (
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/trustpolicy"
)

// isNegated reports a negated operator (StringNotEquals, ArnNotLike …); Null is not one.
func isNegated(op string) bool {
	base := op[strings.LastIndexByte(op, ':')+1:]
	return strings.Contains(base, "Not") && !strings.HasPrefix(base, "Null")
}

// valueOp reports an operator to which adding the request's value admits the request and
// nothing else: the String and ARN families, not negated. (Adding a value to Bool would admit
// both values; to a Numeric, Date or IpAddress comparison, nothing.)
func valueOp(op string) bool {
	base := op[strings.LastIndexByte(op, ':')+1:]
	base = strings.TrimSuffix(base, "IfExists")
	switch base {
	case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike":
		return true
	}
	return false
}

// likeOperator turns an equality operator into its wildcard twin, keeping the set qualifier and
// IfExists: StringEquals → StringLike, ForAnyValue:StringNotEqualsIfExists →
// ForAnyValue:StringNotLikeIfExists.
func likeOperator(op string) string {
	i := strings.LastIndexByte(op, ':') + 1
	qual, base := op[:i], op[i:]
	ifExists := strings.HasSuffix(base, "IfExists")
	base = strings.TrimSuffix(base, "IfExists")
	switch base {
	case "StringEquals", "StringEqualsIgnoreCase":
		base = "StringLike"
	case "StringNotEquals", "StringNotEqualsIgnoreCase":
		base = "StringNotLike"
	case "ArnEquals":
		base = "ArnLike"
	case "ArnNotEquals":
		base = "ArnNotLike"
	}
	if ifExists {
		base += "IfExists"
	}
	return qual + base
}

// literalValue writes v as a policy value that matches exactly v: under the 2012-10-17
// language, "${" starts a policy variable and, for the Like operators, * and ? are wildcards;
// ${$}, ${*} and ${?} are their literal forms (IAM User Guide, "IAM policy elements: Variables
// and tags", special characters).
func literalValue(v string, like bool, version string) string {
	if version != "2012-10-17" {
		return v
	}
	var b strings.Builder
	for i, r := range v {
		switch {
		case r == '$' && strings.HasPrefix(v[i:], "${"):
			b.WriteString("${$}")
		case like && r == '*':
			b.WriteString("${*}")
		case like && r == '?':
			b.WriteString("${?}")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// findCond returns the index in st.Conditions of the clause cl explains, -1 if none.
func findCond(st *trustpolicy.Statement, cl trustpolicy.ClauseResult) int {
	for i, c := range st.Conditions {
		if c.Operator == cl.Operator && c.Key == cl.Key {
			return i
		}
	}
	return -1
}

// condPlan is what fixConditions does to one failing clause.
type condPlan int

const (
	planNone    condPlan = iota // no edit admits the request
	planEdit                    // edited in place: operator, key or values
	planRemoved                 // removed: no value of it can match this token
)

func (s *suggester) fixConditions(res *trustpolicy.Result) bool {
	best := chooseAllow(res)
	if best == nil {
		return false
	}
	failed := best.Failed()
	if len(failed) == 0 {
		return false
	}
	// A clause that excludes this token (a negated operator) cannot be edited to admit
	// exactly this subject: the statement stays, and a copy admits this subject alone.
	for _, cl := range failed {
		if isNegated(cl.Operator) && cl.ContextValues != nil {
			return s.narrowCopy(best, failed)
		}
	}
	lint := trustpolicy.Lint(s.pol, trustpolicy.LintOptions{})
	st := &s.pol.Statements[best.Index]
	at := stmtLabel(best.Index, st)
	done := false
	for _, cl := range failed {
		i := findCond(st, cl)
		if i < 0 {
			continue
		}
		switch s.fixClause(st, i, cl, at, lint, best.Index) {
		case planEdit, planRemoved:
			done = true
		}
	}
	if done {
		s.guardEdit(st, at)
	}
	return done
}

// guardEdit runs guard on a statement an edit made admit this token, and says what it added.
func (s *suggester) guardEdit(st *trustpolicy.Statement, at string) {
	if added := s.guard(st); len(added) > 0 {
		s.edit("%s: add %s, so that the statement admits this token's audience and subject only, not every token of the provider", at, strings.Join(added, " and "))
	}
}

// lintCode returns the code of the lint finding at loc among codes, "" if none.
func lintCode(findings []trustpolicy.Finding, loc string, codes ...string) string {
	for _, f := range findings {
		if f.Location != loc {
			continue
		}
		for _, c := range codes {
			if f.Code == c {
				return c
			}
		}
	}
	return ""
}

// fixClause edits the failing clause st.Conditions[i] (explained by cl) so that it admits this
// request's value and nothing it did not admit before, where it can.
func (s *suggester) fixClause(st *trustpolicy.Statement, i int, cl trustpolicy.ClauseResult, at string, lint []trustpolicy.Finding, idx int) condPlan {
	c := &st.Conditions[i]
	loc := fmt.Sprintf("Statement[%d].Condition.%s.%s", idx, c.Operator, c.Key)
	prefix, claim := c.Key, ""
	if j := strings.LastIndexByte(c.Key, ':'); j >= 0 {
		prefix, claim = c.Key[:j], c.Key[j+1:]
	}
	switch lintCode(lint, loc, trustpolicy.CodeWildcardNeedsLike, trustpolicy.CodeKeyHasScheme, trustpolicy.CodeKeyIsARN, trustpolicy.CodeAudSubSwapped) {
	case trustpolicy.CodeWildcardNeedsLike:
		like := likeOperator(c.Operator)
		s.edit("%s: %s %s → %s (%s compares literally; only the Like operators read * and ? as wildcards)", at, c.Operator, c.Key, like, c.Operator)
		return s.moveCond(st, i, like, c.Key)
	case trustpolicy.CodeKeyHasScheme, trustpolicy.CodeKeyIsARN:
		key := s.host + ":" + claim
		s.edit("%s: condition key %q → %q (keys start with the provider's URL without https://, not its ARN)", at, c.Key, key)
		return s.moveCond(st, i, c.Operator, key)
	case trustpolicy.CodeAudSubSwapped:
		other := map[string]string{"aud": "sub", "sub": "aud"}[strings.ToLower(claim)]
		if other != "" {
			key := prefix + ":" + other
			s.edit("%s: condition key %q → %q (its values are the token's %s)", at, c.Key, key, other)
			return s.moveCond(st, i, c.Operator, key)
		}
	}
	if cl.ContextValues == nil {
		provider := strings.ContainsAny(prefix, "./") && !strings.EqualFold(prefix, s.host) && claim != ""
		switch {
		case provider && s.host != "":
			key := s.host + ":" + claim
			s.edit("%s: condition key %q → %q (the key names provider %q; the token comes from %s)", at, c.Key, key, prefix, s.host)
			return s.moveCond(st, i, c.Operator, key)
		case strings.EqualFold(prefix, s.host) && claim != "":
			s.edit("%s: remove %s %s (the token has no %s claim, or STS does not provide this key, so no value can match)", at, c.Operator, c.Key, claim)
			st.Conditions = append(st.Conditions[:i:i], st.Conditions[i+1:]...)
			return planRemoved
		}
		return planNone
	}
	if !valueOp(c.Operator) {
		return planNone
	}
	like := strings.Contains(c.Operator, "Like")
	missing := cl.ContextValues
	if !strings.HasPrefix(c.Operator, "ForAllValues:") {
		missing = []string{s.pick(cl.ContextValues, claim)}
	}
	var added []string
	for _, v := range missing {
		if contains(cl.PolicyValues, v) {
			continue
		}
		lit := literalValue(v, like, s.pol.Version)
		c.Values = append(c.Values, lit)
		added = append(added, lit)
	}
	if len(added) == 0 {
		return planNone
	}
	s.edit("%s: add %s to %s %s", at, quoteList(added), c.Operator, c.Key)
	if strings.EqualFold(claim, "sub") {
		s.subNote(cl.ContextValues[0])
	}
	return planEdit
}

// pick chooses, of a key's several values (an aud list), the one to admit: one the provider
// accepts, else the first.
func (s *suggester) pick(vals []string, claim string) string {
	if strings.EqualFold(claim, "aud") {
		for _, p := range s.in.Providers {
			if p.URL != s.host {
				continue
			}
			for _, v := range vals {
				if contains(p.ClientIDs, v) {
					return v
				}
			}
		}
	}
	return vals[0]
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// moveCond gives clause i another operator or key. When the statement already has a clause
// with that operator and key, the values join it (one key per operator block in JSON).
func (s *suggester) moveCond(st *trustpolicy.Statement, i int, op, key string) condPlan {
	for j := range st.Conditions {
		if j != i && st.Conditions[j].Operator == op && strings.EqualFold(st.Conditions[j].Key, key) {
			st.Conditions[j].Values = append(st.Conditions[j].Values, st.Conditions[i].Values...)
			st.Conditions = append(st.Conditions[:i:i], st.Conditions[i+1:]...)
			s.note("the statement already had %s %s; the values were joined to it, so either one admits", op, key)
			return planEdit
		}
	}
	st.Conditions[i].Operator, st.Conditions[i].Key = op, key
	return planEdit
}

// narrowCopy handles a statement whose failing clauses exclude this token: the statement is
// kept as it is, and a copy of it without the excluding clauses, limited to exactly this
// token's subject, is added. Removing an exclusion instead would admit every subject it
// excludes, wider than this token's own subject.
func (s *suggester) narrowCopy(best *trustpolicy.StatementResult, failed []trustpolicy.ClauseResult) bool {
	if s.host == "" || s.claims.Subject == "" {
		return false
	}
	orig := &s.pol.Statements[best.Index]
	cp := cloneStatement(*orig)
	cp.Sid = ""
	var dropped []string
	for _, cl := range failed {
		i := findCond(&cp, cl)
		if i < 0 {
			continue
		}
		c := &cp.Conditions[i]
		if cl.ContextValues != nil && valueOp(c.Operator) {
			c.Values = append(c.Values, literalValue(s.pick(cl.ContextValues, ""), strings.Contains(c.Operator, "Like"), s.pol.Version))
			continue
		}
		dropped = append(dropped, fmt.Sprintf("%s %s %s", c.Operator, c.Key, quoteList(c.Values)))
		cp.Conditions = append(cp.Conditions[:i:i], cp.Conditions[i+1:]...)
	}
	// The copy names exactly this subject, whatever sub conditions it had.
	kept := cp.Conditions[:0:0]
	for _, c := range cp.Conditions {
		if !strings.EqualFold(c.Key, s.host+":sub") {
			kept = append(kept, c)
		}
	}
	cp.Conditions = kept
	s.guard(&cp)
	at := stmtLabel(best.Index, orig)
	s.appendStatement(cp, fmt.Sprintf("a copy of %s without %s", at, strings.Join(dropped, ", ")))
	s.note("%s excludes this token with %s; removing that would admit every subject it excludes, wider than this token's own subject %q, so the new statement admits exactly that subject and %s stays as it is",
		at, strings.Join(dropped, ", "), s.claims.Subject, at)
	s.subNote(s.claims.Subject)
	return true
}

// subNote says what a GitHub subject admits when it names more than one job, and the
// narrowest pattern for the kind of job when the person wants all of them.
func (s *suggester) subNote(sub string) {
	if !isGitHub(s.claims.Issuer) {
		return
	}
	g, ok := parseGHSub(sub)
	if !ok {
		return
	}
	repo := "repo:" + g.repoPart()
	switch g.form() {
	case "pull_request":
		s.note("%q is GitHub's pull_request form: it names no branch, so it admits the workflow of every pull request to %s (an environment, or a condition on job_workflow_ref, narrows it)", sub, g.org+"/"+g.repo)
	case "tag":
		s.note("%q admits this tag only; for every tag of the repository the narrowest pattern is StringLike %q (never a bare *)", sub, repo+":ref:refs/tags/*")
	case "branch":
		s.note("%q admits jobs on this branch that name no environment; a job that names one gets %q", sub, repo+":environment:NAME")
	case "environment":
		s.note("%q admits jobs that name environment %s, on any branch that may deploy to it (GitHub's environment protection rules decide which)", sub, strings.TrimPrefix(g.rest, "environment:"))
	}
	if g.orgID != "" {
		s.note("%q is GitHub's immutable form (owner and repository IDs); a name-only pattern such as %q does not match it", sub, "repo:"+g.org+"/"+g.repo+":*")
	}
}
