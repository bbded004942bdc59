package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/internal/process"
)

// tokenKinds are the values of --from (token) and --token-from (assume, exec), each with what
// follows its colon, for messages and help.
var tokenKinds = []string{"github", "gitlab[:VARIABLE]", "circleci", "buildkite", "file[:PATH]", "env:VARIABLE", "command:LINE", "cognito", "auto"}

// tokenSource is a parsed --from KIND[:ARG]: the idtoken.Source it names, what to call it in
// messages, and identity, which tells apart the tokens two runs would get (the kind, its
// argument, the CI job), for the credential cache's key. identity never holds a secret.
type tokenSource struct {
	kind, arg   string
	src         idtoken.Source
	description string
	identity    string
	// secrets are what the source sends to get a token (GitHub's request token, Buildkite's
	// agent token): they join the command's secrets, hidden from stderr.
	secrets []string
}

// newTokenSource builds the source value names (flag is the flag it came from, for messages).
// audience is asked of the sources that take one (GitHub, Buildkite, auto's choice); hc sends
// their requests. cognito is not built here: it needs the login flags of `rawsts token`.
// Errors say what to set; they are usage errors (exit 2), nothing was sent.
func newTokenSource(s *streams, flag, value, audience string, hc *http.Client, timeout time.Duration) (*tokenSource, error) {
	kind, arg, hasArg := strings.Cut(value, ":")
	t := &tokenSource{kind: kind, arg: arg}
	noArg := func() error {
		if hasArg {
			return fmt.Errorf("%s %s takes nothing after the colon", flag, kind)
		}
		return nil
	}
	getenv := s.getenv
	switch kind {
	case "github", "buildkite", "auto": // they may ask a service for the token, through hc
		if _, err := s.caRoots(); err != nil {
			return nil, fmt.Errorf("%v (fix the file or unset %s)", err, envCABundle)
		}
	}
	switch kind {
	case "github":
		if err := noArg(); err != nil {
			return nil, err
		}
		g, err := idtoken.GitHubActionsFromEnv(getenv, audience)
		if err != nil {
			return nil, err
		}
		g.HTTPClient = hc
		t.src, t.description = g, "GitHub Actions (audience "+audience+")"
		t.fetched(g)
	case "gitlab":
		src, name, err := idtoken.GitLabFromEnv(getenv, arg, audience)
		if err != nil {
			return nil, err
		}
		t.src, t.description = src, "GitLab CI (the id_tokens variable "+name+")"
		t.identity = "gitlab\x00" + name + "\x00" + getenv("CI_JOB_ID")
	case "circleci":
		if err := noArg(); err != nil {
			return nil, err
		}
		src, name, err := idtoken.CircleCIFromEnv(getenv)
		if err != nil {
			return nil, err
		}
		t.src, t.description = src, "CircleCI ("+name+")"
		t.identity = "circleci\x00" + name + "\x00" + getenv("CIRCLE_WORKFLOW_JOB_ID") + "\x00" + getenv("CIRCLE_BUILD_NUM")
	case "buildkite":
		if err := noArg(); err != nil {
			return nil, err
		}
		b, err := idtoken.BuildkiteFromEnv(getenv, audience)
		if err != nil {
			return nil, err
		}
		b.HTTPClient = hc
		t.src, t.description = b, "Buildkite (job "+b.JobID+", audience "+audience+")"
		t.fetched(b)
	case "file":
		path := arg
		if path == "" {
			path = strings.TrimSpace(getenv("AWS_WEB_IDENTITY_TOKEN_FILE"))
		}
		if path == "" {
			return nil, fmt.Errorf("%s file needs a path: file:PATH, or set AWS_WEB_IDENTITY_TOKEN_FILE", flag)
		}
		t.src, t.description, t.identity = idtoken.File(path), "the file "+path, "file\x00"+path
	case "env":
		if arg == "" {
			return nil, fmt.Errorf("%s env needs the variable: env:NAME", flag)
		}
		t.src, t.description, t.identity = idtoken.Env(getenv, arg), "the variable "+arg, "env\x00"+arg
	case "command":
		words, err := process.Split(arg)
		if err != nil || len(words) == 0 {
			if err == nil {
				err = errors.New("no program")
			}
			return nil, fmt.Errorf("%s command:LINE: %v (want e.g. command:'vault read -field=token secret/ci')", flag, err)
		}
		t.src = &idtoken.Command{Args: words, Timeout: timeout}
		t.description, t.identity = "the program "+words[0], "command\x00"+arg
	case "auto":
		if err := noArg(); err != nil {
			return nil, err
		}
		src, desc, err := idtoken.Detect(getenv, audience, hc)
		if err != nil {
			return nil, err
		}
		t.src, t.description = src, desc
		t.identity = "auto\x00" + desc + "\x00" + getenv("CI_JOB_ID") + getenv("CIRCLE_WORKFLOW_JOB_ID")
		t.fetched(src)
	case "cognito":
		return nil, fmt.Errorf("%s cognito: use `rawsts cognito assume` (or `rawsts token --from cognito`), which take the user pool's login flags", flag)
	default:
		return nil, fmt.Errorf("%s %s: want one of %s", flag, describeArg(value), strings.Join(tokenKinds, ", "))
	}
	s.addSecrets(t.secrets...)
	return t, nil
}

