package process

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rawsts/rawsts/internal/bounded"
)

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  ", nil},
		{"aws-vault export --format=json ci", []string{"aws-vault", "export", "--format=json", "ci"}},
		{`/opt/my tool/bin`, []string{"/opt/my", "tool/bin"}},
		{`"/opt/my tool/bin" --x`, []string{"/opt/my tool/bin", "--x"}},
		{`'a "b" \c'`, []string{`a "b" \c`}},
		{`"a \"b\" \c \\"`, []string{`a "b" \c \`}},
		{`a\ b c`, []string{"a b", "c"}},
		{`x'y'"z"`, []string{"xyz"}},
		{`''`, []string{""}},
		{`echo $HOME | jq ~ *`, []string{"echo", "$HOME", "|", "jq", "~", "*"}},
	} {
		got, err := Split(tt.in)
		if err != nil || !cmp.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{`'open`, `"open`, `"open\"`, `trailing\`} {
		if _, err := Split(in); !errors.Is(err, ErrUnterminatedQuote) {
			t.Errorf("Split(%q) = %v; want ErrUnterminatedQuote", in, err)
		}
	}
}

// helper re-runs this test binary as a small program whose behaviour the environment picks.
func helper(t *testing.T, mode string) Spec {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Spec{Name: "the helper", Args: []string{exe, "-test.run=^TestHelperProcess$"},
		Env: append(os.Environ(), "PROCESS_HELPER="+mode), MaxOutput: 64}
}

// TestHelperProcess is not a test: it is the program helper runs.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv("PROCESS_HELPER") {
	case "":
		return
	case "ok":
		os.Stdout.WriteString("eyJhbGciOiJSUzI1NiJ9.e30.sig\n")
	case "fail":
		os.Stderr.WriteString("error: token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln rejected\nsecond line with hunter22\x1b[31m\n")
		os.Exit(3)
	case "flood":
		b := bytes.Repeat([]byte("x"), 1<<10)
		for {
			os.Stdout.Write(b)
		}
	case "hang":
		time.Sleep(time.Hour)
	case "stdin":
		b := make([]byte, 100)
		n, _ := os.Stdin.Read(b)
		os.Stdout.Write(b[:n])
	}
	os.Exit(0)
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	out, err := Run(ctx, helper(t, "ok"))
	if err != nil || string(out) != "eyJhbGciOiJSUzI1NiJ9.e30.sig\n" {
		t.Fatalf("Run(ok) = %q, %v", out, err)
	}

	s := helper(t, "stdin")
	s.Stdin = strings.NewReader("from stdin")
	if out, err := Run(ctx, s); err != nil || string(out) != "from stdin" {
		t.Errorf("Run(stdin) = %q, %v", out, err)
	}

	_, err = Run(ctx, helper(t, "fail"), "hunter22")
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 3 {
		t.Fatalf("Run(fail) = %v; want an ExitError with status 3", err)
	}
	for _, leak := range []string{"eyJzdWIiOiJ4In0", "hunter22", "\x1b", "\n"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("Run(fail) error %q contains %q", err, leak)
		}
	}
	if !strings.Contains(err.Error(), "error: token <redacted") || !strings.Contains(err.Error(), `\x1b[31m`) {
		t.Errorf("Run(fail) error %q does not quote the scrubbed standard error", err)
	}

	var stderr bytes.Buffer
	s = helper(t, "fail")
	s.Stderr = &stderr
	_, err = Run(ctx, s)
	if !errors.As(err, &exit) || exit.Stderr != "" || !strings.Contains(stderr.String(), "second line") {
		t.Errorf("Run(fail, Stderr set) = %v, stderr %q; want the program's stderr passed through, none quoted", err, stderr.String())
	}

	_, err = Run(ctx, helper(t, "flood"))
	var tooLarge *bounded.TooLargeError
	if !errors.As(err, &tooLarge) || tooLarge.Max != 64 {
		t.Errorf("Run(flood) = %v; want a TooLargeError at 64 bytes", err)
	}

	s = helper(t, "hang")
	s.Timeout = 50 * time.Millisecond
	_, err = Run(ctx, s)
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || timeout.Limit != s.Timeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run(hang) = %v; want a TimeoutError at 50ms", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cancelled, helper(t, "hang")); !errors.Is(err, context.Canceled) {
		t.Errorf("Run(cancelled) = %v; want context.Canceled", err)
	}

	if _, err := Run(ctx, Spec{Name: "x", Args: []string{"/nonexistent/program"}}); err == nil || !strings.HasPrefix(err.Error(), "x: ") {
		t.Errorf("Run(missing program) = %v; want an error naming it", err)
	}
	if _, err := Run(ctx, Spec{Name: "x"}); err == nil {
		t.Errorf("Run(no args) = nil; want an error")
	}
}
