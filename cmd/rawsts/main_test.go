package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
)

// fixedNow is the clock every CLI test runs at.
var fixedNow = time.Date(2014, 10, 24, 22, 0, 23, 0, time.UTC)

type cliRun struct {
	stdout, stderr string
	code           int
}

// runCLI runs the program in-process with buffers, an explicit environment (nothing leaks in
// from the machine's), a fixed clock and, when rt is not nil, a replaying transport.
func runCLI(t *testing.T, env map[string]string, stdin string, rt http.RoundTripper, args ...string) cliRun {
	t.Helper()
	return runCLIStdin(t, env, strings.NewReader(stdin), rt, args...)
}

// runCLIStdin is runCLI with any standard input: an endless one, say.
func runCLIStdin(t *testing.T, env map[string]string, stdin io.Reader, rt http.RoundTripper, args ...string) cliRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	s := &streams{
		stdin:     stdin,
		stdout:    &stdout,
		stderr:    &stderr,
		getenv:    func(k string) string { return env[k] },
		now:       func() time.Time { return fixedNow },
		transport: rt,
		// The credential cache lives in XDG_CACHE_HOME when the test sets it, else nowhere:
		// a test never reads or writes the user's own cache.
		userCacheDir: func() (string, error) {
			if d := env["XDG_CACHE_HOME"]; d != "" {
				return d, nil
			}
			return "", errors.New("no cache folder in this test")
		},
		environ: func() []string {
			var list []string
			for k, v := range env {
				list = append(list, k+"="+v)
			}
			return list
		},
	}
	code := run(context.Background(), args, s)
	return cliRun{stdout.String(), stderr.String(), code}
}

// stsFixture loads a recorded STS exchange from the shared fixtures.
func stsFixture(t *testing.T, name string) *fixture.Case {
	t.Helper()
	return fixture.MustLoad(t, filepath.Join("..", "..", "testdata", "fixtures", "sts", name+".txt"))
}

// assumeArgs turns the form of a fixture's first recorded request back into CLI flags, so that
// the replaying transport checks the CLI sends exactly what was recorded.
func assumeArgs(t *testing.T, c *fixture.Case) []string {
	t.Helper()
	form, err := url.ParseQuery(string(c.Exchanges[0].Request.Body))
	if err != nil {
		t.Fatalf("%s: request body is not a form: %v", c.Name, err)
	}
	args := []string{"assume",
		"--role-arn", form.Get("RoleArn"),
		"--role-session-name", form.Get("RoleSessionName"),
		"--web-identity-token", form.Get("WebIdentityToken"),
	}
	if v := form.Get("DurationSeconds"); v != "" {
		args = append(args, "--duration-seconds", v)
	}
	if v := form.Get("Policy"); v != "" {
		args = append(args, "--policy", v)
	}
	if v := form.Get("ProviderId"); v != "" {
		args = append(args, "--provider-id", v)
	}
	for i := 1; ; i++ {
		v := form.Get("PolicyArns.member." + itoa(i) + ".arn")
		if v == "" {
			break
		}
		args = append(args, "--policy-arn", v)
	}
	return args
}

func itoa(i int) string { return strconv.Itoa(i) }

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestAssumeOutputs(t *testing.T) {
	for _, tt := range []struct {
		fixture string
		output  string
		extra   []string
	}{
		{"success-api-reference-sample", "env", nil},
		{"success-api-reference-sample", "json", nil},
		{"success-api-reference-sample", "credential-process", nil},
		{"success-api-reference-sample", "ini", nil},
		{"success-api-reference-sample", "ini", []string{"--ini-profile", "ci"}},
		{"success-duration-policy-policy-arns", "json", nil},
		{"success-fractional-expiration", "json", nil},
		{"success-minimal", "json", nil},
	} {
		name := tt.fixture + "." + tt.output + strings.Join(tt.extra, "")
		t.Run(name, func(t *testing.T) {
			c := stsFixture(t, tt.fixture)
			args := append(assumeArgs(t, c), "--output", tt.output)
			args = append(args, tt.extra...)
			r := runCLI(t, nil, "", fixture.NewTransport(t, c), args...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("rawsts %s: exit %d, stderr %q; want 0 and nothing", strings.Join(args, " "), r.code, r.stderr)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "assume."+name+".txt"), []byte(r.stdout))
		})
	}
}

