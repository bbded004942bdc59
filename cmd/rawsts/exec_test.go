package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// childEnvVar makes the test binary act as the command of `rawsts exec --server` (see
// serverChild) instead of running the tests.
const childEnvVar = "RAWSTS_EXEC_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnvVar) != "" {
		os.Exit(serverChild(os.Stdin, os.Stdout))
	}
	if os.Getenv(asRawstsEnvVar) != "" { // kubectl runs the test binary as rawsts (kubectl_test.go)
		main()
	}
	os.Exit(m.Run())
}

// serverChild is a long-running program that uses the container credentials endpoint as an
// SDK does. For each line "call TIME" on its standard input it fetches credentials from
// AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN, calls
// GetCallerIdentity at $TEST_STS_ENDPOINT signed with them at TIME (the test's clock), and
// prints "ok KEYID ARN EXPIRATION" or "fail ERROR"; for "first TIME" it calls with the first
// credentials it fetched instead. It ends at the end of its input.
func serverChild(in io.Reader, out io.Writer) int {
	var first *sigv4.Credentials
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		verb, at, _ := strings.Cut(sc.Text(), " ")
		now, err := time.Parse(time.RFC3339, at)
		if err != nil {
			fmt.Fprintln(out, "fail bad time", at)
			continue
		}
		c := first
		var exp string
		if verb == "call" {
			req, _ := http.NewRequest(http.MethodGet, os.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"), nil)
			req.Header.Set("Authorization", os.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				fmt.Fprintln(out, "fail", err)
				continue
			}
			var body struct{ AccessKeyId, SecretAccessKey, Token, Expiration string }
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				fmt.Fprintln(out, "fail", resp.StatusCode, err)
				continue
			}
			c, exp = &sigv4.Credentials{AccessKeyID: body.AccessKeyId, SecretAccessKey: body.SecretAccessKey, SessionToken: body.Token}, body.Expiration
			if first == nil {
				first = c
			}
		}
		who, err := (&sts.Client{Endpoint: os.Getenv("TEST_STS_ENDPOINT"), Credentials: c, Now: func() time.Time { return now }, MaxAttempts: 1}).GetCallerIdentity(context.Background())
		if err != nil {
			var apiErr *sts.APIError
			if errors.As(err, &apiErr) {
				fmt.Fprintln(out, "fail", apiErr.Code)
			} else {
				fmt.Fprintln(out, "fail", err)
			}
			continue
		}
		fmt.Fprintln(out, "ok", c.AccessKeyID, who.Arn, exp)
	}
	return 0
}

// emulatorWithToken starts the emulator at clock and writes a token of its default issuer
// (trusted by DemoRole) to a file.
func emulatorWithToken(t *testing.T, clock func() time.Time) (*ststest.Server, string) {
	t.Helper()
	opts := []ststest.Option{}
	if clock != nil {
		opts = append(opts, ststest.WithNow(clock))
	}
	srv := ststest.NewServer(opts...)
	t.Cleanup(srv.Close)
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "token")
	writeFile(t, file, tok+"\n")
	return srv, file
}

func countActions(srv *ststest.Server, action string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Form.Get("Action") == action {
			n++
		}
	}
	return n
}

