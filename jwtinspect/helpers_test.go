package jwtinspect_test

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
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testKeys are generated once per test binary: RSA generation is slow on a shared machine.
type testKeys struct {
	rsa, rsa2, rsa1024 *rsa.PrivateKey
	p256, p384, p521   *ecdsa.PrivateKey
}

var (
	keysOnce sync.Once
	keys     testKeys
)

func getKeys(t testing.TB) *testKeys {
	t.Helper()
	keysOnce.Do(func() {
		must := func(k *rsa.PrivateKey, err error) *rsa.PrivateKey {
			if err != nil {
				panic(err)
			}
			return k
		}
		mustEC := func(c elliptic.Curve) *ecdsa.PrivateKey {
			k, err := ecdsa.GenerateKey(c, rand.Reader)
			if err != nil {
				panic(err)
			}
			return k
		}
		keys = testKeys{
			rsa:     must(rsa.GenerateKey(rand.Reader, 2048)),
			rsa2:    must(rsa.GenerateKey(rand.Reader, 2048)),
			rsa1024: must(rsa.GenerateKey(rand.Reader, 1024)),
			p256:    mustEC(elliptic.P256()),
			p384:    mustEC(elliptic.P384()),
			p521:    mustEC(elliptic.P521()),
		}
	})
	return &keys
}

// mint signs claims with key, setting kid in the header when it is not empty.
func mint(t testing.TB, method jwt.SigningMethod, key crypto.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims(claims))
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("SignedString: %v", err)
	}
	return s
}

// signRaw signs an exact header and payload, for layouts golang-jwt would not produce.
func signRaw(t testing.TB, method jwt.SigningMethod, key crypto.PrivateKey, header, payload string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	sig, err := method.Sign(input, key)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// unsigned builds a token with an empty signature, for decode and lint tests.
func unsigned(header, payload string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "."
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwkOf publishes a public key as a JWK, the way an issuer would.
func jwkOf(kid string, pub crypto.PublicKey) map[string]any {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		return map[string]any{"kty": "EC", "kid": kid, "crv": k.Curve.Params().Name,
			"x": b64(k.X.FillBytes(make([]byte, size))), "y": b64(k.Y.FillBytes(make([]byte, size)))}
	}
	panic("unknown key type")
}

// pki is a test CA, an intermediate, and a leaf for 127.0.0.1 and localhost.
type pki struct {
	root, inter, leaf *x509.Certificate
	leafKey           *ecdsa.PrivateKey
	pool              *x509.CertPool
}

func newPKI(t testing.TB) *pki {
	t.Helper()
	now := time.Now()
	mk := func(tmpl, parent *x509.Certificate, pub, signer any) *x509.Certificate {
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
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	rootKey, interKey, leafKey := key(), key(), key()
	ca := func(serial int64, cn string) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn, Organization: []string{"rawsts test"}},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	}
	rootT := ca(1, "rawsts test root")
	root := mk(rootT, rootT, &rootKey.PublicKey, rootKey)
	inter := mk(ca(2, "rawsts test intermediate"), root, &interKey.PublicKey, rootKey)
	leafT := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leaf := mk(leafT, inter, &leafKey.PublicKey, interKey)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return &pki{root: root, inter: inter, leaf: leaf, leafKey: leafKey, pool: pool}
}

// serve starts a TLS server presenting leaf, then each of chain.
func (p *pki) serve(t testing.TB, h http.Handler, chain ...*x509.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	cert := tls.Certificate{Certificate: [][]byte{p.leaf.Raw}, PrivateKey: p.leafKey}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes refused on purpose
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func (p *pki) client() *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.pool}}}
}

// issuer is a local OIDC issuer: discovery at /.well-known/openid-configuration and the key
// set at /jwks. Tests change its fields before the requests arrive.
type issuer struct {
	URL       string
	mu        sync.Mutex
	discovery map[string]any // nil: the default document
	jwks      any
	delay     time.Duration
}

func newIssuer(t testing.TB, p *pki, jwks ...map[string]any) (*issuer, *httptest.Server) {
	t.Helper()
	is := &issuer{jwks: map[string]any{"keys": jwks}}
	srv := p.serve(t, http.HandlerFunc(is.serveHTTP), p.inter)
	is.URL = srv.URL
	return is, srv
}

func (is *issuer) set(f func(is *issuer)) {
	is.mu.Lock()
	defer is.mu.Unlock()
	f(is)
}

func (is *issuer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	is.mu.Lock()
	delay, disc, jwks := is.delay, is.discovery, is.jwks
	is.mu.Unlock()
	time.Sleep(delay)
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		if disc == nil {
			disc = map[string]any{
				"issuer": is.URL, "jwks_uri": is.URL + "/jwks",
				"response_types_supported":              []string{"id_token"},
				"subject_types_supported":               []string{"public"},
				"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
			}
		}
		_ = json.NewEncoder(w).Encode(disc)
	case "/jwks":
		_ = json.NewEncoder(w).Encode(jwks)
	default:
		http.NotFound(w, r)
	}
}
