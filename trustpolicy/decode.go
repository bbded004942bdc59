package trustpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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

	// Where the value is in the decoded text, for [Source]: the byte offsets of its first
	// byte and of the byte after it, and, for an object, where each key's opening quote is
	// (parallel to keys; for a key given twice, the occurrence whose value was kept).
	start, end int
	keyAt      []int
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
	data []byte // the text being decoded, to find where each value starts
	dups []string
}

// decodeJSON parses one JSON value and refuses trailing data. dups lists the paths of keys that
// appeared more than once in the same object; the last value wins, at the first key's place.
func decodeJSON(data []byte) (n *jnode, dups []string, err error) {
	d := &decoder{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
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
	n, err := d.token(path, depth)
	if n != nil {
		n.end = int(d.dec.InputOffset())
	}
	return n, err
}

// next returns the offset where the next token starts: InputOffset is where the last one
// ended, before the white space and the ':' or ',' the decoder skips on its way.
func (d *decoder) next() int {
	i := int(d.dec.InputOffset())
	for i < len(d.data) && strings.IndexByte(" \t\r\n:,", d.data[i]) >= 0 {
		i++
	}
	return i
}

// token decodes the value that starts at the next token; value records where it ends.
func (d *decoder) token(path string, depth int) (*jnode, error) {
	start := d.next()
	tok, err := d.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("unexpected end of JSON")
		}
		return nil, jsonErr(d.dec, err)
	}
	switch t := tok.(type) {
	case nil:
		return &jnode{kind: jNull, start: start}, nil
	case bool:
		return &jnode{kind: jBool, text: strconv.FormatBool(t), start: start}, nil
	case json.Number:
		return &jnode{kind: jNumber, text: t.String(), start: start}, nil
	case string:
		return &jnode{kind: jString, text: t, start: start}, nil
	case json.Delim:
		switch t {
		case '[':
			n := &jnode{kind: jArray, elems: []*jnode{}, start: start}
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
			n := &jnode{kind: jObject, start: start}
			for d.dec.More() {
				at := d.next()
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
					n.vals[i], n.keyAt[i] = v, at
					continue
				}
				n.keys = append(n.keys, key)
				n.vals = append(n.vals, v)
				n.keyAt = append(n.keyAt, at)
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
