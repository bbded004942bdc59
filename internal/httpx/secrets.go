package httpx

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// minSecretLen is the shortest value scrubbed by value: shorter ones would hide ordinary words
// and numbers.
const minSecretLen = 4

// minPartial is the shortest end of a secret (in bytes of its text) that [Secrets.ScrubCut]
// hides at the end of a text that was cut.
const minPartial = 4

// minBase64Core is the shortest base64 run, taken from inside a secret's encoding, that is
// scrubbed on its own; shorter runs would match ordinary base64 text by chance.
const minBase64Core = 8

// Secrets is a set of secret values (a password, a token, a session token, a signature) that
// must not reach an error message, a trace or a log, and the scrubber that hides them. Servers
// and the proxies in front of them echo what they received — in a validation message, an HTML
// error page, a header — and not always as it was sent, so [Secrets.Scrub] finds each value
// not only as it is but in every encoding a server may echo it in:
//
//   - percent-encoded, as a query or a path encodes it, any subset of characters, either
//     case of hex digits, '+' for a space, and percent-encoded twice;
//   - JSON-escaped: \uXXXX (surrogate pairs too), \/, \", \n …, as %q escapes (\x1b);
//   - XML- and HTML-escaped: &amp; &lt; &quot; &#43; &#x2B; &plus; &sol; …;
//   - base64, standard and URL alphabets, with and without padding, also when the value sits
//     inside a longer encoded text (where only its middle is stable);
//   - and any two of the escapes layered: JSON inside JSON or XML, XML inside JSON or XML,
//     either inside a URL, a URL inside a URL (%2540).
//
// Scrub also hides anything shaped like a JWT. Values shorter than 4 bytes are not scrubbed,
// and a value of digits only (an MFA code) is not hidden inside a longer number.
// Add as soon as a secret is known, scrub before cutting text to a length (a cut secret no
// longer matches), and use [Secrets.ScrubCut] for text that was already cut.
//
// The zero value is an empty set ready to use. A Secrets is safe for concurrent use. The
// encodings are computed on the first Scrub after an Add, so adding is cheap on paths that
// never fail.
type Secrets struct {
	mu       sync.Mutex
	values   []string // as added, without duplicates, in order
	compiled int      // values[:compiled] are in pats
	pats     []pattern
	byFirst  map[rune][]int32 // pattern indexes by their first character
}

// pattern is one text a secret may appear as (the secret itself, or a fixed encoding of it),
// matched leniently by matchAt.
type pattern struct {
	text   string
	n      int  // length of the secret, for the marker
	digits bool // text is all digits (an MFA code): it must not sit inside a longer number
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// NewSecrets returns a set holding values.
func NewSecrets(values ...string) *Secrets {
	s := &Secrets{}
	s.Add(values...)
	return s
}

// Add puts values in the set; empty, short and repeated values are ignored.
func (s *Secrets) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) < minSecretLen || containsString(s.values, v) {
			continue
		}
		s.values = append(s.values, v)
	}
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Values returns the values in the set, in the order they were added.
func (s *Secrets) Values() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.values...)
}

// AddForm adds the secret fields of a form or query (WebIdentityToken, SAMLAssertion,
// TokenCode, X-Amz-Security-Token, X-Amz-Signature): the fields [RedactForm] hides.
func (s *Secrets) AddForm(form url.Values) {
	for name, values := range form {
		if secretFormFields[name] {
			s.Add(values...)
		}
	}
}

// AddHeader adds the secrets a request's or reply's headers carry — the headers
// [RedactHeader] hides: X-Amz-Security-Token, the signature of an AWS4 Authorization header,
// any other Authorization or Proxy-Authorization (whole, and the credentials after the scheme:
// a bearer token, basic credentials) and cookies (whole, and each cookie's value, not the
// attributes of a Set-Cookie).
func (s *Secrets) AddHeader(h http.Header) {
	for name, values := range h {
		canon := http.CanonicalHeaderKey(name)
		if !secretHeaders[canon] && canon != "Authorization" {
			continue
		}
		for _, v := range values {
			if m := signature.FindStringSubmatch(v); m != nil && strings.HasPrefix(v, "AWS4-") {
				s.Add(m[1])
				continue
			}
			s.Add(v)
			switch canon {
			case "Cookie", "Set-Cookie":
				cookies := strings.Split(v, ";")
				if canon == "Set-Cookie" {
					cookies = cookies[:1] // the rest are attributes: Path, Expires …
				}
				for _, c := range cookies {
					if _, val, ok := strings.Cut(c, "="); ok {
						s.Add(strings.Trim(strings.TrimSpace(val), `"`))
					}
				}
			default:
				if _, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
					s.Add(strings.TrimSpace(cred))
				}
			}
		}
	}
}

