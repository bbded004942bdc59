package trustpolicy

import (
	"strings"
	"testing"
)

// Page titles of the IAM User Guide that the rules below come from.
const (
	pageOps   = "IAM JSON policy elements: Condition operators"
	pageMulti = "Condition with multiple context keys or values"
	pageSets  = "Single-valued vs. multivalued context keys"
	pageCond  = "IAM JSON policy elements: Condition"
	pageVars  = "IAM policy elements: Variables and tags"
	pageEval  = "Policy evaluation logic"
)

// notPrincipalRule: a role trust policy cannot use NotPrincipal, so rawsts lets such a
// statement match nothing (what STS does with one is not documented).
const notPrincipalRule = `AWS JSON policy elements: NotPrincipal — "You cannot use the NotPrincipal element in an IAM identity-based policy or in an IAM role trust policy."`

// condCase evaluates one Allow statement for any principal and action with the given
// Condition element against a context.
type condCase struct {
	name    string
	rule    string // page title — the documented rule, in our words
	cond    string // the Condition element's JSON
	ctx     map[string][]string
	unknown []string
	want    Decision
}

func runCondCases(t *testing.T, version string, tests []condCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"Version": "` + version + `", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` + tt.cond + `}}`
			p, err := Parse([]byte(doc))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", doc, err)
			}
			c := &Context{Principal: ghProvider, Action: ActionAssumeRoleWithWebIdentity}
			for k, v := range tt.ctx {
				c.Set(k, v...)
			}
			for _, k := range tt.unknown {
				c.SetUnknown(k)
			}
			got := Evaluate(p, c)
			if got.Decision != tt.want {
				t.Errorf("Evaluate(%s, %v) = %v; want %v (rule: %s)\n%s", tt.cond, tt.ctx, got.Decision, tt.want, tt.rule, got)
			}
		})
	}
}

func TestOperatorFamilies(t *testing.T) {
	sub := map[string][]string{"idp.example.com:sub": {"repo:octo-org/octo-repo:ref:refs/heads/main"}}
	num := map[string][]string{"aws:EpochTime": {"1632493567"}}
	date := map[string][]string{"aws:CurrentTime": {"2021-09-24T14:26:07Z"}}
	ip := map[string][]string{"aws:SourceIp": {"203.0.113.7"}}
	arn := map[string][]string{"aws:FederatedProvider": {ghProvider}}
	runCondCases(t, "2012-10-17", []condCase{
		{"StringEquals match", pageOps + " — StringEquals is exact and case-sensitive", `{"StringEquals": {"idp.example.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}}`, sub, nil, Allow},
		{"StringEquals case differs", pageOps + " — StringEquals is exact and case-sensitive", `{"StringEquals": {"idp.example.com:sub": "repo:Octo-Org/octo-repo:ref:refs/heads/main"}}`, sub, nil, ImplicitDeny},
		{"StringEquals star is literal", pageOps + " — only the Like operators treat * as a wildcard", `{"StringEquals": {"idp.example.com:sub": "repo:octo-org/*"}}`, sub, nil, ImplicitDeny},
		{"StringNotEquals other value", pageOps + " — StringNotEquals is negated matching", `{"StringNotEquals": {"idp.example.com:sub": "repo:x/y:ref:refs/heads/main"}}`, sub, nil, Allow},
		{"StringNotEquals same value", pageOps + " — StringNotEquals is negated matching", `{"StringNotEquals": {"idp.example.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}}`, sub, nil, ImplicitDeny},
		{"StringEqualsIgnoreCase", pageOps + " — IgnoreCase compares ignoring case", `{"StringEqualsIgnoreCase": {"idp.example.com:sub": "REPO:OCTO-ORG/OCTO-REPO:REF:REFS/HEADS/MAIN"}}`, sub, nil, Allow},
		{"StringNotEqualsIgnoreCase", pageOps + " — negated IgnoreCase", `{"StringNotEqualsIgnoreCase": {"idp.example.com:sub": "REPO:OCTO-ORG/OCTO-REPO:REF:REFS/HEADS/MAIN"}}`, sub, nil, ImplicitDeny},
		{"StringLike star", pageOps + " — StringLike: * matches any run of characters", `{"StringLike": {"idp.example.com:sub": "repo:octo-org/*"}}`, sub, nil, Allow},
		{"StringLike question", pageOps + " — StringLike: ? matches one character", `{"StringLike": {"idp.example.com:sub": "repo:octo-org/octo-rep?:ref:refs/heads/mai?"}}`, sub, nil, Allow},
		{"StringLike no match", pageOps + " — StringLike is case-sensitive", `{"StringLike": {"idp.example.com:sub": "repo:OCTO-ORG/*"}}`, sub, nil, ImplicitDeny},
		{"StringNotLike", pageOps + " — StringNotLike is negated StringLike", `{"StringNotLike": {"idp.example.com:sub": "repo:octo-org/*"}}`, sub, nil, ImplicitDeny},
		{"NumericEquals", pageOps + " — numeric equality", `{"NumericEquals": {"aws:EpochTime": 1632493567}}`, num, nil, Allow},
		{"NumericNotEquals", pageOps + " — numeric negated equality", `{"NumericNotEquals": {"aws:EpochTime": "1632493567"}}`, num, nil, ImplicitDeny},
		{"NumericLessThan", pageOps + " — context value less than policy value", `{"NumericLessThan": {"aws:EpochTime": 1632493568}}`, num, nil, Allow},
		{"NumericLessThan equal", pageOps + " — strictly less", `{"NumericLessThan": {"aws:EpochTime": 1632493567}}`, num, nil, ImplicitDeny},
		{"NumericLessThanEquals", pageOps + " — less or equal", `{"NumericLessThanEquals": {"aws:EpochTime": 1632493567}}`, num, nil, Allow},
		{"NumericGreaterThan", pageOps + " — greater", `{"NumericGreaterThan": {"aws:EpochTime": 1632493567.5}}`, num, nil, ImplicitDeny},
		{"NumericGreaterThanEquals", pageOps + " — greater or equal", `{"NumericGreaterThanEquals": {"aws:EpochTime": 1000}}`, num, nil, Allow},
		{"DateEquals", pageOps + " — date equality, ISO 8601", `{"DateEquals": {"aws:CurrentTime": "2021-09-24T14:26:07Z"}}`, date, nil, Allow},
		{"DateNotEquals", pageOps + " — negated date equality", `{"DateNotEquals": {"aws:CurrentTime": "2021-09-24T14:26:07Z"}}`, date, nil, ImplicitDeny},
		{"DateLessThan", pageOps + " — before a date", `{"DateLessThan": {"aws:CurrentTime": "2021-12-31"}}`, date, nil, Allow},
		{"DateLessThanEquals epoch", pageOps + " — dates may be epoch seconds", `{"DateLessThanEquals": {"aws:CurrentTime": 1632493567}}`, date, nil, Allow},
		{"DateGreaterThan", pageOps + " — after a date", `{"DateGreaterThan": {"aws:CurrentTime": "2022-01-01T00:00:00Z"}}`, date, nil, ImplicitDeny},
		{"DateGreaterThanEquals", pageOps + " — at or after", `{"DateGreaterThanEquals": {"aws:CurrentTime": "2021-09-24T14:26:07+00:00"}}`, date, nil, Allow},
		{"Bool true", pageOps + " — Bool compares true/false", `{"Bool": {"aws:SecureTransport": "true"}}`, map[string][]string{"aws:SecureTransport": {"true"}}, nil, Allow},
		{"Bool false", pageOps + " — Bool compares true/false", `{"Bool": {"aws:SecureTransport": false}}`, map[string][]string{"aws:SecureTransport": {"true"}}, nil, ImplicitDeny},
		{"BinaryEquals", pageOps + " — BinaryEquals compares base64-encoded bytes", `{"BinaryEquals": {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, map[string][]string{"k:bin": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, nil, Allow},
		{"BinaryEquals differs", pageOps + " — BinaryEquals compares bytes", `{"BinaryEquals": {"k:bin": "QmluYXJ5"}}`, map[string][]string{"k:bin": {"QmluYXJ6"}}, nil, ImplicitDeny},
		{"IpAddress in CIDR", pageOps + " — IpAddress matches an address in the CIDR block", `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, ip, nil, Allow},
		{"IpAddress outside", pageOps + " — IpAddress", `{"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "2001:db8::/32"]}}`, ip, nil, ImplicitDeny},
		{"NotIpAddress", pageOps + " — NotIpAddress is the negation", `{"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}`, ip, nil, Allow},
		{"ArnEquals", pageOps + " — ArnEquals compares the six ARN parts", `{"ArnEquals": {"aws:FederatedProvider": "` + ghProvider + `"}}`, arn, nil, Allow},
		{"ArnLike wildcard in a part", pageOps + " — each ARN part may hold wildcards", `{"ArnLike": {"aws:FederatedProvider": "arn:aws:iam::*:oidc-provider/token.*"}}`, arn, nil, Allow},
		{"ArnLike wildcard never crosses colons", pageOps + " — parts are matched separately", `{"ArnLike": {"aws:FederatedProvider": "arn:*:oidc-provider/*"}}`, arn, nil, ImplicitDeny},
		{"ArnNotEquals", pageOps + " — negated ARN match", `{"ArnNotEquals": {"aws:FederatedProvider": "` + ghProvider + `"}}`, arn, nil, ImplicitDeny},
		{"ArnNotLike", pageOps + " — negated ARN match", `{"ArnNotLike": {"aws:FederatedProvider": "arn:aws:iam::111122223333:*"}}`, arn, nil, Allow},
		{"Null true on absent", pageOps + " — Null true: the key must be absent", `{"Null": {"idp.example.com:email": "true"}}`, sub, nil, Allow},
		{"Null false on absent", pageOps + " — Null false: the key must be present", `{"Null": {"idp.example.com:email": false}}`, sub, nil, ImplicitDeny},
		{"Null false on present", pageOps + " — Null false: the key must be present", `{"Null": {"idp.example.com:sub": "false"}}`, sub, nil, Allow},
		{"unknown operator", pageOps + " — only documented operators exist", `{"StringMatches": {"idp.example.com:sub": "x"}}`, sub, nil, ImplicitDeny},
		{"unknown operator Null with IfExists", pageOps + " — Null takes no IfExists", `{"NullIfExists": {"idp.example.com:sub": "x"}}`, sub, nil, ImplicitDeny},
	})
}

