package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
)

// TestDiagnoseSuggestGolden: --suggest turns each of the README's three "Why was I denied?"
// examples into allow, with the diff and the corrected policy. With the signature checked
// against the examples' key set (--jwks) and a session name, the re-run is complete: a bare
// "verdict: allow". The README shows the first in full, as this prints it.
func TestDiagnoseSuggestGolden(t *testing.T) {
	offline := []string{"--jwks", ex("github-jwks.json"), "--session-name", "GitHubActions"}
	for _, tt := range []struct {
		golden string
		args   []string
		want   []string
	}{
		{"suggest.environment-vs-ref", []string{"--file", ex("environment.token"), "--trust-policy", ex("ref-policy.json"), "--provider", ex("github-provider.json"), "--role-arn", exRole},
			[]string{`+        "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"]}`}},
		{"suggest.wildcard-stringequals", []string{"--file", ex("branch.token"), "--trust-policy", ex("wildcard-policy.json"), "--provider", ex("github-provider.json"), "--role-arn", exRole},
			[]string{"\n      \"Condition\": {\n        \"StringEquals\": {\n          \"token.actions.githubusercontent.com:aud\": \"sts.amazonaws.com\"\n        },\n        \"StringLike\": {\n          \"token.actions.githubusercontent.com:sub\": \"repo:acme/app:*\"\n        }\n      }\n"}},
		{"suggest.default-audience", []string{"--file", ex("default-audience.token"), "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json")},
			[]string{"aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com --client-id https://github.com/acme",
				"--- get-role.json (as rawsts lays it out)",
				`                "StringEquals": {"token.actions.githubusercontent.com:aud": ["sts.amazonaws.com", "https://github.com/acme"]},` + "\n" +
					`                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}` + "\n"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			args := append(append([]string{"diagnose", "--at", exAt, "--suggest"}, tt.args...), offline...)
			r := runCLI(t, nil, "", nil, args...)
			if r.code != exitRefused || r.stderr != "" {
				t.Fatalf("rawsts %s: exit %d, stderr %q; want 1 (the policy given denies) and nothing", strings.Join(args, " "), r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, "re-run with ") || !strings.HasSuffix(last, ": verdict: allow") {
				t.Errorf("the re-run's verdict is %q; want exactly allow:\n%s", last, r.stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "diagnose."+tt.golden+".txt"), []byte(r.stdout))
		})
	}
	// The README's --suggest example shows example 1's suggestion, from "suggested fix:" to the
	// re-run, exactly as printed.
	readme := readFile(t, filepath.Join("..", "..", "README.md"))
	_, block, ok := strings.Cut(readme, " $A --suggest\n…\n")
	block, _, ok2 := strings.Cut(block, "```\n")
	if !ok || !ok2 {
		t.Fatal("README.md has no --suggest example")
	}
	r := runCLI(t, nil, "", nil, append([]string{"diagnose", "--at", exAt, "--suggest", "--file", ex("environment.token"), "--trust-policy", ex("ref-policy.json"),
		"--provider", ex("github-provider.json"), "--role-arn", exRole}, offline...)...)
	if _, got, _ := strings.Cut(r.stdout, "\nsuggested fix:\n"); "suggested fix:\n"+got != block {
		t.Errorf("README.md's --suggest example differs from the output:\n--- README\n%s--- output\nsuggested fix:\n%s", block, got)
	}
}

