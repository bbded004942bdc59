package idtoken

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/process"
)

// Command gets a token from a program's standard output, run at every call without a shell:
// Args[0] is looked up in PATH and receives Args[1:] as they are (no $VARIABLES, globs or
// pipes; run "sh", "-c", "…" for those). Standard output is read through [MaxTokenSize] and
// trimmed; the program gets no standard input unless Stdin says otherwise, and has Timeout to
// finish. Its standard error, when the program fails, is quoted in the error on one line,
// JWT-shaped text removed.
type Command struct {
	// Args is the program and its arguments. Required.
	Args []string
	// Dir is the working directory; "" means the caller's.
	Dir string
	// Env is the program's environment; nil means the caller's.
	Env []string
	// Stdin is the program's standard input; nil means none.
	Stdin io.Reader
	// Stderr receives the program's standard error (a prompt, a login URL); nil means it is
	// kept to quote in the error when the program fails.
	Stderr io.Writer
	// Timeout bounds one run; 0 means a minute.
	Timeout time.Duration
}

// Token runs the program and returns what it printed. Errors: a program that could not
// start, exited with a failure status, printed nothing, printed more than MaxTokenSize or
// ran out of time (then it is killed); each names the program.
func (c *Command) Token(ctx context.Context) (string, error) {
	name := "token command"
	if len(c.Args) > 0 {
		name = "token command " + c.Args[0]
	}
	out, err := process.Run(ctx, process.Spec{Name: name, Args: c.Args, Dir: c.Dir, Env: c.Env,
		Stdin: c.Stdin, Stderr: c.Stderr, Timeout: c.Timeout, MaxOutput: MaxTokenSize})
	if err != nil {
		return "", fmt.Errorf("idtoken: %w", err)
	}
	t := strings.TrimSpace(string(out))
	if t == "" {
		return "", fmt.Errorf("idtoken: %s printed no token", name)
	}
	return t, nil
}
