package idtoken

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/textsafe"
)

// replyTransport answers every request with one status and body.
type replyTransport struct {
	status int
	body   []byte
}

func (r replyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: r.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(r.body)), Request: req}, nil
}

// jwtWhole is a whole compact JWT (three segments), what a refusal must never quote; the
// start of one cut off at the end of a reply is hidden too (ScrubCut), the first segments of
// one cut in the middle of a text are not a token.
var jwtWhole = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}`)

// FuzzGitHubReply feeds any reply of GitHub Actions' ID-token endpoint (and so of Buildkite's,
// read by the same code) to Token. A token it returns is the reply's "value", trimmed, as a
// second, generic reading finds it; a refusal is a *ResponseError carrying the status, printed
// on one line, without the request token (raw, URL- or base64-encoded) or any JWT the reply
// held.
func FuzzGitHubReply(f *testing.F) {
	const requestToken = "CANARYghRequestToken.eyJ0aGUgam9iIHRva2Vu.0123456789"
	f.Add(200, []byte(`{"count":1,"value":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIn0.c2ln"}`))                  // what the runtime answers
	f.Add(403, []byte(`{"message":"Bearer `+requestToken+` is not valid for eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}`)) // a refusal echoing the request token and a token
	f.Add(200, []byte(`{"value":"  padded\n","Value":"other"}`))                                                           // blanks to trim, a key in another case
	f.Add(200, []byte(`{"value":5}`))                                                                                      // a value that is not a string
	f.Add(502, []byte("<html>\x1b[2J\r\nrawsts: forged "+url.QueryEscape(requestToken)+"</html>"))                         // a page with controls and the token URL-encoded
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 || status >= 300 && status < 400 {
			return // 3xx: a redirect, refused before the body is read
		}
		g := &GitHubActions{RequestURL: "http://127.0.0.1:1/token?api-version=2.0", RequestToken: requestToken,
			HTTPClient: &http.Client{Transport: replyTransport{status, body}}}
		tok, err := g.Token(context.Background())
		if err == nil {
			var doc map[string]json.RawMessage
			var value string
			if json.Unmarshal(body, &doc) != nil || json.Unmarshal(doc["value"], &value) != nil || tok != strings.TrimSpace(value) || tok == "" {
				t.Fatalf("Token() = %q from %q; a second reading finds %q", tok, body, value)
			}
			return
		}
		var re *ResponseError
		if !errors.As(err, &re) || re.StatusCode != status {
			t.Fatalf("Token() error %T %v on HTTP %d; want a *ResponseError with the status", err, err, status)
		}
		msg := err.Error()
		for _, form := range []string{requestToken, url.QueryEscape(requestToken), base64.StdEncoding.EncodeToString([]byte(requestToken))} {
			if strings.Contains(msg, form) {
				t.Fatalf("Token() error %q shows the request token", msg)
			}
		}
		if m := jwtWhole.FindString(msg); m != "" {
			t.Fatalf("Token() error %q shows a JWT (%q)", msg, m)
		}
		if !textsafe.Printable(msg) {
			t.Fatalf("Token() error %q is not on one line", msg)
		}
	})
}
