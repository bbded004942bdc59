package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/recording"
)

// The bad-input corpus: every file under testdata/bad is one hostile input (a server's reply, a
// token, a policy, a provider document, a credentials file, a flag) run through the CLI, with the
// exit code and the words the error must have. testdata/bad/README.md documents the format.

// badDir is where the corpus lives, beside the recorded fixtures.
var badDir = filepath.Join("..", "..", "testdata", "bad")

// badNow is the clock every corpus case runs at.
var badNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// badCase is one parsed corpus file.
type badCase struct {
	path       string
	args       []string
	env        map[string]string
	stdin      []byte
	files      map[string][]byte
	jwt        []string // header JSON, claims JSON, signature segment
	responses  [][]byte
	wantExit   int
	wantStderr []string
	lackStderr []string // what standard error must not contain (a secret in an encoding the canary check cannot see)
	wantStdout []string // nil: standard output must be empty unless the exit code is 0
}

// badSections are the markers a corpus file may use ("file NAME" takes a name).
var badSections = map[string]bool{"args": true, "env": true, "stdin": true, "jwt": true, "response": true,
	"want exit": true, "want stderr contains": true, "want stderr lacks": true, "want stdout contains": true}

func isBadSection(name string) bool { return badSections[name] || strings.HasPrefix(name, "file ") }

// sectionBytes is a section's content without the newline that ends its last line.
func sectionBytes(b []byte) []byte {
	if bytes.HasSuffix(b, []byte("\r\n")) {
		return b[:len(b)-2]
	}
	return bytes.TrimSuffix(b, []byte("\n"))
}

// sectionLines are a section's lines; a line in double quotes is a Go string literal, so that
// a carriage return or a NUL can be written as \r or \x00.
func sectionLines(b []byte) ([]string, error) {
	var out []string
	for _, l := range strings.Split(string(sectionBytes(b)), "\n") {
		if len(l) >= 2 && l[0] == '"' && l[len(l)-1] == '"' {
			u, err := strconv.Unquote(l)
			if err != nil {
				return nil, fmt.Errorf("line %s: %v", l, err)
			}
			l = u
		}
		out = append(out, l)
	}
	return out, nil
}

func parseBadCase(path string, data []byte) (*badCase, error) {
	comment, secs := recording.Sections(data, func(string) bool { return true })
	if strings.TrimSpace(string(comment)) == "" {
		return nil, fmt.Errorf("no description before the first section")
	}
	c := &badCase{path: path, env: map[string]string{}, files: map[string][]byte{}, wantExit: -1}
	for _, s := range secs {
		if !isBadSection(s.Name) {
			return nil, fmt.Errorf("line %d: unknown section %q", s.Line, s.Name)
		}
		var err error
		var lines []string
		switch {
		case s.Name == "stdin":
			c.stdin = sectionBytes(s.Data)
		case s.Name == "response":
			c.responses = append(c.responses, sectionBytes(s.Data))
		case strings.HasPrefix(s.Name, "file "):
			c.files[strings.TrimPrefix(s.Name, "file ")] = sectionBytes(s.Data)
		default:
			if lines, err = sectionLines(s.Data); err != nil {
				return nil, fmt.Errorf("line %d: %v", s.Line, err)
			}
		}
		switch s.Name {
		case "args":
			c.args = lines
		case "env":
			for _, l := range lines {
				k, v, ok := strings.Cut(l, "=")
				if !ok {
					return nil, fmt.Errorf("line %d: env line %q is not NAME=VALUE", s.Line, l)
				}
				c.env[k] = v
			}
		case "jwt":
			if len(lines) < 2 || len(lines) > 3 {
				return nil, fmt.Errorf("line %d: a jwt section has the header and the claims (JSON), then optionally the signature segment", s.Line)
			}
			c.jwt = lines
		case "want exit":
			if len(lines) != 1 {
				return nil, fmt.Errorf("line %d: want exit holds one number", s.Line)
			}
			if c.wantExit, err = strconv.Atoi(lines[0]); err != nil {
				return nil, fmt.Errorf("line %d: %v", s.Line, err)
			}
		case "want stderr contains":
			c.wantStderr = lines
		case "want stderr lacks":
			c.lackStderr = lines
		case "want stdout contains":
			c.wantStdout = lines
		}
	}
	switch {
	case len(c.args) == 0:
		return nil, fmt.Errorf("no args section")
	case c.wantExit < 0:
		return nil, fmt.Errorf("no want exit section")
	case len(c.wantStderr) == 0 && len(c.wantStdout) == 0:
		return nil, fmt.Errorf("no want stderr contains or want stdout contains section")
	}
	return c, nil
}

