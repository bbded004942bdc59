package httpx

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rawsts/rawsts/internal/textsafe"
)

// TraceTransport is an http.RoundTripper that writes every request and response to W, in a form
// close to HTTP/1.1 on the wire: "> " before what was sent and "< " before what came back.
// It is what the CLI's --trace installs.
//
// Secrets are hidden twice: by name ([Redact], [RedactHeader], [RedactForm]: the form fields,
// headers, JSON keys and XML elements that carry them), and by value ([Secrets.Scrub]), so that a
// server echoing one elsewhere — in a header, an HTML page, another key, encoded — does not
// carry it into the trace. The values are those of Secrets plus every secret a traced request
// or reply carries by name, which the transport adds to Secrets as it sees them.
//
// Server text cannot act on the terminal: in every line, control characters other than tabs
// are escaped as %q escapes them, a body's lines each get their "< " (a lone \r is shown as
// \r, so it cannot return over the prefix), and a reply's body is scrubbed as cut text
// ([Secrets.ScrubCut]): cut at the 1 MiB cap, by a failed read, or by the server itself in
// the middle of a secret.
type TraceTransport struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// W receives the trace; writes are serialised, one per exchange.
	W io.Writer
	// Secrets holds the values to hide besides those the requests carry (a password, a
	// client secret, the signing credentials); nil means a set of the transport's own.
	Secrets *Secrets

	mu  sync.Mutex
	own *Secrets
}

func (t *TraceTransport) secrets() *Secrets {
	if t.Secrets != nil {
		return t.Secrets
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.own == nil {
		t.own = &Secrets{}
	}
	return t.own
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
			reqBody, _ = io.ReadAll(io.LimitReader(rc, MaxBodySize+1))
			rc.Close()
		}
	}
	secrets := t.secrets()
	reqType := req.Header.Get("Content-Type")
	secrets.AddHeader(req.Header)
	secrets.AddForm(req.URL.Query())
	secrets.AddBody(reqType, reqBody)

	var buf bytes.Buffer
	line := func(prefix, s string) {
		buf.WriteString(prefix)
		buf.WriteString(textsafe.Line(secrets.Scrub(s)))
		buf.WriteByte('\n')
	}
	uri := req.URL.EscapedPath()
	if uri == "" {
		uri = "/"
	}
	if req.URL.RawQuery != "" {
		uri += "?" + RedactForm(req.URL.RawQuery)
	}
	line("> ", req.Method+" "+uri+" HTTP/1.1")
	line("> ", "Host: "+req.URL.Host)
	for _, l := range sortedHeaderLines(RedactHeader(req.Header)) {
		line("> ", l)
	}
	buf.WriteString(">\n")
	t.writeBody(&buf, "> ", reqType, reqBody, false)

	start := time.Now()
	resp, err := base.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	if err != nil {
		line("< ", fmt.Sprintf("(no response after %v: %v)", elapsed, err))
		buf.WriteString("\n")
		t.flush(buf.Bytes())
		return nil, err
	}
	respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize+1))
	resp.Body.Close()
	// The caller reads what was read, then the same failure: a body cut short or stalled is a
	// failure on the way with --trace as without it, not a shorter reply.
	var body io.Reader = bytes.NewReader(respBody)
	if readErr != nil {
		body = io.MultiReader(body, errReader{readErr})
	}
	resp.Body = io.NopCloser(body)
	shown, over := respBody, len(respBody) > MaxBodySize
	if over {
		shown = respBody[:MaxBodySize]
	}
	respType := resp.Header.Get("Content-Type")
	// Learn what the reply carries before printing any of it: a header may echo the body.
	secrets.AddHeader(resp.Header)
	secrets.AddBody(respType, shown)
	line("< ", fmt.Sprintf("%s %s (%v)", resp.Proto, resp.Status, elapsed))
	for _, l := range sortedHeaderLines(RedactHeader(resp.Header)) {
		line("< ", l)
	}
	buf.WriteString("<\n")
	// A reply may end in the middle of a secret even when it was read whole (a server that cuts
	// its own message, a page that echoes half a token): hide a secret's start at its end, as
	// Snippet does for errors.
	t.writeBody(&buf, "< ", respType, shown, true)
	if over {
		line("< ", fmt.Sprintf("(the body goes on past the %d-byte cap; the rest was not read)", MaxBodySize))
	}
	if readErr != nil {
		line("< ", fmt.Sprintf("(body read failed: %v)", readErr))
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

// writeBody writes body, its secrets hidden by name and by value (as cut text when cut), one
// "prefix" line per line of the body.
func (t *TraceTransport) writeBody(buf *bytes.Buffer, prefix, contentType string, body []byte, cut bool) {
	if len(body) == 0 {
		return
	}
	text := string(Redact(contentType, body))
	if cut {
		text = t.secrets().ScrubCut(text)
	} else {
		text = t.secrets().Scrub(text)
	}
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		buf.WriteString(prefix)
		buf.WriteString(textsafe.Line(strings.TrimSuffix(l, "\r")))
		buf.WriteByte('\n')
	}
}

// errReader fails every Read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
