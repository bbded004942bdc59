package diagnose_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/diagnose"
)

// FuzzParseProvider: every error wraps ErrNotProvider; every provider has a URL without a scheme.
func FuzzParseProvider(f *testing.F) {
	// get-open-id-connect-provider output as the AWS CLI prints it.
	f.Add(`{"Url": "token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"], "ThumbprintList": ["6938fd4d98bab03faadb97b34396831e3780aea1"], "CreateDate": "2023-01-01T00:00:00Z", "Tags": []}`)
	// A list, with an ARN.
	f.Add(`[{"Arn": "arn:aws:iam::123456789012:oidc-provider/gitlab.com", "Url": "https://gitlab.com", "ClientIDList": []}]`)
	f.Add(`{"ClientIDList": 5}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, data string) {
		ps, err := diagnose.ParseProvider([]byte(data))
		if err != nil {
			if !errors.Is(err, diagnose.ErrNotProvider) {
				t.Fatalf("ParseProvider error %v does not wrap ErrNotProvider", err)
			}
			return
		}
		for _, p := range ps {
			if p.URL == "" || strings.HasPrefix(p.URL, "https://") {
				t.Fatalf("ParseProvider gave URL %q", p.URL)
			}
		}
	})
}

// FuzzRun: any token and policy bytes give a report with every check, in order, a known
// status, and a verdict that agrees with the statuses.
func FuzzRun(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwic3ViIjoicmVwbzphY21lL2FwcDpyZWY6cmVmcy9oZWFkcy9tYWluIiwiYXVkIjoic3RzLmFtYXpvbmF3cy5jb20iLCJleHAiOjE3NzIzNzAwMDB9.c2ln",
		`{"Statement": {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}}`)
	f.Add("not a token", "%7B%7D")
	f.Add("a.b.c", `{"Role": {"Arn": "arn:aws:iam::123456789012:role/x", "AssumeRolePolicyDocument": "{}"}}`)
	f.Fuzz(func(t *testing.T, token, policy string) {
		rep := diagnose.Run(context.Background(), diagnose.Input{Token: token, TrustPolicy: []byte(policy), RoleARN: "arn:aws:iam::123456789012:role/x", At: at, Providers: []diagnose.Provider{ghProvider}})
		if len(rep.Checks) != len(diagnose.CheckNames) {
			t.Fatalf("%d checks; want %d", len(rep.Checks), len(diagnose.CheckNames))
		}
		failed := false
		for i, c := range rep.Checks {
			if c.Name != diagnose.CheckNames[i] {
				t.Fatalf("check %d is %q; want %q", i, c.Name, diagnose.CheckNames[i])
			}
			switch c.Status {
			case diagnose.Fail:
				failed = true
			case diagnose.Pass, diagnose.Warn, diagnose.Skip, diagnose.Unknown:
			default:
				t.Fatalf("check %s has status %q", c.Name, c.Status)
			}
		}
		if failed != (rep.Verdict == diagnose.Deny) {
			t.Fatalf("verdict %s with failed=%v", rep.Verdict, failed)
		}
		if len(token) >= 40 && strings.Count(token, ".") == 2 && strings.Contains(dump(rep), token) {
			t.Fatalf("the report quotes the token")
		}
	})
}

// FuzzExplainError: never panics, and a match always names a row 1–20.
func FuzzExplainError(f *testing.F) {
	for _, e := range diagnose.Catalogue {
		f.Add(e.Message)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e, ok := diagnose.ExplainError(s); ok && (e.Row < 1 || e.Row > 20) {
			t.Fatalf("row %d", e.Row)
		}
	})
}
