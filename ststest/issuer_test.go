package ststest_test

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/rawsts/rawsts/ststest"
)

func getJSON(t *testing.T, c *http.Client, url string, v any) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s = %d %s; want 200 application/json", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestIssuerDiscoveryJWKSMint follows what a relying party (STS, jwtinspect --verify) does:
// discovery document, then jwks_uri, then verifying a minted token with the served key.
func TestIssuerDiscoveryJWKSMint(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	srv := ststest.NewServer(ststest.WithConfig(testConfig()), ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()
	if want := srv.URL + "/oidc"; srv.Issuer.URL != want {
		t.Fatalf("Issuer.URL = %q; want %q", srv.Issuer.URL, want)
	}

	var disc struct {
		Issuer    string   `json:"issuer"`
		JWKSURI   string   `json:"jwks_uri"`
		Response  []string `json:"response_types_supported"`
		Subject   []string `json:"subject_types_supported"`
		SigningAl []string `json:"id_token_signing_alg_values_supported"`
	}
	getJSON(t, srv.Client(), srv.Issuer.URL+"/.well-known/openid-configuration", &disc)
	if disc.Issuer != srv.Issuer.URL || disc.JWKSURI != srv.Issuer.URL+"/jwks" ||
		len(disc.Response) != 1 || disc.Response[0] != "id_token" || len(disc.Subject) != 1 || disc.Subject[0] != "public" ||
		len(disc.SigningAl) != 1 || disc.SigningAl[0] != "RS256" {
		t.Errorf("discovery = %+v; want issuer, jwks_uri and the three fields STS requires", disc)
	}

	var set struct {
		Keys []struct{ Kty, Kid, Use, Alg, N, E string } `json:"keys"`
	}
	getJSON(t, srv.Client(), disc.JWKSURI, &set)
	if len(set.Keys) != 1 {
		t.Fatalf("JWKS has %d keys; want 1", len(set.Keys))
	}
	k := set.Keys[0]
	if k.Kty != "RSA" || k.Use != "sig" || k.Alg != "RS256" || k.Kid != srv.Issuer.KeyID() || k.Kid == "" {
		t.Errorf("JWK = %+v; want RSA sig RS256 with kid %q", k, srv.Issuer.KeyID())
	}
	n, err1 := base64.RawURLEncoding.DecodeString(k.N)
	e, err2 := base64.RawURLEncoding.DecodeString(k.E)
	if err1 != nil || err2 != nil {
		t.Fatalf("JWK n/e not base64url: %v %v", err1, err2)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	if pub.N.BitLen() != 2048 || !pub.Equal(srv.Issuer.PublicKey()) {
		t.Fatalf("JWK key is %d bits / differs from Issuer.PublicKey(); want the 2048-bit issuer key", pub.N.BitLen())
	}

	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "repository": "octo-org/octo-repo"})
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(tok, claims, func(t *jwt.Token) (any, error) {
		if t.Header["kid"] != k.Kid {
			return nil, errors.New("unknown kid")
		}
		return pub, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(disc.Issuer), jwt.WithAudience("sts.amazonaws.com"),
		jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil || !parsed.Valid {
		t.Fatalf("jwt.Parse(minted) = %v; want a valid token", err)
	}
	want := map[string]any{
		"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "repository": "octo-org/octo-repo",
		"iat": float64(now.Unix()), "nbf": float64(now.Unix()), "exp": float64(now.Add(time.Hour).Unix()),
	}
	for name, w := range want {
		if claims[name] != w {
			t.Errorf("claim %s = %v; want %v", name, claims[name], w)
		}
	}

	// The emulated STS takes the minted token and reports its claims.
	r := post(t, srv, form("WebIdentityToken", tok))
	if r.status != 200 || r.Result.Subject != claims["sub"] || r.Result.Provider != srv.Issuer.URL || r.Result.Audience != "sts.amazonaws.com" {
		t.Errorf("AssumeRoleWithWebIdentity(minted) = %d sub %q provider %q aud %q; want 200 with the token's claims",
			r.status, r.Result.Subject, r.Result.Provider, r.Result.Audience)
	}
}

func TestMintDefaultsAndErrors(t *testing.T) {
	srv := ststest.NewUnstartedServer()
	if _, err := srv.Issuer.Mint(nil); !errors.Is(err, ststest.ErrNotStarted) {
		t.Errorf("Mint before Start = %v; want ErrNotStarted", err)
	}
	srv.Start()
	defer srv.Close()
	tok, err := srv.Issuer.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return srv.Issuer.PublicKey(), nil }); err != nil {
		t.Fatalf("jwt.Parse(Mint(nil)) = %v", err)
	}
	if claims["sub"] != "demo-user" || claims["aud"] != "sts.amazonaws.com" || claims["iss"] != srv.Issuer.URL {
		t.Errorf("Mint(nil) claims = %v; want sub demo-user, aud sts.amazonaws.com, iss %s", claims, srv.Issuer.URL)
	}
	for _, path := range []string{"/oidc/", "/oidc/keys"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d; want 404", path, resp.StatusCode)
		}
	}
	resp, err := srv.Client().Post(srv.Issuer.URL+"/jwks", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /oidc/jwks = %d; want 405", resp.StatusCode)
	}
}

// TestWithListener: a server on a listener of one's own serves there, issuers included.
func TestWithListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := ststest.NewServer(ststest.WithListener(l))
	defer srv.Close()
	if want := "http://" + l.Addr().String(); srv.URL != want || srv.Issuer.URL != want+"/oidc" {
		t.Fatalf("URL, Issuer.URL = %q, %q; want %q and …/oidc", srv.URL, srv.Issuer.URL, want)
	}
	var disc struct {
		Issuer string `json:"issuer"`
	}
	getJSON(t, srv.Client(), srv.Issuer.URL+"/.well-known/openid-configuration", &disc)
	if disc.Issuer != srv.Issuer.URL {
		t.Errorf("issuer = %q; want %q", disc.Issuer, srv.Issuer.URL)
	}
}
