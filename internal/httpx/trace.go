package httpx

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// TraceTransport is an http.RoundTripper that writes every request and response to W, with
// secrets redacted, in a form close to HTTP/1.1 on the wire: "> " before what was sent and
// "< " before what came back. It is what the CLI's --trace installs.
type TraceTransport struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// W receives the trace; writes are serialised.
	W io.Writer

	mu sync.Mutex
}

// RoundTrip implements http.RoundTripper.
func (t *TraceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	var reqBody []byte
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "> %s %s %s\n", req.Method, req.URL.RequestURI(), "HTTP/1.1")
	fmt.Fprintf(&buf, "> Host: %s\n", req.URL.Host)
	for _, l := range sortedHeaderLines(RedactHeader(req.Header)) {
		fmt.Fprintf(&buf, "> %s\n", l)
	}
	buf.WriteString(">\n")
	writeBody(&buf, "> ", Redact(req.Header.Get("Content-Type"), reqBody))

	start := time.Now()
	resp, err := base.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		fmt.Fprintf(&buf, "< (no response after %v: %v)\n\n", elapsed, err)
		t.flush(buf.Bytes())
		return nil, err
	}
	respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	fmt.Fprintf(&buf, "< %s %s (%v)\n", resp.Proto, resp.Status, elapsed)
	for _, l := range sortedHeaderLines(RedactHeader(resp.Header)) {
		fmt.Fprintf(&buf, "< %s\n", l)
	}
	buf.WriteString("<\n")
	writeBody(&buf, "< ", Redact(resp.Header.Get("Content-Type"), respBody))
	if readErr != nil {
		fmt.Fprintf(&buf, "< (body read failed: %v)\n", readErr)
	}
	buf.WriteString("\n")
	t.flush(buf.Bytes())
	return resp, nil
}

func (t *TraceTransport) flush(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.W.Write(b)
}

func writeBody(buf *bytes.Buffer, prefix string, body []byte) {
	if len(body) == 0 {
		return
	}
	for _, line := range bytes.Split(bytes.TrimRight(body, "\n"), []byte("\n")) {
		buf.WriteString(prefix)
		buf.Write(line)
		buf.WriteByte('\n')
	}
}
