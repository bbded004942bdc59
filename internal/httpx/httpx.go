// Package httpx holds the HTTP rules every rawsts client shares: the response-size cap, which
// endpoint URLs are acceptable, that no redirect is followed and no request waits without a
// bound ([Client], [Send]), the redactor that keeps secrets out of traces and error text, and
// the tracing RoundTripper behind the CLI's --trace.
package httpx

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
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

// Snippet returns at most n bytes of body, redacted, as text fit for an error message.
func Snippet(contentType string, body []byte, n int) string {
	b := Redact(contentType, body)
	s := string(b)
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.TrimSpace(s)
}
