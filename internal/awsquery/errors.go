package awsquery

import (
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/internal/textsafe"
)

// APIError is an error reply of a Query API (an ErrorResponse document). Callers compare
// Code, never the HTTP status: the same code can come with different statuses.
type APIError struct {
	// Service is the prefix of the error text, e.g. "sts" or "iam".
	Service string
	// Type is "Sender" or "Receiver" (informational; may be empty).
	Type string
	// Code is the error code, e.g. "AccessDenied" or "InvalidIdentityToken".
	Code string
	// Message is the human-readable text, with any secret the request or the reply carried
	// redacted. It is as the server sent it otherwise: print it with textsafe.OneLine (Error
	// does).
	Message string
	// RequestID is the AWS request id, for support cases and CloudTrail.
	RequestID string
	// StatusCode is the HTTP status of the reply.
	StatusCode int
}

// Error returns e.g. "sts: AccessDenied: Not authorized to perform
// sts:AssumeRoleWithWebIdentity (RequestId 1234, HTTP 403)", on one line: control characters
// the server sent (a newline, an ESC sequence) are escaped as %q escapes them.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(prefix(e.Service))
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (RequestId %s, HTTP %d)", e.RequestID, e.StatusCode)
	} else {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	return textsafe.OneLine(b.String())
}

// ResponseError is a reply that is not the protocol's shape: a proxy's HTML page, an empty
// 502, truncated XML, a body over the 1 MiB cap, or a success document missing a required
// element. It quotes the status and the first bytes of the body, with secrets redacted.
type ResponseError struct {
	// Service is the prefix of the error text, e.g. "sts" or "iam".
	Service string
	// StatusCode is the HTTP status of the reply.
	StatusCode int
	// ContentType is the Content-Type header of the reply.
	ContentType string
	// Snippet is the first ~200 bytes of the body, secrets redacted before it was cut; "" when
	// the body was empty or not read. It may hold control characters (Error escapes them).
	Snippet string
	// Err says what is wrong, when more is known than "not the expected shape"; it may wrap
	// an XML syntax error or httpx.ErrBodyTooLarge.
	Err error
}

// SnippetSize is how many bytes of a body a [ResponseError] quotes.
const SnippetSize = 200

// Error returns e.g. "sts: HTTP 502 reply is not an STS response: <html>…", on one line, with
// control characters escaped.
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sHTTP %d reply is not an %s response", prefix(e.Service), e.StatusCode, strings.ToUpper(e.Service))
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	switch {
	case e.Snippet == "" && e.Err == nil:
		b.WriteString(": empty body")
	case e.Snippet != "":
		b.WriteString(": ")
		b.WriteString(e.Snippet)
	}
	return textsafe.OneLine(b.String())
}

// Unwrap returns Err.
func (e *ResponseError) Unwrap() error { return e.Err }

func prefix(service string) string {
	if service == "" {
		return ""
	}
	return service + ": "
}
