package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/ststest"
)

// syncBuffer is a bytes.Buffer that the emulator's request log may write to from its
// handlers' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// emulatorRun is `rawsts emulator` running in-process, with the clock at fixedNow (the clock
// runCLI gives the commands sent to it).
type emulatorRun struct {
	url            string
	srv            *ststest.Server
	stdout, stderr *syncBuffer
	cancel         func()
	done           chan int
	code           int
	stopped        bool
}

// startEmulator runs `rawsts emulator ARGS --url-file …` until the test ends (or stop) and
// waits for it to listen. It fails the test when the emulator stops before.
func startEmulator(t *testing.T, env map[string]string, args ...string) *emulatorRun {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	e := &emulatorRun{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	var mu sync.Mutex
	s := &streams{stdin: strings.NewReader(""), stdout: e.stdout, stderr: e.stderr,
		getenv: func(k string) string { return env[k] }, now: func() time.Time { return fixedNow },
		onEmulator: func(srv *ststest.Server) { mu.Lock(); e.srv = srv; mu.Unlock() }}
	go func() { e.done <- run(ctx, append(args, "--url-file", urlFile), s) }()
	t.Cleanup(func() { e.stop() })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil && len(b) > 0 {
			e.url = strings.TrimSpace(string(b))
			mu.Lock()
			defer mu.Unlock()
			return e
		}
		select {
		case code := <-e.done:
			e.stopped, e.code = true, code
			t.Fatalf("rawsts emulator %s: exit %d before it listened; stderr:\n%s", strings.Join(args, " "), code, e.stderr)
		default:
		}
	}
	t.Fatalf("rawsts emulator %s did not write its URL; stderr:\n%s", strings.Join(args, " "), e.stderr)
	return nil
}

// stop interrupts the emulator, as Ctrl-C does, and returns its exit code.
func (e *emulatorRun) stop() int {
	if !e.stopped {
		e.cancel()
		e.code, e.stopped = <-e.done, true
	}
	return e.code
}

// exportsOfRun reads the export lines of the emulator's standard output with a POSIX shell,
// as `eval` would: the values as the shell sees them.
func exportsOfRun(t *testing.T, out string) map[string]string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to eval the export lines with")
	}
	cmd := exec.Command(sh, "-c", `eval "$EXPORTS" && env`)
	cmd.Env = []string{"EXPORTS=" + out, "PATH=" + os.Getenv("PATH")}
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh cannot eval the export lines %q: %v", out, err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && (strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "RAWSTS_")) {
			env[k] = v
		}
	}
	return env
}

