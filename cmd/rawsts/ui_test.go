package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rawsts/rawsts/internal/ui"
)

// uiRun is `rawsts ui` running in-process.
type uiRun struct {
	url            string // RAWSTS_UI_URL
	base, key      string // http://127.0.0.1:PORT/ and the session key
	stdout, stderr *syncBuffer
	stop           func() int // ends the run and returns its exit code
}

var exportURL = regexp.MustCompile(`^export RAWSTS_UI_URL='(http://127\.0\.0\.1:[0-9]+/)\?key=([A-Za-z0-9_-]{43})'\n$`)

// startUI runs `rawsts ui` until stop, and waits for its export line.
func startUI(t *testing.T) *uiRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &uiRun{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		s := &streams{stdin: strings.NewReader(""), stdout: r.stdout, stderr: r.stderr, getenv: func(string) string { return "" },
			now: func() time.Time { return fixedNow }}
		done <- run(ctx, []string{"ui"}, s)
	}()
	r.stop = func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("rawsts ui still runs 30s after its context ended")
			return -1
		}
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := exportURL.FindStringSubmatch(r.stdout.String()); m != nil {
			r.base, r.key = m[1], m[2]
			r.url = m[1] + "?key=" + m[2]
			return r
		}
	}
	r.stop()
	t.Fatalf("rawsts ui printed no export line; stdout %q, stderr %q", r.stdout.String(), r.stderr.String())
	return nil
}

// do sends a request to the page with the session key in its header.
func (r *uiRun) do(t *testing.T, method, path, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, r.base+strings.TrimPrefix(path, "/"), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(ui.KeyHeader, r.key)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(ui.RequestHeader, "test")
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestUI: `rawsts ui` prints its URL as an export line, keeps the key off standard error,
// serves the playground behind its guards, and exits 0 when interrupted.
func TestUI(t *testing.T) {
	r := startUI(t)
	if code, page := r.do(t, "GET", "/", "", nil); code != 200 || !strings.Contains(page, "Trust-policy playground") {
		t.Errorf("GET / with the key = %d; want the page", code)
	}
	if code, _ := r.do(t, "GET", "/", "", map[string]string{"Host": "evil.example:" + strings.Split(strings.TrimSuffix(r.base, "/"), ":")[2]}); code != 403 {
		t.Errorf("GET / with another Host = %d; want 403", code)
	}
	if code, _ := r.do(t, "GET", "/", "", map[string]string{ui.KeyHeader: "wrong"}); code != 403 {
		t.Errorf("GET / with a wrong key = %d; want 403", code)
	}
	body, _ := json.Marshal(map[string]string{"input": example(t, "claims.json"), "policy": example(t, "ref-policy.json"),
		"providers": example(t, "github-provider.json"), "role": "arn:aws:iam::123456789012:role/deploy", "at": "2030-01-01T00:05:00Z"})
	if code, answer := r.do(t, "POST", "/api/playground", string(body), nil); code != 200 || !strings.Contains(answer, `"line": "deny (first failure: policy.condition)"`) {
		t.Errorf("POST /api/playground = %d %s; want the README's first case", code, answer)
	}
	if code := r.stop(); code != exitOK {
		t.Errorf("rawsts ui exited %d when interrupted; want 0", code)
	}
	if out := r.stdout.String(); strings.Count(out, "\n") != 1 {
		t.Errorf("stdout = %q; want the export line alone", out)
	}
	errText := r.stderr.String()
	if strings.Contains(errText, r.key) || !strings.HasPrefix(errText, "rawsts: the playground is served on "+r.base) {
		t.Errorf("stderr = %q; want the banner, without the key", errText)
	}
}

func TestUIUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ui", "--addr", "0.0.0.0:0"}, "loopback IP address only"},
		{[]string{"ui", "--addr", "localhost:0"}, "never on a name"},
		{[]string{"ui", "--addr", "192.0.2.1:8080"}, "loopback IP address only"},
		{[]string{"ui", "--addr", "8080"}, "want HOST:PORT"},
		{[]string{"ui", "token"}, "unexpected argument"},
	}
	busy, err := ui.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests = append(tests, struct {
		args []string
		want string
	}{[]string{"ui", "--addr", busy.Addr().String()}, "is in use"})
	for _, tt := range tests {
		r := runCLI(t, nil, "", nil, tt.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("rawsts %s: exit %d, stderr %q, stdout %q; want 2 and %q", strings.Join(tt.args, " "), r.code, r.stderr, r.stdout, tt.want)
		}
	}
}

