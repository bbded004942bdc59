package diagnose

// The corrected policy of Suggest: the copy it edits, and how it is written back.

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/rawsts/rawsts/internal/jsonlayout"
	"github.com/rawsts/rawsts/internal/textdiff"
	"github.com/rawsts/rawsts/trustpolicy"
)

func clonePolicy(p *trustpolicy.Policy) *trustpolicy.Policy {
	cp := *p
	cp.Statements = make([]trustpolicy.Statement, len(p.Statements))
	for i, st := range p.Statements {
		cp.Statements[i] = cloneStatement(st)
	}
	cp.Duplicates = nil
	return &cp
}

func cloneStatement(st trustpolicy.Statement) trustpolicy.Statement {
	clonePrincipal := func(p *trustpolicy.Principal) *trustpolicy.Principal {
		if p == nil {
			return nil
		}
		c := *p
		c.AWS, c.Federated, c.Service, c.CanonicalUser = cloneList(p.AWS), cloneList(p.Federated), cloneList(p.Service), cloneList(p.CanonicalUser)
		return &c
	}
	st.Principal, st.NotPrincipal = clonePrincipal(st.Principal), clonePrincipal(st.NotPrincipal)
	st.Action, st.NotAction = cloneList(st.Action), cloneList(st.NotAction)
	st.Resource, st.NotResource = cloneList(st.Resource), cloneList(st.NotResource)
	if st.Conditions != nil {
		conds := make([]trustpolicy.Condition, len(st.Conditions))
		for i, c := range st.Conditions {
			c.Values = cloneList(c.Values)
			conds[i] = c
		}
		st.Conditions = conds
	}
	return st
}

func cloneList(l []string) []string {
	if l == nil {
		return nil
	}
	return append([]string{}, l...)
}

// render writes the corrected policy and the diff, both laid out like the document given.
func (s *suggester) render(orig *trustpolicy.Policy, name string) {
	like, indent := s.originalLayout()
	before, err1 := orig.MarshalJSON()
	after, err2 := s.pol.MarshalJSON()
	if err1 != nil || err2 != nil {
		return
	}
	b, err1 := jsonlayout.Format(before, like, indent)
	a, err2 := jsonlayout.Format(after, like, indent)
	if err1 != nil || err2 != nil {
		return
	}
	s.sug.Policy = json.RawMessage(a)
	from := orStr(name, "trust-policy.json")
	if !bytes.Equal(bytes.TrimSpace(b), bytes.TrimSpace(s.origText)) {
		from += " (as rawsts lays it out)"
	}
	s.sug.Diff = textdiff.Unified(from, orStr(name, "trust-policy.json")+" (suggested)", string(b), string(a))
}

// originalLayout finds the trust policy document in the input as written (itself, or inside
// get-role output, maybe as an encoded string) and its indentation.
func (s *suggester) originalLayout() (*jsonlayout.Node, string) {
	data := bytes.TrimSpace(s.origText)
	if len(data) == 0 {
		return nil, jsonlayout.DefaultIndent
	}
	if len(data) >= 3 && strings.EqualFold(string(data[:3]), "%7b") {
		if d, err := url.PathUnescape(string(data)); err == nil {
			data = []byte(d)
		}
	}
	root, err := jsonlayout.Parse(data)
	if err != nil {
		return nil, jsonlayout.DefaultIndent
	}
	if r := root.Get("Role"); r != nil && root.Get("Statement") == nil {
		root = r
	}
	if d := root.Get("AssumeRolePolicyDocument"); d != nil {
		if d.Kind == jsonlayout.String {
			text := d.Text
			if u, err := url.PathUnescape(text); err == nil && strings.HasPrefix(strings.ToLower(text), "%7b") {
				text = u
			}
			if n, err := jsonlayout.Parse([]byte(text)); err == nil {
				return n, jsonlayout.IndentOf([]byte(text), n)
			}
			return nil, jsonlayout.DefaultIndent
		}
		root = d
	}
	return root, jsonlayout.IndentOf(data, root)
}
