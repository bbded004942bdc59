package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sts"
)

// hostileCase is one command run against a hostile loopback server at url.
type hostileCase struct {
	name  string
	env   map[string]string
	stdin string
	args  func(url string) []string
}

// hostileRole is the role every case assumes; hostileToken a token whose issuer is url, so that
// inspect, diagnose and thumbprint fetch from the hostile server too.
const hostileRole = "arn:aws:iam::123456789012:role/ci"

func hostileToken(t *testing.T, url string) string {
	t.Helper()
	return mintRS256(t, map[string]any{"iss": url, "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
		"aud": "sts.amazonaws.com", "iat": fixedNow.Unix(), "exp": fixedNow.Add(time.Hour).Unix()})
}

// hostileEKSToken is a token for an STS at url (its request carries a session token and a
// signature), signed with exampleCreds at fixedNow.
func hostileEKSToken(t *testing.T, url string) string {
	t.Helper()
	tok, err := eks.NewToken(exampleCreds, "demo", sts.Endpoint{URL: url, SigningRegion: "us-east-1"}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Value
}

// hostileCases are the commands that send something over the network, each pointed at url:
// every one that carries a secret (a token, a password, a client secret, a refresh token,
// Authorization and X-Amz-Security-Token), and the issuer fetches of inspect, thumbprint and
// diagnose.
func hostileCases(t *testing.T) []hostileCase {
	creds := exampleEnv() // with a session token: X-Amz-Security-Token is on board
	withCreds := func(extra map[string]string) map[string]string {
		env := exampleEnv()
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	cognito := func(flow string, extra ...string) func(string) []string {
		return func(url string) []string {
			return append([]string{"cognito", "login", "--endpoint", url, "--pool-id", "us-east-1_EXAMPLE", "--client-id", "1example23456789",
				"--client-secret", "client-secret-value", "--username", "demo", "--flow", flow}, extra...)
		}
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	writeFile(t, tokenFile, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n")
	return []hostileCase{
		{name: "assume", args: func(url string) []string {
			return []string{"assume", "--endpoint", url, "--role-arn", hostileRole, "--web-identity-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}
		}},
		{name: "cognito login srp", stdin: "Demo-Passw0rd!\n", args: cognito("srp", "--password-stdin")},
		{name: "cognito login password", stdin: "Demo-Passw0rd!\n", args: cognito("password", "--password-stdin")},
		{name: "cognito login admin", env: creds, stdin: "Demo-Passw0rd!\n", args: cognito("admin", "--password-stdin")},
		{name: "cognito login refresh", args: cognito("refresh", "--refresh-token", fxRefreshToken)},
		{name: "cognito assume", stdin: "Demo-Passw0rd!\n", args: func(url string) []string {
			return []string{"cognito", "assume", "--endpoint", url, "--pool-id", "us-east-1_EXAMPLE", "--client-id", "1example23456789",
				"--username", "demo", "--password-stdin", "--role-arn", hostileRole}
		}},
		{name: "cognito identity", args: func(url string) []string {
			return []string{"cognito", "identity", "--endpoint", url, "--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
				"--login", "graph.facebook.com=EAAfacebook-token-value"}
		}},
		{name: "cognito identity basic", args: func(url string) []string {
			return []string{"cognito", "identity", "--endpoint", url, "--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
				"--login", "graph.facebook.com=EAAfacebook-token-value", "--flow", "basic", "--role-arn", hostileRole}
		}},
		{name: "whoami", env: creds, args: func(url string) []string { return []string{"whoami", "--endpoint", url} }},
		{name: "assume-role", env: creds, args: func(url string) []string {
			return []string{"assume-role", "--endpoint", url, "--role-arn", hostileRole}
		}},
		{name: "decode-authorization-message", env: creds, args: func(url string) []string {
			return []string{"decode-authorization-message", "--endpoint", url, "EXAMPLE-encoded-message"}
		}},
		{name: "sign", env: creds, args: func(url string) []string {
			return []string{"sign", "--service", "sts", "--region", "us-east-1", "-d", "Action=GetCallerIdentity&Version=2011-06-15", url + "/"}
		}},
		{name: "inspect --verify", args: func(url string) []string { return []string{"inspect", "--verify", hostileToken(t, url)} }},
		{name: "thumbprint", args: func(url string) []string { return []string{"thumbprint", url} }},
		{name: "diagnose --verify", args: func(url string) []string {
			return []string{"diagnose", "--verify", "--role-arn", hostileRole, hostileToken(t, url)}
		}},
		{name: "eks token --role-arn", env: creds, args: func(url string) []string {
			return []string{"eks", "token", "--endpoint", url, "--cluster-name", "demo", "--role-arn", hostileRole}
		}},
		{name: "eks verify", args: func(url string) []string {
			return []string{"eks", "verify", "--cluster-name", "demo", hostileEKSToken(t, url)}
		}},
		{name: "diagnose --fetch", env: withCreds(nil), args: func(url string) []string {
			return []string{"diagnose", "--fetch", "--endpoint-iam", url, "--role-arn", hostileRole, "--file", tokenFile}
		}},
	}
}

// TestRedirectsAreNeverFollowed: for every command and every redirect status, the host the
// Location names is never contacted (a redirect would carry the request's secrets there), and
// the command exits 3 naming the Location's scheme and host — never its query — in words for
// people (no package chain).
func TestRedirectsAreNeverFollowed(t *testing.T) {
	target := fixture.NewLanding(t)
	for _, tc := range hostileCases(t) {
		for _, status := range []int{301, 302, 303, 307, 308} {
			t.Run(tc.name+"/"+http.StatusText(status), func(t *testing.T) {
				r := runCLI(t, tc.env, tc.stdin, nil, tc.args(fixture.Redirector(t, status, target.URL))...)
				if r.code != exitTransport {
					t.Fatalf("exit %d; want %d\nstdout:\n%s\nstderr:\n%s", r.code, exitTransport, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, target.URL) || !strings.Contains(r.stderr, "redirect") {
					t.Errorf("stderr = %q; want it to name the redirect to %s", r.stderr, target.URL)
				}
				if strings.Contains(r.stdout+r.stderr, fixture.RedirectQuery) {
					t.Errorf("the output repeats the Location's query:\n%s%s", r.stdout, r.stderr)
				}
				assertForPeople(t, r.stderr)
			})
		}
	}
	if n := target.Contacted(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
}

// assertForPeople fails when a line of stderr reads like a library's package chain
// ("jwtinspect: verify: …") rather than words for people (packageChain, as the bad-input
// corpus checks).
func assertForPeople(t *testing.T, stderr string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if m := packageChain.FindString(strings.TrimPrefix(line, "rawsts: ")); m != "" {
			t.Errorf("stderr line %q reads like a package chain (%q)", line, m)
		}
	}
}
