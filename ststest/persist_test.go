package ststest_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// TestWithOnChange: the function hears of every change a Snapshot shows — a role added, a
// refresh token issued, an STS session issued, a Restore — and of nothing else.
func TestWithOnChange(t *testing.T) {
	var n atomic.Int32
	srv := ststest.NewServer(ststest.WithOnChange(func() { n.Add(1) }))
	defer srv.Close()
	ctx := context.Background()
	step := func(what string, f func()) {
		t.Helper()
		before := n.Load()
		f()
		if n.Load() == before {
			t.Errorf("%s: WithOnChange's function was not called", what)
		}
	}
	if n.Load() != 0 {
		t.Errorf("WithOnChange called %d times at start; want 0", n.Load())
	}
	if _, err := srv.Issuer.Mint(nil); err != nil || n.Load() != 0 {
		t.Errorf("minting a token: err %v, %d calls; want no change", err, n.Load())
	}
	step("AddRole", func() {
		if err := srv.AddRole(ststest.Role{RoleName: "Added"}); err != nil {
			t.Fatal(err)
		}
	})
	step("a login with a refresh token", func() {
		c := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL, HTTPClient: srv.Client()}
		if _, err := c.Login(ctx, &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil); err != nil {
			t.Fatal(err)
		}
	})
	step("an STS session", func() {
		tok, _ := srv.Issuer.Mint(nil)
		c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client()}
		if _, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DemoRoleArn, RoleSessionName: "session", WebIdentityToken: tok}); err != nil {
			t.Fatal(err)
		}
	})
	step("Restore", func() {
		if err := srv.Restore(ststest.DefaultConfig()); err != nil {
			t.Fatal(err)
		}
	})
	before := n.Load()
	if err := srv.AddRole(ststest.Role{RoleName: "bad name!"}); err == nil || n.Load() != before {
		t.Errorf("an invalid AddRole: err %v, calls %d → %d; want an error and no call", err, before, n.Load())
	}
}

// TestSnapshotKeepsSigningKeys: a snapshot holds the keys the issuers made, and a server made
// from it signs with them, so a token minted before verifies after; a key in the config is
// checked like everything else.
func TestSnapshotKeepsSigningKeys(t *testing.T) {
	srv := ststest.NewServer()
	tok, err := srv.Issuer.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	snap := srv.Snapshot()
	srv.Close()
	var oidcKey *ststest.SigningKey // the pool's issuer may have made its key in the background too
	for i, k := range snap.SigningKeys {
		if k.Issuer == "oidc" {
			oidcKey = &snap.SigningKeys[i]
		}
	}
	if oidcKey == nil || !strings.HasPrefix(oidcKey.PrivateKey, "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("Snapshot().SigningKeys = %+v; want the key of oidc, which minted a token", snap.SigningKeys)
	}
	again := ststest.NewServer(ststest.WithConfig(snap))
	defer again.Close()
	decoded, _ := jwtinspect.Decode(tok)
	if again.Issuer.KeyID() != decoded.Header.Kid {
		t.Errorf("the restarted issuer's kid = %q; want the token's %q", again.Issuer.KeyID(), decoded.Header.Kid)
	}
	if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return again.Issuer.PublicKey(), nil },
		jwt.WithoutClaimsValidation()); err != nil {
		t.Errorf("the token minted before the restart does not verify with the restarted issuer's key: %v", err)
	}

	for _, tt := range []struct {
		name string
		key  ststest.SigningKey
		path string
	}{
		{"no issuer", ststest.SigningKey{PrivateKey: oidcKey.PrivateKey}, "SigningKeys[0].Issuer"},
		{"not PEM", ststest.SigningKey{Issuer: "oidc", PrivateKey: "hello"}, "SigningKeys[0].PrivateKey"},
		{"not a key", ststest.SigningKey{Issuer: "oidc", PrivateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, "SigningKeys[0].PrivateKey"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ststest.DefaultConfig()
			c.SigningKeys = []ststest.SigningKey{tt.key}
			var ce *ststest.ConfigError
			if err := c.Validate(); !errors.As(err, &ce) || ce.Path != tt.path {
				t.Errorf("Validate() = %v; want a ConfigError at %s", err, tt.path)
			}
		})
	}
}

