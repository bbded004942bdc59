package trustpolicy

import (
	"fmt"
	"strings"
)

// evalClause evaluates one key under one operator. The rules, all from the IAM User Guide:
//
//   - "IAM JSON policy elements: Condition operators": a key absent from the request context
//     does not match, except that a negated operator (StringNotEquals, ArnNotLike, …) on an
//     absent key matches; …IfExists matches when the key is absent and otherwise applies the
//     operator; Null tests presence alone.
//   - "Condition with multiple context keys or values": several policy values for one key are
//     ORed; a negated operator matches only if the context value matches none of them.
//   - "Single-valued vs. multivalued context keys": ForAllValues matches when every context
//     value matches, and "also returns true if there are no keys in the request, or if the key
//     values resolve to a null data set"; ForAnyValue matches when at least one does: "For no
//     matching key or a null dataset, the condition returns false."
//
// ForAnyValue with …IfExists on an absent key: AWS states no rule for the combination. The
// ForAnyValue sentence is the only text that applies ("if the key does not exist, the
// condition returns false"), so the set operator is applied first and the clause does not
// match; IfExists only ever applies inside the set operator, value by value. (An independent
// reading agrees: iam.cloudcopilot.io's ForAnyValue:StringEqualsIfExists page. No public
// report of a refused request was found.)
//
// Not documented: a plain (unqualified) operator on a multivalued key. The guide says only
// that "Multivalued context keys require a set operator". rawsts reads it like ForAnyValue
// (and its negation as "no value matches"); the other reading, that such a condition never
// matches (cloud-copilot's iam-simulate), differs only where rawsts's reading matches, so a
// no-match is certain under both, and a match carries ClauseResult.Assumption. The key is
// multivalued when it is so by type (amr, aws:TagKeys, sts:TransitiveTagKeys) or holds
// several values (aud of a token with several audiences).
//
// A key whose state rests on an assumption ([Context.Assume]) is evaluated under both
// readings; when they disagree, ClauseResult.Assumption names the rule rawsts applied.
func evalClause(cond Condition, c *Context, vars bool) ClauseResult {
	cl := ClauseResult{Operator: cond.Operator, Key: cond.Key, PolicyValues: cond.Values}
	op, ok := parseOperator(cond.Operator)
	if !ok {
		cl.Outcome = NoMatch
		cl.Reason = fmt.Sprintf("unknown condition operator %q: IAM would reject the policy, and this statement cannot match", cond.Operator)
		return cl
	}
	if c.IsUnknown(cond.Key) {
		cl.Outcome, cl.unknownKey = Unknown, cond.Key
		cl.Reason = fmt.Sprintf("%s cannot be known from a token; its value decides this clause", cond.Key)
		return cl
	}
	vals, present := c.Lookup(cond.Key)
	res := applyClause(cl, op, c, vars, vals, present)
	a, ok := c.Assumed(cond.Key)
	if !ok || res.Outcome == Unknown {
		return res
	}
	alt := applyClause(cl, op, c, vars, a.Alt, len(a.Alt) > 0)
	if alt.Outcome != res.Outcome && alt.Outcome != Unknown {
		res.Assumption = joinAssumptions(a.Rule+fmt.Sprintf(" (under the other reading this clause would %s)", outcomeVerb(alt.Outcome)), res.Assumption)
	}
	return res
}

func outcomeVerb(o Outcome) string {
	if o == Match {
		return "match"
	}
	return "not match"
}

