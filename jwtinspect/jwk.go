package jwtinspect

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// JWK is one key of a JSON Web Key Set (RFC 7517), with the members STS uses.
type JWK struct {
	// Kty is the key type. STS verifies only "RSA" and "EC"; PublicKey refuses the rest.
	Kty string `json:"kty"`
	// Kid is the key id that a token's header kid names; "" if the issuer sets none.
	Kid string `json:"kid,omitempty"`
	// Use is the intended use: "" or "sig" for a signing key; PublicKey refuses any other.
	Use string `json:"use,omitempty"`
	// Alg is the algorithm the key is published for, e.g. "RS256"; "" allows any that
	// fits the key type.
	Alg string `json:"alg,omitempty"`
	// N is the RSA modulus, base64url big-endian (RSA keys only).
	N string `json:"n,omitempty"`
	// E is the RSA public exponent, base64url big-endian, usually "AQAB" (65537).
	E string `json:"e,omitempty"`
	// Crv is the EC curve name: "P-256", "P-384" or "P-521" (EC keys only).
	Crv string `json:"crv,omitempty"`
	// X is the EC point's x coordinate, base64url big-endian, at most the curve's size in
	// bytes (32, 48 or 66).
	X string `json:"x,omitempty"`
	// Y is the EC point's y coordinate, in the same form as X.
	Y string `json:"y,omitempty"`
}

// JWKS is a JSON Web Key Set as served at an issuer's jwks_uri.
type JWKS struct {
	// Keys are the set's keys in the order the issuer lists them; an issuer that rotates
	// keys publishes the old and the new one side by side.
	Keys []JWK `json:"keys"`
}

// ParseJWKS reads a JSON Web Key Set document, such as the one an issuer serves at its jwks_uri
// and `curl ISSUER_JWKS_URI` saves, for [Verifier.KeySet]. It is strict: the document must be
// exactly one JSON object with a "keys" array of at least one key object, each member of the
// type RFC 7517 gives it, no member named twice (in the set or in a key: which one an issuer's
// reader would keep is anybody's guess), and nothing after the object. Members other than
// those of [JWK] (x5c, key_ops …) are allowed and ignored. The keys themselves are checked
// when Verify converts them ([JWK.PublicKey]). Errors say what is wrong and where (the key's
// index, the member), never quoting the document.
func ParseJWKS(data []byte) (*JWKS, error) {
	set, err := decodeJWKS(data)
	if err != nil {
		return nil, fmt.Errorf("jwtinspect: not a JSON Web Key Set: %s", describeJSONError(err))
	}
	if dup := repeatedKeys(data); len(dup) > 0 {
		return nil, fmt.Errorf("jwtinspect: not a JSON Web Key Set: the member %q appears twice", dup[0])
	}
	for i, raw := range set.raw {
		if dup := repeatedKeys(raw); len(dup) > 0 {
			return nil, fmt.Errorf("jwtinspect: not a JSON Web Key Set: keys[%d] has the member %q twice", i, dup[0])
		}
	}
	if len(set.Keys) == 0 {
		return nil, errors.New("jwtinspect: the JSON Web Key Set has no keys")
	}
	return &set.JWKS, nil
}

// decodedJWKS is a key set with each key's JSON, for ParseJWKS's checks.
type decodedJWKS struct {
	JWKS
	raw []json.RawMessage
}

// decodeJWKS decodes a key set document: one JSON object whose "keys" member is an array of
// key objects, nothing after it. A set with no keys decodes (the callers say what that means).
// Both Verify's fetched documents and ParseJWKS's go through it.
func decodeJWKS(data []byte) (*decodedJWKS, error) {
	var doc map[string]json.RawMessage
	if err := decodeOne(data, &doc, false); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errors.New("it is JSON null, not an object")
	}
	keys, ok := doc["keys"]
	if !ok || string(keys) == "null" {
		return nil, errors.New(`it has no "keys" member`)
	}
	out := &decodedJWKS{}
	if err := json.Unmarshal(keys, &out.raw); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return nil, fmt.Errorf(`its "keys" member is a JSON %s, not an array`, typ.Value)
		}
		return nil, err
	}
	out.Keys = make([]JWK, len(out.raw))
	for i, raw := range out.raw {
		if string(raw) == "null" || raw[0] != '{' {
			return nil, fmt.Errorf("keys[%d] is not a JSON object", i)
		}
		if err := json.Unmarshal(raw, &out.Keys[i]); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) && typ.Field != "" {
				return nil, fmt.Errorf("keys[%d]: the member %s is a JSON %s, not a %s", i, strconv.Quote(typ.Field), typ.Value, typ.Type)
			}
			return nil, fmt.Errorf("keys[%d]: %s", i, describeJSONError(err))
		}
	}
	return out, nil
}