// fetched sets the secrets and the identity of a source that asks a service for its token
// (GitHub Actions, Buildkite): the credential it sends, and the job it asks for.
func (t *tokenSource) fetched(src idtoken.Source) {
	switch v := src.(type) {
	case *idtoken.GitHubActions:
		t.secrets, t.identity = []string{v.RequestToken}, "github\x00"+v.Audience+"\x00"+v.RequestURL
	case *idtoken.Buildkite:
		t.secrets, t.identity = []string{v.AccessToken}, "buildkite\x00"+v.Audience+"\x00"+v.Endpoint+"\x00"+v.JobID
	}
}

// tokenSourceError reports an error of newTokenSource for command name: a source with nothing
// to give here (a variable not set) says what to set, a bad flag value is a usage error.
// Both exit 2.
func tokenSourceError(s *streams, name string, err error) int {
	if errors.Is(err, idtoken.ErrNoToken) {
		errorf(s, "%s (nothing was sent)", plain(err))
		return exitUsage
	}
	return usageError(s, name, "%s", plain(err))
}

// token asks the source for a token and adds it to the command's secrets.
func (t *tokenSource) token(ctx context.Context, s *streams) (string, error) {
	tok, err := t.src.Token(ctx)
	if err != nil {
		return "", err
	}
	s.addSecrets(tok)
	return tok, nil
}

// recording returns the source as an idtoken.Source whose tokens join the command's secrets,
// for the providers of package creds, which ask for a token at every renewal.
func (t *tokenSource) recording(s *streams) idtoken.Source {
	return idtoken.SourceFunc(func(ctx context.Context) (string, error) { return t.token(ctx, s) })
}

// reportTokenError prints why the source gave no token and returns the exit code: 2 when it
// has nothing to give here (a variable not set: the message says what to set) or the program
// cannot start, 1 when the service or the program said no, 3 for a reply that is not the
// service's or a failure on the way.
func reportTokenError(s *streams, t *tokenSource, err error) int {
	var respErr *idtoken.ResponseError
	var exitErr *process.ExitError
	var timeout *process.TimeoutError
	switch {
	case errors.Is(err, idtoken.ErrNoToken):
		errorf(s, "%s (nothing was sent)", plain(err))
		return exitUsage
	case errors.As(err, &respErr):
		msg := fmt.Sprintf("%s answered HTTP %d", respErr.Source, respErr.StatusCode)
		if respErr.Err != nil {
			msg += " with something that is not its token reply (" + plain(respErr.Err) + ")"
		}
		if respErr.Snippet != "" {
			msg += ": " + respErr.Snippet
		}
		if respErr.Err != nil {
			errorf(s, "%s", msg)
			return exitTransport
		}
		if respErr.Source == "GitHub Actions" && (respErr.StatusCode == http.StatusUnauthorized || respErr.StatusCode == http.StatusForbidden) {
			msg += "; the job's request token was refused: check that the job has `permissions: id-token: write` and is still running (the request token lasts as long as its job)"
		}
		errorf(s, "%s", msg)
		return exitRefused
	case errors.As(err, &exitErr):
		errorf(s, "%s", plain(err))
		return exitRefused
	case errors.As(err, &timeout):
		errorf(s, "%s (--timeout)", plain(err))
		return exitTransport
	}
	if p := transportProblem(err, t.description, "its endpoint", "the CI's variables"); p != "" {
		errorf(s, "%s", p)
		return exitTransport
	}
	errorf(s, "cannot get a token from %s: %s", t.description, plain(err))
	return exitUsage
}
