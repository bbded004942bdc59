package jwtinspect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxBodySize caps every discovery and JWKS response: 1 MiB. Larger bodies are an error, not
// truncated.
const MaxBodySize = 1 << 20

// client returns a copy of the Verifier's client (http.DefaultClient when nil) that never
// follows a redirect: get turns the 3xx reply into a [*RedirectError].
func (v *Verifier) client() *http.Client {
	c := http.DefaultClient
	if v.HTTPClient != nil {
		c = v.HTTPClient
	}
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

// RedirectError is a discovery or JWKS fetch answered with a redirect (a 3xx status). The
// Verifier never follows one: a redirect may lead anywhere, and whether STS follows redirects
// when it fetches an issuer's documents is not documented, so the issuer should serve them at
// the URLs themselves.
type RedirectError struct {
	// URL is the URL fetched.
	URL string
	// StatusCode is the reply's status, e.g. 301.
	StatusCode int
	// Location is the scheme and host (with port) the redirect pointed to, its path and query
	// left out; "" when the reply had no Location or one that is not a URL.
	Location string
}

// Error names the URL, the status and where the redirect pointed.
func (e *RedirectError) Error() string {
	to := "without a usable Location"
	if e.Location != "" {
		to = "to " + e.Location
	}
	return fmt.Sprintf("GET %s: HTTP %d, a redirect %s; not followed (whether STS follows redirects here is not documented): serve the document at %s itself", e.URL, e.StatusCode, to, e.URL)
}

// redirectOf returns a *RedirectError when resp is a redirect, and nil otherwise.
func redirectOf(resp *http.Response) error {
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return nil
	}
	e := &RedirectError{URL: resp.Request.URL.Redacted(), StatusCode: resp.StatusCode}
	if loc, err := resp.Location(); err == nil && loc.Scheme != "" && loc.Host != "" {
		e.Location = (&url.URL{Scheme: loc.Scheme, Host: loc.Host}).String()
	}
	return e
}

// TimeoutError is a discovery or JWKS fetch that did not finish within the time allowed. Its
// message is for people; the transport's own error is kept for errors.Is and errors.As
// (context.DeadlineExceeded, a net.Error that times out).
type TimeoutError struct {
	// URL is the URL fetched.
	URL string
	// Limit is the time the fetch had: the Verifier's Timeout, or its HTTPClient's Timeout
	// when that is shorter.
	Limit time.Duration
	// Err is the transport's error.
	Err error
}

// Error names the URL and the limit, and how it compares with the time STS gives an issuer.
func (e *TimeoutError) Error() string {
	if e.Limit == DefaultTimeout {
		return fmt.Sprintf("GET %s did not finish within %s, the time STS gives an identity provider before it fails with Couldn't retrieve verification key", e.URL, e.Limit)
	}
	return fmt.Sprintf("GET %s did not finish within %s (STS gives an identity provider about %s before it fails with Couldn't retrieve verification key)", e.URL, e.Limit, DefaultTimeout)
}

// Unwrap returns the transport's error.
func (e *TimeoutError) Unwrap() error { return e.Err }

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) timeout() time.Duration {
	if v.Timeout > 0 {
		return v.Timeout
	}
	return DefaultTimeout
}

// checkURL allows https anywhere and plain http only to loopback hosts (test servers).
func checkURL(u *url.URL) error {
	switch {
	case u.Host == "":
		return fmt.Errorf("%q has no host", u.Redacted())
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return fmt.Errorf("%s is not https; STS fetches only https URLs", u.Redacted())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// fetch GETs rawURL within the timeout and reads at most MaxBodySize bytes. A fetch that takes
// over half the timeout adds a slow-fetch finding to res.
func (v *Verifier) fetch(ctx context.Context, rawURL string, res *Verification) ([]byte, Fetch, error) {
	f := Fetch{URL: rawURL}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, f, fmt.Errorf("%q is not a URL", rawURL)
	}
	if err := checkURL(u); err != nil {
		return nil, f, err
	}
	limit := v.timeout()
	ctx2, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx2, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, f, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("Accept", "application/json")
	start := v.now()
	client := v.client()
	body, status, err := get(client, req)
	f.Duration, f.Status, f.Bytes = v.now().Sub(start), status, len(body)
	if err != nil {
		// The time allowed is the shorter of Timeout and the client's own Timeout.
		allowed := limit
		if client.Timeout > 0 && client.Timeout < allowed {
			allowed = client.Timeout
		}
		var redirect *RedirectError
		switch {
		case errors.As(err, &redirect):
			return nil, f, err
		case ctx.Err() == nil && (errors.Is(ctx2.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)):
			return nil, f, &TimeoutError{URL: rawURL, Limit: allowed, Err: err}
		}
		return nil, f, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if status != http.StatusOK {
		return nil, f, fmt.Errorf("GET %s: HTTP %d %s; STS needs 200 from a publicly reachable URL", rawURL, status, http.StatusText(status))
	}
	if f.Duration > limit/2 {
		res.Findings = append(res.Findings, finding(CodeSlowFetch, "GET %s took %s of STS's %s budget; a slower answer makes STS fail with Couldn't retrieve verification key.", rawURL, f.Duration.Round(time.Millisecond), limit))
	}
	return body, f, nil
}

func get(c *http.Client, req *http.Request) ([]byte, int, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	if err := redirectOf(resp); err != nil {
		return nil, resp.StatusCode, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	if err != nil {
		return nil, resp.StatusCode, err
	}
	if len(b) > MaxBodySize {
		return nil, resp.StatusCode, fmt.Errorf("the response is larger than %d bytes", MaxBodySize)
	}
	return b, resp.StatusCode, nil
}