// TestEmulatorExports checks the export lines: what the default account gives, in order, and
// that a shell evals them to the values (the password's "!" included).
func TestEmulatorExports(t *testing.T) {
	e := startEmulator(t, nil, "emulator")
	wantOrder := []string{"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "RAWSTS_POOL_ID", "RAWSTS_CLIENT_ID", "RAWSTS_USERNAME",
		"RAWSTS_PASSWORD", "RAWSTS_ROLE_ARN", "RAWSTS_IDENTITY_POOL_ID", "RAWSTS_ADMIN_ACCESS_KEY_ID", "RAWSTS_ADMIN_SECRET_ACCESS_KEY"}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(e.stdout.String()), "\n") {
		name, _, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok || !strings.HasPrefix(line, "export ") {
			t.Fatalf("standard output has a line that is not an export: %q", line)
		}
		got = append(got, name)
	}
	if strings.Join(got, " ") != strings.Join(wantOrder, " ") {
		t.Errorf("export names = %v; want %v", got, wantOrder)
	}
	env := exportsOfRun(t, e.stdout.String())
	want := map[string]string{
		"AWS_ENDPOINT_URL": e.url, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "RAWSTS_POOL_ID": ststest.DefaultPoolID,
		"RAWSTS_CLIENT_ID": ststest.DefaultClientID, "RAWSTS_USERNAME": ststest.DefaultUsername,
		"RAWSTS_PASSWORD": ststest.DefaultPassword, "RAWSTS_ROLE_ARN": ststest.DefaultRoleArn, "RAWSTS_IDENTITY_POOL_ID": ststest.DefaultIdentityPoolID,
		"RAWSTS_ADMIN_ACCESS_KEY_ID": ststest.UserAccessKeyID, "RAWSTS_ADMIN_SECRET_ACCESS_KEY": ststest.UserSecretAccessKey,
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("after eval, %s = %q; want %q", k, env[k], v)
		}
	}
	if !strings.HasPrefix(e.url, "http://127.0.0.1:") {
		t.Errorf("URL = %q; want http on 127.0.0.1 by default", e.url)
	}
	// The banner is on standard error, without a secret.
	errText := e.stderr.String()
	if !strings.Contains(errText, "rawsts emulator: listening on "+e.url+" (Ctrl-C stops it)") {
		t.Errorf("standard error lacks the banner:\n%s", errText)
	}
	for _, secret := range []string{ststest.DefaultPassword, ststest.UserSecretAccessKey, "Temp-Passw0rd1!"} {
		if strings.Contains(errText, secret) {
			t.Errorf("standard error shows the secret %q:\n%s", secret, errText)
		}
	}
	if code := e.stop(); code != exitOK {
		t.Errorf("interrupted emulator: exit %d; want 0", code)
	}

	// The walkthrough with nothing but the exported settings: rawsts reads AWS_ENDPOINT_URL.
	e2 := startEmulator(t, nil, "emulator")
	env = exportsOfRun(t, e2.stdout.String())
	r := runCLI(t, env, env["RAWSTS_PASSWORD"]+"\n", nil, "cognito", "assume", "--flow", "password", "--pool-id", env["RAWSTS_POOL_ID"],
		"--client-id", env["RAWSTS_CLIENT_ID"], "--username", env["RAWSTS_USERNAME"], "--password-stdin", "--role-arn", env["RAWSTS_ROLE_ARN"])
	if r.code != exitOK || !emulatedKeyID.MatchString(r.stdout) {
		t.Fatalf("cognito assume with the exports only: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestEmulatorTLS runs the emulator with --tls: its issuers are https (no plain-http finding
// on its tokens), a command without the CA fails on TLS (exit 3), and the same command with
// AWS_CA_BUNDLE — exported by the emulator — succeeds; so do thumbprint and inspect --verify.
func TestEmulatorTLS(t *testing.T) {
	dir := t.TempDir()
	caFile, tokenFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "token")
	e := startEmulator(t, nil, "emulator", "--tls", "--ca-out", caFile, "--token-file", tokenFile)
	if !strings.HasPrefix(e.url, "https://127.0.0.1:") {
		t.Fatalf("URL = %q; want https://127.0.0.1:PORT", e.url)
	}
	env := exportsOfRun(t, e.stdout.String())
	abs, _ := filepath.Abs(caFile)
	if env["AWS_CA_BUNDLE"] != abs || env["AWS_ENDPOINT_URL"] != e.url {
		t.Errorf("exports AWS_CA_BUNDLE=%q AWS_ENDPOINT_URL=%q; want %q and %q", env["AWS_CA_BUNDLE"], env["AWS_ENDPOINT_URL"], abs, e.url)
	}
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasSuffix(token, []byte("\n")) || bytes.Count(token, []byte(".")) != 2 {
		t.Errorf("--token-file holds %q; want the bare token, no newline", token)
	}

	assumeArgs := []string{"assume", "--role-arn", ststest.DemoRoleArn, "--web-identity-token-file", tokenFile}
	noCA := map[string]string{"AWS_ENDPOINT_URL": e.url}
	r := runCLI(t, noCA, "", nil, assumeArgs...)
	if r.code != exitTransport || !strings.Contains(r.stderr, "TLS certificate") {
		t.Errorf("assume without the CA: exit %d, stderr %q; want 3 and the TLS certificate named", r.code, r.stderr)
	}
	r = runCLI(t, env, "", nil, assumeArgs...)
	if r.code != exitOK || !emulatedKeyID.MatchString(r.stdout) {
		t.Fatalf("assume with AWS_CA_BUNDLE: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	// thumbprint: the last certificate presented is the emulator's CA.
	block, _ := pem.Decode(mustRead(t, caFile))
	sum := sha1.Sum(block.Bytes)
	r = runCLI(t, noCA, "", nil, "thumbprint", e.url+"/"+ststest.DefaultPoolID)
	if r.code != exitTransport {
		t.Errorf("thumbprint without the CA: exit %d, stderr %q; want 3", r.code, r.stderr)
	}
	r = runCLI(t, env, "", nil, "thumbprint", e.url+"/"+ststest.DefaultPoolID)
	if r.code != exitOK || !strings.Contains(r.stdout, "thumbprint   "+hex.EncodeToString(sum[:])) {
		t.Errorf("thumbprint with AWS_CA_BUNDLE: exit %d, stdout %q, stderr %q; want the CA's SHA-1 %x", r.code, r.stdout, r.stderr, sum)
	}
	r = runCLI(t, noCA, "", nil, "thumbprint", "--ca-file", caFile, "--host", strings.TrimPrefix(e.url, "https://"))
	if r.code != exitOK || !strings.Contains(r.stdout, hex.EncodeToString(sum[:])) {
		t.Errorf("thumbprint --ca-file --host: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	// inspect --verify: the signature verifies over https, and an https issuer has neither
	// iss-not-https nor the emulator's iss-http-loopback exception.
	r = runCLI(t, env, "", nil, "inspect", "--verify", "--json", "--file", tokenFile)
	if r.code != exitOK || !strings.Contains(r.stdout, `"ok": true`) ||
		strings.Contains(r.stdout, "iss-not-https") || strings.Contains(r.stdout, "iss-http-loopback") {
		t.Errorf("inspect --verify with AWS_CA_BUNDLE: exit %d, stdout %s, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, noCA, "", nil, "inspect", "--verify", "--file", tokenFile)
	if r.code != exitTransport {
		t.Errorf("inspect --verify without the CA: exit %d, stderr %q; want 3", r.code, r.stderr)
	}
	// --ca-file wins over a bad AWS_CA_BUNDLE.
	bad := map[string]string{envCABundle: filepath.Join(dir, "missing.pem")}
	r = runCLI(t, bad, "", nil, "inspect", "--verify", "--ca-file", caFile, "--file", tokenFile)
	if r.code != exitOK {
		t.Errorf("inspect --verify --ca-file with a bad AWS_CA_BUNDLE: exit %d, stderr %q; want 0 (--ca-file wins)", r.code, r.stderr)
	}
	// diagnose --verify: the checks pass over https, the thumbprint included.
	r = runCLI(t, env, "", nil, "diagnose", "--verify", "--file", tokenFile)
	if r.code != exitOK && r.code != exitRefused || strings.Contains(r.stderr, "certificate") {
		t.Errorf("diagnose --verify with AWS_CA_BUNDLE: exit %d, stdout %s, stderr %q", r.code, r.stdout, r.stderr)
	}
	e.stop()
	if _, err := os.Stat(caFile); err != nil {
		t.Errorf("--ca-out %s is gone after the emulator stopped: %v (only a temporary default is removed)", caFile, err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCABundleUnusable: every command that makes HTTPS calls reads AWS_CA_BUNDLE, and a bundle
// it cannot use stops it before anything is sent (exit 2), naming the variable and the file.
func TestCABundleUnusable(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not-a-bundle.pem")
	if err := os.WriteFile(notPEM, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuY29tIn0.c2ln"), 0o600)
	creds := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	commands := []struct {
		name string
		args []string
	}{
		{"assume", []string{"assume", "--role-arn", "arn:aws:iam::123456789012:role/r", "--web-identity-token-file", tokenFile}},
		{"assume-role", []string{"assume-role", "--role-arn", "arn:aws:iam::123456789012:role/r"}},
		{"whoami", []string{"whoami"}},
		{"decode-authorization-message", []string{"decode-authorization-message", "EXAMPLEencodedmessage"}},
		{"sign", []string{"sign", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"}},
		{"cognito login", []string{"cognito", "login", "--pool-id", "us-east-1_EXAMPLE", "--client-id", "1example23456789", "--username", "demo", "--password-stdin", "--flow", "password"}},
		{"inspect --verify", []string{"inspect", "--verify", "--file", tokenFile}},
		{"thumbprint", []string{"thumbprint", "https://example.com"}},
		{"diagnose --verify", []string{"diagnose", "--verify", "--file", tokenFile}},
		{"diagnose --fetch", []string{"diagnose", "--fetch", "--role-arn", "arn:aws:iam::123456789012:role/r", "--file", tokenFile}},
		{"token --from github", []string{"token", "--from", "github"}},
		{"assume --token-from github", []string{"assume", "--role-arn", "arn:aws:iam::123456789012:role/r", "--token-from", "github"}},
		{"exec", []string{"exec", "--role-arn", "arn:aws:iam::123456789012:role/r", "--web-identity-token-file", tokenFile, "--", "true"}},
	}
	for _, bundle := range []string{notPEM, filepath.Join(dir, "missing.pem"), dir} {
		for _, c := range commands {
			t.Run(c.name+"/"+filepath.Base(bundle), func(t *testing.T) {
				env := map[string]string{envCABundle: bundle, "AWS_REGION": "us-east-1"}
				for k, v := range creds {
					env[k] = v
				}
				r := runCLI(t, env, "secret-password\n", nil, c.args...)
				if r.code != exitUsage || !strings.Contains(r.stderr, "AWS_CA_BUNDLE") || !strings.Contains(r.stderr, bundle) {
					t.Errorf("%s with AWS_CA_BUNDLE=%s: exit %d, stderr %q; want 2 naming AWS_CA_BUNDLE and the file", c.name, bundle, r.code, r.stderr)
				}
			})
		}
	}
}

// TestProfileCABundle: without AWS_CA_BUNDLE, the ca_bundle of the profile in use (--profile,
// else AWS_PROFILE) names the CAs to trust, as botocore resolves it; AWS_CA_BUNDLE wins over it.
func TestProfileCABundle(t *testing.T) {
	dir := t.TempDir()
	caFile, config := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "config")
	e := startEmulator(t, nil, "emulator", "--tls", "--ca-out", caFile)
	keys := "aws_access_key_id = " + ststest.UserAccessKeyID + "\naws_secret_access_key = " + ststest.UserSecretAccessKey + "\n"
	profiles := "[profile emu]\nca_bundle = " + caFile + "\n" + keys +
		"[profile nobundle]\n" + keys +
		"[profile broken]\nca_bundle = " + filepath.Join(dir, "missing.pem") + "\n" + keys
	if err := os.WriteFile(config, []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"AWS_ENDPOINT_URL": e.url, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none")}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string // in stdout for 0, in stderr otherwise
	}{
		{"--profile with ca_bundle", base, []string{"whoami", "--profile", "emu"}, exitOK, ststest.UserArn},
		{"AWS_PROFILE with ca_bundle", with("AWS_PROFILE", "emu"), []string{"whoami"}, exitOK, ststest.UserArn},
		{"a profile without ca_bundle", base, []string{"whoami", "--profile", "nobundle"}, exitTransport, "TLS certificate"},
		{"an unusable ca_bundle", base, []string{"whoami", "--profile", "broken"}, exitUsage, "profile [broken] ca_bundle"},
		{"AWS_CA_BUNDLE wins", with(envCABundle, filepath.Join(dir, "missing.pem")), []string{"whoami", "--profile", "emu"}, exitUsage, "AWS_CA_BUNDLE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", nil, tt.args...)
			out := r.stdout
			if tt.code != exitOK {
				out = r.stderr
			}
			if r.code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d and %q", strings.Join(tt.args, " "), r.code, r.stdout, r.stderr, tt.code, tt.want)
			}
		})
	}
}

// TestEmulatorInit: --init writes the commented example, which loads back to the default
// account; --init FILE never overwrites; --config FILE starts from it.
func TestEmulatorInit(t *testing.T) {
	r := runCLI(t, nil, "", nil, "emulator", "--init")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "// rawsts emulator config") {
		t.Fatalf("--init: exit %d, stdout %.200q, stderr %q", r.code, r.stdout, r.stderr)
	}
	cfg, err := ststest.ParseConfig([]byte(r.stdout))
	if err != nil {
		t.Fatalf("ParseConfig(--init output) = %v", err)
	}
	var got, want any // compared as JSON values: a policy document's members come back in another order
	b1, _ := json.Marshal(cfg)
	b2, _ := json.Marshal(ststest.DefaultConfig())
	json.Unmarshal(b1, &got)
	json.Unmarshal(b2, &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("--init output loads as\n%s\nwant DefaultConfig\n%s", got, want)
	}
	if n := strings.Count(r.stdout, "//"); n < 20 {
		t.Errorf("--init output has %d comment markers; want a commented example", n)
	}

	path := filepath.Join(t.TempDir(), "account.json")
	if r := runCLI(t, nil, "", nil, "emulator", "--init", path); r.code != exitOK || !strings.Contains(r.stderr, "rawsts emulator --config "+path) {
		t.Fatalf("--init FILE: exit %d, stderr %q", r.code, r.stderr)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("--init FILE wrote %v, %v; want a 0600 file", fi, err)
	}
	if r := runCLI(t, nil, "", nil, "emulator", "--init", path); r.code != exitUsage || !strings.Contains(r.stderr, path+" exists already") {
		t.Errorf("--init over an existing file: exit %d, stderr %q; want 2", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "", nil, "emulator", "--init", "--tls"); r.code != exitUsage {
		t.Errorf("--init --tls: exit %d; want 2 (--init takes no other flag)", r.code)
	}
	e := startEmulator(t, nil, "emulator", "--config", path)
	if !strings.Contains(e.stdout.String(), "export RAWSTS_ROLE_ARN="+ststest.DefaultRoleArn+"\n") {
		t.Errorf("emulator --config (the example) exports:\n%s", e.stdout)
	}
}

// TestEmulatorUnusableFiles: a config or state file that cannot be used stops the emulator
// with exit 2, naming the file and the element; a state file is left as it was.
func TestEmulatorUnusableFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badRole := write("bad-role.json", `{"Roles": [{"RoleName": "TestRole", "MaxSessionDuration": 99}]}`)
	unknown := write("unknown.json", "// a comment\n{\"account\": \"123456789012\"}")
	corrupt := write("state.json", `{"Account": "123456789012", "UserPools": [`)
	tests := []struct {
		name  string
		args  []string
		words []string
	}{
		{"config element", []string{"--config", badRole}, []string{badRole, "Roles[0].MaxSessionDuration", "3600–43200"}},
		{"config member", []string{"--config", unknown}, []string{unknown, "account", `did you mean "Account"`}},
		{"config missing", []string{"--config", filepath.Join(dir, "nope.json")}, []string{"nope.json", "no such file"}},
		{"state corrupt", []string{"--state", corrupt}, []string{"--state " + corrupt, "not a JSON document", "move it away"}},
		{"state and config the same", []string{"--state", badRole, "--config", badRole}, []string{"the same file"}},
		{"ca-out without tls", []string{"--ca-out", filepath.Join(dir, "ca.pem")}, []string{"--ca-out goes with --tls"}},
		{"addr taken", []string{"--addr", "256.0.0.1:1"}, []string{"cannot listen on --addr 256.0.0.1:1"}},
		{"cognito-user", []string{"--cognito-user", "alice"}, []string{"USER:PASSWORD"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, "", nil, append([]string{"emulator"}, tc.args...)...)
			if r.code != exitUsage {
				t.Errorf("emulator %v: exit %d, stderr %q; want 2", tc.args, r.code, r.stderr)
			}
			for _, w := range tc.words {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("emulator %v: stderr %q lacks %q", tc.args, r.stderr, w)
				}
			}
		})
	}
	if b := mustRead(t, corrupt); string(b) != `{"Account": "123456789012", "UserPools": [` {
		t.Errorf("the corrupt state file was changed to %q", b)
	}
}

// TestEmulatorStateRestart: with --state, a restart keeps a refresh token usable, a role added
// at run time, a password changed at the first login, an STS session, and the issuers' keys
// (a token minted before the restart is accepted after it).
func TestEmulatorStateRestart(t *testing.T) {
	dir := t.TempDir()
	state, tokenFile := filepath.Join(dir, "state.json"), filepath.Join(dir, "token")
	addr := freeAddr(t)
	e := startEmulator(t, nil, "emulator", "--addr", addr, "--state", state, "--token-file", tokenFile)
	trust := ststest.PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
		"Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/${EMULATOR_HOST}/oidc"},
		"Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"${EMULATOR_HOST}/oidc:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}}}]}`)
	if err := e.srv.AddRole(ststest.Role{RoleName: "AddedAtRunTime", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_ENDPOINT_URL": e.url}
	login := runCLI(t, env, ststest.DefaultPassword+"\n", nil, "cognito", "login", "--flow", "password", "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--username", ststest.DefaultUsername, "--password-stdin", "--output", "tokens")
	refresh := tokenLine(t, login, "REFRESH_TOKEN")
	first := runCLI(t, env, "Temp-Passw0rd1!\nNew-Passw0rd2!\n", nil, "cognito", "login", "--flow", "password", "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--username", "newcomer", "--password-stdin", "--new-password-stdin")
	if first.code != exitOK {
		t.Fatalf("newcomer's first login: exit %d, stderr %q", first.code, first.stderr)
	}
	assumed := runCLI(t, env, "", nil, "assume", "--role-arn", ststest.DemoRoleArn, "--web-identity-token-file", tokenFile)
	if assumed.code != exitOK {
		t.Fatalf("assume: exit %d, stderr %q", assumed.code, assumed.stderr)
	}
	session := envFromExports(t, assumed.stdout)
	session["AWS_ENDPOINT_URL"] = e.url
	if code := e.stop(); code != exitOK {
		t.Fatalf("emulator: exit %d, stderr %s", code, e.stderr)
	}
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("--state file: %v, %v; want it written with mode 0600", fi, err)
	}

	e2 := startEmulator(t, nil, "emulator", "--addr", addr, "--state", state)
	env = map[string]string{"AWS_ENDPOINT_URL": e2.url}
	if r := runCLI(t, env, refresh+"\n", nil, "cognito", "login", "--flow", "refresh", "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--refresh-token-file", "-"); r.code != exitOK {
		t.Errorf("refresh after the restart: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, env, "New-Passw0rd2!\n", nil, "cognito", "login", "--flow", "password", "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--username", "newcomer", "--password-stdin"); r.code != exitOK {
		t.Errorf("newcomer with the new password after the restart: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, env, "", nil, "assume", "--role-arn", "arn:aws:iam::123456789012:role/AddedAtRunTime",
		"--web-identity-token-file", tokenFile); r.code != exitOK {
		t.Errorf("the role added at run time, with the token minted before the restart: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, session, "", nil, "whoami"); r.code != exitOK || !strings.Contains(r.stdout, "assumed-role/DemoRole/") {
		t.Errorf("whoami with the session of before the restart: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestEmulatorStateKeepsCA: with --tls and --state, the CA is kept in the state file, so the
// CA file of the first run (what AWS_CA_BUNDLE or a profile's ca_bundle names) is still the one
// to trust after a restart.
func TestEmulatorStateKeepsCA(t *testing.T) {
	dir := t.TempDir()
	state, ca1, ca2 := filepath.Join(dir, "state.json"), filepath.Join(dir, "ca1.pem"), filepath.Join(dir, "ca2.pem")
	e := startEmulator(t, nil, "emulator", "--tls", "--ca-out", ca1, "--state", state)
	if code := e.stop(); code != exitOK {
		t.Fatalf("emulator: exit %d, stderr %s", code, e.stderr)
	}
	e2 := startEmulator(t, nil, "emulator", "--tls", "--ca-out", ca2, "--state", state)
	if a, b := mustRead(t, ca1), mustRead(t, ca2); string(a) != string(b) {
		t.Errorf("the CA after the restart differs from the first run's:\n%s\n%s", a, b)
	}
	env := map[string]string{"AWS_ENDPOINT_URL": e2.url, "AWS_CA_BUNDLE": ca1}
	if r := runCLI(t, env, ststest.DefaultPassword+"\n", nil, "cognito", "login", "--flow", "password", "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--username", ststest.DefaultUsername, "--password-stdin"); r.code != exitOK {
		t.Errorf("login trusting the first run's CA file: exit %d, stderr %q", r.code, r.stderr)
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// tokenLine returns NAME's value from `cognito login --output tokens`.
func tokenLine(t *testing.T, r cliRun, name string) string {
	t.Helper()
	if r.code != exitOK {
		t.Fatalf("cognito login: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return strings.Trim(v, "'")
		}
	}
	t.Fatalf("cognito login printed no %s line:\n%s", name, r.stdout)
	return ""
}

// logLine matches one line of --log.
var logLine = regexp.MustCompile(`^\d\d:\d\d:\d\d (\S+) (\S+) (\S+) principal=("(?:[^"\\]|\\.)*"|\S+) (ALLOW|DENY)(?: (.*))?$`)

