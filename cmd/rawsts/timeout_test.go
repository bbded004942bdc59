package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
)

// TestStalledServersTimeOut: against a server that accepts and never answers, and one that
// sends its headers and then stalls the body, every command ends with exit 3 and a message
// naming the timeout, soon after --timeout. The only clock assertion is a generous bound.
func TestStalledServersTimeOut(t *testing.T) {
	const timeout = 500 * time.Millisecond
	for _, tc := range hostileCases(t) {
		for _, headers := range []bool{false, true} {
			name := tc.name + "/no reply"
			if headers {
				name = tc.name + "/body stalls"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel() // each case waits out its timeout; waiting takes no CPU
				args := append(tc.args(fixture.Stall(t, headers)), "--timeout", timeout.String())
				done := make(chan cliRun, 1)
				go func() { done <- runCLI(t, tc.env, tc.stdin, nil, args...) }()
				var r cliRun
				select {
				case r = <-done:
				case <-time.After(time.Minute):
					t.Fatalf("rawsts %s still waits after a minute with --timeout %s", strings.Join(args, " "), timeout)
				}
				if r.code != exitTransport {
					t.Fatalf("exit %d; want %d\nstdout:\n%s\nstderr:\n%s", r.code, exitTransport, r.stdout, r.stderr)
				}
				if !strings.Contains(r.stderr, "within "+timeout.String()) {
					t.Errorf("stderr = %q; want it to name the %s timeout", r.stderr, timeout)
				}
				assertForPeople(t, r.stderr)
			})
		}
	}
}

// TestThumbprintHostStalls: thumbprint --host dials TLS itself; a host that accepts and never
// answers the handshake ends at --timeout.
func TestThumbprintHostStalls(t *testing.T) {
	host := strings.TrimPrefix(fixture.Stall(t, false), "http://")
	r := runCLI(t, nil, "", nil, "thumbprint", "--host", host, "--timeout", "500ms")
	if r.code != exitTransport || !strings.Contains(r.stderr, "within 500ms") {
		t.Errorf("exit %d, stderr %q; want %d naming the 500ms timeout", r.code, r.stderr, exitTransport)
	}
}

// timeoutCases run every command that has a --timeout flag, with --timeout appended.
var timeoutCases = map[string][]string{
	"assume-role-with-web-identity": {"assume", "--role-arn", hostileRole, "--web-identity-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},
	"assume-role":                   {"assume-role", "--role-arn", hostileRole},
	"cognito":                       {"cognito", "login", "--pool-id", "us-east-1_EXAMPLE", "--client-id", "1example23456789", "--username", "demo", "--password-stdin"},
	"cognito assume":                {"cognito", "assume", "--pool-id", "us-east-1_EXAMPLE", "--client-id", "1example23456789", "--username", "demo", "--password-stdin", "--role-arn", hostileRole},
	"cognito identity":              {"cognito", "identity", "--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "--login", "graph.facebook.com=EAAtoken"},
	"decode-authorization-message":  {"decode-authorization-message", "EXAMPLE"},
	"exec":                          {"exec", "--role-arn", hostileRole, "--web-identity-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},
	"eks":                           {"eks", "token", "--cluster-name", "demo", "--role-arn", hostileRole},
	"eks verify":                    {"eks", "verify", "--cluster-name", "demo", "k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8"},
	"diagnose":                      {"diagnose", "--verify", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},
	"inspect":                       {"inspect", "--verify", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},
	"sign":                          {"sign", "--service", "sts", "--region", "us-east-1"},
	"thumbprint":                    {"thumbprint"},
	"token":                         {"token", "--from", "github"},
	"whoami":                        {"whoami"},
	"demo":                          {"demo"},
}

// TestTimeoutMustBePositive: a --timeout of zero or less would turn the timeout off, so that a
// stalled server holds the command forever; every command refuses it before sending anything.
func TestTimeoutMustBePositive(t *testing.T) {
	srv, dialled := countingServer(t)
	env := exampleEnv()
	env["AWS_ENDPOINT_URL"] = srv.URL
	for name, args := range timeoutCases {
		for _, v := range []string{"0", "0s", "-1s", "-5m"} {
			t.Run(name+"/"+v, func(t *testing.T) {
				full := append(append([]string{}, args...), "--timeout", v)
				switch name {
				case "sign", "thumbprint":
					full = append(full, srv.URL+"/")
				case "exec":
					full = append(full, "--", "true")
				}
				r := runCLI(t, env, "Demo-Passw0rd!\n", nil, full...)
				if r.code != exitUsage || !strings.Contains(r.stderr, "--timeout must be positive, e.g. 30s") {
					t.Errorf("rawsts %s: exit %d, stderr %q; want %d and --timeout must be positive", strings.Join(full, " "), r.code, r.stderr, exitUsage)
				}
			})
		}
	}
	if n := dialled.Load(); n != 0 {
		t.Errorf("%d connections were opened; a refused --timeout must not send anything", n)
	}

	// Every command with a --timeout flag is in the table: a new one cannot be forgotten.
	for _, c := range commands() {
		var seen []*flag.FlagSet
		s := &streams{stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer),
			getenv: func(string) string { return "" }, now: func() time.Time { return fixedNow },
			onFlagSet: func(fs *flag.FlagSet) { seen = append(seen, fs) }}
		run(context.Background(), []string{c.name, "-h"}, s)
		for _, fs := range seen {
			if fs.Lookup("timeout") != nil {
				if _, ok := timeoutCases[c.name]; !ok {
					t.Errorf("rawsts %s has --timeout but TestTimeoutMustBePositive does not run it", c.name)
				}
			}
		}
	}
}
