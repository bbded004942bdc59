package diagnose_test

import (
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
)

const (
	glIss    = "https://gitlab.com"
	glHost   = "gitlab.com"
	glARN    = "arn:aws:iam::123456789012:oidc-provider/gitlab.com"
	glSelf   = "https://gitlab.example.com"
	glSub    = "project_path:acme/app:ref_type:branch:ref:main"
	eksIss   = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	eksHost  = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
	eksARN   = "arn:aws:iam::123456789012:oidc-provider/" + eksHost
	eksSA    = "system:serviceaccount:default:my-service-account"
	ghEntIss = "https://token.actions.githubusercontent.com/acme"
	reusable = "acme/shared/.github/workflows/deploy.yml@refs/heads/main"
)

// allowFor is an Allow statement for sts:AssumeRoleWithWebIdentity by principal, with the
// Condition block cond ("" for none).
func allowFor(principal, cond string) string {
	s := `{"Effect": "Allow", "Principal": {"Federated": "` + principal + `"}, "Action": "sts:AssumeRoleWithWebIdentity"`
	if cond != "" {
		s += `, "Condition": ` + cond
	}
	return s + "}"
}

// ghCond is the usual GitHub condition block with extra operator blocks after it.
func ghCond(sub string, extra ...string) string {
	c := `{"StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com"}, "StringLike": {"` + ghHost + `:sub": "` + sub + `"}`
	for _, e := range extra {
		c += ", " + e
	}
	return c + "}"
}

func provider(host string, ids ...string) diagnose.Provider {
	return diagnose.Provider{URL: host, ClientIDs: ids}
}

