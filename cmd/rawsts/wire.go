package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/rawsts/rawsts/internal/textsafe"
)

// wireHeaderOrder puts the signature's own headers after the others, in the order a reader
// follows the algorithm: the date, the session token, the payload hash, then Authorization.
var wireHeaderOrder = map[string]int{
	"X-Amz-Date":           1,
	"X-Amz-Security-Token": 2,
	"X-Amz-Content-Sha256": 3,
	"Authorization":        4,
}

// writeWireRequest prints r as HTTP/1.1 puts it on the wire, in the form a fixture file's
// "-- request --" section holds: the request line, Host, the other headers sorted by name,
// Content-Length when there is a body, X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-Sha256
// and Authorization, a blank line, and the body.
func writeWireRequest(w io.Writer, r *http.Request, body []byte) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\n", r.Method, r.URL.RequestURI())
	fmt.Fprintf(&b, "Host: %s\n", host)
	h := r.Header.Clone()
	if len(body) > 0 && h.Get("Content-Length") == "" {
		h.Set("Content-Length", fmt.Sprint(len(body)))
	}
	names := make([]string, 0, len(h))
	for k := range h {
		if http.CanonicalHeaderKey(k) != "Host" {
			names = append(names, k)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		oi, oj := wireHeaderOrder[names[i]], wireHeaderOrder[names[j]]
		if oi != oj {
			return oi < oj
		}
		return names[i] < names[j]
	})
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n")
	b.Write(body)
	if len(body) > 0 && body[len(body)-1] != '\n' {
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}

// writeWireResponseHead prints the status line and headers of resp, sorted by name, and the
// blank line after them: what `curl -i` shows before the body, in a fixture's
// "-- response --" form. Control characters the server put in them are escaped (\x1b, \r).
func writeWireResponseHead(w io.Writer, resp *http.Response) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", resp.Proto, textsafe.OneLine(resp.Status))
	names := make([]string, 0, len(resp.Header))
	for k := range resp.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", textsafe.OneLine(k), textsafe.OneLine(v))
		}
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}
