package jwtinspect_test

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
)

// FuzzDecode checks Decode's contract: every input either fails with an error matching
// ErrMalformed, or decodes to a Token whose Segments re-join to the input with surrounding
// whitespace trimmed, whose segments decode to the header and signature it reports, and which
// Lint accepts without a not-a-jwt finding.
func FuzzDecode(f *testing.F) {
	// Every claim-layout fixture as an unsigned token with a short signature.
	files, _ := filepath.Glob(filepath.Join("testdata", "claims", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(unsigned(hdrRS256, string(b)) + "c2ln")
	}
	f.Add("")                                                             // empty
	f.Add(" \n")                                                          // only whitespace
	f.Add(unsigned(hdrRS256, claimsMin) + "c2ln\n")                       // trailing newline
	f.Add(`{"value":"` + unsigned(hdrRS256, claimsMin) + `c2ln"}`)        // GitHub reply
	f.Add(unsigned(`{"alg":"none"}`, `{}`))                               // unsigned, empty signature
	f.Add(unsigned(hdrRS256, `{"exp":1.5e9,"aud":7}`) + "c2ln")           // non-integer time, bad aud
	f.Add(unsigned(hdrRS256, `{"exp":99999999999999999999999}`) + "c2ln") // out of range
	f.Add("a.b.c.d.e")                                                    // JWE
	f.Add("eyJ.eyJ.")                                                     // truncated base64
	f.Add(unsigned(hdrRS256, `{"https://aws.amazon.com/tags":{"principal_tags":{"a":[1]}}}`) + "x")

	f.Fuzz(func(t *testing.T, in string) {
		tok, err := jwtinspect.Decode(in)
		if err != nil {
			if !errors.Is(err, jwtinspect.ErrMalformed) {
				t.Fatalf("Decode(%q) = %v; want an ErrMalformed error", in, err)
			}
			var me *jwtinspect.MalformedError
			if !errors.As(err, &me) || me.Reason == "" {
				t.Fatalf("Decode(%q) = %v; want a *MalformedError with a reason", in, err)
			}
			return
		}
		want := strings.TrimSpace(in)
		if tok.Raw != want || strings.Join(tok.Segments[:], ".") != want {
			t.Fatalf("Decode(%q): Segments re-join to %q; want %q", in, strings.Join(tok.Segments[:], "."), want)
		}
		if (tok.Trimmed == "") != (want == in) {
			t.Fatalf("Decode(%q).Trimmed = %q; want it set exactly when whitespace was trimmed", in, tok.Trimmed)
		}
		sig, err := base64.RawURLEncoding.DecodeString(tok.Segments[2])
		if err != nil || string(sig) != string(tok.Signature) {
			t.Fatalf("Decode(%q).Signature does not match its segment", in)
		}
		if tok.Header.Raw == nil || tok.RawClaims == nil {
			t.Fatalf("Decode(%q) = %+v; want a header and claims", in, tok)
		}
		if alg, ok := tok.Header.Raw["alg"].(string); ok && alg != tok.Header.Alg {
			t.Fatalf("Decode(%q).Header.Alg = %q; want %q", in, tok.Header.Alg, alg)
		}
		_, fs := jwtinspect.Lint(in, jwtinspect.Options{Now: time.Unix(1700000000, 0)})
		for _, f := range fs {
			if f.Code == jwtinspect.CodeNotAJWT {
				t.Fatalf("Lint(%q) says not-a-jwt, but Decode accepted it", in)
			}
			if s, ok := jwtinspect.SeverityOf(f.Code); !ok || s != f.Severity {
				t.Fatalf("Lint(%q) finding %v breaks the severity contract", in, f)
			}
		}
	})
}

// FuzzJWKPublicKey checks the hand-written JWK conversion on untrusted key sets: every JWK
// either fails with a jwtinspect error or yields a key STS could use: an RSA key with an odd
// modulus and an odd exponent of at least 3, or an EC point on its named curve.
func FuzzJWKPublicKey(f *testing.F) {
	f.Add("RSA", "", "AQAB", "", "", "")
	f.Add("RSA", "", "AQAB", "", "", "xw")
	f.Add("EC", "P-256", "", "", "AQ", "Ag")
	f.Add("EC", "P-384", "", "", "", "")
	f.Add("EC", "P-521", "", "", "AAAA", "AAAA")
	f.Add("oct", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, kty, crv, e, n, x, y string) {
		j := jwtinspect.JWK{Kty: kty, Crv: crv, E: e, N: n, X: x, Y: y}
		key, err := j.PublicKey()
		if err != nil {
			if !strings.HasPrefix(err.Error(), "jwtinspect: ") {
				t.Fatalf("PublicKey(%+v) = %v; want a jwtinspect error", j, err)
			}
			return
		}
		switch k := key.(type) {
		case *rsa.PublicKey:
			if k.E < 3 || k.E%2 == 0 || k.N.Bit(0) == 0 {
				t.Fatalf("PublicKey(%+v) = RSA e=%d; want an odd e >= 3 and odd n", j, k.E)
			}
		case *ecdsa.PublicKey:
			if _, err := k.ECDH(); err != nil {
				t.Fatalf("PublicKey(%+v) = a point off %s: %v", j, crv, err)
			}
		default:
			t.Fatalf("PublicKey(%+v) = %T", j, key)
		}
	})
}
