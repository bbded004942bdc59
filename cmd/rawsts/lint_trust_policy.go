package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/trustpolicy"
)

var cmdLintTrustPolicy = &command{
	name:    "lint-trust-policy",
	summary: "find the mistakes in a role trust policy that make STS answer AccessDenied",
	run:     runLintTrustPolicy,
}

func runLintTrustPolicy(ctx context.Context, s *streams, args []string) int {
	const name = "lint-trust-policy"
	var account string
	var asJSON bool
	fs := newFlagSet(s, name)
	fs.StringVar(&account, "account", "", "")
	fs.BoolVar(&asJSON, "json", false, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(s, name, "want one FILE (- reads standard input)")
	}
	b, err := readFileOrStdin(s, pos[0], maxPolicyFile)
	if err != nil {
		return usageError(s, name, "%v", err)
	}
	p, err := trustpolicy.Parse(dropBOM(s, displayPath(pos[0]), b))
	if err != nil {
		errorf(s, "%s is not a trust policy: %s", displayPath(pos[0]), plain(err))
		return exitUsage
	}
	if account == "" && p.Role != nil {
		if parts := splitARN(p.Role.Arn); len(parts) == 6 {
			account = parts[4]
		}
	}
	findings := trustpolicy.Lint(p, trustpolicy.LintOptions{ExpectedAccount: account})
	errs := 0
	for _, f := range findings {
		if f.Severity == trustpolicy.Error {
			errs++
		}
	}
	if asJSON {
		type jf struct {
			Severity string `json:"severity"`
			Code     string `json:"code"`
			Location string `json:"location"`
			Message  string `json:"message"`
			Fix      string `json:"fix"`
		}
		out := struct {
			Findings []jf `json:"findings"`
		}{Findings: []jf{}}
		for _, f := range findings {
			out.Findings = append(out.Findings, jf{f.Severity.String(), f.Code, f.Location, f.Message, f.Fix})
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintf(s.stdout, "%s\n", b)
	} else {
		for _, f := range findings {
			fmt.Fprintf(s.stdout, "%s: %s [%s]\n  %s\n  fix: %s\n", f.Location, f.Severity, f.Code, f.Message, f.Fix)
		}
		fmt.Fprintf(s.stdout, "%d statement(s); %d error(s), %d warning(s)\n", len(p.Statements), errs, len(findings)-errs)
	}
	if errs > 0 {
		return exitRefused
	}
	return exitOK
}

// splitARN splits an ARN into its six fields (nil if it is not one).
func splitARN(arn string) []string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return nil
	}
	return parts
}