// TestDiagnoseSuggestJSON: --json carries the corrected document (as JSON), the diff and the
// re-run's verdict (Report.Summary, with its completeness).
func TestDiagnoseSuggestJSON(t *testing.T) {
	r := runCLI(t, nil, "", nil, "diagnose", "--at", exAt, "--suggest", "--json", "--file", ex("environment.token"), "--trust-policy", ex("ref-policy.json"),
		"--provider", ex("github-provider.json"), "--role-arn", exRole)
	var out struct {
		Verdict    string `json:"verdict"`
		Input      string `json:"input"`
		Suggestion struct {
			Edits   []string `json:"edits"`
			Blocked []string `json:"blocked"`
			Policy  struct {
				Statement []json.RawMessage
			} `json:"policy"`
			Diff  string `json:"diff"`
			Rerun struct {
				Verdict, Line string
				Complete      bool
				Incomplete    []string
			} `json:"rerun"`
		} `json:"suggestion"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, r.stdout)
	}
	s := out.Suggestion
	if out.Verdict != "deny" || out.Input != "token" || len(s.Edits) != 1 || s.Blocked == nil || len(s.Policy.Statement) != 1 ||
		!strings.HasPrefix(s.Diff, "--- ref-policy.json\n+++ ref-policy.json (suggested)\n") {
		t.Errorf("--suggest --json = %+v", out)
	}
	// The re-run speaks the report's vocabulary: without --verify and --session-name it is
	// short of two checks, so it allows as far as checked, never a bare "allow".
	if re := s.Rerun; re.Verdict != "allow-as-far-as-checked" || re.Complete || strings.Join(re.Incomplete, ",") != "token.signature,request.session-name" ||
		re.Line != "allow as far as checked (not checked: token.signature, request.session-name)" {
		t.Errorf("--suggest --json: rerun = %+v", re)
	}
	// Without a fix to make, the suggestion says so: no policy, no re-run.
	r = runCLI(t, nil, "", nil, "diagnose", "--at", exAt, "--suggest", "--json", "--file", ex("branch.token"), "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json"))
	if r.code != exitOK || !strings.Contains(r.stdout, `"policy": null`) || !strings.Contains(r.stdout, `"rerun": null`) {
		t.Errorf("--suggest --json on an allowed request: exit %d\n%s", r.code, r.stdout)
	}
}

// TestDiagnoseSuggestBlocked: an expired token is not a policy problem; --suggest says what
// must change instead and prints no diff.
func TestDiagnoseSuggestBlocked(t *testing.T) {
	r := runCLI(t, nil, "", nil, "diagnose", "--at", "2030-01-01T03:00:00Z", "--suggest", "--file", ex("branch.token"), "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json"))
	if r.code != exitRefused || !strings.Contains(r.stdout, "no edit of the trust policy or the OIDC providers admits this token:") ||
		!strings.Contains(r.stdout, "  cannot   token.times: ") || strings.Contains(r.stdout, "+++") || strings.Contains(r.stdout, "re-run") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}
}

// TestDiagnoseWithoutToken: --claims, --cloudtrail and a --file holding either.
func TestDiagnoseWithoutToken(t *testing.T) {
	testdata := func(name string) string { return filepath.Join("..", "..", "internal", "diagnose", "testdata", name) }
	policy := []string{"--trust-policy", ex("ref-policy.json"), "--provider", ex("github-provider.json")}
	for _, tt := range []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string
		stderr []string
	}{
		{"--claims", append([]string{"--claims", ex("claims.json"), "--role-arn", exRole, "--at", exAt}, policy...), "", exitRefused,
			[]string{"skip  token.format            without the token, from the claims in " + ex("claims.json") + ":", "FAIL  policy.condition"}, nil},
		{"--claims from an Actions log on standard input", append([]string{"--claims", "-", "--role-arn", exRole}, policy...), readFile(t, testdata("claims/actions-log.txt")), exitRefused,
			[]string{"the claims in standard input", "FAIL  policy.condition"}, nil},
		{"claims in --file", append([]string{"--file", ex("claims.json"), "--role-arn", exRole}, policy...), "", exitRefused,
			[]string{"FAIL  policy.condition"}, []string{"holds a JSON object of claims, not a token: diagnosing without the token (as --claims does)"}},
		{"--cloudtrail", append([]string{"--cloudtrail", ex("cloudtrail-denied.json")}, policy...), "", exitRefused,
			[]string{"ok    request.session-name    RoleSessionName \"GitHubActions\"", "FAIL  policy.condition", "--error: Not authorized to perform sts:AssumeRoleWithWebIdentity (AccessDenied)"},
			[]string{`CloudTrail event 4EXAMPLE-5d6e-4f70-9a1b-2c3d4eEXAMPLE: a token from https://token.actions.githubusercontent.com for arn:aws:iam::123456789012:role/deploy, sub "repo:acme/app:environment:prod", aud "sts.amazonaws.com"; the call was refused: AccessDenied`}},
		{"cloudtrail in --file", append([]string{"--file", ex("cloudtrail-denied.json")}, policy...), "", exitRefused,
			[]string{"FAIL  policy.condition"}, []string{"holds CloudTrail events, not a token"}},
		{"lookup-events, the latest for the role", append([]string{"--cloudtrail", testdata("cloudtrail/lookup-events.json"), "--role-arn", exRole}, policy...), "", exitRefused,
			[]string{"FAIL  policy.condition"}, []string{"2 AssumeRoleWithWebIdentity events for arn:aws:iam::123456789012:role/deploy; diagnosing the latest"}},
		{"lookup-events, --event-id", append([]string{"--cloudtrail", testdata("cloudtrail/lookup-events.json"), "--event-id", "2EXAMPLE-4c1d-4b0e-8a7f-5e6f7aEXAMPLE"}, policy...), "", exitOK,
			[]string{"verdict: allow as far as checked (not checked: token.format, token.alg, token.times, token.signature)\n"}, []string{"the call succeeded"}},
		{"the AWS example event", []string{"--cloudtrail", testdata("cloudtrail/aws-doc-web-identity.json"), "--trust-policy", "-"},
			`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"], "Condition": {"StringEquals": {"accounts.google.com:aud": "<id of application>.apps.googleusercontent.com"}}}}`,
			exitOK, []string{"ok    policy.tags", "ok    policy.source-identity", "verdict: allow as far as checked (not checked: token.format, token.alg, token.times, token.signature)\n"}, []string{"sub \"<id of user>\""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, tt.stdin, nil, append([]string{"diagnose"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d; want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if len(tt.stderr) == 0 && r.stderr != "" {
				t.Errorf("stderr %q; want nothing", r.stderr)
			}
		})
	}
}

// TestDiagnoseWithoutTokenJSON: a diagnosis from claims is never complete — the checks that
// need the token are skipped for want of it — so neither the verdict nor --suggest's re-run is
// ever a bare "allow" in --json.
func TestDiagnoseWithoutTokenJSON(t *testing.T) {
	r := runCLI(t, nil, "", nil, "diagnose", "--json", "--suggest", "--claims", ex("claims.json"), "--role-arn", exRole, "--at", exAt, "--session-name", "gha-deploy",
		"--trust-policy", ex("ref-policy.json"), "--provider", ex("github-provider.json"))
	var out struct {
		Verdict    string
		Input      string
		Complete   bool
		Incomplete []string
		Suggestion struct {
			Rerun struct {
				Verdict    string
				Complete   bool
				Incomplete []string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, r.stdout)
	}
	const tokenOnly = "token.format,token.alg,token.times,token.signature"
	if r.code != exitRefused || out.Verdict != "deny" || out.Input != "claims" || out.Complete || strings.Join(out.Incomplete, ",") != tokenOnly {
		t.Errorf("diagnose --claims --json: exit %d, %+v; want 1, deny from claims, incomplete %s", r.code, out, tokenOnly)
	}
	if re := out.Suggestion.Rerun; re.Verdict != "allow-as-far-as-checked" || re.Complete || strings.Join(re.Incomplete, ",") != tokenOnly {
		t.Errorf("diagnose --claims --suggest --json: rerun %+v; want allow-as-far-as-checked, incomplete %s", re, tokenOnly)
	}
}

// TestDiagnoseCloudTrailGolden is the README's "Diagnose without the token" example.
func TestDiagnoseCloudTrailGolden(t *testing.T) {
	r := runCLI(t, nil, "", nil, "diagnose", "--cloudtrail", ex("cloudtrail-denied.json"), "--trust-policy", ex("ref-policy.json"), "--provider", ex("github-provider.json"), "--suggest")
	if r.code != exitRefused {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	fixture.Golden(t, filepath.Join("testdata", "golden", "diagnose.cloudtrail.txt"), []byte(r.stderr+"--- stdout\n"+r.stdout))
}

func TestDiagnoseWithoutTokenUsage(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, []byte(`{"Records": [`+strings.Repeat(" ", maxEventFile)+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	testdata := func(name string) string { return filepath.Join("..", "..", "internal", "diagnose", "testdata", name) }
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"two inputs", []string{"--file", ex("branch.token"), "--claims", ex("claims.json")}, "give one input"},
		{"claims not claims", []string{"--claims", ex("github-provider.json")}, "--claims " + ex("github-provider.json") + ": not a token's claims: the object has no iss, sub or aud claim"},
		{"cloudtrail without AssumeRoleWithWebIdentity", []string{"--cloudtrail", ex("github-provider.json")}, "not a CloudTrail AssumeRoleWithWebIdentity event: no AssumeRoleWithWebIdentity event among 1 event(s)"},
		{"two roles", []string{"--cloudtrail", testdata("cloudtrail/lookup-events.json")}, "are for 2 roles"},
		{"unknown event id", []string{"--cloudtrail", testdata("cloudtrail/lookup-events.json"), "--event-id", "nope"}, `no AssumeRoleWithWebIdentity event has eventID "nope"`},
		{"too large", []string{"--cloudtrail", big}, "larger than 4 MiB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", nil, append([]string{"diagnose"}, tt.args...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, "diagnose: diagnose:") {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDiagnoseCloudTrailFetch: --fetch works without the token: the role comes from the event,
// the trust policy and the providers from IAM (replayed), and --suggest edits the fetched policy.
func TestDiagnoseCloudTrailFetch(t *testing.T) {
	var cases []*fixture.Case
	for _, n := range []string{"get-role", "list-open-id-connect-providers", "get-open-id-connect-provider", "get-open-id-connect-provider-gitlab"} {
		cases = append(cases, fixture.MustLoad(t, filepath.Join("..", "..", "testdata", "fixtures", "iam", n+".txt")))
	}
	tr := fixture.NewTransport(t, cases...)
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	r := runCLI(t, env, "", tr, "diagnose", "--cloudtrail", ex("cloudtrail-denied.json"), "--fetch", "--suggest")
	if r.code != exitRefused {
		t.Fatalf("exit %d, stderr %q; want 1", r.code, r.stderr)
	}
	for _, want := range []string{
		"ok    provider.registered     the account has a provider for arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
		"FAIL  policy.condition",
		"--- trust-policy.json (as rawsts lays it out)",
		"re-run with the trust policy above: verdict: allow",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if sent := tr.Sent(); len(sent) != 4 {
		t.Errorf("sent %d requests to IAM; want 4", len(sent))
	}
}
