package httpx

// How a secret is found in text: findSpans walks the text with a work budget, matchAt matches
// one pattern leniently (each character as it is or escaped, one or two layers deep), and the
// decoders read each kind of escape.

import (
	"strings"
	"unicode/utf8"
)

// findSpans finds every place text holds one of pats. With cut, a pattern's beginning that
// runs into the end of text counts too.
//
// Matching is linear in the text for real secrets, but a secret that repeats itself ("aaaa…",
// a run of backslashes) against a text built to match it at every position would take time in
// proportion to both lengths. So the work has a budget, workPerByte steps per byte of text:
// when it runs out, everything from there to the end of text is hidden, which leaks nothing
// and ends in time.
func findSpans(text string, pats []pattern, byFirst map[rune][]int32, cut bool) []span {
	var spans []span
	if len(byFirst) == 0 {
		return nil
	}
	budget := workPerByte*len(text) + minWork
	var buf [4]rune
	for i := 0; i < len(text); i++ {
		best := span{start: -1}
		budget -= stepCost(text[i])
		for _, r := range firstRunes(text[i:], &buf) {
			for _, pi := range byFirst[r] {
				p := pats[pi]
				budget -= 1 + len(p.text)/64 // the two HasPrefix below
				end, done := matchAt(text, i, p.text, &budget)
				if budget < 0 {
					return append(spans, span{i, len(text), len(text) - i})
				}
				switch {
				case done == len(p.text):
				case strings.HasPrefix(text[i:], p.text):
					end = i + len(p.text)
				case cut && end == len(text) && done >= minPartial:
				case cut && len(text)-i >= minPartial && strings.HasPrefix(p.text, text[i:]):
					end = len(text)
				default:
					continue
				}
				if p.digits && (i > 0 && isDigit(text[i-1]) || end < len(text) && isDigit(text[end])) {
					continue // a code inside a longer number: a request id, a timestamp
				}
				if end > best.end || best.start < 0 {
					best = span{i, end, p.n}
				}
			}
		}
		if best.start >= 0 {
			spans = append(spans, best)
		}
	}
	return spans
}

// workPerByte and minWork make the budget of findSpans: ordinary text, even dense with
// escapes, needs a few steps per byte.
const (
	workPerByte = 32
	minWork     = 1 << 16
)

// stepCost is the budget one character comparison at c takes: an escape character costs more,
// for the decoding it may start.
func stepCost(c byte) int {
	switch c {
	case '\\', '&', '%':
		return 16
	}
	return 1
}

// firstRunes returns the characters the start of t can stand for: itself, and what an escape
// there decodes to (see matchRune).
func firstRunes(t string, buf *[4]rune) []rune {
	c := t[0]
	out := buf[:0]
	if c < utf8.RuneSelf {
		out = append(out, rune(c))
	} else {
		r, _ := utf8.DecodeRuneInString(t)
		out = append(out, r)
	}
	add := func(r rune, n int) {
		for _, x := range out {
			if x == r {
				return
			}
		}
		if n > 0 && len(out) < cap(out) {
			out = append(out, r)
		}
	}
	switch c {
	case '+':
		add(' ', 1)
	case '\\', '&', '%':
		r, n, _ := decodeEscape(t)
		add(r, n)
		r, n, _ = decodeLayered(t)
		add(r, n)
	}
	return out
}

// matchAt matches pat against text from i, accepting for each character of pat the character
// itself or any escape of it (see matchRune), each step taken from *budget (it stops when that
// runs out). Where a character can be read more than one way
// (a '\' of the secret against `\\` in the text: an escaped backslash, or two), every reading
// is followed, up to maxReadings at a time (beyond that it gives up as when the budget runs
// out: everything from i on is hidden). It returns where the match ended in text and how
// many bytes of pat it covered: all of them for a match; fewer, with end == len(text), when
// the text ran out first; end == -1 for a mismatch.
func matchAt(text string, i int, pat string, budget *int) (end, done int) {
	var cur, next readings
	cur.add(i)
	for j := 0; j < len(pat); {
		r, size := utf8.DecodeRuneInString(pat[j:])
		next.n = 0
		short := false
		for _, p := range cur.at[:cur.n] {
			if p >= len(text) {
				short = true
				continue
			}
			*budget -= stepCost(text[p])
			if *budget < 0 {
				return -1, j
			}
			lens, sh := matchRune(text[p:], r, pat[j:j+size])
			short = short || sh
			for _, l := range lens {
				if l > 0 && !next.add(p+l) {
					// More readings than the set holds (a secret with a long run of characters
					// that read two ways, such as backslashes): the right one may be lost, so
					// spend the budget, and findSpans hides the rest of the text.
					*budget = -1
					return -1, j
				}
			}
		}
		if next.n == 0 {
			if short {
				return len(text), j
			}
			return -1, j
		}
		cur, next = next, cur
		j += size
	}
	end = -1
	for _, p := range cur.at[:cur.n] {
		end = max(end, p)
	}
	return end, len(pat)
}

