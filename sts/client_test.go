package sts

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/httpx"
)

func load(t *testing.T, name string) *fixture.Case {
	t.Helper()
	return fixture.MustLoad(t, "../testdata/fixtures/sts/"+name+".txt")
}

// replay runs AssumeRoleWithWebIdentity with the input of the first recorded request against
// the given exchanges.
func replay(t *testing.T, maxAttempts int, cases ...*fixture.Case) (*AssumeRoleWithWebIdentityOutput, error, *fixture.Transport) {
	t.Helper()
	tr := fixture.NewTransport(t, cases...)
	c := &Client{HTTPClient: tr.Client(), MaxAttempts: maxAttempts, Backoff: noBackoff}
	form, err := url.ParseQuery(string(cases[0].Exchanges[0].Request.Body))
	if err != nil {
		t.Fatalf("recorded form: %v", err)
	}
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), webIdentityInputFromForm(t, form))
	return out, err, tr
}

func TestRetry500Then200(t *testing.T) {
	out, err, tr := replay(t, 3, load(t, "retry-internal-failure-then-success"))
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity = %v; want success after one retry", err)
	}
	if n := len(tr.Sent()); n != 2 {
		t.Errorf("attempts = %d; want 2", n)
	}
	if out.Credentials.AccessKeyID != "ASIAIOSFODNN7EXAMPLE" {
		t.Errorf("AccessKeyID = %q", out.Credentials.AccessKeyID)
	}
}

func TestRetryThrottlingThenSuccess(t *testing.T) {
	if _, err, tr := replay(t, 3, load(t, "retry-throttling-then-success")); err != nil || len(tr.Sent()) != 2 {
		t.Errorf("AssumeRoleWithWebIdentity = %v after %d attempts; want success after 2", err, len(tr.Sent()))
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	c := load(t, "error-internal-failure")
	_, err, tr := replay(t, 3, c, c, c)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "InternalFailure" || len(tr.Sent()) != 3 {
		t.Errorf("AssumeRoleWithWebIdentity = %v after %d attempts; want InternalFailure after 3", err, len(tr.Sent()))
	}
}

func TestNotRetried(t *testing.T) {
	for _, name := range []string{"error-access-denied", "error-invalid-identity-token-audience", "error-expired-token", "error-idp-rejected-claim", "error-invalid-identity-token-not-jwt", "error-validation-duration-seconds"} {
		t.Run(name, func(t *testing.T) {
			c := load(t, name)
			// Only one exchange is recorded: a retry would fail the test as an unexpected request.
			_, err, _ := replay(t, 3, c)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Errorf("AssumeRoleWithWebIdentity = %v; want *APIError", err)
			}
		})
	}
}

func TestAccessDeniedErrorText(t *testing.T) {
	_, err, _ := replay(t, 3, load(t, "error-access-denied"))
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v; want *APIError", err)
	}
	want := "sts: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity (RequestId " + apiErr.RequestID + ", HTTP 403)"
	if err.Error() != want {
		t.Errorf("Error() = %q; want %q", err, want)
	}
}

func TestValidationSendsNothing(t *testing.T) {
	tr := fixture.NewTransport(t) // no exchanges: any request fails the test
	c := &Client{HTTPClient: tr.Client()}
	in := validInput()
	in.RoleSessionName = "gha deploy/main"
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), &in)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != "RoleSessionName" {
		t.Errorf("AssumeRoleWithWebIdentity = %v; want RoleSessionName InputError", err)
	}
}

func TestContextCanceled(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(500)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{Endpoint: srv.URL, Backoff: func(int) time.Duration { cancel(); return time.Hour }}
	in := validInput()
	_, err := c.AssumeRoleWithWebIdentity(ctx, &in)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("AssumeRoleWithWebIdentity = %v; want context.Canceled", err)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d; want 1", calls.Load())
	}

	// Canceled before the call: nothing is sent.
	_, err = c.AssumeRoleWithWebIdentity(ctx, &in)
	if !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Errorf("AssumeRoleWithWebIdentity(canceled ctx) = %v after %d calls; want context.Canceled, no call", err, calls.Load())
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := &Client{Endpoint: "http://" + addr, MaxAttempts: 1}
	in := validInput()
	_, err = c.AssumeRoleWithWebIdentity(context.Background(), &in)
	var apiErr *APIError
	var inErr *InputError
	var respErr *ResponseError
	if err == nil || errors.As(err, &apiErr) || errors.As(err, &inErr) || errors.As(err, &respErr) {
		t.Errorf("AssumeRoleWithWebIdentity = %v (%T); want a transport error", err, err)
	}
	if !strings.HasPrefix(err.Error(), "sts: ") || strings.Contains(err.Error(), in.WebIdentityToken) {
		t.Errorf("Error() = %q; want an sts: prefix and no token", err)
	}
}

func TestBodyOverOneMiB(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<AssumeRoleWithWebIdentityResponse>")
		io.WriteString(w, strings.Repeat(" ", httpx.MaxBodySize))
		io.WriteString(w, "</AssumeRoleWithWebIdentityResponse>")
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL}
	in := validInput()
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), &in)
	var respErr *ResponseError
	if !errors.As(err, &respErr) || !errors.Is(err, httpx.ErrBodyTooLarge) {
		t.Errorf("AssumeRoleWithWebIdentity = %v; want *ResponseError wrapping httpx.ErrBodyTooLarge", err)
	}
}

func TestRequestOnTheWire(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, body = r, string(b)
		w.Header().Set("Content-Type", "text/xml")
		w.Write(load(t, "success-minimal").Exchanges[0].Response.Body)
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL + "/", UserAgent: "rawsts/1.0 test"}
	in := validInput()
	in.PolicyArns = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), &in); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"method", got.Method, "POST"},
		{"path", got.URL.Path, "/"},
		{"Content-Type", got.Header.Get("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8"},
		{"User-Agent", got.Header.Get("User-Agent"), "rawsts/1.0 test"},
		{"Authorization", got.Header.Get("Authorization"), ""},
		{"body", body, in.Form().Encode()},
	}
	for _, ck := range checks {
		if diff := cmp.Diff(ck.want, ck.got); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", ck.name, diff)
		}
	}
}
