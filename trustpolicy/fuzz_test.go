package trustpolicy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// seedPolicies adds every testdata/policies/*.json file, plus inline forms the files lack.
func seedPolicies(f *testing.F) [][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "policies", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	seeds = append(seeds,
		[]byte(githubPolicy),
		// URL-encoded, as GetRole returns it.
		[]byte("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Deny%22%2C%22Principal%22%3A%22*%22%2C%22Action%22%3A%22*%22%7D%7D"),
		// Duplicate operator blocks.
		[]byte(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":[],"Condition":{"StringLike":{"k":[]},"StringLike":{"k":[1,true,"x"]}}}]}`),
		// Nesting and escapes.
		[]byte(`{"Statement":[{"Effect":"Allow","Principal":{},"Action":"\u003c*\u003e","Condition":{"StringEquals":{"":"\ud83d\ude00"}}}]}`),
	)
	return seeds
}

// ignoreNonDocument drops the fields MarshalJSON does not write.
var ignoreNonDocument = cmpopts.IgnoreFields(Policy{}, "Duplicates", "Role")

// FuzzParse checks that Parse never panics and that every policy it accepts survives a
// round trip: MarshalJSON's output parses to an equal policy and marshals to the same bytes.
func FuzzParse(f *testing.F) {
	for _, s := range seedPolicies(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "trustpolicy: ") {
				t.Fatalf("Parse(%q) error %q lacks the package prefix", data, err)
			}
			return
		}
		out, err := p.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON() = %v", err)
		}
		q, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(MarshalJSON(Parse(%q))) = %v; marshalled %s", data, err, out)
		}
		if diff := cmp.Diff(p, q, ignoreNonDocument); diff != "" {
			t.Fatalf("round trip of %q changed the policy (-first +second):\n%s", data, diff)
		}
		again, _ := q.MarshalJSON()
		if string(again) != string(out) {
			t.Fatalf("MarshalJSON is not stable: %s then %s", out, again)
		}
	})
}

// FuzzEvaluate checks that Evaluate never panics and that adding a matching explicit Deny
// (unconditional, or conditioned on a key the context holds) always yields ExplicitDeny
// ("Policy evaluation logic": an explicit deny overrides any allow).
func FuzzEvaluate(f *testing.F) {
	for _, s := range seedPolicies(f) {
		f.Add(s, ghProvider, ActionAssumeRoleWithWebIdentity, "token.actions.githubusercontent.com:sub", "repo:octo-org/octo-repo:ref:refs/heads/main")
	}
	f.Add([]byte(githubPolicy), "", "", "aws:SourceIp", "203.0.113.7")
	f.Fuzz(func(t *testing.T, data []byte, principal, action, key, value string) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		c := &Context{Principal: principal, Action: action}
		if key != "" {
			c.Set(key, value, value+"-2")
		}
		_ = Evaluate(p, c).String()

		deny := Statement{Effect: "Deny", Principal: &Principal{All: true}, NotAction: []string{}}
		withDeny := *p
		withDeny.Statements = append(append([]Statement(nil), p.Statements...), deny)
		if r := Evaluate(&withDeny, c); r.Decision != ExplicitDeny {
			t.Fatalf("Evaluate(%q + unconditional Deny) = %v; want explicit deny\n%s", data, r.Decision, r)
		}
		if key == "" || strings.Contains(value, "${") {
			return
		}
		deny.Conditions = []Condition{{Operator: "StringEquals", Key: flipASCIICase(key), Values: []string{"other", value}}}
		withDeny.Statements[len(withDeny.Statements)-1] = deny
		if r := Evaluate(&withDeny, c); r.Decision != ExplicitDeny {
			t.Fatalf("Evaluate(%q + Deny on %s=%q) = %v; want explicit deny\n%s", data, key, value, r.Decision, r)
		}
	})
}

func TestSeedPoliciesParse(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "policies", "*.json"))
	if len(files) == 0 {
		t.Fatal("no seed policies")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Errorf("Parse(%s) = %v", name, err)
		}
	}
}

// flipASCIICase swaps the case of ASCII letters: condition key names are case-insensitive
// ("IAM JSON policy elements: Condition").
func flipASCIICase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}

