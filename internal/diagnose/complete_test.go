package diagnose_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
)

// TestCompleteness: an allow is stated as complete only when every check that applies ran
// under documented rules. The rule is the ("the verdict is never a bare allow" when a
// check was skipped, unknown or assumed), not AWS's: AWS decides with everything known. A
// check that does not apply (policy.tags without session tags) and provider.thumbprint (never
// more than a warning) do not count.
func TestCompleteness(t *testing.T) {
	srv, mintWith := emulatedGitHub(t)
	mintGH := func(extra ...any) string { return mintWith(gh(subMain, extra...)) }
	pol := []byte(allowGH(ghSubLike(`"repo:acme/app:*"`)))
	gp := []diagnose.Provider{ghProvider}
	// parsed is claims as ParseClaims gives them (numbers as json.Number).
	parsed := func(c map[string]any) map[string]any {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		v, err := diagnose.ParseClaims(b)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		name        string
		in          diagnose.Input
		wantSummary diagnose.Verdict
		incomplete  string
	}{
		{"everything checked", diagnose.Input{Token: mintGH(), TrustPolicy: pol, Providers: gp, RoleARN: roleARN, SessionName: "gha-deploy", At: at, Verify: true, Verifier: srv.Verifier()},
			diagnose.Allow, ""},
		{"signature not verified", diagnose.Input{Token: mintGH(), TrustPolicy: pol, Providers: gp, RoleARN: roleARN, SessionName: "gha-deploy", At: at},
			diagnose.AllowAsFarAsChecked, "token.signature"},
		{"no providers given", diagnose.Input{Token: mintGH(), TrustPolicy: pol, RoleARN: roleARN, SessionName: "gha-deploy", At: at, Verify: true, Verifier: srv.Verifier()},
			diagnose.AllowAsFarAsChecked, "provider.registered,provider.audience"},
		// No AWS source states a clock leeway: a token 3 minutes past exp passes only under
		// rawsts's 5 minutes, so token.times is assumed.
		{"expired within the skew", diagnose.Input{Token: mintGH("exp", at.Add(-3*time.Minute).Unix()), TrustPolicy: pol, Providers: gp, RoleARN: roleARN, SessionName: "gha-deploy", At: at, Verify: true, Verifier: srv.Verifier()},
			diagnose.AllowAsFarAsChecked, "token.times"},
		// Whether STS trims whitespace around WebIdentityToken is not documented (the API
		// bounds it to 4-20000 characters and says no more): token.format is assumed.
		{"whitespace around the token", diagnose.Input{Token: mintGH() + "\n", TrustPolicy: pol, Providers: gp, RoleARN: roleARN, SessionName: "gha-deploy", At: at, Verify: true, Verifier: srv.Verifier()},
			diagnose.AllowAsFarAsChecked, "token.format"},
		// Without the token (claims, a CloudTrail event) the checks that need it are skipped
		// for want of an input, not "not applicable": such a diagnosis is never complete, so
		// never a bare allow.
		{"from claims", diagnose.Input{Claims: &diagnose.Claims{Values: parsed(gh(subMain)), From: "the claims given"}, TrustPolicy: pol, Providers: gp, RoleARN: roleARN, SessionName: "gha-deploy", At: at},
			diagnose.AllowAsFarAsChecked, "token.format,token.alg,token.times,token.signature"},
		{"from a CloudTrail event", diagnose.Input{Claims: &diagnose.Claims{Values: parsed(map[string]any{"iss": ghIss, "sub": subMain, "aud": stsAud}), From: "CloudTrail event E", Partial: true}, TrustPolicy: pol, Providers: gp, RoleARN: roleARN, SessionName: "gha-deploy", At: at},
			diagnose.AllowAsFarAsChecked, "token.format,token.alg,token.times,token.signature"},
		{"a deny is a deny, and says what was skipped", diagnose.Input{Token: mintGH(), TrustPolicy: []byte(allowGH(ghSubLike(`"repo:other/app:*"`))), Providers: gp, RoleARN: roleARN, At: at},
			diagnose.Deny, "token.signature,request.session-name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := diagnose.Run(context.Background(), tt.in)
			got := strings.Join(rep.Incomplete(), ",")
			if rep.Summary() != tt.wantSummary || got != tt.incomplete || rep.Complete() != (tt.incomplete == "") {
				t.Errorf("Run: Summary() = %s, Incomplete() = %q, Complete() = %v; want %s, %q\n%s", rep.Summary(), got, rep.Complete(), tt.wantSummary, tt.incomplete, dump(rep))
			}
			if tt.wantSummary == diagnose.AllowAsFarAsChecked && rep.Verdict != diagnose.Allow {
				t.Errorf("Run: Verdict = %s; want allow (the library verdict, and the exit code, are unchanged)", rep.Verdict)
			}
		})
	}
}

// TestParseProviderLists: an empty list is "the account has no OIDC provider" (non-nil, so
// provider.registered fails with STS's "No OpenIDConnect provider found in your account for
// ISS"), not "no information"; `aws iam list-open-id-connect-providers` output (botocore's IAM
// model: OpenIDConnectProviderList of {Arn}) gives providers known by ARN only.
func TestParseProviderLists(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want []diagnose.Provider
	}{
		{`[]`, []diagnose.Provider{}},
		{` {"OpenIDConnectProviderList": []} `, []diagnose.Provider{}},
		{`{"OpenIDConnectProviderList": [{"Arn": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, {"Arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}]}`,
			[]diagnose.Provider{{ARN: ghARN, URL: ghHost, ARNOnly: true},
				{ARN: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", URL: "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", ARNOnly: true}}},
	} {
		got, err := diagnose.ParseProvider([]byte(tt.doc))
		if err != nil || got == nil || len(got) != len(tt.want) {
			t.Errorf("ParseProvider(%s) = %#v, %v; want %#v", tt.doc, got, err, tt.want)
			continue
		}
		for i := range got {
			if got[i].ARN != tt.want[i].ARN || got[i].URL != tt.want[i].URL || got[i].ARNOnly != tt.want[i].ARNOnly {
				t.Errorf("ParseProvider(%s)[%d] = %+v; want %+v", tt.doc, i, got[i], tt.want[i])
			}
		}
	}
	if _, err := diagnose.ParseProvider([]byte(`{"OpenIDConnectProviderList": [{"Arn": "arn:aws:iam::123456789012:role/deploy"}]}`)); err == nil || !strings.Contains(err.Error(), "not an OIDC provider ARN") {
		t.Errorf("ParseProvider(a role ARN in the list) = %v; want an error naming the ARN", err)
	}
	rep := diagnose.Run(context.Background(), diagnose.Input{Token: mint(t, "", gh(subMain)), TrustPolicy: []byte(allowGH(ghSubLike(`"repo:acme/app:*"`))), RoleARN: roleARN, At: at,
		Providers: []diagnose.Provider{{ARN: ghARN, URL: ghHost, ARNOnly: true}}})
	if c := rep.Check(diagnose.CheckProviderReg); c.Status != diagnose.Pass {
		t.Errorf("provider known by ARN: provider.registered = %s %q; want pass", c.Status, c.Detail)
	}
	if c := rep.Check(diagnose.CheckProviderAud); c.Status != diagnose.Skip || !strings.Contains(c.Detail, "ARN only") {
		t.Errorf("provider known by ARN: provider.audience = %s %q; want skip (its ClientIDList is unknown)", c.Status, c.Detail)
	}
}
