package jwtinspect_test

import (
	"context"
	"crypto"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rawsts/rawsts/jwtinspect"
)

// verifyEnv is a local TLS issuer publishing one key of each kind STS accepts.
type verifyEnv struct {
	pki *pki
	is  *issuer
	v   *jwtinspect.Verifier
	k   *testKeys
}

func newVerifyEnv(t *testing.T) *verifyEnv {
	t.Helper()
	k := getKeys(t)
	p := newPKI(t)
	is, _ := newIssuer(t, p,
		jwkOf("k-rsa", &k.rsa.PublicKey), jwkOf("k-rsa1024", &k.rsa1024.PublicKey),
		jwkOf("k-p256", &k.p256.PublicKey), jwkOf("k-p384", &k.p384.PublicKey), jwkOf("k-p521", &k.p521.PublicKey))
	return &verifyEnv{pki: p, is: is, v: &jwtinspect.Verifier{HTTPClient: p.client()}, k: k}
}

// token mints a token from this issuer, valid now, with aud sts.amazonaws.com.
func (e *verifyEnv) token(t *testing.T, m jwt.SigningMethod, key crypto.PrivateKey, kid string) *jwtinspect.Token {
	t.Helper()
	now := time.Now()
	raw := mint(t, m, key, kid, map[string]any{"iss": e.is.URL, "sub": "system:serviceaccount:default:app",
		"aud": "sts.amazonaws.com", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	tok, err := jwtinspect.Decode(raw)
	if err != nil {
		t.Fatalf("Decode(minted) = %v", err)
	}
	return tok
}

func TestVerify(t *testing.T) {
	e := newVerifyEnv(t)
	tests := []struct {
		name     string
		method   jwt.SigningMethod
		key      crypto.PrivateKey
		kid      string
		wantType string
	}{
		{name: "RS256", method: jwt.SigningMethodRS256, key: e.k.rsa, kid: "k-rsa", wantType: "RSA"},
		{name: "RS384", method: jwt.SigningMethodRS384, key: e.k.rsa, kid: "k-rsa", wantType: "RSA"},
		{name: "RS512", method: jwt.SigningMethodRS512, key: e.k.rsa, kid: "k-rsa", wantType: "RSA"},
		{name: "ES256", method: jwt.SigningMethodES256, key: e.k.p256, kid: "k-p256", wantType: "EC P-256"},
		{name: "ES384", method: jwt.SigningMethodES384, key: e.k.p384, kid: "k-p384", wantType: "EC P-384"},
		{name: "ES512", method: jwt.SigningMethodES512, key: e.k.p521, kid: "k-p521", wantType: "EC P-521"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.v.Verify(context.Background(), e.token(t, tc.method, tc.key, tc.kid))
			if err != nil {
				t.Fatalf("Verify(%s) = %v; want success", tc.name, err)
			}
			if res.KeyID != tc.kid || res.KeyType != tc.wantType || res.Algorithm != tc.name || len(res.Findings) != 0 {
				t.Errorf("Verify(%s) = %+v; want kid %s, type %s, no findings", tc.name, res, tc.kid, tc.wantType)
			}
			if res.Discovery.Status != 200 || res.JWKS.URL != e.is.URL+"/jwks" || res.JWKS.Bytes == 0 || len(res.KeyIDs) != 5 {
				t.Errorf("Verify(%s) fetches = %+v, %+v, kids %v", tc.name, res.Discovery, res.JWKS, res.KeyIDs)
			}
		})
	}
}

func TestVerifyStepErrors(t *testing.T) {
	e := newVerifyEnv(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	hmac := mint(t, jwt.SigningMethodHS256, []byte("0123456789abcdef0123456789abcdef"), "k-rsa", map[string]any{"iss": e.is.URL})
	tests := []struct {
		name     string
		tok      func(t *testing.T) *jwtinspect.Token
		setup    func(is *issuer)
		timeout  time.Duration
		wantStep string
		wantMsg  string
	}{
		{name: "discovery unreachable", wantStep: jwtinspect.StepDiscovery, wantMsg: closed.URL + "/.well-known/openid-configuration",
			tok: func(t *testing.T) *jwtinspect.Token {
				return decoded(t, mint(t, jwt.SigningMethodRS256, e.k.rsa, "k-rsa", map[string]any{"iss": closed.URL}))
			}},
		{name: "issuer not https", wantStep: jwtinspect.StepDiscovery, wantMsg: "not https",
			tok: func(t *testing.T) *jwtinspect.Token {
				return decoded(t, mint(t, jwt.SigningMethodRS256, e.k.rsa, "k-rsa", map[string]any{"iss": "http://issuer.example.com"}))
			}},
		{name: "discovery slow", timeout: 100 * time.Millisecond, wantStep: jwtinspect.StepDiscovery, wantMsg: "did not finish within 100ms",
			setup: func(is *issuer) { is.delay = 300 * time.Millisecond }},
		{name: "issuer mismatch", wantStep: jwtinspect.StepIssuer, wantMsg: "STS needs them to be identical",
			setup: func(is *issuer) { is.discovery = map[string]any{"issuer": is.URL + "/", "jwks_uri": is.URL + "/jwks"} }},
		{name: "no jwks_uri", wantStep: jwtinspect.StepDiscovery, wantMsg: "no jwks_uri",
			setup: func(is *issuer) { is.discovery = map[string]any{"issuer": is.URL} }},
		{name: "JWKS 404", wantStep: jwtinspect.StepJWKS, wantMsg: "HTTP 404",
			setup: func(is *issuer) { is.discovery = map[string]any{"issuer": is.URL, "jwks_uri": is.URL + "/missing"} }},
		{name: "JWKS not JSON", wantStep: jwtinspect.StepJWKS, wantMsg: "not a JSON Web Key Set",
			setup: func(is *issuer) { is.jwks = "<html>" }},
		{name: "JWKS over 1 MiB", wantStep: jwtinspect.StepJWKS, wantMsg: "larger than 1048576 bytes",
			setup: func(is *issuer) { is.jwks = map[string]any{"pad": strings.Repeat("x", 1<<20)} }},
		{name: "JWKS without the kid", wantStep: jwtinspect.StepKid, wantMsg: `kids present: "k-other"); the issuer may have rotated`,
			setup: func(is *issuer) { is.jwks = map[string]any{"keys": []any{jwkOf("k-other", &e.k.rsa.PublicKey)}} }},
		{name: "key off the curve", wantStep: jwtinspect.StepKey, wantMsg: "not on curve P-256",
			tok: func(t *testing.T) *jwtinspect.Token { return e.token(t, jwt.SigningMethodES256, e.k.p256, "k-p256") },
			setup: func(is *issuer) {
				bad := jwkOf("k-p256", &e.k.p256.PublicKey)
				bad["y"] = bad["x"]
				is.jwks = map[string]any{"keys": []any{bad}}
			}},
		{name: "alg not accepted", wantStep: jwtinspect.StepAlg, wantMsg: `alg "HS256" is not one STS accepts`,
			tok: func(t *testing.T) *jwtinspect.Token { return decoded(t, hmac) }},
		{name: "PS256 not accepted", wantStep: jwtinspect.StepAlg, wantMsg: `alg "PS256"`,
			tok: func(t *testing.T) *jwtinspect.Token { return e.token(t, jwt.SigningMethodPS256, e.k.rsa, "k-rsa") }},
		{name: "alg does not fit the curve", wantStep: jwtinspect.StepAlg, wantMsg: "needs a P-384 key, but the key is on P-256",
			tok: func(t *testing.T) *jwtinspect.Token {
				tok := e.token(t, jwt.SigningMethodES384, e.k.p384, "k-p256")
				return tok
			}},
		{name: "wrong key", wantStep: jwtinspect.StepSignature, wantMsg: `does not verify with key "k-rsa"`,
			tok: func(t *testing.T) *jwtinspect.Token { return e.token(t, jwt.SigningMethodRS256, e.k.rsa2, "k-rsa") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var disc map[string]any
			var jwks any
			e.is.set(func(is *issuer) { disc, jwks = is.discovery, is.jwks })
			t.Cleanup(func() {
				e.is.set(func(is *issuer) { is.discovery, is.jwks, is.delay = disc, jwks, 0 })
			})
			if tc.setup != nil {
				e.is.set(tc.setup)
			}
			tok := e.token(t, jwt.SigningMethodRS256, e.k.rsa, "k-rsa")
			if tc.tok != nil {
				tok = tc.tok(t)
			}
			v := *e.v
			v.Timeout = tc.timeout
			res, err := v.Verify(context.Background(), tok)
			var se *jwtinspect.StepError
			if !errors.As(err, &se) {
				t.Fatalf("Verify(%s) = %v; want a *StepError", tc.name, err)
			}
			if se.Step != tc.wantStep || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("Verify(%s) = %v; want step %q with %q", tc.name, err, tc.wantStep, tc.wantMsg)
			}
			if res == nil || strings.Contains(err.Error(), tok.Segments[1]) {
				t.Errorf("Verify(%s) = %v, %v; want a partial result and no token in the error", tc.name, res, err)
			}
		})
	}
}

func decoded(t *testing.T, raw string) *jwtinspect.Token {
	t.Helper()
	tok, err := jwtinspect.Decode(raw)
	if err != nil {
		t.Fatalf("Decode = %v", err)
	}
	return tok
}

// verifyCase sets up the issuer and token for one Verify run.
type verifyCase struct {
	setup   func(e *verifyEnv)
	kid     string
	key     func(k *testKeys) crypto.PrivateKey
	timeout time.Duration
}

// verifyCodeCases has, for every code Verify reports, a run that produces it and one that
// does not.
var verifyCodeCases = map[string]struct{ yes, no verifyCase }{
	jwtinspect.CodeDiscoveryFieldMissing: {
		yes: verifyCase{setup: func(e *verifyEnv) {
			e.is.set(func(is *issuer) { is.discovery = map[string]any{"issuer": is.URL, "jwks_uri": is.URL + "/jwks"} })
		}},
		no: verifyCase{},
	},
	jwtinspect.CodeSlowFetch: {
		yes: verifyCase{timeout: time.Second, setup: func(e *verifyEnv) { e.is.set(func(is *issuer) { is.delay = 600 * time.Millisecond }) }},
		no:  verifyCase{timeout: time.Second},
	},
	jwtinspect.CodeNoKid:   {yes: verifyCase{kid: "-"}, no: verifyCase{}},
	jwtinspect.CodeWeakKey: {yes: verifyCase{kid: "k-rsa1024", key: func(k *testKeys) crypto.PrivateKey { return k.rsa1024 }}, no: verifyCase{}},
}

func TestVerifyCodes(t *testing.T) {
	for code, tc := range verifyCodeCases {
		t.Run(code, func(t *testing.T) {
			run := func(c verifyCase) []jwtinspect.Finding {
				e := newVerifyEnv(t)
				if c.setup != nil {
					c.setup(e)
				}
				kid, key := "k-rsa", crypto.PrivateKey(e.k.rsa)
				if c.kid == "-" {
					kid = ""
				} else if c.kid != "" {
					kid = c.kid
				}
				if c.key != nil {
					key = c.key(e.k)
				}
				e.v.Timeout = c.timeout
				res, err := e.v.Verify(context.Background(), e.token(t, jwt.SigningMethodRS256, key, kid))
				if err != nil {
					t.Fatalf("Verify = %v; want success", err)
				}
				return res.Findings
			}
			fs := run(tc.yes)
			found := false
			for _, f := range fs {
				if f.Code == code {
					found = true
					if want, _ := jwtinspect.SeverityOf(code); f.Severity != want {
						t.Errorf("Verify(yes) %s severity = %v; want %v", code, f.Severity, want)
					}
				}
			}
			if !found {
				t.Errorf("Verify(yes) findings = %v; want %s", fs, code)
			}
			for _, f := range run(tc.no) {
				if f.Code == code {
					t.Errorf("Verify(no) findings = %v; want no %s", fs, code)
				}
			}
		})
	}
}

var hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

func TestThumbprintOf(t *testing.T) {
	p := newPKI(t)
	want := func(b []byte) string { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }
	withInter := p.serve(t, http.NotFoundHandler(), p.inter)
	withRoot := p.serve(t, http.NotFoundHandler(), p.inter, p.root)
	tests := []struct {
		name, host, want, wantSubject string
	}{
		{name: "leaf and intermediate: the intermediate", host: withInter.Listener.Addr().String(), want: want(p.inter.Raw), wantSubject: "rawsts test intermediate"},
		{name: "chain with root: the root", host: withRoot.Listener.Addr().String(), want: want(p.root.Raw), wantSubject: "rawsts test root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := jwtinspect.ThumbprintOf(context.Background(), tc.host, p.client().Transport.(*http.Transport).TLSClientConfig)
			if err != nil {
				t.Fatalf("ThumbprintOf(%q) = %v", tc.host, err)
			}
			if got.SHA1 != tc.want || !hex40.MatchString(got.SHA1) || !strings.Contains(got.Subject, tc.wantSubject) || got.Host != tc.host {
				t.Errorf("ThumbprintOf(%q) = %+v; want %s from %q", tc.host, got, tc.want, tc.wantSubject)
			}
		})
	}
	if _, err := jwtinspect.ThumbprintOf(context.Background(), withInter.Listener.Addr().String(), nil); err == nil {
		t.Errorf("ThumbprintOf(untrusted, nil config) = nil error; want a certificate error")
	}
}

func TestVerifierThumbprint(t *testing.T) {
	e := newVerifyEnv(t)
	got, err := e.v.Thumbprint(context.Background(), e.is.URL)
	if err != nil {
		t.Fatalf("Thumbprint(%q) = %v", e.is.URL, err)
	}
	sum := sha1.Sum(e.pki.inter.Raw)
	if want := hex.EncodeToString(sum[:]); got.SHA1 != want {
		t.Errorf("Thumbprint(%q) = %s; want %s", e.is.URL, got.SHA1, want)
	}
	var se *jwtinspect.StepError
	if _, err := e.v.Thumbprint(context.Background(), "http://example.com"); !errors.As(err, &se) || se.Step != jwtinspect.StepDiscovery {
		t.Errorf("Thumbprint(http://example.com) = %v; want a discovery StepError", err)
	}
}
