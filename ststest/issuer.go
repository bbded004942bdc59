package ststest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuerPath is where the issuer lives on the server.
const issuerPath = "/oidc"

// Issuer is a minimal OpenID Connect issuer: a discovery document, a JWKS with one RSA key,
// and [Issuer.Mint] to sign ID tokens with that key. It is served by a [Server] under
// Server.URL + "/oidc":
//
//	GET /oidc/.well-known/openid-configuration
//	GET /oidc/jwks
type Issuer struct {
	// URL is the issuer URL, the iss of minted tokens: Server.URL + "/oidc". It is empty until
	// the server starts.
	URL string

	// KeyID is the kid of the signing key: its RFC 7638 JWK thumbprint.
	KeyID string

	key *rsa.PrivateKey
	now func() time.Time
}

// newIssuer generates the issuer's RSA-2048 key.
func newIssuer(now func() time.Time) (*Issuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the issuer key: %w", err)
	}
	return &Issuer{KeyID: thumbprint(&key.PublicKey), key: key, now: now}, nil
}

// PublicKey returns the public half of the signing key, the one the JWKS serves.
func (i *Issuer) PublicKey() *rsa.PublicKey { return &i.key.PublicKey }

// ErrNotStarted is returned by [Issuer.Mint] before the server has started, when the issuer
// has no URL to put in iss.
var ErrNotStarted = errors.New("ststest: the server has not started, so the issuer has no URL")

// Mint signs an RS256 ID token carrying claims. Unless claims sets them, it fills iss (the
// issuer URL), aud ("sts.amazonaws.com"), sub ("demo-user"), iat and nbf (now) and exp (now +
// 1 hour), with now from the server's clock ([WithNow]). The header carries the key's kid.
func (i *Issuer) Mint(claims map[string]any) (string, error) {
	return i.mint(claims)
}

// mint is Mint, with the default claims named in omit left out (a Cognito access token has
// no aud).
func (i *Issuer) mint(claims map[string]any, omit ...string) (string, error) {
	iss := i.URL
	if iss == "" {
		return "", ErrNotStarted
	}
	now := i.now().Unix()
	mc := jwt.MapClaims{
		"iss": iss,
		"aud": "sts.amazonaws.com",
		"sub": "demo-user",
		"iat": now,
		"nbf": now,
		"exp": now + 3600,
	}
	for _, k := range omit {
		delete(mc, k)
	}
	for k, v := range claims {
		mc[k] = v
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, mc)
	t.Header["kid"] = i.KeyID
	s, err := t.SignedString(i.key)
	if err != nil {
		return "", fmt.Errorf("ststest: signing the ID token: %w", err)
	}
	return s, nil
}

// ServeHTTP serves the discovery document and the JWKS. It expects the full request path
// (/oidc/...).
func (i *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	iss := i.URL
	switch strings.TrimPrefix(r.URL.Path, issuerPath) {
	case "/.well-known/openid-configuration":
		writeJSON(w, map[string]any{
			"issuer":                                iss,
			"jwks_uri":                              iss + "/jwks",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "nbf"},
		})
	case "/jwks":
		writeJSON(w, map[string]any{"keys": []any{i.jwk()}})
	default:
		http.NotFound(w, r)
	}
}

// jwk is the public key as a JSON Web Key (RFC 7517).
func (i *Issuer) jwk() map[string]string {
	pub := &i.key.PublicKey
	return map[string]string{
		"kty": "RSA",
		"kid": i.KeyID,
		"use": "sig",
		"alg": "RS256",
		"n":   b64(pub.N.Bytes()),
		"e":   b64(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// thumbprint is the RFC 7638 JWK thumbprint of an RSA key: base64url(SHA-256 of the JSON
// {"e":…,"kty":"RSA","n":…} with members in that order and no whitespace).
func thumbprint(pub *rsa.PublicKey) string {
	canon := fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, b64(big.NewInt(int64(pub.E)).Bytes()), b64(pub.N.Bytes()))
	sum := sha256.Sum256([]byte(canon))
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "ststest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}