// TestEmulatorLog: --log writes one line per decision in the documented format — allowed,
// refused with the code and the failing check, a token with a trailing newline accepted with
// the note that STS's handling is not documented — and never a secret.
func TestEmulatorLog(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	e := startEmulator(t, nil, "emulator", "--log", "--token-file", tokenFile, "--aud", "another-audience")
	env := map[string]string{"AWS_ENDPOINT_URL": e.url}
	login := runCLI(t, env, ststest.DefaultPassword+"\n", nil, "cognito", "login", "--flow", "password", "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--username", ststest.DefaultUsername, "--password-stdin")
	idToken := strings.TrimSpace(login.stdout)
	if login.code != exitOK {
		t.Fatalf("login: exit %d, stderr %q", login.code, login.stderr)
	}
	runCLI(t, env, "wrong-password\n", nil, "cognito", "login", "--flow", "password", "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--username", ststest.DefaultUsername, "--password-stdin")
	runCLI(t, env, "", nil, "assume", "--role-arn", ststest.DemoRoleArn, "--web-identity-token-file", tokenFile) // aud refused
	// A token with a trailing newline, sent as it is (rawsts itself would strip it).
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {ststest.DefaultRoleArn},
		"RoleSessionName": {"newline"}, "WebIdentityToken": {idToken + "\n"}}
	resp, err := http.PostForm(e.url, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a token with a trailing newline: HTTP %d; want 200 (accepted, as diagnose warns and accepts)", resp.StatusCode)
	}
	e.stop()

	var lines []string
	for _, l := range strings.Split(e.stderr.String(), "\n") {
		if logLine.MatchString(l) {
			lines = append(lines, l)
		}
	}
	want := []*regexp.Regexp{
		regexp.MustCompile(`cognito-idp InitiateAuth client/1example23456789 principal=demo ALLOW USER_PASSWORD_AUTH: tokens issued$`),
		regexp.MustCompile(`cognito-idp InitiateAuth client/1example23456789 principal=demo DENY NotAuthorizedException: USER_PASSWORD_AUTH: Incorrect username or password\.$`),
		regexp.MustCompile(`sts AssumeRoleWithWebIdentity role/DemoRole principal="http://127\.0\.0\.1:\d+/oidc sub repo:octo-org/octo-repo:ref:refs/heads/main" DENY InvalidIdentityToken provider\.audience: .*another-audience`),
		regexp.MustCompile(`sts AssumeRoleWithWebIdentity role/TestRole principal="http://127\.0\.0\.1:\d+/us-east-1_EXAMPLE sub [0-9a-f-]+" ALLOW session arn:aws:sts::123456789012:assumed-role/TestRole/newline; the token came with a trailing newline, read without it \(whether STS trims it is not documented\)$`),
	}
	if len(lines) != len(want) {
		t.Fatalf("--log wrote %d lines; want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		if !w.MatchString(lines[i]) {
			t.Errorf("log line %d = %q; want it to match %s", i, lines[i], w)
		}
	}
	for _, secret := range []string{ststest.DefaultPassword, "wrong-password", idToken} {
		if strings.Contains(e.stderr.String(), secret) {
			t.Errorf("standard error shows a secret (%.20s…)", secret)
		}
	}
}

