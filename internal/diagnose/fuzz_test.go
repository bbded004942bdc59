package diagnose_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rawsts/rawsts/internal/diagnose"
)

// FuzzParseProvider: every error wraps ErrNotProvider; every provider has a URL without the
// https:// IAM leaves out; and the providers read survive a round trip: written back as a JSON
// list of provider documents, they read the same (unless the Url held a second scheme,
// "https://http://x", which IAM would refuse and which reads again as "x").
func FuzzParseProvider(f *testing.F) {
	// get-open-id-connect-provider output as the AWS CLI prints it.
	f.Add(`{"Url": "token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"], "ThumbprintList": ["6938fd4d98bab03faadb97b34396831e3780aea1"], "CreateDate": "2023-01-01T00:00:00Z", "Tags": []}`)
	// A list, with an ARN.
	f.Add(`[{"Arn": "arn:aws:iam::123456789012:oidc-provider/gitlab.com", "Url": "https://gitlab.com", "ClientIDList": []}]`)
	// The ARN under the name the IAM API gives it, and keys in another case.
	f.Add(`{"OpenIDConnectProviderArn": "arn:aws:iam::123456789012:oidc-provider/x.example", "url": "x.example", "clientidlist": ["a"]}`)
	f.Add(`{"ClientIDList": 5}`) // a member of the wrong type
	f.Add(`[`)                   // not JSON
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
			if strings.Contains(p.URL, "://") {
				return
			}
		}
		out, err := json.Marshal(append([]diagnose.Provider{}, ps...)) // [] for none, as read
		if err != nil {
			t.Fatalf("Marshal(ParseProvider(%q)) = %v", data, err)
		}
		again, err := diagnose.ParseProvider(out)
		if err != nil {
			t.Fatalf("ParseProvider(%q) succeeded; its providers written out do not read: %v\n%s", data, err, out)
		}
		if diff := cmp.Diff(ps, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("ParseProvider(%q), written out and read again, differs (-first +second):\n%s", data, diff)
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

// FuzzExplainError: a match always names a row 1–20; the answer does not depend on the case
// of ASCII letters; and a catalogue message wrapped in any text without letters (a request id,
// a time, punctuation, as CLIs and SDKs print it) is explained as the message alone is.
func FuzzExplainError(f *testing.F) {
	for i, e := range diagnose.Catalogue {
		f.Add(e.Message, uint8(i), "", "")
	}
	// The message as the AWS CLI and an SDK quote it, with the surrounding words stripped of letters.
	f.Add("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience", uint8(3), "(", ") 4f1c2c6e-0000-4000-8000-000000000000 [2026-03-01 12:00:00]")
	f.Fuzz(func(t *testing.T, s string, which uint8, before, after string) {
		e, ok := diagnose.ExplainError(s)
		if ok && (e.Row < 1 || e.Row > 20) {
			t.Fatalf("ExplainError(%q) = row %d", s, e.Row)
		}
		if isASCII(s) {
			if u, uok := diagnose.ExplainError(strings.ToUpper(s)); uok != ok || u.Row != e.Row {
				t.Fatalf("ExplainError(%q) = row %d, %v; in upper case, row %d, %v", s, e.Row, ok, u.Row, uok)
			}
		}
		msg := diagnose.Catalogue[int(which)%len(diagnose.Catalogue)].Message
		want, wok := diagnose.ExplainError(msg)
		strip := func(s string) string {
			return strings.Map(func(r rune) rune {
				if r >= 0x80 || r == '\'' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
					return -1
				}
				return r
			}, s)
		}
		wrapped := strip(before) + msg + strip(after)
		if got, gok := diagnose.ExplainError(wrapped); gok != wok || got.Row != want.Row {
			t.Fatalf("ExplainError(%q) = row %d, %v; the message alone, %q, is row %d, %v", wrapped, got.Row, gok, msg, want.Row, wok)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
