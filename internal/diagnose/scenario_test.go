package diagnose_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
)

type scenario struct {
	name string
	// src is the AWS rule (or the public issue, or the vendor's documentation) the expectation
	// comes from; TestScenarioSources requires one.
	src       string
	alg       string // "" means RS256
	claims    map[string]any
	raw       string // a raw token instead of claims
	policy    string
	providers []diagnose.Provider
	noRole    bool
	role      string
	session   string
	duration  int
	maxDur    int
	verdict   diagnose.Verdict
	first     string // the first failing check, "" for none
	// want are substrings of the first failure's detail+fix (or, with no failure, of the
	// checklist), to keep the explanations concrete.
	want []string
}

const (
	subMain  = "repo:acme/app:ref:refs/heads/main"
	subProd  = "repo:acme/app:environment:prod"
	subPR    = "repo:acme/app:pull_request"
	subTag   = "repo:acme/app:ref:refs/tags/v1.2.0"
	subImmut = "repo:acme@4312013/app@862475103:ref:refs/heads/main"
)

func ghSubLike(v string) string {
	return `{"StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com"}, "StringLike": {"` + ghHost + `:sub": ` + v + `}}`
}

func scenarios() []scenario {
	return append(append(baseScenarios(), moreScenarios()...), identityPoolScenarios()...)
}

