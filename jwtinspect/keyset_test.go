package jwtinspect_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rawsts/rawsts/jwtinspect"
)

// jwksDoc is the JSON of a key set holding keys.
func jwksDoc(t testing.TB, keys ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseJWKS(t *testing.T) {
	k := getKeys(t)
	good := jwksDoc(t, jwkOf("k-rsa", &k.rsa.PublicKey), jwkOf("k-p256", &k.p256.PublicKey))
	tests := []struct {
		name    string
		doc     string
		wantErr string // "" for success
	}{
		{name: "two keys", doc: string(good)},
		{name: "members Verify ignores", doc: `{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB","x5c":["MIIB"],"key_ops":["verify"]}],"cache":"max-age=60"}`},
		{name: "surrounding whitespace", doc: "\n  " + string(good) + "\n"},
		{name: "empty", doc: "", wantErr: "it ends early"},
		{name: "not JSON", doc: "<html>", wantErr: "syntax error at byte 1"},
		{name: "array", doc: `[{"kty":"RSA"}]`, wantErr: "it is a JSON array"},
		{name: "null", doc: `null`, wantErr: "JSON null, not an object"},
		{name: "trailing data", doc: string(good) + ` {}`, wantErr: "more after the JSON value"},
		{name: "trailing brace", doc: string(good) + `}`, wantErr: "more after the JSON value"},
		{name: "no keys member", doc: `{"kid":"a"}`, wantErr: `no "keys" member`},
		{name: "keys null", doc: `{"keys":null}`, wantErr: `no "keys" member`},
		{name: "keys object", doc: `{"keys":{"kid":"a"}}`, wantErr: `"keys" member is a JSON object, not an array`},
		{name: "key a string", doc: `{"keys":["a"]}`, wantErr: "keys[0] is not a JSON object"},
		{name: "key null", doc: `{"keys":[{"kty":"RSA"},null]}`, wantErr: "keys[1] is not a JSON object"},
		{name: "kid a number", doc: `{"keys":[{"kty":"RSA","kid":7}]}`, wantErr: `keys[0]: the member "kid" is a JSON number, not a string`},
		{name: "keys twice", doc: `{"keys":[],"keys":[{"kty":"RSA"}]}`, wantErr: `the member "keys" appears twice`},
		{name: "n twice in a key", doc: `{"keys":[{"kty":"RSA","n":"AQAB","n":"AQAD","e":"AQAB"}]}`, wantErr: `keys[0] has the member "n" twice`},
		{name: "no keys", doc: `{"keys":[]}`, wantErr: "has no keys"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := jwtinspect.ParseJWKS([]byte(tc.doc))
			if tc.wantErr == "" {
				if err != nil || set == nil || len(set.Keys) == 0 {
					t.Fatalf("ParseJWKS(%q) = %v, %v; want a key set", tc.doc, set, err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "jwtinspect: ") || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseJWKS(%q) = %v; want an error containing %q", tc.doc, err, tc.wantErr)
			}
		})
	}
	set, err := jwtinspect.ParseJWKS(good)
	if err != nil || len(set.Keys) != 2 || set.Keys[0].Kid != "k-rsa" || set.Keys[1].Crv != "P-256" {
		t.Errorf("ParseJWKS(two keys) = %+v, %v; want k-rsa and k-p256 in order", set, err)
	}
}

// noNetwork fails the test on any request: a Verifier with a KeySet fetches nothing.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("a request to %s; a Verifier with a KeySet must fetch nothing", r.URL)
	return nil, errors.New("no network here")
}

