package textsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// OneLine returns s with every character that is not printable escaped as %q escapes it: \n,
// \r, \t, \x1b, \u2028, \u202e …, and each byte that is not UTF-8 as \xNN. Printable
// characters, non-ASCII letters included, are kept, and so are backslashes and quotes; the
// result has no control characters, so it prints on one line. OneLine(OneLine(s)) ==
// OneLine(s).
func OneLine(s string) string { return escape(s, false) }

// Line is [OneLine] but keeps horizontal tabs: for one line of a multi-line display, such as
// a line of a body in a trace, whose layout tabs may carry. Split the text on "\n" first.
func Line(s string) string { return escape(s, true) }

// Printable reports whether s has nothing [OneLine] would escape.
func Printable(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !printable(r, size) {
			return false
		}
		i += size
	}
	return true
}

// printable reports whether the rune r, read as size bytes, prints as itself.
func printable(r rune, size int) bool {
	if r == utf8.RuneError && size == 1 {
		return false
	}
	return r == ' ' || strconv.IsPrint(r)
}

func escape(s string, keepTab bool) string {
	// Most text is clean: return it as it is, without allocating.
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f || keepTab && c == '\t' {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !printable(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f || keepTab && c == '\t' {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case printable(r, size):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		default:
			// QuoteRune gives the escape %q would write: '\n', '\x1b', '\u202e'.
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

const hexDigits = "0123456789abcdef"