// moreScenarios widens the table to every provider the issue names, the operator families,
// session tags, durations, session names, Deny statements and several statements and providers.
func moreScenarios() []scenario {
	gp := []diagnose.Provider{ghProvider}
	glp := []diagnose.Provider{provider(glHost, glIss)}
	eksp := []diagnose.Provider{provider(eksHost, stsAud)}
	tags := func(kv ...string) map[string]any {
		pt := map[string]any{}
		var keys []any
		for i := 0; i+1 < len(kv); i += 2 {
			pt[kv[i]] = []any{kv[i+1]}
			keys = append(keys, kv[i])
		}
		return map[string]any{"principal_tags": pt, "transitive_tag_keys": keys}
	}
	withTags := func(cond string) string {
		return policy(`{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": ` + cond + `}`)
	}
	withSI := func(cond string) string {
		return policy(`{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"], "Condition": ` + cond + `}`)
	}
	idPoolPolicy := func(amrBlock string) string {
		return policy(allowFor("cognito-identity.amazonaws.com", `{"StringEquals": {"cognito-identity.amazonaws.com:aud": "`+idPool+`"}, `+amrBlock+`}`))
	}
	idTok := func(amr any) map[string]any {
		c := claims("https://cognito-identity.amazonaws.com", "us-east-1:11111111-2222-3333-4444-555555555555", idPool)
		if amr != nil {
			c["amr"] = amr
		}
		return c
	}
	return []scenario{
		// GitHub: every sub form, the org minimum, reusable workflows, the other claim keys.
		{name: "github org minimum repo:ORG/*", src: srcAWSGitHub, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/*"`)), verdict: diagnose.Allow},
		{name: "github other org vs repo:ORG/*", src: srcAWSGitHub, claims: gh("repo:evil/app:ref:refs/heads/main"), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/*"`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{`sub is "repo:evil/app:ref:refs/heads/main"`}},
		{name: "github tag exact", src: srcGitHubSub, claims: gh(subTag), providers: gp, policy: allowGH(ghSubLike(`"` + subTag + `"`)), verdict: diagnose.Allow},
		{name: "github environment wildcard", src: srcGitHubSub + "; " + srcLike, claims: gh(subProd), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:environment:*"`)), verdict: diagnose.Allow},
		{name: "github branch vs environment wildcard", src: srcGitHubSub, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:environment:*"`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"a job that names no environment gets the ref form"}},
		{name: "github pull_request under repo wildcard", src: srcAWSGitHub + "; " + srcGitHubSub, claims: gh(subPR), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), verdict: diagnose.Allow},
		{name: "github pull_request vs environment policy", src: srcGitHubSub, claims: gh(subPR), providers: gp, policy: allowGH(ghSubLike(`"` + subProd + `"`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"pull_request form"}},
		{name: "github immutable exact StringEquals", src: srcImmutable, claims: gh(subImmut), providers: gp,
			policy: allowGH(`{"StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com", "` + ghHost + `:sub": "` + subImmut + `"}}`), verdict: diagnose.Allow},
		{name: "github name-only token vs immutable policy", src: srcImmutable, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme@4312013/app@862475103:*"`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "github custom sub template with job_workflow_ref", src: srcReusable, claims: gh("repo:acme/app:job_workflow_ref:"+reusable, "job_workflow_ref", reusable), providers: gp,
			policy: allowGH(ghSubLike(`"repo:acme/app:job_workflow_ref:acme/shared/*"`)), verdict: diagnose.Allow},
		{name: "github reusable workflow by job_workflow_ref", src: srcReusable, claims: gh(subMain, "job_workflow_ref", reusable), providers: gp,
			policy: allowGH(ghCond("repo:acme/*", `"StringEquals": {"`+ghHost+`:job_workflow_ref": "`+reusable+`"}`)), verdict: diagnose.Allow},
		{name: "github reusable workflow from another ref", src: srcReusable, claims: gh(subMain, "job_workflow_ref", "acme/shared/.github/workflows/deploy.yml@refs/heads/dev"), providers: gp,
			policy:  allowGH(ghCond("repo:acme/*", `"StringEquals": {"`+ghHost+`:job_workflow_ref": "`+reusable+`"}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"job_workflow_ref"}},
		{name: "github reusable workflow any ref", src: srcReusable + "; " + srcLike, claims: gh(subMain, "job_workflow_ref", reusable), providers: gp,
			policy: allowGH(ghCond("repo:acme/*", `"StringLike": {"`+ghHost+`:job_workflow_ref": "acme/shared/.github/workflows/deploy.yml@*"}`)), verdict: diagnose.Allow},
		{name: "github environment key", src: srcSARGitHub, claims: gh(subProd), providers: gp, policy: allowGH(ghCond("repo:acme/app:*", `"StringEquals": {"`+ghHost+`:environment": "prod"}`)), verdict: diagnose.Allow},
		{name: "github ref key", src: srcSARGitHub, claims: gh(subProd), providers: gp, policy: allowGH(ghCond("repo:acme/app:*", `"StringEquals": {"`+ghHost+`:ref": "refs/heads/main"}`)), verdict: diagnose.Allow},
		{name: "github actor key", src: srcSARGitHub, claims: gh(subMain, "actor", "octocat"), providers: gp, policy: allowGH(ghCond("repo:acme/app:*", `"StringEquals": {"`+ghHost+`:actor": "octocat"}`)), verdict: diagnose.Allow},
		{name: "github actor key, another actor", src: srcSARGitHub, claims: gh(subMain, "actor", "mallory"), providers: gp, policy: allowGH(ghCond("repo:acme/app:*", `"StringEquals": {"`+ghHost+`:actor": "octocat"}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "github repository_id key", src: srcSARGitHub, claims: gh(subMain, "repository_id", "862475103"), providers: gp, policy: allowGH(ghCond("repo:acme/app:*", `"StringEquals": {"`+ghHost+`:repository_id": "862475103"}`)), verdict: diagnose.Allow},
		{name: "github enterprise issuer keys", src: srcSARGitHub + " (token.actions.githubusercontent.com/${SubPath})", claims: gh("repo:acme/app:ref:refs/heads/main", "iss", ghEntIss),
			providers: []diagnose.Provider{provider("token.actions.githubusercontent.com/acme", stsAud)},
			policy: policy(allowFor("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/acme",
				`{"StringEquals": {"token.actions.githubusercontent.com/acme:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com/acme:sub": "repo:acme/*"}}`)),
			verdict: diagnose.Allow},
		{name: "github enterprise issuer, keys of github.com", src: srcWIFKeys + "; " + srcAbsent, claims: gh("repo:acme/app:ref:refs/heads/main", "iss", ghEntIss),
			providers: []diagnose.Provider{provider("token.actions.githubusercontent.com/acme", stsAud)},
			policy:    policy(allowFor("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/acme", `{"StringLike": {"`+ghHost+`:sub": "repo:acme/*"}}`)),
			verdict:   diagnose.Deny, first: diagnose.CheckCondition},

		// Operators.
		{name: "condition key names in another case", src: srcFold, claims: gh(subMain), providers: gp,
			policy: allowGH(`{"StringLike": {"TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB": "repo:acme/app:*"}}`), verdict: diagnose.Allow},
		{name: "StringEqualsIgnoreCase", src: srcFold, claims: gh("repo:Acme/App:ref:refs/heads/main"), providers: gp,
			policy: allowGH(`{"StringEqualsIgnoreCase": {"` + ghHost + `:sub": "repo:acme/app:ref:refs/heads/main"}}`), verdict: diagnose.Allow},
		{name: "StringEquals is case-sensitive", src: srcLike, claims: gh("repo:Acme/App:ref:refs/heads/main"), providers: gp,
			policy: allowGH(`{"StringEquals": {"` + ghHost + `:sub": "repo:acme/app:ref:refs/heads/main"}}`), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "StringLike ? is one character", src: srcLike, claims: gh("repo:acme/app1:ref:refs/heads/main"), providers: gp,
			policy: allowGH(ghSubLike(`"repo:acme/app?:ref:refs/heads/main"`)), verdict: diagnose.Allow},
		{name: "StringLike * crosses : and /", src: srcLike, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme*main"`)), verdict: diagnose.Allow},
		{name: "StringNotEquals on an absent key matches", src: srcAbsent, claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"StringNotEquals": {"`+ghHost+`:environment": "prod"}`)), verdict: diagnose.Allow},
		{name: "StringEqualsIfExists on an absent key matches", src: srcAbsent, claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"StringEqualsIfExists": {"`+ghHost+`:environment": "prod"}`)), verdict: diagnose.Allow},
		{name: "StringEqualsIfExists on a present key compares", src: srcAbsent, claims: gh("repo:acme/app:environment:staging"), providers: gp,
			policy:  allowGH(ghCond("repo:acme/app:*", `"StringEqualsIfExists": {"`+ghHost+`:environment": "prod"}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "Null false needs the key", src: srcNull, claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"Null": {"`+ghHost+`:environment": "false"}`)), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "Null false with the key", src: srcNull, claims: gh(subProd), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"Null": {"`+ghHost+`:environment": "false"}`)), verdict: diagnose.Allow},
		{name: "Null true refuses the key", src: srcNull, claims: gh(subProd), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"Null": {"`+ghHost+`:environment": "true"}`)), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "DateLessThan aws:CurrentTime", src: srcDate, claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}`)), verdict: diagnose.Allow},
		{name: "DateGreaterThan aws:CurrentTime in the future", src: srcDate, claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"DateGreaterThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}`)), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "DateLessThan with an epoch value", src: srcDate + " (ISO 8601 and epoch seconds compare as instants)", claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"DateLessThan": {"aws:CurrentTime": "1798761600"}`)), verdict: diagnose.Allow},
		{name: "NumericLessThan on aws:EpochTime", src: srcNumeric + "; aws:EpochTime works with numeric operators", claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"NumericLessThan": {"aws:EpochTime": "1798761600"}`)), verdict: diagnose.Allow},
		{name: "Bool aws:SecureTransport", src: srcBool, claims: gh(subMain), providers: gp,
			policy: allowGH(ghCond("repo:acme/app:*", `"Bool": {"aws:SecureTransport": "true"}`)), verdict: diagnose.Allow},
		{name: "policy variable in StringLike", src: srcVariables, claims: gh(subMain, "repository", "acme/app"), providers: gp,
			policy: allowGH(ghSubLike(`"repo:${` + ghHost + `:repository}:*"`)), verdict: diagnose.Allow},
		{name: "ForAnyValue on an aud list", src: srcSetOps, claims: gh(subMain, "aud", []any{"https://github.com/acme", stsAud}), providers: gp,
			policy: allowGH(`{"ForAnyValue:StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com"}, "StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`), verdict: diagnose.Allow},

		// GitLab.
		{name: "gitlab branch exact", src: srcGitLab, claims: claims(glIss, glSub, glIss), providers: glp,
			policy: policy(allowFor(glARN, `{"StringEquals": {"gitlab.com:sub": "`+glSub+`"}}`)), verdict: diagnose.Allow},
		{name: "gitlab any branch", src: srcGitLab + "; " + srcLike, claims: claims(glIss, "project_path:acme/app:ref_type:branch:ref:feature", glIss), providers: glp,
			policy: policy(allowFor(glARN, `{"StringLike": {"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:*"}}`)), verdict: diagnose.Allow},
		{name: "gitlab tag vs branch policy", src: srcGitLab, claims: claims(glIss, "project_path:acme/app:ref_type:tag:ref:v1.0.0", glIss), providers: glp,
			policy:  policy(allowFor(glARN, `{"StringLike": {"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:*"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "gitlab self-managed", src: srcGitLab, claims: claims(glSelf, glSub, glSelf), providers: []diagnose.Provider{provider("gitlab.example.com", glSelf)},
			policy:  policy(allowFor("arn:aws:iam::123456789012:oidc-provider/gitlab.example.com", `{"StringEquals": {"gitlab.example.com:sub": "`+glSub+`", "gitlab.example.com:aud": "`+glSelf+`"}}`)),
			verdict: diagnose.Allow},
		{name: "gitlab aud not in the ClientIDList", src: srcGitLab + "; " + srcOIDCProvider, claims: claims(glIss, glSub, glIss), providers: []diagnose.Provider{provider(glHost, stsAud)},
			policy:  policy(allowFor(glARN, `{"StringEquals": {"gitlab.com:sub": "`+glSub+`"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckProviderAud, want: []string{"Incorrect token audience"}},
		{name: "gitlab namespace_id key", src: srcGitLabKeys,
			claims: claims(glIss, glSub, glIss, "namespace_id", "4242"), providers: glp,
			policy: policy(allowFor(glARN, `{"StringEquals": {"gitlab.com:sub": "`+glSub+`", "gitlab.com:namespace_id": "4242"}}`)), verdict: diagnose.Allow},
		{name: "gitlab project_path is not a key", src: srcNotAKey + " (the Service Authorization Reference lists project_id, not project_path)", claims: claims(glIss, glSub, glIss, "project_path", "acme/app"), providers: glp,
			policy:  policy(allowFor(glARN, `{"StringEquals": {"gitlab.com:project_path": "acme/app"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},

		// EKS (IAM roles for service accounts).
		{name: "eks service account exact", src: srcEKS, claims: claims(eksIss, eksSA, stsAud), providers: eksp,
			policy: policy(allowFor(eksARN, `{"StringEquals": {"`+eksHost+`:sub": "`+eksSA+`", "`+eksHost+`:aud": "sts.amazonaws.com"}}`)), verdict: diagnose.Allow},
		{name: "eks whole namespace", src: srcEKS, claims: claims(eksIss, "system:serviceaccount:default:other", stsAud), providers: eksp,
			policy: policy(allowFor(eksARN, `{"StringLike": {"`+eksHost+`:sub": "system:serviceaccount:default:*"}, "StringEquals": {"`+eksHost+`:aud": "sts.amazonaws.com"}}`)), verdict: diagnose.Allow},
		{name: "eks other namespace", src: srcEKS, claims: claims(eksIss, "system:serviceaccount:kube-system:app", stsAud), providers: eksp,
			policy:  policy(allowFor(eksARN, `{"StringLike": {"`+eksHost+`:sub": "system:serviceaccount:default:*"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "eks aud as a list", src: srcEKS + "; RFC 7519 §4.1.3 (aud a string or a list)", claims: claims(eksIss, eksSA, []any{stsAud}), providers: eksp,
			policy: policy(allowFor(eksARN, `{"StringEquals": {"`+eksHost+`:sub": "`+eksSA+`"}}`)), verdict: diagnose.Allow},
		{name: "eks cluster's provider not created", src: srcEKS + " (create an IAM OIDC provider for the cluster); " + srcOIDCProvider, claims: claims(eksIss, eksSA, stsAud),
			providers: []diagnose.Provider{provider("oidc.eks.us-east-1.amazonaws.com/id/OTHERCLUSTER0000000000000EXAMPLE", stsAud)},
			policy:    policy(allowFor(eksARN, `{"StringEquals": {"`+eksHost+`:sub": "`+eksSA+`"}}`)),
			verdict:   diagnose.Deny, first: diagnose.CheckProviderReg},
		{name: "eks token for the Kubernetes API audience", src: srcEKS + " (the projected token's audience is sts.amazonaws.com); " + srcOIDCProvider, claims: claims(eksIss, eksSA, "https://kubernetes.default.svc"), providers: eksp,
			policy:  policy(allowFor(eksARN, `{"StringEquals": {"`+eksHost+`:sub": "`+eksSA+`"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckProviderAud},

		// Google.
		{name: "google sub", src: srcGoogle, claims: claims("https://accounts.google.com", "110169484474386276334", "123-web.apps.googleusercontent.com"),
			policy: policy(allowFor("accounts.google.com", `{"StringEquals": {"accounts.google.com:aud": "123-web.apps.googleusercontent.com", "accounts.google.com:sub": "110169484474386276334"}}`)), verdict: diagnose.Allow},
		{name: "google oaud is the aud when azp is set", src: srcGoogle, claims: claims("https://accounts.google.com", "1234567890", "123-web.apps.googleusercontent.com", "azp", "123-android.apps.googleusercontent.com"),
			policy: policy(allowFor("accounts.google.com", `{"StringEquals": {"accounts.google.com:oaud": "123-web.apps.googleusercontent.com"}}`)), verdict: diagnose.Allow},
		{name: "google another subject", src: srcGoogle, claims: claims("https://accounts.google.com", "999", "123-web.apps.googleusercontent.com"),
			policy:  policy(allowFor("accounts.google.com", `{"StringEquals": {"accounts.google.com:sub": "110169484474386276334"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "google principal as an OIDC provider ARN", src: srcPrincipal + " (accounts.google.com is a built-in provider, named as such)", claims: claims("https://accounts.google.com", "1234567890", "123-web.apps.googleusercontent.com"),
			policy:  policy(allowFor("arn:aws:iam::123456789012:oidc-provider/accounts.google.com", "")),
			verdict: diagnose.Deny, first: diagnose.CheckPrincipal},

		// Cognito user pools as an OIDC provider.
		{name: "cognito user pool another app client", src: srcUserPool + "; " + srcOIDCProvider, claims: claims(poolIss, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "other-app-client-id", "token_use", "id"),
			providers: []diagnose.Provider{provider(poolHost, clientID)},
			policy:    policy(allowFor("arn:aws:iam::123456789012:oidc-provider/"+poolHost, "")),
			verdict:   diagnose.Deny, first: diagnose.CheckProviderAud},
		{name: "cognito user pool sub", src: srcUserPool, claims: claims(poolIss, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", clientID, "token_use", "id"),
			providers: []diagnose.Provider{provider(poolHost, clientID)},
			policy:    policy(allowFor("arn:aws:iam::123456789012:oidc-provider/"+poolHost, `{"StringEquals": {"`+poolHost+`:sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}}`)),
			verdict:   diagnose.Allow},
		{name: "cognito user pool groups are not a key", src: srcNotAKey + " (cognito:groups)", claims: claims(poolIss, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", clientID, "token_use", "id", "cognito:groups", []any{"admins"}),
			providers: []diagnose.Provider{provider(poolHost, clientID)},
			policy:    policy(allowFor("arn:aws:iam::123456789012:oidc-provider/"+poolHost, `{"ForAnyValue:StringEquals": {"`+poolHost+`:cognito:groups": "admins"}}`)),
			verdict:   diagnose.Deny, first: diagnose.CheckCondition},

		// Cognito identity pools.
		{name: "cognito identity another pool", src: srcCognitoRole, claims: idTok([]any{"authenticated", "graph.facebook.com"}),
			policy:  policy(allowFor("cognito-identity.amazonaws.com", `{"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:99999999-9999-9999-9999-999999999999"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "cognito identity amr names the login provider", src: srcCognitoRole, claims: idTok([]any{"authenticated", "graph.facebook.com", "graph.facebook.com:123456"}),
			policy: idPoolPolicy(`"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "graph.facebook.com"}`), verdict: diagnose.Allow},
		{name: "cognito identity ForAllValues needs every amr value", src: srcSetOps, claims: idTok([]any{"authenticated", "graph.facebook.com"}),
			policy: idPoolPolicy(`"ForAllValues:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "cognito identity ForAllValues on an absent amr", src: srcSetOps, claims: idTok(nil),
			policy: idPoolPolicy(`"ForAllValues:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`), verdict: diagnose.Allow},
		{name: "cognito identity ForAllValues on an empty amr", src: srcSetOps + " (an empty string is a null data set)",
			claims: idTok(""), policy: idPoolPolicy(`"ForAllValues:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`), verdict: diagnose.Allow},
		{name: "cognito identity ForAnyValue on an absent amr", src: srcSetOps, claims: idTok(nil),
			policy: idPoolPolicy(`"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "cognito identity ForAnyValue IfExists on an absent amr", src: srcForAnyIfExists,
			claims: idTok(nil), policy: idPoolPolicy(`"ForAnyValue:StringLikeIfExists": {"cognito-identity.amazonaws.com:amr": "authenticated"}`), verdict: diagnose.Deny, first: diagnose.CheckCondition},

		// Session tags and source identity.
		{name: "session tag condition", src: srcSessionTags + "; " + srcSTSKeys, claims: gh(subMain, "https://aws.amazon.com/tags", tags("team", "platform")), providers: gp,
			policy: withTags(ghCond("repo:acme/app:*", `"StringEquals": {"aws:RequestTag/team": "platform"}`)), verdict: diagnose.Allow},
		{name: "session tag of another value", src: srcSessionTags + "; " + srcSTSKeys, claims: gh(subMain, "https://aws.amazon.com/tags", tags("team", "payments")), providers: gp,
			policy: withTags(ghCond("repo:acme/app:*", `"StringEquals": {"aws:RequestTag/team": "platform"}`)), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "aws:TagKeys ForAllValues", src: srcSetOps + "; " + srcSTSKeys, claims: gh(subMain, "https://aws.amazon.com/tags", tags("team", "platform", "env", "prod")), providers: gp,
			policy: withTags(ghCond("repo:acme/app:*", `"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env", "cost-center"]}`)), verdict: diagnose.Allow},
		{name: "aws:TagKeys with a key not allowed", src: srcSetOps + "; " + srcSTSKeys, claims: gh(subMain, "https://aws.amazon.com/tags", tags("team", "platform", "admin", "yes")), providers: gp,
			policy: withTags(ghCond("repo:acme/app:*", `"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}`)), verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "sts:TransitiveTagKeys", src: srcSTSKeys, claims: gh(subMain, "https://aws.amazon.com/tags", tags("team", "platform")), providers: gp,
			policy: withTags(ghCond("repo:acme/app:*", `"ForAnyValue:StringEquals": {"sts:TransitiveTagKeys": "team"}`)), verdict: diagnose.Allow},
		{name: "tag condition on TagSession's own statement", src: srcSessionTags, claims: gh(subMain, "https://aws.amazon.com/tags", tags("team", "platform")), providers: gp,
			policy: policy(allowFor(ghARN, ghCond("repo:acme/app:*")),
				`{"Effect": "Allow", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:TagSession", "Condition": {"StringEquals": {"aws:RequestTag/team": "platform"}}}`),
			verdict: diagnose.Allow},
		{name: "source identity allowed", src: srcSourceIdentity, claims: gh(subMain, "https://aws.amazon.com/source_identity", "octocat"), providers: gp,
			policy: withSI(ghCond("repo:acme/app:*")), verdict: diagnose.Allow},
		{name: "sts:SourceIdentity condition", src: srcSourceIdentity + "; " + srcSTSKeys, claims: gh(subMain, "https://aws.amazon.com/source_identity", "octocat"), providers: gp,
			policy: withSI(ghCond("repo:acme/app:*", `"StringLike": {"sts:SourceIdentity": "octo*"}`)), verdict: diagnose.Allow},
		{name: "sts:SourceIdentity of someone else", src: srcSourceIdentity + "; " + srcSTSKeys, claims: gh(subMain, "https://aws.amazon.com/source_identity", "mallory"), providers: gp,
			policy: withSI(ghCond("repo:acme/app:*", `"StringLike": {"sts:SourceIdentity": "octo*"}`)), verdict: diagnose.Deny, first: diagnose.CheckCondition},

		// Durations.
		{name: "duration 900", src: srcSTSAPI, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), duration: 900, maxDur: 3600, verdict: diagnose.Allow},
		{name: "duration below 900", src: srcSTSAPI, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), duration: 899, maxDur: 3600,
			verdict: diagnose.Deny, first: diagnose.CheckDuration},
		{name: "duration above 43200", src: srcSTSAPI, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), duration: 43201, maxDur: 43200,
			verdict: diagnose.Deny, first: diagnose.CheckDuration},
		{name: "duration equal to MaxSessionDuration", src: srcSTSAPI, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), duration: 7200, maxDur: 7200, verdict: diagnose.Allow},

		// Session names.
		{name: "session name of one character", src: srcSTSAPI, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), session: "x",
			verdict: diagnose.Deny, first: diagnose.CheckSessionName},
		{name: "session name of 65 characters", src: srcSTSAPI, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), session: strings.Repeat("a", 65),
			verdict: diagnose.Deny, first: diagnose.CheckSessionName},
		{name: "session name of every allowed character", src: srcSTSAPI, claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), session: "a_b+c=d,e.f@g-h9", verdict: diagnose.Allow},
		{name: "sts:RoleSessionName pattern", src: srcSTSKeys, claims: gh(subMain), providers: gp, session: "gha-deploy",
			policy: allowGH(ghCond("repo:acme/app:*", `"StringLike": {"sts:RoleSessionName": "gha-*"}`)), verdict: diagnose.Allow},

		// Deny statements, several statements, several providers.
		{name: "deny depends on the source address", src: srcEval + "; " + srcGlobalKeys, claims: gh(subMain), providers: gp,
			policy: policy(allowFor(ghARN, ghCond("repo:acme/app:*")),
				`{"Effect": "Deny", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}`),
			verdict: diagnose.Indeterminate, want: []string{"aws:SourceIp"}},
		{name: "deny other organisations", src: srcEval, claims: gh("repo:evil/app:ref:refs/heads/main"), providers: gp,
			policy: policy(allowFor(ghARN, ghCond("repo:*")),
				`{"Effect": "Deny", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringNotLike": {"`+ghHost+`:sub": "repo:acme/*"}}}`),
			verdict: diagnose.Deny, first: diagnose.CheckDeny},
		{name: "deny spares the audience", src: srcEval + "; " + srcLike, claims: gh(subMain), providers: gp,
			policy: policy(allowFor(ghARN, ghCond("repo:acme/app:*")),
				`{"Effect": "Deny", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringNotEquals": {"`+ghHost+`:aud": "sts.amazonaws.com"}}}`),
			verdict: diagnose.Allow},
		{name: "deny of everything", src: srcEval, claims: gh(subMain), providers: gp,
			policy:  policy(allowFor(ghARN, ghCond("repo:acme/app:*")), `{"Effect": "Deny", "Principal": "*", "Action": "*"}`),
			verdict: diagnose.Deny, first: diagnose.CheckDeny},
		{name: "second statement allows", src: srcEval + " (any matching Allow allows)", claims: gh(subProd), providers: gp,
			policy: policy(allowFor(ghARN, ghCond(subMain)), allowFor(ghARN, ghCond(subProd))), verdict: diagnose.Allow},
		{name: "no statement allows", src: srcEval + " (no matching Allow: implicit deny)", claims: gh(subTag), providers: gp,
			policy:  policy(allowFor(ghARN, ghCond(subMain)), allowFor(ghARN, ghCond(subProd))),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "statements for two providers, GitLab token", src: srcPrincipal + "; " + srcGitLab, claims: claims(glIss, glSub, glIss),
			providers: []diagnose.Provider{ghProvider, provider(glHost, glIss)},
			policy:    policy(allowFor(ghARN, ghCond("repo:acme/*")), allowFor(glARN, `{"StringEquals": {"gitlab.com:sub": "`+glSub+`"}}`)),
			verdict:   diagnose.Allow},
		{name: "statements for two providers, GitHub token", src: srcPrincipal, claims: gh(subMain),
			providers: []diagnose.Provider{ghProvider, provider(glHost, glIss)},
			policy:    policy(allowFor(ghARN, ghCond("repo:acme/*")), allowFor(glARN, `{"StringEquals": {"gitlab.com:sub": "`+glSub+`"}}`)),
			verdict:   diagnose.Allow},
		{name: "two providers' conditions in one statement", src: srcWIFKeys + " (conditions are ANDed; a token comes from one provider)", claims: gh(subMain),
			providers: []diagnose.Provider{ghProvider, provider(glHost, glIss)},
			policy: policy(`{"Effect": "Allow", "Principal": {"Federated": ["` + ghARN + `", "` + glARN + `"]}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` +
				`{"StringLike": {"` + ghHost + `:sub": "repo:acme/*", "gitlab.com:sub": "project_path:acme/*"}}}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition},
		{name: "aud list, the provider accepts the second", src: srcOIDCProvider, claims: gh(subMain, "aud", []any{"https://github.com/acme", stsAud}),
			providers: gp, policy: allowGH(`{"StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`), verdict: diagnose.Allow},
		{name: "NotAction excluding the web identity action", src: srcSTSAction, claims: gh(subMain), providers: gp,
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"}, "NotAction": "sts:AssumeRoleWith*", "Condition": ` + ghCond("repo:acme/app:*") + `}`),
			verdict: diagnose.Deny, first: diagnose.CheckAction},

		// Token shape and times.
		{name: "RS512 token", src: srcIDToken, alg: "RS512", claims: gh(subMain), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), verdict: diagnose.Allow},
		{name: "iss over http", src: srcIDToken + " (STS fetches keys from an https issuer)", claims: gh(subMain, "iss", "http://token.example.com"), providers: gp,
			policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), verdict: diagnose.Deny, first: diagnose.CheckTokenFormat},
		{name: "no aud", src: srcIDToken, claims: gh(subMain, "aud", nil), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			verdict: diagnose.Deny, first: diagnose.CheckTokenFormat},
		{name: "no exp", src: srcIDToken, claims: gh(subMain, "exp", nil), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			verdict: diagnose.Deny, first: diagnose.CheckTokenTimes},
		{name: "exp with a fraction", src: srcIDToken + " (times are integers)", claims: gh(subMain, "exp", float64(at.Add(time.Hour).Unix())+0.5), providers: gp,
			policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), verdict: diagnose.Deny, first: diagnose.CheckTokenTimes},
		{name: "a token valid for two days", src: srcIDToken + " (a long lifetime only warns)", claims: gh(subMain, "exp", at.Add(48*time.Hour).Unix()), providers: gp,
			policy: allowGH(ghSubLike(`"repo:acme/app:*"`)), verdict: diagnose.Allow},
	}
}