// TestExecExitStatus: COMMAND's exit status is rawsts's; a signal is 128+N; a command that
// cannot be found is 127.
func TestExecExitStatus(t *testing.T) {
	env := merge(exampleEnv(), map[string]string{"PATH": os.Getenv("PATH")})
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"sh", "-c", "exit 7"}, 7},
		{[]string{"true"}, 0},
		{[]string{"sh", "-c", "kill -TERM $$"}, 128 + int(syscall.SIGTERM)},
		{[]string{"no-such-command-rawsts-test"}, exitNotFound},
	} {
		r := runCLI(t, env, "", nil, append([]string{"exec", "--"}, tt.args...)...)
		if r.code != tt.want {
			t.Errorf("rawsts exec -- %v: exit %d (stderr %q); want %d", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if r := runCLI(t, env, "", nil, "exec", "sh"); r.code != exitUsage || !strings.Contains(r.stderr, "no command") {
		t.Errorf("rawsts exec sh (no --): exit %d, stderr %q; want 2", r.code, r.stderr)
	}
	if r := runCLI(t, env, "", nil, "exec", "--token-from", "github", "--web-identity-token", "a.b.c", "--", "true"); r.code != exitUsage {
		t.Errorf("rawsts exec with two tokens: exit %d; want 2", r.code)
	}
}

// TestExecEnv: `rawsts exec -- env` shows the credentials, the expiry and the region, and none
// of the inherited variables that could shadow them.
func TestExecEnv(t *testing.T) {
	srv, tokenFile := emulatorWithToken(t, func() time.Time { return fixedNow })
	env := map[string]string{"PATH": os.Getenv("PATH"), "KEEP_ME": "1", "AWS_PROFILE": "other",
		"AWS_ACCESS_KEY_ID": "AKIAOLDOLDOLDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "old", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"}
	r := runCLI(t, env, "", nil, "exec", "--endpoint", srv.URL, "--role-arn", ststest.DemoRoleArn, "--web-identity-token-file", tokenFile,
		"--region", "eu-west-1", "--", "env")
	if r.code != exitOK {
		t.Fatalf("exec -- env: exit %d, stderr %q", r.code, r.stderr)
	}
	got := map[string]string{}
	for _, line := range strings.Split(r.stdout, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		if _, ok := got[k]; ok {
			t.Errorf("the command inherited %s", k)
		}
	}
	if !strings.HasPrefix(got["AWS_ACCESS_KEY_ID"], "ASIA") || got["AWS_SECRET_ACCESS_KEY"] == "old" || got["AWS_SESSION_TOKEN"] == "" ||
		got["AWS_CREDENTIAL_EXPIRATION"] != fixedNow.Add(time.Hour).Format(time.RFC3339) || got["AWS_REGION"] != "eu-west-1" ||
		got["AWS_DEFAULT_REGION"] != "eu-west-1" || got["AWS_ACCOUNT_ID"] != "123456789012" || got["KEEP_ME"] != "1" {
		t.Errorf("exec -- env printed:\n%s", r.stdout)
	}
	// The credentials work: GetCallerIdentity with them is DemoRole's session.
	c := &sigv4.Credentials{AccessKeyID: got["AWS_ACCESS_KEY_ID"], SecretAccessKey: got["AWS_SECRET_ACCESS_KEY"], SessionToken: got["AWS_SESSION_TOKEN"]}
	who, err := (&sts.Client{Endpoint: srv.URL, Credentials: c, Now: func() time.Time { return fixedNow }}).GetCallerIdentity(context.Background())
	if err != nil || !strings.Contains(who.Arn, "assumed-role/DemoRole/") {
		t.Errorf("GetCallerIdentity with the command's credentials = %v, %v", who, err)
	}
}

// TestExecProfile: --profile takes a profile that assumes a role with the credentials of a web
// identity profile (a chain), as the AWS CLI would; the profile's region reaches the command.
func TestExecProfile(t *testing.T) {
	srv, tokenFile := emulatorWithToken(t, func() time.Time { return fixedNow })
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	writeFile(t, config, "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = ci\nrole_session_name = release\nregion = ap-southeast-2\n\n"+
		"[profile ci]\nrole_arn = "+ststest.DemoRoleArn+"\nweb_identity_token_file = "+tokenFile+"\n")
	env := map[string]string{"PATH": os.Getenv("PATH"), "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_ENDPOINT_URL_STS": srv.URL}
	r := runCLI(t, env, "", nil, "exec", "--profile", "deploy", "--", "sh", "-c", `echo "$AWS_REGION $AWS_ACCESS_KEY_ID"`)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "ap-southeast-2 ASIA") {
		t.Fatalf("exec --profile deploy: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if n := countActions(srv, "AssumeRole"); n != 1 {
		t.Errorf("AssumeRole calls = %d; want 1 (Deploy assumed with ci's session)", n)
	}
	r = runCLI(t, env, "", nil, "exec", "--profile", "nope", "--", "true")
	if r.code != exitUsage || !strings.Contains(r.stderr, "profile [nope]") {
		t.Errorf("exec --profile nope: exit %d, stderr %q; want 2 naming the profile", r.code, r.stderr)
	}
}

// TestExecForwardsSignals: a signal sent to rawsts reaches the command, which decides what to
// do with it (here: exit 0 on SIGUSR1).
func TestExecForwardsSignals(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "ready")
	env := merge(exampleEnv(), map[string]string{"PATH": os.Getenv("PATH"), "READY": ready})
	script := `trap 'echo got-usr1; exit 0' USR1; : > "$READY"; i=0; while [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; exit 9`
	done := make(chan cliRun, 1)
	go func() { done <- runCLI(t, env, "", nil, "exec", "--", "sh", "-c", script) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the command never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	r := <-done
	if r.code != 0 || !strings.Contains(r.stdout, "got-usr1") {
		t.Errorf("after SIGUSR1 to rawsts: exit %d, stdout %q; want the command to get it and exit 0", r.code, r.stdout)
	}
}

// fakeClock is a clock the test moves by hand, shared by the CLI and the emulator.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestExecServerRefresh: a long-running command under --server keeps working across a
// renewal. The CLI and the emulator share a clock the test moves: at t0 the command gets the
// first session; 50 minutes later (10 left, inside the 15-minute window) the endpoint hands
// out a new one, which works; at 65 minutes the first has expired (STS says ExpiredToken) and
// the second still works. Two AssumeRoleWithWebIdentity calls in all.
func TestExecServerRefresh(t *testing.T) {
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := &fakeClock{t: t0}
	srv, tokenFile := emulatorWithToken(t, clock.Now)
	env := map[string]string{childEnvVar: "1", "TEST_STS_ENDPOINT": srv.URL, "AWS_PROFILE": "shadow"}

	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr strings.Builder
	s := &streams{stdin: inR, stdout: outW, stderr: &syncWriter{w: &stderr}, getenv: func(k string) string { return env[k] },
		now: clock.Now, environ: func() []string {
			return []string{childEnvVar + "=1", "TEST_STS_ENDPOINT=" + srv.URL, "AWS_PROFILE=shadow"}
		}}
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"exec", "--server", "--endpoint", srv.URL, "--role-arn", ststest.DemoRoleArn,
			"--web-identity-token-file", tokenFile, "--", os.Args[0], "-test.run=^$"}, s)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	ask := func(line string) string {
		t.Helper()
		fmt.Fprintln(inW, line)
		if !lines.Scan() {
			t.Fatalf("the command ended early; rawsts stderr: %s", stderr.String())
		}
		return lines.Text()
	}
	at := func(d time.Duration) string { clock.Set(t0.Add(d)); return t0.Add(d).Format(time.RFC3339) }

	first := strings.Fields(ask("call " + at(0)))
	if len(first) != 4 || first[0] != "ok" || !strings.Contains(first[2], "assumed-role/DemoRole/") || first[3] != t0.Add(time.Hour).Format(time.RFC3339) {
		t.Fatalf("first call: %v", first)
	}
	if again := strings.Fields(ask("call " + at(20*time.Minute))); len(again) < 2 || again[1] != first[1] {
		t.Errorf("20 minutes in: %v; want the same session (%s)", again, first[1])
	}
	second := strings.Fields(ask("call " + at(50*time.Minute)))
	if len(second) != 4 || second[0] != "ok" || second[1] == first[1] {
		t.Fatalf("50 minutes in (10 left): %v; want a new session that works", second)
	}
	if old := ask("first " + at(65*time.Minute)); old != "fail ExpiredToken" {
		t.Errorf("the first session at 65 minutes: %q; want fail ExpiredToken", old)
	}
	if later := strings.Fields(ask("call " + at(65*time.Minute))); len(later) < 2 || later[0] != "ok" || later[1] != second[1] {
		t.Errorf("65 minutes in: %v; want the second session, working", later)
	}
	inW.Close()
	if code := <-done; code != 0 {
		t.Errorf("exec --server: exit %d; stderr %s", code, stderr.String())
	}
	if n := countActions(srv, "AssumeRoleWithWebIdentity"); n != 2 {
		t.Errorf("AssumeRoleWithWebIdentity calls = %d; want 2", n)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// TestExecServerRefusesOthers: the endpoint answers only with its token, only GET, only its
// path.
func TestExecServerRefusesOthers(t *testing.T) {
	env := merge(exampleEnv(), map[string]string{"PATH": os.Getenv("PATH")})
	script := `for a in "$AWS_CONTAINER_AUTHORIZATION_TOKEN" wrong; do curl -s -o /dev/null -w '%{http_code} ' -H "Authorization: $a" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; done; ` +
		`curl -s -o /dev/null -w '%{http_code} ' -X POST -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"; ` +
		`curl -s -o /dev/null -w '%{http_code} ' -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI/../other"; ` +
		`case "$AWS_CONTAINER_CREDENTIALS_FULL_URI" in http://127.0.0.1:*/credentials) echo loopback;; esac; echo "${AWS_ACCESS_KEY_ID:-no-keys}"`
	if _, err := os.Stat("/usr/bin/curl"); err != nil {
		t.Skip("needs curl")
	}
	r := runCLI(t, env, "", nil, "exec", "--server", "--", "sh", "-c", script)
	if r.code != 0 || r.stdout != "200 403 405 404 loopback\nno-keys\n" {
		t.Errorf("exec --server: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