const maxReadings = 8

// readings is a small set of positions in the text that the pattern so far can end at.
type readings struct {
	at [maxReadings]int
	n  int
}

// add adds p to the set; it reports false when p is new and the set is full.
func (r *readings) add(p int) bool {
	for _, q := range r.at[:r.n] {
		if q == p {
			return true
		}
	}
	if r.n == maxReadings {
		return false
	}
	r.at[r.n] = p
	r.n++
	return true
}

// matchRune reports how many bytes at the start of t may stand for the character r (whose
// UTF-8 bytes are raw), one length per reading (0 for none): a JSON or Go escape (\u00e9, \/,
// \n, \x1b) or an XML/HTML character reference (&#233; &#xE9; &amp;); r's bytes, each as it
// is or percent-encoded (either case; '+' for a space); r's bytes exactly; an escape inside a
// second encoding (decodeLayered). short reports that t ends before some reading could tell.
func matchRune(t string, r rune, raw string) (lens [4]int, short bool) {
	switch t[0] {
	case '\\':
		lens[0], short = matchWith(decodeBackslash, t, r)
	case '&':
		lens[0], short = matchWith(decodeEntity, t, r)
	}
	switch t[0] {
	case '\\', '&', '%':
		var sh bool
		lens[3], sh = matchWith(decodeLayered, t, r)
		short = short || sh
	}
	p := 0
	for k := 0; k < len(raw); k++ {
		if p >= len(t) {
			return lens, true
		}
		c := t[p]
		if c == '%' {
			if p+3 > len(t) {
				if c != raw[k] {
					return lens, true
				}
			} else if b, ok := unhex2(t[p+1], t[p+2]); ok && (b == raw[k] || b == '+' && raw[k] == ' ') {
				p += 3
				continue
			}
		}
		if c == raw[k] || c == '+' && raw[k] == ' ' {
			p++
			continue
		}
		p = 0
		break
	}
	lens[1] = p
	if strings.HasPrefix(t, raw) {
		lens[2] = len(raw)
	} else if len(t) < len(raw) && strings.HasPrefix(raw, t) {
		short = true
	}
	return lens, short
}

// matchWith reports the length of the escape of r that decode finds at the start of t (0 for
// none), and whether t ends too soon to tell.
func matchWith(decode func(string) (rune, int, bool), t string, r rune) (int, bool) {
	v, n, short := decode(t)
	if n > 0 && v == r {
		return n, false
	}
	return 0, short
}

// decodeLayered decodes, at the start of t, an escape whose escape character was itself
// escaped by a second encoding: JSON inside JSON (\\u00e9, \\\"), XML inside JSON
// (\u0026#43;), JSON inside XML (\&quot;), XML inside XML (&amp;amp;), either inside a URL
// (%5Cu00e9, %26%2343%3B) and a URL inside a URL (%2540). It returns the character, its length
// in t (0 for none), and whether t ends too soon to tell.
func decodeLayered(t string) (rune, int, bool) {
	if !mayBeLayered(t) {
		return 0, 0, false
	}
	// Undo one encoding over the first few characters, remembering where each decoded byte
	// ends in t.
	var dec [24]byte
	var ends [24]int
	n, p := 0, 0
	for n < len(dec)-utf8.UTFMax && p < len(t) {
		c := t[p]
		var r rune
		var m int
		switch c {
		case '\\':
			r, m, _ = decodeBackslash(t[p:])
		case '&':
			r, m, _ = decodeEntity(t[p:])
		case '%':
			if p+3 <= len(t) {
				if b, ok := unhex2(t[p+1], t[p+2]); ok {
					dec[n], ends[n] = b, p+3
					n++
					p += 3
					continue
				}
			}
		}
		if m == 0 {
			dec[n], ends[n] = c, p+1
			n++
			p++
			continue
		}
		k := utf8.EncodeRune(dec[n:], r)
		for i := n; i < n+k; i++ {
			ends[i] = p + m
		}
		n += k
		p += m
	}
	if n == 0 || ends[n-1] == n {
		return 0, 0, false // nothing was escaped: no second layer
	}
	r, m, short := decodeEscape(string(dec[:n]))
	if m == 0 {
		return 0, 0, short && p == len(t)
	}
	return r, ends[m-1], false
}