// TestEmulatorAddr: a fixed --addr is the URL; an address beyond loopback is taken with a
// warning, and its URL names 127.0.0.1 for this machine's clients.
func TestEmulatorAddr(t *testing.T) {
	addr := freeAddr(t)
	e := startEmulator(t, nil, "emulator", "--addr", addr)
	if e.url != "http://"+addr || strings.Contains(e.stderr.String(), "warning") {
		t.Errorf("--addr %s: URL %q, stderr %q; want http://%s and no warning", addr, e.url, e.stderr, addr)
	}
	e.stop()
	e = startEmulator(t, nil, "emulator", "--addr", "0.0.0.0:0")
	if !strings.HasPrefix(e.url, "http://127.0.0.1:") {
		t.Errorf("--addr 0.0.0.0:0: URL %q; want http://127.0.0.1:PORT", e.url)
	}
	if errText := e.stderr.String(); !strings.Contains(errText, "rawsts: warning: --addr 0.0.0.0:0 listens beyond this machine") ||
		!strings.Contains(errText, "not a security boundary") || !strings.Contains(errText, "add --tls") {
		t.Errorf("--addr 0.0.0.0:0: stderr %q; want the warnings", errText)
	}
}

// TestEmulatorUI: with --ui the emulator exports RAWSTS_UI_URL, the page at it draws the
// requests sent to the emulator (its API, with the URL's session key), and refuses a request
// without the key or for another Host. Standard error names the page but never its key.
func TestEmulatorUI(t *testing.T) {
	e := startEmulator(t, nil, "emulator", "--ui", "--token-file", filepath.Join(t.TempDir(), "token"))
	env := exportsOfRun(t, e.stdout.String())
	page := env["RAWSTS_UI_URL"]
	base, key, ok := strings.Cut(page, "/?key=")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") || len(key) < 40 {
		t.Fatalf("RAWSTS_UI_URL = %q; want http://127.0.0.1:PORT/?key=KEY", page)
	}
	if strings.Contains(e.stderr.String(), key) || !strings.Contains(e.stderr.String(), base+"/  (--ui: the live view") {
		t.Errorf("standard error shows the key, or not the page:\n%s", e.stderr)
	}
	if code := aliceCall(t, e.url, "ec2", "Action=DescribeInstances&Version=2016-11-15"); code != http.StatusOK {
		t.Fatalf("EC2 DescribeInstances with Alice's key = %d; want 200", code)
	}
	get := func(host, key string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/flow/steps", nil)
		if host != "" {
			req.Host = host
		}
		if key != "" {
			req.Header.Set("X-Rawsts-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("", key); code != 200 || !strings.Contains(body, `"operation":"DescribeInstances"`) || !strings.Contains(body, `"decision":"allow"`) {
		t.Errorf("GET /api/flow/steps = %d %s; want the DescribeInstances arrow", code, body)
	}
	if code, _ := get("", ""); code != http.StatusForbidden {
		t.Errorf("GET /api/flow/steps without the key = %d; want 403", code)
	}
	if code, _ := get("rebind.example:80", key); code != http.StatusForbidden {
		t.Errorf("GET /api/flow/steps for another Host = %d; want 403", code)
	}
}

// aliceCall sends a call signed with the default account's IAM user key to the emulator and
// returns its status.
func aliceCall(t *testing.T, endpoint, service, form string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	(&sigv4.Signer{}).SignHTTP(req, sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey},
		sigv4.HashPayload([]byte(form)), service, "us-east-1", fixedNow)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
