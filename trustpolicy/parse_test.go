package trustpolicy

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// githubPolicy is the trust policy GitHub's and AWS's docs show for GitHub Actions, with
// AWS's documented example account.
const githubPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "GitHubActions",
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}
      }
    }
  ]
}`

const ghProvider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

func wantGitHubPolicy() *Policy {
	return &Policy{
		Version: "2012-10-17",
		Statements: []Statement{{
			Sid:       "GitHubActions",
			Effect:    "Allow",
			Principal: &Principal{Federated: []string{ghProvider}},
			Action:    []string{"sts:AssumeRoleWithWebIdentity"},
			Conditions: []Condition{
				{Operator: "StringEquals", Key: "token.actions.githubusercontent.com:aud", Values: []string{"sts.amazonaws.com"}},
				{Operator: "StringLike", Key: "token.actions.githubusercontent.com:sub", Values: []string{"repo:octo-org/octo-repo:ref:refs/heads/main"}},
			},
		}},
	}
}

func TestParseForms(t *testing.T) {
	encoded := url.PathEscape(githubPolicy)
	withRole := func(p *Policy, role *Role) *Policy { p.Role = role; return p }
	role := &Role{Arn: "arn:aws:iam::123456789012:role/deploy", RoleName: "deploy", MaxSessionDuration: 3600}
	tests := []struct {
		name string
		in   string
		want *Policy
	}{
		{"raw", githubPolicy, wantGitHubPolicy()},
		{"url-encoded", strings.ReplaceAll(encoded, "%7B", "%7B"), wantGitHubPolicy()},
		{"url-encoded lower-case", "%7b" + encoded[3:], wantGitHubPolicy()},
		{"get-role object", `{"Role": {"Path": "/", "RoleName": "deploy", "Arn": "arn:aws:iam::123456789012:role/deploy",
			"MaxSessionDuration": 3600, "AssumeRolePolicyDocument": ` + githubPolicy + `}}`, withRole(wantGitHubPolicy(), role)},
		{"get-role encoded string", `{"Role": {"RoleName": "deploy", "Arn": "arn:aws:iam::123456789012:role/deploy",
			"MaxSessionDuration": 3600, "AssumeRolePolicyDocument": "` + encoded + `"}}`, withRole(wantGitHubPolicy(), role)},
		{"get-role --query Role", `{"RoleName": "deploy", "Arn": "arn:aws:iam::123456789012:role/deploy",
			"MaxSessionDuration": 3600, "AssumeRolePolicyDocument": ` + githubPolicy + `}`, withRole(wantGitHubPolicy(), role)},
		{"statement object, principal star, lists", `{"Statement": {"Effect": "Deny", "Principal": "*",
			"NotAction": ["sts:TagSession", "STS:Set*"], "Resource": "*",
			"Condition": {"NumericLessThan": {"aws:EpochTime": [1700000000, 1.5]}, "Bool": {"aws:SecureTransport": false}}}}`,
			&Policy{Statements: []Statement{{
				Effect: "Deny", Principal: &Principal{All: true},
				NotAction: []string{"sts:TagSession", "STS:Set*"}, Resource: []string{"*"},
				Conditions: []Condition{
					{Operator: "NumericLessThan", Key: "aws:EpochTime", Values: []string{"1700000000", "1.5"}},
					{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}},
				},
			}}}},
		{"NotPrincipal with every type", `{"Version": "2008-10-17", "Id": "x", "Statement": [{"Effect": "Deny",
			"NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:root"], "Federated": "accounts.google.com",
			"Service": "ec2.amazonaws.com", "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
			"Action": "*"}]}`,
			&Policy{Version: "2008-10-17", ID: "x", Statements: []Statement{{
				Effect: "Deny",
				NotPrincipal: &Principal{AWS: []string{"arn:aws:iam::123456789012:root"}, Federated: []string{"accounts.google.com"},
					Service: []string{"ec2.amazonaws.com"}, CanonicalUser: []string{"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}},
				Action: []string{"*"},
			}}}},
		{"duplicate operator keeps the last and records it", `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:*",
			"Condition": {"StringLike": {"a:sub": "x"}, "StringLike": {"a:sub": "y"}}}]}`,
			&Policy{Duplicates: []string{"Statement[0].Condition.StringLike"}, Statements: []Statement{{
				Effect: "Allow", Principal: &Principal{All: true}, Action: []string{"sts:*"},
				Conditions: []Condition{{Operator: "StringLike", Key: "a:sub", Values: []string{"y"}}},
			}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) = %v; want no error", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"not json", `{"Statement": [}`, "trustpolicy: invalid JSON near byte 15: invalid character '}' looking for beginning of value"},
		{"not UTF-8", "{\"Version\": \"2012-10-17\", \"Id\": \"a\xffb\"}", "trustpolicy: the document is not UTF-8 text (byte 34 is not); save it as UTF-8"},
		{"byte-order mark", "\xef\xbb\xbf{\"Version\": \"2012-10-17\", \"Statement\": []}", "trustpolicy: the document starts with a UTF-8 byte-order mark (bytes EF BB BF), which is not JSON; save it as UTF-8 without a BOM"},
		{"trailing data", `{"Statement": []} x`, "trustpolicy: unexpected data after the JSON document"},
		{"array", `[]`, "trustpolicy: document is a list, want an object"},
		{"no statement", `{"Version": "2012-10-17"}`, "trustpolicy: Statement: missing"},
		{"bad version", `{"Version": "2012-10-18", "Statement": []}`, `trustpolicy: Version: want "2012-10-17" or "2008-10-17", got "2012-10-18"`},
		{"lower-case element", `{"statement": []}`, "trustpolicy: statement: unknown top-level element (elements are case-sensitive: Version, Id, Statement)"},
		{"bad effect", `{"Statement": [{"Effect": "allow"}]}`, `trustpolicy: Statement[0].Effect: want "Allow" or "Deny", got "allow"`},
		{"principal string", `{"Statement": [{"Effect": "Allow", "Principal": "accounts.google.com"}]}`,
			`trustpolicy: Statement[0].Principal: a string principal must be "*", got "accounts.google.com"; use {"Federated": ...}`},
		{"principal type", `{"Statement": [{"Effect": "Allow", "Principal": {"Federate": "x"}}]}`,
			"trustpolicy: Statement[0].Principal.Federate: unknown principal type (want AWS, Federated, Service or CanonicalUser)"},
		{"action number", `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["sts:A", 3]}]}`,
			"trustpolicy: Statement[0].Action[1]: want a string, got 3"},
		{"missing action", `{"Statement": [{"Effect": "Allow", "Principal": "*"}]}`, "trustpolicy: Statement[0]: missing Action"},
		{"missing principal", `{"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}`,
			"trustpolicy: Statement[0]: missing Principal (a trust policy statement names who may assume the role)"},
		{"condition value object", `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"},
			{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {"StringLike": {"k": {"a": 1}}}}]}`,
			"trustpolicy: Statement[1].Condition.StringLike.k: want a string, number, boolean or a list of them, got a object"},
		{"operator block not object", `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {"StringLike": "x"}}]}`,
			`trustpolicy: Statement[0].Condition.StringLike: want an object of condition keys, got "x"`},
		{"null in list", `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {"StringLike": {"k": ["a", null]}}}]}`,
			"trustpolicy: Statement[0].Condition.StringLike.k[1]: want a string, number or boolean, got a null"},
		{"role without document", `{"Role": {"Arn": "arn:aws:iam::123456789012:role/x"}}`, "trustpolicy: Role: no AssumeRolePolicyDocument"},
		{"bad url encoding", `%7B%zz`, `trustpolicy: URL-encoded document does not decode: invalid URL escape "%zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse(%q) = %v; want %v", tt.in, err, tt.want)
			}
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Errorf("Parse(%q) error %T is not a *ParseError", tt.in, err)
			}
		})
	}
	if _, err := Parse([]byte(" \n")); !errors.Is(err, ErrEmpty) {
		t.Errorf("Parse(blank) = %v; want ErrEmpty", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	p, err := Parse([]byte(githubPolicy))
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"GitHubActions","Effect":"Allow",` +
		`"Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},` +
		`"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:ref:refs/heads/main"}}}]}`
	if string(b) != want {
		t.Errorf("MarshalJSON() = %s; want %s", b, want)
	}
	q, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, q); diff != "" {
		t.Errorf("round trip mismatch (-first +second):\n%s", diff)
	}
}