// PublicKey converts the key to an *rsa.PublicKey or *ecdsa.PublicKey. EC points are checked
// to lie on their curve; RSA exponents must be odd, greater than 1 and fit in an int.
func (k JWK) PublicKey() (crypto.PublicKey, error) {
	if k.Use != "" && k.Use != "sig" {
		return nil, fmt.Errorf("jwtinspect: key %q is for use %q, not for signatures", k.Kid, k.Use)
	}
	switch k.Kty {
	case "RSA":
		return k.rsaKey()
	case "EC":
		return k.ecKey()
	case "oct":
		return nil, fmt.Errorf("jwtinspect: key %q is a symmetric (oct) key; STS verifies only RSA and EC keys", k.Kid)
	case "":
		return nil, fmt.Errorf("jwtinspect: key %q has no kty", k.Kid)
	}
	return nil, fmt.Errorf("jwtinspect: key %q has kty %q; STS verifies only RSA and EC keys", k.Kid, k.Kty)
}

func (k JWK) rsaKey() (*rsa.PublicKey, error) {
	nb, err := decodeB64Int("n", k.N)
	if err != nil {
		return nil, fmt.Errorf("jwtinspect: RSA key %q: %w", k.Kid, err)
	}
	eb, err := decodeB64Int("e", k.E)
	if err != nil {
		return nil, fmt.Errorf("jwtinspect: RSA key %q: %w", k.Kid, err)
	}
	n := new(big.Int).SetBytes(nb)
	e := new(big.Int).SetBytes(eb)
	if n.Sign() == 0 || n.Bit(0) == 0 {
		return nil, fmt.Errorf("jwtinspect: RSA key %q: the modulus n is zero or even", k.Kid)
	}
	if !e.IsInt64() || e.Int64() > 1<<31-1 || e.Int64() < 3 || e.Bit(0) == 0 {
		return nil, fmt.Errorf("jwtinspect: RSA key %q: the exponent e must be odd, at least 3 and fit in 31 bits", k.Kid)
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

// curves maps JWK crv names to their curves and the ecdh implementation that checks points.
var curves = map[string]struct {
	curve elliptic.Curve
	ecdh  ecdh.Curve
	size  int
}{
	"P-256": {elliptic.P256(), ecdh.P256(), 32},
	"P-384": {elliptic.P384(), ecdh.P384(), 48},
	"P-521": {elliptic.P521(), ecdh.P521(), 66},
}

func (k JWK) ecKey() (*ecdsa.PublicKey, error) {
	c, ok := curves[k.Crv]
	if !ok {
		return nil, fmt.Errorf("jwtinspect: EC key %q has crv %q; STS accepts P-256, P-384 and P-521", k.Kid, k.Crv)
	}
	x, err := decodeB64Int("x", k.X)
	if err != nil {
		return nil, fmt.Errorf("jwtinspect: EC key %q: %w", k.Kid, err)
	}
	y, err := decodeB64Int("y", k.Y)
	if err != nil {
		return nil, fmt.Errorf("jwtinspect: EC key %q: %w", k.Kid, err)
	}
	if len(x) > c.size || len(y) > c.size {
		return nil, fmt.Errorf("jwtinspect: EC key %q: x or y is longer than %d bytes for %s", k.Kid, c.size, k.Crv)
	}
	// The uncompressed point 04 || X || Y, which ecdh checks is on the curve.
	point := make([]byte, 1+2*c.size)
	point[0] = 4
	copy(point[1+c.size-len(x):1+c.size], x)
	copy(point[1+2*c.size-len(y):], y)
	if _, err := c.ecdh.NewPublicKey(point); err != nil {
		return nil, fmt.Errorf("jwtinspect: EC key %q: the point (x, y) is not on curve %s", k.Kid, k.Crv)
	}
	return &ecdsa.PublicKey{Curve: c.curve, X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}, nil
}

// decodeB64Int decodes a base64url unsigned integer member, tolerating '=' padding.
func decodeB64Int(name, s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("the %s member is missing", name)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("the %s member is not base64url: %w", name, err)
	}
	if len(b) == 0 {
		return nil, errors.New("the " + name + " member is empty")
	}
	return b, nil
}

// algFits reports whether a token signed with alg can be checked with key, and if not why.
func algFits(alg string, key crypto.PublicKey) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if !strings.HasPrefix(alg, "RS") {
			return fmt.Errorf("the token's alg %s needs an EC key, but the key is RSA", alg)
		}
	case *ecdsa.PublicKey:
		want := map[string]string{"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[alg]
		if want == "" {
			return fmt.Errorf("the token's alg %s needs an RSA key, but the key is EC", alg)
		}
		if got := k.Curve.Params().Name; got != want {
			return fmt.Errorf("the token's alg %s needs a %s key, but the key is on %s", alg, want, got)
		}
	}
	return nil
}

// describeKey names a key for a report: "RSA 2048", "EC P-256".
func describeKey(key crypto.PublicKey) (kind string, bits int) {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "EC " + k.Curve.Params().Name, k.Curve.Params().BitSize
	}
	return fmt.Sprintf("%T", key), 0
}
