package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
)

// fakeStty records the stty calls and plays a terminal whose echo is on at first.
type fakeStty struct {
	mu    sync.Mutex
	calls []string
	echo  bool
	fail  string // an argument whose call fails
}

func newFakeStty() *fakeStty { return &fakeStty{echo: true} }

func (f *fakeStty) run(args ...string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := strings.Join(args, " ")
	f.calls = append(f.calls, a)
	if a == f.fail {
		return "", errors.New("stty failed")
	}
	switch a {
	case "-g":
		return "saved:settings\n", nil
	case "-echo":
		f.echo = false
	case "saved:settings", "echo":
		f.echo = true
	}
	return "", nil
}

func (f *fakeStty) state() (bool, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.echo, strings.Join(f.calls, "|")
}

func TestReadSecretRestoresEcho(t *testing.T) {
	blocked, _ := io.Pipe() // a terminal nobody types on
	for _, tt := range []struct {
		name    string
		in      io.Reader
		cancel  bool
		want    string
		wantErr error
	}{
		{"answer", strings.NewReader("s3cret\n"), false, "s3cret", nil},
		{"answer without newline", strings.NewReader("s3cret"), false, "s3cret", nil},
		{"end of input", strings.NewReader(""), false, "", errNoAnswer},
		{"ctrl-c", blocked, true, "", context.Canceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stty := newFakeStty()
			var out bytes.Buffer
			term := &terminal{in: bufio.NewReader(tt.in), out: &out, stty: stty.run}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				go func() {
					for { // cancel once echo is off, as a user pressing Ctrl-C at the prompt
						if echo, _ := stty.state(); !echo {
							cancel()
							return
						}
						time.Sleep(time.Millisecond)
					}
				}()
			}
			got, err := term.readSecret(ctx, "Password: ")
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("readSecret = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
			echo, calls := stty.state()
			if !echo || calls != "-g|-echo|saved:settings" {
				t.Errorf("stty calls %q, echo on %v; want -g|-echo|saved:settings and echo on", calls, echo)
			}
			if !strings.HasPrefix(out.String(), "Password: ") || strings.Contains(out.String(), "s3cret") {
				t.Errorf("stderr = %q; want the prompt and never the answer", out.String())
			}
		})
	}
}

func TestReadSecretWithoutStty(t *testing.T) {
	for _, tt := range []struct {
		name string
		stty func() sttyFunc
		want string
	}{
		{"no stty", func() sttyFunc { return nil }, "no stty program"},
		{"stty -g fails", func() sttyFunc { f := newFakeStty(); f.fail = "-g"; return f.run }, "cannot read the terminal settings"},
		{"stty -echo fails", func() sttyFunc { f := newFakeStty(); f.fail = "-echo"; return f.run }, "cannot turn echo off"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			term := &terminal{in: bufio.NewReader(strings.NewReader("typed\n")), out: &out, stty: tt.stty()}
			got, err := term.readSecret(context.Background(), "Password: ")
			if got != "typed" || err != nil {
				t.Errorf("readSecret = %q, %v; want %q, nil", got, err, "typed")
			}
			if !strings.HasPrefix(out.String(), "rawsts: warning: ") || !strings.Contains(out.String(), tt.want) || !strings.Contains(out.String(), "visible") {
				t.Errorf("stderr = %q; want a warning that the answer will be visible (%s)", out.String(), tt.want)
			}
		})
	}
}

// TestCognitoLoginOnTerminal runs a login whose password and MFA code are typed at prompts.
func TestCognitoLoginOnTerminal(t *testing.T) {
	for _, tt := range []struct {
		fixture string
		typed   string
		prompts []string
	}{
		{"password-success", "Qwerty1!\n", []string{"Password for john.doe: "}},
		{"software-token-mfa", "Qwerty1!\n123456\n", []string{"Password for john.doe: ", "SOFTWARE_TOKEN_MFA code: "}},
		{"new-password-required", "Qwerty1!\nCorrect-Horse-9\nCorrect-Horse-9\nJohn Doe\n",
			[]string{"Password for john.doe: ", "New password: ", "Retype new password: ", "Required attribute name: "}},
		{"select-mfa-type", "Qwerty1!\nSOFTWARE_TOKEN_MFA\n123456\n", []string{"MFA type (SMS_MFA, SOFTWARE_TOKEN_MFA): ", "SOFTWARE_TOKEN_MFA code: "}},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			stty := newFakeStty()
			c := cognitoFixture(t, tt.fixture)
			run := cognitoRun{stdin: tt.typed, terminal: true, rt: fixture.NewTransport(t, c), deps: cognitoDeps{stty: stty.run}}
			r := run.run(t, append(append([]string{}, fxLogin...), "--flow", "password", "--username", "john.doe")...)
			if r.code != exitOK || r.stdout != lastIDToken(t, c)+"\n" {
				t.Fatalf("exit %d, stderr %q; want 0 and the ID token", r.code, r.stderr)
			}
			for _, p := range tt.prompts {
				if !strings.Contains(r.stderr, p) {
					t.Errorf("stderr = %q; want the prompt %q", r.stderr, p)
				}
			}
			for _, secret := range []string{"Qwerty1!", "Correct-Horse-9", "123456"} {
				if strings.Contains(r.stderr, secret) {
					t.Errorf("stderr shows %q", secret)
				}
			}
			if echo, calls := stty.state(); !echo || strings.Count(calls, "-echo") != strings.Count(calls, "saved:settings") {
				t.Errorf("stty calls %q, echo on %v; want every -echo undone", calls, echo)
			}
		})
	}
}
