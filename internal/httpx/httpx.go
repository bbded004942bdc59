// Package httpx holds the HTTP rules every rawsts client shares: the response-size cap, which
// endpoint URLs are acceptable, that no redirect is followed and no request waits without a
// bound ([Client], [Send]), the two ways secrets are kept out of traces and error text — by
// name ([Redact], [RedactHeader], [RedactForm]) and by value, in every encoding a server may
// echo them in ([Secrets]) — and the tracing RoundTripper behind the CLI's --trace.
package httpx

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxBodySize is the largest response body any rawsts client reads: 1 MiB. STS and Cognito
// replies are a few kilobytes; anything larger is refused rather than truncated.
const MaxBodySize = 1 << 20

// ErrBodyTooLarge is returned by ReadBody for a body over MaxBodySize.
var ErrBodyTooLarge = errors.New("response body is larger than 1 MiB")

// ReadBody reads and closes resp.Body, refusing bodies over MaxBodySize.
func ReadBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	if err != nil {
		return b, err
	}
	if len(b) > MaxBodySize {
		return nil, ErrBodyTooLarge
	}
	return b, nil
}

// CheckEndpoint parses an endpoint URL and checks it: https anywhere, plain http only to a
// loopback host (localhost, 127.0.0.0/8, ::1), which is where test servers and emulators live.
func CheckEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q is not a URL: %w", raw, err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("endpoint %q has no host (want https://HOST[:PORT][/PATH])", raw)
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return u, nil
		}
		return nil, fmt.Errorf("endpoint %q uses plain http to a host that is not loopback; use https", raw)
	default:
		return nil, fmt.Errorf("endpoint %q: scheme must be https (or http to a loopback host)", raw)
	}
}

// IsLoopback reports whether host names this machine: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Snippet returns the start of body, at most n bytes and cut on a character boundary, as text
// for an error message. First the secrets body carries by name (a reply's SessionToken, its
// IdToken …) are added to s; then they are hidden by name ([Redact]) and everything in s by
// value ([Secrets.ScrubCut]: the reply may have stopped mid-secret); only then is the text cut,
// since a secret cut in two is no longer found. The text is not escaped for a terminal: the
// Error method of the error holding it does that. A nil s hides what body carries only.
func (s *Secrets) Snippet(contentType string, body []byte, n int) string {
	if s == nil {
		s = &Secrets{}
	}
	s.AddBody(contentType, body)
	text := strings.TrimSpace(s.ScrubCut(string(Redact(contentType, body))))
	if len(text) <= n {
		return text
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}