// TestSnapshotKeepsCA: a TLS server's snapshot holds its CA, and a server started from it with
// StartTLS presents a certificate of the same CA, which a client trusting the first server's
// CA accepts; a plain-http run of that state keeps the CA for the next; a CA that cannot be
// used is a ConfigError.
func TestSnapshotKeepsCA(t *testing.T) {
	first := ststest.NewTLSServer()
	snap := first.Snapshot()
	trusted := first.Client() // trusts the first server's CA only
	first.Close()
	if snap.CertificateAuthority == nil || !strings.HasPrefix(snap.CertificateAuthority.Certificate, "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("Snapshot().CertificateAuthority = %+v; want the CA in PEM", snap.CertificateAuthority)
	}
	again := ststest.NewTLSServer(ststest.WithConfig(snap))
	defer again.Close()
	if !again.CACertificate().Equal(first.CACertificate()) {
		t.Errorf("the restarted server's CA differs from the snapshot's")
	}
	resp, err := trusted.Get(again.URL + "/oidc/.well-known/openid-configuration")
	if err != nil {
		t.Fatalf("a client trusting the first server's CA, against the restarted server: %v", err)
	}
	resp.Body.Close()

	plain := ststest.NewServer(ststest.WithConfig(snap))
	defer plain.Close()
	if got := plain.Snapshot().CertificateAuthority; got == nil || got.Certificate != snap.CertificateAuthority.Certificate {
		t.Errorf("a plain-http server's snapshot lost the CA it was given")
	}
	if ststest.NewServer().Snapshot().CertificateAuthority != nil {
		t.Errorf("a plain-http server made a CA")
	}

	other := ststest.NewTLSServer()
	otherCA := other.Snapshot().CertificateAuthority
	other.Close()
	for _, tt := range []struct {
		name string
		ca   ststest.CertificateAuthority
	}{
		{"not PEM", ststest.CertificateAuthority{Certificate: "hello", PrivateKey: snap.CertificateAuthority.PrivateKey}},
		{"another CA's key", ststest.CertificateAuthority{Certificate: snap.CertificateAuthority.Certificate, PrivateKey: otherCA.PrivateKey}},
		{"no key", ststest.CertificateAuthority{Certificate: snap.CertificateAuthority.Certificate}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ststest.DefaultConfig()
			c.CertificateAuthority = &tt.ca
			var ce *ststest.ConfigError
			if err := c.Validate(); !errors.As(err, &ce) || ce.Path != "CertificateAuthority" {
				t.Errorf("Validate() = %v; want a ConfigError at CertificateAuthority", err)
			}
		})
	}
}

// TestParseConfigComments: // line comments outside strings are ignored; // inside a string
// (a URL) is kept; a syntax error keeps its line number.
func TestParseConfigComments(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		account   string
		problem   string
	}{
		{"comment lines", "// the account\n{\n  // twelve digits\n  \"Account\": \"111122223333\" // trailing\n}\n// end", "111122223333", ""},
		{"slashes in a string", `{"Account": "111122223333", "OpenIDConnectProviders": [{"Url": "https://token.actions.githubusercontent.com", "ClientIDList": ["a//b"]}]}`, "111122223333", ""},
		{"escaped quote before slashes", `{"Account": "111122223333", "Users": [{"UserName": "u", "AccessKeys": [{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "x\"//y"}]}]}`, "111122223333", ""},
		{"comment at the end without newline", "{\"Account\": \"111122223333\"} // done", "111122223333", ""},
		{"error line kept", "// one\n// two\n{\"Account\": }", "", "line 3"},
		{"block comments are not read", "/* no */ {}", "", "not a JSON document"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ststest.ParseConfig([]byte(tt.doc))
			switch {
			case tt.problem != "":
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Errorf("ParseConfig(%q) = %v; want an error with %q", tt.doc, err, tt.problem)
				}
			case err != nil:
				t.Errorf("ParseConfig(%q) = %v; want no error", tt.doc, err)
			case c.Account != tt.account:
				t.Errorf("ParseConfig(%q).Account = %q; want %q", tt.doc, c.Account, tt.account)
			}
		})
	}
	c, err := ststest.ParseConfig([]byte(`{"Users": [{"UserName": "u", "AccessKeys": [{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "x\"//y"}]}]}`))
	if err != nil || c.Users[0].AccessKeys[0].SecretAccessKey != `x"//y` {
		t.Errorf("a secret with // in it = %v, %v; want it kept whole", c, err)
	}
}
