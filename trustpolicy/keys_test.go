package trustpolicy

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// primarySources are the AWS documents a key of the table may rest on. The announcement of
// January 2026 is known here only through blogs that copied it, so it never counts alone.
var primarySources = []string{SourceSAR, SourceIAMKeys, SourceIAMKeysIntro}

// checkKeyTable returns what is wrong with a key table: a key without a primary AWS source,
// a disputed key recorded with fewer than two sources or without the documented key to use
// instead.
func checkKeyTable(families []keyFamily, generic []ProviderKey, genericDisp []disputedKey) []error {
	var errs []error
	checkKeys := func(fam string, keys []ProviderKey) {
		for _, k := range keys {
			primary := false
			for _, p := range primarySources {
				primary = primary || strings.Contains(k.Source, p)
			}
			if !primary {
				errs = append(errs, fmt.Errorf("%s key %q: source %q cites no primary AWS source", fam, k.Name, k.Source))
			}
			if len(k.Claims) == 0 && !k.Unknown {
				errs = append(errs, fmt.Errorf("%s key %q: no claim fills it, and it is not marked Unknown", fam, k.Name))
			}
		}
	}
	checkDisputes := func(fam string, list []disputedKey) {
		for _, d := range list {
			if len(d.sources) < 2 || d.instead == "" || d.claim == "" {
				errs = append(errs, fmt.Errorf("%s disputed key %q: want both sources, the claim and the key to use instead", fam, d.name))
			}
		}
	}
	checkKeys("generic", generic)
	checkDisputes("generic", genericDisp)
	for _, f := range families {
		checkKeys(f.name, f.keys)
		checkDisputes(f.name, f.disputed)
	}
	return errs
}

// TestKeyTableSources: every key of the table cites a primary AWS source, and every key kept
// out for a disagreement records both sides. The second half shows the check fails on a key
// without its source.
func TestKeyTableSources(t *testing.T) {
	if errs := checkKeyTable(keyFamilies, genericKeys, genericDisputed); len(errs) > 0 {
		t.Errorf("the key table: %v", errors.Join(errs...))
	}
	bad := []keyFamily{{name: "test", keys: []ProviderKey{{Name: "sha", Claims: []string{"sha"}}}},
		{name: "blog", keys: []ProviderKey{{Name: "event_name", Claims: []string{"event_name"}, Source: SourceAnnouncement}}},
		{name: "half", disputed: []disputedKey{{name: "x", claim: "x", instead: "HOST:sub", sources: []string{"one"}}}}}
	if errs := checkKeyTable(bad, nil, nil); len(errs) != 3 {
		t.Errorf("checkKeyTable(a key without source, one from a blog only, a dispute with one side) = %v; want 3 errors", errs)
	}
}

// TestProviderKeys pins which keys each issuer gets: GitHub's nine on github.com, its
// enterprise path and GHE.com (the SAR's token.actions.githubusercontent.com/${SubPath} and
// token.actions.${Domain}.ghe.com), none on GitHub Enterprise Server; GitLab's on gitlab.com
// only; Buildkite, CircleCI and OCI as the SAR lists them; the built-in providers' own.
func TestProviderKeys(t *testing.T) {
	generic := []string{"aud", "sub", "amr"}
	github := append(append([]string(nil), generic...), "actor", "actor_id", "enterprise_id", "environment", "job_workflow_ref", "ref", "repository", "repository_id", "workflow")
	for _, tt := range []struct {
		issuer string
		want   []string
	}{
		{"https://token.actions.githubusercontent.com", github},
		{"https://token.actions.githubusercontent.com/octo-enterprise", github},
		{"https://token.actions.octocorp.ghe.com", github},
		{"https://github.com/enterprises/octo-enterprise", github},
		{"https://ghes.example.com/_services/token", generic},
		{"https://token.actions.githubusercontent.com.evil.example", generic},
		{"https://gitlab.com", append(append([]string(nil), generic...), "namespace_id", "pipeline_source", "project_id", "ref_protected", "runner_environment", "user_access_level", "user_email", "user_id", "user_login")},
		{"https://gitlab.example.com", generic},
		{"https://agent.buildkite.com", append(append([]string(nil), generic...), "build_branch", "cluster_id", "cluster_name", "organization_id", "organization_slug", "pipeline_id", "pipeline_slug")},
		{"https://agent.eu.buildkite.site", append(append([]string(nil), generic...), "build_branch", "cluster_id", "cluster_name", "organization_id", "organization_slug", "pipeline_id", "pipeline_slug")},
		{"https://oidc.circleci.com/org/11111111-2222-3333-4444-555555555555", append(append([]string(nil), generic...), "oidc.circleci.com/project-id")},
		{"https://idcs-0123456789abcdef.identity.oraclecloud.com", append(append([]string(nil), generic...), "rpst_id")},
		{"https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", generic},
		{"https://accounts.google.com", []string{"aud", "oaud", "sub", "google/organization_number"}},
		{"cognito-identity.amazonaws.com", []string{"aud", "sub", "amr"}},
		{"graph.facebook.com", []string{"app_id", "id"}},
		{"www.amazon.com", []string{"app_id", "user_id"}},
	} {
		var got []string
		for _, k := range ProviderKeys(tt.issuer) {
			got = append(got, k.Name)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ProviderKeys(%q) mismatch (-want +got):\n%s", tt.issuer, diff)
		}
	}
}

