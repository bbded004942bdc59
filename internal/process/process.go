package process

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
)

// DefaultTimeout bounds one run when the caller sets no timeout: a minute, as the AWS SDK for
// Go v2 allows a credential_process.
const DefaultTimeout = time.Minute

// waitDelay is how long Run waits, once the program has exited or been killed, for children
// that still hold its standard output or standard error open.
const waitDelay = 2 * time.Second

// stderrKept is how much of the program's standard error Run keeps for its error message.
const stderrKept = 4 << 10

// quoteLen is how much of that standard error the message quotes.
const quoteLen = 300

// Spec says what to run and how.
type Spec struct {
	// Name names the program in messages, e.g. "credential_process of profile [ci]".
	Name string
	// Args is the program and its arguments; Args[0] is looked up in PATH. No shell runs.
	Args []string
	// Dir is the working directory; "" means the caller's.
	Dir string
	// Env is the program's environment; nil means the caller's.
	Env []string
	// Stdin is the program's standard input; nil means none (the null device).
	Stdin io.Reader
	// Stderr receives the program's standard error; nil means Run keeps its first 4 KiB to
	// quote, scrubbed, when the program fails.
	Stderr io.Writer
	// Timeout bounds the run; 0 or less means DefaultTimeout. The context's deadline, when
	// sooner, wins.
	Timeout time.Duration
	// MaxOutput bounds standard output, in bytes; more is a *bounded.TooLargeError and the
	// program is killed.
	MaxOutput int64
}

// ExitError is a program that ran and failed: it exited with a status other than 0 or was
// killed by a signal.
type ExitError struct {
	// Name is Spec.Name.
	Name string
	// Code is the exit status; -1 when a signal ended the program.
	Code int
	// Stderr is the start of the program's standard error on one line, control characters
	// escaped, anything shaped like a JWT and the secrets Run was told of removed; "" when
	// Spec.Stderr took it or there was none.
	Stderr string
}

// Error says how the program ended and quotes its standard error.
func (e *ExitError) Error() string {
	how := fmt.Sprintf("exited with status %d", e.Code)
	if e.Code < 0 {
		how = "was killed by a signal"
	}
	if e.Stderr == "" {
		return e.Name + " " + how
	}
	return e.Name + " " + how + ": " + e.Stderr
}

// TimeoutError is a program that did not finish in time and was killed.
type TimeoutError struct {
	// Name is Spec.Name.
	Name string
	// Limit is the timeout; 0 when the context's deadline ended it.
	Limit time.Duration
}

// Error names the program and the limit.
func (e *TimeoutError) Error() string {
	if e.Limit > 0 {
		return fmt.Sprintf("%s did not finish within %s and was killed", e.Name, e.Limit)
	}
	return e.Name + " did not finish before the context's deadline and was killed"
}

// Unwrap makes errors.Is(err, context.DeadlineExceeded) hold.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// Run runs the program and returns its standard output. Errors: a *bounded.TooLargeError when
// the output passes MaxOutput (the program is killed); a [*TimeoutError]; an [*ExitError]; the
// context's error when it was cancelled; otherwise the error of starting the program (not
// found, not executable). secrets are removed from any quoted standard error.
func Run(ctx context.Context, s Spec, secrets ...string) ([]byte, error) {
	if len(s.Args) == 0 || s.Args[0] == "" {
		return nil, fmt.Errorf("%s: no program to run", s.Name)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, s.Args[0], s.Args[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdin = s.Dir, s.Env, s.Stdin
	cmd.WaitDelay = waitDelay
	out := &capped{max: s.MaxOutput, over: cancel}
	cmd.Stdout = out
	var errBuf *capped
	if s.Stderr != nil {
		cmd.Stderr = s.Stderr
	} else {
		errBuf = &capped{max: stderrKept, drop: true}
		cmd.Stderr = errBuf
	}
	err := cmd.Run()
	switch {
	case out.exceeded:
		return nil, &bounded.TooLargeError{Name: "the standard output of " + s.Name, Max: s.MaxOutput}
	case err == nil:
		return out.buf.Bytes(), nil
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("%s: %w", s.Name, ctx.Err())
	case runCtx.Err() != nil:
		limit := timeout
		if ctx.Err() != nil {
			limit = 0
		}
		return nil, &TimeoutError{Name: s.Name, Limit: limit}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		e := &ExitError{Name: s.Name, Code: exit.ExitCode()}
		if errBuf != nil {
			e.Stderr = quote(errBuf.buf.String(), secrets)
		}
		return nil, e
	}
	return nil, fmt.Errorf("%s: %w", s.Name, err)
}

// quote returns the start of a program's standard error fit for an error message: secrets
// and JWT-shaped text removed first, then cut, then put on one line.
func quote(stderr string, secrets []string) string {
	s := strings.TrimSpace(httpx.NewSecrets(secrets...).ScrubCut(stderr))
	if len(s) > quoteLen {
		s = s[:quoteLen] + "…"
	}
	return textsafe.OneLine(strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " | ")), " "))
}

// capped keeps what is written to it up to max bytes. Past max it either drops the rest
// (drop) or records that the limit was passed, calls over and fails the write, which ends
// the copy from the program.
type capped struct {
	buf      bytes.Buffer
	max      int64
	drop     bool
	exceeded bool
	over     func()
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - int64(c.buf.Len())
	if int64(len(p)) <= room {
		return c.buf.Write(p)
	}
	if c.drop {
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return len(p), nil
	}
	c.exceeded = true
	if c.over != nil {
		c.over()
	}
	return 0, errors.New("output over its limit")
}
