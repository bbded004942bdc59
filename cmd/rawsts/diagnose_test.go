package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/ststest"
)

// ex is a file of examples/diagnose, the README walkthrough's inputs.
func ex(name string) string { return filepath.Join("..", "..", "examples", "diagnose", name) }

const (
	exRole = "arn:aws:iam::123456789012:role/deploy"
	exAt   = "2030-01-01T00:05:00Z"
)

func readExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(ex(name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestDiagnoseGolden: the README's examples (the signature checked with the examples' key set,
// --jwks, and a session name, as the README runs them), an allow, and a token alone.
func TestDiagnoseGolden(t *testing.T) {
	jwks := []string{"--jwks", ex("github-jwks.json")}
	for _, tt := range []struct {
		golden string
		args   []string
		code   int
	}{
		{"environment-vs-ref", append([]string{"--file", ex("environment.token"), "--trust-policy", ex("ref-policy.json"), "--provider", ex("github-provider.json"), "--role-arn", exRole, "--session-name", "GitHubActions"}, jwks...), exitRefused},
		{"wildcard-stringequals", append([]string{"--file", ex("branch.token"), "--trust-policy", ex("wildcard-policy.json"), "--provider", ex("github-provider.json"), "--role-arn", exRole, "--session-name", "GitHubActions"}, jwks...), exitRefused},
		{"default-audience", append([]string{"--file", ex("default-audience.token"), "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json"), "--session-name", "GitHubActions", "--error", "InvalidIdentityToken: Incorrect token audience"}, jwks...), exitRefused},
		{"allow", append([]string{"--file", ex("branch.token"), "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json"), "--session-name", "gha-deploy", "--duration-seconds", "3600"}, jwks...), exitOK},
		{"environment-vs-ref.json", append([]string{"--file", ex("environment.token"), "--trust-policy", ex("ref-policy.json"), "--provider", ex("github-provider.json"), "--role-arn", exRole, "--session-name", "GitHubActions", "--json"}, jwks...), exitRefused},
		{"token-only", []string{"--file", ex("branch.token")}, exitRefused},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			args := append([]string{"diagnose", "--at", exAt}, tt.args...)
			r := runCLI(t, nil, "", nil, args...)
			if r.code != tt.code || r.stderr != "" {
				t.Fatalf("rawsts %s: exit %d, stderr %q; want %d and nothing", strings.Join(args, " "), r.code, r.stderr, tt.code)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "diagnose."+tt.golden+".txt"), []byte(r.stdout))
		})
	}
}

func TestDiagnoseJSONShape(t *testing.T) {
	r := runCLI(t, nil, "", nil, "diagnose", "--at", exAt, "--json", "--file", ex("environment.token"), "--trust-policy", ex("ref-policy.json"), "--role-arn", exRole)
	var out struct {
		Verdict string `json:"verdict"`
		Checks  []struct {
			Name, Status, Detail string
			Fix                  *string
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, r.stdout)
	}
	if out.Verdict != "deny" || len(out.Checks) != 17 || out.Checks[0].Name != "token.format" || out.Checks[0].Fix == nil {
		t.Errorf("--json = %+v; want verdict deny and 17 checks with a fix field", out)
	}
}

func TestDiagnoseTokenSources(t *testing.T) {
	token := readExample(t, "branch.token")
	wrapped := `{"count": 1, "value": "` + token + `"}`
	for _, tt := range []struct {
		name, stdin string
		args        []string
		stderr      string
	}{
		{"argument", "", []string{token}, ""},
		{"stdin", token + "\n", []string{"-"}, ""},
		{"file", "", []string{"--file", ex("branch.token")}, ""},
		{"github json reply", wrapped, []string{"-"}, `rawsts: the input is a JSON reply; diagnosing the token in its "value" member`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"diagnose", "--at", exAt, "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json")}, tt.args...)
			r := runCLI(t, nil, tt.stdin, nil, args...)
			if r.code != exitOK || strings.TrimSpace(r.stderr) != tt.stderr {
				t.Fatalf("exit %d, stderr %q; want 0 and %q\n%s", r.code, r.stderr, tt.stderr, r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, token) {
				t.Errorf("the output quotes the token")
			}
		})
	}
}

