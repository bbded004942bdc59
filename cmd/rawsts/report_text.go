package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/rawsts/rawsts/internal/textsafe"
)

// The text helpers of the human reports (inspect, thumbprint): aligned tables, wrapping,
// values decoded from a token made safe for a terminal (times relative to now are jwtinspect.Relative).

// table writes aligned "  name  value" rows; a value of several lines is indented under the
// first.
type table struct {
	rows  [][2]string
	width int
}

func (t *table) add(name, value string) {
	t.rows = append(t.rows, [2]string{name, value})
	if n := len(name); n > t.width && n <= 32 {
		t.width = n
	}
}

func (t *table) write(w io.Writer) {
	for _, r := range t.rows {
		pad := t.width - len(r[0])
		if pad < 0 {
			pad = 0
		}
		lines := strings.Split(r[1], "\n")
		fmt.Fprintf(w, "  %s%s  %s\n", r[0], strings.Repeat(" ", pad), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %s  %s\n", strings.Repeat(" ", max(t.width, len(r[0]))), l)
		}
	}
}

// wrap breaks text into lines of at most width columns, each starting with indent.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if line != indent && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// orderedKeys returns m's keys: those in first (in that order) and then the rest sorted.
func orderedKeys(m map[string]any, first []string) []string {
	var keys []string
	for _, k := range first {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(first, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// renderValue shows a decoded JSON value: strings bare, lists one element a line ("- x"),
// objects as compact JSON.
func renderValue(v any) string {
	switch v := v.(type) {
	case string:
		return clean(v)
	case []any:
		if len(v) == 0 {
			return "[] (an empty list)"
		}
		lines := make([]string, len(v))
		for i, e := range v {
			lines[i] = "- " + renderScalar(e)
		}
		return strings.Join(lines, "\n")
	}
	return renderScalar(v)
}

func renderScalar(v any) string {
	if s, ok := v.(string); ok {
		return clean(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return clean(string(b))
}

// clean makes outside text (a token's claim, a discovery document's field, a certificate's
// subject) safe to print on a terminal: a string with control or other non-printable characters
// (those textsafe.OneLine escapes) is shown quoted, with escapes, so the reader sees it was.
func clean(s string) string {
	if textsafe.Printable(s) {
		return s
	}
	return strconv.Quote(s)
}

func thisToken(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return strconv.Quote(v)
	case []any:
		q := make([]string, len(v))
		for i, e := range v {
			q[i] = renderScalar(e)
			if s, ok := e.(string); ok {
				q[i] = strconv.Quote(s)
			}
		}
		return strings.Join(q, ", ")
	}
	return renderScalar(v)
}

func quoteAll(l []string) string {
	if len(l) == 0 {
		return "no keys"
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
