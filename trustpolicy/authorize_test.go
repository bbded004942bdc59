package trustpolicy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Page titles of the IAM User Guide (and one S3 User Guide page) that identity-policy rules
// come from.
const (
	pageAction      = "IAM JSON policy elements: Action"
	pageNotAction   = "IAM JSON policy elements: NotAction"
	pageResource    = "IAM JSON policy elements: Resource"
	pageNotResource = "IAM JSON policy elements: NotResource"
	pageSession     = "Permissions for AssumeRole, AssumeRoleWithSAML, and AssumeRoleWithWebIdentity"
	pageBoundary    = "Permissions boundaries for IAM entities"
	pageARN         = "Identify AWS resources with Amazon Resource Names (ARNs)"
	pageS3Walk      = "S3 User Guide walkthrough \"Controlling access to a bucket with user policies\""
)

// idDoc wraps statements in a 2012-10-17 identity policy.
func idDoc(stmts ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(stmts, ", ") + `]}`
}

func mustIdentity(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := ParseIdentity([]byte(doc))
	if err != nil {
		t.Fatalf("ParseIdentity(%s) = %v", doc, err)
	}
	return p
}

func mustManaged(t testing.TB, name string) NamedPolicy {
	t.Helper()
	p, ok := ManagedPolicy(name)
	if !ok {
		t.Fatalf("ManagedPolicy(%q) not found", name)
	}
	return NamedPolicy{Name: ManagedPolicyARN(name), Policy: p}
}

const (
	allowAll     = `{"Effect": "Allow", "Action": "*", "Resource": "*"}`
	s3ReadOnly   = "AmazonS3ReadOnlyAccess"
	readOnly     = "ReadOnlyAccess"
	roleSession  = "arn:aws:sts::111122223333:assumed-role/TestRole/alice"
	bucketARN    = "arn:aws:s3:::amzn-s3-demo-bucket"
	allBucketARN = "arn:aws:s3:::*" // what ListBuckets is evaluated on; see Authorize's doc
)

type authzCase struct {
	name     string
	rule     string   // page title — the documented rule, in our words
	identity []string // documents, named p0, p1, …
	managed  []string // AWS managed policies added to the identity-based ones
	boundary []string
	session  []string // documents, named s0, s1, …
	action   string
	resource string
	keys     map[string][]string
	complete bool
	want     Decision
	reason   string // Authorization.Reason, when not ""
}

func (tt authzCase) run(t *testing.T) Authorization {
	t.Helper()
	named := func(prefix string, docs []string) []NamedPolicy {
		if docs == nil {
			return nil
		}
		out := []NamedPolicy{}
		for i, d := range docs {
			out = append(out, NamedPolicy{Name: prefix + string(rune('0'+i)), Policy: mustIdentity(t, d)})
		}
		return out
	}
	ps := Policies{Identity: named("p", tt.identity), Boundary: named("b", tt.boundary), Session: named("s", tt.session)}
	for _, m := range tt.managed {
		ps.Identity = append(ps.Identity, mustManaged(t, m))
	}
	c := &Context{Principal: roleSession, Action: tt.action, Resource: tt.resource, Complete: tt.complete}
	for k, v := range tt.keys {
		c.Set(k, v...)
	}
	return Authorize(c, ps)
}

func runAuthzCases(t *testing.T, tests []authzCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.run(t)
			if got.Decision != tt.want {
				t.Errorf("Authorize(%s on %s) = %v; want %v (rule: %s)\n%s", tt.action, tt.resource, got.Decision, tt.want, tt.rule, got)
			}
			c := &Context{Action: tt.action}
			if tt.reason != "" && got.Reason(c) != tt.reason {
				t.Errorf("Reason() = %q; want %q", got.Reason(c), tt.reason)
			}
		})
	}
}