func TestAbsentKeysAndQualifiers(t *testing.T) {
	amr := map[string][]string{"cognito-identity.amazonaws.com:amr": {"authenticated", "graph.facebook.com"}}
	single := map[string][]string{"cognito-identity.amazonaws.com:amr": {"unauthenticated"}}
	none := map[string][]string{}
	runCondCases(t, "2012-10-17", []condCase{
		{"absent key fails", pageOps + " — a key absent from the context does not match", `{"StringEquals": {"a:sub": "x"}}`, none, nil, ImplicitDeny},
		{"negated op on absent key", pageOps + " — a negated operator on an absent key matches", `{"StringNotEquals": {"a:sub": "x"}}`, none, nil, Allow},
		{"negated like on absent key", pageOps + " — StringNotLike on an absent key is true", `{"StringNotLike": {"a:sub": "x*"}}`, none, nil, Allow},
		{"IfExists absent", pageOps + " — …IfExists is true when the key is absent", `{"StringEqualsIfExists": {"a:sub": "x"}}`, none, nil, Allow},
		{"IfExists present mismatch", pageOps + " — …IfExists applies the operator when the key is present", `{"StringEqualsIfExists": {"a:sub": "x"}}`, map[string][]string{"a:sub": {"y"}}, nil, ImplicitDeny},
		{"IfExists present match", pageOps + " — …IfExists applies the operator when present", `{"StringLikeIfExists": {"a:sub": "y*"}}`, map[string][]string{"a:sub": {"yes"}}, nil, Allow},
		{"ForAnyValue multivalued hit", pageSets + " — ForAnyValue: at least one context value matches", `{"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, amr, nil, Allow},
		{"ForAnyValue multivalued miss", pageSets + " — ForAnyValue: no value matches", `{"ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, amr, nil, ImplicitDeny},
		{"ForAnyValue single-valued", pageSets + " — a single value is a set of one", `{"ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, single, nil, Allow},
		{"ForAnyValue absent", pageSets + " — ForAnyValue is false when the key is absent", `{"ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, none, nil, ImplicitDeny},
		{"ForAllValues multivalued all", pageSets + " — ForAllValues: every context value matches a policy value", `{"ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:amr": ["authenticated", "graph.facebook.com", "accounts.google.com"]}}`, amr, nil, Allow},
		{"ForAllValues multivalued one missing", pageSets + " — ForAllValues: one context value outside the policy set fails", `{"ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, amr, nil, ImplicitDeny},
		{"ForAllValues single-valued", pageSets + " — a single value is a set of one", `{"ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, single, nil, Allow},
		{"ForAllValues absent is vacuous", pageSets + " — ForAllValues is true when the key is absent", `{"ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, none, nil, Allow},
		{"ForAllValues negated", pageSets + " — ForAllValues:StringNotEquals: no context value is in the set", `{"ForAllValues:StringNotEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, amr, nil, Allow},
		{"ForAnyValue negated", pageSets + " — ForAnyValue:StringNotLike: some context value is outside", `{"ForAnyValue:StringNotLike": {"cognito-identity.amazonaws.com:amr": "auth*"}}`, amr, nil, Allow},
		{"values ORed", pageMulti + " — several values for one key are ORed", `{"StringEquals": {"a:sub": ["x", "y", "z"]}}`, map[string][]string{"a:sub": {"y"}}, nil, Allow},
		{"negated values", pageMulti + " — a negated operator fails if the value matches any policy value", `{"StringNotEquals": {"a:sub": ["x", "y"]}}`, map[string][]string{"a:sub": {"y"}}, nil, ImplicitDeny},
		{"keys ANDed", pageMulti + " — several keys in one operator are ANDed", `{"StringEquals": {"a:sub": "x", "a:aud": "sts.amazonaws.com"}}`, map[string][]string{"a:sub": {"x"}, "a:aud": {"other"}}, nil, ImplicitDeny},
		{"operators ANDed", pageMulti + " — several operators are ANDed", `{"StringEquals": {"a:aud": "sts.amazonaws.com"}, "StringLike": {"a:sub": "x*"}}`, map[string][]string{"a:sub": {"xy"}, "a:aud": {"sts.amazonaws.com"}}, nil, Allow},
		{"key case-insensitive", pageCond + " — condition key names are not case-sensitive", `{"StringEquals": {"A:SUB": "x"}}`, map[string][]string{"a:sub": {"x"}}, nil, Allow},
		{"value case-sensitive", pageOps + " — values are case-sensitive unless the operator says IgnoreCase", `{"StringEquals": {"a:sub": "X"}}`, map[string][]string{"a:sub": {"x"}}, nil, ImplicitDeny},
	})
}

func TestPolicyVariables(t *testing.T) {
	ctx := map[string][]string{"a:sub": {"repo:octo-org/octo-repo"}, "a:owner": {"octo-org"}, "a:star": {"a*b"}, "aws:TagKeys": {"x", "y"}}
	tests := []condCase{
		{"variable substituted", pageVars + " — ${key} takes the context value", `{"StringLike": {"a:sub": "repo:${a:owner}/*"}}`, ctx, nil, Allow},
		{"variable name case-insensitive", pageVars + " — key names in variables are case-insensitive", `{"StringEquals": {"a:sub": "repo:${A:OWNER}/octo-repo"}}`, ctx, nil, Allow},
		{"variable mismatch", pageVars + " — substituted value compared", `{"StringEquals": {"a:sub": "repo:${a:owner}/other"}}`, ctx, nil, ImplicitDeny},
		{"absent variable no default", pageVars + " — an unresolvable variable makes the value unusable", `{"StringLike": {"a:sub": "repo:${a:missing}*"}}`, ctx, nil, ImplicitDeny},
		{"default value", pageVars + " — ${key, 'default'} falls back to the default", `{"StringEquals": {"a:sub": "repo:${a:missing, 'octo-org'}/octo-repo"}}`, ctx, nil, Allow},
		{"multivalued variable", pageVars + " — multivalued keys cannot be variables", `{"StringLike": {"a:sub": "${aws:TagKeys}*"}}`, ctx, nil, ImplicitDeny},
		{"escaped star is literal", pageVars + " — ${*} is a literal asterisk", `{"StringLike": {"a:star": "a${*}b"}}`, ctx, nil, Allow},
		{"escaped star not a wildcard", pageVars + " — ${*} is a literal asterisk", `{"StringLike": {"a:star": "a${*}"}}`, ctx, nil, ImplicitDeny},
		{"escaped question and dollar", pageVars + " — ${?} and ${$} are literal", `{"StringEquals": {"a:q": "${$}${?}"}}`, map[string][]string{"a:q": {"$?"}}, nil, Allow},
		{"unknown variable", pageVars + " — a variable on an unknowable key", `{"StringEquals": {"a:sub": "${aws:PrincipalOrgID}"}}`, ctx, nil, Indeterminate},
	}
	runCondCases(t, "2012-10-17", tests)
	runCondCases(t, "2008-10-17", []condCase{
		{"no variables under 2008-10-17", pageVars + " — variables need Version 2012-10-17; otherwise the text is literal", `{"StringEquals": {"a:sub": "repo:${a:owner}/octo-repo"}}`, ctx, nil, ImplicitDeny},
		{"literal text under 2008-10-17", pageVars + " — without variables ${…} is plain text", `{"StringEquals": {"a:sub": "${a:owner}"}}`, map[string][]string{"a:sub": {"${a:owner}"}}, nil, Allow},
	})
}

func TestUnknownKeys(t *testing.T) {
	runCondCases(t, "2012-10-17", []condCase{
		{"documented unknown key", "local rule — aws:SourceIp is unknowable from a token", `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, nil, nil, Indeterminate},
		{"caller-marked unknown", "local rule — keys the caller marks unknown", `{"StringEquals": {"a:sub": "x"}}`, nil, []string{"A:Sub"}, Indeterminate},
		{"unknown but another clause fails", pageMulti + " — AND with a false clause is false", `{"StringEquals": {"a:sub": "x"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, map[string][]string{"a:sub": {"y"}}, nil, ImplicitDeny},
		{"known value overrides list", "local rule — a value set by the caller is known", `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, map[string][]string{"aws:SourceIp": {"203.0.113.9"}}, nil, Allow},
		{"Null on unknown key", "local rule — presence of an unknowable key is unknown", `{"Null": {"aws:PrincipalOrgID": "true"}}`, nil, nil, Indeterminate},
	})
}

func TestStatementElements(t *testing.T) {
	allowGH := `{"Effect": "Allow", "Principal": {"Federated": "` + ghProvider + `"}, "Action": "sts:AssumeRoleWithWebIdentity"}`
	tests := []struct {
		name, rule, stmts, principal, action string
		want                                 Decision
	}{
		{"federated match", pageEval + " — a matching Allow allows", allowGH, ghProvider, ActionAssumeRoleWithWebIdentity, Allow},
		{"other provider", pageEval + " — no matching statement is an implicit deny", allowGH, "accounts.google.com", ActionAssumeRoleWithWebIdentity, ImplicitDeny},
		{"deny beats allow", pageEval + " — an explicit Deny overrides any Allow", allowGH + `, {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}`, ghProvider, ActionAssumeRoleWithWebIdentity, ExplicitDeny},
		{"deny not matching", pageEval + " — a Deny that does not match has no effect", allowGH + `, {"Effect": "Deny", "Principal": "*", "Action": "sts:TagSession"}`, ghProvider, ActionAssumeRoleWithWebIdentity, Allow},
		{"unknown deny", pageEval + " — a Deny that may match makes an allow uncertain", allowGH + `, {"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}`, ghProvider, ActionAssumeRoleWithWebIdentity, Indeterminate},
		{"NotPrincipal allow matches nothing", notPrincipalRule, `{"Effect": "Allow", "NotPrincipal": {"Federated": "accounts.google.com"}, "Action": "*"}`, ghProvider, ActionAssumeRoleWithWebIdentity, ImplicitDeny},
		{"NotPrincipal deny matches nothing", notPrincipalRule, `{"Effect": "Deny", "NotPrincipal": {"Federated": "accounts.google.com"}, "Action": "*"}, ` + allowGH, ghProvider, ActionAssumeRoleWithWebIdentity, Allow},
		{"NotAction", "IAM JSON policy elements: NotAction — matches every action except those listed", `{"Effect": "Allow", "Principal": "*", "NotAction": "sts:TagSession"}`, ghProvider, ActionAssumeRoleWithWebIdentity, Allow},
		{"NotAction excludes", "IAM JSON policy elements: NotAction — matches every action except those listed", `{"Effect": "Allow", "Principal": "*", "NotAction": "sts:Assume*"}`, ghProvider, ActionAssumeRoleWithWebIdentity, ImplicitDeny},
		{"action wildcard and case", "IAM JSON policy elements: Action — wildcards allowed, names case-insensitive", `{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "STS:assumerole*"}`, ghProvider, ActionAssumeRoleWithWebIdentity, Allow},
		{"action question mark", "IAM JSON policy elements: Action — ? matches one character", `{"Effect": "Allow", "Principal": "*", "Action": "sts:?agSession"}`, ghProvider, ActionTagSession, Allow},
		{"wrong action", "IAM JSON policy elements: Action — the action must be listed", `{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}`, ghProvider, ActionAssumeRoleWithWebIdentity, ImplicitDeny},
		{"unknown principal", "local rule — an empty principal is unknown", allowGH, "", ActionAssumeRoleWithWebIdentity, Indeterminate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(`{"Version": "2012-10-17", "Statement": [` + tt.stmts + `]}`))
			if err != nil {
				t.Fatal(err)
			}
			got := Evaluate(p, &Context{Principal: tt.principal, Action: tt.action})
			if got.Decision != tt.want {
				t.Errorf("Evaluate(%s, %q) = %v; want %v (rule: %s)\n%s", tt.stmts, tt.principal, got.Decision, tt.want, tt.rule, got)
			}
		})
	}
}

func TestExplainReasons(t *testing.T) {
	p, err := Parse([]byte(githubPolicy))
	if err != nil {
		t.Fatal(err)
	}
	c := &Context{Principal: ghProvider, Action: ActionAssumeRoleWithWebIdentity}
	c.Set("token.actions.githubusercontent.com:aud", "sts.amazonaws.com")
	c.Set("token.actions.githubusercontent.com:sub", "repo:octo-org/octo-repo:environment:prod")
	c.SetUnknown("aws:SourceIp")
	r := Evaluate(p, c)
	failed := r.Statements[0].Failed()
	if len(failed) != 1 {
		t.Fatalf("Failed() = %v; want one clause", failed)
	}
	want := `token.actions.githubusercontent.com:sub is "repo:octo-org/octo-repo:environment:prod"; the policy's StringLike wants "repo:octo-org/octo-repo:ref:refs/heads/main"`
	if failed[0].Reason != want {
		t.Errorf("Reason = %q; want %q", failed[0].Reason, want)
	}
	if got := failed[0].ContextValues; len(got) != 1 || got[0] != "repo:octo-org/octo-repo:environment:prod" {
		t.Errorf("ContextValues = %q", got)
	}
	if s := r.String(); !strings.Contains(s, "FAIL StringLike token.actions.githubusercontent.com:sub") {
		t.Errorf("String() = %s; want a FAIL line for the sub clause", s)
	}
}
