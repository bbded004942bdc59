package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
)

func TestPlainDropsPackageNames(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"jwtinspect: verify: discovery: https://x/.well-known/openid-configuration has no jwks_uri", "discovery: https://x/.well-known/openid-configuration has no jwks_uri"},
		{"sts: signing GetCallerIdentity: sigv4: empty secret key", "signing GetCallerIdentity: empty secret key"},
		{"cognitoauth: malformed challenge: PASSWORD_VERIFIER has no SRP_B", "malformed challenge: PASSWORD_VERIFIER has no SRP_B"},
		{"malformed XML: etree: invalid XML format", "malformed XML: invalid XML format"},
		{"the costs: 3", "the costs: 3"},
		{"--provider p.json: not JSON", "--provider p.json: not JSON"},
		{`endpoint "https://x/\x7f" is not a URL: parse "https://x/\x7f": net/url: invalid control character in URL`, `endpoint "https://x/\x7f" is not a URL: invalid control character in URL`},
	} {
		if got := plain(errors.New(tt.in)); got != tt.want {
			t.Errorf("plain(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestNetProblem(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, refused := http.Post("http://"+addr+"/", "text/plain", nil)
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", refused, "connection refused (nothing listens there)"},
		{"refused, wrapped", errors.Join(errors.New("sts: AssumeRoleWithWebIdentity"), &url.Error{Op: "Post", URL: "http://x", Err: syscall.ECONNREFUSED}), "connection refused"},
		{"no such host", &url.Error{Op: "Post", URL: "https://sts.nowhere.invalid", Err: &net.DNSError{Name: "sts.nowhere.invalid", Err: "no such host", IsNotFound: true}},
			"the host sts.nowhere.invalid does not exist"},
		{"deadline", &url.Error{Op: "Post", URL: "https://x", Err: context.DeadlineExceeded}, "no reply within the timeout (--timeout sets it)"},
		{"httpx timeout", &httpx.TimeoutError{Host: "sts.amazonaws.com", Limit: 2 * time.Second, Err: context.DeadlineExceeded}, "no complete reply within 2s (--timeout)"},
		{"canceled", context.Canceled, "interrupted"},
		{"not a transport error", errors.New("sts: something"), ""},
	} {
		if got := netProblem(tt.err); got != tt.want && !(tt.want != "" && strings.HasPrefix(got, tt.want)) {
			t.Errorf("%s: netProblem(%v) = %q; want %q", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestTransportProblem: a redirect, a timeout and a network failure on the way to a service
// are said in one sentence naming the service and its URL; an answer is not a transport
// problem.
func TestTransportProblem(t *testing.T) {
	const where = "https://sts.us-east-1.amazonaws.com"
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"redirect", fmt.Errorf("sts: AssumeRoleWithWebIdentity: %w", &httpx.RedirectError{StatusCode: 307, Location: "https://evil.example"}),
			"STS at " + where + " answered HTTP 307, a redirect to https://evil.example; rawsts never follows a redirect, which would carry your secrets to that host, and AWS endpoints never send one: check --endpoint"},
		{"redirect without Location", &httpx.RedirectError{StatusCode: 302}, "STS at " + where + " answered HTTP 302, a redirect without a usable Location;"},
		{"timeout", &httpx.TimeoutError{Host: "sts.us-east-1.amazonaws.com", Limit: 500 * time.Millisecond, Err: context.DeadlineExceeded},
			"cannot get a reply from STS at " + where + ": no complete reply within 500ms (--timeout)"},
		{"refused", &url.Error{Op: "Post", URL: where, Err: syscall.ECONNREFUSED}, "cannot get a reply from STS at " + where + ": connection refused"},
		{"an answer", errors.New("sts: AccessDenied"), ""},
	} {
		got := transportProblem(tt.err, "STS", where, "--endpoint")
		if got != tt.want && !(tt.want != "" && strings.HasPrefix(got, tt.want)) {
			t.Errorf("%s: transportProblem(%v) = %q; want %q", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestEmulatorNamesTheFileItCannotWrite: the message names the file the user asked for, not the
// temporary file written beside it first.
func TestEmulatorNamesTheFileItCannotWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "token")
	r := runCLI(t, nil, "", nil, "emulator", "--token-file", path)
	want := "rawsts: cannot write --token-file " + path + ": its directory does not exist\n"
	if r.code != exitUsage || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, want)
	}
	dir := t.TempDir()
	if r := runCLI(t, nil, "", nil, "emulator", "--url-file", dir); !strings.Contains(r.stderr, "cannot write --url-file "+dir+": it is a directory") {
		t.Errorf("--url-file DIR: stderr %q", r.stderr)
	}
}

// TestByteOrderMark: a trust policy or token saved with a UTF-8 byte-order mark is read, with a
// note that says so in words (it used to be "invalid character 'ï'").
func TestByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.json")
	writeFile(t, policy, "\xef\xbb\xbf"+`{"Version":"2012-10-17","Statement":[]}`)
	r := runCLI(t, nil, "", nil, "lint-trust-policy", policy)
	want := "rawsts: " + policy + " starts with a UTF-8 byte-order mark; rawsts reads what follows it (whether AWS accepts a document with one is not documented: save the file as UTF-8 without a BOM)\n"
	if r.code != exitOK || r.stderr != want || !strings.Contains(r.stdout, "0 statement(s)") {
		t.Errorf("lint-trust-policy BOM: exit %d, stdout %q, stderr %q; want 0 and %q", r.code, r.stdout, r.stderr, want)
	}
	token := filepath.Join(dir, "token")
	writeFile(t, token, "\xef\xbb\xbfeyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n")
	r = runCLI(t, nil, "", nil, "inspect", "--file", token)
	if !strings.Contains(r.stderr, "rawsts: the token in "+token+" starts with a UTF-8 byte-order mark; rawsts reads the token after it\n") || !strings.Contains(r.stdout, "RS256") {
		t.Errorf("inspect BOM: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestNetProblemKeepsScrubbing: Go's transport errors may quote what a server sent ("malformed
// HTTP status code …"), and the libraries scrub their text of the request's secrets
// (httpx.Secrets.ScrubError, which wraps the whole error); netProblem, which words the innermost
// cause itself, must take those words from the scrubbed text, not from the cause.
func TestNetProblemKeepsScrubbing(t *testing.T) {
	const secret = "HW/kh7aFAPA5fItVifSP0OVWbyPhYc8lmXfz5aw9PD4="
	cause := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: fmt.Errorf("net/http: %w", errors.New(`malformed HTTP status code "`+secret+`"`))}
	err := fmt.Errorf("cognitoauth: InitiateAuth: %w", httpx.NewSecrets(secret).ScrubError(cause))
	got := netProblem(err)
	if strings.Contains(got, secret) || !strings.Contains(got, `malformed HTTP status code "<redacted 44 chars>"`) {
		t.Errorf("netProblem(%v) = %q; want the status code hidden", err, got)
	}
	if got := netProblem(cause); got != `malformed HTTP status code "`+secret+`"` {
		t.Errorf("netProblem(%v) = %q; want the cause's words", cause, got)
	}
}
