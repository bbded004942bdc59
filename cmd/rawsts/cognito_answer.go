package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/textsafe"
)

// answers gives the login its secrets and answers Cognito's questions: from flags and
// standard input in scripts, from prompts on a terminal. It is the CLI's
// cognitoauth.Challenger.
type answers struct {
	s     *streams
	o     *cognitoOptions
	attrs map[string]string // --user-attribute
	deps  cognitoDeps
	stdin *bufio.Reader // one reader, so that successive lines are not lost to buffering
}

// answerError is an answer the user did not give (a missing flag, an empty line); nothing
// more is sent.
type answerError struct{ msg string }

func (e *answerError) Error() string { return e.msg }

func (a *answers) reader() *bufio.Reader {
	if a.stdin == nil {
		a.stdin = bufio.NewReader(a.s.stdin)
	}
	return a.stdin
}

// term returns the terminal to prompt on, or nil when standard input is not a terminal.
func (a *answers) term() *terminal {
	if !a.s.stdinIsTerminal {
		return nil
	}
	return &terminal{in: a.reader(), out: a.s.stderr, stty: a.deps.stty}
}

// nextLine reads the next line of standard input for what (--password-stdin and friends).
func (a *answers) nextLine(flagName, what string) (string, error) {
	line, err := readLine(a.reader())
	if errors.Is(err, errNoAnswer) {
		return "", &answerError{fmt.Sprintf("%s: standard input ended before the %s", flagName, what)}
	}
	if err != nil {
		return "", &answerError{fmt.Sprintf("%s: reading standard input: %v", flagName, err)}
	}
	if line == "" {
		return "", &answerError{fmt.Sprintf("%s: the %s line on standard input is empty", flagName, what)}
	}
	return line, nil
}

// fileOrNextLine reads a secret from a file, or the next line of standard input for "-".
func (a *answers) fileOrNextLine(path, what string) (string, error) {
	if path == "-" {
		return a.nextLine("--refresh-token-file -", what)
	}
	b, err := readFileOrStdin(a.s, path, maxTokenFile)
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return v, nil
}

// password returns the password: the first line of standard input with --password-stdin,
// else a prompt without echo on a terminal.
func (a *answers) password(ctx context.Context) (string, error) {
	if a.o.passwordStdin {
		return a.nextLine("--password-stdin", "password")
	}
	if t := a.term(); t != nil {
		return nonEmpty(t.readSecret(ctx, fmt.Sprintf("Password for %s: ", a.o.username)))
	}
	return "", &answerError{"no password: pass --password-stdin and write it on standard input, or run on a terminal to be asked"}
}

func nonEmpty(v string, err error) (string, error) {
	if err == nil && v == "" {
		return "", &answerError{"the answer is empty"}
	}
	return v, err
}

// Answer answers the challenges Login passes on. The new password and the codes given are
// recorded as secrets of the command (see streams.addSecrets).
func (a *answers) Answer(ctx context.Context, c *cognitoauth.Challenge) (map[string]string, error) {
	out, err := a.answer(ctx, c)
	for k, v := range out {
		if k == "NEW_PASSWORD" || strings.HasSuffix(k, "_CODE") {
			a.s.addSecrets(v)
		}
	}
	return out, err
}

func (a *answers) answer(ctx context.Context, c *cognitoauth.Challenge) (map[string]string, error) {
	switch c.Name {
	case "NEW_PASSWORD_REQUIRED":
		return a.newPassword(ctx, c)
	case "SELECT_MFA_TYPE":
		choice, err := a.mfaChoice(ctx, c.MFAChoices())
		if err != nil {
			return nil, err
		}
		return map[string]string{"ANSWER": choice}, nil
	case "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP":
		code, err := a.code(ctx, c)
		if err != nil {
			return nil, err
		}
		return map[string]string{c.AnswerKey(): code}, nil
	}
	return nil, &answerError{fmt.Sprintf("Cognito asks %s, which rawsts cannot answer", c.Name)}
}

