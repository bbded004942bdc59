package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rawsts/rawsts/ststest"
)

// emulatorNow is the clock of the end-to-end tests: after noon, so that SRP's 24-hour
// TIMESTAMP is exercised against the emulator's check.
var emulatorNow = time.Date(2024, 7, 10, 15, 1, 0, 0, time.UTC)

// emulatedKeyID and emulatedSecret match the session credentials the emulator issues.
var (
	emulatedKeyID  = regexp.MustCompile(`ASIA[A-Z2-7]{9}EXAMPLE`)
	emulatedSecret = regexp.MustCompile(`[A-Za-z0-9+/]{30}EXAMPLEKEY`)
)

func cognitoEmulator(t *testing.T) *ststest.Server {
	t.Helper()
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return emulatorNow }),
		ststest.WithCognitoUser(demoPoolID, demoClientID, "alice", "Correct-Horse-9", nil))
	t.Cleanup(srv.Close)
	return srv
}

func TestCognitoAssumeAgainstEmulator(t *testing.T) {
	srv := cognitoEmulator(t)
	for _, flow := range []string{"srp", "password"} {
		for _, output := range []string{"env", "json"} {
			t.Run(flow+"."+output, func(t *testing.T) {
				run := cognitoRun{stdin: "Correct-Horse-9\n", now: emulatorNow}
				r := run.run(t, "assume", "--endpoint", srv.URL, "--pool-id", demoPoolID, "--client-id", demoClientID,
					"--username", "alice", "--password-stdin", "--flow", flow, "--role-arn", "arn:aws:iam::123456789012:role/TestRole",
					"--role-session-name", "alice", "--output", output)
				if r.code != exitOK || r.stderr != "" {
					t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
				}
				// The emulator issues a fresh key per session, in the shape of AWS's EXAMPLE keys.
				for _, want := range []*regexp.Regexp{emulatedKeyID, emulatedSecret} {
					if !want.MatchString(r.stdout) {
						t.Errorf("stdout lacks a match for %s:\n%s", want, r.stdout)
					}
				}
				if output == "json" && !strings.Contains(r.stdout, `"Audience": "`+demoClientID+`"`) {
					t.Errorf("STS did not see the ID token (Audience is not the app client id):\n%s", r.stdout)
				}
			})
		}
	}
	r := cognitoRun{stdin: "wrong\n", now: emulatorNow}.run(t, "assume", "--endpoint", srv.URL, "--pool-id", demoPoolID,
		"--client-id", demoClientID, "--username", "alice", "--password-stdin", "--role-arn", "arn:aws:iam::123456789012:role/TestRole")
	if r.code != exitRefused || !strings.Contains(r.stderr, "rawsts: NotAuthorizedException: Incorrect username or password.") {
		t.Errorf("wrong password: exit %d, stderr %q; want 1 and NotAuthorizedException", r.code, r.stderr)
	}
}

