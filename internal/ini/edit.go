package ini

import (
	"fmt"
	"strings"
)

// Edit is one change to a key of a section: set it to Value, or delete it.
type Edit struct {
	// Key is the key, e.g. "aws_session_token"; it is written lower-cased.
	Key string
	// Value is the new value. It may not hold a line break or start or end with a blank (the
	// reader would trim it).
	Value string
	// Delete removes the key (and its continuation lines) instead; a key that is not there is
	// no error.
	Delete bool
}

// Update returns data with the edits applied to the section named section, and every other
// byte as it was: other sections, comments, blank lines, order, line endings. A key already
// in the section is rewritten in place (keeping its indentation and line ending, dropping its
// continuation lines); a new key goes after the section's last key; a new section goes at the
// end of the file after a blank line. data must be a file [Parse] accepts, so that an edit
// never builds on a misreading. Lines are ended with "\r\n" when the file's first line is.
func Update(data []byte, section string, edits []Edit) ([]byte, error) {
	if err := checkName(section); err != nil {
		return nil, err
	}
	for _, e := range edits {
		if err := checkEdit(e); err != nil {
			return nil, err
		}
	}
	if _, err := Parse(data); err != nil {
		return nil, err
	}
	lines, _ := Scan(data)
	eol := "\n"
	if len(lines) > 0 && strings.HasSuffix(lines[0].Raw, "\r\n") {
		eol = "\r\n"
	}
	start, end := sectionRange(lines, section)
	if start < 0 {
		var b strings.Builder
		b.Write(data)
		if n := len(lines); n > 0 {
			if !strings.HasSuffix(lines[n-1].Raw, "\n") {
				b.WriteString(eol)
			}
			if lines[n-1].Kind != Blank {
				b.WriteString(eol)
			}
		}
		b.WriteString("[" + section + "]" + eol)
		for _, e := range edits {
			if !e.Delete {
				b.WriteString(keyLine("", e, eol))
			}
		}
		return []byte(b.String()), nil
	}
	sec := append([]Line(nil), lines[start:end]...)
	for _, e := range edits {
		sec = apply(sec, e, eol)
	}
	var b strings.Builder
	for _, l := range lines[:start] {
		b.WriteString(l.Raw)
	}
	for _, l := range sec {
		b.WriteString(l.Raw)
	}
	for _, l := range lines[end:] {
		b.WriteString(l.Raw)
	}
	return []byte(b.String()), nil
}

// sectionRange returns the lines [start, end) of the section named name, header included,
// or -1, -1.
func sectionRange(lines []Line, name string) (int, int) {
	start := -1
	for i, l := range lines {
		if l.Kind != Section {
			continue
		}
		if start >= 0 {
			return start, i
		}
		if l.Name == name {
			start = i
		}
	}
	if start < 0 {
		return -1, -1
	}
	return start, len(lines)
}

// apply makes one edit to the lines of a section (its header first).
func apply(lines []Line, e Edit, eol string) []Line {
	key := strings.ToLower(e.Key)
	for i, l := range lines {
		if l.Kind != Key || l.Name != key {
			continue
		}
		j := i + 1
		for j < len(lines) && (lines[j].Kind == Continuation || (lines[j].Kind != Key && lines[j].Kind != Section && continues(lines, j))) {
			j++
		}
		out := append([]Line(nil), lines[:i]...)
		if !e.Delete {
			end := l.Raw[len(strings.TrimRight(l.Raw, "\r\n")):]
			if end == "" && j < len(lines) {
				end = eol
			}
			out = append(out, Line{Kind: Key, Name: key, Value: e.Value, Raw: keyLine(l.Raw[:l.indent], e, "") + end})
		}
		return append(out, lines[j:]...)
	}
	if e.Delete {
		return lines
	}
	// After the last key (or its continuation), else right after the header.
	at := 1
	for i, l := range lines {
		if l.Kind == Key || l.Kind == Continuation {
			at = i + 1
		}
	}
	out := append([]Line(nil), lines[:at]...)
	if last := &out[at-1]; !strings.HasSuffix(last.Raw, "\n") {
		last.Raw += eol
	}
	out = append(out, Line{Kind: Key, Name: key, Value: e.Value, Raw: keyLine("", e, eol)})
	return append(out, lines[at:]...)
}

// continues reports whether the blank or comment line j sits inside a multi-line value: a
// continuation line follows it before any key or section.
func continues(lines []Line, j int) bool {
	for ; j < len(lines); j++ {
		switch lines[j].Kind {
		case Continuation:
			return true
		case Key, Section:
			return false
		}
	}
	return false
}

// keyLine writes "indent key = value" and eol.
func keyLine(indent string, e Edit, eol string) string {
	return indent + strings.ToLower(e.Key) + " = " + e.Value + eol
}

// checkName refuses a section name the reader would read back differently.
func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) != name || name == "":
		return fmt.Errorf("ini: section name %q is empty or starts or ends with a blank", name)
	case strings.ContainsAny(name, "]\r\n"):
		return fmt.Errorf("ini: section name %q holds ']' or a line break", name)
	}
	return nil
}

// checkEdit refuses a key or value the reader would read back differently. The message
// never quotes the value, which may be a secret.
func checkEdit(e Edit) error {
	k := e.Key
	switch {
	case k == "" || strings.TrimSpace(k) != k || strings.ContainsAny(k, "=:[]\r\n\t ") || k[0] == '#' || k[0] == ';':
		return fmt.Errorf("ini: %q is not a key this file format can hold", k)
	case e.Delete:
		return nil
	case strings.ContainsAny(e.Value, "\r\n"):
		return fmt.Errorf("ini: the value of %s holds a line break", k)
	case strings.TrimSpace(e.Value) != e.Value:
		return fmt.Errorf("ini: the value of %s starts or ends with a blank, which the reader would drop", k)
	}
	return nil
}
