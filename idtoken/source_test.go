package idtoken

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/bounded"
)

// jwt is a token-shaped test value (header {"alg":"RS256"}, claims {}), not a real token.
const jwt = "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl"

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestStaticAndEnv(t *testing.T) {
	ctx := context.Background()
	if got, err := Static("  " + jwt + "\n").Token(ctx); err != nil || got != jwt {
		t.Errorf("Static(jwt).Token = %q, %v; want %q trimmed", got, err, jwt)
	}
	if _, err := Static(" \n").Token(ctx); !errors.Is(err, ErrNoToken) {
		t.Errorf("Static(blank).Token = %v; want ErrNoToken", err)
	}
	env := map[string]string{"TOK": jwt + "\n"}
	src := Env(envOf(env), "TOK")
	if got, err := src.Token(ctx); err != nil || got != jwt {
		t.Errorf("Env(TOK).Token = %q, %v; want %q", got, err, jwt)
	}
	env["TOK"] = "changed"
	if got, _ := src.Token(ctx); got != "changed" {
		t.Errorf("Env(TOK).Token after a change = %q; want the variable read again", got)
	}
	_, err := Env(envOf(nil), "TOK").Token(ctx)
	if !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "TOK is not set") {
		t.Errorf("Env(unset).Token = %v; want ErrNoToken naming TOK", err)
	}
}

func TestFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	src := File(path)

	_, err := src.Token(ctx)
	if !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), path) {
		t.Fatalf("File(missing).Token = %v; want ErrNoToken naming the file", err)
	}
	for i, content := range []string{jwt + "\n", "eyJrotated.e30.c2ln"} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := src.Token(ctx)
		if err != nil || got != strings.TrimSpace(content) {
			t.Fatalf("File.Token (write %d) = %q, %v; want %q: the file is read at every call, trimmed", i, got, err, strings.TrimSpace(content))
		}
	}
	os.WriteFile(path, []byte("\n \n"), 0o600)
	if _, err := src.Token(ctx); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("File(blank).Token = %v; want an error saying it is empty", err)
	}
	os.WriteFile(path, []byte(strings.Repeat("x", MaxTokenSize+1)), 0o600)
	var tooLarge *bounded.TooLargeError
	if _, err := src.Token(ctx); !errors.As(err, &tooLarge) || !strings.Contains(err.Error(), "64 KiB") {
		t.Errorf("File(too large).Token = %v; want a TooLargeError at 64 KiB", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := File("/dev/zero").Token(ctx); !errors.As(err, &tooLarge) {
			t.Errorf("File(/dev/zero).Token = %v; want a TooLargeError", err)
		}
	}
}

// helperArgs re-runs this test binary as a small token program whose behaviour mode picks.
func helperArgs(t *testing.T) []string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return []string{exe, "-test.run=^TestHelperProcess$"}
}

// TestHelperProcess is not a test: it is the token program the Command tests run.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv("IDTOKEN_HELPER") {
	case "":
		return
	case "print":
		os.Stdout.WriteString(jwt + "\n")
	case "args":
		os.Stdout.WriteString(strings.Join(os.Args[2:], ","))
	case "silent":
	case "fail":
		os.Stderr.WriteString("cannot mint: previous token " + jwt + " expired\n")
		os.Exit(2)
	}
	os.Exit(0)
}

func TestCommand(t *testing.T) {
	ctx := context.Background()
	run := func(mode string, extra ...string) (string, error) {
		c := &Command{Args: append(helperArgs(t), extra...), Env: append(os.Environ(), "IDTOKEN_HELPER="+mode)}
		return c.Token(ctx)
	}
	if got, err := run("print"); err != nil || got != jwt {
		t.Errorf("Command(print).Token = %q, %v; want %q", got, err, jwt)
	}
	// Arguments reach the program as they are: no shell expands them.
	if got, err := run("args", "$HOME", "a b", "*"); err != nil || got != "$HOME,a b,*" {
		t.Errorf("Command(args).Token = %q, %v; want the arguments untouched", got, err)
	}
	if _, err := run("silent"); err == nil || !strings.Contains(err.Error(), "printed no token") {
		t.Errorf("Command(silent).Token = %v; want an error saying it printed nothing", err)
	}
	_, err := run("fail")
	if err == nil || !strings.Contains(err.Error(), "exited with status 2") || !strings.Contains(err.Error(), "cannot mint") || strings.Contains(err.Error(), jwt) {
		t.Errorf("Command(fail).Token = %v; want the status and the stderr quoted without the token", err)
	}
	if _, err := (&Command{}).Token(ctx); err == nil {
		t.Errorf("Command{}.Token = nil error; want one")
	}
}
