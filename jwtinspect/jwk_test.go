package jwtinspect_test

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/jwtinspect"
)

func TestJWKPublicKey(t *testing.T) {
	k := getKeys(t)
	n := b64(k.rsa.N.Bytes())
	p := k.p256.PublicKey
	x, y := b64(p.X.FillBytes(make([]byte, 32))), b64(p.Y.FillBytes(make([]byte, 32)))
	tests := []struct {
		name    string
		jwk     jwtinspect.JWK
		wantErr string // "" for success
	}{
		{name: "RSA", jwk: jwtinspect.JWK{Kty: "RSA", Kid: "r", N: n, E: "AQAB"}},
		{name: "RSA padded base64", jwk: jwtinspect.JWK{Kty: "RSA", Kid: "r", N: n, E: base64.URLEncoding.EncodeToString([]byte{1, 0, 1})}},
		{name: "RSA use sig", jwk: jwtinspect.JWK{Kty: "RSA", Use: "sig", N: n, E: "AQAB"}},
		{name: "RSA use enc", jwk: jwtinspect.JWK{Kty: "RSA", Use: "enc", N: n, E: "AQAB"}, wantErr: `use "enc"`},
		{name: "RSA no n", jwk: jwtinspect.JWK{Kty: "RSA", E: "AQAB"}, wantErr: "the n member is missing"},
		{name: "RSA even e", jwk: jwtinspect.JWK{Kty: "RSA", N: n, E: b64([]byte{1, 0, 0})}, wantErr: "must be odd"},
		{name: "RSA e = 1", jwk: jwtinspect.JWK{Kty: "RSA", N: n, E: b64([]byte{1})}, wantErr: "at least 3"},
		{name: "RSA huge e", jwk: jwtinspect.JWK{Kty: "RSA", N: n, E: b64(new(big.Int).Lsh(big.NewInt(1), 40).Bytes())}, wantErr: "31 bits"},
		{name: "RSA even n", jwk: jwtinspect.JWK{Kty: "RSA", N: b64([]byte{2}), E: "AQAB"}, wantErr: "zero or even"},
		{name: "RSA n not base64url", jwk: jwtinspect.JWK{Kty: "RSA", N: "a+b/", E: "AQAB"}, wantErr: "not base64url"},
		{name: "EC P-256", jwk: jwtinspect.JWK{Kty: "EC", Crv: "P-256", X: x, Y: y}},
		{name: "EC point off the curve", jwk: jwtinspect.JWK{Kty: "EC", Crv: "P-256", X: x, Y: x}, wantErr: "not on curve P-256"},
		{name: "EC coordinate too long", jwk: jwtinspect.JWK{Kty: "EC", Crv: "P-256", X: b64(make([]byte, 33)), Y: y}, wantErr: "longer than 32 bytes"},
		{name: "EC secp256k1", jwk: jwtinspect.JWK{Kty: "EC", Crv: "secp256k1", X: x, Y: y}, wantErr: `crv "secp256k1"`},
		{name: "EC no y", jwk: jwtinspect.JWK{Kty: "EC", Crv: "P-256", X: x}, wantErr: "the y member is missing"},
		{name: "oct", jwk: jwtinspect.JWK{Kty: "oct", Kid: "h"}, wantErr: "symmetric"},
		{name: "OKP", jwk: jwtinspect.JWK{Kty: "OKP", Crv: "Ed25519"}, wantErr: `kty "OKP"`},
		{name: "no kty", jwk: jwtinspect.JWK{}, wantErr: "no kty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.jwk.PublicKey()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("PublicKey(%+v) = %v; want a key", tc.jwk, err)
				}
				switch key := got.(type) {
				case *rsa.PublicKey:
					if !key.Equal(&k.rsa.PublicKey) {
						t.Errorf("PublicKey(%s) = a different RSA key", tc.name)
					}
				case *ecdsa.PublicKey:
					if !key.Equal(&p) {
						t.Errorf("PublicKey(%s) = a different EC key", tc.name)
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "jwtinspect: ") {
				t.Errorf("PublicKey(%s) = %v; want an error containing %q", tc.name, err, tc.wantErr)
			}
		})
	}
}

// TestJWKShortCoordinate checks that a coordinate sent without its leading zero bytes (which
// RFC 7518 forbids but some issuers do) is padded back rather than refused.
func TestJWKShortCoordinate(t *testing.T) {
	k := getKeys(t)
	for _, key := range []*ecdsa.PrivateKey{k.p256, k.p384, k.p521} {
		pub := key.PublicKey
		j := jwtinspect.JWK{Kty: "EC", Crv: pub.Curve.Params().Name, X: b64(pub.X.Bytes()), Y: b64(pub.Y.Bytes())}
		got, err := j.PublicKey()
		if err != nil || !got.(*ecdsa.PublicKey).Equal(&pub) {
			t.Errorf("PublicKey(%s, minimal bytes) = %v, %v; want the key", j.Crv, got, err)
		}
	}
}
