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
