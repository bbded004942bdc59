package json11

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/retry"
)

func testClient() *Client {
	return &Client{Service: "svc", TargetPrefix: "AWSTestService.", UserAgent: "rawsts/test",
		Retry: retry.Policy{Backoff: func(int) time.Duration { return 0 }}}
}

// TestDoSendsTheProtocol: the method, headers and body of a call, a signing hook run on every
// attempt (a retried call is signed anew), and the reply decoded.
func TestDoSendsTheProtocol(t *testing.T) {
	var attempts, signed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != ContentType || r.Header.Get("X-Amz-Target") != "AWSTestService.Op" ||
			r.Header.Get("User-Agent") != "rawsts/test" || string(body) != `{"Name":"x"}` || r.Header.Get("Authorization") != "signed" {
			t.Errorf("request %s %v %s", r.Method, r.Header, body)
		}
		w.Header().Set("Content-Type", ContentType)
		if attempts.Add(1) == 1 {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"TooManyRequestsException","message":"slow down"}`)
			return
		}
		io.WriteString(w, `{"Value":"ok"}`)
	}))
	defer srv.Close()
	var out struct{ Value string }
	err := testClient().Do(context.Background(), srv.URL, Request{Op: "Op", In: map[string]string{"Name": "x"}, Out: &out,
		Sign: func(req *http.Request, body []byte) error {
			signed.Add(1)
			req.Header.Set("Authorization", "signed")
			return nil
		}})
	if err != nil || out.Value != "ok" || attempts.Load() != 2 || signed.Load() != 2 {
		t.Errorf("Do = %v, %+v after %d attempts, %d signatures; want ok after 2 and 2", err, out, attempts.Load(), signed.Load())
	}
}

func TestDoErrors(t *testing.T) {
	const secret = "CANARY-login-token-value"
	tests := []struct {
		name, body string
		status     int
		check      func() error
		want       string // in the error's text
		typ        string // APIError's Type; "" means a *ResponseError
		attempts   int32
	}{
		{"api error", `{"__type":"aws.test#NotAuthorizedException:http://x","message":"no"}`, 400, nil, "NotAuthorizedException: no (HTTP 400)", "NotAuthorizedException", 1},
		{"internal error retried", `{"__type":"InternalErrorException"}`, 500, nil, "InternalErrorException", "InternalErrorException", 3},
		{"duplicate key", `{"Value":"a","value":"b"}`, 200, nil, `Op reply has the key "value" twice in the reply`, "", 1},
		{"trailing data", `{"Value":"a"} {}`, 200, nil, "Op reply is not JSON", "", 1},
		{"wrong type", `{"Value":1}`, 200, nil, "Op reply has a JSON number where Cognito sends a string (Value)", "", 1},
		{"check refuses", `{"Value":"a"}`, 200, func() error { return errors.New("has a Value that is not b") }, "Op reply has a Value that is not b", "", 1},
		{"echoed secret", `<html>` + secret + `</html>`, 502, nil, "<redacted", "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var attempts atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				attempts.Add(1)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			var out struct{ Value string }
			secrets := httpx.NewSecrets(secret)
			err := testClient().Do(context.Background(), srv.URL, Request{Op: "Op", In: struct{}{}, Out: &out, Check: tt.check, Secrets: secrets})
			var ae *APIError
			var re *ResponseError
			switch {
			case tt.typ != "" && (!errors.As(err, &ae) || ae.Type != tt.typ):
				t.Errorf("Do = %v; want an *APIError %s", err, tt.typ)
			case tt.typ == "" && !errors.As(err, &re):
				t.Errorf("Do = %v; want a *ResponseError", err)
			case !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), secret):
				t.Errorf("Do = %q; want it to contain %q and no secret", err, tt.want)
			}
			if attempts.Load() != tt.attempts {
				t.Errorf("%d attempts; want %d", attempts.Load(), tt.attempts)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	if got, want := FormatAPIError("pkg", "T", "line\nbreak\x1b[2J", 400, "do x"), `pkg: T: line\nbreak\x1b[2J (HTTP 400); hint: do x`; got != want {
		t.Errorf("FormatAPIError = %q; want %q", got, want)
	}
	if got, want := FormatResponseError("pkg", 502, nil, ""), "pkg: unexpected reply (HTTP 502): empty body"; got != want {
		t.Errorf("FormatResponseError = %q; want %q", got, want)
	}
}
