package trustpolicy

import (
	"strings"
	"testing"
)

// stmt wraps statements into a document.
func stmt(s ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(s, ",") + `]}`
}

// gh builds a GitHub Allow statement with the given Condition element and Action.
func gh(action, cond string) string {
	return `{"Effect": "Allow", "Principal": {"Federated": "` + ghProvider + `"}, "Action": ` + action + `, "Condition": ` + cond + `}`
}

const (
	ghAud   = `"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"`
	ghSub   = `"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"`
	assume  = `"sts:AssumeRoleWithWebIdentity"`
	goodGH  = `{"StringEquals": {` + ghAud + `, ` + ghSub + `}}`
	googleP = `{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "1234.apps.googleusercontent.com"}}}`
)

// idPool builds an identity pool role's Allow statement with the given Condition members.
func idPool(cond string) string {
	return `{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {` + cond + `}}`
}

const (
	idAud  = `"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-1234-1234-1234-123456789012"}`
	amrAny = `"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`
)

func TestLint(t *testing.T) {
	tests := []struct {
		name    string
		policy  string
		opts    LintOptions
		code    string
		wantLoc string // "" means the code must not be reported
	}{
		{"wildcard under StringEquals", stmt(gh(assume, `{"StringEquals": {`+ghAud+`, "token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}`)), LintOptions{},
			CodeWildcardNeedsLike, "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:sub"},
		{"wildcard under StringLike", stmt(gh(assume, `{"StringEquals": {`+ghAud+`}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}`)), LintOptions{},
			CodeWildcardNeedsLike, ""},
		{"escaped star under StringEquals", stmt(gh(assume, `{"StringEquals": {`+ghAud+`, "token.actions.githubusercontent.com:sub": "repo:a${*}"}}`)), LintOptions{},
			CodeWildcardNeedsLike, ""},
		{"key with https", stmt(gh(assume, `{"StringEquals": {"https://token.actions.githubusercontent.com:aud": "sts.amazonaws.com", `+ghSub+`}}`)), LintOptions{},
			CodeKeyHasScheme, "Statement[0].Condition.StringEquals.https://token.actions.githubusercontent.com:aud"},
		{"key without https", stmt(gh(assume, goodGH)), LintOptions{}, CodeKeyHasScheme, ""},
		{"key as ARN", stmt(gh(assume, `{"StringEquals": {"`+ghProvider+`:sub": "repo:octo-org/octo-repo:ref:refs/heads/main", `+ghSub+`}}`)), LintOptions{},
			CodeKeyIsARN, "Statement[0].Condition.StringEquals." + ghProvider + ":sub"},
		{"key not ARN", stmt(gh(assume, goodGH)), LintOptions{}, CodeKeyIsARN, ""},
		{"aud compared with repo", stmt(gh(assume, `{"StringEquals": {"token.actions.githubusercontent.com:aud": "repo:octo-org/octo-repo:ref:refs/heads/main", `+ghSub+`}}`)), LintOptions{},
			CodeAudSubSwapped, "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:aud"},
		{"sub compared with sts", stmt(gh(assume, `{"StringEquals": {"token.actions.githubusercontent.com:sub": "sts.amazonaws.com"}}`)), LintOptions{},
			CodeAudSubSwapped, "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:sub"},
		{"aud and sub right", stmt(gh(assume, goodGH)), LintOptions{}, CodeAudSubSwapped, ""},
		{"GitHub without sub", stmt(gh(assume, `{"StringEquals": {`+ghAud+`}}`)), LintOptions{}, CodeMissingSub, "Statement[0].Condition"},
		{"Google without sub", stmt(googleP), LintOptions{}, CodeMissingSub, ""},
		{"GitHub with sub", stmt(gh(assume, goodGH)), LintOptions{}, CodeMissingSub, ""},
		{"ForAllValues in Allow", stmt(gh(assume, `{"StringEquals": {`+ghAud+`}, "ForAllValues:StringLike": {`+ghSub+`}}`)), LintOptions{},
			CodeForAllValuesAllow, "Statement[0].Condition.ForAllValues:StringLike.token.actions.githubusercontent.com:sub"},
		{"ForAllValues in Deny", stmt(gh(assume, goodGH), `{"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "x"}}}`), LintOptions{},
			CodeForAllValuesAllow, ""},
		{"set operator on sub", stmt(gh(assume, `{"StringEquals": {`+ghAud+`}, "ForAnyValue:StringLike": {`+ghSub+`}}`)), LintOptions{},
			CodeSetOpOnSingleValued, "Statement[0].Condition.ForAnyValue:StringLike.token.actions.githubusercontent.com:sub"},
		{"set operator on amr", stmt(`{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}`), LintOptions{}, CodeSetOpOnSingleValued, ""},
		{"two providers with conditions", stmt(`{"Effect": "Allow", "Principal": {"Federated": ["` + ghProvider + `", "accounts.google.com"]}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"StringEquals": {` + ghSub + `, "accounts.google.com:aud": "1234.apps.googleusercontent.com"}}}`), LintOptions{},
			CodeMultiProvider, "Statement[0].Principal.Federated"},
		{"two providers, one with conditions", stmt(`{"Effect": "Allow", "Principal": {"Federated": ["` + ghProvider + `", "accounts.google.com"]}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"StringEquals": {` + ghSub + `}}}`), LintOptions{}, CodeMultiProvider, ""},
		{"key names another provider", stmt(gh(assume, `{"StringEquals": {`+ghSub+`, "gitlab.com:aud": "sts.amazonaws.com"}}`)), LintOptions{},
			CodeProviderKeyMismatch, "Statement[0].Condition.StringEquals.gitlab.com:aud"},
		{"key names its provider", stmt(gh(assume, goodGH)), LintOptions{}, CodeProviderKeyMismatch, ""},
		{"provider in another account", stmt(gh(assume, goodGH)), LintOptions{ExpectedAccount: "111122223333"},
			CodeProviderAccount, "Statement[0].Principal.Federated"},
		{"provider in the role's account", stmt(gh(assume, goodGH)), LintOptions{ExpectedAccount: "123456789012"}, CodeProviderAccount, ""},
		{"Action is AssumeRole", stmt(gh(`"sts:AssumeRole"`, goodGH)), LintOptions{}, CodeMissingAssumeAction, "Statement[0].Action"},
		{"Action wildcard covers", stmt(gh(`"sts:AssumeRole*"`, goodGH)), LintOptions{}, CodeMissingAssumeAction, ""},
		{"tags without TagSession", stmt(gh(assume, goodGH)), LintOptions{TokenHasTags: true}, CodeMissingTagSession, "Statement[0].Action"},
		{"tags with TagSession", stmt(gh(`["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]`, goodGH)), LintOptions{TokenHasTags: true}, CodeMissingTagSession, ""},
		{"source identity without action", stmt(gh(assume, goodGH)), LintOptions{TokenHasSourceIdentity: true}, CodeMissingSourceIdent, "Statement[0].Action"},
		{"source identity with action", stmt(gh(`["sts:AssumeRoleWithWebIdentity", "sts:SetSourceIdentity"]`, goodGH)), LintOptions{TokenHasSourceIdentity: true}, CodeMissingSourceIdent, ""},
		{"unknown operator", stmt(gh(assume, `{"StringEqual": {`+ghAud+`, `+ghSub+`}}`)), LintOptions{}, CodeUnknownOperator, "Statement[0].Condition.StringEqual"},
		{"known operator", stmt(gh(assume, goodGH)), LintOptions{}, CodeUnknownOperator, ""},
		{"duplicate operator block", stmt(gh(assume, `{"StringEquals": {`+ghAud+`}, "StringEquals": {`+ghSub+`}}`)), LintOptions{},
			CodeDuplicateKey, "Statement[0].Condition.StringEquals"},
		{"Resource in trust policy", stmt(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*"}`), LintOptions{},
			CodeResourceInTrust, "Statement[0].Resource"},
		{"no Resource", stmt(googleP), LintOptions{}, CodeResourceInTrust, ""},
		{"no duplicates", stmt(gh(assume, goodGH)), LintOptions{}, CodeDuplicateKey, ""},
		{"identity pool aud is a client id", stmt(idPool(`"StringEquals": {"cognito-identity.amazonaws.com:aud": "1example23456789"}, ` + amrAny)), LintOptions{},
			CodeIdentityPoolAud, "Statement[0].Condition.StringEquals.cognito-identity.amazonaws.com:aud"},
		{"identity pool aud is a pool id", stmt(idPool(idAud + `, ` + amrAny)), LintOptions{}, CodeIdentityPoolAud, ""},
		{"identity pool aud with a wildcard", stmt(idPool(`"StringLike": {"cognito-identity.amazonaws.com:aud": "us-east-1:*"}, ` + amrAny)), LintOptions{}, CodeIdentityPoolAud, ""},
		{"identity pool without aud", stmt(idPool(amrAny)), LintOptions{}, CodeIdentityPoolNoAud, "Statement[0].Condition"},
		{"identity pool with aud", stmt(idPool(idAud + `, ` + amrAny)), LintOptions{}, CodeIdentityPoolNoAud, ""},

		// IAM User Guide, "AWS JSON policy elements: NotPrincipal": "You cannot use the
		// NotPrincipal element in an IAM identity-based policy or in an IAM role trust policy."
		{"NotPrincipal in a Deny", stmt(gh(assume, goodGH), `{"Effect": "Deny", "NotPrincipal": {"Federated": "`+ghProvider+`"}, "Action": "*"}`), LintOptions{},
			CodeNotPrincipal, "Statement[1].NotPrincipal"},
		{"Principal only", stmt(gh(assume, goodGH)), LintOptions{}, CodeNotPrincipal, ""},
		// Keys STS does not provide (the key table: no AWS source lists them).
		{"condition on event_name", stmt(gh(assume, `{"StringEquals": {`+ghAud+`, `+ghSub+`, "token.actions.githubusercontent.com:event_name": "push"}}`)), LintOptions{},
			CodeKeyNotProvided, "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:event_name"},
		{"condition on iss", stmt(gh(assume, `{"StringEquals": {`+ghSub+`, "token.actions.githubusercontent.com:iss": "https://token.actions.githubusercontent.com"}}`)), LintOptions{},
			CodeKeyNotProvided, "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:iss"},
		{"condition on a documented GitHub key", stmt(gh(assume, `{"StringEquals": {`+ghSub+`, "token.actions.githubusercontent.com:Job_Workflow_Ref": "o/r/.github/workflows/d.yml@refs/heads/main"}}`)), LintOptions{},
			CodeKeyNotProvided, ""},
		{"GHES gets no GitHub keys", stmt(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/ghes.example.com/_services/token"}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"StringEquals": {"ghes.example.com/_services/token:repository": "octo-org/octo-repo"}}}`), LintOptions{},
			CodeKeyNotProvided, "Statement[0].Condition.StringEquals.ghes.example.com/_services/token:repository"},
		{"loopback issuer with a port", stmt(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8080/oidc"}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"StringEquals": {"127.0.0.1:8080/oidc:sub": "x", "127.0.0.1:8080/oidc:aud": "sts.amazonaws.com"}}}`), LintOptions{},
			CodeKeyNotProvided, ""},
		{"aws and sts keys are not provider keys", stmt(gh(assume, `{"StringEquals": {`+ghAud+`, `+ghSub+`, "sts:RoleSessionName": "x", "aws:SourceIdentity": "y"}}`)), LintOptions{},
			CodeKeyNotProvided, ""},
		{"disputed repository_owner_id", stmt(gh(assume, `{"StringEquals": {`+ghAud+`, `+ghSub+`, "token.actions.githubusercontent.com:repository_owner_id": "65"}}`)), LintOptions{},
			CodeKeyDisputed, "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:repository_owner_id"},
		// "Multivalued context keys require a set operator" (IAM User Guide,
		// "Single-valued vs. multivalued context keys"); amr "is multivalued".
		{"plain operator on amr", stmt(`{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:x", "cognito-identity.amazonaws.com:amr": "authenticated"}}}`), LintOptions{},
			CodeMultivaluedNeedsSetOp, "Statement[0].Condition.StringEquals.cognito-identity.amazonaws.com:amr"},
		{"set operator on amr is right", stmt(`{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}`), LintOptions{}, CodeMultivaluedNeedsSetOp, ""},
		// ForAllValues "also returns true if there are no keys in the request … Do not use
		// ForAllValues with an Allow effect because it can be overly permissive"; a Null
		// "false" guard on the key makes the Allow require it.
		{"ForAllValues in Allow with a Null guard", stmt(gh(assume, `{"StringEquals": {`+ghAud+`}, "ForAllValues:StringLike": {`+ghSub+`}, "Null": {"token.actions.githubusercontent.com:sub": "false"}}`)), LintOptions{},
			CodeForAllValuesAllow, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.policy))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.policy, err)
			}
			var got *Finding
			findings := Lint(p, tt.opts)
			for i := range findings {
				if findings[i].Code == tt.code {
					got = &findings[i]
					break
				}
			}
			switch {
			case tt.wantLoc == "" && got != nil:
				t.Errorf("Lint(%s) reported %v; want no %s", tt.policy, got, tt.code)
			case tt.wantLoc != "" && got == nil:
				t.Errorf("Lint(%s) = %v; want %s at %s", tt.policy, findings, tt.code, tt.wantLoc)
			case got != nil && (got.Location != tt.wantLoc || got.Message == "" || got.Fix == ""):
				t.Errorf("Lint(%s) = %v; want %s at %s with a message and a fix", tt.policy, got, tt.code, tt.wantLoc)
			}
		})
	}
}

