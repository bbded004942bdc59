package ststest_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// TestNewTLSServer: an HTTPS server has https URLs for itself and its issuers, a CA of its
// own whose certificate covers localhost, 127.0.0.1 and ::1, a Client that trusts it, and
// tokens whose https issuer needs no plain-http exception.
func TestNewTLSServer(t *testing.T) {
	srv := ststest.NewTLSServer()
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") || srv.Issuer.URL != srv.URL+"/oidc" {
		t.Fatalf("URL, Issuer.URL = %q, %q; want https://127.0.0.1:PORT and …/oidc", srv.URL, srv.Issuer.URL)
	}
	pool, _ := srv.LookupIssuer(ststest.DefaultPoolID)
	if pool.URL != srv.URL+"/"+ststest.DefaultPoolID {
		t.Errorf("the pool's issuer = %q; want %s/%s", pool.URL, srv.URL, ststest.DefaultPoolID)
	}
	ca := srv.CACertificate()
	if ca == nil || !ca.IsCA {
		t.Fatalf("CACertificate() = %v; want a CA", ca)
	}

	// The chain the server presents verifies against the CA for each of its names.
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	resp, err := srv.Client().Get(srv.Issuer.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("Client().Get(discovery) = %v", err)
	}
	resp.Body.Close()
	leaf := resp.TLS.PeerCertificates[0]
	for _, name := range []string{"127.0.0.1", "localhost", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Errorf("the server certificate for %s: %v", name, err)
		}
	}
	if last := resp.TLS.PeerCertificates[len(resp.TLS.PeerCertificates)-1]; !last.Equal(ca) {
		t.Errorf("the last certificate presented is %s; want the CA (what IAM thumbprints)", last.Subject)
	}

	// A client that does not trust the CA fails on TLS.
	plain := &http.Client{Timeout: 5 * time.Second}
	if _, err := plain.Get(srv.URL + "/oidc/jwks"); err == nil {
		t.Error("a client without the CA got a reply; want a certificate error")
	}

	// The exchange works over HTTPS, and the token's https issuer has no finding.
	tok, err := srv.Issuer.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, findings := jwtinspect.Lint(tok, jwtinspect.Options{})
	for _, f := range findings {
		if f.Code == jwtinspect.CodeIssNotHTTPS || strings.Contains(f.Code, "http") {
			t.Errorf("the TLS server's token has finding %s: %s", f.Code, f.Message)
		}
	}
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: ststest.DemoRoleArn, RoleSessionName: "tls", WebIdentityToken: tok}); err != nil {
		t.Errorf("AssumeRoleWithWebIdentity over HTTPS = %v", err)
	}
}

// TestClientNeverFollowsRedirects: Server.Client hands a redirect back instead of following
// it, for plain and TLS servers alike.
func TestClientNeverFollowsRedirects(t *testing.T) {
	for _, start := range []func(...ststest.Option) *ststest.Server{ststest.NewServer, ststest.NewTLSServer} {
		srv := start(ststest.WithHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
		})))
		resp, err := srv.Client().Get(srv.URL + "/")
		if err != nil {
			t.Fatalf("Client().Get = %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Errorf("%s: status %d; want the 302 itself, not followed", srv.URL, resp.StatusCode)
		}
		if srv.CACertificate() == nil != strings.HasPrefix(srv.URL, "http://") {
			t.Errorf("%s: CACertificate() = %v; want one exactly for https", srv.URL, srv.CACertificate())
		}
		srv.Close()
	}
}

// TestWildcardListener: a server listening on every address names 127.0.0.1 in its URL, and
// its TLS certificate covers the listener's own addresses.
func TestWildcardListener(t *testing.T) {
	l, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skipf("cannot listen on 0.0.0.0: %v", err)
	}
	srv := ststest.NewUnstartedServer(ststest.WithListener(l))
	srv.StartTLS()
	defer srv.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if want := "https://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)); srv.URL != want {
		t.Errorf("URL = %q; want %q", srv.URL, want)
	}
	resp, err := srv.Client().Get(srv.URL + "/oidc/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("Client().Get = %v", err)
	}
	resp.Body.Close()
}

// A server on HTTPS, as httptest.NewTLSServer: its Client trusts the CA it made, and so do
// clients given CACertificate (rawsts and the AWS tools read it from AWS_CA_BUNDLE). Its
// issuers are https, as a Cognito pool's are.
func ExampleNewTLSServer() {
	srv := ststest.NewTLSServer()
	defer srv.Close()

	token, err := srv.Issuer.Mint(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client()}
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: ststest.DemoRoleArn, RoleSessionName: "tls", WebIdentityToken: token})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(out.Provider, "https://127.0.0.1:"), srv.CACertificate().Subject.CommonName)
	fmt.Println(out.AssumedRoleUser.Arn)
	// Output:
	// true rawsts emulator CA
	// arn:aws:sts::123456789012:assumed-role/DemoRole/tls
}
