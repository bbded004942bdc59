package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/rawsts/rawsts/internal/textsafe"
)

// DefaultTimeout bounds one request — connecting, the status line, the headers and the whole
// body — of a client whose http.Client sets no Timeout: 30 s. The CLI's --timeout defaults to
// the same.
const DefaultTimeout = 30 * time.Second

// Client returns the http.Client a rawsts protocol client sends with: a shallow copy of c
// (http.DefaultClient when c is nil) whose CheckRedirect never follows a redirect, and whose
// Timeout is DefaultTimeout when c sets none (zero or negative). c itself is not modified, so
// a caller's own client keeps its settings for its other uses.
//
// No redirect is followed because AWS APIs never send one, and following it would carry the
// request — a web identity token, a password, Authorization and X-Amz-Security-Token headers —
// to whatever host the Location names. [Send] turns the redirect into a [*RedirectError].
func Client(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	cc := *c
	cc.CheckRedirect = stopAtRedirect
	if cc.Timeout <= 0 {
		cc.Timeout = DefaultTimeout
	}
	return &cc
}

// stopAtRedirect is Client's CheckRedirect: it hands the 3xx reply back instead of following it.
func stopAtRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// RedirectError is a reply with a 3xx status. rawsts follows no redirect: nothing was sent to
// the Location.
type RedirectError struct {
	// StatusCode is the reply's status, e.g. 307.
	StatusCode int
	// Location is the scheme and host (with port) of the Location header, resolved against the
	// request's URL, e.g. "https://example.com:8443". Its path, query and user information are
	// left out: a hostile server may have copied a secret of the request into them. "" when
	// the reply had no Location, or one that is not a URL.
	Location string
}

// Error says where the redirect pointed and that it was not followed, on one line: the
// Location is the server's text, and a host may hold format characters (a bidi override).
func (e *RedirectError) Error() string {
	to := "without a usable Location"
	if e.Location != "" {
		to = "to " + textsafe.OneLine(e.Location)
	}
	return fmt.Sprintf("the server answered HTTP %d, a redirect %s; rawsts never follows a redirect (AWS APIs do not send them, and it would carry the request's secrets to another host), so nothing was sent there", e.StatusCode, to)
}

// Redirect returns a [*RedirectError] when resp has a 3xx status, and nil otherwise.
func Redirect(resp *http.Response) error {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil
	}
	return &RedirectError{StatusCode: resp.StatusCode, Location: locationOrigin(resp)}
}

// locationOrigin returns "scheme://host" of resp's Location, resolved against the request URL.
func locationOrigin(resp *http.Response) string {
	loc := resp.Header.Get("Location")
	if loc == "" {
		return ""
	}
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	if resp.Request != nil && resp.Request.URL != nil {
		u = resp.Request.URL.ResolveReference(u)
	}
	if u.Scheme == "" || u.Host == "" {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// TimeoutError is a request that did not complete in the time allowed: no reply came, or its
// body stopped coming. Err, the transport's error, is returned by Unwrap; errors.Is(err,
// context.DeadlineExceeded) holds.
type TimeoutError struct {
	// Host is the host (and port) the request went to.
	Host string
	// Limit is the client's Timeout that ran out; 0 when the request's context ended it.
	Limit time.Duration
	// Err is the transport's error.
	Err error
}

// Error names the host and the limit.
func (e *TimeoutError) Error() string {
	if e.Limit > 0 {
		return fmt.Sprintf("no complete reply from %s within %s", e.Host, e.Limit)
	}
	return fmt.Sprintf("no complete reply from %s before the context's deadline", e.Host)
}

// Unwrap returns Err.
func (e *TimeoutError) Unwrap() error { return e.Err }

// asTimeout returns err as a [*TimeoutError] when it is the client's Timeout or req's context
// deadline running out, and err unchanged otherwise (a refused connection, a TLS failure, a
// transport's own dial or handshake timeout, which say what they are).
func asTimeout(err error, req *http.Request, limit time.Duration) error {
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if req.Context().Err() != nil {
		limit = 0
	}
	return &TimeoutError{Host: req.URL.Host, Limit: limit, Err: err}
}

// Send sends req with [Client](c) and reads the reply's body through MaxBodySize. The error is
// a [*RedirectError] for a 3xx reply (never followed), a [*TimeoutError] when c's Timeout
// (DefaultTimeout if it has none) or req's context deadline runs out first, [ErrBodyTooLarge],
// or the transport's error. resp is non-nil when a status line arrived; its body is closed. On
// an error while reading the body, the bytes read before it are returned.
func Send(c *http.Client, req *http.Request) (*http.Response, []byte, error) {
	hc := Client(c)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, asTimeout(err, req, hc.Timeout)
	}
	if err := Redirect(resp); err != nil {
		resp.Body.Close()
		return resp, nil, err
	}
	data, err := ReadBody(resp)
	if err != nil {
		return resp, data, asTimeout(err, req, hc.Timeout)
	}
	return resp, data, nil
}
