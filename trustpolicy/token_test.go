package trustpolicy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// githubClaims is GitHub's documented example payload (PROTOCOL.md §5), decoded the way
// jwtinspect hands claims over: numbers as json.Number.
func githubClaims(t *testing.T) map[string]any {
	t.Helper()
	const payload = `{"jti": "example-id", "sub": "repo:octo-org/octo-repo:environment:prod",
	"environment": "prod", "aud": "https://github.com/octo-org", "ref": "refs/heads/main",
	"sha": "example-sha", "repository": "octo-org/octo-repo", "repository_owner": "octo-org",
	"actor_id": "12", "repository_visibility": "private", "repository_id": "74",
	"repository_owner_id": "65", "run_id": "example-run-id", "run_number": "10",
	"run_attempt": "2", "runner_environment": "github-hosted", "actor": "octocat",
	"workflow": "example-workflow", "head_ref": "", "base_ref": "", "event_name": "workflow_dispatch",
	"ref_type": "branch", "job_workflow_ref": "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
	"iss": "https://token.actions.githubusercontent.com", "nbf": 1632492967, "exp": 1632493867, "iat": 1632493567}`
	dec := json.NewDecoder(strings.NewReader(payload))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// dump renders a context as "key=v1|v2" lines for comparison.
func dump(c *Context) []string {
	var out []string
	for _, k := range c.Keys() {
		v, _ := c.Lookup(k)
		out = append(out, k+"="+strings.Join(v, "|"))
	}
	return out
}

func TestContextFromToken(t *testing.T) {
	now := time.Date(2021, 9, 24, 14, 30, 0, 0, time.UTC)
	gh := "token.actions.githubusercontent.com:"
	tests := []struct {
		name          string
		issuer        string
		claims        func(t *testing.T) map[string]any
		opts          TokenContextOptions
		wantPrincipal string
		want          []string
	}{
		{
			name: "GitHub documented payload", issuer: "https://token.actions.githubusercontent.com", claims: githubClaims,
			opts:          TokenContextOptions{Account: "123456789012", RoleSessionName: "gh-run-10", Now: now},
			wantPrincipal: ghProvider,
			want: []string{
				"aws:CurrentTime=2021-09-24T14:30:00Z", "aws:EpochTime=1632493800",
				"aws:FederatedProvider=" + ghProvider, "aws:SecureTransport=true",
				"aws:TokenIssueTime=2021-09-24T14:26:07Z", "sts:RoleSessionName=gh-run-10",
				// The nine keys of the SAR and the 2026-01 announcement; not event_name, ref_type,
				// repository_owner, runner_environment (no source), nor repository_owner_id
				// (the sources disagree: kept out).
				gh + "actor=octocat", gh + "actor_id=12", gh + "aud=https://github.com/octo-org",
				gh + "environment=prod",
				gh + "job_workflow_ref=octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
				gh + "ref=refs/heads/main", gh + "repository=octo-org/octo-repo",
				gh + "repository_id=74", gh + "sub=repo:octo-org/octo-repo:environment:prod",
				gh + "workflow=example-workflow",
			},
		},
		{
			name: "Google with azp", issuer: "https://accounts.google.com",
			claims: func(*testing.T) map[string]any {
				return map[string]any{"sub": "110169484474386276334", "aud": "1234.apps.googleusercontent.com",
					"azp": "5678.apps.googleusercontent.com", "email": "user@example.com", "iat": float64(1632493567)}
			},
			wantPrincipal: "accounts.google.com",
			want: []string{
				// IAM User Guide: aud is azp when set, oaud the aud; no azp or email key.
				"accounts.google.com:aud=5678.apps.googleusercontent.com", "accounts.google.com:oaud=1234.apps.googleusercontent.com",
				"accounts.google.com:sub=110169484474386276334",
				"aws:FederatedProvider=accounts.google.com", "aws:SecureTransport=true", "aws:TokenIssueTime=2021-09-24T14:26:07Z",
			},
		},
		{
			name: "Google without azp", issuer: "accounts.google.com",
			claims: func(*testing.T) map[string]any {
				return map[string]any{"sub": "110169484474386276334", "aud": "1234.apps.googleusercontent.com"}
			},
			wantPrincipal: "accounts.google.com",
			want: []string{
				"accounts.google.com:aud=1234.apps.googleusercontent.com", "accounts.google.com:oaud=1234.apps.googleusercontent.com",
				"accounts.google.com:sub=110169484474386276334",
				"aws:FederatedProvider=accounts.google.com", "aws:SecureTransport=true",
			},
		},
		{
			name: "Cognito identity with amr", issuer: "https://cognito-identity.amazonaws.com",
			claims: func(*testing.T) map[string]any {
				return map[string]any{"sub": "us-east-1:12345678-1234-1234-1234-123456789012",
					"aud": "us-east-1:abcdef01-2345-6789-abcd-ef0123456789",
					"amr": []any{"authenticated", "graph.facebook.com", "graph.facebook.com:123456"}}
			},
			wantPrincipal: "cognito-identity.amazonaws.com",
			want: []string{
				"aws:FederatedProvider=cognito-identity.amazonaws.com", "aws:SecureTransport=true",
				"cognito-identity.amazonaws.com:amr=authenticated|graph.facebook.com|graph.facebook.com:123456",
				"cognito-identity.amazonaws.com:aud=us-east-1:abcdef01-2345-6789-abcd-ef0123456789",
				"cognito-identity.amazonaws.com:sub=us-east-1:12345678-1234-1234-1234-123456789012",
			},
		},
		{
			name: "tags and source identity, no account", issuer: "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
			claims: func(*testing.T) map[string]any {
				return map[string]any{"sub": "system:serviceaccount:default:app", "aud": []any{"sts.amazonaws.com"},
					"https://aws.amazon.com/tags": map[string]any{
						"principal_tags":      map[string]any{"Project": []any{"Automation"}, "CostCenter": []any{"987654", "x"}},
						"transitive_tag_keys": []any{"Project"},
					},
					"https://aws.amazon.com/source_identity": "admin"}
			},
			want: []string{
				"aws:RequestTag/CostCenter=987654", "aws:RequestTag/Project=Automation",
				"aws:SecureTransport=true", "aws:TagKeys=CostCenter|Project",
				"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud=sts.amazonaws.com",
				"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub=system:serviceaccount:default:app",
				"sts:SourceIdentity=admin", "sts:TransitiveTagKeys=Project",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ContextFromToken(tt.issuer, tt.claims(t), tt.opts)
			if c.Principal != tt.wantPrincipal {
				t.Errorf("ContextFromToken(%q).Principal = %q; want %q", tt.issuer, c.Principal, tt.wantPrincipal)
			}
			if c.Action != ActionAssumeRoleWithWebIdentity {
				t.Errorf("ContextFromToken(%q).Action = %q; want %q", tt.issuer, c.Action, ActionAssumeRoleWithWebIdentity)
			}
			if diff := cmp.Diff(tt.want, dump(c)); diff != "" {
				t.Errorf("ContextFromToken(%q) keys mismatch (-want +got):\n%s", tt.issuer, diff)
			}
		})
	}
}

func TestContextFromTokenEvaluates(t *testing.T) {
	// The documented GitHub payload is environment-scoped, so the classic ref-form policy
	// denies it: ANCHORS.md §(c) #1's most common cause.
	p, err := Parse([]byte(githubPolicy))
	if err != nil {
		t.Fatal(err)
	}
	claims := githubClaims(t)
	claims["aud"] = "sts.amazonaws.com"
	c := ContextFromToken("https://token.actions.githubusercontent.com", claims, TokenContextOptions{Account: "123456789012"})
	if got := Evaluate(p, c).Decision; got != ImplicitDeny {
		t.Errorf("Evaluate(ref policy, environment token) = %v; want %v", got, ImplicitDeny)
	}
	claims["sub"] = "repo:octo-org/octo-repo:ref:refs/heads/main"
	c = ContextFromToken("https://token.actions.githubusercontent.com", claims, TokenContextOptions{Account: "123456789012"})
	if got := Evaluate(p, c).Decision; got != Allow {
		t.Errorf("Evaluate(ref policy, ref token) = %v; want %v", got, Allow)
	}
}
