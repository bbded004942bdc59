package json11

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
)

// SnippetSize is how much of an unexpected body goes into a [ResponseError], after the
// secrets are hidden.
const SnippetSize = 256

// APIError is a JSON 1.1 error reply, its text already scrubbed of secrets. The public
// packages turn it into their own APIError, adding a hint.
type APIError struct {
	// Type is the error's shape name without namespace or suffix: "NotAuthorizedException".
	Type string
	// Message is the service's message, as sent.
	Message string
	// StatusCode is the HTTP status.
	StatusCode int
	// RequestID is the X-Amzn-Requestid header.
	RequestID string
}

// Error returns "TYPE: MESSAGE (HTTP STATUS)"; the public types print themselves.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Type, e.Message, e.StatusCode)
}

// ResponseError is a reply that is not the protocol's shape: an HTML page from a proxy, an
// empty 502, a 200 whose body is not the expected JSON.
type ResponseError struct {
	// StatusCode is the HTTP status of the reply.
	StatusCode int
	// Snippet is the start of the body, secrets hidden before it was cut ("" for none).
	Snippet string
	// Err is what went wrong decoding the body, if anything.
	Err error
}

// Error describes the reply; the public types print themselves.
func (e *ResponseError) Error() string {
	return fmt.Sprintf("unexpected reply (HTTP %d): %v: %s", e.StatusCode, e.Err, e.Snippet)
}

// Unwrap returns the decoding error.
func (e *ResponseError) Unwrap() error { return e.Err }

// FormatAPIError is the text of a public package's APIError: "PKG: TYPE: MESSAGE (HTTP
// STATUS)", then "; hint: HINT" when there is one, on one line (control characters the server
// sent escaped as %q escapes them).
func FormatAPIError(pkg, typ, message string, status int, hint string) string {
	var b strings.Builder
	b.WriteString(pkg + ": " + typ)
	if message != "" {
		b.WriteString(": " + message)
	}
	fmt.Fprintf(&b, " (HTTP %d)", status)
	if hint != "" {
		b.WriteString("; hint: " + hint)
	}
	return textsafe.OneLine(b.String())
}

// FormatResponseError is the text of a public package's ResponseError: "PKG: unexpected reply
// (HTTP STATUS): ERR: SNIPPET" (or ": empty body"), on one line.
func FormatResponseError(pkg string, status int, err error, snippet string) string {
	msg := fmt.Sprintf("%s: unexpected reply (HTTP %d)", pkg, status)
	if err != nil {
		msg += ": " + err.Error()
	}
	if snippet != "" {
		msg += ": " + snippet
	} else {
		msg += ": empty body"
	}
	return textsafe.OneLine(msg)
}

// DecodeError turns a non-2xx reply into an [*APIError], or a [*ResponseError] when the reply
// carries no error type. Its text hides secrets (those of secrets, and the reply's own) by
// value, before the snippet is cut; secrets may be nil.
func DecodeError(status int, h http.Header, body []byte, secrets *httpx.Secrets) error {
	if secrets == nil {
		secrets = &httpx.Secrets{}
	}
	var fields map[string]json.RawMessage
	jsonErr := json.Unmarshal(body, &fields)
	str := func(key string) string {
		var s string
		if raw, ok := fields[key]; ok && json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	typ := NormalizeType(h.Get("X-Amzn-Errortype"))
	if typ == "" {
		typ = NormalizeType(str("__type"))
	}
	if typ == "" {
		typ = NormalizeType(str("code"))
	}
	if typ == "" {
		re := &ResponseError{StatusCode: status, Snippet: secrets.Snippet(h.Get("Content-Type"), body, SnippetSize)}
		if jsonErr != nil && len(body) > 0 {
			re.Err = errors.New("body is not a JSON error")
		}
		return re
	}
	msg := str("message")
	if msg == "" {
		msg = str("Message")
	}
	secrets.AddBody(h.Get("Content-Type"), body)
	return &APIError{Type: secrets.Scrub(typ), Message: secrets.Scrub(msg), StatusCode: status, RequestID: secrets.Scrub(h.Get("X-Amzn-Requestid"))}
}

// NormalizeType strips a namespace ("aws.cognito#") and a suffix (":http://…") from an
// error type, as the awsJson1_1 protocol requires.
func NormalizeType(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
