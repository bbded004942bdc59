package trustpolicy_test

import (
	"fmt"
	"time"

	"github.com/rawsts/rawsts/trustpolicy"
)

// policy is the GitHub Actions trust policy from AWS's and GitHub's docs, pinned to a branch.
const policy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}
    }
  }]
}`

// claims are from GitHub's documented example token, requested with the AWS audience. The
// job references an environment, so sub has the environment form.
var claims = map[string]any{
	"iss":        "https://token.actions.githubusercontent.com",
	"aud":        "sts.amazonaws.com",
	"sub":        "repo:octo-org/octo-repo:environment:prod",
	"repository": "octo-org/octo-repo",
	"ref":        "refs/heads/main",
	"actor":      "octocat",
	"iat":        float64(1632493567),
}

func ExampleEvaluate() {
	p, err := trustpolicy.Parse([]byte(policy))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := trustpolicy.ContextFromToken("https://token.actions.githubusercontent.com", claims,
		trustpolicy.TokenContextOptions{Account: "123456789012"})
	r := trustpolicy.Evaluate(p, c)
	fmt.Println(r.Decision)
	for _, s := range r.Statements {
		for _, cl := range s.Failed() {
			fmt.Println(cl.Reason)
		}
	}
	// Output:
	// implicit deny
	// token.actions.githubusercontent.com:sub is "repo:octo-org/octo-repo:environment:prod"; the policy's StringLike wants "repo:octo-org/octo-repo:ref:refs/heads/main"
}

func ExampleParse_errorLocation() {
	_, err := trustpolicy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"},
	  {"Effect": "Allow", "Principal": "*", "Action": "sts:TagSession", "Condition": {"StringLike": {"aws:TagKeys": {"Project": 1}}}}]}`))
	fmt.Println(err)
	// Output:
	// trustpolicy: Statement[1].Condition.StringLike.aws:TagKeys: want a string, number, boolean or a list of them, got a object
}

