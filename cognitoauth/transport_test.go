package cognitoauth

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

// TestRedirectsAreNeverFollowed: every flow's first request carries a secret (the password, the
// SRP username with the client secret's hash, the signed Admin call, the refresh token); a
// redirect is refused whatever the client, and the host it names is never contacted.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	target := fixture.NewLanding(t)
	follows := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	flows := map[Flow]LoginInput{
		FlowSRP:           {Flow: FlowSRP, Username: "john.doe", Password: vaPassword},
		FlowPassword:      pwLogin,
		FlowAdminPassword: {Flow: FlowAdminPassword, Username: "john.doe", Password: vaPassword},
		FlowRefresh:       {Flow: FlowRefresh, Username: "john.doe", RefreshToken: tokenRT},
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		for flow, in := range flows {
			for _, hc := range []*http.Client{nil, follows} {
				c := testClient(fixture.Redirector(t, status, target.URL))
				c.HTTPClient, c.ClientSecret = hc, "client-secret-value"
				c.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
				_, err := c.Login(context.Background(), &in, nil)
				var re *RedirectError
				if !errors.As(err, &re) || re.StatusCode != status || re.Location != target.URL {
					t.Errorf("%s, HTTP %d: Login = %v; want a *RedirectError to %s", flow, status, err, target.URL)
					continue
				}
				if !strings.HasPrefix(err.Error(), "cognitoauth: ") || strings.Contains(err.Error(), fixture.RedirectQuery) {
					t.Errorf("%s: Error() = %q; want a cognitoauth: prefix and no query", flow, err)
				}
			}
		}
	}
	if n := target.Contacted(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
}

// TestStalledServerTimesOut: no reply, or a body that stops, ends after the client's Timeout.
func TestStalledServerTimesOut(t *testing.T) {
	for _, headers := range []bool{false, true} {
		c := testClient(fixture.Stall(t, headers))
		c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond}
		_, err := c.Login(context.Background(), &pwLogin, nil)
		var te *httpx.TimeoutError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), "within 300ms") {
			t.Errorf("headers sent %v: Login = %v; want a timeout naming 300ms", headers, err)
		}
	}
}
