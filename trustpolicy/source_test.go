package trustpolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const sourceDoc = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": ["arn:aws:iam::123456789012:oidc-provider/a.example", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}
      }
    },
    {"Effect": "Deny", "Principal": "*", "Action": "*"}
  ]
}`

func TestSourceLocate(t *testing.T) {
	getRole := `{"Role": {"Arn": "arn:aws:iam::123456789012:role/deploy", "MaxSessionDuration": 3600,
  "AssumeRolePolicyDocument": ` + sourceDoc + `}}`
	getRoleString, _ := json.Marshal(map[string]any{"Role": map[string]any{"AssumeRolePolicyDocument": url.PathEscape(sourceDoc)}})
	tests := []struct {
		name, input, path string
		want              string // Text at the span; "" when the path is not there
		decoded           string
	}{
		{"clause with a dotted key", sourceDoc, "Statement[0].Condition.StringLike.token.actions.githubusercontent.com:sub",
			`"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"`, ""},
		{"operator block", sourceDoc, "Statement[0].Condition.StringEquals",
			`"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}`, ""},
		{"a statement", sourceDoc, "Statement[1]", `{"Effect": "Deny", "Principal": "*", "Action": "*"}`, ""},
		{"an element", sourceDoc, "Statement[1].Action", `"Action": "*"`, ""},
		{"a list element", sourceDoc, "Statement[0].Principal.Federated[1]",
			`"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"`, ""},
		{"the document", "  \n" + sourceDoc + "\n", "", sourceDoc, ""},
		{"no such statement", sourceDoc, "Statement[2]", "", ""},
		{"no such key", sourceDoc, "Statement[0].Condition.StringLike.token.actions.githubusercontent.com:aud", "", ""},
		{"leading white space", "\n\t " + `{"Statement": {"Effect": "Allow", "Action": "x"}}`, "Statement[0].Action", `"Action": "x"`, ""},
		{"one statement object", `{"Statement": {"Effect": "Allow", "Action": "x"}}`, "Statement[0]", `{"Effect": "Allow", "Action": "x"}`, ""},
		{"a key that is a prefix of another", `{"Statement":[{"Condition":{"StringLike":{"k":"1","k.x":"2"}}}]}`,
			"Statement[0].Condition.StringLike.k.x", `"k.x":"2"`, ""},
		{"the shorter key", `{"Statement":[{"Condition":{"StringLike":{"k":"1","k.x":"2"}}}]}`,
			"Statement[0].Condition.StringLike.k", `"k":"1"`, ""},
		{"a key given twice: the value kept", `{"Statement":[{"Action":"a","Action":"b"}]}`, "Statement[0].Action", `"Action":"b"`, ""},
		{"get-role: the document", getRole, "Statement[0].Condition.StringLike.token.actions.githubusercontent.com:sub",
			`"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"`, ""},
		{"get-role: the role", getRole, "Role.MaxSessionDuration", `"MaxSessionDuration": 3600`, ""},
		{"get-role: the document as an encoded string", string(getRoleString), "Statement[1].Principal", `"Principal": "*"`,
			"the AssumeRolePolicyDocument string of get-role output, URL-decoded"},
		{"URL-encoded", url.PathEscape(sourceDoc), "Statement[1].Effect", `"Effect": "Deny"`, "URL-decoded"},
		{"escapes and multibyte text", `{"Statement":[{"Sid":"caf\u00e9 é","Action":"x"}]}`, "Statement[0].Action", `"Action":"x"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := ParseSource([]byte(tt.input))
			if err != nil {
				t.Fatalf("ParseSource(%q) = %v", tt.input, err)
			}
			if src.Decoded != tt.decoded {
				t.Errorf("ParseSource(%q).Decoded = %q; want %q", tt.input, src.Decoded, tt.decoded)
			}
			sp, ok := src.Locate(tt.path)
			got := ""
			if ok {
				got = src.Text[sp.Start:sp.End]
			}
			if got != tt.want {
				t.Errorf("Locate(%q) = %q (ok %v); want %q", tt.path, got, ok, tt.want)
			}
		})
	}
}

func TestSourceErrors(t *testing.T) {
	tests := []struct {
		name, input string
		want        error
	}{
		{"empty", " \n", ErrEmpty},
		{"not JSON", `{"Statement": [`, &ParseError{}},
		{"a list", `[]`, &ParseError{}},
		{"a byte-order mark", "\xef\xbb\xbf{}", &ParseError{}},
		{"bad URL encoding", "%7B%zz", &ParseError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSource([]byte(tt.input))
			var pe *ParseError
			switch {
			case err == nil:
				t.Errorf("ParseSource(%q) = nil error; want %T", tt.input, tt.want)
			case tt.want == ErrEmpty && !errors.Is(err, ErrEmpty):
				t.Errorf("ParseSource(%q) = %v; want ErrEmpty", tt.input, err)
			case tt.want != ErrEmpty && !errors.As(err, &pe):
				t.Errorf("ParseSource(%q) = %v; want a *ParseError", tt.input, err)
			}
		})
	}
}

// TestSourceLocatesParseErrors: the element a ParseError names is found in the text.
func TestSourceLocatesParseErrors(t *testing.T) {
	tests := []struct{ input, want string }{
		{`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "x"}, {"Effect": "Maybe", "Principal": "*", "Action": "x"}]}`, `"Effect": "Maybe"`},
		{`{"Statement": [{"Effect": "Allow", "Principal": {"Federated": 1}, "Action": "x"}]}`, `"Federated": 1`},
		{`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "x", "Condition": {"StringLike": {"k": {}}}}]}`, `"k": {}`},
		{`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["x", 2]}]}`, `2`},
		{`{"Statement": [{"Principal": "*", "Action": "x"}]}`, `{"Principal": "*", "Action": "x"}`},
		{`{"Role": {"MaxSessionDuration": "1h", "AssumeRolePolicyDocument": {}}}`, `"MaxSessionDuration": "1h"`},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.input))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("Parse(%q) = %v; want a *ParseError", tt.input, err)
		}
		src, err := ParseSource([]byte(tt.input))
		if err != nil {
			t.Fatalf("ParseSource(%q) = %v", tt.input, err)
		}
		sp, ok := src.Locate(pe.Path)
		if got := src.Text[sp.Start:sp.End]; !ok || got != tt.want {
			t.Errorf("Locate(%q) in %q = %q (ok %v); want %q", pe.Path, tt.input, got, ok, tt.want)
		}
	}
}

func TestSourceNearest(t *testing.T) {
	src, err := ParseSource([]byte(sourceDoc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want, wantText string }{
		{"Statement[1].Condition", "Statement[1]", `{"Effect": "Deny", "Principal": "*", "Action": "*"}`},
		{"Statement[0].Condition.StringLike.token.actions.githubusercontent.com:aud", "Statement[0].Condition.StringLike",
			`"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}`},
		{"Statement[0].Action", "Statement[0].Action", `"Action": "sts:AssumeRoleWithWebIdentity"`},
		{"Statement[7]", "Statement", src.Text[strings.Index(src.Text, `"Statement"`) : len(src.Text)-2]},
	}
	for _, tt := range tests {
		sp, got, ok := src.Nearest(tt.path)
		if !ok || got != tt.want || src.Text[sp.Start:sp.End] != tt.wantText {
			t.Errorf("Nearest(%q) = %q, %q, %v; want %q, %q", tt.path, got, src.Text[sp.Start:sp.End], ok, tt.want, tt.wantText)
		}
	}
	if _, _, ok := src.Nearest("Nothing.here"); ok {
		t.Errorf("Nearest(%q) found something; want nothing", "Nothing.here")
	}
}

