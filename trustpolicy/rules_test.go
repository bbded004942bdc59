package trustpolicy

import (
	"strings"
	"testing"
)

// The IAM User Guide's sentences the rules below follow, quoted from its archived public
// source (awsdocs/iam-user-guide, 2023-05), with the current wording where it differs and
// was read (KensioSoftware/yulin#1309 quotes the current "Single-valued vs. multivalued
// context keys" page, 2026-09).
const (
	qAbsent    = `Condition operators: "If the key that you specify in a policy condition is not present in the request context, the values do not match and the condition is false."`
	qNegAbsent = `Condition operators: "If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true."`
	qIfExists  = `…IfExists: "If the key is not present, evaluate the condition element as true."`
	qForAll    = `ForAllValues: "It also returns true if there are no keys in the request, or if the key values resolve to a null data set, such as an empty string."`
	qForAny    = `ForAnyValue: "For no matching key or a null dataset, the condition returns false." (2023); "For no matching context key or if the key does not exist, the condition returns false." (current)`
	// No AWS text combines ForAnyValue with IfExists; the ForAnyValue sentence is the one that
	// applies. iam.cloudcopilot.io's ForAnyValue:StringEqualsIfExists page agrees ("Any
	// operator starting with ForAnyValue will ignore IfExists"). No public report of a refused
	// request was found (two searches of issues and pages).
	qForAnyIfExists = qForAny + `; nothing makes IfExists override it`
	qNull           = `Null: "use either true (the key doesn't exist — it is null) or false (the key exists and its value is not null)"`
	qNullEmpty      = `Condition: "it is possible to include an empty string. In this case, the value in the request context is null."`
	qBoolVar        = `Boolean: "You can use a policy variable with the Boolean condition operator."`
	qNumVar         = `Numeric: "You can not use a policy variable with the Numeric condition operator."`
	qDate           = `Date: "You must specify date/time values with one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time." (compared as instants: implied, not stated)`
	qIgnoreCase     = `String: StringEqualsIgnoreCase is "Exact matching, ignoring case"`
	qLike           = `String: StringLike "values can include multi-character match wildcards (*) and single-character match wildcards (?) anywhere in the string."`
	qNumeric        = `Numeric: "Numeric condition operators let you construct Condition elements that restrict access based on comparing a key to an integer or decimal value."`
	// AWS is silent on a plain operator on a multivalued key: rawsts's reading, assumed.
	qMulti = `Single-valued vs. multivalued: "Multivalued context keys require a set operator." (silent on the result without one: rawsts reads ForAnyValue, assumed)`
)

