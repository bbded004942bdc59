package jwtinspect_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/rawsts/rawsts/jwtinspect"
)

// loadClaims reads a claim-layout fixture, keeping numbers as json.Number so that they are
// signed exactly as written.
func loadClaims(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "claims", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestClaimLayouts(t *testing.T) {
	k := getKeys(t)
	tests := []struct {
		name      string
		wantCodes []string
		fields    func(c jwtinspect.Claims) []string
		want      []string
	}{
		{name: "github-environment", wantCodes: []string{jwtinspect.CodeGitHubSubEnvironmentForm},
			fields: func(c jwtinspect.Claims) []string {
				return []string{c.Repository, c.RepositoryOwner, c.RepositoryID, c.RepositoryOwnerID, c.Environment, c.Ref, c.JobWorkflowRef, c.Actor, c.ActorID, c.EventName, c.RunnerEnvironment}
			},
			want: []string{"octo-org/octo-repo", "octo-org", "74", "65", "prod", "refs/heads/main", "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main", "octocat", "12", "workflow_dispatch", "github-hosted"}},
		{name: "github-branch", wantCodes: []string{jwtinspect.CodeGitHubSubRefForm},
			fields: func(c jwtinspect.Claims) []string { return append([]string{c.Subject, c.Environment}, c.Audience...) },
			want:   []string{"repo:octo-org/octo-repo:ref:refs/heads/main", "", "sts.amazonaws.com"}},
		{name: "github-pull-request", wantCodes: []string{jwtinspect.CodeGitHubSubPullRequestForm},
			fields: func(c jwtinspect.Claims) []string { return []string{c.Subject, c.EventName, c.Ref} },
			want:   []string{"repo:octo-org/octo-repo:pull_request", "pull_request", "refs/pull/1/merge"}},
		{name: "github-immutable", wantCodes: []string{jwtinspect.CodeGitHubSubImmutableForm, jwtinspect.CodeGitHubSubRefForm},
			fields: func(c jwtinspect.Claims) []string { return []string{c.Subject, c.RepositoryID, c.RepositoryOwnerID} },
			want:   []string{"repo:octo-org@65/octo-repo@74:ref:refs/heads/main", "74", "65"}},
		{name: "gitlab",
			fields: func(c jwtinspect.Claims) []string {
				return []string{c.Issuer, c.Subject, c.ProjectPath, c.NamespacePath, c.Ref, c.RefType, c.SHA}
			},
			want: []string{"https://gitlab.com", "project_path:mygroup/myproject:ref_type:branch:ref:main", "mygroup/myproject", "mygroup", "main", "branch", "714a629c0b401fdce83e847fc9589983fc6f46bc"}},
		{name: "circleci",
			fields: func(c jwtinspect.Claims) []string { return append([]string{c.CircleCIProjectID}, c.Audience...) },
			want:   []string{"a1b2c3d4-0000-4000-8000-000000example", "d1f2e3a4-0000-4000-8000-000000example"}},
		{name: "eks-service-account",
			fields: func(c jwtinspect.Claims) []string {
				return append([]string{c.KubernetesNamespace, c.KubernetesServiceAccount}, c.Audience...)
			},
			want: []string{"default", "my-service-account", "sts.amazonaws.com"}},
		{name: "cognito-id",
			fields: func(c jwtinspect.Claims) []string {
				return append([]string{c.TokenUse, c.CognitoUsername, c.Email}, c.CognitoGroups...)
			},
			want: []string{"id", "my-test-user", "my-test-user@example.com", "test-group-a", "test-group-b"}},
		{name: "cognito-access", wantCodes: []string{jwtinspect.CodeAccessToken},
			fields: func(c jwtinspect.Claims) []string { return []string{c.TokenUse, c.ClientID, c.Scope, c.Username} },
			want:   []string{"access", "xxxxxxxxxxxxexample", "aws.cognito.signin.user.admin", "my-test-user"}},
		{name: "google-azp",
			fields: func(c jwtinspect.Claims) []string { return []string{c.AuthorizedParty, c.Email} },
			want:   []string{"1234987819200.apps.googleusercontent.com", "jsmith@example.com"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			claims := loadClaims(t, tc.name)
			raw := mint(t, jwt.SigningMethodRS256, k.rsa, "example-key-id", claims)
			iat, err := claims["iat"].(json.Number).Int64()
			if err != nil {
				t.Fatal(err)
			}
			tok, fs := jwtinspect.Lint(raw, jwtinspect.Options{Now: time.Unix(iat+60, 0)})
			if tok == nil {
				t.Fatalf("Lint(%s) = nil token, %v", tc.name, fs)
			}
			if diff := cmp.Diff(tc.wantCodes, codes(fs)); diff != "" {
				t.Errorf("Lint(%s) codes (-want +got):\n%s\n%v", tc.name, diff, fs)
			}
			if diff := cmp.Diff(tc.want, tc.fields(tok.Claims)); diff != "" {
				t.Errorf("Decode(%s) claims (-want +got):\n%s", tc.name, diff)
			}
			if got := len(tok.RawClaims); got != len(claims) {
				t.Errorf("Decode(%s) has %d raw claims; want %d", tc.name, got, len(claims))
			}
			if !tok.Claims.ExpiresAt.Integer || tok.Claims.IssuedAt.Time.Unix() != iat {
				t.Errorf("Decode(%s) times = %+v, %+v; want integer exp and iat %d", tc.name, tok.Claims.ExpiresAt, tok.Claims.IssuedAt, iat)
			}
		})
	}
}
