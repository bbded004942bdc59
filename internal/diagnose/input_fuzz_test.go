package diagnose_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
)

// FuzzWithoutToken: any bytes given instead of a token are detected as one kind, parse or fail
// with the kind's sentinel, and a parsed input runs (and suggests) without panicking.
func FuzzWithoutToken(f *testing.F) {
	for _, name := range []string{"cloudtrail/aws-doc-web-identity.json", "cloudtrail/github-oidc-denied.json", "cloudtrail/lookup-events.json", "claims/actions-log.txt"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`{"eventName": "AssumeRoleWithWebIdentity", "userIdentity": {"identityProvider": "a:b", "principalId": "a:b:", "userName": ""}}`)
	f.Add(`{"Events": [{"CloudTrailEvent": "{\"eventName\": 1}"}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		var claims *diagnose.Claims
		switch diagnose.Detect([]byte(data)) {
		case diagnose.KindCloudTrail:
			events, err := diagnose.ParseCloudTrail([]byte(data))
			if err != nil {
				if !errors.Is(err, diagnose.ErrNotCloudTrail) {
					t.Fatalf("ParseCloudTrail error %v does not wrap ErrNotCloudTrail", err)
				}
				return
			}
			e, _, err := diagnose.PickEvent(events, "", "")
			if err != nil {
				return
			}
			claims = e.Claims()
		case diagnose.KindClaims:
			m, err := diagnose.ParseClaims([]byte(data))
			if err != nil {
				t.Fatalf("Detect said claims, ParseClaims = %v", err)
			}
			claims = &diagnose.Claims{Values: m}
		default:
			return
		}
		in := diagnose.Input{Claims: claims, RoleARN: roleARN, At: time.Unix(0, 0),
			TrustPolicy: []byte(allowGH(ghSubLike(`"repo:acme/app:*"`)))}
		rep := diagnose.Run(context.Background(), in)
		if len(rep.Checks) != len(diagnose.CheckNames) {
			t.Fatalf("Run gave %d checks", len(rep.Checks))
		}
		_ = diagnose.Suggest(context.Background(), in, rep, "")
	})
}
