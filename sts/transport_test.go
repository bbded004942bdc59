package sts

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sigv4"
)

// TestRedirectsAreNeverFollowed: a redirect would carry the token (unsigned calls) or the
// Authorization and X-Amz-Security-Token headers (signed calls) to the host the Location names.
// Whatever the client — the default, or a caller's that would follow — the target is never
// contacted and the error is a *RedirectError naming the Location's scheme and host.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	target := fixture.NewLanding(t)
	creds := &sigv4.Credentials{AccessKeyID: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SessionToken: "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"}
	follows := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, hc := range []*http.Client{nil, follows} {
			name := http.StatusText(status)
			if hc != nil {
				name += "/caller's client"
			}
			t.Run(name, func(t *testing.T) {
				c := &Client{Endpoint: fixture.Redirector(t, status, target.URL), HTTPClient: hc, Credentials: creds}
				in := validInput()
				_, err1 := c.AssumeRoleWithWebIdentity(context.Background(), &in)
				_, err2 := c.GetCallerIdentity(context.Background())
				for _, err := range []error{err1, err2} {
					var re *RedirectError
					if !errors.As(err, &re) || re.StatusCode != status || re.Location != target.URL {
						t.Fatalf("error = %v; want a *RedirectError with status %d and Location %s", err, status, target.URL)
					}
					if !strings.HasPrefix(err.Error(), "sts: ") || strings.Contains(err.Error(), fixture.RedirectQuery) {
						t.Errorf("Error() = %q; want an sts: prefix and no query", err)
					}
				}
			})
		}
	}
	if n := target.Contacted(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
	if follows.Timeout != 0 {
		t.Errorf("the caller's client was modified")
	}
}

// TestStalledServerTimesOut: a server that never answers, or stops in the middle of its body,
// ends in a *httpx.TimeoutError after the client's Timeout, and is not retried.
func TestStalledServerTimesOut(t *testing.T) {
	for _, tt := range []struct {
		name    string
		headers bool
	}{
		{"no reply", false},
		{"body stalls", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{Endpoint: fixture.Stall(t, tt.headers), HTTPClient: &http.Client{Timeout: 300 * time.Millisecond}, Backoff: noBackoff}
			in := validInput()
			_, err := c.AssumeRoleWithWebIdentity(context.Background(), &in)
			var te *httpx.TimeoutError
			if !errors.As(err, &te) || te.Limit != 300*time.Millisecond || !strings.Contains(err.Error(), "within 300ms") {
				t.Fatalf("AssumeRoleWithWebIdentity = %v; want a timeout naming 300ms", err)
			}
		})
	}
}
