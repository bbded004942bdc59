package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// refuseAll is a network that is never reached: every request fails at once.
type refuseAll struct{}

func (refuseAll) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("test network: refused")
}

// TestOddArgumentsNeverPanic throws odd values at every flag-shaped place of every command: each
// run must end with a documented exit code, a "rawsts: " diagnostic when it fails, and no panic.
// The network refuses everything, so nothing leaves the test.
func TestOddArgumentsNeverPanic(t *testing.T) {
	odd := []string{
		"", "-", "--", "\x00", "\xff\xfe", strings.Repeat("A", 100000), "=", "@", "@/nonexistent/file",
		"http://%zz", "ftp://example.com", "http://10.0.0.1/", "99999999999999999999999", "-1", "0",
		"arn:aws:iam::123456789012:role/", "eyJ.eyJ.", "..", "{\"value\":1}", "a b\nc",
	}
	flags := []string{"--role-arn", "--web-identity-token", "--endpoint", "--region", "--duration-seconds",
		"--output", "--policy", "--pool-id", "--username", "--trust-policy", "--file", "--at", "--time", "--host"}
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_MAX_ATTEMPTS": "1"}
	names := []string{}
	for _, c := range commands() {
		if c.name != "emulator" && c.name != "ui" { // they serve until interrupted
			names = append(names, c.name)
		}
	}
	names = append(names, "cognito login", "cognito assume")
	runs := 0
	for _, name := range names {
		for _, v := range odd {
			for _, args := range [][]string{
				append(strings.Fields(name), v),
				append(strings.Fields(name), flags[len(v)%len(flags)], v),
				append(strings.Fields(name), flags[(len(v)+7)%len(flags)]+"="+v, "--web-identity-token", v),
			} {
				var stdout, stderr bytes.Buffer
				s := &streams{stdin: strings.NewReader(v), stdout: &stdout, stderr: &stderr,
					getenv: func(k string) string { return env[k] }, now: func() time.Time { return fixedNow },
					transport: refuseAll{}}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				code := run(ctx, args, s)
				cancel()
				runs++
				if code < exitOK || code > exitTransport {
					t.Errorf("rawsts %q: exit %d; want 0–3", args, code)
				}
				if code != exitOK && stderr.Len() > 0 && !strings.HasPrefix(stderr.String(), "rawsts") {
					t.Errorf("rawsts %q: stderr %q does not start with rawsts", args, firstLine(stderr.String()))
				}
			}
		}
	}
	t.Logf("%d runs", runs)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
