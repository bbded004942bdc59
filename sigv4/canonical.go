package sigv4

import (
	"net/url"
	"strconv"
	"strings"
)

const upperHex = "0123456789ABCDEF"

// unreserved reports whether c is left bare by SigV4's URI encoding: A-Z a-z 0-9 - _ . ~.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// appendEscape appends s percent-encoded: every byte outside the unreserved set becomes
// %XX with upper-case hex; '/' is kept when keepSlash is set.
func appendEscape(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendReescape appends s decoded and then encoded again: valid %XX escapes are decoded,
// '+' is a space when plusIsSpace, and the bytes are re-encoded by appendEscape. A '%' that
// does not start a valid escape is taken literally (and so encoded as %25). It never fails.
func appendReescape(dst []byte, s string, plusIsSpace, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s):
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				// A decoded byte is data: even a decoded '/' is encoded again.
				if c = hi<<4 | lo; unreserved(c) {
					dst = append(dst, c)
				} else {
					dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
				}
				i += 2
				continue
			}
		case c == '+' && plusIsSpace:
			c = ' '
		}
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// wirePath returns the request path as net/http sends it: u.Opaque when set (minus a
// "//host" authority), else u.EscapedPath(); "/" when empty.
func wirePath(u *url.URL) string {
	p := u.Opaque
	if p == "" {
		p = u.EscapedPath()
	} else if strings.HasPrefix(p, "//") {
		if i := strings.IndexByte(p[2:], '/'); i >= 0 {
			p = p[2+i:]
		} else {
			p = "/"
		}
	}
	if p == "" {
		return "/"
	}
	return p
}

// appendCanonicalURI appends the canonical URI of wire path p. With s3Escaping, the path
// is encoded once (decoded, re-encoded); otherwise the wire path is encoded again. With
// normalize, dot segments and empty segments are removed first.
func appendCanonicalURI(dst []byte, p string, s3Escaping, normalize bool) []byte {
	if normalize {
		p = normalizePath(p)
	}
	if s3Escaping {
		return appendReescape(dst, p, false, true)
	}
	return appendEscape(dst, p, true)
}

// normalizePath removes empty, "." and ".." segments of p (".." above the root stays at the
// root) and keeps a trailing slash. It returns p itself when there is nothing to remove.
func normalizePath(p string) string {
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") && p != "" && p[0] == '/' {
		return p
	}
	segs := strings.Split(p, "/")
	out := segs[:0]
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	var b strings.Builder
	b.Grow(len(p) + 1)
	for _, s := range out {
		b.WriteByte('/')
		b.WriteString(s)
	}
	if len(out) == 0 || strings.HasSuffix(p, "/") {
		b.WriteByte('/')
	}
	return b.String()
}

// CanonicalQuery returns the canonical form of a raw query string: split on '&', each name
// and value percent-decoded ('+' is a space) and re-encoded with the unreserved set (space
// as %20, upper-case hex), pairs sorted by encoded name then encoded value, "key" without
// '=' written "key=". Empty pairs are dropped. It accepts any input and never fails;
// canonicalising its own output returns the same string.
func CanonicalQuery(rawQuery string) string {
	return string(appendCanonicalQuery(nil, rawQuery, ""))
}

// appendCanonicalQuery appends the canonical query of raw, leaving out every pair whose
// encoded name is skip (Verify uses it to drop X-Amz-Signature).
func appendCanonicalQuery(dst []byte, raw, skip string) []byte {
	if raw == "" {
		return dst
	}
	// Each pair is the offsets of its encoded name scratch[a:b] and value scratch[b:c].
	type pair struct{ a, b, c int }
	var arr [16]pair
	pairs := arr[:0]
	scratch := make([]byte, 0, len(raw)+len(raw)/2)
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		a := len(scratch)
		scratch = appendReescape(scratch, name, true, false)
		b := len(scratch)
		scratch = appendReescape(scratch, value, true, false)
		pairs = append(pairs, pair{a, b, len(scratch)})
	}
	less := func(x, y pair) bool {
		xn, yn := string(scratch[x.a:x.b]), string(scratch[y.a:y.b])
		if xn != yn {
			return xn < yn
		}
		return string(scratch[x.b:x.c]) < string(scratch[y.b:y.c])
	}
	// Insertion sort: queries are short, and this keeps sort's interfaces off the heap.
	for i := 1; i < len(pairs); i++ {
		for j := i; j > 0 && less(pairs[j], pairs[j-1]); j-- {
			pairs[j-1], pairs[j] = pairs[j], pairs[j-1]
		}
	}
	first := true
	for _, p := range pairs {
		if skip != "" && string(scratch[p.a:p.b]) == skip {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, scratch[p.a:p.b]...)
		dst = append(dst, '=')
		dst = append(dst, scratch[p.b:p.c]...)
	}
	return dst
}

// headerEntry is one signed header: its name as found and where its value comes from.
type headerEntry struct {
	name   string
	values []string // fromRequest: the request's values in arrival order
	value  string   // fromSigner: a value the signer supplies
	src    valueSource
}

// valueSource says where appendCanonicalHeaders finds an entry's value. The date and the
// content length are written from build's own arguments rather than stored in the entry:
// a []byte or a formatted string there would escape to the heap, one allocation each.
type valueSource uint8

const (
	fromRequest       valueSource = iota // values
	fromSigner                           // value
	fromDate                             // the X-Amz-Date being signed
	fromContentLength                    // r.ContentLength in decimal
)