// TestTokenKeys: the statuses inspect shows for GitHub's documented payload.
func TestTokenKeys(t *testing.T) {
	got := map[string]string{}
	for _, k := range TokenKeys("https://token.actions.githubusercontent.com", githubClaims(t)) {
		got[strings.TrimPrefix(k.Key, "token.actions.githubusercontent.com:")] = k.Status
		if k.Status == KeyNotProvided && !strings.HasPrefix(k.Note, "STS does not provide this key; ") {
			t.Errorf("TokenKeys: %s note %q; want it to say STS does not provide the key", k.Key, k.Note)
		}
	}
	for key, want := range map[string]string{
		"sub": KeyProvided, "aud": KeyProvided, "repository": KeyProvided, "job_workflow_ref": KeyProvided,
		"amr":                 KeyAssumed,  // named in the IAM guide's opening sentence only
		"repository_owner_id": KeyDisputed, // the SAR lists it, the announcement does not
		"event_name":          KeyNotProvided, "iss": KeyNotProvided, "repository_owner": KeyNotProvided,
		"run_id": KeyNotProvided, "ref_type": KeyNotProvided, "runner_environment": KeyNotProvided,
	} {
		if got[key] != want {
			t.Errorf("TokenKeys(GitHub payload)[%s] = %q; want %q", key, got[key], want)
		}
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if _, ok := got["https://aws.amazon.com/tags"]; ok {
		t.Errorf("TokenKeys lists the session-tags claim as a key: %v", keys)
	}
}

// TestContextAssumptions: the keys rawsts sets without a source saying STS does, or that the
// sources disagree on, carry their assumption into the clauses that test them; a clause whose
// answer the assumption does not change carries none.
func TestContextAssumptions(t *testing.T) {
	claims := githubClaims(t)
	claims["aud"] = "sts.amazonaws.com"
	custom := map[string]any{"iss": "https://login.example.com", "sub": "u1", "aud": "api://deploy", "azp": "client-7"}
	for _, tt := range []struct {
		name, rule, issuer string
		claims             map[string]any
		cond               string
		want               Decision
		assumed            string // a substring of the clause's Assumption; "" for none
	}{
		{"disputed key absent", "sources disagree: kept out, so StringEquals on it does not match", "https://token.actions.githubusercontent.com", claims,
			`{"StringEquals": {"token.actions.githubusercontent.com:repository_owner_id": "65"}}`, ImplicitDeny, "sources disagree"},
		{"disputed key, negated operator", "kept out, so a negated operator matches", "https://token.actions.githubusercontent.com", claims,
			`{"StringNotEquals": {"token.actions.githubusercontent.com:repository_owner_id": "65"}}`, Allow, "sources disagree"},
		{"disputed key, the answer does not depend on it", "both readings agree: no assumption", "https://token.actions.githubusercontent.com", claims,
			`{"StringEquals": {"token.actions.githubusercontent.com:repository_owner_id": "999"}}`, ImplicitDeny, ""},
		{"FederatedProvider at assume time", `"present when the principal is a role session principal" — not said of AssumeRoleWithWebIdentity itself`, "https://token.actions.githubusercontent.com", claims,
			`{"StringEquals": {"aws:FederatedProvider": "` + ghProvider + `"}}`, Allow, "aws:FederatedProvider"},
		{"custom provider aud with azp", "IAM guide 2023: :aud from aud (azp only for Google); CloudArq: azp for every provider", "https://login.example.com", custom,
			`{"StringEquals": {"login.example.com:aud": "api://deploy"}}`, Allow, "which claim fills login.example.com:aud"},
		{"Google aud with azp is documented", `IAM guide: accounts.google.com:aud is "azp when the azp field is set"`, "https://accounts.google.com",
			map[string]any{"sub": "1", "aud": "web", "azp": "android"}, `{"StringEquals": {"accounts.google.com:aud": "android", "accounts.google.com:oaud": "web"}}`, Allow, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` + tt.cond + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			res := Evaluate(p, ContextFromToken(tt.issuer, tt.claims, TokenContextOptions{Account: "123456789012"}))
			var assumed []string
			for _, c := range res.Statements[0].Conditions {
				if c.Assumption != "" {
					assumed = append(assumed, c.Assumption)
				}
			}
			a := strings.Join(assumed, "; ")
			if res.Decision != tt.want || (tt.assumed == "") != (a == "") || !strings.Contains(a, tt.assumed) {
				t.Errorf("Evaluate(%s) = %v, assumption %q; want %v and an assumption with %q (rule: %s)", tt.cond, res.Decision, a, tt.want, tt.assumed, tt.rule)
			}
		})
	}
}
