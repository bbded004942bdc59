package sts

import (
	"fmt"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/httpx"
)

// APIError is an error reply from STS (an ErrorResponse document): Type ("Sender" or
// "Receiver"), Code (e.g. "AccessDenied", "InvalidIdentityToken", "ExpiredTokenException"),
// Message, RequestID and StatusCode. Use [errors.As] and compare Code, never the status.
type APIError = awsquery.APIError

// ResponseError is a reply that is not an STS reply: an HTML page from a proxy, an empty 502,
// truncated XML, a body over 1 MiB, or a success document without Credentials. It carries the
// StatusCode, ContentType and the first bytes of the body (Snippet, secrets redacted); Err,
// when set, says what was wrong and is returned by Unwrap.
type ResponseError = awsquery.ResponseError

// RedirectError is a reply with a 3xx status: STS never redirects, and the client never follows
// a redirect, which would carry the web identity token or the signed Authorization and
// X-Amz-Security-Token headers to the host it names. StatusCode is the status; Location is the
// scheme and host the redirect pointed to (its path and query left out), "" when there was none.
type RedirectError = httpx.RedirectError

// InputError reports an input refused before anything was sent: which field, and why.
type InputError struct {
	// Field is the input field or setting, e.g. "RoleArn" or "AWS_USE_FIPS_ENDPOINT".
	Field string
	// Problem says what is wrong and, where it can, how to fix it. It never quotes a secret.
	Problem string
}

// Error returns "sts: Field: Problem".
func (e *InputError) Error() string { return "sts: " + e.Field + ": " + e.Problem }

func inputErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...)}
}
