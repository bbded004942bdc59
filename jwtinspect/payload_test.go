package jwtinspect_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/rawsts/rawsts/jwtinspect"
)

// ExampleLintClaims checks the claims GitHub's actions-oidc-debugger printed, without the token.
func ExampleLintClaims() {
	dec := json.NewDecoder(bytes.NewReader([]byte(exampleGitHubClaims)))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		fmt.Println(err)
		return
	}
	tok := jwtinspect.FromClaims(claims)
	fmt.Println("sub:", tok.Claims.Subject, "exp:", tok.Claims.ExpiresAt.Raw)
	for _, f := range jwtinspect.LintClaims(tok) {
		fmt.Printf("%s %s\n", f.Severity, f.Code)
	}
	// Output:
	// sub: repo:octo-org/octo-repo:environment:prod exp: 1632493867
	// info github-sub-environment-form
}

// TestLintClaims: the claim checks of Lint run on claims alone; the token's shape, alg and times
// are never judged (an expired exp, a missing alg are not findings here).
func TestLintClaims(t *testing.T) {
	for _, tt := range []struct {
		name   string
		claims map[string]any
		want   []string
	}{
		{"clean", map[string]any{"iss": "https://gitlab.com", "sub": "project_path:g/p:ref_type:branch:ref:main", "aud": "sts.amazonaws.com", "exp": json.Number("1")}, nil},
		{"no iss, no aud, no sub", map[string]any{"exp": json.Number("1")}, []string{jwtinspect.CodeNoIss, jwtinspect.CodeNoAud, jwtinspect.CodeNoSub}},
		{"access token", map[string]any{"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE", "sub": "u", "token_use": "access", "client_id": "c"}, []string{jwtinspect.CodeAccessToken}},
		{"aud of the wrong type", map[string]any{"iss": "https://x.example", "sub": "u", "aud": json.Number("7")}, []string{jwtinspect.CodeClaimType}},
		{"http issuer", map[string]any{"iss": "http://x.example", "sub": "u", "aud": "a"}, []string{jwtinspect.CodeIssNotHTTPS}},
		{"session tags", map[string]any{"iss": "https://x.example", "sub": "u", "aud": "a", jwtinspect.ClaimTags: map[string]any{"principal_tags": map[string]any{"team": []any{"a"}}}},
			[]string{jwtinspect.CodeTagsClaimNeedsTagSession}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range jwtinspect.LintClaims(jwtinspect.FromClaims(tt.claims)) {
				got = append(got, f.Code)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("LintClaims(%v) = %v; want %v", tt.claims, got, tt.want)
			}
		})
	}
	if tok := jwtinspect.FromClaims(nil); tok.RawClaims == nil || tok.Raw != "" {
		t.Errorf("FromClaims(nil) = %+v; want an empty claim set and no token text", tok)
	}
}
