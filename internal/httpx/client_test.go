package httpx

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
)

func TestSendRefusesEveryRedirect(t *testing.T) {
	target := fixture.NewLanding(t)
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			redirector := fixture.Redirector(t, status, target.URL)
			// A caller's own client that would follow redirects: Send must not, and must leave
			// the caller's client as it was.
			var followed atomic.Bool
			own := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { followed.Store(true); return nil }}
			req, _ := http.NewRequest(http.MethodPost, redirector, strings.NewReader("Password=SECRET"))
			resp, _, err := Send(own, req)
			var re *RedirectError
			if !errors.As(err, &re) {
				t.Fatalf("Send() error = %v; want a *RedirectError", err)
			}
			if re.StatusCode != status || re.Location != target.URL || resp == nil || resp.StatusCode != status {
				t.Errorf("RedirectError = %+v; want status %d and Location %q", re, status, target.URL)
			}
			if strings.Contains(err.Error(), fixture.RedirectQuery) || strings.Contains(err.Error(), "landing") {
				t.Errorf("Error() = %q; want the Location's scheme and host only", err)
			}
			if !strings.Contains(err.Error(), target.URL) {
				t.Errorf("Error() = %q; want it to name %s", err, target.URL)
			}
			if followed.Load() || own.CheckRedirect == nil || own.Timeout != 0 {
				t.Errorf("the caller's client was consulted or modified")
			}
		})
	}
	if n := target.Contacted(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
}

func TestRedirectLocation(t *testing.T) {
	for _, tt := range []struct {
		location, want string
	}{
		{"https://other.example:8443/p?x=1#f", "https://other.example:8443"},
		{"https://user:pass@other.example/", "https://other.example"},
		{"/relative?token=x", "http://127.0.0.1:1234"},
		{"", ""},
		{"http://%zz", ""},
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1234/a", nil)
		resp := &http.Response{StatusCode: 307, Header: http.Header{}, Request: req}
		if tt.location != "" {
			resp.Header.Set("Location", tt.location)
		}
		var re *RedirectError
		if err := Redirect(resp); !errors.As(err, &re) || re.Location != tt.want {
			t.Errorf("Redirect(Location %q) = %v; want Location %q", tt.location, err, tt.want)
		}
	}
	for _, status := range []int{200, 299, 400, 500} {
		if err := Redirect(&http.Response{StatusCode: status}); err != nil {
			t.Errorf("Redirect(HTTP %d) = %v; want nil", status, err)
		}
	}
}

func TestClientSetsDefaults(t *testing.T) {
	if c := Client(nil); c.Timeout != DefaultTimeout || c.CheckRedirect == nil || c == http.DefaultClient {
		t.Errorf("Client(nil) = %+v; want a copy of http.DefaultClient with Timeout %s and CheckRedirect", c, DefaultTimeout)
	}
	own := &http.Client{Timeout: 2 * time.Second}
	if c := Client(own); c.Timeout != 2*time.Second || c == own {
		t.Errorf("Client(Timeout 2s).Timeout = %s; want the caller's 2s, on a copy", c.Timeout)
	}
	if c := Client(&http.Client{Timeout: -time.Second}); c.Timeout != DefaultTimeout {
		t.Errorf("Client(Timeout -1s).Timeout = %s; want %s", c.Timeout, DefaultTimeout)
	}
}

func TestSendTimesOut(t *testing.T) {
	for _, tt := range []struct {
		name    string
		headers bool
	}{
		{"no reply", false},
		{"body stalls", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := fixture.Stall(t, tt.headers)
			req, _ := http.NewRequest(http.MethodGet, srv, nil)
			_, _, err := Send(&http.Client{Timeout: 200 * time.Millisecond}, req)
			var te *TimeoutError
			if !errors.As(err, &te) || te.Limit != 200*time.Millisecond || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Send() error = %v; want a *TimeoutError with Limit 200ms", err)
			}
			if want := "within 200ms"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), req.URL.Host) {
				t.Errorf("Error() = %q; want the host and %q", err, want)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, srv, nil)
			_, _, err = Send(nil, req)
			if !errors.As(err, &te) || te.Limit != 0 || !strings.Contains(err.Error(), "context's deadline") {
				t.Fatalf("Send(ctx deadline) error = %v; want a *TimeoutError naming the context's deadline", err)
			}
		})
	}
}
