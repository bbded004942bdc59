package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Keys are generated once per test binary: RSA generation is slow on a shared machine.
var (
	testKeyOnce sync.Once
	testRSA     *rsa.PrivateKey
)

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	testKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testRSA = k
	})
	return testRSA
}

// testKid is the kid of the test RSA key in every minted token and JWKS.
const testKid = "rawsts-test-key-1"

// mintRS256 signs claims with the test RSA key and kid testKid.
func mintRS256(t testing.TB, claims map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(claims))
	tok.Header["kid"] = testKid
	s, err := tok.SignedString(rsaKey(t))
	if err != nil {
		t.Fatalf("SignedString: %v", err)
	}
	return s
}

// testPKI is a root CA, an intermediate and a leaf for 127.0.0.1, as a private issuer would
// have. The server presents the leaf and the intermediate, so the intermediate is the last
// certificate of the chain: the one IAM thumbprints.
type testPKI struct {
	root, inter, leaf *x509.Certificate
	leafKey           crypto.Signer
	caFile            string // the root, PEM-encoded
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	now := time.Now()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	issue := func(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
		if err != nil {
			t.Fatalf("CreateCertificate: %v", err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatalf("ParseCertificate: %v", err)
		}
		return c
	}
	ca := func(serial int64, cn string) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn, Organization: []string{"rawsts test"}},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(48 * time.Hour), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	}
	rootKey, interKey, leafKey := key(), key(), key()
	rootT := ca(1, "rawsts test root")
	p := &testPKI{leafKey: leafKey}
	p.root = issue(rootT, rootT, &rootKey.PublicKey, rootKey)
	p.inter = issue(ca(2, "rawsts test intermediate"), p.root, &interKey.PublicKey, rootKey)
	p.leaf = issue(&x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}, p.inter, &leafKey.PublicKey, interKey)
	p.caFile = filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, p.caFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.Raw})))
	return p
}

// tlsServer starts an https server on 127.0.0.1 presenting the leaf and the intermediate;
// handler is given the server's URL before it starts.
func (p *testPKI) tlsServer(t *testing.T, handler func(base string) http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = handler("https://" + srv.Listener.Addr().String())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{
		Certificate: [][]byte{p.leaf.Raw, p.inter.Raw},
		PrivateKey:  p.leafKey,
		Leaf:        p.leaf,
	}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// issuerHandler plays an OIDC issuer at base: discovery at /.well-known/openid-configuration
// and the test RSA key at /jwks under kid.
func issuerHandler(t *testing.T, base, kid string) http.Handler {
	pub := &rsaKey(t).PublicKey
	jwks := map[string]any{"keys": []any{map[string]any{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": base, "jwks_uri": base + "/jwks",
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(jwks)
	})
	return mux
}

// tlsIssuer starts a private-CA https issuer serving the test key under kid.
func (p *testPKI) tlsIssuer(t *testing.T, kid string) *httptest.Server {
	t.Helper()
	return p.tlsServer(t, func(base string) http.Handler { return issuerHandler(t, base, kid) })
}
