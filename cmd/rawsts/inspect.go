package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
)

var cmdInspect = &command{
	name:    "inspect",
	summary: "show a token as STS will read it: header, claims, IAM names, findings; --verify checks the signature",
	run:     runInspect,
}

// sigFormat is the value of --show-signature: "" (hidden), "base64url" or "hex". Given alone,
// the flag means base64url.
type sigFormat string

func (f *sigFormat) String() string   { return string(*f) }
func (f *sigFormat) IsBoolFlag() bool { return true }
func (f *sigFormat) Set(v string) error {
	switch v {
	case "true", "base64url":
		*f = "base64url"
	case "hex":
		*f = "hex"
	case "false":
		*f = ""
	default:
		return fmt.Errorf("want hex or base64url, not %q", v)
	}
	return nil
}

type inspectOptions struct {
	file, at          string
	expectAud         string
	expectIss         string
	account           string
	partition, caFile string
	jwks              string
	skew, timeout     time.Duration
	json, verify      bool
	trace             bool
	showSignature     sigFormat
}

var (
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	partitionPattern = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

func runInspect(ctx context.Context, s *streams, args []string) int {
	const name = "inspect"
	var o inspectOptions
	fs := newFlagSet(s, name)
	fs.StringVar(&o.file, "file", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.StringVar(&o.expectAud, "expect-aud", "", "")
	fs.StringVar(&o.expectIss, "expect-iss", "", "")
	fs.StringVar(&o.at, "at", "", "")
	fs.DurationVar(&o.skew, "skew", jwtinspect.DefaultSkew, "")
	fs.BoolVar(&o.verify, "verify", false, "")
	fs.StringVar(&o.jwks, "jwks", "", "")
	fs.Var(&o.showSignature, "show-signature", "")
	fs.StringVar(&o.account, "account", "", "")
	fs.StringVar(&o.partition, "partition", "aws", "")
	fs.StringVar(&o.caFile, "ca-file", "", "")
	fs.DurationVar(&o.timeout, "timeout", jwtinspect.DefaultTimeout, "")
	fs.BoolVar(&o.trace, "trace", false, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}

	now := s.now()
	if o.at != "" {
		t, err := time.Parse(time.RFC3339, o.at)
		if err != nil {
			return usageError(s, name, "--at %q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", o.at)
		}
		now = t
	}
	switch {
	case o.account != "" && !accountPattern.MatchString(o.account):
		return usageError(s, name, "--account %q: want the 12-digit AWS account ID", o.account)
	case !partitionPattern.MatchString(o.partition):
		return usageError(s, name, "--partition %q: want aws, aws-cn, aws-us-gov or another aws-… partition", o.partition)
	case o.skew < 0:
		return usageError(s, name, "--skew %s: want 0 or more", o.skew)
	}

	raw, code := o.readInput(s, name, pos)
	if code != exitOK {
		return code
	}
	var keySet *jwtinspect.JWKS
	if o.jwks != "" {
		if keySet, code = readJWKS(s, name, o.jwks); code != exitOK {
			return code
		}
	}
	if inner, member, ok := jwtinspect.Unwrap(raw); ok {
		errorf(s, "the input is a JSON reply; inspecting the token in its %q member", member)
		raw = inner
	}
	s.addSecrets(strings.TrimSpace(raw)) // the report on stdout shows its claims, never stderr

	lintOpts := jwtinspect.Options{Now: now, Skew: o.skew, ExpectedAudience: o.expectAud, ExpectedIssuer: o.expectIss}
	if o.skew == 0 {
		lintOpts.Skew = -1 // Options: negative means none; zero would mean the default
	}
	tok, findings := jwtinspect.Lint(raw, lintOpts)
	if tok == nil {
		reason := "not a JWT"
		if len(findings) > 0 {
			reason = findings[0].Message
		}
		if o.json {
			writeJSON(s.stdout, inspectJSON{Findings: findings})
		}
		errorf(s, "the input is not a JWT: %s", strings.TrimPrefix(reason, "STS will refuse this as not a valid JWT: "))
		return exitUsage
	}

	r := &inspectReport{tok: tok, findings: findings, now: now, opts: &o}
	if o.verify || keySet != nil {
		// --jwks: the signature is checked with the keys given and nothing is fetched, with
		// or without --verify.
		var v *jwtinspect.Verifier
		if keySet != nil {
			v = keySetVerifier(keySet, o.jwks)
		} else {
			client, err := o.httpClient(s)
			if err != nil {
				return usageError(s, name, "--ca-file: %v", err)
			}
			if o.caFile == "" {
				if code := s.checkCABundle(); code != exitOK {
					return code
				}
			}
			v = &jwtinspect.Verifier{HTTPClient: client, Timeout: o.timeout, Now: s.now}
		}
		r.verification, r.verifyErr = v.Verify(ctx, tok)
		r.findings = append(r.findings, r.verification.Findings...)
		sortFindings(r.findings)
	}

	if o.json {
		writeJSON(s.stdout, r.json())
	} else {
		r.writeText(s.stdout)
	}
	if r.verifyErr != nil {
		return reportVerifyError(s, r.verifyErr, o.timeout, o.jwks)
	}
	if jwtinspect.HasErrors(r.findings) {
		return exitRefused
	}
	return exitOK
}

// readInput returns the token text from the one source given: a TOKEN argument, "-" (standard
// input), --file FILE, or AWS_WEB_IDENTITY_TOKEN_FILE when nothing is given. One line
// terminator at the end of a file is dropped (text files end in one); any other whitespace is
// kept, so that Lint can report it.
func (o *inspectOptions) readInput(s *streams, name string, pos []string) (string, int) {
	if len(pos) > 1 {
		return "", usageError(s, name, "unexpected argument %s (give one token)", describeArg(pos[1]))
	}
	source := ""
	switch {
	case len(pos) == 1 && o.file != "":
		return "", usageError(s, name, "give the token once: an argument or --file, not both")
	case len(pos) == 1 && pos[0] == "-":
		source = "-"
	case len(pos) == 1:
		return pos[0], exitOK
	case o.file != "":
		source = o.file
	case s.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "":
		source = s.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
		errorf(s, "reading the token from AWS_WEB_IDENTITY_TOKEN_FILE (%s)", source)
	default:
		return "", usageError(s, name, "no token: pass TOKEN, --file FILE, or - to read standard input")
	}
	b, err := readFileOrStdin(s, source, maxTokenFile)
	if err != nil {
		errorf(s, "reading the token: %v", err)
		return "", exitUsage
	}
	text := string(dropBOM(s, "the token in "+displayPath(source), b))
	if strings.HasSuffix(text, "\r\n") {
		text = text[:len(text)-2]
	} else {
		text = strings.TrimSuffix(text, "\n")
	}
	if strings.TrimSpace(text) == "" {
		errorf(s, "the token in %s is empty", displayPath(source))
		return "", exitUsage
	}
	return text, exitOK
}

// httpClient is the client --verify uses: the streams' (tests install a transport there;
// AWS_CA_BUNDLE is honoured), trusting --ca-file instead when it is given.
func (o *inspectOptions) httpClient(s *streams) (*http.Client, error) {
	if o.caFile == "" {
		return s.httpClient(o.trace, o.timeout), nil
	}
	tr, err := transportWithCA(o.caFile)
	if err != nil {
		return nil, err
	}
	c := *s
	if c.transport == nil {
		c.transport = tr
	}
	return c.httpClient(o.trace, o.timeout), nil
}

// reportVerifyError prints why --verify failed and returns the exit code: 3 when the issuer
// could not be reached or redirected, 1 when what it served fails a check (the report on
// standard output has the details). timeout is the --timeout the fetches had; jwks is the
// --jwks file whose keys were used instead of fetching (nothing was fetched, so exit 1).
func reportVerifyError(s *streams, err error, timeout time.Duration, jwks string) int {
	var se *jwtinspect.StepError
	step, reason := "verify", err
	if errors.As(err, &se) {
		step, reason = se.Step, se.Err
	}
	if jwks != "" {
		errorf(s, "--jwks %s: the signature check failed at the %s step: %s", displayPath(jwks), step, plain(reason))
		return exitRefused
	}
	var redirect *jwtinspect.RedirectError
	var urlErr *url.Error
	switch {
	case errors.As(err, &redirect):
		errorf(s, "--verify stopped at the %s step: %s", step, plain(redirect))
		return exitTransport
	case transportFailure(err):
		where := "the issuer"
		if errors.As(err, &urlErr) {
			where = urlErr.URL
		}
		errorf(s, "--verify: cannot get a reply from %s (the %s step): %s", where, step, netProblemWithin(err, timeout))
		return exitTransport
	}
	errorf(s, "--verify failed at the %s step: %s", step, plain(reason))
	return exitRefused
}
