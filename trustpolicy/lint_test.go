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
		{"amr with a plain operator", stmt(idPool(idAud + `, "StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`)), LintOptions{},
			CodeAMRNeedsSetOperator, "Statement[0].Condition.StringLike.cognito-identity.amazonaws.com:amr"},
		{"amr with ForAnyValue", stmt(idPool(idAud + `, ` + amrAny)), LintOptions{}, CodeAMRNeedsSetOperator, ""},
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

func TestLintGoodPolicyIsClean(t *testing.T) {
	p, err := Parse([]byte(githubPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if f := Lint(p, LintOptions{ExpectedAccount: "123456789012"}); len(f) != 0 {
		t.Errorf("Lint(githubPolicy) = %v; want no findings", f)
	}
}