func (a *answers) newPassword(ctx context.Context, c *cognitoauth.Challenge) (map[string]string, error) {
	var pw string
	var err error
	t := a.term()
	switch {
	case a.o.newPasswordStdin:
		pw, err = a.nextLine("--new-password-stdin", "new password")
	case t != nil:
		fmt.Fprintln(a.s.stderr, "rawsts: the user pool requires a new password (NEW_PASSWORD_REQUIRED)")
		if pw, err = nonEmpty(t.readSecret(ctx, "New password: ")); err == nil {
			var again string
			if again, err = t.readSecret(ctx, "Retype new password: "); err == nil && again != pw {
				err = &answerError{"the two new passwords differ"}
			}
		}
	default:
		err = &answerError{"the user pool requires a new password (NEW_PASSWORD_REQUIRED): pass --new-password-stdin and write it on the line after the password"}
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{"NEW_PASSWORD": pw}
	for k, v := range a.attrs {
		out["userAttributes."+k] = v
	}
	var missing []string
	for _, attr := range c.RequiredAttributes() {
		if _, ok := a.attrs[attr]; ok {
			continue
		}
		if t == nil {
			missing = append(missing, textsafe.OneLine(attr))
			continue
		}
		v, err := nonEmpty(t.readVisible(ctx, fmt.Sprintf("Required attribute %s: ", textsafe.OneLine(attr))))
		if err != nil {
			return nil, err
		}
		out["userAttributes."+attr] = v
	}
	if len(missing) > 0 {
		return nil, &answerError{fmt.Sprintf("the user pool requires these attributes with the new password: pass --user-attribute %s=VALUE",
			strings.Join(missing, "=VALUE --user-attribute "))}
	}
	return out, nil
}

func (a *answers) mfaChoice(ctx context.Context, choices []string) (string, error) {
	list := textsafe.OneLine(strings.Join(choices, ", ")) // Cognito's text, shown on the terminal
	switch {
	case a.o.mfaType != "":
		if len(choices) > 0 && !slices.Contains(choices, a.o.mfaType) {
			return "", &answerError{fmt.Sprintf("--mfa-type %s: this user can choose %s", describeArg(a.o.mfaType), list)}
		}
		return a.o.mfaType, nil
	case len(choices) == 1:
		return choices[0], nil
	}
	if t := a.term(); t != nil {
		return nonEmpty(t.readVisible(ctx, fmt.Sprintf("MFA type (%s): ", list)))
	}
	return "", &answerError{fmt.Sprintf("Cognito asks which MFA to use (SELECT_MFA_TYPE, one of %s): pass --mfa-type", list)}
}

func (a *answers) code(ctx context.Context, c *cognitoauth.Challenge) (string, error) {
	if a.o.mfaCode != "" {
		return a.o.mfaCode, nil
	}
	where := ""
	if d := c.Parameters["CODE_DELIVERY_DESTINATION"]; d != "" {
		where = " sent to " + textsafe.OneLine(d) // Cognito's text, shown on the terminal
	}
	if t := a.term(); t != nil {
		return nonEmpty(t.readSecret(ctx, fmt.Sprintf("%s code%s: ", c.Name, where)))
	}
	return "", &answerError{fmt.Sprintf("Cognito asks for a %s code%s: pass --mfa-code CODE", c.Name, where)}
}

// reportAnswerError reports a secret that could not be read.
func reportAnswerError(s *streams, name, where string, err error) int {
	var ae *answerError
	if errors.As(err, &ae) {
		return usageError(s, name, "%s", ae.msg)
	}
	return reportCognitoError(s, name, where, err)
}

// cognitoFlags names the CLI flag of each cognitoauth input field, for messages.
var cognitoFlags = map[string]string{
	"UserPoolID": "--pool-id", "ClientID": "--client-id", "Username": "--username", "Password": "the password",
	"RefreshToken": "the refresh token", "Region": "--region", "Endpoint": "--endpoint", "Flow": "--flow",
	"Credentials": "AWS credentials", "NEW_PASSWORD": "the new password", "ANSWER": "--mfa-type",
	"SMS_MFA_CODE": "--mfa-code", "SOFTWARE_TOKEN_MFA_CODE": "--mfa-code", "EMAIL_OTP_CODE": "--mfa-code",
}

// reportCognitoError prints a failed login and returns the exit code: 1 when Cognito said
// no, 2 for local validation and missing answers, 3 for everything on the way. where names
// the Cognito endpoint.
func reportCognitoError(s *streams, name, where string, err error) int {
	var ans *answerError
	var api *cognitoauth.APIError
	var in *cognitoauth.InvalidInputError
	var unsupported *cognitoauth.UnsupportedChallengeError
	var respErr *cognitoauth.ResponseError
	onTheWay := transportProblem(err, "Cognito", where, "--endpoint (--cognito-endpoint) and AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
	switch {
	case errors.As(err, &ans):
		errorf(s, "%s", ans.msg)
		return exitUsage
	case errors.Is(err, context.Canceled):
		errorf(s, "interrupted")
		return exitTransport
	case errors.As(err, &api):
		return refusedJSON(s, api.Type, api.Message, api.RequestID, api.StatusCode, api.Hint)
	case errors.As(err, &in):
		field := in.Field
		if f, ok := cognitoFlags[field]; ok {
			field = f
		} else if a, ok := strings.CutPrefix(field, "userAttributes."); ok {
			field = "--user-attribute " + a
		}
		errorf(s, "%s (nothing was sent)", fieldProblem(field, strings.ReplaceAll(in.Rule, "set Region", "pass --region")))
		return exitUsage
	case errors.As(err, &unsupported):
		errorf(s, "Cognito asks %s, which rawsts cannot answer; finish that login with `aws cognito-idp respond-to-auth-challenge`", unsupported.Name)
		return exitRefused
	case errors.As(err, &respErr):
		return badJSONReply(s, "Cognito", where, respErr.StatusCode, respErr.Err, respErr.Snippet)
	case errors.Is(err, cognitoauth.ErrMalformedChallenge), errors.Is(err, cognitoauth.ErrUnsafeSRP):
		errorf(s, "Cognito at %s sent a reply Cognito does not send: %s; check --endpoint", where, plain(err))
		return exitTransport
	case onTheWay != "":
		errorf(s, "%s", onTheWay)
		return exitTransport
	default:
		errorf(s, "%s", plain(err))
		return exitTransport
	}
}

// refusedJSON prints a JSON 1.1 service's refusal (Cognito user pools and identity pools), "Type:
// message (RequestId …, HTTP n)" and our hint, and returns exit code 1.
func refusedJSON(s *streams, typ, message, requestID string, status int, hint string) int {
	msg := typ
	if message != "" {
		msg += ": " + message
	}
	errorf(s, "%s (RequestId %s, HTTP %d)", msg, orNone(requestID), status)
	if hint != "" {
		errorf(s, "hint: %s", hint)
	}
	return exitRefused
}

// badJSONReply prints a reply of service at where that is not its JSON 1.1 protocol (why: the
// decoding error, if any) and returns exit code 3.
func badJSONReply(s *streams, service, where string, status int, why error, snippet string) int {
	reason := ""
	if why != nil {
		reason = plain(why)
	}
	errorf(s, "%s at %s %s; %s", service, where, replyProblem(service, status, "", reason, snippet), replyAdvice(status, "--endpoint"))
	return exitTransport
}