// AddBody adds the secret values a body carries by name — form fields for a form, JSON keys
// (PASSWORD, SECRET_HASH, IdToken, accessToken, Session …) and XML elements (SecretAccessKey,
// SessionToken …) otherwise: what [Redact] hides. A value cut off by the end of the body is
// added as far as it goes.
func (s *Secrets) AddBody(contentType string, body []byte) {
	if len(body) == 0 {
		return
	}
	if isForm(contentType) {
		form, _ := url.ParseQuery(string(body)) // keeps what parses
		s.AddForm(form)
		return
	}
	text := string(body)
	for _, v := range xmlSecretValues(text) {
		s.Add(v, xmlUnescape(v))
	}
	for _, v := range jsonSecretValues(text) {
		s.Add(v, jsonUnescape(v))
	}
}

// Scrub returns text with every secret of the set, in any of the encodings [Secrets] lists,
// and anything shaped like a JWT, replaced by [Redacted]. A nil set scrubs JWTs only.
func (s *Secrets) Scrub(text string) string { return s.scrub(text, false) }

// ScrubCut is Scrub for text whose end was cut off (a body cut at a size limit, a reply that
// stopped): a secret's beginning, of 4 bytes or more, at the very end is hidden too.
func (s *Secrets) ScrubCut(text string) string { return s.scrub(text, true) }

// ScrubError returns err with its text scrubbed: err itself when there is nothing to hide,
// else an error whose Error is the scrubbed text and whose Unwrap is err, so errors.Is and
// errors.As see through it. It is for errors that quote what a server sent and are no type of
// ours: Go's "malformed HTTP status code" quotes a status line, which may echo a secret.
func (s *Secrets) ScrubError(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if scrubbed := s.Scrub(text); scrubbed != text {
		return &scrubbedError{text: scrubbed, err: err}
	}
	return err
}

type scrubbedError struct {
	text string
	err  error
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }

// Writer returns a writer that passes each Write, scrubbed, to w. It sees one Write at a time:
// a secret split across two writes is not found, so write whole messages.
func (s *Secrets) Writer(w io.Writer) io.Writer { return &scrubWriter{s: s, w: w} }

type scrubWriter struct {
	s *Secrets
	w io.Writer
}

