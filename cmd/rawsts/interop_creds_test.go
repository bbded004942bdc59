package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

// buildRawsts builds the rawsts binary once per test run, for the tests where another program
// (the AWS CLI's credential_process) runs it.
var buildRawsts = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "rawsts-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "rawsts")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &buildError{out: string(out), err: err}
	}
	return bin, nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// awsEnv is a clean environment for the AWS CLI: no profile, no keys, no instance metadata,
// no pager.
func awsEnv(home string, extra ...string) []string {
	return append([]string{"PATH=/usr/bin:/bin", "HOME=" + home, "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_REGION=us-east-1"}, extra...)
}

// TestInteropCredentialProcessCache: the AWS CLI v2 uses rawsts as its credential_process
// against the emulator; two `aws sts get-caller-identity` calls make ONE
// AssumeRoleWithWebIdentity at the server (the second credentials come from rawsts's cache),
// the cache file is private and holds no token, and --no-cache asks STS each time.
func TestInteropCredentialProcessCache(t *testing.T) {
	aws := awsCLI(t)
	bin, err := buildRawsts()
	if err != nil {
		t.Fatal(err)
	}
	srv, tokenFile := emulatorWithToken(t, nil)
	token, _ := os.ReadFile(tokenFile)
	home := t.TempDir()
	cacheHome := filepath.Join(home, "cache")
	config := filepath.Join(home, "config")
	line := bin + " assume --endpoint " + srv.URL + " --role-arn " + ststest.DemoRoleArn + " --role-session-name cli --web-identity-token-file " + tokenFile + " --output credential-process"
	writeFile(t, config, "[profile cached]\ncredential_process = "+line+"\n\n[profile uncached]\ncredential_process = "+line+" --no-cache\n")

	callAWS := func(profile string) {
		t.Helper()
		cmd := exec.Command(aws, "sts", "get-caller-identity", "--endpoint-url", srv.URL, "--output", "json")
		cmd.Env = awsEnv(home, "AWS_CONFIG_FILE="+config, "AWS_PROFILE="+profile, "XDG_CACHE_HOME="+cacheHome)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws sts get-caller-identity (profile %s): %v\n%s", profile, err, stderr.String())
		}
		var who struct{ Arn string }
		if json.Unmarshal(out, &who) != nil || !strings.Contains(who.Arn, "assumed-role/DemoRole/cli") {
			t.Fatalf("aws sts get-caller-identity printed %s", out)
		}
	}
	callAWS("cached")
	callAWS("cached")
	if n := countActions(srv, "AssumeRoleWithWebIdentity"); n != 1 {
		t.Errorf("two aws calls made %d AssumeRoleWithWebIdentity at the emulator; want 1", n)
	}
	if n := countActions(srv, "GetCallerIdentity"); n != 2 {
		t.Errorf("GetCallerIdentity calls = %d; want 2", n)
	}
	files, _ := filepath.Glob(filepath.Join(cacheHome, "rawsts", "credentials", "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v; want one", files)
	}
	fi, _ := os.Stat(files[0])
	b, _ := os.ReadFile(files[0])
	if fi.Mode().Perm() != 0o600 || bytes.Contains(b, bytes.TrimSpace(token)) {
		t.Errorf("cache file mode %v, holds the token: %v; want 0600 and no token", fi.Mode().Perm(), bytes.Contains(b, bytes.TrimSpace(token)))
	}

	callAWS("uncached")
	callAWS("uncached")
	if n := countActions(srv, "AssumeRoleWithWebIdentity"); n != 3 {
		t.Errorf("after two --no-cache calls: %d AssumeRoleWithWebIdentity; want 3", n)
	}
}

// TestInteropExec: the AWS CLI v2 run by `rawsts exec` uses the credentials of its
// environment, and under --server those of the container credentials endpoint (it has no
// keys in its environment then).
func TestInteropExec(t *testing.T) {
	aws := awsCLI(t)
	srv, tokenFile := emulatorWithToken(t, nil)
	home := t.TempDir()
	for _, mode := range [][]string{nil, {"--server"}} {
		t.Run(strings.Join(append([]string{"exec"}, mode...), " "), func(t *testing.T) {
			env := map[string]string{}
			for _, kv := range awsEnv(home, "AWS_CONFIG_FILE=/dev/null", "AWS_PROFILE=shadowed") {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
			var stdout, stderr bytes.Buffer
			s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] },
				now: time.Now, environ: func() []string { return awsEnv(home, "AWS_CONFIG_FILE=/dev/null", "AWS_PROFILE=shadowed") }}
			args := append([]string{"exec", "--endpoint", srv.URL, "--role-arn", ststest.DemoRoleArn, "--role-session-name", "exec",
				"--web-identity-token-file", tokenFile}, mode...)
			args = append(args, "--", aws, "sts", "get-caller-identity", "--endpoint-url", srv.URL, "--output", "json")
			code := run(context.Background(), args, s)
			var who struct{ Arn string }
			if code != 0 || json.Unmarshal(stdout.Bytes(), &who) != nil || !strings.HasSuffix(who.Arn, "assumed-role/DemoRole/exec") {
				t.Errorf("rawsts %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, stdout.String(), stderr.String())
			}
		})
	}
}