// decodeEscape decodes the escape at the start of t — a JSON or Go escape, a character
// reference, a percent-encoded character —: the character, its length (0 for none), and
// whether t ends too soon to tell.
func decodeEscape(t string) (rune, int, bool) {
	switch t[0] {
	case '\\':
		return decodeBackslash(t)
	case '&':
		return decodeEntity(t)
	case '%':
		return decodePercentRune(t)
	}
	return 0, 0, false
}

// mayBeLayered is a quick test that the start of t may hold a second layer: its first character
// decodes to an escape character, or is one followed by an escaped character.
func mayBeLayered(t string) bool {
	if t[0] != '\\' && t[0] != '&' && t[0] != '%' {
		return false
	}
	r, n, _ := decodeEscape(t)
	if n == 0 {
		return len(t) > 1 && (t[1] == '\\' || t[1] == '&' || t[1] == '%')
	}
	return r == '\\' || r == '&' || r == '%'
}

// decodePercentRune decodes one whole percent-encoded character at the start of t (%40,
// %C3%A9).
func decodePercentRune(t string) (rune, int, bool) {
	var b [utf8.UTFMax]byte
	k, p := 0, 0
	for k < len(b) {
		if p+3 > len(t) {
			return 0, 0, p < len(t) || k > 0
		}
		x, ok := unhex2(t[p+1], t[p+2])
		if t[p] != '%' || !ok {
			return 0, 0, false
		}
		b[k] = x
		k++
		p += 3
		if utf8.FullRune(b[:k]) {
			break
		}
	}
	r, size := utf8.DecodeRune(b[:k])
	if r == utf8.RuneError && size <= 1 {
		return 0, 0, false
	}
	return r, p, false
}

// decodeBackslash decodes a JSON or Go escape at the start of t (\u00e9, \uD83D\uDE00,
// \U0001F511, \x1b, \/, \n …): the character, its length (0 for none), and whether t ends too
// soon to tell.
func decodeBackslash(t string) (rune, int, bool) {
	if len(t) < 2 {
		return 0, 0, true
	}
	switch t[1] {
	case 'u':
		v, n, short := hexRun(t, 2, 4)
		if short || n == 0 {
			return 0, 0, short
		}
		if v >= 0xd800 && v < 0xdc00 { // a surrogate pair: \uD83D\uDE00
			if len(t) < 12 {
				return 0, 0, true
			}
			lo, m, short := hexRun(t, 8, 4)
			if t[6] != '\\' || t[7] != 'u' || short || m == 0 || lo < 0xdc00 || lo >= 0xe000 {
				return 0, 0, short
			}
			return rune(0x10000 + (v-0xd800)<<10 + (lo - 0xdc00)), 12, false
		}
		return rune(v), n, false
	case 'U':
		v, n, short := hexRun(t, 2, 8)
		return rune(v), n, short
	case 'x':
		v, n, short := hexRun(t, 2, 2)
		return rune(v), n, short
	}
	if e, ok := backslashEscapes[t[1]]; ok {
		return e, 2, false
	}
	return 0, 0, false
}

var backslashEscapes = map[byte]rune{
	'"': '"', '\\': '\\', '/': '/', '\'': '\'', 'n': '\n', 'r': '\r', 't': '\t', 'b': '\b',
	'f': '\f', 'a': '\a', 'v': '\v',
}

