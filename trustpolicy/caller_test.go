package trustpolicy_test

import (
	"testing"
	"time"

	"github.com/rawsts/rawsts/trustpolicy"
)

// TestAssumeRolePrincipals: the forms of Principal.AWS the IAM User Guide's "AWS JSON policy
// elements: Principal" documents, matched against a user and a role session calling AssumeRole,
// and whether the match names the caller (enough on its own) or only its account (the
// caller's identity policies must allow too).
func TestAssumeRolePrincipals(t *testing.T) {
	const (
		user    = "arn:aws:iam::123456789012:user/Alice"
		session = "arn:aws:sts::123456789012:assumed-role/Deploy/ci"
		role    = "arn:aws:iam::123456789012:role/ci/Deploy" // the session's role, with its path
	)
	for _, tt := range []struct {
		name, principal, caller string
		want                    trustpolicy.Decision
		named                   bool // NamesCaller: the caller is named, not only its account
	}{
		{"account id trusts its user", `"123456789012"`, user, trustpolicy.Allow, false},
		{"account root trusts its role session", `"arn:aws:iam::123456789012:root"`, session, trustpolicy.Allow, false},
		{"another account's root", `"arn:aws:iam::111122223333:root"`, user, trustpolicy.ImplicitDeny, false},
		{"the user's ARN", `"` + user + `"`, user, trustpolicy.Allow, true},
		{"another user", `"arn:aws:iam::123456789012:user/Bob"`, user, trustpolicy.ImplicitDeny, false},
		{"the role's ARN trusts its sessions", `"` + role + `"`, session, trustpolicy.Allow, true},
		{"the role's ARN does not trust a user", `"` + role + `"`, user, trustpolicy.ImplicitDeny, false},
		{"the session's own ARN", `"` + session + `"`, session, trustpolicy.Allow, true},
		{"a list, one matches", `["arn:aws:iam::123456789012:user/Bob", "` + role + `"]`, session, trustpolicy.Allow, true},
		{"everyone", `"*"`, user, trustpolicy.Allow, true},
		{"Federated only", `{"Federated": "accounts.google.com"}`, user, trustpolicy.ImplicitDeny, false},
		{"account and user: the user is named", `["123456789012", "` + user + `"]`, user, trustpolicy.Allow, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			principal := tt.principal
			if principal[0] != '{' {
				principal = `{"AWS": ` + principal + `}`
			}
			p, err := trustpolicy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": ` + principal + `, "Action": "sts:AssumeRole"}]}`))
			if err != nil {
				t.Fatal(err)
			}
			pa := tt.caller
			if tt.caller == session {
				pa = role
			}
			c := trustpolicy.ContextFromCaller(tt.caller, trustpolicy.CallerContextOptions{PrincipalArn: pa, RoleSessionName: "next", Now: time.Unix(0, 0)})
			r := trustpolicy.Evaluate(p, c)
			if got := r.Decision; got != tt.want {
				t.Errorf("Evaluate(Principal %s, caller %s) = %s; want %s", principal, tt.caller, got, tt.want)
			}
			if got := trustpolicy.NamesCaller(p, r, c); got != tt.named {
				t.Errorf("NamesCaller(Principal %s, caller %s) = %v; want %v", principal, tt.caller, got, tt.named)
			}
		})
	}
}

// TestContextFromCaller: the keys of an AssumeRole request, complete, with the conditions the
// STS docs show for it (sts:ExternalId, sts:RoleSessionName, tags).
func TestContextFromCaller(t *testing.T) {
	c := trustpolicy.ContextFromCaller("arn:aws:iam::123456789012:user/Alice", trustpolicy.CallerContextOptions{
		ExternalID: "123ABC", RoleSessionName: "testAR", Tags: map[string]string{"Project": "Pegasus"}, TransitiveTagKeys: []string{"Project"},
		SourceIP: "127.0.0.1"})
	for key, want := range map[string]string{
		"aws:PrincipalArn": "arn:aws:iam::123456789012:user/Alice", "aws:PrincipalAccount": "123456789012",
		"aws:PrincipalType": "User", "aws:username": "Alice", "sts:ExternalId": "123ABC", "sts:RoleSessionName": "testAR",
		"aws:RequestTag/Project": "Pegasus", "aws:TagKeys": "Project", "sts:TransitiveTagKeys": "Project",
		"aws:SourceIp": "127.0.0.1", "aws:SecureTransport": "false",
	} {
		if got, ok := c.Lookup(key); !ok || len(got) != 1 || got[0] != want {
			t.Errorf("Lookup(%s) = %v, %v; want %q", key, got, ok, want)
		}
	}
	if c.Action != trustpolicy.ActionAssumeRole || !c.Complete || c.IsUnknown("aws:PrincipalOrgID") {
		t.Errorf("Action %q, Complete %v, aws:PrincipalOrgID unknown %v; want sts:AssumeRole, a complete context where an absent key is absent",
			c.Action, c.Complete, c.IsUnknown("aws:PrincipalOrgID"))
	}
	p, _ := trustpolicy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"},
		"Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "wrong"}}}]}`))
	if got := trustpolicy.Evaluate(p, c).Decision; got != trustpolicy.ImplicitDeny {
		t.Errorf("Evaluate(ExternalId mismatch) = %s; want ImplicitDeny", got)
	}
}