func baseScenarios() []scenario {
	gp := []diagnose.Provider{ghProvider}
	tagsClaim := map[string]any{"principal_tags": map[string]any{"team": []any{"platform"}}, "transitive_tag_keys": []any{"team"}}
	return []scenario{
		// GitHub sub forms against typical policies.
		{name: "github branch matches ref policy", src: srcAWSGitHub, claims: gh(subMain), policy: allowGH(ghSubLike(`"` + subMain + `"`)), providers: gp, verdict: diagnose.Allow},
		{name: "github branch matches repo wildcard", src: srcAWSGitHub, claims: gh(subMain), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp, verdict: diagnose.Allow},
		{name: "github environment vs ref policy", src: srcGitHubSub, claims: gh(subProd), policy: allowGH(ghSubLike(`"` + subMain + `"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{`sub is "repo:acme/app:environment:prod"`, "a job that names an environment gets the environment form", `add "repo:acme/app:environment:prod"`}},
		{name: "github environment matches environment policy", src: srcGitHubSub, claims: gh(subProd), policy: allowGH(ghSubLike(`"` + subProd + `"`)), providers: gp, verdict: diagnose.Allow},
		{name: "github tag vs branch policy", src: srcGitHubSub, claims: gh(subTag), policy: allowGH(ghSubLike(`"repo:acme/app:ref:refs/heads/*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"tag", `add "repo:acme/app:ref:refs/tags/v1.2.0"`}},
		{name: "github tag matches tag policy", src: srcGitHubSub + "; " + srcLike, claims: gh(subTag), policy: allowGH(ghSubLike(`"repo:acme/app:ref:refs/tags/v*"`)), providers: gp, verdict: diagnose.Allow},
		{name: "github pull_request vs ref policy", src: srcGitHubSub, claims: gh(subPR), policy: allowGH(ghSubLike(`"` + subMain + `"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"pull_request form", `add "repo:acme/app:pull_request"`}},
		{name: "github pull_request policy", src: srcGitHubSub, claims: gh(subPR), policy: allowGH(ghSubLike(`"` + subPR + `"`)), providers: gp, verdict: diagnose.Allow},
		{name: "github immutable sub vs name-only policy", src: srcImmutable, claims: gh(subImmut), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"immutable form", `would match as "repo:acme/app:ref:refs/heads/main"`, `"repo:acme@4312013/app@862475103:*"`}},
		{name: "github immutable sub vs immutable policy", src: srcImmutable, claims: gh(subImmut), policy: allowGH(ghSubLike(`"repo:acme@4312013/app@862475103:*"`)), providers: gp, verdict: diagnose.Allow},
		{name: "github other branch", src: srcAWSGitHub, claims: gh("repo:acme/app:ref:refs/heads/feature-x"), policy: allowGH(ghSubLike(`"` + subMain + `"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"ran on branch feature-x"}},
		{name: "github other repository", src: srcAWSGitHub, claims: gh("repo:acme/web:ref:refs/heads/main"), policy: allowGH(ghSubLike(`"` + subMain + `"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"comes from repository acme/web", "acme/app"}},
		{name: "github sub list, one matches", src: srcMultiValues, claims: gh(subProd), policy: allowGH(ghSubLike(`["` + subMain + `", "` + subProd + `"]`)), providers: gp, verdict: diagnose.Allow},
		{name: "github condition on repository claim key", src: srcSARGitHub, claims: gh(subMain), policy: allowGH(`{"StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com", "` + ghHost + `:repository": "acme/app"}}`), providers: gp, verdict: diagnose.Allow},

		// Keys STS does not provide. The key table lists, for token.actions.githubusercontent.com,
		// the nine keys of the Service Authorization Reference (list_sts.html, 2026-08) and
		// AWS's January 2026 announcement; no source lists iss, event_name, workflow_ref or
		// repository_owner, so a condition on them can never match.
		{name: "github condition on event_name", src: srcNotAKey, claims: gh(subMain, "event_name", "push"), providers: gp,
			policy:  allowGH(`{"StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com", "` + ghHost + `:event_name": "push"}, "StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"STS does not provide this key; this condition can never match", "no condition key carries the event"}},
		{name: "github condition on iss", src: srcNotAKey + " (the issuer is Principal.Federated's provider)", claims: gh(subMain), providers: gp,
			policy:  allowGH(`{"StringEquals": {"` + ghHost + `:iss": "` + ghIss + `"}, "StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"STS does not provide this key", "use Principal.Federated"}},
		{name: "github condition on workflow_ref", src: srcNotAKey + " (job_workflow_ref and workflow are)", claims: gh(subMain, "workflow_ref", "acme/app/.github/workflows/deploy.yml@refs/heads/main"), providers: gp,
			policy:  allowGH(`{"StringLike": {"` + ghHost + `:workflow_ref": "acme/app/*", "` + ghHost + `:sub": "repo:acme/app:*"}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"STS does not provide this key", ghHost + ":job_workflow_ref"}},
		{name: "github condition on repository_owner", src: srcNotAKey, claims: gh(subMain), providers: gp,
			policy:  allowGH(`{"StringEquals": {"` + ghHost + `:repository_owner": "acme"}, "StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"STS does not provide this key", `StringLike "repo:ORG/*"`}},
		{name: "github negated condition on run_id restricts nothing", src: srcNotAKey + "; " + srcAbsent, claims: gh(subMain, "run_id", "42"), providers: gp,
			policy:  allowGH(`{"StringNotEquals": {"` + ghHost + `:run_id": "42"}, "StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`),
			verdict: diagnose.Allow, want: []string{"warn policy.parse", "this condition always matches"}},
		// The SAR lists repository_owner_id, the announcement's table does not: sources
		// disagree, so the key is kept out and the failure carries the disagreement.
		{name: "github condition on disputed repository_owner_id", src: srcDisputedOwnerID, claims: gh(subMain, "repository_owner_id", "4312013"), providers: gp,
			policy:  allowGH(`{"StringEquals": {"` + ghHost + `:repository_owner_id": "4312013"}, "StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"sources disagree", "keeps it out"}},
		// GitHub Enterprise Server (HOST/_services/token): no AWS source applies GitHub's keys
		// to it, so :repository is not a key there.
		{name: "GHES condition on repository", src: srcNotAKey + " (no AWS source gives GitHub Enterprise Server issuers the GitHub keys; notes §1b)", claims: claims(ghesIss, subMain, stsAud, "repository", "acme/app"),
			providers: []diagnose.Provider{{URL: ghesHost, ClientIDs: []string{stsAud}}},
			policy:    policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/` + ghesHost + `"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"` + ghesHost + `:repository": "acme/app"}}}`),
			verdict:   diagnose.Deny, first: diagnose.CheckCondition, want: []string{"STS does not provide this key", "not for GitHub Enterprise Server", ghesHost + ":sub"}},
		{name: "GitLab.com project_id key", src: srcGitLabKeys, claims: claims("https://gitlab.com", "project_path:acme/app:ref_type:branch:ref:main", "https://gitlab.com", "project_id", "42"),
			providers: []diagnose.Provider{{URL: "gitlab.com", ClientIDs: []string{"https://gitlab.com"}}},
			policy:    policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"gitlab.com:project_id": "42"}, "StringLike": {"gitlab.com:sub": "project_path:acme/app:*"}}}`),
			verdict:   diagnose.Allow},
		{name: "google email is disputed", src: srcDisputedEmail, claims: claims("https://accounts.google.com", "1234567890", "123-web.apps.googleusercontent.com", "email", "dev@example.com"),
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "123-web.apps.googleusercontent.com", "accounts.google.com:email": "dev@example.com"}}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"sources disagree", "accounts.google.com:sub"}},
		// A custom provider's token whose azp differs from its aud: the 2023 IAM guide names
		// :aud after the aud claim (azp→aud is stated for Google only); a third-party reading
		// of the current guide says azp. rawsts follows the primary text and says so.
		{name: "custom provider with azp: aud assumed", src: srcAzp, claims: claims("https://login.example.com", "user-1", "api://deploy", "azp", "client-7"),
			providers: []diagnose.Provider{{URL: "login.example.com", ClientIDs: []string{"api://deploy"}}},
			policy:    policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/login.example.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"login.example.com:aud": "api://deploy", "login.example.com:sub": "user-1"}}}`),
			verdict:   diagnose.Allow, want: []string{"assumed policy.condition", "which claim fills login.example.com:aud"}},

		// IAM's edge rules.
		// "Single-valued vs. multivalued context keys": ForAnyValue "For no matching context key
		// or if the key does not exist, the condition returns false"; no text makes IfExists
		// override it, so ForAnyValue:StringEqualsIfExists on an absent key does not match
		// (rawsts used to apply IfExists first). No public report of a refused request found.
		{name: "ForAnyValue IfExists on an absent key", src: srcForAnyIfExists, claims: gh(subMain), providers: gp,
			policy:  allowGH(`{"StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}, "ForAnyValue:StringEqualsIfExists": {"` + ghHost + `:environment": "prod"}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"ForAnyValue needs at least one value"}},
		// ForAllValues "also returns true if there are no keys in the request, or if the key
		// values resolve to a null data set, such as an empty string".
		{name: "ForAllValues on an absent key allows", src: srcSetOps, claims: gh(subMain), providers: gp,
			policy:  allowGH(`{"StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}, "ForAllValues:StringEquals": {"` + ghHost + `:environment": "prod"}}`),
			verdict: diagnose.Allow, want: []string{"forallvalues-allow"}},
		{name: "empty environment claim is a null data set", src: srcSetOps + " (an empty string is a null data set); " + srcNull, claims: gh(subMain, "environment", ""), providers: gp,
			policy:  allowGH(`{"StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}, "Null": {"` + ghHost + `:environment": "true"}}`),
			verdict: diagnose.Allow},
		// IAM User Guide, cognito-identity.amazonaws.com:amr: "The key is multivalued, meaning
		// that you test it in a policy using condition set operators." A plain StringEquals on
		// it is undocumented: rawsts's ForAnyValue reading, assumed.
		{name: "cognito identity amr with a plain operator", src: srcCognitoAmr, claims: claims("https://cognito-identity.amazonaws.com", "us-east-1:aaaa-identity", idPool, "amr", []any{"authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"}),
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + idPool + `", "cognito-identity.amazonaws.com:amr": "authenticated"}}}`),
			verdict: diagnose.Allow, want: []string{"assumed policy.condition", "ForAnyValue:StringEquals", "multivalued-needs-set-operator"}},
		// An empty provider list is an account with no OIDC provider, not "no information".
		{name: "empty provider list", src: srcOIDCProvider + " (an account without providers); " + srcCatalogue, claims: gh(subMain), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: []diagnose.Provider{},
			verdict: diagnose.Deny, first: diagnose.CheckProviderReg, want: []string{"No OpenIDConnect provider found in your account", "the account has no OIDC provider"}},

		// Policy-writing mistakes.
		{name: "StringEquals with a wildcard", src: srcLike, claims: gh(subMain), policy: allowGH(`{"StringEquals": {"` + ghHost + `:sub": "repo:acme/app:*"}}`), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"not a wildcard", "StringLike"}},
		{name: "condition key as an ARN", src: srcWIFKeys, claims: gh(subMain), policy: allowGH(`{"StringLike": {"` + ghARN + `:sub": "repo:acme/app:*"}}`), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"not the provider ARN", `"token.actions.githubusercontent.com:sub"`}},
		{name: "condition key with https://", src: srcWIFKeys, claims: gh(subMain), policy: allowGH(`{"StringLike": {"https://` + ghHost + `:sub": "repo:acme/app:*"}}`), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"without its scheme", `"token.actions.githubusercontent.com:sub"`}},
		{name: "aud and sub swapped", src: srcWIFKeys, claims: gh(subMain), policy: allowGH(`{"StringLike": {"` + ghHost + `:aud": "repo:acme/app:*", "` + ghHost + `:sub": "sts.amazonaws.com"}}`), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"looks like a subject"}},
		{name: "condition keyed on another provider", src: srcWIFKeys + "; " + srcAbsent, claims: gh(subMain), policy: allowGH(`{"StringLike": {"gitlab.com:sub": "project_path:acme/app:*"}}`), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{`names provider "gitlab.com"`}},
		{name: "action is AssumeRole", src: srcSTSAction, claims: gh(subMain), providers: gp,
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"}, "Action": "sts:AssumeRole"}`),
			verdict: diagnose.Deny, first: diagnose.CheckAction, want: []string{"sts:AssumeRoleWithWebIdentity"}},
		{name: "unknown key is indeterminate", src: srcGlobalKeys, claims: gh(subMain), providers: gp, policy: allowGH(`{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`),
			verdict: diagnose.Indeterminate, want: []string{"aws:SourceIp"}},

		// Audiences.
		// A plain StringEquals on :aud of a token with two audiences: AWS does not document the
		// result ("Multivalued context keys require a set operator"), nor whether :aud holds
		// the matched audience or all of them; rawsts reads it as ForAnyValue, assumed.
		{name: "aud list with sts.amazonaws.com", src: srcOIDCProvider + "; " + srcPlainMulti, claims: gh(subMain, "aud", []any{"https://github.com/acme", stsAud}), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Allow, want: []string{"assumed policy.condition", "without ForAnyValue or ForAllValues", "holds the one audience STS matched"}},
		{name: "github default audience not in ClientIDList", src: srcOIDCProvider + "; " + srcGitHubAud, claims: gh(subMain, "aud", "https://github.com/acme"), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckProviderAud, want: []string{"Incorrect token audience", "request audience sts.amazonaws.com"}},
		{name: "provider accepts aud, policy wants another", src: srcAWSGitHub, claims: gh(subMain, "aud", "https://github.com/acme"), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			providers: []diagnose.Provider{{URL: ghHost, ClientIDs: []string{stsAud, "https://github.com/acme"}}},
			verdict:   diagnose.Deny, first: diagnose.CheckCondition, want: []string{`aud is "https://github.com/acme"`}},

		// Google, Cognito.
		{name: "google azp used as aud", src: srcGoogle, claims: claims("https://accounts.google.com", "1234567890", "123-web.apps.googleusercontent.com", "azp", "123-android.apps.googleusercontent.com"),
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "123-web.apps.googleusercontent.com"}}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"azp", "accounts.google.com:oaud"}},
		{name: "google azp matched", src: srcGoogle, claims: claims("https://accounts.google.com", "1234567890", "123-web.apps.googleusercontent.com", "azp", "123-android.apps.googleusercontent.com"),
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "123-android.apps.googleusercontent.com"}}}`),
			verdict: diagnose.Allow},
		{name: "google without azp", src: srcGoogle, claims: claims("https://accounts.google.com", "1234567890", "123-web.apps.googleusercontent.com"),
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "123-web.apps.googleusercontent.com"}}}`),
			verdict: diagnose.Allow},
		{name: "cognito user pool aud is the client id", src: srcUserPool, claims: claims(poolIss, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", clientID, "token_use", "id"),
			providers: []diagnose.Provider{{URL: poolHost, ClientIDs: []string{clientID}}},
			policy:    policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/` + poolHost + `"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"` + poolHost + `:aud": "` + clientID + `"}}}`),
			verdict:   diagnose.Allow},
		{name: "cognito user pool access token", src: srcUserPool + "; " + srcIDToken, claims: claims(poolIss, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", nil, "token_use", "access", "client_id", clientID, "aud", nil),
			providers: []diagnose.Provider{{URL: poolHost, ClientIDs: []string{clientID}}},
			policy:    policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/` + poolHost + `"}, "Action": "sts:AssumeRoleWithWebIdentity"}`),
			verdict:   diagnose.Deny, first: diagnose.CheckTokenFormat, want: []string{"access token", "ID token"}},
		{name: "cognito identity amr ForAnyValue authenticated", src: srcCognitoRole, claims: claims("https://cognito-identity.amazonaws.com", "us-east-1:aaaa-identity", idPool, "amr", []any{"authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"}),
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + idPool + `"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}`),
			verdict: diagnose.Allow},
		{name: "cognito identity unauthenticated", src: srcCognitoRole, claims: claims("https://cognito-identity.amazonaws.com", "us-east-1:aaaa-identity", idPool, "amr", []any{"unauthenticated"}),
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + idPool + `"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{`amr is "unauthenticated"`}},

		// Providers.
		{name: "missing provider", src: srcOIDCProvider + "; " + srcCatalogue, claims: gh(subMain), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: []diagnose.Provider{{URL: "gitlab.com", ClientIDs: []string{"https://gitlab.com"}}},
			verdict: diagnose.Deny, first: diagnose.CheckProviderReg, want: []string{"No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com", "create-open-id-connect-provider"}},
		{name: "provider in another account", src: srcOIDCProvider, claims: gh(subMain), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			providers: []diagnose.Provider{{ARN: "arn:aws:iam::111122223333:oidc-provider/" + ghHost, URL: ghHost, ClientIDs: []string{stsAud}}},
			verdict:   diagnose.Deny, first: diagnose.CheckProviderReg, want: []string{"account 111122223333", "123456789012"}},
		{name: "policy names provider of another account", src: srcOIDCProvider + "; " + srcPrincipal, claims: gh(subMain), providers: gp,
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/` + ghHost + `"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` + ghSubLike(`"repo:acme/app:*"`) + `}`),
			verdict: diagnose.Deny, first: diagnose.CheckPrincipal, want: []string{"111122223333", "123456789012"}},
		{name: "trailing slash missing from provider", src: srcOIDCProvider + " (the URL must match iss exactly)", claims: claims("https://example.auth0.com/", "auth0|abc", "my-api"), providers: []diagnose.Provider{{URL: "example.auth0.com", ClientIDs: []string{"my-api"}}},
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/example.auth0.com/"}, "Action": "sts:AssumeRoleWithWebIdentity"}`),
			verdict: diagnose.Deny, first: diagnose.CheckProviderReg, want: []string{"trailing '/'"}},
		{name: "trailing slash registered", src: srcOIDCProvider + " (the URL must match iss exactly)", claims: claims("https://example.auth0.com/", "auth0|abc", "my-api"), providers: []diagnose.Provider{{URL: "example.auth0.com/", ClientIDs: []string{"my-api"}}},
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/example.auth0.com/"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"example.auth0.com/:sub": "auth0|abc"}}}`),
			verdict: diagnose.Allow},
		{name: "no role ARN", src: srcSTSAPI, claims: gh(subMain), noRole: true, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Indeterminate, want: []string{"--role-arn"}},
		{name: "role ARN is a provider ARN", src: srcSTSAPI + " (RoleArn pattern); " + srcCatalogue, claims: gh(subMain), role: ghARN, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckProviderARN, want: []string{"Request ARN is invalid"}},

		// Deny and NotPrincipal.
		{name: "deny statement for pull requests", src: srcEval, claims: gh(subPR), providers: gp,
			policy: policy(`{"Effect": "Allow", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": `+ghSubLike(`"repo:acme/app:*"`)+`}`,
				`{"Sid": "NoPRs", "Effect": "Deny", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"`+ghHost+`:sub": "*:pull_request"}}}`),
			verdict: diagnose.Deny, first: diagnose.CheckDeny, want: []string{`"NoPRs"`, "explicit Deny"}},
		{name: "deny statement does not match", src: srcEval, claims: gh(subMain), providers: gp,
			policy: policy(`{"Effect": "Allow", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": `+ghSubLike(`"repo:acme/app:*"`)+`}`,
				`{"Sid": "NoPRs", "Effect": "Deny", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"`+ghHost+`:sub": "*:pull_request"}}}`),
			verdict: diagnose.Allow},
		// IAM User Guide, "AWS JSON policy elements: NotPrincipal": "You cannot use the
		// NotPrincipal element in an IAM identity-based policy or in an IAM role trust policy."
		// (rawsts used to evaluate it; what STS does with such a policy is not documented, so
		// policy.principal fails.)
		{name: "deny with NotPrincipal is not supported", src: srcNotPrincipal, claims: gh(subMain), providers: gp,
			policy: policy(`{"Effect": "Allow", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": `+ghSubLike(`"repo:acme/app:*"`)+`}`,
				`{"Effect": "Deny", "NotPrincipal": {"Federated": "`+ghARN+`"}, "Action": "*"}`),
			verdict: diagnose.Deny, first: diagnose.CheckPrincipal, want: []string{"Statement[1]", "does not support NotPrincipal", "use a Principal element instead"}},
		{name: "allow with NotPrincipal is not supported", src: srcNotPrincipal, claims: gh(subMain), providers: gp,
			policy:  policy(`{"Effect": "Allow", "NotPrincipal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}`),
			verdict: diagnose.Deny, first: diagnose.CheckPrincipal, want: []string{"does not support NotPrincipal", "You cannot use the NotPrincipal element"}},

		// Session tags and source identity.
		{name: "tags claim without sts:TagSession", src: srcSessionTags, claims: gh(subMain, "https://aws.amazon.com/tags", tagsClaim), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckTags, want: []string{"sts:TagSession"}},
		{name: "tags claim with sts:TagSession", src: srcSessionTags, claims: gh(subMain, "https://aws.amazon.com/tags", tagsClaim), providers: gp,
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": ` + ghSubLike(`"repo:acme/app:*"`) + `}`),
			verdict: diagnose.Allow},
		{name: "source identity without sts:SetSourceIdentity", src: srcSourceIdentity, claims: gh(subMain, "https://aws.amazon.com/source_identity", "octocat"), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckSourceIdentity, want: []string{"sts:SetSourceIdentity"}},

		// Token shape and times.
		{name: "expired token", src: srcSTSAPI + " (ExpiredTokenException); " + srcCatalogue, claims: gh(subMain, "exp", at.Add(-time.Hour).Unix(), "iat", at.Add(-2*time.Hour).Unix(), "nbf", at.Add(-2*time.Hour).Unix()), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckTokenTimes, want: []string{"expired 1h ago", "fresh token"}},
		// No AWS source states a leeway for exp or nbf (the 5 minutes are rawsts's
		// jwtinspect.DefaultSkew): the pass is assumed, and says so.
		{name: "expired within the skew", src: srcSkew, claims: gh(subMain, "exp", at.Add(-3*time.Minute).Unix(), "iat", at.Add(-time.Hour).Unix(), "nbf", at.Add(-time.Hour).Unix()), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Allow, want: []string{"assumed token.times", "within the 5m of skew rawsts allows", "AWS does not document any leeway"}},
		{name: "not yet valid within the skew", src: srcSkew, claims: gh(subMain, "nbf", at.Add(2*time.Minute).Unix(), "iat", at.Add(-time.Minute).Unix(), "exp", at.Add(time.Hour).Unix()), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Allow, want: []string{"assumed token.times", "is not valid for another 2m"}},
		{name: "clock skewed: not yet valid", src: srcSkew, claims: gh(subMain, "nbf", at.Add(10*time.Minute).Unix(), "iat", at.Add(10*time.Minute).Unix(), "exp", at.Add(time.Hour).Unix()), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckTokenTimes, want: []string{"not valid until", "clocks"}},
		{name: "HS256 token", src: srcIDToken, alg: "HS256", claims: gh(subMain), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckTokenAlg, want: []string{"HS256"}},
		{name: "not a JWT", src: srcSTSAPI + " (InvalidIdentityToken); " + srcCatalogue, raw: "gho_16C7e42F292c6912E7710c838347Ae178B4a", policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp,
			verdict: diagnose.Deny, first: diagnose.CheckTokenFormat, want: []string{"not a valid JWT"}},

		// Request parameters.
		{name: "duration over MaxSessionDuration", src: srcSTSAPI + " (DurationSeconds)", claims: gh(subMain), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp, duration: 7200, maxDur: 3600,
			verdict: diagnose.Deny, first: diagnose.CheckDuration, want: []string{"exceeds the MaxSessionDuration", "7200 > 3600"}},
		{name: "duration from get-role output", src: srcSTSAPI + " (DurationSeconds)", claims: gh(subMain), providers: gp, duration: 14400, noRole: true,
			policy:  `{"Role": {"RoleName": "deploy", "Arn": "` + roleARN + `", "MaxSessionDuration": 3600, "AssumeRolePolicyDocument": ` + allowGH(ghSubLike(`"repo:acme/app:*"`)) + `}}`,
			verdict: diagnose.Deny, first: diagnose.CheckDuration, want: []string{"14400 > 3600"}},
		{name: "bad session name", src: srcSTSAPI + " (RoleSessionName pattern)", claims: gh(subMain), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), providers: gp, session: "gha deploy/main",
			verdict: diagnose.Deny, first: diagnose.CheckSessionName, want: []string{"not allowed"}},
		{name: "session name pinned by policy", src: srcSTSKeys, claims: gh(subMain), providers: gp, session: "gha-other",
			policy:  allowGH(`{"StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}, "StringEquals": {"sts:RoleSessionName": "gha-deploy"}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{`RoleSessionName is "gha-other"`}},
	}
}

func TestScenarios(t *testing.T) {
	list := scenarios()
	if len(list) < 100 {
		t.Fatalf("%d scenarios; want at least 100", len(list))
	}
	for _, sc := range list {
		t.Run(sc.name, func(t *testing.T) {
			rep := runScenario(t, sc)
			first := ""
			if f := rep.FirstFailure(); f != nil {
				first = f.Name
			}
			if rep.Verdict != sc.verdict || first != sc.first {
				t.Fatalf("Run(%s) = %s, first failure %q; want %s, %q\n%s", sc.name, rep.Verdict, first, sc.verdict, sc.first, dump(rep))
			}
			text := dump(rep)
			if f := rep.FirstFailure(); f != nil {
				text = f.Detail + "\n" + f.Fix
			}
			for _, w := range sc.want {
				if !strings.Contains(text, w) {
					t.Errorf("Run(%s): %q not in\n%s", sc.name, w, text)
				}
			}
		})
	}
}

// TestScenarioSources: every scenario says which AWS rule (or public issue, or vendor
// document) its expectation comes from, and no two share a name.
func TestScenarioSources(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range scenarios() {
		if sc.src == "" {
			t.Errorf("scenario %q names no source", sc.name)
		}
		if seen[sc.name] {
			t.Errorf("scenario %q twice", sc.name)
		}
		seen[sc.name] = true
	}
}

func runScenario(t *testing.T, sc scenario) *diagnose.Report {
	t.Helper()
	return diagnose.Run(context.Background(), scenarioInput(t, sc))
}

// scenarioInput is the Input a scenario describes, its token minted.
func scenarioInput(t *testing.T, sc scenario) diagnose.Input {
	t.Helper()
	tok := sc.raw
	if tok == "" {
		tok = mint(t, sc.alg, sc.claims)
	}
	role := roleARN
	if sc.role != "" {
		role = sc.role
	}
	if sc.noRole {
		role = ""
	}
	session := sc.session
	if session == "" {
		session = "gha-deploy"
	}
	return diagnose.Input{
		Token: tok, TrustPolicy: []byte(sc.policy), Providers: sc.providers, RoleARN: role,
		SessionName: session, DurationSeconds: sc.duration, MaxSessionDuration: sc.maxDur, At: at,
	}
}

func dump(r *diagnose.Report) string {
	var b strings.Builder
	for _, c := range r.Checks {
		b.WriteString(string(c.Status) + " " + c.Name + ": " + c.Detail)
		if c.Assumption != "" {
			b.WriteString(" [assumption: " + c.Assumption + "]")
		}
		if c.Fix != "" {
			b.WriteString(" [fix: " + c.Fix + "]")
		}
		b.WriteString("\n")
		for _, e := range c.Evidence {
			b.WriteString("    " + e + "\n")
		}
	}
	b.WriteString("verdict: " + string(r.Verdict) + "\n")
	return b.String()
}

// TestReportNeverQuotesToken: no check's text carries the token or its signature.
func TestReportNeverQuotesToken(t *testing.T) {
	for _, sc := range scenarios() {
		if sc.raw != "" {
			continue
		}
		tok := mint(t, sc.alg, sc.claims)
		rep := diagnose.Run(context.Background(), diagnose.Input{Token: tok, TrustPolicy: []byte(sc.policy), Providers: sc.providers, RoleARN: roleARN, At: at})
		sig := tok[strings.LastIndexByte(tok, '.')+1:]
		if text := dump(rep); strings.Contains(text, tok) || strings.Contains(text, sig) {
			t.Errorf("%s: the report quotes the token or its signature", sc.name)
		}
	}
	_ = time.Second
}

// TestReportSpeaksWithoutPackageNames: the report is read by people, so a check's detail and
// fix never carry a library's "pkg: " chain, and a policy that is not JSON gets a fix in words
// (it used to read "fix  (invalid JSON near byte 0: invalid character 'ï' …)").
func TestReportSpeaksWithoutPackageNames(t *testing.T) {
	tok := mint(t, "RS256", claims(ghIss, "repo:octo-org/octo-repo:ref:refs/heads/main", stsAud))
	for _, tt := range []struct {
		name, policy, want string
	}{
		{"not JSON", `{"Statement": [}`, "invalid JSON near byte 15"},
		{"byte-order mark", "\xef\xbb\xbf{\"Version\": \"2012-10-17\", \"Statement\": []}", "starts with a UTF-8 byte-order mark"},
		{"a string", `"policy"`, "document is a string, want an object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := diagnose.Run(context.Background(), diagnose.Input{Token: tok, TrustPolicy: []byte(tt.policy), RoleARN: roleARN, At: at})
			c := rep.Check(diagnose.CheckPolicyParse)
			if c == nil || c.Status != diagnose.Fail || !strings.Contains(c.Detail, tt.want) {
				t.Fatalf("policy.parse = %+v; want Fail with %q", c, tt.want)
			}
			for _, text := range []string{c.Detail, c.Fix} {
				if strings.Contains(text, "trustpolicy:") || strings.Contains(text, "fix  (") || strings.Contains(text, "'ï'") {
					t.Errorf("policy.parse text %q reads like a program's", text)
				}
			}
		})
	}
}

// TestParseProviderSpeaksJSON: a provider document of the wrong shape is described in JSON's
// words, not Go's ("cannot unmarshal string into Go struct field .Provider.ClientIDList of type
// []string").
func TestParseProviderSpeaksJSON(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{`{"Url":"gitlab.com","ClientIDList":"sts.amazonaws.com"}`, "not an OIDC provider document: ClientIDList is a JSON string, where a provider document has a list"},
		{`{"Url":42}`, "Url is a JSON number, where a provider document has a string"},
		{`[[1]]`, "the document is a JSON array, where a provider document is an object"},
		{`{"Url":"gitlab.com"} x`, "not an OIDC provider document: invalid character 'x' after top-level value"},
	} {
		_, err := diagnose.ParseProvider([]byte(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "Go ") {
			t.Errorf("ParseProvider(%q) = %v; want %q", tt.doc, err, tt.want)
		}
	}
}