// caseServer answers each connection with the next of a case's raw responses, written byte
// for byte (a Content-Length the body does not have makes a truncated reply), then closes it.
type caseServer struct {
	l         net.Listener
	responses [][]byte
	mu        sync.Mutex
	served    int
	extra     int
	wg        sync.WaitGroup
}

func newCaseServer(t *testing.T, responses [][]byte) *caseServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rs := &caseServer{l: l, responses: responses}
	rs.wg.Add(1)
	go rs.accept()
	return rs
}

func (rs *caseServer) url() string { return "http://" + rs.l.Addr().String() }

func (rs *caseServer) close() {
	rs.l.Close()
	rs.wg.Wait()
}

func (rs *caseServer) accept() {
	defer rs.wg.Done()
	for {
		conn, err := rs.l.Accept()
		if err != nil {
			return
		}
		rs.wg.Add(1)
		go func() {
			defer rs.wg.Done()
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err != nil {
				return // a TLS hello or a probe: no request, nothing served
			}
			io.Copy(io.Discard, req.Body)
			rs.mu.Lock()
			var raw []byte
			if rs.served < len(rs.responses) {
				raw = rs.responses[rs.served]
				rs.served++
			} else {
				rs.extra++
			}
			rs.mu.Unlock()
			if raw == nil {
				io.WriteString(conn, "HTTP/1.1 599 No response left in the case\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
				return
			}
			conn.Write(rawResponse(raw))
		}()
	}
}

// rawResponse turns a response section into the bytes sent: the head with CRLF line ends, a
// Content-Length when the section gives none (and no Transfer-Encoding), Connection: close,
// then the body as it is.
func rawResponse(section []byte) []byte {
	head, body, err := recording.SplitMessage(section)
	if err != nil {
		return []byte("HTTP/1.1 599 Bad case\r\nContent-Length: 0\r\n\r\n")
	}
	h := strings.ToLower(string(head))
	var add string
	if !strings.Contains(h, "\r\ncontent-length:") && !strings.Contains(h, "\r\ntransfer-encoding:") {
		add += fmt.Sprintf("Content-Length: %d\r\n", len(body))
	}
	add += "Connection: close\r\n"
	out := append([]byte{}, head[:len(head)-2]...)
	out = append(out, add...)
	out = append(out, "\r\n"...)
	return append(out, body...)
}

// compactJWT builds the token of a jwt section: base64url of the header and of the claims as
// written, then the signature segment.
func compactJWT(header, claims, sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(claims)) + "." + sig
}

// packageChain matches a library's "pkg: " prefix in text meant for people.
var packageChain = regexp.MustCompile(`(^|[\s(])(sts|sigv4|cognitoauth|cognitoidentity|json11|jwtinspect|trustpolicy|iam|awsquery|httpx|etree|recording|diagnose|eks|net/url|json): |Go (struct field|value of type)`)

func TestBadInputs(t *testing.T) {
	var paths []string
	err := filepath.WalkDir(badDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 100 {
		t.Errorf("testdata/bad holds %d cases; the corpus promises at least 100", len(paths))
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(p, badDir+string(filepath.Separator))), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			c, err := parseBadCase(p, data)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			runBadCase(t, c)
		})
	}
}

