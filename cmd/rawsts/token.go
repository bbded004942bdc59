package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/jwtinspect"
)

var cmdToken = &command{
	name:    "token",
	summary: "print an OIDC token from a CI (GitHub, GitLab, CircleCI, Buildkite), a file, a variable, a program or Cognito",
	run:     runToken,
}

func runToken(ctx context.Context, s *streams, args []string) int {
	return tokenMain(ctx, s, args, cognitoDeps{stty: systemStty()})
}

func tokenMain(ctx context.Context, s *streams, args []string, deps cognitoDeps) int {
	const name = "token"
	var from, audience, region string
	var inspect, trace bool
	var timeout time.Duration
	var co cognitoOptions
	fs := newFlagSet(s, name)
	fs.StringVar(&from, "from", "auto", "")
	fs.StringVar(&audience, "audience", idtoken.STSAudience, "")
	fs.BoolVar(&inspect, "inspect", false, "")
	addLoginFlags(fs, &co)
	addSTSFlags(fs, &region, &co.endpoint, &trace, &timeout)
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if audience == "" {
		return usageError(s, name, "--audience is empty; want the audience the IAM OIDC provider lists, usually sts.amazonaws.com")
	}

	var token string
	if from == "cognito" {
		if co.endpoint == "" {
			var err error
			if co.endpoint, err = cognitoauth.EndpointFromEnv(s.getenv); err != nil {
				return usageError(s, name, "%s", plain(err))
			}
		}
		tokens, _, code := co.login(ctx, s, name, region, trace, timeout, deps)
		if tokens == nil {
			return code
		}
		token = tokens.IdToken
	} else {
		t, err := newTokenSource(s, "--from", from, audience, s.httpClient(trace, timeout), timeout)
		if err != nil {
			return tokenSourceError(s, name, err)
		}
		if from == "auto" {
			errorf(s, "token source: %s", t.description)
		}
		if token, err = t.token(ctx, s); err != nil {
			return reportTokenError(s, t, err)
		}
	}

	if inspect {
		// Only a source that asks for an audience, or an --audience given, sets what to expect:
		// GitLab's and CircleCI's tokens carry the audience their CI gave them, Cognito's the
		// app client id.
		expect := ""
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "audience" {
				expect = audience
			}
		})
		if from == "github" || from == "buildkite" {
			expect = audience
		}
		return printInspectReport(s, token, expect)
	}
	if err := checkValues("the token source", "token", visibleASCII, [2]string{"token", token}); err != nil {
		errorf(s, "%v", err)
		return exitTransport
	}
	fmt.Fprintln(s.stdout, token)
	return exitOK
}

// printInspectReport prints what `rawsts inspect` prints for token, expecting audience, and
// returns inspect's exit code: 1 when a finding is an error, 2 when it is not a JWT.
func printInspectReport(s *streams, token, audience string) int {
	now := s.now()
	tok, findings := jwtinspect.Lint(token, jwtinspect.Options{Now: now, ExpectedAudience: audience})
	if tok == nil {
		reason := "not a JWT"
		if len(findings) > 0 {
			reason = findings[0].Message
		}
		errorf(s, "the token is not a JWT: %s", strings.TrimPrefix(reason, "STS will refuse this as not a valid JWT: "))
		return exitUsage
	}
	r := &inspectReport{tok: tok, findings: findings, now: now, opts: &inspectOptions{partition: "aws"}}
	r.writeText(s.stdout)
	if jwtinspect.HasErrors(findings) {
		return exitRefused
	}
	return exitOK
}
