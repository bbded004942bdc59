package jwtinspect_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rawsts/rawsts/jwtinspect"
)

// documentsTransport answers the discovery URL with discovery and every other URL with jwks,
// as an issuer that publishes those two documents would.
type documentsTransport struct{ discovery, jwks []byte }

func (d documentsTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body := d.jwks
	if strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
		body = d.discovery
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

const fuzzIssuer = "https://issuer.example"

// FuzzVerifyDocuments checks Verify's reading of the two documents an issuer serves, the
// discovery document and the key set, for a token genuinely signed by one RSA key. Every
// failure is a *StepError of one of the documented steps that quotes neither the token nor its
// signature; a success agrees with a second, generic reading of the key set: the kids it lists
// are the set's, in order, and the key that verified is the one that signed (its modulus is the
// signer's), since no other key can verify the signature.
func FuzzVerifyDocuments(f *testing.F) {
	k := getKeys(f)
	discovery := func(issuer, jwksURI string) []byte {
		b, _ := json.Marshal(map[string]any{"issuer": issuer, "jwks_uri": jwksURI, "response_types_supported": []string{"id_token"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"}})
		return b
	}
	set := func(keys ...map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"keys": keys})
		return b
	}
	good := discovery(fuzzIssuer, fuzzIssuer+"/jwks")
	f.Add(good, set(jwkOf("k-rsa", &k.rsa.PublicKey)))                                                // the signing key alone: verifies
	f.Add(good, set(jwkOf("k-rsa2", &k.rsa2.PublicKey), jwkOf("k-rsa", &k.rsa.PublicKey)))            // rotation: the old and the new key
	f.Add(good, set(jwkOf("k-rsa", &k.rsa2.PublicKey)))                                               // the right kid on the wrong key
	f.Add(good, set(jwkOf("k-p256", &k.p256.PublicKey), map[string]any{"kty": "oct", "k": "x"}))      // no RSA key, a symmetric one
	f.Add(good, []byte(`{"keys":[{"kty":"RSA","kid":"k-rsa","n":"AQAB","e":"AQAB","use":"enc"}]}`))   // a key for encryption
	f.Add(discovery(fuzzIssuer+"/", fuzzIssuer+"/jwks"), set(jwkOf("k-rsa", &k.rsa.PublicKey)))       // issuer with a trailing slash
	f.Add(discovery(fuzzIssuer, "http://issuer.example/jwks"), set(jwkOf("k-rsa", &k.rsa.PublicKey))) // a plain-http jwks_uri
	f.Add([]byte(`{"issuer":"`+fuzzIssuer+`","jwks_uri":5}`), []byte(`{"keys":{}}`))                  // members of the wrong type
	f.Add([]byte(`<html>`), []byte(``))                                                               // not JSON
	raw := mint(f, jwt.SigningMethodRS256, k.rsa, "k-rsa", map[string]any{"iss": fuzzIssuer, "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
		"aud": "sts.amazonaws.com", "exp": time.Now().Add(time.Hour).Unix()})
	tok, err := jwtinspect.Decode(raw)
	if err != nil {
		f.Fatal(err)
	}
	steps := map[string]bool{jwtinspect.StepDiscovery: true, jwtinspect.StepIssuer: true, jwtinspect.StepJWKS: true, jwtinspect.StepKid: true,
		jwtinspect.StepKey: true, jwtinspect.StepAlg: true, jwtinspect.StepSignature: true}
	f.Fuzz(func(t *testing.T, discovery, jwks []byte) {
		v := &jwtinspect.Verifier{HTTPClient: &http.Client{Transport: documentsTransport{discovery, jwks}}}
		res, err := v.Verify(context.Background(), tok)
		if res == nil {
			t.Fatalf("Verify returned a nil Verification (err %v)", err)
		}
		if err != nil {
			var se *jwtinspect.StepError
			if !errors.As(err, &se) || !steps[se.Step] {
				t.Fatalf("Verify error %T %v; want a *StepError of a documented step", err, err)
			}
			if msg := err.Error(); strings.Contains(msg, raw) || strings.Contains(msg, tok.Segments[2]) {
				t.Fatalf("Verify error %q quotes the token", msg)
			}
			return
		}
		var doc struct {
			Keys []map[string]any `json:"keys"`
		}
		if err := json.Unmarshal(jwks, &doc); err != nil {
			t.Fatalf("Verify accepted a key set that does not decode: %v\n%s", err, jwks)
		}
		var kids []string
		var verifying map[string]any
		for _, key := range doc.Keys {
			kid, _ := key["kid"].(string)
			kids = append(kids, kid)
			if kid == res.KeyID && verifying == nil {
				verifying = key
			}
		}
		if strings.Join(kids, "\x00") != strings.Join(res.KeyIDs, "\x00") {
			t.Fatalf("Verify lists the kids %q; the key set has %q", res.KeyIDs, kids)
		}
		n, _ := verifying["n"].(string)
		b, _ := base64.RawURLEncoding.DecodeString(strings.TrimRight(n, "="))
		if verifying == nil || new(big.Int).SetBytes(b).Cmp(k.rsa.N) != 0 {
			t.Fatalf("Verify succeeded with key %q (%v); the token was signed by another key", res.KeyID, verifying)
		}
	})
}
