package trustpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// maxDepth bounds JSON nesting; a trust policy is at most five levels deep
// (Statement, element, operator, key, value list).
const maxDepth = 64

type jkind int

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// String names the kind as policy error messages do: "null", "boolean", "number", "string",
// "list" or "object".
func (k jkind) String() string {
	return [...]string{"null", "boolean", "number", "string", "list", "object"}[k]
}

// jnode is a JSON value that keeps the order of object keys, which encoding/json's maps lose.
type jnode struct {
	kind  jkind
	text  string   // string value, number text, or "true"/"false"
	elems []*jnode // array elements
	keys  []string // object keys, in document order, duplicates merged
	vals  []*jnode // object values, parallel to keys
}

// get returns the value of key in an object, or nil.
func (n *jnode) get(key string) *jnode {
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// decoder turns JSON text into a jnode tree and records duplicate object keys, whose earlier
// values a map would silently drop.
type decoder struct {
	dec  *json.Decoder
	dups []string
}

// decodeJSON parses one JSON value and refuses trailing data. dups lists the paths of keys that
// appeared more than once in the same object; the last value wins, at the first key's place.
func decodeJSON(data []byte) (n *jnode, dups []string, err error) {
	d := &decoder{dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	n, err = d.value("", 0)
	if err != nil {
		return nil, nil, err
	}
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, errors.New("unexpected data after the JSON document")
	}
	return n, d.dups, nil
}

func (d *decoder) value(path string, depth int) (*jnode, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("JSON nested deeper than %d levels", maxDepth)
	}
	tok, err := d.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("unexpected end of JSON")
		}
		return nil, jsonErr(d.dec, err)
	}
	switch t := tok.(type) {
	case nil:
		return &jnode{kind: jNull}, nil
	case bool:
		return &jnode{kind: jBool, text: strconv.FormatBool(t)}, nil
	case json.Number:
		return &jnode{kind: jNumber, text: t.String()}, nil
	case string:
		return &jnode{kind: jString, text: t}, nil
	case json.Delim:
		switch t {
		case '[':
			n := &jnode{kind: jArray, elems: []*jnode{}}
			for d.dec.More() {
				e, err := d.value(fmt.Sprintf("%s[%d]", path, len(n.elems)), depth+1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, e)
			}
			if _, err := d.dec.Token(); err != nil { // ']'
				return nil, jsonErr(d.dec, err)
			}
			return n, nil
		case '{':
			n := &jnode{kind: jObject}
			for d.dec.More() {
				kt, err := d.dec.Token()
				if err != nil {
					return nil, jsonErr(d.dec, err)
				}
				key, _ := kt.(string)
				v, err := d.value(join(path, key), depth+1)
				if err != nil {
					return nil, err
				}
				if i := indexOf(n.keys, key); i >= 0 {
					d.dups = append(d.dups, join(path, key))
					n.vals[i] = v
					continue
				}
				n.keys = append(n.keys, key)
				n.vals = append(n.vals, v)
			}
			if _, err := d.dec.Token(); err != nil { // '}'
				return nil, jsonErr(d.dec, err)
			}
			return n, nil
		}
	}
	return nil, fmt.Errorf("invalid JSON token %v", tok)
}

// jsonErr words a decoding error with the byte offset where decoding stopped.
func jsonErr(dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("invalid JSON: unexpected end of input")
	}
	return fmt.Errorf("invalid JSON near byte %d: %w", dec.InputOffset(), err)
}

// join appends an object key to a path: "Statement[0]" + "Condition".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