// TestLintKeyNotProvidedWording: a condition on a key STS does not provide never matches under a
// positive operator, and always matches under a negated one or IfExists ("If the policy
// condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the
// right key is not present, the condition is true" — IAM User Guide, Condition operators); the
// fix names the documented key.
func TestLintKeyNotProvidedWording(t *testing.T) {
	for _, tt := range []struct {
		op, key, wantMsg, wantFix string
	}{
		{"StringEquals", "workflow_ref", "this condition can never match", "token.actions.githubusercontent.com:job_workflow_ref"},
		{"StringNotEquals", "run_id", "this condition always matches", "remove the condition"},
		{"StringLikeIfExists", "repository_owner", "this condition always matches", `StringLike "repo:ORG/*"`},
		{"StringEquals", "iss", "can never match", "Principal.Federated"},
		{"StringEquals", "ref_type", "can never match", `token.actions.githubusercontent.com:ref with StringLike "refs/heads/*"`},
	} {
		doc := stmt(gh(assume, `{"StringEquals": {`+ghAud+`, `+ghSub+`}, "`+tt.op+`": {"token.actions.githubusercontent.com:`+tt.key+`": "x"}}`))
		p, err := Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var got *Finding
		for _, f := range Lint(p, LintOptions{}) {
			if f.Code == CodeKeyNotProvided {
				got = &f
			}
		}
		if got == nil || got.Severity != Error || !strings.HasPrefix(got.Message, "STS does not provide this key; ") ||
			!strings.Contains(got.Message, tt.wantMsg) || !strings.Contains(got.Fix, tt.wantFix) {
			t.Errorf("Lint(%s on %s) = %v; want an error %q with a fix naming %q", tt.op, tt.key, got, tt.wantMsg, tt.wantFix)
		}
	}
}

func TestLintGoodPolicyIsClean(t *testing.T) {
	p, err := Parse([]byte(githubPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if f := Lint(p, LintOptions{ExpectedAccount: "123456789012"}); len(f) != 0 {
		t.Errorf("Lint(githubPolicy) = %v; want no findings", f)
	}
}