func ExampleParse_getRole() {
	p, err := trustpolicy.Parse([]byte(`{"Role": {"RoleName": "deploy", "Arn": "arn:aws:iam::123456789012:role/deploy",
	  "MaxSessionDuration": 7200,
	  "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22accounts.google.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity%22%7D%5D%7D"}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Role.Arn, p.Role.MaxSessionDuration)
	fmt.Println(p.Statements[0].Principal.Federated)
	// Output:
	// arn:aws:iam::123456789012:role/deploy 7200
	// [accounts.google.com]
}

func ExampleContextFromToken() {
	c := trustpolicy.ContextFromToken("https://token.actions.githubusercontent.com", claims,
		trustpolicy.TokenContextOptions{
			Account:         "123456789012",
			RoleSessionName: "gh-deploy",
			Now:             time.Date(2021, 9, 24, 14, 30, 0, 0, time.UTC),
		})
	fmt.Println("principal:", c.Principal)
	for _, k := range c.Keys() {
		v, _ := c.Lookup(k)
		fmt.Println(k, v)
	}
	// Output:
	// principal: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
	// aws:CurrentTime [2021-09-24T14:30:00Z]
	// aws:EpochTime [1632493800]
	// aws:FederatedProvider [arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com]
	// aws:SecureTransport [true]
	// aws:TokenIssueTime [2021-09-24T14:26:07Z]
	// sts:RoleSessionName [gh-deploy]
	// token.actions.githubusercontent.com:actor [octocat]
	// token.actions.githubusercontent.com:aud [sts.amazonaws.com]
	// token.actions.githubusercontent.com:ref [refs/heads/main]
	// token.actions.githubusercontent.com:repository [octo-org/octo-repo]
	// token.actions.githubusercontent.com:sub [repo:octo-org/octo-repo:environment:prod]
}

func ExampleLint() {
	p, err := trustpolicy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{
	  "Effect": "Allow",
	  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
	  "Action": "sts:AssumeRoleWithWebIdentity",
	  "Condition": {"StringEquals": {
	    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
	    "token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range trustpolicy.Lint(p, trustpolicy.LintOptions{ExpectedAccount: "123456789012", TokenHasTags: true}) {
		fmt.Printf("%s %s at %s\n  %s\n  fix: %s\n", f.Severity, f.Code, f.Location, f.Message, f.Fix)
	}
	// Output:
	// error wildcard-needs-like at Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:sub
	//   StringEquals compares literally, so the * or ? in "repo:octo-org/*" is not a wildcard
	//   fix: use StringLike instead
	// error missing-tag-session at Statement[0].Action
	//   the token carries session tags (https://aws.amazon.com/tags), so STS also authorizes sts:TagSession, which no Allow statement grants
	//   fix: add "sts:TagSession" to the Action list: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
}

func ExampleResult_String() {
	p, err := trustpolicy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{
	  "Sid": "CI",
	  "Effect": "Allow",
	  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
	  "Action": "sts:AssumeRoleWithWebIdentity",
	  "Condition": {
	    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
	    "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:octo-org/octo-repo:ref:refs/heads/main", "repo:octo-org/octo-repo:environment:*"]},
	    "IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := trustpolicy.ContextFromToken("https://token.actions.githubusercontent.com", claims,
		trustpolicy.TokenContextOptions{Account: "123456789012"})
	fmt.Print(trustpolicy.Evaluate(p, c))
	// Output:
	// decision: indeterminate (depends on aws:SourceIp)
	// Statement[0] "CI" (Allow): unknown
	//   ok   Principal: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com is listed in Principal.Federated
	//   ok   Action: sts:AssumeRoleWithWebIdentity matches Action "sts:AssumeRoleWithWebIdentity"
	//   ok   StringEquals token.actions.githubusercontent.com:aud: token.actions.githubusercontent.com:aud is "sts.amazonaws.com"; StringEquals accepts "sts.amazonaws.com"
	//   ok   StringLike token.actions.githubusercontent.com:sub: token.actions.githubusercontent.com:sub is "repo:octo-org/octo-repo:environment:prod"; StringLike accepts one of ["repo:octo-org/octo-repo:ref:refs/heads/main", "repo:octo-org/octo-repo:environment:*"]
	//   ??   IpAddress aws:SourceIp: aws:SourceIp cannot be known from a token; its value decides this clause
}

// The walkthrough's last step: a role session with AmazonS3ReadOnlyAccess lists buckets but
// may not describe EC2 instances.
func ExampleAuthorize() {
	s3ro, _ := trustpolicy.ManagedPolicy("AmazonS3ReadOnlyAccess")
	policies := trustpolicy.Policies{Identity: []trustpolicy.NamedPolicy{
		{Name: trustpolicy.ManagedPolicyARN("AmazonS3ReadOnlyAccess"), Policy: s3ro},
	}}
	for _, req := range []struct{ action, resource string }{
		{"s3:ListAllMyBuckets", "arn:aws:s3:::*"},
		{"ec2:DescribeInstances", "*"},
	} {
		c := &trustpolicy.Context{
			Principal: "arn:aws:sts::111122223333:assumed-role/TestRole/alice",
			Action:    req.action,
			Resource:  req.resource,
			Complete:  true, // the serving side knows every key of the request
		}
		c.Set("aws:SecureTransport", "true")
		a := trustpolicy.Authorize(c, policies)
		fmt.Printf("%s: %s — %s\n", req.action, a.Decision, a.Reason(c))
	}
	// Output:
	// s3:ListAllMyBuckets: allow — allowed by Statement[0] of identity-based policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
	// ec2:DescribeInstances: implicit deny — no identity-based policy allows the ec2:DescribeInstances action
}

// A session policy passed to AssumeRoleWithWebIdentity narrows the role's permissions, and
// its Deny wins over the role's Allow.
func ExampleAuthorize_sessionPolicy() {
	role, _ := trustpolicy.ManagedPolicy("ReadOnlyAccess")
	session, err := trustpolicy.ParseIdentity([]byte(`{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
	  {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/secret/*"}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	policies := trustpolicy.Policies{
		Identity: []trustpolicy.NamedPolicy{{Name: trustpolicy.ManagedPolicyARN("ReadOnlyAccess"), Policy: role}},
		Session:  []trustpolicy.NamedPolicy{{Name: "Policy", Policy: session}},
	}
	for _, req := range []struct{ action, resource string }{
		{"s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/photos/cat.jpg"},
		{"s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/secret/key.pem"},
		{"ec2:DescribeInstances", "*"},
	} {
		c := &trustpolicy.Context{Action: req.action, Resource: req.resource, Complete: true}
		a := trustpolicy.Authorize(c, policies)
		fmt.Printf("%s %s: %s\n  %s\n", req.action, req.resource, a.Decision, a.Reason(c))
	}
	// Output:
	// s3:GetObject arn:aws:s3:::amzn-s3-demo-bucket/photos/cat.jpg: allow
	//   allowed by Statement[1] "ReadOnlyActionsGroup2" of identity-based policy arn:aws:iam::aws:policy/ReadOnlyAccess and Statement[0] of session policy Policy
	// s3:GetObject arn:aws:s3:::amzn-s3-demo-bucket/secret/key.pem: explicit deny
	//   explicit deny in a session policy: Statement[1] "NoSecrets" of session policy Policy
	// ec2:DescribeInstances *: implicit deny
	//   no session policy allows the ec2:DescribeInstances action
}

func ExampleParseIdentity_principal() {
	_, err := trustpolicy.ParseIdentity([]byte(`{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket"}]}`))
	fmt.Println(err)
	// Output:
	// trustpolicy: Statement[0].Principal: Policy document should not specify a principal (an identity policy applies to the identity it is attached to; IAM answers MalformedPolicyDocument)
}

func ExampleMatchResource() {
	fmt.Println(trustpolicy.MatchResource("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b.txt"))
	fmt.Println(trustpolicy.MatchResource("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket"))
	fmt.Println(trustpolicy.MatchResource("arn:aws:iam::*", "arn:aws:iam::111122223333:role/TestRole"))
	fmt.Println(trustpolicy.MatchResource("arn:aws:s3:::AMZN-S3-DEMO-BUCKET", "arn:aws:s3:::amzn-s3-demo-bucket"))
	// Output:
	// true
	// false
	// true
	// false
}