func TestDiagnoseUsage(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no token", nil, "no token"},
		{"bad --at", []string{"--file", ex("branch.token"), "--at", "yesterday"}, "RFC 3339"},
		{"missing file", []string{"--file", filepath.Join(t.TempDir(), "absent")}, "reading the token"},
		{"missing policy", []string{"--file", ex("branch.token"), "--trust-policy", filepath.Join(t.TempDir(), "absent")}, "--trust-policy"},
		{"provider not json", []string{"--file", ex("branch.token"), "--provider", ex("README.md")}, "not an OIDC provider document"},
		{"two tokens", []string{"a.b.c", "d.e.f"}, "unexpected argument"},
		{"fetch without role", []string{"--file", ex("branch.token"), "--fetch"}, "--fetch needs the role"},
		{"fetch without credentials", []string{"--file", ex("branch.token"), "--fetch", "--role-arn", exRole}, "no AWS credentials"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HOME": t.TempDir()}
			r := runCLI(t, env, "", nil, append([]string{"diagnose"}, tt.args...)...)
			if r.code != exitUsage || !strings.HasPrefix(r.stderr, "rawsts") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
}

func TestDiagnoseErrorOnly(t *testing.T) {
	r := runCLI(t, nil, "", nil, "diagnose", "--error", "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	fixture.Golden(t, filepath.Join("testdata", "golden", "diagnose.error-only.txt"), []byte(r.stdout))
	r = runCLI(t, nil, "", nil, "diagnose", "--error", "the printer is on fire")
	if r.code != exitRefused || !strings.Contains(r.stdout, "not in rawsts's catalogue") {
		t.Errorf("unknown --error: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestDiagnoseFetch replays GetRole, ListOpenIDConnectProviders and GetOpenIDConnectProvider.
func TestDiagnoseFetch(t *testing.T) {
	var cases []*fixture.Case
	for _, n := range []string{"get-role", "list-open-id-connect-providers", "get-open-id-connect-provider", "get-open-id-connect-provider-gitlab"} {
		cases = append(cases, fixture.MustLoad(t, filepath.Join("..", "..", "testdata", "fixtures", "iam", n+".txt")))
	}
	tr := fixture.NewTransport(t, cases...)
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	r := runCLI(t, env, "", tr, "diagnose", "--at", exAt, "--file", ex("environment.token"), "--role-arn", exRole, "--fetch", "--duration-seconds", "7200")
	if r.code != exitRefused || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 1", r.code, r.stderr)
	}
	for _, want := range []string{
		"ok    provider.registered     the account has a provider for arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
		"FAIL  request.duration        The requested DurationSeconds exceeds the MaxSessionDuration set for this role: 7200 > 3600",
		`add "repo:acme/app:environment:prod"`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if sent := tr.Sent(); len(sent) != 4 || !strings.Contains(sent[0].Header.Get("Authorization"), "/us-east-1/iam/aws4_request") {
		t.Errorf("sent %d requests; want 4 signed for iam in us-east-1", len(sent))
	}
}

func TestDiagnoseFetchIAMRefuses(t *testing.T) {
	c := fixture.MustLoad(t, filepath.Join("..", "..", "testdata", "fixtures", "iam", "error-get-role-no-such-entity.txt"))
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_MAX_ATTEMPTS": "1"}
	r := runCLI(t, env, "", fixture.NewTransport(t, c), "diagnose", "--file", ex("branch.token"), "--role-arn", "arn:aws:iam::123456789012:role/missing", "--fetch")
	if r.code != exitRefused || !strings.Contains(r.stderr, "NoSuchEntity") || strings.Contains(r.stderr, "wJalrXUtnFEMI") {
		t.Errorf("exit %d, stderr %q; want 1 naming NoSuchEntity", r.code, r.stderr)
	}
}

// TestDiagnoseVerify checks the signature against the emulator's issuer (plain http on
// loopback: token.format warns with the emulator's exception, token.signature passes).
func TestDiagnoseVerify(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	token, err := srv.Issuer.Mint(map[string]any{"sub": "repo:acme/app:ref:refs/heads/main", "aud": "sts.amazonaws.com"})
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "", nil, "diagnose", "--verify", "--timeout", "5s", token)
	if !strings.Contains(r.stdout, "ok    token.signature") || !strings.Contains(r.stdout, "warn  token.format") ||
		!strings.Contains(r.stdout, "http on loopback, accepted as the local emulator's exception; AWS requires https") {
		t.Errorf("exit %d; want token.signature ok and token.format warn (http issuer on loopback):\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestLintTrustPolicy(t *testing.T) {
	r := runCLI(t, nil, "", nil, "lint-trust-policy", ex("wildcard-policy.json"))
	if r.code != exitRefused {
		t.Fatalf("exit %d; want 1 (stderr %q)", r.code, r.stderr)
	}
	fixture.Golden(t, filepath.Join("testdata", "golden", "lint-trust-policy.wildcard.txt"), []byte(r.stdout))
	if r := runCLI(t, nil, "", nil, "lint-trust-policy", ex("get-role.json")); r.code != exitOK || !strings.Contains(r.stdout, "0 error(s), 0 warning(s)") {
		t.Errorf("get-role.json: exit %d, stdout %q", r.code, r.stdout)
	}
	if r := runCLI(t, nil, "", nil, "lint-trust-policy", "--json", ex("wildcard-policy.json")); !json.Valid([]byte(r.stdout)) || !strings.Contains(r.stdout, `"code": "wildcard-needs-like"`) {
		t.Errorf("--json: %q", r.stdout)
	}
	if r := runCLI(t, nil, "", nil, "lint-trust-policy", ex("README.md")); r.code != exitUsage {
		t.Errorf("not a policy: exit %d; want 2", r.code)
	}
	if r := runCLI(t, nil, "", nil, "lint-trust-policy"); r.code != exitUsage {
		t.Errorf("no file: exit %d; want 2", r.code)
	}
}

// TestAssumePointsToDiagnose: after a refusal, assume suggests the diagnose command that
// explains it, as one line a shell takes as it is (it once held "<role's trust policy>", which a
// shell reads as a redirection), with a word in place of what only the user has, named in prose.
func TestAssumePointsToDiagnose(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to split the suggested command with")
	}
	tokenFile := filepath.Join(t.TempDir(), "it's a token")
	for _, tt := range []struct {
		name      string
		tokenFile string
		wantFile  string
		wantProse string
	}{
		{"token on the command line", "", "token.jwt", "to see why, save the token you sent as token.jwt, then run: rawsts diagnose"},
		{"token in a file", tokenFile, tokenFile, "to see why, run: rawsts diagnose"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := stsFixture(t, "error-access-denied")
			args := assumeArgs(t, c)
			token := args[6]
			if tt.tokenFile != "" {
				writeFile(t, tt.tokenFile, token+"\n")
				args = append(args[:5], "--web-identity-token-file", tt.tokenFile)
			}
			r := runCLI(t, nil, "", fixture.NewTransport(t, c), args...)
			if r.code != exitRefused || strings.Contains(r.stderr, token) {
				t.Fatalf("exit %d, stderr %q; want 1 and no token", r.code, r.stderr)
			}
			_, line, ok := strings.Cut(r.stderr, tt.wantProse)
			if !ok {
				t.Fatalf("stderr %q; want %q", r.stderr, tt.wantProse)
			}
			line, _, _ = strings.Cut(line, "\n")
			out, err := exec.Command(sh, "-c", `set -- `+line+`; printf '%s\n' "$@"`).Output()
			if err != nil {
				t.Fatalf("sh cannot read the suggested command %q: %v", line, err)
			}
			want := []string{"--role-arn", "arn:aws:iam::123456789012:role/GitHubActionsDeploy", "--file", tt.wantFile, "--session-name", "gha-deploy",
				"--error", "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", "--fetch"}
			if got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"); !cmp.Equal(got, want) {
				t.Errorf("the shell reads the suggested command as %q; want %q", got, want)
			}
			if !strings.Contains(r.stderr, "pass --trust-policy trust-policy.json instead of --fetch") {
				t.Errorf("stderr %q does not say what to do without IAM access", r.stderr)
			}
		})
	}
}

// TestDiagnoseCompleteness: --json says what an allow was not checked against. The verdict of
// an incomplete allow is "allow-as-far-as-checked" (never a bare "allow"), "complete" is
// false and "incomplete" names the checks; the exit code stays 0.
func TestDiagnoseCompleteness(t *testing.T) {
	r := runCLI(t, nil, "", nil, "diagnose", "--at", exAt, "--json", "--file", ex("branch.token"), "--trust-policy", ex("get-role.json"),
		"--provider", ex("github-provider.json"), "--session-name", "gha-deploy")
	var out struct {
		Verdict    string   `json:"verdict"`
		Complete   *bool    `json:"complete"`
		Incomplete []string `json:"incomplete"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, r.stdout)
	}
	if r.code != exitOK || out.Verdict != "allow-as-far-as-checked" || out.Complete == nil || *out.Complete || strings.Join(out.Incomplete, ",") != "token.signature" {
		t.Errorf("diagnose --json without --verify: exit %d, %+v; want 0, allow-as-far-as-checked, complete false, incomplete [token.signature]", r.code, out)
	}
	text := runCLI(t, nil, "", nil, "diagnose", "--at", exAt, "--file", ex("branch.token"), "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json"))
	if want := "verdict: allow as far as checked (not checked: token.signature, request.session-name)"; !strings.Contains(text.stdout, want) || text.code != exitOK {
		t.Errorf("diagnose (text): exit %d, stdout\n%s\nwant %q", text.code, text.stdout, want)
	}
}

// TestDiagnoseProviderLists: a provider file holding an empty list is an account without OIDC
// providers (provider.registered fails, as STS answers "No OpenIDConnect provider found in
// your account for ISS"), not missing information; `aws iam list-open-id-connect-providers`
// output gives the providers' ARNs only, so the audience is not checked.
func TestDiagnoseProviderLists(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, doc, want string
		code            int
	}{
		{"empty list", `[]`, "FAIL  provider.registered     No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com (the provider list given is empty", exitRefused},
		{"empty list-open-id-connect-providers", `{"OpenIDConnectProviderList": []}`, "FAIL  provider.registered     No OpenIDConnect provider", exitRefused},
		{"list-open-id-connect-providers", `{"OpenIDConnectProviderList": [{"Arn": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}]}`,
			"skip  provider.audience       the provider is known by its ARN only", exitOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(f, []byte(tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			r := runCLI(t, nil, "", nil, "diagnose", "--at", exAt, "--file", ex("branch.token"), "--trust-policy", ex("get-role.json"), "--provider", f)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("diagnose --provider %s: exit %d, stdout\n%s\nwant %d and %q", tt.doc, r.code, r.stdout, tt.code, tt.want)
			}
		})
	}
}
