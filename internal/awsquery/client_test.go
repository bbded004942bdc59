package awsquery

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/retry"
)

const okBody = `<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-ok</RequestId></ResponseMetadata></GetCallerIdentityResponse>`

func errBody(code string) string {
	return `<ErrorResponse><Error><Type>Sender</Type><Code>` + code + `</Code><Message>m</Message></Error><RequestId>r-err</RequestId></ErrorResponse>`
}

// replies serves the given (status, body) pairs in order and counts the requests.
func replies(t *testing.T, seq ...any) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if 2*i+1 >= len(seq) {
			t.Errorf("unexpected request %d", i+1)
			w.WriteHeader(599)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(seq[2*i].(int))
		io.WriteString(w, seq[2*i+1].(string))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func testClient() *Client {
	return &Client{Service: "sts", Version: "2011-06-15", Retry: retry.Policy{Backoff: func(int) time.Duration { return 0 }}}
}

func TestDoSendsForm(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, gotBody = r, string(b)
		io.WriteString(w, okBody)
	}))
	defer srv.Close()
	c := testClient()
	c.UserAgent = "rawsts/test"
	var signed int
	c.Sign = func(req *http.Request, body []byte) error {
		signed++
		req.Header.Set("Authorization", fmt.Sprintf("fake %d", len(body)))
		return nil
	}
	res, err := c.Do(context.Background(), srv.URL, "GetCallerIdentity", url.Values{"X": {"a b"}})
	if err != nil {
		t.Fatal(err)
	}
	if acct, _ := res.String("Account"); acct != "123456789012" || res.RequestID != "r-ok" {
		t.Errorf("result = %q, %q", acct, res.RequestID)
	}
	form, _ := url.ParseQuery(gotBody)
	if diff := cmp.Diff(url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}, "X": {"a b"}}, form); diff != "" {
		t.Errorf("form mismatch (-want +got):\n%s", diff)
	}
	checks := []struct{ name, got, want string }{
		{"method", got.Method, "POST"},
		{"Content-Type", got.Header.Get("Content-Type"), ContentType},
		{"User-Agent", got.Header.Get("User-Agent"), "rawsts/test"},
		{"Authorization", got.Header.Get("Authorization"), fmt.Sprintf("fake %d", len(gotBody))},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %q; want %q", ck.name, ck.got, ck.want)
		}
	}
	if signed != 1 {
		t.Errorf("Sign called %d times; want 1", signed)
	}
}

func TestDoRetries(t *testing.T) {
	tests := []struct {
		name      string
		seq       []any
		wantCalls int32
		wantCode  string // "" = success
	}{
		{"500 then 200", []any{500, errBody("InternalFailure"), 200, okBody}, 2, ""},
		{"Throttling then 200", []any{400, errBody("Throttling"), 200, okBody}, 2, ""},
		{"IDPCommunicationError then 200", []any{400, errBody("IDPCommunicationError"), 200, okBody}, 2, ""},
		{"empty 502 then 200", []any{502, "", 200, okBody}, 2, ""},
		{"AccessDenied not retried", []any{403, errBody("AccessDenied")}, 1, "AccessDenied"},
		{"InvalidIdentityToken not retried", []any{400, errBody("InvalidIdentityToken")}, 1, "InvalidIdentityToken"},
		{"ExpiredTokenException not retried", []any{400, errBody("ExpiredTokenException")}, 1, "ExpiredTokenException"},
		{"ValidationError not retried", []any{400, errBody("ValidationError")}, 1, "ValidationError"},
		{"three 503s give up", []any{503, errBody("ServiceUnavailable"), 503, errBody("ServiceUnavailable"), 503, errBody("ServiceUnavailable")}, 3, "ServiceUnavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := replies(t, tt.seq...)
			_, err := testClient().Do(context.Background(), srv.URL, "GetCallerIdentity", nil)
			if n.Load() != tt.wantCalls {
				t.Errorf("calls = %d; want %d", n.Load(), tt.wantCalls)
			}
			var apiErr *APIError
			switch {
			case tt.wantCode == "" && err != nil:
				t.Errorf("Do = %v; want success", err)
			case tt.wantCode != "" && (!errors.As(err, &apiErr) || apiErr.Code != tt.wantCode):
				t.Errorf("Do = %v; want APIError %s", err, tt.wantCode)
			}
		})
	}
}

