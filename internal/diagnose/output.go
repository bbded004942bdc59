package diagnose

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Output is a diagnosis as `rawsts diagnose --json` prints it and the playground page
// (internal/ui) shows it: the verdict people and scripts read (Report.Summary), what stood in
// for the token, completeness, every check, the --error explanation and the --suggest answer.
// Both faces build it here, so they cannot drift apart.
type Output struct {
	// Verdict is Report.Summary: never a bare "allow" when Complete is false.
	Verdict    Verdict           `json:"verdict"`
	Input      InputKind         `json:"input"`
	Complete   bool              `json:"complete"`
	Incomplete []string          `json:"incomplete"`
	Checks     []OutputCheck     `json:"checks"`
	Error      *OutputError      `json:"error,omitempty"`
	Suggestion *OutputSuggestion `json:"suggestion,omitempty"`
}

// OutputCheck is one check of an [Output].
type OutputCheck struct {
	Name       string   `json:"name"`
	Status     Status   `json:"status"`
	Detail     string   `json:"detail"`
	Fix        string   `json:"fix"`
	Assumption string   `json:"assumption,omitempty"`
	Evidence   []string `json:"evidence,omitempty"`
}

// OutputError is the STS message given to explain (--error) and what the catalogue knows of
// it; Known is nil for a message the catalogue does not have.
type OutputError struct {
	Text  string      `json:"text"`
	Known *KnownError `json:"known"`
}

// OutputSuggestion is a [Suggestion] in an [Output]: the corrected document in Policy as JSON,
// the re-run's verdict in the report's own words.
type OutputSuggestion struct {
	Edits   []string        `json:"edits"`
	Outside []string        `json:"outside"`
	Blocked []string        `json:"blocked"`
	Notes   []string        `json:"notes"`
	Policy  json.RawMessage `json:"policy"`
	Diff    string          `json:"diff"`
	Rerun   *OutputRerun    `json:"rerun"`
}

// OutputRerun is the verdict of the checks run again with the suggested changes: Verdict is
// Report.Summary ("allow-as-far-as-checked" when Complete is false), Incomplete the checks it
// is short of, Line the verdict as the text report says it ([Report.Line]).
type OutputRerun struct {
	Verdict      Verdict  `json:"verdict"`
	Complete     bool     `json:"complete"`
	Incomplete   []string `json:"incomplete"`
	FirstFailure string   `json:"first_failure,omitempty"`
	Line         string   `json:"line"`
}

// NewOutput builds the Output of rep. input says what stood in for the token; known and
// withError are --error's explanation (withError false leaves Error out); sug is --suggest's
// answer, nil without it.
func NewOutput(rep *Report, input InputKind, known *KnownError, withError bool, sug *Suggestion) *Output {
	out := &Output{Verdict: rep.Summary(), Input: input, Complete: rep.Complete(), Incomplete: nonNil(rep.Incomplete()),
		Suggestion: outputSuggestion(sug)}
	for _, c := range rep.Checks {
		out.Checks = append(out.Checks, OutputCheck{c.Name, c.Status, c.Detail, c.Fix, c.Assumption, c.Evidence})
	}
	if withError {
		out.Error = &OutputError{Known: known}
		if known != nil {
			out.Error.Text = known.Message
		}
	}
	return out
}

func outputSuggestion(sug *Suggestion) *OutputSuggestion {
	if sug == nil {
		return nil
	}
	out := &OutputSuggestion{Edits: nonNil(sug.Edits), Outside: nonNil(sug.Outside), Blocked: nonNil(sug.Blocked), Notes: nonNil(sug.Notes),
		Policy: sug.Policy, Diff: sug.Diff}
	if len(out.Policy) == 0 {
		out.Policy = json.RawMessage("null")
	}
	if r := sug.Rerun; r != nil {
		out.Rerun = &OutputRerun{Verdict: r.Summary(), Complete: r.Complete(), Incomplete: nonNil(r.Incomplete()), Line: r.Line()}
		if f := r.FirstFailure(); f != nil {
			out.Rerun.FirstFailure = f.Name
		}
	}
	return out
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// Line is the verdict as the text report says it after "verdict: ": "deny (first failure:
// policy.condition)", "indeterminate (undecided: policy.condition)", or "allow as far as
// checked (not checked: …; assumed: …)" when the report is not complete ([Report.Summary]),
// so that an allow is never stated without what it was not checked against.
func (r *Report) Line() string {
	line := string(r.Verdict)
	switch f := r.FirstFailure(); {
	case f != nil:
		line += fmt.Sprintf(" (first failure: %s)", f.Name)
	case r.Verdict == Indeterminate:
		line += fmt.Sprintf(" (%s)", r.indeterminateReason())
	case r.Summary() == AllowAsFarAsChecked:
		line += fmt.Sprintf(" as far as checked (%s)", r.incompleteReason())
	}
	return line
}

// incompleteReason names what an allow was not checked against: the skipped checks, the
// unknown ones, and those resting on an assumption.
func (r *Report) incompleteReason() string {
	var skipped, assumed []string
	for _, name := range r.Incomplete() {
		if c := r.Check(name); c.Status == Skip || c.Status == Unknown {
			skipped = append(skipped, name)
		} else {
			assumed = append(assumed, name)
		}
	}
	var parts []string
	if len(skipped) > 0 {
		parts = append(parts, "not checked: "+strings.Join(skipped, ", "))
	}
	if len(assumed) > 0 {
		parts = append(parts, "assumed: "+strings.Join(assumed, ", "))
	}
	return strings.Join(parts, "; ")
}

func (r *Report) indeterminateReason() string {
	var unknown []string
	for _, c := range r.Checks {
		if c.Status == Unknown {
			unknown = append(unknown, c.Name)
		}
	}
	if len(unknown) > 0 {
		return "undecided: " + strings.Join(unknown, ", ")
	}
	return "the trust policy was not evaluated: pass --trust-policy or --fetch"
}
