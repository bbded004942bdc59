package ini

import (
	"fmt"
	"strings"
)

// Kind is what a line of an INI file is.
type Kind int

// The kinds of line.
const (
	Blank        Kind = iota // empty, or blanks only
	Comment                  // first non-blank character '#' or ';'
	Section                  // "[NAME]"
	Key                      // "key = value" or "key: value"
	Continuation             // indented deeper than its key line: more of that key's value
)

// Line is one line of a file as written.
type Line struct {
	// Num is the line number, from 1.
	Num int
	// Raw is the line exactly as in the file, its line ending ("\n" or "\r\n") included; the
	// last line of a file may have none.
	Raw string
	// Kind says what the line is.
	Kind Kind
	// Name is the section's name (Section) or the key, lower-cased (Key).
	Name string
	// Value is the key's value (Key) or the continued text (Continuation), trimmed.
	Value string
	// indent is the number of leading blanks.
	indent int
}

// SyntaxError is a line the AWS CLI would refuse. It names the line, never its text, which
// may hold a secret key.
type SyntaxError struct {
	// Line is the line number, from 1.
	Line int
	// Problem says what is wrong, e.g. "want key = value".
	Problem string
}

// Error returns "line N: PROBLEM".
func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Problem) }

// Scan splits data into lines and says what each is. It fails on the first line the AWS CLI
// would refuse, with a [*SyntaxError]. Joining the Raw of every line gives data back.
func Scan(data []byte) ([]Line, error) {
	var lines []Line
	inSection := false
	keyIndent := -1 // indent of the current key line; -1 when no key can be continued
	text := string(data)
	for n := 1; len(text) > 0; n++ {
		raw := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			raw = text[:i+1]
		}
		text = text[len(raw):]
		l := Line{Num: n, Raw: raw}
		body := strings.TrimRight(raw, "\r\n")
		trimmed := strings.TrimSpace(body)
		l.indent = len(body) - len(strings.TrimLeft(body, " \t"))
		switch {
		case trimmed == "":
			l.Kind = Blank
		case trimmed[0] == '#' || trimmed[0] == ';':
			l.Kind = Comment
		case keyIndent >= 0 && l.indent > keyIndent:
			l.Kind, l.Value = Continuation, trimmed
		case trimmed[0] == '[':
			end := strings.LastIndexByte(trimmed, ']')
			if end < 0 {
				return nil, &SyntaxError{Line: n, Problem: "section header without ']'"}
			}
			l.Kind, l.Name = Section, strings.TrimSpace(trimmed[1:end])
			if l.Name == "" {
				return nil, &SyntaxError{Line: n, Problem: "section header without a name"}
			}
			inSection, keyIndent = true, -1
		default:
			i := strings.IndexAny(trimmed, "=:")
			switch {
			case i < 0:
				return nil, &SyntaxError{Line: n, Problem: "want key = value"}
			case !inSection:
				return nil, &SyntaxError{Line: n, Problem: "key outside any [profile] section"}
			}
			l.Kind = Key
			l.Name = strings.ToLower(strings.TrimSpace(trimmed[:i]))
			l.Value = strings.TrimSpace(trimmed[i+1:])
			if l.Name == "" {
				return nil, &SyntaxError{Line: n, Problem: "key without a name before '" + trimmed[i:i+1] + "'"}
			}
			keyIndent = l.indent
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// File is a parsed file: its sections in file order.
type File struct {
	Sections []SectionData
}

// SectionData is one section and its keys in file order.
type SectionData struct {
	// Name is the section's name, e.g. "profile ci" or "default".
	Name string
	// Line is the line number of its header.
	Line int
	// Keys are its keys in file order.
	Keys []KeyValue
}

// KeyValue is one key of a section.
type KeyValue struct {
	// Name is the key, lower-cased.
	Name string
	// Value is its value, trimmed; the continuation lines of a multi-line value follow on
	// their own lines ("\nmax_concurrent_requests = 20" for a nested setting).
	Value string
	// Line is the line number of the key.
	Line int
}

// Get returns the value of key (lower-case) and whether the section has it.
func (s *SectionData) Get(key string) (string, bool) {
	for _, kv := range s.Keys {
		if kv.Name == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Parse reads a file's sections and keys. Besides the errors of [Scan], a section or a key
// given twice is a [*SyntaxError] naming both lines.
func Parse(data []byte) (*File, error) {
	lines, err := Scan(data)
	if err != nil {
		return nil, err
	}
	f := &File{}
	seen := map[string]int{}
	var cur *SectionData
	var keys map[string]int
	for _, l := range lines {
		switch l.Kind {
		case Section:
			if first, ok := seen[l.Name]; ok {
				return nil, &SyntaxError{Line: l.Num, Problem: fmt.Sprintf("section [%s] repeats line %d", l.Name, first)}
			}
			seen[l.Name] = l.Num
			f.Sections = append(f.Sections, SectionData{Name: l.Name, Line: l.Num})
			cur, keys = &f.Sections[len(f.Sections)-1], map[string]int{}
		case Key:
			if first, ok := keys[l.Name]; ok {
				return nil, &SyntaxError{Line: l.Num, Problem: fmt.Sprintf("key %s repeats line %d in [%s]", l.Name, first, cur.Name)}
			}
			keys[l.Name] = l.Num
			cur.Keys = append(cur.Keys, KeyValue{Name: l.Name, Value: l.Value, Line: l.Num})
		case Continuation:
			kv := &cur.Keys[len(cur.Keys)-1]
			kv.Value += "\n" + l.Value
		}
	}
	return f, nil
}

// Section returns the section named name, or nil.
func (f *File) Section(name string) *SectionData {
	for i := range f.Sections {
		if f.Sections[i].Name == name {
			return &f.Sections[i]
		}
	}
	return nil
}
