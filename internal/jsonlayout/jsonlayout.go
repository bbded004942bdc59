package jsonlayout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Kind is the JSON type of a [Node].
type Kind int

// The kinds of JSON values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Node is a JSON value as written.
type Node struct {
	// Kind is the value's JSON type.
	Kind Kind
	// Keys are an object's member names in document order; Vals their values.
	Keys []string
	Vals []*Node
	// Elems are an array's elements.
	Elems []*Node
	// Text is a string's decoded value, or the JSON text of a number, boolean or null.
	Text string
	// OneLine reports whether an object's or array's brackets are on one line.
	OneLine bool

	start int // byte offset of a container's opening bracket
}

// Get returns the value of an object's member, nil when n is not an object or has no such member.
// Of a member given twice, the last value is the one, as encoding/json and trustpolicy keep it.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := len(n.Keys) - 1; i >= 0; i-- {
		if n.Keys[i] == key {
			return n.Vals[i]
		}
	}
	return nil
}

// Parse reads one JSON value and records how it is written. Trailing data is an error.
func Parse(data []byte) (*Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseValue(dec, data)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("jsonlayout: data after the JSON value")
	}
	return n, nil
}

func parseValue(dec *json.Decoder, data []byte) (*Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("jsonlayout: %w", err)
	}
	return parseFrom(tok, dec, data)
}

func parseFrom(tok json.Token, dec *json.Decoder, data []byte) (*Node, error) {
	switch t := tok.(type) {
	case json.Delim:
		n := &Node{start: int(dec.InputOffset()) - 1}
		switch t {
		case '{':
			n.Kind = Object
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("jsonlayout: %w", err)
				}
				key, _ := kt.(string)
				v, err := parseValue(dec, data)
				if err != nil {
					return nil, err
				}
				n.Keys, n.Vals = append(n.Keys, key), append(n.Vals, v)
			}
		case '[':
			n.Kind = Array
			for dec.More() {
				v, err := parseValue(dec, data)
				if err != nil {
					return nil, err
				}
				n.Elems = append(n.Elems, v)
			}
		default:
			return nil, fmt.Errorf("jsonlayout: unexpected %v", t)
		}
		if _, err := dec.Token(); err != nil { // the closing bracket
			return nil, fmt.Errorf("jsonlayout: %w", err)
		}
		end := int(dec.InputOffset())
		n.OneLine = !bytes.Contains(data[n.start:end], []byte("\n"))
		return n, nil
	case string:
		return &Node{Kind: String, Text: t}, nil
	case json.Number:
		return &Node{Kind: Number, Text: t.String()}, nil
	case bool:
		return &Node{Kind: Bool, Text: fmt.Sprint(t)}, nil
	case nil:
		return &Node{Kind: Null, Text: "null"}, nil
	}
	return nil, fmt.Errorf("jsonlayout: unexpected token %v", tok)
}

// DefaultIndent is the indentation unit of a document that shows none (written on one line):
// four spaces, as the AWS CLI and the IAM console print policies.
const DefaultIndent = "    "

// IndentOf returns the indentation unit of the container n of data (parsed by [Parse] from
// data): the whitespace its first member's line has beyond the line n starts on. It returns
// DefaultIndent when n is on one line or the unit cannot be told.
func IndentOf(data []byte, n *Node) string {
	if n == nil || n.OneLine || (n.Kind != Object && n.Kind != Array) {
		return DefaultIndent
	}
	base := lineIndent(data, n.start)
	i := n.start + 1
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	inner := lineIndent(data, i)
	if len(inner) > len(base) && strings.HasPrefix(inner, base) {
		return inner[len(base):]
	}
	return DefaultIndent
}

// lineIndent returns the leading spaces and tabs of the line holding offset i.
func lineIndent(data []byte, i int) string {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	end := start
	for end < len(data) && (data[end] == ' ' || data[end] == '\t') {
		end++
	}
	return string(data[start:end])
}

// Format returns doc (one JSON value) laid out like the original: indent is the indentation
// unit (see [IndentOf]); like is the original, parsed by [Parse], nil for none. A member or
// element of doc is matched with the original's at the same place (member name, list index);
// one the original lacks takes the style of a sibling of the same kind. The top level is always
// spread over lines, even when the original was written on one. The result ends in a newline.
func Format(doc []byte, like *Node, indent string) ([]byte, error) {
	n, err := Parse(doc)
	if err != nil {
		return nil, err
	}
	f := &formatter{indent: indent}
	f.value(n, like, nil, 0, false)
	f.b.WriteByte('\n')
	return f.b.Bytes(), nil
}

