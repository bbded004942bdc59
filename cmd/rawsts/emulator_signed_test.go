package main

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

// envFromExports reads the export lines of `rawsts assume --output env` into an environment.
func envFromExports(t *testing.T, out string) map[string]string {
	t.Helper()
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if !ok {
			t.Fatalf("not an export line: %q", sc.Text())
		}
		env[k] = strings.Trim(v, "'")
	}
	return env
}

// TestWalkthroughAgainstEmulator runs step 4 of the walkthrough in-process against the
// emulator, which verifies every signature with sigv4.Verify: assume with an ID token, whoami
// with the exported credentials, assume-role to chain to a second role, whoami as that role,
// (Deploy, whose trust policy names DemoRole's sessions), and the same whoami with a wrong
// secret, which STS-style refuses.
func TestWalkthroughAgainstEmulator(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	token, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "aud": "sts.amazonaws.com"})
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "", nil, "assume", "--endpoint", srv.URL, "--role-arn", "arn:aws:iam::123456789012:role/DemoRole",
		"--role-session-name", "demo", "--web-identity-token", token)
	if r.code != exitOK {
		t.Fatalf("assume: exit %d, stderr %q", r.code, r.stderr)
	}
	env := envFromExports(t, r.stdout)
	env["AWS_ENDPOINT_URL_STS"] = srv.URL

	r = runCLI(t, env, "", nil, "whoami")
	if r.code != exitOK || !strings.Contains(r.stdout, "Arn      arn:aws:sts::123456789012:assumed-role/DemoRole/demo\n") {
		t.Fatalf("whoami: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, env, "", nil, "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/Deploy", "--role-session-name", "chained")
	if r.code != exitOK {
		t.Fatalf("assume-role: exit %d, stderr %q", r.code, r.stderr)
	}
	chained := envFromExports(t, r.stdout)
	chained["AWS_ENDPOINT_URL_STS"] = srv.URL
	r = runCLI(t, chained, "", nil, "whoami", "--output", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"Arn": "arn:aws:sts::123456789012:assumed-role/Deploy/chained"`) {
		t.Fatalf("whoami as the chained role: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	env["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY"
	r = runCLI(t, env, "", nil, "whoami")
	if r.code != exitRefused || !strings.Contains(r.stderr, "rawsts: SignatureDoesNotMatch") {
		t.Errorf("whoami with a wrong secret: exit %d, stderr %q; want 1 and SignatureDoesNotMatch", r.code, r.stderr)
	}
}