func TestDoConnectionReset(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.(*net.TCPConn).SetLinger(0) // RST instead of FIN
			conn.Close()
			return
		}
		io.WriteString(w, okBody)
	})}}
	srv.Start()
	defer srv.Close()
	if _, err := testClient().Do(context.Background(), srv.URL, "GetCallerIdentity", nil); err != nil {
		t.Fatalf("Do = %v; want success after a reset", err)
	}
	if n.Load() != 2 {
		t.Errorf("calls = %d; want 2", n.Load())
	}
}

func TestDoContextCanceled(t *testing.T) {
	srv, n := replies(t, 500, errBody("InternalFailure"), 500, errBody("InternalFailure"))
	ctx, cancel := context.WithCancel(context.Background())
	c := testClient()
	c.Retry.Backoff = func(int) time.Duration { cancel(); return time.Hour }
	_, err := c.Do(ctx, srv.URL, "GetCallerIdentity", nil)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "sts: ") {
		t.Errorf("Do = %v; want sts: … context.Canceled", err)
	}
	if n.Load() != 1 {
		t.Errorf("calls = %d; want 1", n.Load())
	}
}

func TestDoBodyTooLarge(t *testing.T) {
	big := "<GetCallerIdentityResponse>" + strings.Repeat(" ", httpx.MaxBodySize) + "</GetCallerIdentityResponse>"
	srv, _ := replies(t, 200, big)
	_, err := testClient().Do(context.Background(), srv.URL, "GetCallerIdentity", nil)
	var re *ResponseError
	if !errors.As(err, &re) || !errors.Is(err, httpx.ErrBodyTooLarge) {
		t.Errorf("Do = %v; want ResponseError wrapping ErrBodyTooLarge", err)
	}
}

func TestDoRedactsEchoedSecrets(t *testing.T) {
	token := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	msg := "1 validation error detected: Value '" + token + "' at 'webIdentityToken' failed; also secret123"
	srv, _ := replies(t, 400, `<ErrorResponse><Error><Code>ValidationError</Code><Message>`+msg+`</Message></Error></ErrorResponse>`)
	_, err := testClient().Do(context.Background(), srv.URL, "AssumeRoleWithWebIdentity", url.Values{"WebIdentityToken": {token}, "TokenCode": {"secret123"}})
	if err == nil || strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "secret123") || strings.Contains(err.Error(), "eyJ") {
		t.Errorf("Do = %v; want the token and code redacted", err)
	}
}

// TestDoScrubsProxyPages: a reply that is not STS's (here a firewall's page on a 400) is quoted
// in the ResponseError, so a secret it echoes must be scrubbed there too — even one that is not
// JWT-shaped, such as an OAuth access token.
func TestDoScrubsProxyPages(t *testing.T) {
	token := "opaque-secret-access-token-value"
	srv, _ := replies(t, 400, "<html>blocked by WAF: WebIdentityToken="+token+"</html>")
	_, err := testClient().Do(context.Background(), srv.URL, "AssumeRoleWithWebIdentity", url.Values{"WebIdentityToken": {token}})
	var respErr *ResponseError
	if !errors.As(err, &respErr) {
		t.Fatalf("Do = %v; want a *ResponseError", err)
	}
	if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "blocked by WAF") {
		t.Errorf("Do = %v; want the page quoted with the token scrubbed", err)
	}
}