// TestUIKeepsTheToken: a token pasted into the playground is never in the answer, the link,
// standard output or standard error.
func TestUIKeepsTheToken(t *testing.T) {
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://token.actions.githubusercontent.com","sub":"repo:acme/app:ref:refs/heads/main","aud":"sts.amazonaws.com","exp":1893459600}`))
	token := "eyJhbGciOiJSUzI1NiIsImtpZCI6IkNBTkFSWSJ9." + claims + "." + base64.RawURLEncoding.EncodeToString([]byte("CANARY-signature-of-the-ui-test-0123456789"))
	checkUIKeepsSecrets(t, token)
}

// checkUIKeepsSecrets runs `rawsts ui`, pastes token into the playground (as it is, and inside
// a CI service's JSON reply) and checks that no output of the command and no answer of the
// page carries it or any of its segments.
func checkUIKeepsSecrets(t *testing.T, token string) {
	t.Helper()
	r := startUI(t)
	reply, _ := json.Marshal(map[string]string{"value": token})
	var answers []string
	for _, input := range []string{token, token + "\n", string(reply)} {
		body, _ := json.Marshal(map[string]string{"input": input, "policy": example(t, "ref-policy.json"),
			"providers": example(t, "github-provider.json"), "role": "arn:aws:iam::123456789012:role/deploy"})
		code, answer := r.do(t, "POST", "/api/playground", string(body), nil)
		if code != 200 {
			t.Errorf("POST /api/playground = %d %s", code, answer)
		}
		answers = append(answers, answer)
	}
	r.stop()
	parts := append([]string{token}, strings.Split(token, ".")...)
	for name, text := range map[string]string{"the page's answers": strings.Join(answers, "\n"), "stdout": r.stdout.String(), "stderr": r.stderr.String()} {
		for _, p := range parts {
			if len(p) > 8 && strings.Contains(text, p) {
				t.Errorf("%s carry the token (or a segment of it)", name)
			}
		}
	}
}

func example(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "diagnose", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUIAnswersAsDiagnose: the playground's report is `rawsts diagnose --json --suggest`'s
// document, word for word, for each of the README's cases.
func TestUIAnswersAsDiagnose(t *testing.T) {
	srv, err := ui.New(ui.Options{Addr: "127.0.0.1:8080", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ token, policy string }{
		{"environment.token", "ref-policy.json"}, {"branch.token", "wildcard-policy.json"}, {"default-audience.token", "get-role.json"},
		{"claims.json", "ref-policy.json"},
	} {
		t.Run(c.token, func(t *testing.T) {
			dir := filepath.Join("..", "..", "examples", "diagnose")
			cli := runCLI(t, nil, example(t, c.policy), nil, "diagnose", "--json", "--suggest", "--file", filepath.Join(dir, c.token),
				"--trust-policy", "-", "--provider", filepath.Join(dir, "github-provider.json"),
				"--role-arn", "arn:aws:iam::123456789012:role/deploy", "--at", "2030-01-01T00:05:00Z")
			body, _ := json.Marshal(map[string]string{"input": example(t, c.token), "policy": example(t, c.policy), "providers": example(t, "github-provider.json"),
				"role": "arn:aws:iam::123456789012:role/deploy", "at": "2030-01-01T00:05:00Z"})
			req := httptest.NewRequest("POST", "http://127.0.0.1:8080/api/playground", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(ui.RequestHeader, "test")
			req.Header.Set(ui.KeyHeader, "k")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			var page struct{ Report any }
			var want any
			if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || w.Code != 200 {
				t.Fatalf("the playground = %d %s", w.Code, w.Body.String())
			}
			// The one difference: the CLI names the file the claims are in, the page has none.
			out := strings.ReplaceAll(cli.stdout, "the claims in "+filepath.Join(dir, c.token), "the claims given")
			if err := json.Unmarshal([]byte(out), &want); err != nil {
				t.Fatalf("diagnose --json: %v\n%s", err, cli.stderr)
			}
			if d := cmp.Diff(want, page.Report); d != "" {
				t.Errorf("the playground's report differs from diagnose --json --suggest (-diagnose +playground):\n%s", d)
			}
		})
	}
}
