package idtoken

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/httpx"
)

// TestCISourcesNeverFollowRedirects: GitHub Actions' and Buildkite's ID-token endpoints that
// redirect (301, 302, 307, 308) to another host get a RedirectError naming the Location's host;
// the other host is never contacted (the request token or the agent token would go with the
// request), and the error quotes no token.
func TestCISourcesNeverFollowRedirects(t *testing.T) {
	const agentToken = "bkagent_EXAMPLEagentAccessToken0123"
	contacted := 0
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { contacted++ }))
	defer target.Close()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/steal?auth="+r.Header.Get("Authorization"), status)
		}))
		for _, src := range []struct {
			name string
			s    interface {
				Token(context.Context) (string, error)
			}
		}{
			{"github", &GitHubActions{RequestURL: redirector.URL + "/?api-version=2.0", RequestToken: requestToken}},
			{"buildkite", &Buildkite{Endpoint: redirector.URL + "/v3", JobID: "job-1", AccessToken: agentToken}},
		} {
			_, err := src.s.Token(context.Background())
			var redirect *httpx.RedirectError
			if !errors.As(err, &redirect) || strings.Contains(err.Error(), requestToken) || strings.Contains(err.Error(), agentToken) ||
				!strings.Contains(err.Error(), strings.TrimPrefix(target.URL, "http://")) {
				t.Errorf("%s, HTTP %d: Token = %v; want a RedirectError naming %s, without a token", src.name, status, err, target.URL)
			}
		}
		redirector.Close()
	}
	if contacted != 0 {
		t.Errorf("the redirects' target was contacted %d times; want never", contacted)
	}
}