// hexRun reads exactly n hex digits of t from i: the value, i+n as the length consumed (0
// when they are not hex digits), and short when t ends first.
func hexRun(t string, i, n int) (v, end int, short bool) {
	if len(t) < i+n {
		return 0, 0, true
	}
	for _, c := range []byte(t[i : i+n]) {
		d, ok := unhex(c)
		if !ok {
			return 0, 0, false
		}
		v = v<<4 | int(d)
	}
	return v, i + n, false
}

// decodeEntity decodes an XML or HTML character reference at the start of t (&#43; &#x2B;
// &plus; &amp;): the character, its length (0 for none), and whether t ends too soon to tell.
func decodeEntity(t string) (rune, int, bool) {
	semi := strings.IndexByte(t[:min(len(t), 16)], ';')
	if semi < 0 {
		return 0, 0, len(t) < 16
	}
	ref := t[1:semi]
	var v rune = -1
	switch {
	case len(ref) > 2 && (ref[:2] == "#x" || ref[:2] == "#X"):
		v = parseRef(ref[2:], 16)
	case len(ref) > 1 && ref[0] == '#':
		v = parseRef(ref[1:], 10)
	default:
		if e, ok := namedEntities[ref]; ok {
			v = e
		}
	}
	if v < 0 || !utf8.ValidRune(v) {
		return 0, 0, false
	}
	return v, semi + 1, false
}

func parseRef(digits string, base int) rune {
	var v rune
	for _, c := range []byte(digits) {
		d, ok := unhex(c)
		if !ok || int(d) >= base || v > utf8.MaxRune {
			return -1
		}
		v = v*rune(base) + rune(d)
	}
	return v
}

// namedEntities are the XML entities and the HTML ones for ASCII punctuation, which
// escapers that encode every non-alphanumeric character use.
var namedEntities = map[string]rune{
	"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'', "excl": '!', "num": '#',
	"dollar": '$', "percnt": '%', "lpar": '(', "rpar": ')', "ast": '*', "plus": '+',
	"comma": ',', "period": '.', "sol": '/', "colon": ':', "semi": ';', "equals": '=',
	"quest": '?', "commat": '@', "lsqb": '[', "lbrack": '[', "bsol": '\\', "rsqb": ']',
	"rbrack": ']', "Hat": '^', "lowbar": '_', "grave": '`', "lcub": '{', "lbrace": '{',
	"verbar": '|', "vert": '|', "rcub": '}', "rbrace": '}', "nbsp": '\u00a0', "hyphen": '-',
	"dash": '-', "Tab": '\t', "NewLine": '\n',
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

func unhex2(a, b byte) (byte, bool) {
	x, ok1 := unhex(a)
	y, ok2 := unhex(b)
	return x<<4 | y, ok1 && ok2
}

// xmlUnescape undoes the escapes of XML text: character references and named entities.
func xmlUnescape(v string) string {
	if !strings.Contains(v, "&") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if v[i] == '&' {
			if r, n, _ := decodeEntity(v[i:]); n > 0 {
				b.WriteRune(r)
				i += n
				continue
			}
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String()
}

// jsonUnescape decodes the inside of a JSON string; a value cut short (a dangling backslash or
// \u escape) is decoded as far as it goes, and text that is not valid JSON is returned as it is.
func jsonUnescape(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if v[i] != '\\' {
			b.WriteByte(v[i])
			i++
			continue
		}
		if i+1 >= len(v) {
			break
		}
		if v[i+1] == 'u' {
			x, end, short := hexRun(v[i:], 2, 4)
			if short || end == 0 {
				if short {
					break
				}
				return v
			}
			r := rune(x)
			if x >= 0xd800 && x < 0xdc00 && i+12 <= len(v) && v[i+6] == '\\' && v[i+7] == 'u' {
				if lo, end2, _ := hexRun(v[i:], 8, 4); end2 > 0 && lo >= 0xdc00 && lo < 0xe000 {
					r = rune(0x10000 + (x-0xd800)<<10 + (lo - 0xdc00))
					end = 12
				}
			}
			b.WriteRune(r)
			i += end
			continue
		}
		e, ok := backslashEscapes[v[i+1]]
		if !ok {
			return v
		}
		b.WriteRune(e)
		i += 2
	}
	return b.String()
}
