package trustpolicy

import (
	"bytes"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Span is a range of bytes of a [Source]'s Text: Text[Start:End].
type Span struct {
	Start, End int
}

// Source maps the elements of a policy document to where they are written in its text, so
// that a page or an editor can point at the element a check, a lint finding or a parse error
// names. It reads the same forms as [Parse] and locates the paths [ParseError.Path],
// [Finding.Location] and the checks of a diagnosis use ("Statement[0].Condition.StringLike.
// token.actions.githubusercontent.com:sub"). It decides nothing about the policy: a document
// Parse refuses for what it says (a missing Effect) still has a Source.
type Source struct {
	// Text is the JSON text the spans index: the input as given, or, when the document is
	// URL-encoded or is a string in `aws iam get-role` output, the document decoded.
	Text string
	// Decoded says how Text was obtained from the input when it is not the input itself:
	// "URL-decoded", "the AssumeRolePolicyDocument string of get-role output", or both
	// joined; "" when Text is the input.
	Decoded string

	root *jnode // the input's JSON value, nil when Text is a document decoded from a string
	doc  *jnode // the policy document
}

// ParseSource decodes data as [Parse] does, keeping where each element is. The error is a
// *ParseError or ErrEmpty when data is not a JSON object (Parse then fails the same way);
// the document's own rules are not checked.
func ParseSource(data []byte) (*Source, error) {
	return parseSource(data, "")
}

func parseSource(data []byte, decoded string) (*Source, error) {
	text, note := data, decoded
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, ErrEmpty
	}
	if hasFoldPrefix(trimmed, "%7b") {
		s, err := url.PathUnescape(string(trimmed))
		if err != nil {
			return nil, &ParseError{Msg: "URL-encoded document does not decode: " + err.Error()}
		}
		text, note = []byte(s), joinNote(note, "URL-decoded")
	}
	// decodeDocument refuses what Parse refuses (a byte-order mark, text that is not UTF-8, a
	// value that is not an object); its offsets are those of the trimmed text.
	root, _, err := decodeDocument(text)
	if err != nil {
		return nil, err
	}
	shift(root, len(text)-len(bytes.TrimLeftFunc(text, unicode.IsSpace)))
	src := &Source{Text: string(text), Decoded: note, root: root, doc: root}
	var role *jnode
	switch {
	case root.get("Role") != nil && root.get("Statement") == nil:
		role = root.get("Role")
	case root.get("AssumeRolePolicyDocument") != nil:
		role = root
	}
	if role == nil {
		return src, nil
	}
	if role.kind != jObject || role.get("AssumeRolePolicyDocument") == nil {
		return src, nil // Parse refuses it; the paths it names are the input's own
	}
	doc := role.get("AssumeRolePolicyDocument")
	if doc.kind == jString {
		return parseSource([]byte(doc.text), joinNote(note, "the AssumeRolePolicyDocument string of get-role output"))
	}
	src.doc = doc
	return src, nil
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// shift moves every offset of the tree by n bytes.
func shift(n *jnode, by int) {
	if by == 0 {
		return
	}
	n.start += by
	n.end += by
	for i := range n.keyAt {
		n.keyAt[i] += by
	}
	for _, e := range n.elems {
		shift(e, by)
	}
	for _, v := range n.vals {
		shift(v, by)
	}
}

// Locate returns where the element at path is written: for an object member, from its key's
// opening quote to the end of its value; for a list element or the document, the value. path
// is relative to the policy document ("Statement[1].Condition", "Statement[0].Condition.
// StringLike.KEY" with the key as written, dots and all), or, for get-role output, to the
// input ("Role.MaxSessionDuration"), as ParseError paths are. "Statement[0]" also names a
// Statement given as a single object. ok is false when the document has no such element.
func (s *Source) Locate(path string) (Span, bool) {
	if path == "" {
		return Span{s.doc.start, s.doc.end}, true
	}
	if sp, ok := locateIn(s.doc, path); ok {
		return sp, true
	}
	if s.root != nil && s.root != s.doc {
		return locateIn(s.root, path)
	}
	return Span{}, false
}

// Nearest is Locate for an element that may not be written: a lint finding about a missing
// element ("Statement[0].Condition" of a statement without one) names where it belongs. It
// returns the span of path, or else of its nearest enclosing element that is written, and
// the path found.
func (s *Source) Nearest(path string) (Span, string, bool) {
	for {
		if sp, ok := s.Locate(path); ok {
			return sp, path, true
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return Span{}, "", false
		}
		path = path[:i]
	}
}

// Statement returns where statement i of the document is written.
func (s *Source) Statement(i int) (Span, bool) {
	return s.Locate("Statement[" + strconv.Itoa(i) + "]")
}

// Clause returns where a condition key is written under an operator of statement i: the
// clause a [ClauseResult] explains.
func (s *Source) Clause(i int, operator, key string) (Span, bool) {
	return s.Locate("Statement[" + strconv.Itoa(i) + "].Condition." + operator + "." + key)
}

// locateIn resolves path inside n: "[i]…" an element of a list (or, for i = 0, an object
// standing for a list of one), anything else the key of a member, which may be "" (a path
// ending in "." names the empty key, as join writes it).
func locateIn(n *jnode, path string) (Span, bool) {
	if path != "" && path[0] == '[' {
		end := strings.IndexByte(path, ']')
		if end < 0 {
			return Span{}, false
		}
		i, err := strconv.Atoi(path[1:end])
		if err != nil || i < 0 {
			return Span{}, false
		}
		switch {
		case n.kind == jArray && i < len(n.elems):
			return after(n.elems[i], path[end+1:], -1)
		case n.kind == jObject && i == 0:
			// A Statement written as one object is Statement[0] to Parse.
			return after(n, path[end+1:], -1)
		}
		return Span{}, false
	}
	if n.kind != jObject {
		return Span{}, false
	}
	// A key may hold dots ("token.actions.githubusercontent.com:sub"): try the keys the path
	// starts with, longest first.
	var cands []int
	for i, k := range n.keys {
		if path == k || strings.HasPrefix(path, k+".") || strings.HasPrefix(path, k+"[") {
			cands = append(cands, i)
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return len(n.keys[cands[a]]) > len(n.keys[cands[b]]) })
	for _, i := range cands {
		if sp, ok := after(n.vals[i], path[len(n.keys[i]):], n.keyAt[i]); ok {
			return sp, true
		}
	}
	return Span{}, false
}

// after resolves what follows an element or a member in a path: "" is the element itself
// (a member from its key, at keyAt, when keyAt >= 0), ".KEY…" a member of it, "[i]…" an
// element of it.
func after(v *jnode, rest string, keyAt int) (Span, bool) {
	switch {
	case rest == "" && keyAt >= 0:
		return Span{keyAt, v.end}, true
	case rest == "":
		return Span{v.start, v.end}, true
	case rest[0] == '.':
		return locateIn(v, rest[1:])
	case rest[0] == '[':
		return locateIn(v, rest)
	}
	return Span{}, false
}
