package trustpolicy

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON writes the policy document in a canonical form: Version, Id, then Statement as a
// list; in each statement Sid, Effect, Principal/NotPrincipal, Action/NotAction,
// Resource/NotResource, Condition; a one-element list as a plain string; condition values as
// strings. Parse of the output yields an equal policy (apart from Duplicates and Role, which
// are not part of the document).
func (p *Policy) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(&b, name)
		b.WriteByte(':')
	}
	if p.Version != "" {
		field("Version")
		writeString(&b, p.Version)
	}
	if p.ID != "" {
		field("Id")
		writeString(&b, p.ID)
	}
	field("Statement")
	b.WriteByte('[')
	for i := range p.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		p.Statements[i].marshal(&b)
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

func (s *Statement) marshal(b *bytes.Buffer) {
	b.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, name)
		b.WriteByte(':')
	}
	if s.Sid != "" {
		field("Sid")
		writeString(b, s.Sid)
	}
	field("Effect")
	writeString(b, s.Effect)
	if s.Principal != nil {
		field("Principal")
		s.Principal.marshal(b)
	}
	if s.NotPrincipal != nil {
		field("NotPrincipal")
		s.NotPrincipal.marshal(b)
	}
	lists := []struct {
		name string
		list []string
	}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}}
	for _, l := range lists {
		if l.list != nil {
			field(l.name)
			writeList(b, l.list)
		}
	}
	if s.Conditions != nil {
		field("Condition")
		writeConditions(b, s.Conditions)
	}
	b.WriteByte('}')
}

func (p *Principal) marshal(b *bytes.Buffer) {
	if p.All {
		writeString(b, "*")
		return
	}
	b.WriteByte('{')
	first := true
	for _, t := range []struct {
		name string
		list []string
	}{{"AWS", p.AWS}, {"Federated", p.Federated}, {"Service", p.Service}, {"CanonicalUser", p.CanonicalUser}} {
		if t.list == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, t.name)
		b.WriteByte(':')
		writeList(b, t.list)
	}
	b.WriteByte('}')
}

// writeConditions groups conditions by operator, keeping the order of first appearance.
func writeConditions(b *bytes.Buffer, conds []Condition) {
	var ops []string
	byOp := map[string][]Condition{}
	for _, c := range conds {
		if _, ok := byOp[c.Operator]; !ok {
			ops = append(ops, c.Operator)
		}
		byOp[c.Operator] = append(byOp[c.Operator], c)
	}
	b.WriteByte('{')
	for i, op := range ops {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, op)
		b.WriteString(":{")
		for j, c := range byOp[op] {
			if j > 0 {
				b.WriteByte(',')
			}
			writeString(b, c.Key)
			b.WriteByte(':')
			writeList(b, c.Values)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

func writeList(b *bytes.Buffer, list []string) {
	if len(list) == 1 {
		writeString(b, list[0])
		return
	}
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}

func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}
