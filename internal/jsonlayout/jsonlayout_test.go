package jsonlayout

import (
	"strings"
	"testing"
)

// refPolicy is examples/diagnose/ref-policy.json: two-space indentation, small objects on one line.
const refPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}
      }
    }
  ]
}
`

// canonical is refPolicy as trustpolicy's marshaller writes it.
const canonical = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}}]}`

func format(t *testing.T, doc, orig string) string {
	t.Helper()
	var like *Node
	indent := DefaultIndent
	if orig != "" {
		var err error
		if like, err = Parse([]byte(orig)); err != nil {
			t.Fatalf("Parse(%q) = %v", orig, err)
		}
		indent = IndentOf([]byte(orig), like)
	}
	out, err := Format([]byte(doc), like, indent)
	if err != nil {
		t.Fatalf("Format(%q) = %v", doc, err)
	}
	return string(out)
}

func TestFormatReproducesTheOriginal(t *testing.T) {
	for _, tt := range []struct{ name, orig, doc string }{
		{"inline objects, two spaces", refPolicy, canonical},
		{"tabs, member order, a list of one, a boolean, a single statement",
			"{\n\t\"Statement\": {\n\t\t\"Action\": [\"sts:AssumeRoleWithWebIdentity\"],\n\t\t\"Effect\": \"Allow\",\n\t\t\"Principal\": {\"Federated\": \"accounts.google.com\"},\n\t\t\"Condition\": {\"Bool\": {\"aws:SecureTransport\": true}}\n\t},\n\t\"Version\": \"2012-10-17\"\n}\n",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`},
		{"AWS CLI style, four spaces, lists spread", "{\n    \"a\": [\n        \"x\",\n        \"y & <z>\"\n    ]\n}\n", `{"a":["x","y \u0026 \u003cz\u003e"]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := format(t, tt.doc, tt.orig); got != tt.orig {
				t.Errorf("Format =\n%s\nwant\n%s", got, tt.orig)
			}
		})
	}
}

func TestFormatNewParts(t *testing.T) {
	// A second sub value, a new operator block, a new statement: each takes a sibling's style.
	edited := strings.Replace(canonical, `"repo:acme/app:ref:refs/heads/main"`, `["repo:acme/app:ref:refs/heads/main","repo:acme/app:environment:prod"]`, 1)
	got := format(t, edited, refPolicy)
	want := `"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"]}`
	if !strings.Contains(got, want) {
		t.Errorf("a value added to an inline object:\n%s\nwant a line with %s", got, want)
	}

	spread := "{\n    \"Condition\": {\n        \"StringEquals\": {\n            \"k\": \"v\"\n        }\n    }\n}\n"
	got = format(t, `{"Condition":{"StringEquals":{"k":"v"},"StringLike":{"s":["a","b"]}}}`, spread)
	want = "{\n    \"Condition\": {\n        \"StringEquals\": {\n            \"k\": \"v\"\n        },\n        \"StringLike\": {\n            \"s\": [\n                \"a\",\n                \"b\"\n            ]\n        }\n    }\n}\n"
	if got != want {
		t.Errorf("a new block beside a spread one:\n%s\nwant\n%s", got, want)
	}

	got = format(t, `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"p"}},{"Effect":"Deny","Principal":{"Federated":"q"}}]}`,
		"{\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\"Federated\": \"p\"}\n    }\n  ]\n}\n")
	want = "    {\n      \"Effect\": \"Deny\",\n      \"Principal\": {\"Federated\": \"q\"}\n    }\n"
	if !strings.Contains(got, want) {
		t.Errorf("a new statement:\n%s\nwant it to contain\n%s", got, want)
	}
}

func TestFormatWithoutOriginal(t *testing.T) {
	got := format(t, `{"a":{"b":[1,2]},"c":{}}`, "")
	want := "{\n    \"a\": {\n        \"b\": [\n            1,\n            2\n        ]\n    },\n    \"c\": {}\n}\n"
	if got != want {
		t.Errorf("Format(no original) =\n%s\nwant\n%s", got, want)
	}
	// A document written on one line is spread at the top (a one-line diff says nothing).
	got = format(t, `{"a":{"b":"c"}}`, `{"a": {"b": "c"}}`)
	if want := "{\n    \"a\": {\"b\": \"c\"}\n}\n"; got != want {
		t.Errorf("Format(one-line original) =\n%s\nwant\n%s", got, want)
	}
}

func TestIndentOf(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{refPolicy, "  "},
		{"{\n\t\"a\": 1\n}", "\t"},
		{`{"a": 1}`, DefaultIndent},
		{"{\"Role\": {\n        \"X\": {\n            \"a\": 1}}}", "    "},
	} {
		n, err := Parse([]byte(tt.doc))
		if err != nil {
			t.Fatal(err)
		}
		if tt.doc[0] == '{' && strings.HasPrefix(tt.doc, `{"Role"`) {
			n = n.Get("Role").Get("X")
		}
		if got := IndentOf([]byte(tt.doc), n); got != tt.want {
			t.Errorf("IndentOf(%q) = %q; want %q", tt.doc, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, doc := range []string{``, `{`, `{"a": 1} x`, `[1,]`} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%q) = nil error; want one", doc)
		}
	}
}

// TestFormatRepeatedKey: of a member given twice, Format writes the last value, once, at the
// first one's place: the value encoding/json and trustpolicy read.
func TestFormatRepeatedKey(t *testing.T) {
	got, err := Format([]byte(`{"a":1,"b":true,"a":2}`), nil, DefaultIndent)
	if want := "{\n    \"a\": 2,\n    \"b\": true\n}\n"; err != nil || string(got) != want {
		t.Errorf("Format(a twice) = %q, %v; want %q", got, err, want)
	}
}
