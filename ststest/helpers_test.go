package ststest_test

import (
	"testing"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/ststest"
)

// testConfig is DefaultConfig plus the roles the tests of this package assume:
// GitHubActionsDeploy (12 hours, ReadOnlyAccess, and the inline policy chain, which lets its
// sessions go on to other roles, as deploy/prod's may) trusts the default issuer's tokens (aud sts.amazonaws.com)
// like DemoRole, with tags and a source identity;
// demo (12 hours) and deploy/prod trust every principal of the account for sts:AssumeRole, with
// tags and a source identity — a trust that delegates to the caller's identity policies, which
// must allow sts:AssumeRole too.
func testConfig() ststest.Config {
	c := ststest.DefaultConfig()
	c.Roles = append(c.Roles,
		ststest.Role{RoleName: "GitHubActionsDeploy", AssumeRolePolicyDocument: oidcTrust, MaxSessionDuration: 43200,
			ManagedPolicyArns: []string{"ReadOnlyAccess"}, Policies: []ststest.InlinePolicy{{PolicyName: "chain", PolicyDocument: chainPolicy}}},
		ststest.Role{RoleName: "demo", MaxSessionDuration: 43200, AssumeRolePolicyDocument: accountTrust},
		ststest.Role{RoleName: "prod", Path: "/deploy/", AssumeRolePolicyDocument: accountTrust,
			Policies: []ststest.InlinePolicy{{PolicyName: "chain", PolicyDocument: chainPolicy}}},
	)
	return c
}

// oidcTrust lets tokens of the default issuer with aud sts.amazonaws.com assume the role, with
// session tags and a source identity.
const oidcTrust = ststest.PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	"Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/${EMULATOR_HOST}/oidc"},
	"Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"],
	"Condition": {"StringEquals": {"${EMULATOR_HOST}/oidc:aud": "sts.amazonaws.com"}}}]}`)

// accountTrust lets every principal of account 123456789012 assume the role, tag the session
// and set a source identity.
const accountTrust = ststest.PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	"Principal": {"AWS": "arn:aws:iam::123456789012:root"},
	"Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}]}`)

// chainPolicy lets a role's sessions assume other roles of the account, tagging the session
// and setting a source identity.
const chainPolicy = ststest.PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	"Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Resource": "arn:aws:iam::123456789012:role/*"}]}`)

// decodeClaims returns a token's claims, unverified.
func decodeClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	tok, err := jwtinspect.Decode(token)
	if err != nil {
		t.Fatalf("Decode(minted token) = %v", err)
	}
	return tok.RawClaims
}
