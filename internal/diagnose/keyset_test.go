package diagnose_test

import (
	"context"
	"encoding/base64"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/jwtinspect"
)

// failTransport fails the test on any request: a diagnosis with a key set given fetches nothing.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("a request to %s; with a key set given nothing is fetched", r.URL)
	return nil, http.ErrNotSupported
}

// TestKeySetGiven: with the issuer's key set given (diagnose --jwks), token.signature checks the
// signature with it and fetches nothing; the check says the keys came from the file, not from
// the issuer, and the evidence names what only the issuer can show. The report counts as
// complete (a bare allow): the key set stands for the issuer's as TrustPolicy and Providers
// stand for the role's and the account's. provider.thumbprint is skipped (no connection), which
// never counts: it can only warn.
func TestKeySetGiven(t *testing.T) {
	pub := key(t).PublicKey
	set := &jwtinspect.JWKS{Keys: []jwtinspect.JWK{{Kty: "RSA", Kid: "test-key-1", Alg: "RS256",
		N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())}}}
	verifier := &jwtinspect.Verifier{HTTPClient: &http.Client{Transport: failTransport{t}}, KeySet: set, KeySetSource: "jwks.json"}
	withThumb := diagnose.Provider{URL: ghHost, ClientIDs: []string{stsAud}, Thumbprints: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}}
	in := diagnose.Input{Token: mint(t, "", gh(subMain)), TrustPolicy: []byte(allowGH(ghSubLike(`"repo:acme/app:*"`))), Providers: []diagnose.Provider{withThumb},
		RoleARN: roleARN, SessionName: "gha-deploy", At: at, Verify: true, Verifier: verifier}

	rep := diagnose.Run(context.Background(), in)
	sig := rep.Check(diagnose.CheckTokenSignature)
	if sig.Status != diagnose.Pass || !strings.Contains(sig.Detail, `signed by key "test-key-1" (RSA) — keys from jwks.json, not fetched from the issuer; whether the issuer serves them was not checked`) {
		t.Errorf("token.signature = %s %q; want pass, saying the keys came from jwks.json", sig.Status, sig.Detail)
	}
	if ev := strings.Join(sig.Evidence, "\n"); !strings.Contains(ev, "not fetched: "+ghIss+"/.well-known/openid-configuration and its jwks_uri") || !strings.Contains(ev, `the kids in jwks.json: "test-key-1"`) {
		t.Errorf("token.signature evidence = %q; want the discovery URL not fetched and the set's kids", sig.Evidence)
	}
	if th := rep.Check(diagnose.CheckProviderThumb); th.Status != diagnose.Skip || !strings.Contains(th.Detail, "the keys came from jwks.json") {
		t.Errorf("provider.thumbprint = %s %q; want skip, no connection made", th.Status, th.Detail)
	}
	if rep.Summary() != diagnose.Allow || !rep.Complete() {
		t.Errorf("Summary() = %s, Incomplete() = %q; want a complete allow\n%s", rep.Summary(), rep.Incomplete(), dump(rep))
	}

	// A token signed by a key the set does not hold fails, and the fix is about the file.
	_, mintOther := emulatedGitHub(t)
	other := in
	other.Token = mintOther(gh(subMain))
	rep = diagnose.Run(context.Background(), other)
	sig = rep.Check(diagnose.CheckTokenSignature)
	if sig.Status != diagnose.Fail || !strings.Contains(sig.Detail, "jwks.json") || !strings.Contains(sig.Fix, "not signed by a key in jwks.json") {
		t.Errorf("token.signature (another key) = %s %q, fix %q; want a failure naming jwks.json", sig.Status, sig.Detail, sig.Fix)
	}
	if rep.Verdict != diagnose.Deny || rep.FirstFailure().Name != diagnose.CheckTokenSignature {
		t.Errorf("Verdict = %s; want deny at token.signature\n%s", rep.Verdict, dump(rep))
	}

	// --suggest keeps the signature the diagnosis checked with the key set: the re-run of a
	// fixed policy is a complete allow.
	fix := in
	fix.TrustPolicy = []byte(allowGH(ghSubLike(`"repo:acme/app:ref:refs/heads/dev"`)))
	rep = diagnose.Run(context.Background(), fix)
	sug := diagnose.Suggest(context.Background(), fix, rep, "trust-policy.json")
	if sug.Rerun == nil || sug.Rerun.Summary() != diagnose.Allow || !sug.Rerun.Complete() {
		t.Fatalf("Suggest: re-run = %v; want a complete allow\n%s", sug.Rerun, dump(rep))
	}
	if c := sug.Rerun.Check(diagnose.CheckTokenSignature); c.Status != diagnose.Pass || !strings.Contains(c.Detail, "keys from jwks.json") {
		t.Errorf("Suggest: re-run token.signature = %s %q; want the diagnosis's pass", c.Status, c.Detail)
	}
}