// FuzzSource: every policy Parse accepts has a Source, and each of its statements and clauses
// is found where the text says what Parse read.
func FuzzSource(f *testing.F) {
	for _, s := range seedPolicies(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		src, err := ParseSource(data)
		if err != nil {
			t.Fatalf("Parse(%q) succeeds but ParseSource = %v", data, err)
		}
		for i, st := range p.Statements {
			sp, ok := src.Statement(i)
			if !ok || !strings.HasPrefix(src.Text[sp.Start:sp.End], "{") {
				t.Fatalf("Statement(%d) of %q = %v, %v; want the statement object", i, data, sp, ok)
			}
			for _, c := range st.Conditions {
				sp, ok := src.Clause(i, c.Operator, c.Key)
				if !ok {
					t.Fatalf("Clause(%d, %q, %q) of %q not found", i, c.Operator, c.Key, data)
				}
				var m map[string]json.RawMessage
				if err := json.Unmarshal([]byte("{"+src.Text[sp.Start:sp.End]+"}"), &m); err != nil {
					t.Fatalf("Clause(%d, %q, %q) of %q = %q, not a JSON member: %v", i, c.Operator, c.Key, data, src.Text[sp.Start:sp.End], err)
				}
				if _, ok := m[c.Key]; !ok || len(m) != 1 {
					t.Fatalf("Clause(%d, %q, %q) of %q = %q; want the member %q", i, c.Operator, c.Key, data, src.Text[sp.Start:sp.End], c.Key)
				}
			}
		}
	})
}

func ExampleSource_Locate() {
	doc := []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}}]}`)
	src, err := ParseSource(doc)
	if err != nil {
		panic(err)
	}
	sp, _ := src.Clause(0, "StringEquals", "token.actions.githubusercontent.com:sub")
	fmt.Println(src.Text[sp.Start:sp.End])
	// Output: "token.actions.githubusercontent.com:sub": "repo:acme/app:*"
}
