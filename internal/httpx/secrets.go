package httpx

import (
	"encoding/base64"
	"errors"
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
	digits bool // the secret itself is all digits (an MFA code): it must not sit inside a longer number
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
// stopped): a secret's beginning, of 4 bytes or more, at the very end is hidden too — at the
// end before any blanks and line ends, which a server or proxy may add after its own cut.
func (s *Secrets) ScrubCut(text string) string {
	// A secret may itself hold blanks (a password "… "), so a cut secret is looked for at the
	// very end and before the trailing blanks, in one pass over the text.
	spans := s.spans(text, true)
	if body := strings.TrimRight(text, " \t\r\n"); body != text {
		spans = append(spans, s.spans(body, true)...)
	}
	return hide(text, spans)
}

// ScrubError returns err with its text scrubbed: err itself when there is nothing to hide,
// else an error whose Error is the scrubbed text and whose Unwrap is err, so errors.Is and
// errors.As see through it. It is for errors that quote what a server sent and are no type of
// ours: Go's "malformed HTTP status code" quotes a status line, which may echo a secret. The
// Location of a [*RedirectError] in err's chain is scrubbed in place.
func (s *Secrets) ScrubError(err error) error {
	if err == nil {
		return nil
	}
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		redirect.Location = s.Scrub(redirect.Location)
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

// jwtLike matches a compact JWS/JWT (three segments) or JWE (five: a Cognito refresh token),
// which an error message or a proxy's page might quote; jwtCut matches the start of one at the
// end of a text that was cut.
var (
	jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?`)
	jwtCut  = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?\z`)
)

// span is a piece of text to hide.
type span struct{ start, end, n int }

func (s *Secrets) scrub(text string, cut bool) string { return hide(text, s.spans(text, cut)) }

// spans finds what scrub hides in text: the set's secrets in any encoding, and JWTs (with cut,
// their beginnings at the end of text too).
func (s *Secrets) spans(text string, cut bool) []span {
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
	return spans
}

// hide returns text with every byte any of spans covers replaced by [Redacted], overlapping
// spans merged into one.
func hide(text string, spans []span) string {
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
			pats = append(pats, pattern{text: text, n: len(v), digits: text == v && allDigits(v)}) // a numeric code itself, not a base64 form that happens to be digits
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
