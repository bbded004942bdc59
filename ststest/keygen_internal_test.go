package ststest

import (
	"testing"
	"time"
)

// TestDiscoveryWithoutKey: an issuer serves its discovery document without its key — the first
// answers of a server never wait for a key — and only the JWKS makes (or waits for) it.
func TestDiscoveryWithoutKey(t *testing.T) {
	iss := newIssuer("oidc", kindGeneric, time.Now)
	iss.URL = "http://127.0.0.1:1/oidc"
	if _, err := iss.documents(false); err != nil {
		t.Fatal(err)
	}
	if iss.made.Load() {
		t.Errorf("documents(discovery) made the key; want it left to the JWKS")
	}
	if _, err := iss.documents(true); err != nil || !iss.made.Load() {
		t.Errorf("documents(JWKS) = %v, key made %v; want the JWKS and the key", err, iss.made.Load())
	}
}

// TestKeysMadeInBackground: from the moment a server starts, its issuers' keys are made in the
// background, the user pools' included, without a token minted or a JWKS asked for.
func TestKeysMadeInBackground(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	want := []string{"oidc", DefaultPoolID}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		all := true
		for _, name := range want {
			iss, ok := srv.LookupIssuer(name)
			all = all && ok && iss.made.Load()
		}
		if all {
			return
		}
	}
	t.Errorf("the keys of %v were not made in the background within 30 s", want)
}
