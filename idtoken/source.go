package idtoken

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/rawsts/rawsts/internal/bounded"
)

// Source returns an ID token. Each call gets a fresh one (reads the file again, asks the CI
// again) unless the source says otherwise; callers that want to reuse a token keep it
// themselves. A Source is safe for concurrent use.
type Source interface {
	// Token returns the token, trimmed, never empty when the error is nil.
	Token(ctx context.Context) (string, error)
}

// SourceFunc adapts a function to a [Source].
type SourceFunc func(ctx context.Context) (string, error)

// Token calls f.
func (f SourceFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// MaxTokenSize is the most read of a token from a file, a program or a reply: 64 KiB. STS
// takes at most 20000 characters; the rest leaves room for a CI service's JSON around one.
const MaxTokenSize = 64 << 10

// ErrNoToken is wrapped by the errors of a source that has nothing to give where it runs: a
// variable not set, a file that does not exist, no CI detected. The message says what to set.
var ErrNoToken = errors.New("idtoken: no token")

// noToken is an error that says what is missing and wraps ErrNoToken without repeating its
// text.
type noToken struct{ msg string }

func (e *noToken) Error() string        { return "idtoken: " + e.msg }
func (e *noToken) Is(target error) bool { return target == ErrNoToken }

func missing(format string, args ...any) error { return &noToken{msg: fmt.Sprintf(format, args...)} }

// Static returns a source that always returns token (trimmed), e.g. one given on a command
// line. An empty token is an error wrapping [ErrNoToken] at each call.
func Static(token string) Source {
	t := strings.TrimSpace(token)
	return SourceFunc(func(context.Context) (string, error) {
		if t == "" {
			return "", missing("the token given is empty")
		}
		return t, nil
	})
}

// File is a source that reads the file at its path at every call, through [MaxTokenSize]
// bytes, and trims it: Kubernetes and EKS rewrite a projected service-account token before it
// expires, so the file is never cached (the AWS SDKs also re-read it, but send its bytes
// untrimmed, and STS refuses a token with a trailing newline). A file that does not exist wraps [ErrNoToken]; an empty one, or
// one over the limit, is an error naming it. Use it as idtoken.File("/path/to/token").
type File string

// Token reads the file.
func (f File) Token(context.Context) (string, error) {
	path := string(f)
	b, err := bounded.ReadFile(path, MaxTokenSize)
	var tooLarge *bounded.TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return "", fmt.Errorf("idtoken: token file %w", err)
	case errors.Is(err, os.ErrNotExist):
		return "", missing("token file %s does not exist", path)
	case err != nil:
		return "", fmt.Errorf("idtoken: token file: %w", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("idtoken: token file %s is empty", path)
	}
	return t, nil
}

// Env returns a source that reads the variable name through getenv at every call. A variable
// not set, or blank, wraps [ErrNoToken].
func Env(getenv func(string) string, name string) Source {
	return SourceFunc(func(context.Context) (string, error) {
		t := strings.TrimSpace(getenv(name))
		if t == "" {
			return "", missing("%s is not set", name)
		}
		return t, nil
	})
}
