package main

import (
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/ststest"
)

// expiredAtFixedNow is a GitHub-shaped token that expired 3h10m before fixedNow. Lint does not
// check signatures, so an unsigned layout is enough.
func expiredAtFixedNow(t *testing.T) string {
	return mintRS256(t, map[string]any{
		"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
		"sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
		"iat": fixedNow.Add(-4*time.Hour - 10*time.Minute).Unix(), "exp": fixedNow.Add(-3*time.Hour - 10*time.Minute).Unix(),
	})
}

func TestAssumeLintWarnsAndStillSends(t *testing.T) {
	srv, n := countingServer(t)
	token := expiredAtFixedNow(t)
	r := runCLI(t, map[string]string{"AWS_MAX_ATTEMPTS": "1"}, "", nil, "assume", "--endpoint", srv.URL,
		"--role-arn", "arn:aws:iam::123456789012:role/ci", "--web-identity-token", token)
	want := "rawsts: warning: The token expired 3h10m ago at 2014-10-24T18:50:23Z (beyond the 5m of clock skew rawsts allows; AWS documents none); fetch a fresh token rather than retrying (expired) — STS will refuse it\n" +
		"rawsts: sending it anyway (--strict would not); 'rawsts inspect' shows the whole report\n"
	if !strings.HasPrefix(r.stderr, want) {
		t.Errorf("stderr = %q; want it to start with %q", r.stderr, want)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("the server received %d requests; without --strict the token is still sent", got)
	}
	checkNoToken(t, r, token)
}

func TestAssumeLintWithPrintCurlSaysNothingIsSent(t *testing.T) {
	token := expiredAtFixedNow(t)
	r := runCLI(t, nil, "", nil, "assume", "--print-curl",
		"--role-arn", "arn:aws:iam::123456789012:role/ci", "--web-identity-token", token)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "curl https://sts.amazonaws.com/") {
		t.Fatalf("exit %d, stdout %q; want 0 and the curl command", r.code, r.stdout)
	}
	if strings.Contains(r.stderr, "sending it anyway") || !strings.Contains(r.stderr, "the curl command printed below would send a token that STS will refuse") {
		t.Errorf("stderr = %q; want the warning to speak of the printed command, not of sending", r.stderr)
	}
	checkNoToken(t, r, token)
}

func TestAssumeStrictRefusesWithoutSending(t *testing.T) {
	srv, n := countingServer(t)
	token := expiredAtFixedNow(t)
	for _, extra := range [][]string{nil, {"--print-curl"}} {
		args := append([]string{"assume", "--endpoint", srv.URL, "--strict",
			"--role-arn", "arn:aws:iam::123456789012:role/ci", "--web-identity-token", token}, extra...)
		r := runCLI(t, nil, "", nil, args...)
		if r.code != exitRefused || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want %d and nothing", extra, r.code, r.stdout, exitRefused)
		}
		if !strings.Contains(r.stderr, "(expired) — STS will refuse it") || !strings.Contains(r.stderr, "rawsts: --strict: not sending") {
			t.Errorf("%v: stderr = %q; want the warning and the --strict refusal", extra, r.stderr)
		}
	}
	if got := n.Load(); got != 0 {
		t.Errorf("the server received %d requests; --strict must send nothing", got)
	}
}

func TestAssumeLintQuietForGoodTokens(t *testing.T) {
	// The recorded fixture's token is valid at fixedNow: no warning, with or without --strict.
	c := stsFixture(t, "success-api-reference-sample")
	r := runCLI(t, nil, "", fixture.NewTransport(t, c), append(assumeArgs(t, c), "--strict")...)
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("valid token --strict: exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
	}
	// An opaque OAuth access token with --provider-id is not a JWT and is not linted.
	c = stsFixture(t, "success-provider-id-oauth")
	r = runCLI(t, nil, "", fixture.NewTransport(t, c), append(assumeArgs(t, c), "--strict")...)
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("--provider-id --strict: exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
	}
}

func TestAssumeLintAcceptsEmulatorIssuer(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	token, err := srv.Issuer.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "", nil, "assume", "--endpoint", srv.URL, "--strict",
		"--role-arn", "arn:aws:iam::123456789012:role/DemoRole", "--web-identity-token", token)
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("emulator token to the emulator: exit %d, stderr %q; want 0 and nothing (its http issuer is on loopback)", r.code, r.stderr)
	}
	// The same token bound for a non-loopback endpoint gets the warning.
	r = runCLI(t, nil, "", nil, "assume", "--region", "us-east-1", "--print-curl",
		"--role-arn", "arn:aws:iam::123456789012:role/DemoRole", "--web-identity-token", token)
	if !strings.Contains(r.stderr, "(iss-http-loopback) — STS will refuse it") {
		t.Errorf("stderr = %q; want an iss-http-loopback warning for real STS", r.stderr)
	}
}