func runBadCase(t *testing.T, c *badCase) {
	srv := newCaseServer(t, c.responses)
	defer srv.close()
	dir := t.TempDir()
	subst := strings.NewReplacer("$URL", srv.url(), "$DIR", dir)
	var secrets []string
	if c.jwt != nil {
		sig := "c2lnbmF0dXJl"
		if len(c.jwt) == 3 {
			sig = c.jwt[2]
		}
		tok := compactJWT(subst.Replace(c.jwt[0]), subst.Replace(c.jwt[1]), sig)
		secrets = append(secrets, tok)
		if len(sig) >= 8 {
			secrets = append(secrets, sig)
		}
		subst = strings.NewReplacer("$URL", srv.url(), "$DIR", dir, "$TOKEN", tok)
		if err := os.WriteFile(filepath.Join(dir, "token.jwt"), []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range c.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(subst.Replace(string(b))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range c.responses {
		c.responses[i] = []byte(subst.Replace(string(r)))
	}
	env := map[string]string{"HOME": dir, "AWS_MAX_ATTEMPTS": "1"}
	for k, v := range c.env {
		env[k] = subst.Replace(v)
	}
	args := make([]string, len(c.args))
	for i, a := range c.args {
		args[i] = subst.Replace(a)
	}

	var stdout, stderr bytes.Buffer
	s := &streams{
		stdin:  strings.NewReader(subst.Replace(string(c.stdin))),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return env[k] },
		now:    func() time.Time { return badNow },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := func() (code int) {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("rawsts %q panicked: %v\n%s", args, r, debug.Stack())
				code = -1
			}
		}()
		return run(ctx, args, s)
	}()
	out, errText := stdout.String(), stderr.String()
	where := fmt.Sprintf("%s: rawsts %q", c.path, args)

	if code != c.wantExit {
		t.Errorf("%s: exit %d; want %d\nstderr:\n%s", where, code, c.wantExit, errText)
	}
	for _, w := range c.wantStderr {
		if w = subst.Replace(w); !strings.Contains(errText, w) {
			t.Errorf("%s: stderr lacks %q:\n%s", where, w, errText)
		}
	}
	for _, w := range c.lackStderr {
		if w = subst.Replace(w); strings.Contains(errText, w) {
			t.Errorf("%s: stderr has %q, which it must not:\n%s", where, w, errText)
		}
	}
	if strings.Contains(errText, "panic:") || strings.Contains(errText, "goroutine ") {
		t.Errorf("%s: stderr has a panic or a goroutine dump:\n%s", where, errText)
	}
	for _, l := range strings.Split(strings.TrimSuffix(errText, "\n"), "\n") {
		if errText == "" {
			break
		}
		rest, ok := strings.CutPrefix(l, "rawsts: ")
		if !ok {
			t.Errorf("%s: stderr line %q does not start with \"rawsts: \"", where, l)
		}
		// "rawsts: diagnose: …" names the command, as "go build: …" does; after that, no
		// library's prefix may follow.
		if cmd, after, ok := strings.Cut(rest, ": "); ok && (lookup(cmd) != nil || strings.HasPrefix(cmd, "cognito ")) {
			rest = after
		}
		if m := packageChain.FindString(rest); m != "" {
			t.Errorf("%s: stderr reads like a package chain (%q):\n%s", where, m, errText)
		}
	}
	switch {
	case c.wantStdout != nil:
		for _, w := range c.wantStdout {
			if w = subst.Replace(w); !strings.Contains(out, w) {
				t.Errorf("%s: stdout lacks %q:\n%s", where, w, out)
			}
		}
	case code != exitOK && out != "":
		t.Errorf("%s: exit %d and stdout %q; want nothing on standard output when the command fails", where, code, out)
	}
	if strings.Contains(errText, "CANARY") {
		t.Errorf("%s: stderr carries a canary secret:\n%s", where, errText)
	}
	for _, sec := range secrets {
		if strings.Contains(errText, sec) {
			t.Errorf("%s: stderr carries the case's token (or its signature):\n%s", where, errText)
		}
	}
	srv.close()
	if srv.served != len(c.responses) || srv.extra != 0 {
		t.Errorf("%s: the command made %d request(s); the case has %d response(s)", where, srv.served+srv.extra, len(c.responses))
	}
}
