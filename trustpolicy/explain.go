package trustpolicy

import (
	"fmt"
	"strings"
)

// String renders the result for a person: the decision, then each statement with its
// principal, action and condition clauses, each marked ok / FAIL / ?? with its reason (ok*
// for a match that rests on an assumption, which the next line names).
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "decision: %s", r.Decision)
	switch r.Decision {
	case ImplicitDeny:
		b.WriteString(" (no statement allows the request)")
	case Indeterminate:
		fmt.Fprintf(&b, " (depends on %s)", strings.Join(r.DependsOn, ", "))
	}
	b.WriteByte('\n')
	for _, s := range r.Statements {
		b.WriteString(s.String())
	}
	return b.String()
}

// String renders one statement's explanation, one line per element or clause; an element the
// policy kind does not have (a trust policy's Resource, an identity policy's Principal) gets
// no line.
func (s StatementResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Statement[%d]", s.Index)
	if s.Sid != "" {
		fmt.Fprintf(&b, " %q", s.Sid)
	}
	fmt.Fprintf(&b, " (%s): %s\n", s.Effect, s.Outcome)
	for _, e := range []struct {
		name string
		chk  Check
	}{{"Principal", s.Principal}, {"Action", s.Action}, {"Resource", s.Resource}} {
		if e.chk.Reason != "" { // an element the policy kind does not have
			fmt.Fprintf(&b, "  %s %s: %s\n", mark(e.chk.Outcome), e.name, e.chk.Reason)
		}
	}
	for _, c := range s.Conditions {
		m := mark(c.Outcome)
		if c.Assumption != "" && c.Outcome == Match {
			m = "ok* "
		}
		fmt.Fprintf(&b, "  %s %s %s: %s\n", m, c.Operator, c.Key, c.Reason)
		if c.Assumption != "" {
			fmt.Fprintf(&b, "       assumed: %s\n", c.Assumption)
		}
	}
	return b.String()
}

func mark(o Outcome) string {
	switch o {
	case Match:
		return "ok  "
	case Unknown:
		return "??  "
	}
	return "FAIL"
}

// Failed returns the clauses of the statement that did not match, the ones a diagnosis
// reports.
func (s StatementResult) Failed() []ClauseResult {
	var out []ClauseResult
	for _, c := range s.Conditions {
		if c.Outcome == NoMatch {
			out = append(out, c)
		}
	}
	return out
}

// String renders the authorization for a person: the decision and its reason, then each
// policy with each statement explained as [StatementResult.String] does.
func (a Authorization) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "decision: %s (%s)\n", a.Decision, a.Reason(nil))
	for _, p := range a.Policies {
		fmt.Fprintf(&b, "%s %s:\n", p.Kind, p.Name)
		for _, s := range p.Statements {
			for _, line := range strings.SplitAfter(s.String(), "\n") {
				if line != "" {
					b.WriteString("  " + line)
				}
			}
		}
	}
	return b.String()
}
