package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/textsafe"
)

// explainKnown looks up --error's text in the catalogue; nil when it is empty or unknown.
func explainKnown(text string) *diagnose.KnownError {
	if text == "" {
		return nil
	}
	if e, ok := diagnose.ExplainError(text); ok {
		return &e
	}
	return nil
}

// policyName names the trust policy in --suggest's diff: the file's name, "trust-policy.json"
// for standard input or a policy read by --fetch.
func policyName(path string) string {
	if path == "" || path == "-" {
		return "trust-policy.json"
	}
	return filepath.Base(path)
}

// writeSuggestion prints --suggest's answer after the report: each edit, the changes outside the
// trust policy, what no edit fixes, the diff, the corrected policy and the re-run's verdict.
func writeSuggestion(w io.Writer, sug *diagnose.Suggestion) {
	fmt.Fprintln(w, "\nsuggested fix:")
	if len(sug.Edits)+len(sug.Outside)+len(sug.Blocked) == 0 {
		fmt.Fprintln(w, "  nothing to change: no check fails")
		return
	}
	if len(sug.Edits)+len(sug.Outside) == 0 {
		fmt.Fprintln(w, "  no edit of the trust policy or the OIDC providers admits this token:")
	}
	for _, l := range []struct {
		label string
		items []string
	}{{"edit", sug.Edits}, {"outside", sug.Outside}, {"cannot", sug.Blocked}, {"note", sug.Notes}} {
		for _, it := range l.items {
			fmt.Fprintf(w, "  %-7s  %s\n", l.label, textsafe.OneLine(it))
		}
	}
	if sug.Diff != "" {
		fmt.Fprintf(w, "\n%s", sug.Diff)
		fmt.Fprintf(w, "\nthe corrected trust policy:\n%s", sug.Policy)
	}
	if sug.Rerun != nil {
		what := "the trust policy above"
		switch {
		case sug.Diff == "" && len(sug.Outside) > 0:
			what = "the changes outside the trust policy"
		case len(sug.Outside) > 0:
			what = "the trust policy above and the changes outside it"
		}
		fmt.Fprintf(w, "\nre-run with %s: %s\n", what, verdictLine(sug.Rerun))
	}
}
