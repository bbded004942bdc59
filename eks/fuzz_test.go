package eks_test

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
)

var checkSteps = map[string]bool{eks.StepSize: true, eks.StepPrefix: true, eks.StepDecode: true, eks.StepScheme: true,
	eks.StepHost: true, eks.StepPath: true, eks.StepQuery: true, eks.StepAction: true, eks.StepSignedHeaders: true,
	eks.StepExpires: true, eks.StepDate: true}

// FuzzCheck: whatever the token, Check either accepts it — and then the request it returns is
// what the token says (an https STS host or an allowed loopback, path "/", Action
// GetCallerIdentity, x-k8s-aws-id signed, at most ValidFor old) — or refuses it with a
// *TokenError of one of its steps whose text holds neither the token nor its signature.
func FuzzCheck(f *testing.F) {
	f.Add(tokenOf(vectorURL))                                                                                     // the PROTOCOL.md vector
	f.Add(tokenOf(strings.Replace(vectorURL, "https://sts.us-east-1.amazonaws.com", "http://127.0.0.1:4566", 1))) // the emulator
	f.Add(tokenOf(vectorURL) + "==")                                                                              // padded
	f.Add(tokenOf(strings.Replace(vectorURL, "Action=", "action=GetCallerIdentity&Action=", 1)))                  // a name twice
	f.Add(tokenOf("https://sts.amazonaws.com/?%zz"))                                                              // a bad escape
	f.Add("k8s-aws-v1.")                                                                                          // empty
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")                                                                        // a JWT
	v := &eks.Verifier{AllowLoopback: true, Now: func() time.Time { return vectorTime.Add(time.Minute) }}
	f.Fuzz(func(t *testing.T, token string) {
		req, err := v.Check(token)
		if err != nil {
			var te *eks.TokenError
			if !errors.As(err, &te) || !checkSteps[te.Step] {
				t.Fatalf("Check(%q) = %v; want a *TokenError of a known step", token, err)
			}
			if raw, derr := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, eks.Prefix)); derr == nil {
				if u, perr := url.Parse(string(raw)); perr == nil {
					if sig := u.Query().Get("X-Amz-Signature"); len(sig) >= 16 && strings.Contains(err.Error(), sig) {
						t.Fatalf("Check(%q) = %q; it quotes the signature", token, err)
					}
				}
			}
			if len(token) > len(eks.Prefix)+16 && strings.Contains(err.Error(), token[len(eks.Prefix):]) {
				t.Fatalf("Check(%q) = %q; it quotes the token", token, err)
			}
			return
		}
		q := req.URL.Query()
		switch {
		case len(token) > eks.MaxTokenSize, !strings.HasPrefix(token, eks.Prefix),
			req.URL.Scheme != "https" && !req.Loopback, req.URL.Path != "/",
			!hasActionAnyCase(q),
			!containsFold(req.SignedHeaders, eks.ClusterIDHeader),
			vectorTime.Add(time.Minute).After(req.Date.Add(eks.ValidFor)):
			t.Fatalf("Check(%q) accepted %+v", token, req)
		}
	})
}

func hasActionAnyCase(q url.Values) bool {
	for k, v := range q {
		if strings.EqualFold(k, "action") && len(v) == 1 && v[0] == "GetCallerIdentity" {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
