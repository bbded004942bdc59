package main

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
)

func TestThumbprint(t *testing.T) {
	p := newTestPKI(t)
	srv := p.tlsIssuer(t, testKid)
	// Computed here, independently of jwtinspect: the SHA-1 of the last certificate the server
	// presents, which is the intermediate.
	sum := sha1.Sum(p.inter.Raw)
	want := hex.EncodeToString(sum[:])
	host := strings.TrimPrefix(srv.URL, "https://")

	for _, tt := range []struct {
		name string
		args []string
	}{
		{"discovery", []string{srv.URL, "--ca-file", p.caFile}},
		{"host", []string{"--host", host, "--ca-file", p.caFile}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", nil, append([]string{"thumbprint"}, tt.args...)...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			for _, s := range []string{want, host, "CN=rawsts test intermediate,O=rawsts test", "CN=rawsts test root,O=rawsts test", "fallback"} {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			r = runCLI(t, nil, "", nil, append([]string{"thumbprint", "--json"}, tt.args...)...)
			var doc struct {
				SHA1, Subject, Host, Note string
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.SHA1 != want || doc.Host != host || doc.Note == "" {
				t.Errorf("--json = %+v (err %v); want sha1 %s, host %s and the note", doc, err, want, host)
			}
		})
	}
}

func TestThumbprintFailures(t *testing.T) {
	p := newTestPKI(t)
	srv := p.tlsIssuer(t, testKid)
	plainJWKS := p.tlsServer(t, func(base string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"issuer":"` + base + `","jwks_uri":"http://keys.example.com/jwks"}`))
		})
	})
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"untrusted CA", []string{srv.URL}, exitTransport, "certificate"},
		{"untrusted CA, host", []string{"--host", strings.TrimPrefix(srv.URL, "https://")}, exitTransport, "certificate"},
		{"jwks_uri not https", []string{plainJWKS.URL, "--ca-file", p.caFile}, exitRefused, "not https"},
		{"no issuer", nil, exitUsage, "no issuer"},
		{"issuer and host", []string{srv.URL, "--host", "example.com"}, exitUsage, "not both"},
		{"not a URL", []string{"token.actions.githubusercontent.com"}, exitUsage, "not an issuer URL"},
		{"bad ca file", []string{srv.URL, "--ca-file", p.caFile + ".absent"}, exitUsage, "--ca-file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", nil, append([]string{"thumbprint"}, tt.args...)...)
			if r.code != tt.code || !strings.HasPrefix(r.stderr, "rawsts") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and a message naming %q", r.code, r.stderr, tt.code, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q; want nothing on failure", r.stdout)
			}
		})
	}
}

// TestThumbprintRedirect: an issuer whose discovery document redirects gets one sentence that
// names the URL, the status and the Location (a redirect is an answer, not "cannot get a
// reply"), exit 3; the Location's host is never contacted.
func TestThumbprintRedirect(t *testing.T) {
	target := fixture.NewLanding(t)
	issuer := fixture.Redirector(t, http.StatusFound, target.URL)
	r := runCLI(t, nil, "", nil, "thumbprint", issuer)
	want := "rawsts: GET " + issuer + "/.well-known/openid-configuration: HTTP 302, a redirect to " + target.URL + "; not followed"
	if r.code != exitTransport || !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want %d and one line starting %q", r.code, r.stderr, exitTransport, want)
	}
	if n := target.Contacted(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
}