func TestAssumeSTSErrorExitsOne(t *testing.T) {
	for _, name := range []string{
		"error-access-denied",
		"error-invalid-identity-token-audience",
		"error-expired-token",
		"error-validation-duration-seconds", // only STS knows the role's MaxSessionDuration
		"error-throttling",                  // retried, then reported
	} {
		t.Run(name, func(t *testing.T) {
			c := stsFixture(t, name)
			env := map[string]string{"AWS_MAX_ATTEMPTS": "1"} // one attempt: a retried code is still reported
			r := runCLI(t, env, "", fixture.NewTransport(t, c), assumeArgs(t, c)...)
			if r.code != exitRefused {
				t.Fatalf("exit %d; want %d (stderr %q)", r.code, exitRefused, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q; want nothing on a refusal", r.stdout)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "assume."+name+".stderr"), []byte(r.stderr))
		})
	}
}

func TestAssumeAccessDeniedNamesCodeMessageAndRequestID(t *testing.T) {
	c := stsFixture(t, "error-access-denied")
	r := runCLI(t, nil, "", fixture.NewTransport(t, c), assumeArgs(t, c)...)
	for _, want := range []string{"rawsts: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", "RequestId feed79e7-df36-4b52-9b35-10273f1da2e3", "HTTP 403"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
}

// countingServer is a loopback server that counts the connections opened to it (not only the
// requests), so a test can say that nothing was even dialled.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unexpected", http.StatusTeapot)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			n.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestAssumeInvalidInputExitsTwoWithoutSending(t *testing.T) {
	srv, n := countingServer(t)
	token := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"oidc provider arn", []string{"--role-arn", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", "--web-identity-token", token}, "rawsts: --role-arn: "},
		{"trailing newline", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci\n", "--web-identity-token", token}, "rawsts: --role-arn has a trailing newline"},
		{"bad session name", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci", "--role-session-name", "has space", "--web-identity-token", token}, "rawsts: --role-session-name: "},
		{"short duration", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci", "--duration-seconds", "60", "--web-identity-token", token}, "rawsts: --duration-seconds: 60 is outside"},
		{"no token", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci"}, "no token"},
		{"no role", []string{"--web-identity-token", token}, "no role"},
		{"two tokens", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci", "--web-identity-token", token, "--web-identity-token-file", "x"}, "not both"},
		{"bad output", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci", "--web-identity-token", token, "--output", "yaml"}, "--output"},
		{"unknown flag", []string{"--role-arm", "x"}, "rawsts: assume-role-with-web-identity: unknown flag --role-arm"},
		{"stray argument", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci", token}, "unexpected argument"},
		{"missing token file", []string{"--role-arn", "arn:aws:iam::123456789012:role/ci", "--web-identity-token-file", filepath.Join(t.TempDir(), "absent")}, "reading the token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"assume", "--endpoint", srv.URL}, tt.args...)
			r := runCLI(t, nil, "", nil, args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d; want %d (stderr %q)", r.code, exitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) || !strings.HasPrefix(r.stderr, "rawsts") {
				t.Errorf("stderr = %q; want a rawsts message naming %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, token) {
				t.Errorf("stderr %q quotes the token", r.stderr)
			}
		})
	}
	if got := n.Load(); got != 0 {
		t.Errorf("%d connections were opened to the server; invalid input must not even dial", got)
	}
}

func TestAssumeClosedPortExitsThree(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := runCLI(t, map[string]string{"AWS_MAX_ATTEMPTS": "1"}, "", nil, "assume", "--endpoint", "http://"+addr,
		"--role-arn", "arn:aws:iam::123456789012:role/ci", "--web-identity-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
	if r.code != exitTransport {
		t.Fatalf("exit %d; want %d (stderr %q)", r.code, exitTransport, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "rawsts: ") || !strings.Contains(r.stderr, "refused") {
		t.Errorf("stderr = %q; want a rawsts message saying the connection was refused", r.stderr)
	}
}

func TestAssumeTokenFromFileAndStdin(t *testing.T) {
	c := stsFixture(t, "success-api-reference-sample")
	args := assumeArgs(t, c)
	token := args[6]
	file := filepath.Join(t.TempDir(), "token")
	writeFile(t, file, "\n  "+token+"\r\n")
	base := args[:5]
	for _, tt := range []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
	}{
		{"file flag", nil, "", []string{"--web-identity-token-file", file}},
		{"stdin", nil, token + "\n", []string{"--web-identity-token-file", "-"}},
		{"environment", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": file}, "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.stdin, fixture.NewTransport(t, c), append(append([]string{}, base...), tt.args...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr %q", r.code, r.stderr)
			}
		})
	}
}

func TestAssumeRoleAndSessionFromEnvironment(t *testing.T) {
	c := stsFixture(t, "success-api-reference-sample")
	args := assumeArgs(t, c)
	env := map[string]string{"AWS_ROLE_ARN": args[2], "AWS_ROLE_SESSION_NAME": args[4]}
	r := runCLI(t, env, "", fixture.NewTransport(t, c), "assume", "--web-identity-token", args[6])
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr %q", r.code, r.stderr)
	}
}

func TestAssumePrintCurl(t *testing.T) {
	c := stsFixture(t, "success-duration-policy-policy-arns")
	args := append(assumeArgs(t, c), "--print-curl")
	r := runCLI(t, nil, "", nil, args...) // no transport: nothing may be sent
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr %q", r.code, r.stderr)
	}
	fixture.Golden(t, filepath.Join("testdata", "golden", "assume.print-curl.txt"), []byte(r.stdout))
	if strings.Contains(r.stdout, args[6]) {
		t.Errorf("--print-curl shows the token without --show-secrets:\n%s", r.stdout)
	}
	r = runCLI(t, nil, "", nil, append(args, "--show-secrets")...)
	if !strings.Contains(r.stdout, args[6]) {
		t.Errorf("--print-curl --show-secrets hides the token:\n%s", r.stdout)
	}
}

func TestAssumePrintCurlFollowsEndpointRules(t *testing.T) {
	c := stsFixture(t, "success-api-reference-sample")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no region: global", nil, nil, "curl https://sts.amazonaws.com"},
		{"region flag", nil, []string{"--region", "eu-west-1"}, "curl https://sts.eu-west-1.amazonaws.com"},
		{"AWS_REGION", map[string]string{"AWS_REGION": "ap-south-1"}, nil, "curl https://sts.ap-south-1.amazonaws.com"},
		{"legacy", map[string]string{"AWS_REGION": "us-west-2", "AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, nil, "curl https://sts.amazonaws.com"},
		{"china", nil, []string{"--region", "cn-north-1"}, "curl https://sts.cn-north-1.amazonaws.com.cn"},
		{"fips", map[string]string{"AWS_USE_FIPS_ENDPOINT": "true"}, []string{"--region", "us-east-2"}, "curl https://sts-fips.us-east-2.amazonaws.com"},
		{"override", map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4566"}, nil, "curl http://127.0.0.1:4566"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", nil, append(append(assumeArgs(t, c), "--print-curl"), tt.args...)...)
			if r.code != exitOK || !strings.HasPrefix(r.stdout, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want it to start with %q", r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
}

func TestAssumeTraceRedactsSecrets(t *testing.T) {
	c := stsFixture(t, "success-api-reference-sample")
	args := append(assumeArgs(t, c), "--trace")
	r := runCLI(t, nil, "", fixture.NewTransport(t, c), args...)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr %q", r.code, r.stderr)
	}
	for _, secret := range []string{args[6], "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"} {
		if strings.Contains(r.stderr, secret) || strings.Contains(r.stderr, url.QueryEscape(secret)) {
			t.Errorf("--trace shows a secret %q:\n%s", secret[:12], r.stderr)
		}
	}
	for _, want := range []string{"> POST / HTTP/1.1", "< HTTP/1.1 200 OK", "AssumeRoleWithWebIdentityResponse"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--trace lacks %q:\n%s", want, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY") {
		t.Errorf("stdout lost the credentials: %q", r.stdout)
	}
}

func TestHelp(t *testing.T) {
	r := runCLI(t, nil, "", nil, "help")
	if r.code != exitOK || !strings.Contains(r.stdout, "Exit codes") {
		t.Fatalf("rawsts help: exit %d, stdout %q", r.code, r.stdout)
	}
	for _, c := range commands() {
		if !strings.Contains(r.stdout, c.name) {
			t.Errorf("rawsts help does not list %q", c.name)
		}
		for _, args := range [][]string{{"help", c.name}, {c.name, "-h"}, {c.name, "--help"}} {
			r := runCLI(t, nil, "", nil, args...)
			if r.code != exitOK || r.stdout != helpText(c.name) || strings.Contains(r.stdout, "no help written") {
				t.Errorf("rawsts %s: exit %d; want 0 and the help text of %s", strings.Join(args, " "), r.code, c.name)
			}
		}
	}
	if r := runCLI(t, nil, "", nil, "no-such-command"); r.code != exitUsage || !strings.Contains(r.stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "", nil); r.code != exitUsage {
		t.Errorf("no arguments: exit %d; want %d", r.code, exitUsage)
	}
}

func TestVersion(t *testing.T) {
	r := runCLI(t, nil, "", nil, "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "rawsts ") {
		t.Errorf("rawsts version: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestHelpDocumentsEveryFlag keeps help/*.txt and the flag definitions from drifting apart.
func TestHelpDocumentsEveryFlag(t *testing.T) {
	for _, c := range commands() {
		var seen []*flag.FlagSet
		var stdout, stderr bytes.Buffer
		s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			getenv: func(string) string { return "" }, now: func() time.Time { return fixedNow },
			onFlagSet: func(fs *flag.FlagSet) { seen = append(seen, fs) }}
		run(context.Background(), []string{c.name, "-h"}, s)
		help := helpText(c.name)
		for _, fs := range seen {
			fs.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(help, "--"+f.Name) {
					t.Errorf("help/%s.txt does not document --%s", c.name, f.Name)
				}
			})
		}
	}
}

// TestUsageErrorsArePrefixed: every line a command writes on stderr for a usage error starts
// with "rawsts: ", as help/rawsts.txt promises.
func TestUsageErrorsArePrefixed(t *testing.T) {
	for _, c := range commands() {
		args := []string{c.name, "--no-such-flag"}
		if c.name == "cognito" {
			args = []string{c.name, "login", "--no-such-flag"}
		}
		r := runCLI(t, nil, "", nil, args...)
		if r.code != exitUsage {
			t.Errorf("rawsts %s: exit %d; want %d", strings.Join(args, " "), r.code, exitUsage)
		}
		for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
			if !strings.HasPrefix(line, "rawsts: ") {
				t.Errorf("rawsts %s: stderr line %q does not start with \"rawsts: \"", strings.Join(args, " "), line)
			}
		}
	}
}