// TestVerifyKeySet: with a key set given, Verify checks the signature with it by the same steps
// from kid on, names the set in its result and errors, and fetches nothing: not even the
// discovery document of an issuer that does not exist.
func TestVerifyKeySet(t *testing.T) {
	k := getKeys(t)
	set, err := jwtinspect.ParseJWKS(jwksDoc(t, jwkOf("k-rsa", &k.rsa.PublicKey), jwkOf("k-p256", &k.p256.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"iss": "https://issuer.invalid", "sub": "s", "aud": "sts.amazonaws.com"}
	tests := []struct {
		name     string
		tok      string
		set      *jwtinspect.JWKS
		wantStep string // "" for success
		wantMsg  string
	}{
		{name: "RS256", tok: mint(t, jwt.SigningMethodRS256, k.rsa, "k-rsa", claims)},
		{name: "ES256", tok: mint(t, jwt.SigningMethodES256, k.p256, "k-p256", claims)},
		{name: "kid not in the set", tok: mint(t, jwt.SigningMethodRS256, k.rsa, "k-gone", claims),
			wantStep: jwtinspect.StepKid, wantMsg: `no key with kid "k-gone" in jwks.json (kids present: "k-p256", "k-rsa")`},
		{name: "signed by another key", tok: mint(t, jwt.SigningMethodRS256, k.rsa2, "k-rsa", claims),
			wantStep: jwtinspect.StepSignature, wantMsg: `does not verify with key "k-rsa" from jwks.json`},
		{name: "alg STS refuses", tok: mint(t, jwt.SigningMethodPS256, k.rsa, "k-rsa", claims),
			wantStep: jwtinspect.StepAlg, wantMsg: `alg "PS256" is not one STS accepts`},
		{name: "an empty set", tok: mint(t, jwt.SigningMethodRS256, k.rsa, "k-rsa", claims), set: &jwtinspect.JWKS{},
			wantStep: jwtinspect.StepJWKS, wantMsg: "jwks.json has no keys"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ks := set
			if tc.set != nil {
				ks = tc.set
			}
			v := &jwtinspect.Verifier{HTTPClient: &http.Client{Transport: noNetwork{t}}, KeySet: ks, KeySetSource: "jwks.json"}
			res, err := v.Verify(context.Background(), decoded(t, tc.tok))
			if res == nil || res.KeySource != "jwks.json" || res.Discovery.URL != "" || res.JWKS.URL != "" {
				t.Fatalf("Verify(%s) = %+v; want KeySource jwks.json and no fetch", tc.name, res)
			}
			if tc.wantStep == "" {
				if err != nil || res.KeyID == "" || res.KeyType == "" {
					t.Errorf("Verify(%s) = %+v, %v; want the key that verified", tc.name, res, err)
				}
				return
			}
			var se *jwtinspect.StepError
			if !errors.As(err, &se) || se.Step != tc.wantStep || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("Verify(%s) = %v; want step %q with %q", tc.name, err, tc.wantStep, tc.wantMsg)
			}
		})
	}
	// Without KeySetSource the set is "the key set given".
	v := &jwtinspect.Verifier{HTTPClient: &http.Client{Transport: noNetwork{t}}, KeySet: set}
	if res, err := v.Verify(context.Background(), decoded(t, mint(t, jwt.SigningMethodRS256, k.rsa, "k-rsa", claims))); err != nil || res.KeySource != "the key set given" {
		t.Errorf("Verify without KeySetSource = %+v, %v; want KeySource %q", res, err, "the key set given")
	}
}

// FuzzParseJWKS: any bytes either fail with a jwtinspect error or give a set of at least one key,
// and a set that parses parses again, the same, from its own JSON.
func FuzzParseJWKS(f *testing.F) {
	k := getKeys(f)
	f.Add(jwksDoc(f, jwkOf("k-rsa", &k.rsa.PublicKey), jwkOf("k-p256", &k.p256.PublicKey)))
	f.Add([]byte(`{"keys":[]}`))
	f.Add([]byte(`{"keys":{"kid":"a"}}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","n":"AQAD"}]}`))
	f.Add([]byte(`{"keys":[{"kid":7}]}`))
	f.Add([]byte(`{"keys":[null]} }`))
	f.Add([]byte("\xef\xbb\xbf{\"keys\":[{}]}"))
	f.Add([]byte(`[[[[[[[[[[]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		set, err := jwtinspect.ParseJWKS(doc)
		if err != nil {
			if set != nil || !strings.HasPrefix(err.Error(), "jwtinspect: ") {
				t.Fatalf("ParseJWKS(%q) = %v, %v; want nil and a jwtinspect error", doc, set, err)
			}
			return
		}
		if len(set.Keys) == 0 {
			t.Fatalf("ParseJWKS(%q) = a set without keys", doc)
		}
		again, err := jwtinspect.ParseJWKS(mustJSON(t, set))
		if err != nil || len(again.Keys) != len(set.Keys) || again.Keys[0] != set.Keys[0] {
			t.Fatalf("ParseJWKS(%q) = %+v, which does not parse again the same: %+v, %v", doc, set, again, err)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVerifyTimeoutMessage: a fetch that runs out of time is a *TimeoutError whose message says,
// for people, the URL, the time allowed and STS's own budget (not the transport's "context
// deadline exceeded"), while errors.Is still finds the deadline.
func TestVerifyTimeoutMessage(t *testing.T) {
	e := newVerifyEnv(t)
	e.is.set(func(is *issuer) { is.delay = 300 * time.Millisecond })
	v := *e.v
	v.Timeout = 100 * time.Millisecond
	_, err := v.Verify(context.Background(), e.token(t, jwt.SigningMethodRS256, e.k.rsa, "k-rsa"))
	var te *jwtinspect.TimeoutError
	if !errors.As(err, &te) || te.Limit != v.Timeout || te.URL != e.is.URL+"/.well-known/openid-configuration" || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Verify(slow issuer) = %v; want a *TimeoutError of 100ms for the discovery URL that is a context.DeadlineExceeded", err)
	}
	for _, tc := range []struct {
		limit time.Duration
		want  string
	}{
		{100 * time.Millisecond, "did not finish within 100ms (STS gives an identity provider about 5s before it fails with Couldn't retrieve verification key)"},
		{jwtinspect.DefaultTimeout, "did not finish within 5s, the time STS gives an identity provider before it fails with Couldn't retrieve verification key"},
	} {
		te.Limit = tc.limit
		if msg := te.Error(); !strings.HasSuffix(msg, tc.want) || strings.Contains(msg, "deadline") || strings.Contains(msg, "Client.Timeout") {
			t.Errorf("TimeoutError{Limit: %s}.Error() = %q; want it to end %q, in words for people", tc.limit, msg, tc.want)
		}
	}
}
