package cognitoauth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/json11"
)

// Sentinel errors for local failures that carry no data. Compare with errors.Is.
var (
	// ErrUnsafeSRP means an SRP value that would make the exchange insecure: A or B zero
	// modulo N, or u zero. A genuine Cognito reply never produces one.
	ErrUnsafeSRP = errors.New("cognitoauth: unsafe SRP value")

	// ErrMalformedChallenge means a challenge lacks a parameter it must carry, or carries one
	// that does not parse (SRP_B that is not hex, SECRET_BLOCK that is not base64 …).
	ErrMalformedChallenge = errors.New("cognitoauth: malformed challenge")

	// ErrNoChallenger means Cognito asked a question (MFA code, new password …) and
	// [Client.Login] was given no [Challenger] to answer it.
	ErrNoChallenger = errors.New("cognitoauth: challenge needs an answer but no Challenger was given")

	// ErrTooManySteps means Login gave up after too many challenges in a row.
	ErrTooManySteps = errors.New("cognitoauth: too many challenges in one login")
)

// APIError is an error reply from Cognito: a JSON 1.1 error body and/or an X-Amzn-Errortype
// header. Compare Type ("NotAuthorizedException", "UserNotFoundException" …) to tell them
// apart; there is no Go type per Cognito error. Use errors.As to get one.
type APIError struct {
	// Type is the error's shape name, without namespace ("com.amazonaws.cognito#") or suffix
	// (":http://internal…").
	Type string
	// Message is Cognito's human message, with any secret of the request or the reply
	// redacted; its wording is not a contract. It is as the server sent it otherwise: print
	// it with textsafe.OneLine (Error does).
	Message string
	// StatusCode is the HTTP status (400 for client errors, 500 for InternalErrorException).
	StatusCode int
	// RequestID is the X-Amzn-Requestid header, to quote to AWS support.
	RequestID string
	// Hint is our advice on what to do, or "" when we have none.
	Hint string
}

// Error returns "cognitoauth: TYPE: MESSAGE (HTTP STATUS)", followed by the hint if any, on
// one line: control characters the server sent are escaped as %q escapes them.
func (e *APIError) Error() string {
	return json11.FormatAPIError("cognitoauth", e.Type, e.Message, e.StatusCode, e.Hint)
}

// RedirectError is a reply with a 3xx status: Cognito never redirects, and the client never
// follows a redirect, which would carry the password, the client secret or a refresh token to
// the host it names. StatusCode is the status; Location is the scheme and host the redirect
// pointed to (its path and query left out), "" when there was none.
type RedirectError = httpx.RedirectError

// ResponseError is a reply that is not Cognito's protocol: an HTML page from a proxy, an empty
// 502, a 200 whose body is not the expected JSON. Snippet holds the first bytes of the body,
// with secrets redacted.
type ResponseError struct {
	// StatusCode is the HTTP status of the reply.
	StatusCode int
	// Snippet is the start of the body, secrets redacted before it was cut ("" for an empty
	// body). It may hold control characters (Error escapes them).
	Snippet string
	// Err is what went wrong decoding the body, if anything.
	Err error
}

// Error describes the reply, on one line, with control characters escaped.
func (e *ResponseError) Error() string {
	return json11.FormatResponseError("cognitoauth", e.StatusCode, e.Err, e.Snippet)
}

// Unwrap returns the decoding error.
func (e *ResponseError) Unwrap() error { return e.Err }

// InvalidInputError is a local validation failure: nothing was sent.
type InvalidInputError struct {
	// Field names the input, such as "UserPoolID" or "Password".
	Field string
	// Rule says what it must be.
	Rule string
}

// Error returns "cognitoauth: FIELD RULE".
func (e *InvalidInputError) Error() string {
	return "cognitoauth: " + e.Field + " " + e.Rule
}

// UnsupportedChallengeError is a challenge that Login cannot answer, such as MFA_SETUP or
// CUSTOM_CHALLENGE. Drive those steps with [Client.RespondToAuthChallenge].
type UnsupportedChallengeError struct {
	// Name is the ChallengeName Cognito sent.
	Name string
	// Session continues the login with RespondToAuthChallenge. It is a secret.
	Session string
}

// Error names the challenge (never the session).
func (e *UnsupportedChallengeError) Error() string {
	return fmt.Sprintf("cognitoauth: challenge %q is not supported by Login; answer it with RespondToAuthChallenge", e.Name)
}

// snippetLen is how much of an unexpected body goes into a ResponseError.
const snippetLen = json11.SnippetSize

// decodeError turns a non-2xx reply into an *APIError, or a *ResponseError when the reply
// carries no error type (internal/json11's rules). Its text hides secrets (the request's, in
// secrets, and the reply's own) by value, before the snippet is cut; secrets may be nil.
func decodeError(status int, h http.Header, body []byte, secrets *httpx.Secrets) error {
	return publicError(json11.DecodeError(status, h, body, secrets))
}

// publicError turns the transport's protocol errors into this package's, with a hint; any
// other error is returned as it is.
func publicError(err error) error {
	switch e := err.(type) {
	case *json11.APIError:
		ae := &APIError{Type: e.Type, Message: e.Message, StatusCode: e.StatusCode, RequestID: e.RequestID}
		ae.Hint = hintFor(ae)
		return ae
	case *json11.ResponseError:
		return &ResponseError{StatusCode: e.StatusCode, Snippet: e.Snippet, Err: e.Err}
	}
	return err
}

// normalizeType strips a namespace ("aws.cognito#") and a suffix (":http://…") from an
// error type, as the awsJson1_1 protocol requires.
func normalizeType(s string) string { return json11.NormalizeType(s) }

// hintFor returns advice for the errors people hit most when they log in by hand.
func hintFor(e *APIError) string {
	msg := strings.ToLower(e.Message)
	switch e.Type {
	case "InvalidParameterException":
		switch {
		case strings.Contains(msg, "user_password_auth flow not enabled"):
			return "use --flow srp (USER_SRP_AUTH), which most app clients allow"
		case strings.Contains(msg, "not enabled"):
			return "the app client does not allow this auth flow: enable it in the app client's settings or pick another --flow"
		}
	case "NotAuthorizedException":
		switch {
		case strings.Contains(msg, "secret hash"), strings.Contains(msg, "secret_hash"):
			return "the app client has a secret: pass it (--client-secret); for REFRESH_TOKEN_AUTH the username must be the internal username (sub), not an alias"
		case strings.Contains(msg, "refresh token"):
			return "log in again with a password to get a new refresh token"
		}
	case "UserNotConfirmedException":
		return "the user has not confirmed sign-up: confirm with the emailed/texted code (ConfirmSignUp), or an administrator runs admin-confirm-sign-up"
	case "PasswordResetRequiredException":
		return "an administrator reset the password: run ForgotPassword, then ConfirmForgotPassword with the code sent to the user"
	case "UserNotFoundException":
		return "check the username and the user pool; email or phone sign-in works only when the pool has them as aliases or username attributes"
	case "ResourceNotFoundException":
		return "check the user pool id and app client id, and that the endpoint's region is the pool's"
	case "InvalidUserPoolConfigurationException":
		return "the user pool or app client is misconfigured for this flow (for example SMS MFA without an SNS role)"
	case "CodeMismatchException":
		return "the code is wrong; check the authenticator app's clock and enter the current code"
	case "ExpiredCodeException":
		return "the code or session has expired; start the login again"
	case "TooManyRequestsException":
		return "Cognito is throttling this pool; wait and retry"
	}
	return ""
}
