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
	if req.URL.RawQuery != "" {
		uri += "?" + req.URL.RawQuery
	}
	writeRequest(&buf, secrets, "> ", req.Method, uri, req.URL.Host, req.Header, reqBody, false)

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
	writeResponse(&buf, secrets, "< ", fmt.Sprintf("%s %s (%v)", resp.Proto, resp.Status, elapsed), resp.Header, shown)
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

// writeRequest writes a request as the trace shows it, each line after prefix: the request
// line (target is the path and query as sent), Host, the headers and the body, secrets hidden
// by name (RedactForm, RedactHeader, Redact) and by value with secrets — or, with secrets nil,
// as they were (control characters escaped all the same). cut says the body was cut short:
// a secret's start at its end is hidden too.
func writeRequest(buf *bytes.Buffer, secrets *Secrets, prefix, method, target, host string, h http.Header, body []byte, cut bool) {
	if target == "" || target[0] == '?' {
		target = "/" + target
	}
	if path, query, ok := strings.Cut(target, "?"); ok && secrets != nil {
		target = path + "?" + RedactForm(query)
	}
	writeLine(buf, secrets, prefix, method+" "+target+" HTTP/1.1")
	writeLine(buf, secrets, prefix, "Host: "+host)
	writeHead(buf, secrets, prefix, h)
	writeBody(buf, secrets, prefix, h.Get("Content-Type"), body, cut)
}

// writeResponse writes a reply as the trace shows it, each line after prefix: status (the
// status line's text), the headers and the body, hidden as writeRequest hides them. A reply
// may end in the middle of a secret even when it was read whole (a server that cuts its own
// message, a page that echoes half a token): a secret's start at its end is hidden, as
// Snippet does for errors.
func writeResponse(buf *bytes.Buffer, secrets *Secrets, prefix, status string, h http.Header, body []byte) {
	writeLine(buf, secrets, prefix, status)
	writeHead(buf, secrets, prefix, h)
	writeBody(buf, secrets, prefix, h.Get("Content-Type"), body, true)
}

// writeHead writes the headers in name order, then the line that ends them.
func writeHead(buf *bytes.Buffer, secrets *Secrets, prefix string, h http.Header) {
	if secrets != nil {
		h = RedactHeader(h)
	}
	for _, l := range sortedHeaderLines(h) {
		writeLine(buf, secrets, prefix, l)
	}
	buf.WriteString(strings.TrimRight(prefix, " ") + "\n")
}

// writeLine writes one line, scrubbed with secrets unless nil, its control characters escaped.
func writeLine(buf *bytes.Buffer, secrets *Secrets, prefix, s string) {
	if secrets != nil {
		s = secrets.Scrub(s)
	}
	buf.WriteString(prefix)
	buf.WriteString(textsafe.Line(s))
	buf.WriteByte('\n')
}

// writeBody writes body, its secrets hidden by name and by value (as cut text when cut) unless
// secrets is nil, one "prefix" line per line of the body.
func writeBody(buf *bytes.Buffer, secrets *Secrets, prefix, contentType string, body []byte, cut bool) {
	if len(body) == 0 {
		return
	}
	text := string(body)
	if secrets != nil {
		text = string(Redact(contentType, body))
		if cut {
			text = secrets.ScrubCut(text)
		} else {
			text = secrets.Scrub(text)
		}
	}
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		buf.WriteString(prefix)
		buf.WriteString(textsafe.Line(strings.TrimSuffix(l, "\r")))
		buf.WriteByte('\n')
	}
}

// TraceRequest returns a request as [TraceTransport] shows it, without its "> " marks: the
// request line (target is the path and query as received), Host, the headers in name order,
// an empty line and the body, every secret hidden by name and by value with s, control
// characters escaped; cut says the body was cut short (a secret's start at its end is hidden
// too). Add the secrets the exchange carries to s first (AddForm, AddHeader,
// AddBody of the request and of the reply), as the transport does. A nil s shows the request
// as it was, secrets and all: for a page whose reader asked to see them.
func (s *Secrets) TraceRequest(method, target, host string, h http.Header, body []byte, cut bool) string {
	var buf bytes.Buffer
	writeRequest(&buf, s, "", method, target, host, h, body, cut)
	return buf.String()
}

// TraceResponse returns a reply as [TraceTransport] shows it, without its "< " marks: the
// status line (status, such as "HTTP/1.1 403 Forbidden"), the headers, an empty line and the
// body, hidden as [Secrets.TraceRequest] hides a request. A nil s shows it as it was.
func (s *Secrets) TraceResponse(status string, h http.Header, body []byte) string {
	var buf bytes.Buffer
	writeResponse(&buf, s, "", status, h, body)
	return buf.String()
}

// errReader fails every Read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
