package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
)

// endlessCases are every read of local input rawsts makes, each given an input without end:
// file is the endless file (/dev/zero, or a FIFO whose writer never stops), stdin=true an
// endless standard input.
func endlessCases(t *testing.T, endpoint, file string) []struct {
	name  string
	env   map[string]string
	stdin bool
	args  []string
	limit string
} {
	token := mintRS256(t, map[string]any{"iss": endpoint, "sub": "x", "aud": "sts.amazonaws.com", "exp": fixedNow.Add(time.Hour).Unix()})
	creds := exampleEnv()
	fromFile := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": file}
	login := []string{"cognito", "login", "--endpoint", endpoint, "--pool-id", "us-east-1_EXAMPLE", "--client-id", "1example23456789", "--username", "demo"}
	return []struct {
		name  string
		env   map[string]string
		stdin bool
		args  []string
		limit string
	}{
		{"assume token file", nil, false, []string{"assume", "--endpoint", endpoint, "--role-arn", hostileRole, "--web-identity-token-file", file}, "64 KiB"},
		{"assume token stdin", nil, true, []string{"assume", "--endpoint", endpoint, "--role-arn", hostileRole, "--web-identity-token-file", "-"}, "64 KiB"},
		{"assume AWS_WEB_IDENTITY_TOKEN_FILE", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": file}, false, []string{"assume", "--endpoint", endpoint, "--role-arn", hostileRole}, "64 KiB"},
		{"assume --policy @FILE", nil, false, []string{"assume", "--endpoint", endpoint, "--role-arn", hostileRole, "--web-identity-token", token, "--policy", "@" + file}, "64 KiB"},
		{"assume-role --policy @FILE", creds, false, []string{"assume-role", "--endpoint", endpoint, "--role-arn", hostileRole, "--policy", "@" + file}, "64 KiB"},
		{"assume-role credentials file", fromFile, false, []string{"assume-role", "--endpoint", endpoint, "--role-arn", hostileRole}, "1 MiB"},
		{"assume-role --source-profile", fromFile, false, []string{"assume-role", "--endpoint", endpoint, "--role-arn", hostileRole, "--source-profile", "ci"}, "1 MiB"},
		{"cognito assume --policy @FILE", nil, false, []string{"cognito", "assume", "--endpoint", endpoint, "--pool-id", "us-east-1_EXAMPLE", "--client-id", "1example23456789", "--username", "demo", "--password-stdin", "--role-arn", hostileRole, "--policy", "@" + file}, "64 KiB"},
		{"cognito login --password-stdin", nil, true, append(login, "--password-stdin"), "64 KiB"},
		{"cognito login --refresh-token-file FILE", nil, false, append(login, "--refresh-token-file", file), "64 KiB"},
		{"cognito login --refresh-token-file -", nil, true, append(login, "--refresh-token-file", "-"), "64 KiB"},
		{"cognito login admin credentials file", fromFile, true, append(login, "--flow", "admin", "--password-stdin"), "1 MiB"},
		{"whoami credentials file", fromFile, false, []string{"whoami", "--endpoint", endpoint}, "1 MiB"},
		{"whoami --profile", fromFile, false, []string{"whoami", "--endpoint", endpoint, "--profile", "ci"}, "1 MiB"},
		{"decode-authorization-message -", creds, true, []string{"decode-authorization-message", "--endpoint", endpoint, "-"}, "64 KiB"},
		{"sign -d @FILE", creds, false, []string{"sign", "--service", "sts", "--region", "us-east-1", "-d", "@" + file, endpoint + "/"}, "1 MiB"},
		{"sign --data-binary @-", creds, true, []string{"sign", "--service", "sts", "--region", "us-east-1", "--data-binary", "@-", endpoint + "/"}, "1 MiB"},
		{"sign credentials file", fromFile, false, []string{"sign", "--service", "sts", "--region", "us-east-1", endpoint + "/"}, "1 MiB"},
		{"inspect --file", nil, false, []string{"inspect", "--file", file}, "64 KiB"},
		{"inspect -", nil, true, []string{"inspect", "-"}, "64 KiB"},
		{"inspect AWS_WEB_IDENTITY_TOKEN_FILE", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": file}, false, []string{"inspect"}, "64 KiB"},
		{"inspect --ca-file", nil, false, []string{"inspect", "--verify", "--ca-file", file, token}, "1 MiB"},
		{"thumbprint --ca-file", nil, false, []string{"thumbprint", "--ca-file", file, endpoint}, "1 MiB"},
		{"diagnose --file", nil, false, []string{"diagnose", "--file", file}, "64 KiB"},
		{"diagnose -", nil, true, []string{"diagnose", "-"}, "64 KiB"},
		{"diagnose --trust-policy", nil, false, []string{"diagnose", "--trust-policy", file, token}, "64 KiB"},
		{"diagnose --trust-policy -", nil, true, []string{"diagnose", "--trust-policy", "-", token}, "64 KiB"},
		{"diagnose --provider", nil, false, []string{"diagnose", "--provider", file, token}, "64 KiB"},
		{"diagnose --fetch credentials file", fromFile, false, []string{"diagnose", "--fetch", "--endpoint-iam", endpoint, "--role-arn", hostileRole, token}, "1 MiB"},
		{"lint-trust-policy FILE", nil, false, []string{"lint-trust-policy", file}, "64 KiB"},
		{"lint-trust-policy -", nil, true, []string{"lint-trust-policy", "-"}, "64 KiB"},
		{"eks verify -", nil, true, []string{"eks", "verify", "--cluster-name", "demo", "-"}, "64 KiB"},
		{"eks token credentials file", fromFile, false, []string{"eks", "token", "--cluster-name", "demo", "--endpoint", endpoint, "--no-cache"}, "1 MiB"},
		{"eks token --profile", fromFile, false, []string{"eks", "token", "--cluster-name", "demo", "--endpoint", endpoint, "--profile", "ci", "--no-cache"}, "1 MiB"},
		{"cognito identity --login -", nil, true, []string{"cognito", "identity", "--endpoint", endpoint, "--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "--login", "-"}, "64 KiB"},
		{"token --from file:", nil, false, []string{"token", "--from", "file:" + file}, "64 KiB"},
		{"token --from command:", nil, false, []string{"token", "--from", "command:cat " + file}, "64 KiB"},
		{"exec --web-identity-token-file", nil, false, []string{"exec", "--endpoint", endpoint, "--role-arn", hostileRole, "--web-identity-token-file", file, "--", "true"}, "64 KiB"},
		{"emulator --config", nil, false, []string{"emulator", "--addr", "127.0.0.1:0", "--config", file}, "8 MiB"},
		{"emulator --state", nil, false, []string{"emulator", "--addr", "127.0.0.1:0", "--state", file}, "8 MiB"},
	}
}

// TestEndlessInputsExitTwo: every file and standard input rawsts reads is read through a limit.
// /dev/zero and an endless standard input end in a clear error naming the input and the limit
// (exit 2: local input), with nothing sent — never in all the memory.
func TestEndlessInputsExitTwo(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	srv, dialled := countingServer(t)
	for _, tc := range endlessCases(t, srv.URL, "/dev/zero") {
		t.Run(tc.name, func(t *testing.T) {
			stdin := strings.NewReader("")
			r := runCLIStdin(t, tc.env, stdinOf(tc.stdin, stdin), nil, tc.args...)
			checkTooLarge(t, r, tc.limit)
		})
	}
	if n := dialled.Load(); n != 0 {
		t.Errorf("%d connections were opened; an input over its limit must stop the command before it sends anything", n)
	}
}

func stdinOf(endless bool, empty *strings.Reader) interface{ Read([]byte) (int, error) } {
	if endless {
		return fixture.Endless{}
	}
	return empty
}

func checkTooLarge(t *testing.T, r cliRun, limit string) {
	t.Helper()
	if r.code != exitUsage {
		t.Fatalf("exit %d; want %d\nstderr:\n%s", r.code, exitUsage, r.stderr)
	}
	if !strings.Contains(r.stderr, "larger than "+limit) {
		t.Errorf("stderr = %q; want it to say the input is larger than %s", r.stderr, limit)
	}
}

// TestInputsAtTheLimitAreRead: the limits refuse only what is over them; a token file of exactly
// 64 KiB is read (and then judged by STS's own rules, not refused as too large).
func TestInputsAtTheLimitAreRead(t *testing.T) {
	dir := t.TempDir()
	at, over := filepath.Join(dir, "at"), filepath.Join(dir, "over")
	writeFile(t, at, strings.Repeat("a", maxTokenFile))
	writeFile(t, over, strings.Repeat("a", maxTokenFile+1))
	if r := runCLI(t, nil, "", nil, "inspect", "--file", at); strings.Contains(r.stderr, "larger than") {
		t.Errorf("a token file of exactly %d bytes: stderr %q; want it read", maxTokenFile, r.stderr)
	}
	checkTooLarge(t, runCLI(t, nil, "", nil, "inspect", "--file", over), "64 KiB")
}