func joinAssumptions(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// applyClause evaluates the clause against the given context values of its key.
func applyClause(cl ClauseResult, op operator, c *Context, vars bool, vals []string, present bool) ClauseResult {
	cond := Condition{Operator: cl.Operator, Key: cl.Key, Values: cl.PolicyValues}
	cl.ContextValues = vals
	if !present {
		cl.ContextValues = nil
	}
	name := cond.Operator

	if op.base.fam == famNull {
		return evalNull(cl, present)
	}
	if !present {
		switch {
		case op.qualifier == "ForAllValues":
			cl.Outcome, cl.Reason = Match, fmt.Sprintf("%s is absent, and ForAllValues matches an absent key vacuously", cond.Key)
		case op.qualifier == "ForAnyValue" && op.ifExists:
			cl.Outcome, cl.Reason = NoMatch, fmt.Sprintf("%s is absent, and ForAnyValue needs at least one value: IfExists does not make an absent key match under ForAnyValue", cond.Key)
		case op.qualifier == "ForAnyValue":
			cl.Outcome, cl.Reason = NoMatch, fmt.Sprintf("%s is absent, and ForAnyValue needs at least one value", cond.Key)
		case op.ifExists:
			cl.Outcome, cl.Reason = Match, fmt.Sprintf("%s is absent, and %s matches an absent key", cond.Key, name)
		case op.base.negated:
			cl.Outcome, cl.Reason = Match, fmt.Sprintf("%s is absent, and the negated operator %s matches an absent key", cond.Key, name)
		default:
			cl.Outcome, cl.Reason = NoMatch, fmt.Sprintf("%s is absent from the request; %s wants %s", cond.Key, name, quoteList(cond.Values))
		}
		return cl
	}

	// Substitute policy variables.
	pats := make([]pattern, 0, len(cond.Values))
	resolved := make([]string, 0, len(cond.Values))
	var notes []string
	for _, v := range cond.Values {
		if !vars || !op.base.usesVariables() {
			pats = append(pats, literal(v))
			resolved = append(resolved, v)
			continue
		}
		p, st, key := substitute(v, c)
		switch st {
		case varUnknown:
			cl.Outcome, cl.unknownKey = Unknown, key
			cl.Reason = fmt.Sprintf("the policy value %q uses ${%s}, which cannot be known from a token", v, key)
			return cl
		case varUnresolved:
			notes = append(notes, fmt.Sprintf("the policy value %q uses ${%s}, which has no single value here, so it matches nothing", v, key))
			continue
		}
		pats = append(pats, p)
		resolved = append(resolved, p.String())
	}
	cl.PolicyValues = resolved

	// valueMatches applies the operator to one context value: any policy value for a
	// positive operator, none for a negated one.
	var problems []string
	valueMatches := func(cv string) bool {
		hit := false
		for i, p := range pats {
			m, problem := op.base.compare(p, cv)
			if problem != "" {
				problems = append(problems, fmt.Sprintf("the policy value %q %s", resolved[i], problem))
			}
			hit = hit || m
		}
		return hit != op.base.negated
	}
	count := 0
	for _, cv := range vals {
		if valueMatches(cv) {
			count++
		}
	}
	var m bool
	switch {
	case op.qualifier == "ForAllValues":
		m = count == len(vals)
	case op.qualifier == "ForAnyValue":
		m = count > 0
	case op.base.negated:
		m = count == len(vals)
	default:
		m = count > 0
	}
	if m {
		cl.Outcome = Match
		if op.qualifier == "" && (len(vals) > 1 || multivaluedByType(cond.Key)) {
			cl.Assumption = plainOnMultivalued(cond.Key, name, len(vals) > 1)
		}
	}
	cl.Reason = clauseReason(cl, op, name, m)
	if extra := append(notes, dedupe(problems)...); len(extra) > 0 {
		cl.Reason += "; " + strings.Join(extra, "; ")
	}
	return cl
}

// plainOnMultivalued is the assumption behind a match of a plain operator on a multivalued
// key (see evalClause).
func plainOnMultivalued(key, op string, several bool) string {
	s := fmt.Sprintf("AWS does not document what %s without ForAnyValue or ForAllValues does with the multivalued key %s (the IAM User Guide only says that multivalued context keys require a set operator); rawsts reads it as ForAnyValue:%s (it matches when one value does), while an independent evaluator (cloud-copilot iam-simulate) reads it as never matching — write ForAnyValue:%s to be sure",
		op, key, op, op)
	if several && strings.HasSuffix(strings.ToLower(key), ":aud") {
		s += "; AWS also does not say whether " + key + " holds the one audience STS matched against the provider's client IDs or every audience of the token"
	}
	return s
}

// multivaluedByType: the keys that are multivalued whatever their number of values: amr
// (IAM User Guide, "Available keys for AWS OIDC federation": "The key is multivalued") and the
// ArrayOfString keys of STS (Service Authorization Reference, list_sts.html: aws:TagKeys,
// sts:TransitiveTagKeys).
func multivaluedByType(key string) bool {
	_, claim := splitKey(key)
	lk := strings.ToLower(key)
	return claim == "amr" || lk == "aws:tagkeys" || lk == "sts:transitivetagkeys"
}

func evalNull(cl ClauseResult, present bool) ClauseResult {
	state := "absent"
	if present {
		state = "present"
	}
	for _, v := range cl.PolicyValues {
		want := strings.EqualFold(v, "true") // "true": the key must be absent
		if strings.EqualFold(v, "true") || strings.EqualFold(v, "false") {
			if want != present {
				cl.Outcome = Match
				cl.Reason = fmt.Sprintf("%s is %s, and Null %q wants it %s", cl.Key, state, v, state)
				return cl
			}
		}
	}
	cl.Reason = fmt.Sprintf("%s is %s; Null %s wants the opposite", cl.Key, state, quoteList(cl.PolicyValues))
	return cl
}

// clauseReason writes the sentence `rawsts diagnose` shows: the context's value beside the
// policy's.
func clauseReason(cl ClauseResult, op operator, name string, m bool) string {
	is := fmt.Sprintf("%s is %s", cl.Key, quoteList(cl.ContextValues))
	if len(cl.ContextValues) > 1 {
		is = fmt.Sprintf("%s has the values %s", cl.Key, quoteList(cl.ContextValues))
	}
	wants := quoteList(cl.PolicyValues)
	if len(cl.PolicyValues) > 1 {
		wants = "one of " + wants
	}
	if len(cl.PolicyValues) == 0 {
		wants = "nothing (no usable value)"
	}
	switch {
	case m && op.base.negated:
		return fmt.Sprintf("%s; %s excludes %s", is, name, wants)
	case m:
		return fmt.Sprintf("%s; %s accepts %s", is, name, wants)
	case op.base.negated:
		return fmt.Sprintf("%s; the policy's %s refuses %s", is, name, wants)
	}
	return fmt.Sprintf("%s; the policy's %s wants %s", is, name, wants)
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
