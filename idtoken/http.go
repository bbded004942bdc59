package idtoken

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
)

// snippetLen is how much of a reply body an error quotes, after secrets are removed.
const snippetLen = 256

// ResponseError is a reply from a token service that carries no token: an error status (the
// service refused: a missing permission, an expired job token), or a 2xx reply that is not
// the JSON the service sends.
type ResponseError struct {
	// Source names the service, e.g. "GitHub Actions".
	Source string
	// StatusCode is the HTTP status.
	StatusCode int
	// Snippet is the start of the body on one line, tokens and the request's secrets removed.
	Snippet string
	// Err, for a 2xx reply, says what was wrong with it; nil for an error status.
	Err error
}

// Error returns e.g. "idtoken: GitHub Actions answered HTTP 403: {...}".
func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("idtoken: %s answered HTTP %d", e.Source, e.StatusCode)
	if e.Err != nil {
		msg += " but " + e.Err.Error()
	}
	if e.Snippet != "" {
		msg += ": " + e.Snippet
	}
	return msg
}

// Unwrap returns Err.
func (e *ResponseError) Unwrap() error { return e.Err }

// fetchJSON sends req with hc through httpx.Send (no redirect, a timeout, a bounded body) and
// returns the string field of a 2xx JSON reply. secrets — what req carries that must never
// be quoted — are scrubbed from every error, in every encoding a server may echo, with
// anything shaped like a JWT.
func fetchJSON(hc *http.Client, req *http.Request, source, field string, secrets ...string) (string, error) {
	hide := httpx.NewSecrets(secrets...)
	resp, body, err := httpx.Send(hc, req)
	if resp == nil || err != nil {
		if err == nil {
			err = errors.New("no reply")
		}
		return "", hide.ScrubError(fmt.Errorf("idtoken: %s: %w", source, err))
	}
	snippet := func() string {
		return textsafe.OneLine(hide.Snippet(resp.Header.Get("Content-Type"), body, snippetLen))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", &ResponseError{Source: source, StatusCode: resp.StatusCode, Snippet: snippet()}
	}
	var reply map[string]json.RawMessage
	if err := json.Unmarshal(body, &reply); err != nil {
		return "", &ResponseError{Source: source, StatusCode: resp.StatusCode, Snippet: snippet(), Err: errors.New("the reply is not a JSON object")}
	}
	var token string
	if raw, ok := reply[field]; !ok || json.Unmarshal(raw, &token) != nil || strings.TrimSpace(token) == "" {
		return "", &ResponseError{Source: source, StatusCode: resp.StatusCode, Snippet: snippet(),
			Err: fmt.Errorf("the reply has no %q string", field)}
	}
	return strings.TrimSpace(token), nil
}

// hidden shows a secret as its length only.
func hidden(s string) string {
	if s == "" {
		return `""`
	}
	return httpx.Redacted(len(s))
}
