package main

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// runCLINow runs rawsts in-process on the wall clock, with no cache folder.
func runCLINow(t *testing.T, env map[string]string, stdin string, args ...string) cliRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	s := &streams{stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] },
		now: time.Now, userCacheDir: func() (string, error) { return "", errors.New("no cache in this test") }}
	code := run(context.Background(), args, s)
	return cliRun{stdout.String(), stderr.String(), code}
}

// TestInteropEKSTokenMatchesAWSCLI (issue 13's done-when): for the same credentials and (to the
// second) the same clock, `rawsts eks token` and `aws eks get-token` print the same
// ExecCredential around tokens of the same structure — host, path, the same query parameters
// with the same Action, Version, algorithm, X-Amz-Expires, X-Amz-SignedHeaders and credential
// scope, X-Amz-Date within the run — and both tokens verify with `rawsts eks verify` against
// the emulator, which knows the keys. The AWS CLI has no fixed-time option, so the signatures
// themselves are compared through the emulator, not as bytes; the eks package's golden test
// pins them to PROTOCOL.md's vector.
func TestInteropEKSTokenMatchesAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	srv := ststest.NewServer()
	t.Cleanup(srv.Close)
	alice := aliceEnv(nil)
	// Temporary credentials too, so that X-Amz-Security-Token is compared: a session of Alice's.
	st, err := (&sts.Client{Endpoint: srv.URL, Credentials: &exampleAlice, MaxAttempts: 1}).GetSessionToken(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	session := aliceEnv(map[string]string{"AWS_ACCESS_KEY_ID": st.Credentials.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": st.Credentials.SecretAccessKey, "AWS_SESSION_TOKEN": st.Credentials.SessionToken})
	for _, tt := range []struct {
		name   string
		env    map[string]string
		region []string
		host   string
	}{
		{"regional", alice, []string{"--region", "us-east-1"}, "sts.us-east-1.amazonaws.com"},
		{"no region", alice, nil, "sts.amazonaws.com"},
		{"eu-west-1 with a session token", session, []string{"--region", "eu-west-1"}, "sts.eu-west-1.amazonaws.com"},
		{"apiVersion v1 from KUBERNETES_EXEC_INFO", merge(alice, map[string]string{"KUBERNETES_EXEC_INFO": `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`}),
			[]string{"--region", "us-east-1"}, "sts.us-east-1.amazonaws.com"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each aws run spends seconds starting Python
			before := time.Now().UTC().Truncate(time.Second)
			cmd := exec.Command(aws, append([]string{"eks", "get-token", "--cluster-name", "demo"}, tt.region...)...)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true"}
			for k, v := range tt.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("aws eks get-token: %v\n%s", err, stderr.String())
			}
			r := runCLINow(t, tt.env, "", append([]string{"eks", "token", "--cluster-name", "demo"}, tt.region...)...)
			after := time.Now().UTC()
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("rawsts eks token: exit %d, stderr %q", r.code, r.stderr)
			}
			awsEC, awsURL := execCredential(t, string(want))
			ourEC, ourURL := execCredential(t, r.stdout)
			// The same document around the token and the expiry, byte for byte.
			blank := func(doc string, ec string, exp string) string {
				return strings.Replace(strings.Replace(doc, ec, "TOKEN", 1), exp, "EXPIRY", 1)
			}
			if a, o := blank(string(want), awsEC.Status.Token, awsEC.Status.ExpirationTimestamp), blank(r.stdout, ourEC.Status.Token, ourEC.Status.ExpirationTimestamp); a != o {
				t.Errorf("the ExecCredential differs around the token:\n--- aws\n%s--- rawsts\n%s", a, o)
			}
			a, o := tokenShape(t, awsURL, before, after), tokenShape(t, ourURL, before, after)
			if a != o {
				t.Errorf("token structure differs:\n--- aws\n%s\n--- rawsts\n%s", a, o)
			}
			if !strings.Contains(o, "host "+tt.host+"\n") {
				t.Errorf("rawsts's token:\n%s\nwant host %s", o, tt.host)
			}
			// Both verify against the emulator, as a cluster would (the emulator knows the keys).
			for who, token := range map[string]string{"aws": awsEC.Status.Token, "rawsts": ourEC.Status.Token} {
				v := runCLINow(t, nil, "", "eks", "verify", "--cluster-name", "demo", "--endpoint", srv.URL, "--output", "json", token)
				if v.code != exitOK || !strings.Contains(v.stdout, `"Arn": "`+ststest.UserArn+`"`) {
					t.Errorf("rawsts eks verify (%s's token): exit %d\nstdout:\n%s\nstderr:\n%s", who, v.code, v.stdout, v.stderr)
				}
			}
		})
	}
}

// tokenShape renders what must agree between two tokens made for the same credentials within
// [before, after]: everything but the signature and the exact second.
func tokenShape(t *testing.T, raw string, before, after time.Time) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("token URL %q: %v", raw, err)
	}
	q := u.Query()
	var names []string
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	date, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil || date.Before(before) || date.After(after) {
		t.Errorf("X-Amz-Date %s is not within the run (%s .. %s)", q.Get("X-Amz-Date"), before, after)
	}
	scope := strings.SplitN(q.Get("X-Amz-Credential"), "/", 3)
	if len(scope) != 3 || scope[1] != date.Format("20060102") || len(q.Get("X-Amz-Signature")) != 64 {
		t.Errorf("X-Amz-Credential %q or X-Amz-Signature of %d characters is not SigV4's", q.Get("X-Amz-Credential"), len(q.Get("X-Amz-Signature")))
	}
	var b strings.Builder
	for _, line := range [][2]string{
		{"scheme", u.Scheme}, {"host", u.Host}, {"path", u.Path},
		{"parameters", strings.Join(names, " ")},
		{"Action", q.Get("Action")}, {"Version", q.Get("Version")}, {"X-Amz-Algorithm", q.Get("X-Amz-Algorithm")},
		{"X-Amz-Expires", q.Get("X-Amz-Expires")}, {"X-Amz-SignedHeaders", q.Get("X-Amz-SignedHeaders")},
		{"credential", scope[0] + " " + strings.Join(scope[2:], "")}, {"session token", q.Get("X-Amz-Security-Token")},
	} {
		b.WriteString(line[0] + " " + line[1] + "\n")
	}
	return b.String()
}

// exampleAlice is the emulator's IAM user's key (AWS's documented EXAMPLE key).
var exampleAlice = sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}
