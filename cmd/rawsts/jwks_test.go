package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/jwtinspect"
)

// otherJWKS writes a key set whose one key has the examples' kid but is not the key that signed
// them, as a stale or wrong copy of an issuer's keys would be.
func otherJWKS(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "other-jwks.json")
	doc := `{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"example-throwaway-key","n":"` +
		strings.Repeat("x", 341) + `w","e":"AQAB"}]}`
	if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestInspectJWKS: inspect --jwks checks the examples' signature with their key set and
// fetches nothing (no transport is installed: a fetch would fail), shows the steps before kid
// as not done, and says the issuer was not asked; a key set that does not hold the signing key
// exits 1, naming the file.
func TestInspectJWKS(t *testing.T) {
	r := runCLI(t, nil, "", nil, "inspect", "--at", exAt, "--file", ex("branch.token"), "--jwks", ex("github-jwks.json"))
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("inspect --jwks: exit %d, stderr %q; want 0 and nothing\n%s", r.code, r.stderr, r.stdout)
	}
	for _, want := range []string{
		"Verification (--jwks: the steps STS takes from kid on, with the keys in " + ex("github-jwks.json") + ")",
		"  discovery  --      not fetched: the keys are those of " + ex("github-jwks.json") + " (--jwks)",
		"  jwks       given   " + ex("github-jwks.json") + ", 1 key",
		`  kid        ok      "example-throwaway-key", the only key in the set`,
		"  signature  ok      verifies",
		"whether the issuer serves that key was not checked",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect --jwks: stdout lacks %q:\n%s", want, r.stdout)
		}
	}

	r = runCLI(t, nil, "", nil, "inspect", "--at", exAt, "--json", "--verify", "--file", ex("branch.token"), "--jwks", ex("github-jwks.json"))
	var out struct {
		Verification struct {
			OK        bool   `json:"ok"`
			KeySource string `json:"key_source"`
			KeyID     string `json:"key_id"`
		} `json:"verification"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitOK || !out.Verification.OK ||
		out.Verification.KeySource != ex("github-jwks.json") || out.Verification.KeyID != "example-throwaway-key" {
		t.Errorf("inspect --json --verify --jwks: exit %d, %+v, %v; want ok, key_source the file", r.code, out, err)
	}

	other := otherJWKS(t)
	r = runCLI(t, nil, "", nil, "inspect", "--at", exAt, "--file", ex("branch.token"), "--jwks", other)
	if r.code != exitRefused || !strings.Contains(r.stderr, "rawsts: --jwks "+other+": the signature check failed at the signature step") ||
		!strings.Contains(r.stdout, "Result: the signature check with the keys in "+other+" failed at the signature step.") {
		t.Errorf("inspect --jwks (another key): exit %d, stderr %q\n%s\nwant 1 naming the file", r.code, r.stderr, r.stdout)
	}
}

// TestDiagnoseJWKS: diagnose --jwks checks the signature offline; with the README's inputs the
// report is complete, so an allow is a bare allow (exit 0) and --json says "complete": true. A
// key set without the signing key fails token.signature, with a fix about the file.
func TestDiagnoseJWKS(t *testing.T) {
	base := []string{"diagnose", "--at", exAt, "--file", ex("branch.token"), "--trust-policy", ex("get-role.json"), "--provider", ex("github-provider.json"), "--session-name", "GitHubActions"}
	r := runCLI(t, nil, "", nil, append(base, "--jwks", ex("github-jwks.json"))...)
	if r.code != exitOK || !strings.HasSuffix(r.stdout, "\nverdict: allow\n") {
		t.Errorf("diagnose --jwks: exit %d, stderr %q\n%s\nwant 0 and a bare allow", r.code, r.stderr, r.stdout)
	}
	r = runCLI(t, nil, "", nil, append(base, "--jwks", ex("github-jwks.json"), "--json")...)
	var out struct {
		Verdict    string   `json:"verdict"`
		Complete   bool     `json:"complete"`
		Incomplete []string `json:"incomplete"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Verdict != "allow" || !out.Complete || len(out.Incomplete) != 0 {
		t.Errorf("diagnose --jwks --json = %+v, %v; want allow, complete", out, err)
	}
	other := otherJWKS(t)
	r = runCLI(t, nil, "", nil, append(base, "--jwks", other)...)
	if r.code != exitRefused || !strings.Contains(r.stdout, "FAIL  token.signature") ||
		!strings.Contains(r.stdout, "token.signature: the token was not signed by a key in "+other) || r.stderr != "" {
		t.Errorf("diagnose --jwks (another key): exit %d, stderr %q\n%s\nwant 1 and a token.signature failure naming the file", r.code, r.stderr, r.stdout)
	}
}

// TestDiagnoseVerifyTimeoutWording: when --verify's fetch runs out of time, diagnose says so in
// words for people (not Go's "context deadline exceeded"): the URL, the step, the time it had,
// and that diagnose gives each fetch STS's 5 seconds, which --timeout does not extend.
func TestDiagnoseVerifyTimeoutWording(t *testing.T) {
	stalled := fixture.Stall(t, false)
	r := runCLI(t, nil, "", nil, "diagnose", "--verify", "--timeout", "500ms", "--role-arn", hostileRole, hostileToken(t, stalled))
	want := "rawsts: --verify could not fetch the issuer's documents: GET " + stalled + "/.well-known/openid-configuration (the discovery step) got no complete reply within 500ms, the --timeout given (STS itself waits about 5s, and diagnose never longer)"
	if r.code != exitTransport || strings.TrimSpace(r.stderr) != want {
		t.Errorf("exit %d, stderr\n%s\nwant %d and\n%s", r.code, r.stderr, exitTransport, want)
	}
	if strings.Contains(r.stdout+r.stderr, "deadline") || strings.Contains(r.stdout+r.stderr, "Client.Timeout") {
		t.Errorf("the output quotes Go's own words:\n%s%s", r.stdout, r.stderr)
	}

	// At STS's own 5 seconds (the default: --timeout is 30s), the message says --timeout does
	// not extend it. (The error as Verify returns it; waiting 5 s here would prove nothing more.)
	err := &jwtinspect.StepError{Step: jwtinspect.StepJWKS, Err: &jwtinspect.TimeoutError{URL: "https://issuer.example.com/jwks", Limit: 5 * time.Second, Err: context.DeadlineExceeded}}
	if got, want := verifyFetchProblem(err), "GET https://issuer.example.com/jwks (the jwks step) got no complete reply within 5s. diagnose gives each fetch of --verify STS's own 5s budget, and --timeout does not extend it: an issuer this slow makes STS fail with Couldn't retrieve verification key"; got != want {
		t.Errorf("verifyFetchProblem(5s) = %q; want %q", got, want)
	}
}