// TestDoHidesEchoesOfSignedCalls: a signed call's session token, signature and secret key,
// echoed by the service (InvalidClientTokenId: "The security token included in the request is
// invalid", which may quote the token) or by a proxy, in any encoding, stay out of the error.
func TestDoHidesEchoesOfSignedCalls(t *testing.T) {
	const (
		tok = "IQoJb3JpZ2luX2VjEE0a+session/token=="
		sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
		key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	)
	encodings := map[string]func(string) string{
		"raw":          func(s string) string { return s },
		"query escape": url.QueryEscape,
		"path escape":  url.PathEscape,
		"JSON-escaped": func(s string) string { return strings.ReplaceAll(s, "/", `\/`) },
		"XML-escaped": func(s string) string {
			return strings.NewReplacer("+", "&#43;", "/", "&#x2F;", "=", "&#61;").Replace(s)
		},
		"base64":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	}
	for name, enc := range encodings {
		for _, shape := range []string{"ErrorResponse", "proxy page"} {
			t.Run(name+"/"+shape, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					echo := enc(r.Header.Get("X-Amz-Security-Token")) + " " + enc(sig) + " " + enc(key)
					if shape == "proxy page" {
						w.WriteHeader(403)
						io.WriteString(w, "<html>denied "+echo+"</html>")
						return
					}
					w.WriteHeader(403)
					var b strings.Builder
					xml.EscapeText(&b, []byte("The security token included in the request is invalid: "+echo))
					io.WriteString(w, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>"+b.String()+"</Message></Error></ErrorResponse>")
				}))
				defer srv.Close()
				c := testClient()
				c.Secrets = []string{key}
				c.Sign = func(req *http.Request, body []byte) error {
					req.Header.Set("X-Amz-Security-Token", tok)
					req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature="+sig)
					return nil
				}
				_, err := c.Do(context.Background(), srv.URL, "GetCallerIdentity", nil)
				if err == nil {
					t.Fatal("Do succeeded")
				}
				for _, secret := range []string{enc(tok), enc(sig), enc(key)} {
					if strings.Contains(err.Error(), secret[2:len(secret)-3]) {
						t.Errorf("Do = %v; want %q hidden", err, secret)
					}
				}
			})
		}
	}
}

// TestDoScrubsBeforeCutting: a page that echoes the token across the snippet's limit keeps
// nothing of it: the scrub comes before the cut.
func TestDoScrubsBeforeCutting(t *testing.T) {
	token := "opaque-secret-access-token-value-0123456789"
	page := "<html>" + strings.Repeat("x", SnippetSize-35) + " WebIdentityToken=" + token + "</html>" // the token spans byte SnippetSize
	srv, _ := replies(t, 400, page)
	_, err := testClient().Do(context.Background(), srv.URL, "AssumeRoleWithWebIdentity", url.Values{"WebIdentityToken": {token}})
	if err == nil || strings.Contains(err.Error(), "opaque-se") || !strings.Contains(err.Error(), "<redacted") {
		t.Errorf("Do = %v; want the token hidden before the snippet was cut", err)
	}
}

// TestDoScrubsTransportErrors: a server whose status line echoes the token makes Go's client
// fail with "malformed HTTP status code" quoting it; the error must not.
func TestDoScrubsTransportErrors(t *testing.T) {
	token := "opaque-secret-access-token-value"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 4096)
		conn.Read(buf)
		io.WriteString(conn, "HTTP/1.1 "+url.QueryEscape(token)+"\r\n\r\n")
	}()
	c := testClient()
	c.Retry.MaxAttempts = 1
	_, err = c.Do(context.Background(), "http://"+ln.Addr().String()+"/", "AssumeRoleWithWebIdentity", url.Values{"WebIdentityToken": {token}})
	if err == nil || strings.Contains(err.Error(), "opaque-secret") || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("Do = %v; want Go's error with the token hidden", err)
	}
}

func TestDoBadEndpoint(t *testing.T) {
	for _, ep := range []string{"http://sts.amazonaws.com/", "ftp://x/", "::"} {
		if _, err := testClient().Do(context.Background(), ep, "GetCallerIdentity", nil); err == nil || !strings.HasPrefix(err.Error(), "sts: ") {
			t.Errorf("Do(%q) = %v; want an sts: endpoint error", ep, err)
		}
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"reset", fmt.Errorf("x: %w", syscall.ECONNRESET), true},
		{"EOF", fmt.Errorf("x: %w", io.EOF), true},
		{"refused", fmt.Errorf("x: %w", syscall.ECONNREFUSED), false},
		{"canceled", context.Canceled, false},
		{"5xx response error", &ResponseError{StatusCode: 502}, true},
		{"4xx response error", &ResponseError{StatusCode: 404}, false},
		{"too large", &ResponseError{StatusCode: 500, Err: httpx.ErrBodyTooLarge}, false},
		{"TooManyRequestsException", &APIError{Code: "TooManyRequestsException", StatusCode: 400}, true},
		{"RegionDisabledException", &APIError{Code: "RegionDisabledException", StatusCode: 403}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Retryable(tt.err); got != tt.want {
				t.Errorf("Retryable(%v) = %v; want %v", tt.err, got, tt.want)
			}
		})
	}
}