type formatter struct {
	b      bytes.Buffer
	indent string
}

// value writes n. orig is the original value at the same place (nil when there is none); tmpl
// is a sibling of the original whose style a new container takes; inline is the parent's style.
func (f *formatter) value(n, orig, tmpl *Node, depth int, inline bool) {
	switch {
	case n.Kind == String && orig != nil && (orig.Kind == Number || orig.Kind == Bool) && orig.Text == n.Text:
		f.b.WriteString(orig.Text) // the original wrote it unquoted
		return
	case n.Kind == String && orig != nil && orig.Kind == Array && len(orig.Elems) == 1:
		// The original wrote a list of one; the canonical form is the bare value.
		f.container(&Node{Kind: Array, Elems: []*Node{n}}, orig, tmpl, depth, inline)
		return
	case n.Kind == Array && len(n.Elems) == 1 && orig != nil && orig.Kind != Array:
		// The original wrote the one element without a list (a single Statement object).
		f.value(n.Elems[0], orig, tmpl, depth, inline)
		return
	case n.Kind == Array || n.Kind == Object:
		f.container(n, orig, tmpl, depth, inline)
		return
	case n.Kind == String:
		f.b.WriteString(quote(n.Text))
		return
	}
	f.b.WriteString(n.Text)
}

func (f *formatter) container(n, orig, tmpl *Node, depth int, parentInline bool) {
	style := orig
	if style == nil || style.Kind != n.Kind {
		style = tmpl
	}
	inline := parentInline
	if style != nil && style.Kind == n.Kind {
		inline = style.OneLine
	}
	if depth == 0 {
		inline = false
	}
	open, closing := byte('['), byte(']')
	if n.Kind == Object {
		open, closing = '{', '}'
	}
	type member struct {
		key        string
		val        *Node
		orig, tmpl *Node
	}
	var members []member
	if n.Kind == Object {
		var same *Node // the original of this object, when it is one
		if orig != nil && orig.Kind == Object {
			same = orig
		}
		for _, k := range orderKeys(n, same) {
			m := member{key: k, val: n.Get(k), orig: same.Get(k)}
			if m.orig == nil {
				m.tmpl = sibling(same, tmpl, k, m.val.Kind)
			}
			members = append(members, m)
		}
	} else {
		var same *Node
		if orig != nil && orig.Kind == Array {
			same = orig
		}
		for i, e := range n.Elems {
			m := member{val: e}
			switch {
			case same != nil && i < len(same.Elems):
				m.orig = same.Elems[i]
			case same != nil && len(same.Elems) > 0:
				m.tmpl = same.Elems[len(same.Elems)-1]
			case tmpl != nil && tmpl.Kind == Array && len(tmpl.Elems) > 0:
				m.tmpl = tmpl.Elems[0]
			}
			members = append(members, m)
		}
	}
	f.b.WriteByte(open)
	if len(members) == 0 {
		f.b.WriteByte(closing)
		return
	}
	for i, m := range members {
		if i > 0 {
			f.b.WriteByte(',')
			if inline {
				f.b.WriteByte(' ')
			}
		}
		if !inline {
			f.b.WriteByte('\n')
			f.b.WriteString(strings.Repeat(f.indent, depth+1))
		}
		if n.Kind == Object {
			f.b.WriteString(quote(m.key))
			f.b.WriteString(": ")
		}
		f.value(m.val, m.orig, m.tmpl, depth+1, inline)
	}
	if !inline {
		f.b.WriteByte('\n')
		f.b.WriteString(strings.Repeat(f.indent, depth))
	}
	f.b.WriteByte(closing)
}

// orderKeys returns n's member names: those the original has, in its order, then the new ones
// in n's order.
func orderKeys(n, orig *Node) []string {
	var out []string
	seen := map[string]bool{}
	if orig != nil {
		for _, k := range orig.Keys {
			if n.Get(k) != nil && !seen[k] {
				out = append(out, k)
				seen[k] = true
			}
		}
	}
	for _, k := range n.Keys {
		if !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	return out
}

// sibling returns the node whose style a new member key of kind k takes: the template's member
// of that name, else the first member of the original (or the template) of the same kind.
func sibling(orig, tmpl *Node, key string, k Kind) *Node {
	if t := tmpl.Get(key); t != nil {
		return t
	}
	for _, n := range []*Node{orig, tmpl} {
		if n == nil || n.Kind != Object {
			continue
		}
		for _, v := range n.Vals {
			if v.Kind == k {
				return v
			}
		}
	}
	return nil
}

// quote writes s as a JSON string, leaving <, > and & as they are (a policy is not HTML).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
