package jsonlayout

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzFormat checks Format, which lays a corrected policy out like the original (diagnose
// --suggest): for any document and any original, it fails exactly when Parse refuses the
// document; what it writes is the same JSON value (a second reading by encoding/json); and
// formatting that output like itself changes nothing.
func FuzzFormat(f *testing.F) {
	orig := `{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
  ]
}`
	fixed := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}}]}`
	f.Add([]byte(fixed), []byte(orig))                                                           // a suggestion laid out like a policy with mixed styles
	f.Add([]byte(`{"a":[1,2,{"b":null}],"c":"\u00e9\u2028<"}`), []byte("{\n\t\"a\": [1, 2]\n}")) // tabs, escapes, a new member
	f.Add([]byte(`[]`), []byte(`{}`))                                                            // kinds that differ
	f.Add([]byte(`{"a":1,"a":2}`), []byte(`not json`))                                           // a key twice; an original that does not parse
	f.Add([]byte(`1e400`), []byte(``))                                                           // a number beyond float64
	f.Fuzz(func(t *testing.T, doc, original []byte) {
		like, err := Parse(original)
		if err != nil {
			like = nil
		}
		out, err := Format(doc, like, IndentOf(original, like))
		if _, perr := Parse(doc); (err != nil) != (perr != nil) {
			t.Fatalf("Format(%q) = %v, but Parse = %v", doc, err, perr)
		}
		if err != nil {
			return
		}
		if !cmp.Equal(decode(t, out), decode(t, doc)) {
			t.Fatalf("Format(%q, like %q) = %q, another JSON value", doc, original, out)
		}
		self, err := Parse(out)
		if err != nil {
			t.Fatalf("Format(%q) = %q, which Parse refuses: %v", doc, out, err)
		}
		again, err := Format(out, self, IndentOf(out, self))
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Format(%q) = %q; formatted like itself: %q, %v", doc, out, again, err)
		}
	})
}

// decode reads one JSON value with numbers as written.
func decode(t *testing.T, data []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%q is not JSON: %v", data, err)
	}
	return v
}