// TestEmulatorCognitoPipe runs the README's walkthrough in-process: `rawsts emulator`, then
// `rawsts cognito login … | rawsts assume … --web-identity-token-file -`.
func TestEmulatorCognitoPipe(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan cliRun)
	go func() {
		var stdout, stderr bytes.Buffer
		s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			getenv: func(string) string { return "" }, now: time.Now}
		code := run(ctx, []string{"emulator", "--url-file", urlFile, "--cognito-user", "alice:Correct-Horse-9"}, s)
		done <- cliRun{stdout.String(), stderr.String(), code}
	}()
	var url string
	for i := 0; i < 500 && url == ""; i++ {
		b, _ := os.ReadFile(urlFile)
		url = strings.TrimSpace(string(b))
		time.Sleep(10 * time.Millisecond)
	}
	if url == "" {
		cancel()
		t.Fatalf("the emulator did not write its URL: %+v", <-done)
	}
	login := cognitoRun{stdin: "Correct-Horse-9\n", now: time.Now()}.run(t, "login", "--endpoint", url,
		"--pool-id", demoPoolID, "--client-id", demoClientID, "--username", "alice", "--password-stdin")
	if login.code != exitOK {
		cancel()
		t.Fatalf("cognito login: exit %d, stderr %q", login.code, login.stderr)
	}
	assume := runCLI(t, nil, login.stdout, nil, "assume", "--endpoint", url,
		"--role-arn", "arn:aws:iam::123456789012:role/TestRole", "--web-identity-token-file", "-")
	cancel()
	emu := <-done
	if assume.code != exitOK || !emulatedKeyID.MatchString(assume.stdout) {
		t.Errorf("assume: exit %d, stdout %q, stderr %q", assume.code, assume.stdout, assume.stderr)
	}
	// The first --cognito-user is the one exported (standard output's job); standard error,
	// the banner, never shows the password.
	for _, want := range []string{"export AWS_ENDPOINT_URL=" + url + "\n", "export RAWSTS_POOL_ID=" + demoPoolID + "\n",
		"export RAWSTS_CLIENT_ID=" + demoClientID + "\n", "export RAWSTS_USERNAME=alice\n", "export RAWSTS_PASSWORD=Correct-Horse-9\n"} {
		if !strings.Contains(emu.stdout, want) {
			t.Errorf("emulator output lacks %q:\n%s", want, emu.stdout)
		}
	}
	if !strings.Contains(emu.stderr, "user pool "+demoPoolID+", app client "+demoClientID) || strings.Contains(emu.stderr, "Correct-Horse-9") {
		t.Errorf("the banner should name the pool and client, never the password:\n%s", emu.stderr)
	}
}

// TestInteropCognitoAgainstEmulator checks the emulated pool and `rawsts cognito login` against
// the AWS CLI v2: its initiate-auth output has the shape rawsts --output json prints, and its
// own SigV4 signature of admin-initiate-auth passes the emulator's check.
func TestInteropCognitoAgainstEmulator(t *testing.T) {
	aws := awsCLI(t)
	srv := ststest.NewServer(ststest.WithCognitoUser(demoPoolID, demoClientID, "alice", "Correct-Horse-9", nil))
	defer srv.Close()
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	awsJSON := func(args ...string) any {
		t.Helper()
		cmd := exec.Command(aws, append([]string{"cognito-idp", "--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws cognito-idp %s: %v\n%s", args[0], err, stderr.String())
		}
		return blankTokens(t, out)
	}
	params := "USERNAME=alice,PASSWORD=Correct-Horse-9"
	want := awsJSON("initiate-auth", "--auth-flow", "USER_PASSWORD_AUTH", "--client-id", demoClientID, "--auth-parameters", params)
	admin := awsJSON("admin-initiate-auth", "--user-pool-id", demoPoolID, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH", "--client-id", demoClientID, "--auth-parameters", params)
	if diff := cmp.Diff(want, admin); diff != "" {
		t.Errorf("admin-initiate-auth and initiate-auth differ (-initiate +admin):\n%s", diff)
	}
	r := cognitoRun{stdin: "Correct-Horse-9\n", now: time.Now()}.run(t, "login", "--endpoint", srv.URL, "--pool-id", demoPoolID,
		"--client-id", demoClientID, "--username", "alice", "--password-stdin", "--output", "json")
	if r.code != exitOK {
		t.Fatalf("rawsts cognito login: exit %d, stderr %q", r.code, r.stderr)
	}
	if diff := cmp.Diff(want, blankTokens(t, []byte(r.stdout))); diff != "" {
		t.Errorf("rawsts --output json differs from aws cognito-idp initiate-auth (-aws +rawsts):\n%s", diff)
	}
}

// blankTokens decodes an InitiateAuth document and replaces each token (they differ on every
// login) by its kind.
func blankTokens(t *testing.T, doc []byte) any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	if r, ok := v["AuthenticationResult"].(map[string]any); ok {
		for _, k := range []string{"AccessToken", "IdToken", "RefreshToken"} {
			if _, ok := r[k]; ok {
				r[k] = "<" + k + ">"
			}
		}
	}
	return v
}
