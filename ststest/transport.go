package ststest

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/rawsts/rawsts/jwtinspect"
)

// issuerTransport answers the discovery and JWKS requests of the server's issuers in process:
// the request goes straight to the issuer's handler, without a socket. Any other URL is an
// error, so that the emulator's verification never reaches the network.
type issuerTransport struct{ issuers *issuerRegistry }

// RoundTrip implements http.RoundTripper.
func (t issuerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	iss, ok := t.issuers.forURL(req.URL)
	if !ok {
		return nil, fmt.Errorf("ststest: %s is not an issuer of this emulator, and the emulator fetches nothing over the network", req.URL.Redacted())
	}
	rec := httptest.NewRecorder()
	iss.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// Transport returns an http.RoundTripper that answers the discovery and JWKS requests of every
// issuer of the server — the default one, the user pools', the extra ones, those with an
// outside URL such as https://token.actions.githubusercontent.com included — in process,
// without a socket, and refuses every other URL. The emulator verifies tokens through it.
func (s *Server) Transport() http.RoundTripper { return issuerTransport{s.issuers} }

// Verifier returns a jwtinspect.Verifier that fetches through [Server.Transport]: the very
// verification the emulator's AssumeRoleWithWebIdentity runs, for a test to hand to
// `rawsts diagnose`'s library (internal/diagnose) or to jwtinspect, so that a token of an
// issuer with an outside URL verifies without the network.
func (s *Server) Verifier() *jwtinspect.Verifier {
	return &jwtinspect.Verifier{HTTPClient: &http.Client{Transport: s.Transport()}}
}
