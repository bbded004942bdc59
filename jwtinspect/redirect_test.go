package jwtinspect_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rawsts/rawsts/jwtinspect"
)

// landing is a loopback server counting the connections opened to it: where a hostile
// redirect points, never to be contacted.
func landing(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"issuer":"followed","jwks_uri":"followed"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// redirector answers every request with status and a Location on to.
func redirector(t *testing.T, status int, to string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", to+"/elsewhere?q=secret")
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRedirectsAreNeverFollowed: the discovery document, the JWKS and Thumbprint's discovery
// fetch refuse a redirect with a *RedirectError naming the Location's scheme and host, with the
// Verifier's default client and with a caller's that would follow.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	e := newVerifyEnv(t)
	target, contacted := landing(t)
	follows := *e.v.HTTPClient
	follows.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, hc := range []*http.Client{nil, &follows} {
			from := redirector(t, status, target)
			v := &jwtinspect.Verifier{HTTPClient: hc}
			if hc == nil {
				v.HTTPClient = e.v.HTTPClient
			}
			iss := decoded(t, mint(t, jwt.SigningMethodRS256, e.k.rsa, "k-rsa", map[string]any{"iss": from}))
			_, errDiscovery := v.Verify(context.Background(), iss)
			_, errThumb := v.Thumbprint(context.Background(), from)

			e.is.set(func(is *issuer) { is.discovery = map[string]any{"issuer": is.URL, "jwks_uri": from + "/jwks"} })
			_, errJWKS := v.Verify(context.Background(), e.token(t, jwt.SigningMethodRS256, e.k.rsa, "k-rsa"))
			e.is.set(func(is *issuer) { is.discovery = nil })

			for step, err := range map[string]error{jwtinspect.StepDiscovery: errDiscovery, "thumbprint": errThumb, jwtinspect.StepJWKS: errJWKS} {
				var re *jwtinspect.RedirectError
				if !errors.As(err, &re) || re.StatusCode != status || re.Location != target {
					t.Errorf("HTTP %d at %s: error = %v; want a *RedirectError to %s", status, step, err, target)
					continue
				}
				var se *jwtinspect.StepError
				if step != "thumbprint" && (!errors.As(err, &se) || se.Step != step) {
					t.Errorf("HTTP %d: error = %v; want step %s", status, err, step)
				}
				if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "not documented") {
					t.Errorf("Error() = %q; want no query and a note that STS's behaviour is not documented", err)
				}
			}
		}
	}
	if n := contacted.Load(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
	if follows.CheckRedirect(nil, nil) != nil {
		t.Errorf("the caller's client was modified")
	}
}

// TestThumbprintOfStalledHost: a host that accepts the connection and never answers the TLS
// handshake ends at the context's deadline, with an error naming the time allowed.
func TestThumbprintOfStalledHost(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = jwtinspect.ThumbprintOf(ctx, l.Addr().String(), nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "did not finish within 300ms") {
		t.Errorf("ThumbprintOf(stalled host) = %v; want a deadline error naming 300ms", err)
	}
}