func TestAuthorizeEvaluationLogic(t *testing.T) {
	denyEC2 := `{"Sid": "NoEC2", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"}`
	runAuthzCases(t, []authzCase{
		{name: "allow matches", rule: pageEval + " — an Allow in an identity-based policy allows",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "` + bucketARN + `"}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: Allow, reason: "allowed by Statement[0] of identity-based policy p0"},
		{name: "implicit deny", rule: pageEval + " — with no Allow the request is implicitly denied",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "` + bucketARN + `"}`)},
			action:   "ec2:DescribeInstances", resource: "*", want: ImplicitDeny, reason: "no identity-based policy allows the ec2:DescribeInstances action"},
		{name: "no policies", rule: pageEval + " — a principal with no policy is denied by default",
			action: "s3:ListBucket", resource: bucketARN, want: ImplicitDeny},
		{name: "explicit deny wins over an allow in another policy", rule: pageEval + " — an explicit Deny in any policy overrides any Allow",
			identity: []string{idDoc(allowAll), idDoc(denyEC2)}, action: "ec2:DescribeInstances", resource: "*",
			want: ExplicitDeny, reason: `explicit deny in an identity-based policy: Statement[0] "NoEC2" of identity-based policy p1`},
		{name: "explicit deny wins whatever the order", rule: pageEval + " — statement and policy order do not matter",
			identity: []string{idDoc(denyEC2, allowAll)}, action: "ec2:DescribeInstances", resource: "*", want: ExplicitDeny},
		{name: "deny on another resource", rule: pageEval + " — a Deny that does not match the request has no effect",
			identity: []string{idDoc(allowAll, `{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret"}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: Allow},
		{name: "NotAction with Allow", rule: pageNotAction + " — Allow with NotAction allows every action not listed",
			identity: []string{idDoc(`{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: Allow},
		{name: "NotAction with Allow excludes", rule: pageNotAction + " — the listed actions are not allowed (implicitly denied)",
			identity: []string{idDoc(`{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}`)},
			action:   "iam:GetRole", resource: "arn:aws:iam::111122223333:role/TestRole", want: ImplicitDeny},
		{name: "NotAction with Deny", rule: pageNotAction + " — Deny with NotAction denies every action not listed",
			identity: []string{idDoc(allowAll, `{"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}`)},
			action:   "ec2:DescribeInstances", resource: "*", want: ExplicitDeny},
		{name: "NotResource allows others", rule: pageNotResource + " — the statement applies to every resource not listed",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::secret", "arn:aws:s3:::secret/*"]}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: Allow},
		{name: "NotResource excludes", rule: pageNotResource + " — a listed resource is outside the statement",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::secret", "arn:aws:s3:::secret/*"]}`)},
			action:   "s3:GetObject", resource: "arn:aws:s3:::secret/key", want: ImplicitDeny},
		{name: "action question mark", rule: pageAction + " — ? matches one character in an action",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "ec2:Describe?nstances", "Resource": "*"}`)},
			action:   "ec2:DescribeInstances", resource: "*", want: Allow},
		{name: "action case-insensitive", rule: pageAction + " — action names (prefix and name) are case-insensitive",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "S3:listbucket", "Resource": "*"}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: Allow},
		{name: "resource case-sensitive", rule: pageResource + " — resource ARNs are case-sensitive",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::AMZN-S3-DEMO-BUCKET"}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: ImplicitDeny},
		{name: "empty Resource list", rule: pageResource + " — an empty list names no resource",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": []}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: ImplicitDeny},
		{name: "unknown resource", rule: "local rule — an empty Context.Resource is unknown",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "` + bucketARN + `"}`)},
			action:   "s3:ListBucket", resource: "", complete: true, want: Indeterminate, reason: "the decision depends on Resource"},
		{name: "unknown resource, Resource star", rule: pageResource + ` — "*" is every resource, whichever it is`,
			identity: []string{idDoc(allowAll)}, action: "s3:ListBucket", resource: "", complete: true, want: Allow},
	})
}

func TestAuthorizeConditions(t *testing.T) {
	runAuthzCases(t, []authzCase{
		{name: "absent key does not match", rule: pageOps + " — a key absent from the request does not match",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, complete: true, want: ImplicitDeny},
		{name: "present key matches", rule: pageOps + " — StringEquals",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, keys: map[string][]string{"aws:PrincipalTag/team": {"data"}}, complete: true, want: Allow},
		{name: "negated operator on absent key denies", rule: pageOps + " — a negated operator matches an absent key, so such a Deny applies",
			identity: []string{idDoc(allowAll, `{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, complete: true, want: ExplicitDeny},
		{name: "IfExists on absent key", rule: pageOps + " — …IfExists matches when the key is absent",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"StringEqualsIfExists": {"ec2:Region": "eu-west-1"}}}`)},
			action:   "ec2:DescribeInstances", resource: "*", complete: true, want: Allow},
		{name: "IfExists on present key", rule: pageOps + " — …IfExists applies the operator to a present key",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"StringEqualsIfExists": {"ec2:Region": "eu-west-1"}}}`)},
			action:   "ec2:DescribeInstances", resource: "*", keys: map[string][]string{"ec2:Region": {"us-east-1"}}, complete: true, want: ImplicitDeny},
		{name: "source IP deny", rule: pageOps + " — NotIpAddress in a Deny refuses callers outside the block",
			identity: []string{idDoc(allowAll, `{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, keys: map[string][]string{"aws:SourceIp": {"203.0.113.7"}}, complete: true, want: ExplicitDeny},
		{name: "secure transport", rule: pageOps + " — Bool on aws:SecureTransport",
			identity: []string{idDoc(allowAll, `{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, keys: map[string][]string{"aws:SecureTransport": {"true"}}, complete: true, want: Allow},
		{name: "current time", rule: pageOps + " — DateLessThan on aws:CurrentTime",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, keys: map[string][]string{"aws:CurrentTime": {"2026-08-01T12:00:00Z"}}, complete: true, want: Allow},
		{name: "requested region", rule: pageOps + " — StringEquals on aws:RequestedRegion",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}`)},
			action:   "ec2:DescribeInstances", resource: "*", keys: map[string][]string{"aws:RequestedRegion": {"us-east-1"}}, complete: true, want: ImplicitDeny},
		{name: "unknowable key, not complete", rule: "local rule — without Complete, aws:SourceVpc is unknown",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, want: Indeterminate, reason: "the decision depends on aws:SourceVpc"},
		{name: "unknowable key, complete", rule: pageOps + " — in a complete context an absent key is absent",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, complete: true, want: ImplicitDeny},
		{name: "s3:prefix matches", rule: pageOps + " — StringLike on the s3:prefix of ListObjectsV2",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "` + bucketARN + `", "Condition": {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, keys: map[string][]string{"s3:prefix": {"home/bob/docs/"}, "aws:username": {"bob"}}, complete: true, want: Allow},
		{name: "s3:prefix absent", rule: pageOps + " — listing without a prefix has no s3:prefix key, which does not match",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "` + bucketARN + `", "Condition": {"StringLike": {"s3:prefix": "home/*"}}}`)},
			action:   "s3:ListBucket", resource: bucketARN, complete: true, want: ImplicitDeny},
	})
}

func TestAuthorizeResourceVariables(t *testing.T) {
	home := `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}`
	bob := map[string][]string{"aws:username": {"bob"}}
	runAuthzCases(t, []authzCase{
		{name: "variable substituted", rule: pageVars + " — ${aws:username} in a Resource takes the request's value",
			identity: []string{idDoc(home)}, action: "s3:GetObject", resource: bucketARN + "/home/bob/notes.txt", keys: bob, complete: true, want: Allow},
		{name: "variable, other user", rule: pageVars + " — the substituted ARN must match",
			identity: []string{idDoc(home)}, action: "s3:GetObject", resource: bucketARN + "/home/alice/notes.txt", keys: bob, complete: true, want: ImplicitDeny},
		{name: "variable text is not a wildcard", rule: pageVars + " — a variable's value is literal",
			identity: []string{idDoc(home)}, action: "s3:GetObject", resource: bucketARN + "/home/bob/x", keys: map[string][]string{"aws:username": {"*"}}, complete: true, want: ImplicitDeny},
		{name: "absent variable", rule: pageVars + " — a variable with no value makes the ARN match nothing",
			identity: []string{idDoc(home)}, action: "s3:GetObject", resource: bucketARN + "/home/bob/notes.txt", complete: true, want: ImplicitDeny},
		{name: "unknown variable", rule: "local rule — a variable on a key marked unknown leaves the Resource open",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${aws:PrincipalOrgID}/*"}`)},
			action:   "s3:GetObject", resource: bucketARN + "/x", want: Indeterminate, reason: "the decision depends on aws:PrincipalOrgID"},
		{name: "no variables under 2008-10-17", rule: pageVars + " — variables need Version 2012-10-17",
			identity: []string{`{"Version": "2008-10-17", "Statement": [` + home + `]}`}, action: "s3:GetObject", resource: bucketARN + "/home/bob/notes.txt", keys: bob, complete: true, want: ImplicitDeny},
	})
}

func TestAuthorizeSessionAndBoundary(t *testing.T) {
	onlyList := idDoc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}`)
	runAuthzCases(t, []authzCase{
		{name: "session allows what both allow", rule: pageSession + " — the session's permissions are the intersection",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`)}, session: []string{onlyList},
			action: "s3:ListBucket", resource: bucketARN, want: Allow, reason: "allowed by Statement[0] of identity-based policy p0 and Statement[0] of session policy s0"},
		{name: "session narrows", rule: pageSession + " — what the session policy does not allow is denied",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`)}, session: []string{onlyList},
			action: "s3:GetObject", resource: bucketARN + "/k", want: ImplicitDeny, reason: "no session policy allows the s3:GetObject action"},
		{name: "session cannot grant more", rule: pageSession + " — session policies cannot grant more than the role's policies",
			managed: []string{s3ReadOnly}, session: []string{idDoc(`{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}`)},
			action: "ec2:DescribeInstances", resource: "*", want: ImplicitDeny, reason: "no identity-based policy allows the ec2:DescribeInstances action"},
		{name: "deny in session policy", rule: pageEval + " — an explicit Deny in a session policy overrides any Allow",
			managed: []string{s3ReadOnly}, session: []string{idDoc(allowAll, `{"Sid": "NoObjects", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}`)},
			action: "s3:GetObject", resource: bucketARN + "/k", want: ExplicitDeny, reason: `explicit deny in a session policy: Statement[1] "NoObjects" of session policy s0`},
		{name: "session policies that allow nothing", rule: pageSession + " — the intersection with nothing is nothing",
			identity: []string{idDoc(allowAll)}, session: []string{}, action: "s3:ListBucket", resource: bucketARN, want: ImplicitDeny},
		{name: "boundary limits", rule: pageBoundary + " — the effective permissions are the intersection with the boundary",
			identity: []string{idDoc(allowAll)}, boundary: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`)},
			action: "ec2:DescribeInstances", resource: "*", want: ImplicitDeny, reason: "no permissions boundary allows the ec2:DescribeInstances action"},
		{name: "boundary allows", rule: pageBoundary + " — allowed by both",
			identity: []string{idDoc(allowAll)}, boundary: []string{idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`)},
			action: "s3:ListBucket", resource: bucketARN, want: Allow},
	})
}

// TestAuthorizeWalkthrough covers the calls of the walkthrough's last step against the AWS
// managed policies (PROTOCOL.md §10.4 names the actions; §11.4 the documents).
func TestAuthorizeWalkthrough(t *testing.T) {
	runAuthzCases(t, []authzCase{
		{name: "ListBuckets, S3 read-only", rule: pageEval + " — s3:List* allows s3:ListAllMyBuckets",
			managed: []string{s3ReadOnly}, action: "s3:ListAllMyBuckets", resource: allBucketARN, complete: true, want: Allow,
			reason: "allowed by Statement[0] of identity-based policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		{name: "ListObjectsV2, S3 read-only", rule: pageEval + " — s3:List* allows s3:ListBucket on the bucket",
			managed: []string{s3ReadOnly}, action: "s3:ListBucket", resource: bucketARN, keys: map[string][]string{"s3:prefix": {"photos/"}}, complete: true, want: Allow},
		{name: "DescribeInstances, S3 read-only", rule: pageEval + " — AmazonS3ReadOnlyAccess has no ec2 action: implicit deny",
			managed: []string{s3ReadOnly}, action: "ec2:DescribeInstances", resource: "*", complete: true, want: ImplicitDeny,
			reason: "no identity-based policy allows the ec2:DescribeInstances action"},
		{name: "DescribeInstances, read-only", rule: pageEval + " — ReadOnlyAccess allows ec2:Describe*",
			managed: []string{readOnly}, action: "ec2:DescribeInstances", resource: "*", complete: true, want: Allow},
		{name: "ListBuckets, read-only", rule: pageEval + " — ReadOnlyAccess allows s3:List*",
			managed: []string{readOnly}, action: "s3:ListAllMyBuckets", resource: allBucketARN, complete: true, want: Allow},
		{name: "GetCallerIdentity, read-only", rule: pageEval + " — ReadOnlyAccess lists sts:GetCallerIdentity",
			managed: []string{readOnly}, action: "sts:GetCallerIdentity", resource: "*", complete: true, want: Allow},
		{name: "write refused, read-only", rule: pageEval + " — ReadOnlyAccess allows no write",
			managed: []string{readOnly}, action: "s3:PutObject", resource: bucketARN + "/k", complete: true, want: ImplicitDeny},
		{name: "ListBuckets with arn:aws:s3:::*", rule: pageS3Walk + " — AWS grants s3:ListAllMyBuckets with Resource arn:aws:s3:::*",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"}`)},
			action:   "s3:ListAllMyBuckets", resource: allBucketARN, complete: true, want: Allow},
		{name: "ListBuckets with a bucket ARN", rule: "undocumented — a bucket's ARN does not grant ListAllMyBuckets (an action with no resource type); our choice, see Authorize",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "` + bucketARN + `"}`)},
			action:   "s3:ListAllMyBuckets", resource: allBucketARN, complete: true, want: ImplicitDeny},
		{name: "DescribeInstances with an instance ARN", rule: pageResource + " — an action with no resource type needs \"*\"",
			identity: []string{idDoc(`{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "arn:aws:ec2:*:*:instance/*"}`)},
			action:   "ec2:DescribeInstances", resource: "*", complete: true, want: ImplicitDeny},
	})
}

// TestMatchResource pins the Resource wildcard rules. The page "IAM JSON policy elements:
// Resource", section "Using wildcards in resource ARNs", says: * and ? work within the
// individual segments of an ARN (the parts separated by colons), several per segment, and "if
// the * wildcard is the last character of a resource ARN segment, it can expand to match
// beyond the colon boundaries"; * expands across / as well (its amzn-s3-demo-bucket/*/test/*
// example). The ARN page says the resource part may itself contain colons.
func TestMatchResource(t *testing.T) {
	tests := []struct {
		pattern, resource string
		want              bool
		rule              string
	}{
		{"*", "arn:aws:ec2:us-east-1:111122223333:instance/i-0abcd1234", true, pageResource + ` — "*" alone is every resource`},
		{"*", "*", true, pageResource + ` — "*" matches the "*" of an action with no resource type`},
		{"arn:aws:s3:::*", "*", false, pageResource + " — an ARN pattern does not match the resource-less \"*\""},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b.txt", true, pageResource + " — * spans / in a segment"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1/2/test/3/object.jpg", true, pageResource + " — the page's example: several * each expanding across /"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket//test/object.jpg", true, pageResource + " — * may be empty"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*", "arn:aws:s3:::amzn-s3-demo-bucket/1-test/object.jpg", false, pageResource + " — the page's non-matching example"},
		{"arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example1bucket/k", true, pageResource + " — ? matches one character"},
		{"arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example12bucket/k", false, pageResource + " — ? matches exactly one character"},
		{"arn:aws:s3:::Amzn-S3-Demo-Bucket", "arn:aws:s3:::amzn-s3-demo-bucket", false, pageResource + " — ARNs are case-sensitive"},
		{"arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob", false, pageResource + " — the IAM user name in a Resource is case-sensitive"},
		{"arn:aws:iam::*", "arn:aws:iam::111122223333:role/TestRole", true, pageResource + " — a * ending a segment expands beyond colons"},
		{"arn:aws:ec2:*:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true, pageResource + " — a * per segment"},
		{"arn:aws:ec2:us-*:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true, pageResource + " — a * within a segment"},
		{"arn:aws:ec2:u*1:111122223333:instance/*", "arn:aws:ec2:us:x1:111122223333:instance/i-1", false, pageResource + " — a * inside a segment stays inside it (our reading)"},
		{"arn:aws:ec2:us-east-?:111122223333:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true, pageResource + " — ? within a segment"},
		{"arn:aws:s3:::amzn-s3-demo-bucket/*.txt", "arn:aws:s3:::amzn-s3-demo-bucket/2026-08-01T12:00:00/log.txt", true, pageARN + " — the resource part may hold colons; it is one segment"},
		{"arn:aws:logs:us-east-1:111122223333:log-group:app:*", "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:s1", true, pageARN + " — colons in the resource part"},
		{"arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/k", false, pageResource + " — a bucket ARN is not its objects"},
	}
	for _, tt := range tests {
		if got := MatchResource(tt.pattern, tt.resource); got != tt.want {
			t.Errorf("MatchResource(%q, %q) = %v; want %v (rule: %s)", tt.pattern, tt.resource, got, tt.want, tt.rule)
		}
	}
}

func TestParseIdentity(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"statement object", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}}`, ""},
		{"lists", `{"Statement": [{"Sid": "A", "Effect": "Deny", "NotAction": ["s3:*", "ec2:*"], "NotResource": ["arn:aws:s3:::b", "*"]}]}`, ""},
		{"URL-encoded", `%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%7D`, ""},
		{"principal", `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}`,
			"trustpolicy: Statement[1].Principal: Policy document should not specify a principal (an identity policy applies to the identity it is attached to; IAM answers MalformedPolicyDocument)"},
		{"not principal", `{"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": "*", "Resource": "*"}}`,
			"trustpolicy: Statement.NotPrincipal: Policy document should not specify a principal (an identity policy applies to the identity it is attached to; IAM answers MalformedPolicyDocument)"},
		{"missing resource", `{"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}`,
			`trustpolicy: Statement[0]: missing Resource (an identity policy statement names the resources it applies to; "*" for all)`},
		{"both resources", `{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "arn:aws:s3:::b"}]}`,
			"trustpolicy: Statement[0]: has both Resource and NotResource"},
		{"missing action", `{"Statement": [{"Effect": "Allow", "Resource": "*"}]}`, "trustpolicy: Statement[0]: missing Action"},
		{"resource not a string", `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": ["*", 1]}]}`, "trustpolicy: Statement[0].Resource[1]: want a string, got 1"},
		{"bad effect", `{"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}`, `trustpolicy: Statement[0].Effect: want "Allow" or "Deny", got "allow"`},
		{"no statement", `{"Version": "2012-10-17"}`, "trustpolicy: Statement: missing"},
		{"empty", "  ", "trustpolicy: empty document"},
		{"get-role output is not an identity policy", `{"Role": {"AssumeRolePolicyDocument": {}}}`, "trustpolicy: Role: unknown top-level element (elements are case-sensitive: Version, Id, Statement)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseIdentity([]byte(tt.doc))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseIdentity(%s) = %v; want no error", tt.doc, err)
				}
				if len(p.Statements) == 0 {
					t.Errorf("ParseIdentity(%s) has no statements", tt.doc)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseIdentity(%s) = %v; want %q", tt.doc, err, tt.wantErr)
			}
		})
	}
	// A trust policy keeps its own rules: a Principal is required and no Resource.
	if _, err := Parse([]byte(`{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`)); err == nil {
		t.Error("Parse(identity policy) = nil error; want missing Principal")
	}
}

func TestManagedPolicies(t *testing.T) {
	names := ManagedPolicyNames()
	if diff := cmp.Diff([]string{"AdministratorAccess", s3ReadOnly, readOnly}, names); diff != "" {
		t.Errorf("ManagedPolicyNames() (-want +got):\n%s", diff)
	}
	for _, n := range names {
		doc, ok := ManagedPolicyDocument(n)
		if !ok {
			t.Fatalf("ManagedPolicyDocument(%q) not found", n)
		}
		if _, err := ParseIdentity(doc); err != nil {
			t.Errorf("ParseIdentity(%s) = %v", n, err)
		}
		byARN, ok := ManagedPolicy(ManagedPolicyARN(n))
		byName, _ := ManagedPolicy(n)
		if !ok || !cmp.Equal(byARN, byName) {
			t.Errorf("ManagedPolicy(%q) differs from ManagedPolicy(%q)", ManagedPolicyARN(n), n)
		}
	}
	for _, bad := range []string{"", "PowerUserAccess", "administratoraccess", "amazons3readonlyaccess", "../managed/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/ReadOnlyAccess"} {
		if _, ok := ManagedPolicy(bad); ok {
			t.Errorf("ManagedPolicy(%q) found; want not found", bad)
		}
	}
	// PROTOCOL.md §11.4: AmazonS3ReadOnlyAccess v3 is exactly one statement.
	p, _ := ManagedPolicy(s3ReadOnly)
	want := []Statement{{Effect: "Allow", Action: []string{"s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"}, Resource: []string{"*"}}}
	if diff := cmp.Diff(want, p.Statements); diff != "" {
		t.Errorf("AmazonS3ReadOnlyAccess statements (-want +got):\n%s", diff)
	}
	// AdministratorAccess (v1) allows every action on every resource.
	p, _ = ManagedPolicy("AdministratorAccess")
	if want := []Statement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}}; !cmp.Equal(want, p.Statements) {
		t.Errorf("AdministratorAccess statements = %+v; want %+v", p.Statements, want)
	}
	// ReadOnlyAccess keeps its three statements and Sids.
	p, _ = ManagedPolicy(readOnly)
	var sids []string
	for _, s := range p.Statements {
		sids = append(sids, s.Sid)
	}
	if diff := cmp.Diff([]string{"ReadOnlyActionsGroup1", "ReadOnlyActionsGroup2", "S3ExpressReadOnlySessionObjectAccess"}, sids); diff != "" {
		t.Errorf("ReadOnlyAccess Sids (-want +got):\n%s", diff)
	}
}

func TestAuthorizeExplains(t *testing.T) {
	tt := authzCase{managed: []string{s3ReadOnly}, action: "ec2:DescribeInstances", resource: "*", complete: true}
	a := tt.run(t)
	want := `decision: implicit deny (no identity-based policy allows the request)
identity-based policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess:
  Statement[0] (Allow): no match
    FAIL Action: ec2:DescribeInstances is not in Action ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"]
    ok   Resource: * matches Resource "*"
`
	if got := a.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	// The decisive statement of an explicit deny carries the statement as parsed.
	tt = authzCase{identity: []string{idDoc(allowAll, `{"Sid": "NoEC2", "Effect": "Deny", "Action": ["ec2:*"], "Resource": "*"}`)},
		action: "ec2:DescribeInstances", resource: "*", complete: true}
	a = tt.run(t)
	if len(a.Decisive) != 1 || a.Decisive[0].Statement == nil || a.Decisive[0].Statement.Action[0] != "ec2:*" || a.Decisive[0].Kind != IdentityBased {
		t.Errorf("Decisive = %+v; want the NoEC2 statement", a.Decisive)
	}
	// Long action lists are shortened in reasons.
	a = authzCase{managed: []string{readOnly}, action: "lambda:ListFunctions", resource: "*", complete: true}.run(t)
	if r := a.Policies[0].Statements[0].Action.Reason; !strings.HasSuffix(r, "… (26 in all)]") {
		t.Errorf("Action.Reason = %q; want a shortened list", r)
	}
}