// FuzzAuthorize checks that an identity policy ParseIdentity accepts survives MarshalJSON, and
// properties of Authorize stronger than not panicking, each a rule of "Policy evaluation
// logic":
//   - an explicit Deny wins: adding an unconditional Deny statement, or one conditioned on a
//     key the request holds, always yields ExplicitDeny;
//   - order does not matter: the statements reversed, and split over two policies, decide
//     the same;
//   - a session policy intersects: "Allow * on *" on either side of the intersection changes
//     nothing, so identity {P} decides as identity {Allow *} with session {P}, and as
//     identity {P} with session {Allow *}.
func FuzzAuthorize(f *testing.F) {
	for _, n := range ManagedPolicyNames() {
		doc, _ := ManagedPolicyDocument(n)
		f.Add(doc, "ec2:DescribeInstances", "*", "aws:SourceIp", "203.0.113.7")
	}
	f.Add([]byte(idDoc(`{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret*"}`, `{"Effect": "Deny", "Action": "s3:Get?bject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}}`)),
		"s3:GetObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/team", "data")
	f.Add([]byte(idDoc(`{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*", "Condition": {"IpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"}}}`)),
		"s3:PutObject", "arn:aws:s3:::home/bob/x", "aws:username", "bob")
	f.Add([]byte(`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": ["arn:aws:iam::*", "*:*"]}}`), "", "", "", "")
	f.Fuzz(func(t *testing.T, data []byte, action, resource, key, value string) {
		p, err := ParseIdentity(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "trustpolicy: ") {
				t.Fatalf("ParseIdentity(%q) error %q lacks the package prefix", data, err)
			}
			return
		}
		out, _ := p.MarshalJSON()
		if q, err := ParseIdentity(out); err != nil || !cmp.Equal(p, q, ignoreNonDocument) {
			t.Fatalf("ParseIdentity(MarshalJSON(ParseIdentity(%q))) = %v, %v; marshalled %s", data, q, err, out)
		}
		c := &Context{Principal: "arn:aws:sts::111122223333:assumed-role/R/s", Action: action, Resource: resource}
		if key != "" {
			c.Set(key, value, value+"-2")
		}
		named := func(q *Policy) []NamedPolicy { return []NamedPolicy{{Name: "p", Policy: q}} }
		base := Authorize(c, Policies{Identity: named(p)})
		_ = base.String()
		_ = base.Reason(c)

		with := func(extra Statement) *Policy {
			q := *p
			q.Statements = append(append([]Statement(nil), p.Statements...), extra)
			return &q
		}
		deny := Statement{Effect: "Deny", NotAction: []string{}, Resource: []string{"*"}}
		if r := Authorize(c, Policies{Identity: named(with(deny))}); r.Decision != ExplicitDeny {
			t.Fatalf("Authorize(%q + unconditional Deny) = %v; want explicit deny\n%s", data, r.Decision, r)
		}
		if r := Authorize(c, Policies{Identity: named(p), Session: named(&Policy{Statements: []Statement{deny}})}); r.Decision != ExplicitDeny {
			t.Fatalf("Authorize(%q, session Deny) = %v; want explicit deny\n%s", data, r.Decision, r)
		}
		if key != "" && !strings.Contains(value, "${") {
			deny.Conditions = []Condition{{Operator: "StringEquals", Key: flipASCIICase(key), Values: []string{"other", value}}}
			if r := Authorize(c, Policies{Identity: named(with(deny))}); r.Decision != ExplicitDeny {
				t.Fatalf("Authorize(%q + Deny on %s=%q) = %v; want explicit deny\n%s", data, key, value, r.Decision, r)
			}
		}

		// Order: reverse the statements and split them over two policies.
		n := len(p.Statements)
		rev := make([]Statement, n)
		for i, s := range p.Statements {
			rev[n-1-i] = s
		}
		first, second := *p, *p
		first.Statements, second.Statements = rev[:n/2], rev[n/2:]
		split := Authorize(c, Policies{Identity: []NamedPolicy{{Name: "a", Policy: &second}, {Name: "b", Policy: &first}}})
		if split.Decision != base.Decision || !cmp.Equal(split.DependsOn, base.DependsOn, cmpopts.EquateEmpty()) {
			t.Fatalf("Authorize(%q) = %v %v; reordered = %v %v", data, base.Decision, base.DependsOn, split.Decision, split.DependsOn)
		}

		// Intersection with "Allow * on *" is neutral, on either side.
		all := &Policy{Version: "2012-10-17", Statements: []Statement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}}}
		for _, ps := range []Policies{{Identity: named(all), Session: named(p)}, {Identity: named(p), Session: named(all)}, {Identity: named(p), Boundary: named(all)}} {
			if r := Authorize(c, ps); r.Decision != base.Decision {
				t.Fatalf("Authorize(%q) = %v alone, %v intersected with Allow *\n%s", data, base.Decision, r.Decision, r)
			}
		}
	})
}