func (sw *scrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(sw.w, sw.s.Scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// jwtLike matches a compact JWS/JWT, which an error message or a proxy's page might quote;
// jwtCut matches the start of one at the end of a text that was cut.
var (
	jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)
	jwtCut  = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?\z`)
)

// span is a piece of text to hide.
type span struct{ start, end, n int }

func (s *Secrets) scrub(text string, cut bool) string {
	var spans []span
	if s != nil {
		pats, byFirst := s.compile()
		spans = findSpans(text, pats, byFirst, cut)
	}
	for _, re := range []*regexp.Regexp{jwtLike, jwtCut} {
		if re == jwtCut && !cut {
			continue
		}
		for _, m := range re.FindAllStringIndex(text, -1) {
			spans = append(spans, span{m[0], m[1], m[1] - m[0]})
		}
	}
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(text))
	pos := 0
	for i := 0; i < len(spans); {
		// Merge overlapping spans: every byte any of them covers is hidden.
		cur := spans[i]
		for i++; i < len(spans) && spans[i].start < cur.end; i++ {
			cur.end = max(cur.end, spans[i].end)
			cur.n = max(cur.n, spans[i].n)
		}
		b.WriteString(text[pos:cur.start])
		b.WriteString(Redacted(cur.n))
		pos = cur.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// compile computes the patterns of the values added since the last call.
func (s *Secrets) compile() ([]pattern, map[rune][]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.compiled == len(s.values) {
		return s.pats, s.byFirst
	}
	pats := append([]pattern(nil), s.pats...)
	for _, v := range s.values[s.compiled:] {
		for _, text := range encodedForms(v) {
			pats = append(pats, pattern{text: text, n: len(v), digits: allDigits(text)})
		}
	}
	s.compiled = len(s.values)
	byFirst := make(map[rune][]int32)
	for i, p := range pats {
		r, _ := utf8.DecodeRuneInString(p.text)
		byFirst[r] = append(byFirst[r], int32(i))
	}
	s.pats, s.byFirst = pats, byFirst
	return pats, byFirst
}

// encodedForms returns the texts v is looked for as: v itself (matchAt also accepts every
// percent, JSON and XML escape of each character, also inside a second encoding) and the
// encoding matchAt cannot undo, base64.
func encodedForms(v string) []string {
	forms := []string{v}
	add := func(f string) {
		if len(f) >= minSecretLen && !containsString(forms, f) {
			forms = append(forms, f)
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		add(enc.EncodeToString([]byte(v)))
		raw := enc.WithPadding(base64.NoPadding)
		add(raw.EncodeToString([]byte(v)))
		// Inside a longer encoded text, v starts at any of three offsets of a 3-byte group and
		// only the groups wholly inside v are its own: encode those, for each offset.
		for skip := 0; skip < 3 && skip < len(v); skip++ {
			rest := v[skip:]
			rest = rest[:len(rest)-len(rest)%3]
			if core := raw.EncodeToString([]byte(rest)); len(core) >= minBase64Core {
				add(core)
			}
		}
	}
	return forms
}

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
	case '\\':
		r, n, _ := decodeBackslash(t)
		add(r, n)
	case '&':
		r, n, _ := decodeEntity(t)
		add(r, n)
	case '%':
		r, n, _ := decodePercentRune(t)
		add(r, n)
	}
	switch c {
	case '\\', '&', '%':
		r, n, _ := decodeLayered(t)
		add(r, n)
	}
	return out
}

// matchAt matches pat against text from i, accepting for each character of pat the character
// itself or any escape of it (see matchRune), each step taken from *budget (it stops when that
// runs out). Where a character can be read more than one way
// (a '\' of the secret against `\\` in the text: an escaped backslash, or two), every reading
// is followed, up to maxReadings at a time. It returns where the match ended in text and how
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
				if l > 0 {
					next.add(p + l)
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

func (r *readings) add(p int) {
	for _, q := range r.at[:r.n] {
		if q == p {
			return
		}
	}
	if r.n < maxReadings {
		r.at[r.n] = p
		r.n++
	}
}

// matchRune reports how many bytes at the start of t may stand for the character r (whose
// UTF-8 bytes are raw), one length per reading (0 for none): a JSON or Go escape (\u00e9, \/,
// \n, \x1b) or an XML/HTML character reference (&#233; &#xE9; &amp;); r's bytes, each as it
// is or percent-encoded (either case; '+' for a space); r's bytes exactly; an escape inside a
// second encoding (decodeLayered). short reports that t ends before some reading could tell.
func matchRune(t string, r rune, raw string) (lens [4]int, short bool) {
	switch t[0] {
	case '\\':
		lens[0], short = matchBackslash(t, r)
	case '&':
		lens[0], short = matchEntity(t, r)
	}
	switch t[0] {
	case '\\', '&', '%':
		var sh bool
		lens[3], sh = matchLayered(t, r)
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

// matchLayered matches an escape of r that sits inside a second encoding (see decodeLayered).
func matchLayered(t string, r rune) (int, bool) {
	v, n, short := decodeLayered(t)
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
	inner := string(dec[:n])
	var r rune
	var m int
	var short bool
	switch dec[0] {
	case '\\':
		r, m, short = decodeBackslash(inner)
	case '&':
		r, m, short = decodeEntity(inner)
	case '%':
		r, m, short = decodePercentRune(inner)
	}
	if m == 0 {
		return 0, 0, short && p == len(t)
	}
	return r, ends[m-1], false
}

// mayBeLayered is a quick test that the start of t may hold a second layer: its first character
// decodes to an escape character, or is one followed by an escaped character.
func mayBeLayered(t string) bool {
	var r rune
	var n int
	switch t[0] {
	case '\\':
		r, n, _ = decodeBackslash(t)
	case '&':
		r, n, _ = decodeEntity(t)
	case '%':
		if len(t) >= 3 {
			if b, ok := unhex2(t[1], t[2]); ok {
				r, n = rune(b), 3
			}
		}
	default:
		return false
	}
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

// matchBackslash matches a JSON or Go escape of r at the start of t.
func matchBackslash(t string, r rune) (int, bool) {
	v, n, short := decodeBackslash(t)
	if n > 0 && v == r {
		return n, false
	}
	return 0, short
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

// matchEntity matches an XML or HTML character reference for r at the start of t.
func matchEntity(t string, r rune) (int, bool) {
	v, n, short := decodeEntity(t)
	if n > 0 && v == r {
		return n, false
	}
	return 0, short
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