// lessFold reports whether a sorts before b when both are lower-cased (ASCII).
func lessFold(a, b string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := lower(a[i]), lower(b[i])
		if x != y {
			return x < y
		}
	}
	return len(a) < len(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func appendLower(dst []byte, s string) []byte {
	n := len(dst)
	dst = append(dst, s...)
	for i := n; i < len(dst); i++ {
		if c := dst[i]; 'A' <= c && c <= 'Z' {
			dst[i] = c + ('a' - 'A')
		}
	}
	return dst
}

// sortHeaders sorts entries by lower-cased name (insertion sort: a request has few headers).
func sortHeaders(h []headerEntry) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && lessFold(h[j].name, h[j-1].name); j-- {
			h[j-1], h[j] = h[j], h[j-1]
		}
	}
}

// appendHeaderValue appends v trimmed, with every inner run of whitespace (space, tab,
// CR, LF: folded continuation lines included) written as one space.
func appendHeaderValue(dst []byte, v string) []byte {
	if plainValue(v) {
		return append(dst, v...)
	}
	space := false
	wrote := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			space = true
			continue
		}
		if space && wrote {
			dst = append(dst, ' ')
		}
		space = false
		wrote = true
		dst = append(dst, c)
	}
	return dst
}

// plainValue reports whether v needs no trimming or folding: no tab, CR or LF, no space
// at either end, no two spaces in a row. It may say false for a plain value (any control
// byte does it), which only sends v the slow way.
func plainValue(v string) bool {
	i := 0
	// Eight bytes at a time while none is a space or a control byte, as in a session token:
	// a byte b < 0x21 is the only kind that sets its top bit in (x - 0x2121…) &^ x (a byte
	// of 0x80 or more has its top bit cleared by &^ x, and a borrow starts only below 0x21).
	// The shifts compile to one 8-byte load.
	for ; i+8 <= len(v); i += 8 {
		x := uint64(v[i]) | uint64(v[i+1])<<8 | uint64(v[i+2])<<16 | uint64(v[i+3])<<24 |
			uint64(v[i+4])<<32 | uint64(v[i+5])<<40 | uint64(v[i+6])<<48 | uint64(v[i+7])<<56
		if (x-0x2121212121212121)&^x&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(v); i++ {
		// One comparison per byte for the common case: only bytes up to ' ' need a look.
		if c := v[i]; c <= ' ' && (c != ' ' || i == 0 || i == len(v)-1 || v[i+1] == ' ') {
			return false
		}
	}
	return true
}

// appendCanonicalHeaders appends "name:value\n" for each sorted entry, then a blank line,
// then the signed-header list; it returns the offsets of that list in dst. date and length
// are the values of the fromDate and fromContentLength entries.
func appendCanonicalHeaders(dst []byte, h []headerEntry, date []byte, length int64) ([]byte, int, int) {
	// at[i] is where entry i's lower-cased name was written, or -1 when it repeats the one
	// before; the signed-header list copies the names from there instead of lower-casing
	// and comparing them again. Entries past the array's end take the slow way.
	var at [16]int
	prev, prevLen := 0, -1
	for i := range h {
		e := &h[i]
		start := len(dst)
		dst = appendLower(dst, e.name)
		if len(e.name) == prevLen && string(dst[start:]) == string(dst[prev:prev+prevLen]) {
			// The same name in two spellings: one line, the values joined by ','.
			dst = append(dst[:start-1], ',')
			start = -1
		} else {
			dst = append(dst, ':')
			prev, prevLen = start, len(e.name)
		}
		if i < len(at) {
			at[i] = start
		}
		switch e.src {
		case fromRequest:
			for j, v := range e.values {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = appendHeaderValue(dst, v)
			}
		case fromSigner:
			dst = appendHeaderValue(dst, e.value)
		case fromDate:
			dst = append(dst, date...)
		case fromContentLength:
			dst = strconv.AppendInt(dst, length, 10)
		}
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	start := len(dst)
	for i := range h {
		switch {
		case i < len(at) && at[i] < 0, i >= len(at) && equalFold(h[i].name, h[i-1].name):
			continue
		}
		if i > 0 { // not len(dst) > start: an empty first name still needs its ';'
			dst = append(dst, ';')
		}
		if i < len(at) {
			dst = append(dst, dst[at[i]:at[i]+len(h[i].name)]...)
		} else {
			dst = appendLower(dst, h[i].name)
		}
	}
	return dst, start, len(dst)
}

// skipHeader reports whether collectHeaders leaves header k out: one that is never signed
// (User-Agent, X-Amzn-Trace-Id, Expect, Authorization, Transfer-Encoding), Host and
// X-Amz-Date (the signer writes them), and X-Amz-Security-Token and X-Amz-Content-Sha256
// when the signer sets them (hasToken, hasHash). Switching on the length first means most
// names are settled by one comparison of integers.
func skipHeader(k string, hasToken, hasHash bool) bool {
	switch len(k) {
	case 4:
		return equalFold(k, "Host")
	case 6:
		return equalFold(k, "Expect")
	case 10:
		return equalFold(k, "User-Agent") || equalFold(k, "X-Amz-Date")
	case 13:
		return equalFold(k, "Authorization")
	case 15:
		return equalFold(k, "X-Amzn-Trace-Id")
	case 17:
		return equalFold(k, "Transfer-Encoding")
	case 20:
		return hasToken && equalFold(k, "X-Amz-Security-Token") ||
			hasHash && equalFold(k, "X-Amz-Content-Sha256")
	}
	return false
}