// TestQuotedRules: one case per rule of the operator families, each citing the sentence it
// follows. assumed says the clause must carry an Assumption (a rule AWS does not document).
func TestQuotedRules(t *testing.T) {
	sub := map[string][]string{"a:sub": {"repo:octo-org/octo-repo:ref:refs/heads/main"}}
	amr := map[string][]string{"cognito-identity.amazonaws.com:amr": {"authenticated", "graph.facebook.com"}}
	date := map[string][]string{"aws:CurrentTime": {"2021-09-24T14:26:07Z"}, "aws:EpochTime": {"1632493567"}}
	none := map[string][]string{}
	for _, tt := range []struct {
		name, rule, cond string
		ctx              map[string][]string
		want             Decision
		assumed          bool
	}{
		{"absent key, positive operator", qAbsent, `{"StringEquals": {"a:env": "prod"}}`, sub, ImplicitDeny, false},
		{"absent key, numeric", qAbsent, `{"NumericLessThan": {"a:n": 5}}`, none, ImplicitDeny, false},
		{"absent key, StringNotLike", qNegAbsent, `{"StringNotLike": {"a:env": "prod*"}}`, sub, Allow, false},
		{"absent key, ArnNotLike", qNegAbsent, `{"ArnNotLike": {"a:arn": "arn:aws:s3:::*"}}`, none, Allow, false},
		{"absent key, NumericNotEquals", qNegAbsent, `{"NumericNotEquals": {"a:n": 5}}`, none, Allow, false},
		{"absent key, StringNotEqualsIgnoreCase", qNegAbsent, `{"StringNotEqualsIgnoreCase": {"a:env": "PROD"}}`, none, Allow, false},
		{"IfExists, absent", qIfExists, `{"StringEqualsIfExists": {"a:env": "prod"}}`, none, Allow, false},
		{"IfExists, present", qIfExists, `{"StringEqualsIfExists": {"a:sub": "other"}}`, sub, ImplicitDeny, false},
		{"ForAllValues, absent", qForAll, `{"ForAllValues:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, none, Allow, false},
		{"ForAllValues IfExists, absent", qForAll + "; " + qIfExists, `{"ForAllValues:StringEqualsIfExists": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, none, Allow, false},
		{"ForAnyValue, absent", qForAny, `{"ForAnyValue:StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, none, ImplicitDeny, false},
		{"ForAnyValue IfExists, absent", qForAnyIfExists, `{"ForAnyValue:StringEqualsIfExists": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, none, ImplicitDeny, false},
		{"ForAnyValue IfExists, present", qForAnyIfExists, `{"ForAnyValue:StringLikeIfExists": {"cognito-identity.amazonaws.com:amr": "auth*"}}`, amr, Allow, false},
		{"Null true, absent", qNull, `{"Null": {"a:env": "true"}}`, sub, Allow, false},
		{"Null true, present", qNull, `{"Null": {"a:sub": "true"}}`, sub, ImplicitDeny, false},
		{"Null false, present", qNull, `{"Null": {"a:sub": "false"}}`, sub, Allow, false},
		{"Bool with a policy variable", qBoolVar, `{"Bool": {"aws:SecureTransport": "${a:flag}"}}`, map[string][]string{"aws:SecureTransport": {"true"}, "a:flag": {"true"}}, Allow, false},
		{"Bool with a variable that differs", qBoolVar, `{"Bool": {"aws:SecureTransport": "${a:flag}"}}`, map[string][]string{"aws:SecureTransport": {"true"}, "a:flag": {"false"}}, ImplicitDeny, false},
		{"Numeric takes no policy variable", qNumVar, `{"NumericEquals": {"a:n": "${a:m}"}}`, map[string][]string{"a:n": {"5"}, "a:m": {"5"}}, ImplicitDeny, false},
		{"Numeric decimal", qNumeric, `{"NumericLessThanEquals": {"a:n": "5.0"}}`, map[string][]string{"a:n": {"5"}}, Allow, false},
		{"Date: epoch policy value, ISO context", qDate, `{"DateEquals": {"aws:CurrentTime": 1632493567}}`, date, Allow, false},
		{"Date: ISO with offset, same instant", qDate, `{"DateEquals": {"aws:CurrentTime": "2021-09-24T16:26:07+02:00"}}`, date, Allow, false},
		{"Date: ISO policy value, epoch context", qDate, `{"DateLessThan": {"aws:EpochTime": "2021-09-24T14:26:08Z"}}`, date, Allow, false},
		{"Date: a second later is not equal", qDate, `{"DateEquals": {"aws:CurrentTime": "2021-09-24T14:26:08Z"}}`, date, ImplicitDeny, false},
		{"IgnoreCase", qIgnoreCase, `{"StringEqualsIgnoreCase": {"a:sub": "REPO:Octo-Org/octo-repo:REF:refs/heads/MAIN"}}`, sub, Allow, false},
		{"? is one character", qLike, `{"StringLike": {"a:sub": "repo:octo-org/octo-repo:ref:refs/heads/mai?"}}`, sub, Allow, false},
		{"? is not two", qLike, `{"StringLike": {"a:sub": "repo:octo-org/octo-repo:ref:refs/heads/ma?"}}`, sub, ImplicitDeny, false},
		{"* crosses : and /", qLike, `{"StringLike": {"a:sub": "repo:*main"}}`, sub, Allow, false},
		{"plain operator on amr, a value matches", qMulti, `{"StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`, amr, Allow, true},
		{"plain operator on amr, none matches", qMulti + " — a no-match is certain under both readings", `{"StringEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, amr, ImplicitDeny, false},
		{"negated plain operator on amr", qMulti, `{"StringNotEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, amr, Allow, true},
		{"plain operator on amr of one value", qMulti + " — amr is multivalued by type", `{"StringEquals": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`, map[string][]string{"cognito-identity.amazonaws.com:amr": {"unauthenticated"}}, Allow, true},
		{"plain operator on aud of two audiences", qMulti, `{"StringEquals": {"a:aud": "sts.amazonaws.com"}}`, map[string][]string{"a:aud": {"https://github.com/octo-org", "sts.amazonaws.com"}}, Allow, true},
		{"set operator on aud", qMulti, `{"ForAnyValue:StringEquals": {"a:aud": "sts.amazonaws.com"}}`, map[string][]string{"a:aud": {"https://github.com/octo-org", "sts.amazonaws.com"}}, Allow, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` + tt.cond + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			c := &Context{Principal: ghProvider, Action: ActionAssumeRoleWithWebIdentity}
			for k, v := range tt.ctx {
				c.Set(k, v...)
			}
			res := Evaluate(p, c)
			cl := res.Statements[0].Conditions[0]
			if res.Decision != tt.want || (cl.Assumption != "") != tt.assumed {
				t.Errorf("Evaluate(%s) = %v, assumption %q; want %v, assumed %v (rule: %s)\n%s", tt.cond, res.Decision, cl.Assumption, tt.want, tt.assumed, tt.rule, res)
			}
		})
	}
}

// TestEmptyClaimIsNull: a claim that is an empty string (or a list of them) is a null data
// set, so the key is absent from the context.
func TestEmptyClaimIsNull(t *testing.T) {
	claims := map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "aud": "sts.amazonaws.com", "environment": "", "actor": []any{""}}
	c := ContextFromToken("https://token.actions.githubusercontent.com", claims, TokenContextOptions{Account: "123456789012"})
	const env = "token.actions.githubusercontent.com:environment"
	for _, tt := range []struct {
		name, rule, cond string
		want             Decision
	}{
		{"Null true", qNullEmpty + "; " + qNull, `{"Null": {"` + env + `": "true"}}`, Allow},
		{"StringEquals the empty string", qNullEmpty + "; " + qAbsent, `{"StringEquals": {"` + env + `": ""}}`, ImplicitDeny},
		{"ForAllValues", qForAll, `{"ForAllValues:StringEquals": {"` + env + `": "prod"}}`, Allow},
		{"ForAnyValue", qForAny, `{"ForAnyValue:StringEquals": {"` + env + `": ""}}`, ImplicitDeny},
		{"a list of one empty string", qForAll, `{"Null": {"token.actions.githubusercontent.com:actor": "true"}}`, Allow},
	} {
		p, err := Parse([]byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` + tt.cond + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := Evaluate(p, c); got.Decision != tt.want {
			t.Errorf("%s: Evaluate(%s) with environment \"\" = %v; want %v (rule: %s)\n%s", tt.name, tt.cond, got.Decision, tt.want, tt.rule, got)
		}
	}
	if v, ok := c.Lookup(env); ok {
		t.Errorf("ContextFromToken: %s = %q; want the key absent", env, strings.Join(v, ","))
	}
}
