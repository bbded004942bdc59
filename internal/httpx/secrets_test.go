package httpx

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
)

// Secrets of the shapes rawsts handles, each with characters that encodings change.
var testSecrets = []struct{ name, value string }{
	{"password", `p@ss/w+rd "é" <&>\ ~x`},
	{"session token", "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE/Zx9=="},
	{"secret key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
	{"opaque token", "opaque-secret-access-token-value"},
	{"astral", "pw-\U0001F511-key\u2028end"},
}

// echoes are the ways a server may write back a value it received.
var echoes = []struct {
	name string
	enc  func(string) string
}{
	{"raw", func(s string) string { return s }},
	{"query escape", url.QueryEscape},
	{"path escape", url.PathEscape},
	{"query escape, lower-case hex", func(s string) string { return lowerHex(url.QueryEscape(s)) }},
	{"RFC 3986, space as %20", func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }},
	{"every byte percent-encoded", func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	}},
	{"query escape twice", func(s string) string { return url.QueryEscape(url.QueryEscape(s)) }},
	{"JSON (Go, HTML-safe)", jsonString},
	{"JSON without HTML escapes", func(s string) string {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		e.Encode(s)
		return strings.TrimSpace(b.String())
	}},
	{`JSON with \/`, func(s string) string { return strings.ReplaceAll(jsonString(s), "/", `\/`) }},
	{"JSON, ASCII only, upper-case hex", func(s string) string { return asciiJSON(s, "%04X") }},
	{"JSON, every character as \\u", func(s string) string {
		var b strings.Builder
		for _, u := range utf16.Encode([]rune(s)) {
			fmt.Fprintf(&b, `\u%04x`, u)
		}
		return b.String()
	}},
	{"Go %q", strconv.Quote},
	{"XML text (encoding/xml)", func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}},
	{"HTML (html.EscapeString)", html.EscapeString},
	{"XML named entities", xmlEscape},
	{"decimal references for every non-alphanumeric", func(s string) string { return references(s, "&#%d;") }},
	{"hex references for every non-alphanumeric", func(s string) string { return references(s, "&#x%X;") }},
	{"HTML5 names", strings.NewReplacer("+", "&plus;", "/", "&sol;", "=", "&equals;", "&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", `\`, "&bsol;").Replace},
	{"base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }},
	{"base64 without padding", func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }},
	{"base64url", func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }},
	{"base64url without padding", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }},
	{"JSON inside XML", func(s string) string { return xmlEscape(jsonString(s)) }},
	{"XML inside JSON", func(s string) string { return jsonString(xmlEscape(s)) }},
	{"JSON inside a query", func(s string) string { return url.QueryEscape(jsonString(s)) }},
	{"JSON inside JSON", func(s string) string { return jsonString(jsonString(s)) }},
	{`JSON with \/ inside JSON`, func(s string) string { return jsonString(strings.ReplaceAll(jsonString(s), "/", `\/`)) }},
	{"XML inside XML", func(s string) string { return xmlEscape(xmlEscape(s)) }},
	{"hex references inside JSON", func(s string) string { return jsonString(references(s, "&#x%X;")) }},
	{"XML inside a query", func(s string) string { return url.QueryEscape(references(s, "&#%d;")) }},
	{"base64 inside a query", func(s string) string { return url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(s))) }},
}

// xmlEscape escapes s with the five named XML entities.
var xmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace

func asciiJSON(s, format string) string {
	var b strings.Builder
	for _, r := range jsonString(s) {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		for _, u := range utf16.Encode([]rune{r}) {
			fmt.Fprintf(&b, `\u`+format, u)
		}
	}
	return b.String()
}

func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+2 < len(b) {
			copy(b[i+1:i+3], strings.ToLower(string(b[i+1:i+3])))
		}
	}
	return string(b)
}

func references(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

// longestCommon returns the length of the longest common substring of a and b.
func longestCommon(a, b string) int {
	best := 0
	prev := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			}
		}
		prev = cur
	}
	return best
}

// TestScrubEveryEncoding echoes each secret in each encoding inside other text and checks that
// nothing of it is left: no run of 7 bytes of the echo survives (base64 of a value inside a
// longer text keeps up to two characters at each end, which carry no more than 12 bits).
func TestScrubEveryEncoding(t *testing.T) {
	for _, sec := range testSecrets {
		s := NewSecrets(sec.value)
		for _, e := range echoes {
			t.Run(sec.name+"/"+e.name, func(t *testing.T) {
				echoed := e.enc(sec.value)
				text := "denied: [" + echoed + "] see docs"
				got := s.Scrub(text)
				if n := longestCommon(got, echoed); n > 6 {
					t.Errorf("Scrub(%q) = %q; %d bytes of the echo are left", text, got, n)
				}
				if !strings.HasPrefix(got, "denied: [") || !strings.HasSuffix(got, "] see docs") || !strings.Contains(got, "<redacted ") {
					t.Errorf("Scrub(%q) = %q; want only the echo replaced", text, got)
				}
			})
		}
	}
}

// TestScrubBase64InsideLongerText: a server that base64-encodes the whole form it received puts
// the secret at any offset of a 3-byte group.
func TestScrubBase64InsideLongerText(t *testing.T) {
	for _, sec := range testSecrets {
		s := NewSecrets(sec.value)
		for pad := 0; pad < 3; pad++ {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				whole := enc.EncodeToString([]byte("Action=X&Field" + strings.Repeat("=", pad) + sec.value + "&Version=1"))
				got := s.Scrub(whole)
				secretOnly := enc.EncodeToString([]byte(sec.value))
				if n := longestCommon(got, secretOnly[2:len(secretOnly)-4]); n > 6 {
					t.Errorf("%s at offset %d: Scrub(%q) = %q; %d bytes of its encoding are left", sec.name, pad, whole, got, n)
				}
			}
		}
	}
}

func TestScrubKeepsOtherText(t *testing.T) {
	s := NewSecrets("hunter2!", "abc", "123456")
	if got := s.Scrub("code 123456 is wrong"); got != "code <redacted 6 chars> is wrong" {
		t.Errorf("Scrub = %q; want the code hidden where it stands alone", got)
	}
	for _, text := range []string{
		"AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
		"abc is short: values under 4 bytes would hide ordinary words",
		"hunter2 without the bang",
		"request id 0e1f2a3b-123456789 and exp 1712345678: a code inside a longer number stays",
		"%zz&#xZZ;\\uZZZZ&bogus; broken escapes stay",
		"",
	} {
		if got := s.Scrub(text); got != text {
			t.Errorf("Scrub(%q) = %q; want it unchanged", text, got)
		}
	}
}

func TestScrubJWTShapes(t *testing.T) {
	var s *Secrets // nil: JWTs only
	if got := s.Scrub("token " + sampleJWT + " seen"); strings.Contains(got, sampleJWT) || !strings.Contains(got, "seen") {
		t.Errorf("Scrub = %q; want the JWT hidden even when not among the secrets", got)
	}
	// A JWE (a Cognito refresh token) has five segments; a scrub of the first three would
	// leave the ciphertext and tag, and keep the whole value from matching a later scrub.
	const jwe = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.RVhBTVBMRS1LRVk.RVhBTVBMRS1JVg.RVhBTVBMRS1SRUZSRVNILVRPS0VO.RVhBTVBMRS1UQUc"
	if got := s.Scrub(`{"REFRESH_TOKEN":"` + jwe + `"}`); strings.Contains(got, "RVhBTVBMRS1SRUZSRVNILVRPS0VO") || strings.Contains(got, "RVhBTVBMRS1UQUc") {
		t.Errorf("Scrub = %q; want all five segments of the JWE hidden", got)
	}
	if got := NewSecrets(jwe).Scrub(s.Scrub("echo " + jwe)); strings.Contains(got, "RVhBTVBMRS1UQUc") {
		t.Errorf("Scrub of a scrubbed JWE = %q; want nothing of it left", got)
	}
	cut := "bad token " + sampleJWT[:20]
	if got := s.ScrubCut(cut); strings.Contains(got, sampleJWT[:20]) {
		t.Errorf("ScrubCut(%q) = %q; want the cut JWT hidden", cut, got)
	}
}

// TestScrubOverlapping: two secrets that overlap in the text both disappear whole, whichever
// starts first.
func TestScrubOverlapping(t *testing.T) {
	s := NewSecrets("xxab", "abcd1234")
	if got := s.Scrub("[xxabcd1234]"); got != "[<redacted 8 chars>]" {
		t.Errorf("Scrub = %q; want one marker over both", got)
	}
}

// TestScrubCut: text cut in the middle of a secret (a body stopped at the size cap) keeps the
// secret's start unless scrubbed as cut text.
func TestScrubCut(t *testing.T) {
	s := NewSecrets(sessionToken, `p@ss/w+rd`)
	for _, tt := range []struct{ name, text, gone string }{
		{"raw", "echo " + sessionToken[:20], sessionToken[:20]},
		{"URL-encoded", "echo " + url.QueryEscape(sessionToken)[:30], url.QueryEscape(sessionToken)[:30]},
		{"cut inside an escape", "echo p%40ss%2", "p%40ss"},
		{"JSON-escaped", `{"m":"p@ss\/w`, `p@ss\/w`},
		// A server or proxy may end its cut text with a newline or blanks.
		{"then a newline", "echo " + sessionToken[:20] + "\r\n", sessionToken[:20]},
		{"a JWT, then a blank", "token " + sampleJWT[:strings.IndexByte(sampleJWT, '.')+6] + " ", sampleJWT[:strings.IndexByte(sampleJWT, '.')+6]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.ScrubCut(tt.text); strings.Contains(got, tt.gone) || !strings.HasPrefix(got, tt.text[:4]) {
				t.Errorf("ScrubCut(%q) = %q; want %q hidden", tt.text, got, tt.gone)
			}
			if got := s.Scrub(tt.text); !strings.Contains(got, tt.gone) {
				t.Errorf("Scrub(%q) = %q; a text not known to be cut keeps a secret's start", tt.text, got)
			}
		})
	}
	if got := s.ScrubCut("ends in sess"); got != "ends in sess" {
		t.Errorf("ScrubCut = %q; a few letters that could start a secret stay", got)
	}
}

func TestSecretsAddFromMessages(t *testing.T) {
	s := &Secrets{}
	s.AddForm(url.Values{"WebIdentityToken": {"form-token-value"}, "RoleArn": {"arn:aws:iam::123456789012:role/ci"}})
	h := http.Header{}
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	h.Set("X-Amz-Security-Token", sessionToken)
	h.Add("Proxy-Authorization", "Bearer proxy-bearer-token")
	s.AddHeader(h)
	s.AddBody("application/x-amz-json-1.1", []byte(`{"AuthParameters":{"PASSWORD":"p\u0040ss\"w","USERNAME":"alice"},"clientSecret":"client-secret-1","idToken":"cut-id-tok`))
	s.AddBody("text/xml", []byte(`<a:Credentials><a:SecretAccessKey x="1">`+secretKey+`</a:SecretAccessKey ><SessionToken>A&amp;B+token</SessionToken></a:Credentials>`))
	want := []string{"form-token-value", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", sessionToken,
		"Bearer proxy-bearer-token", "proxy-bearer-token", `p@ss"w`, "client-secret-1", "cut-id-tok", secretKey, "A&B+token"}
	got := s.Values()
	for _, w := range want {
		if !containsString(got, w) {
			t.Errorf("Values() = %q; want it to hold %q", got, w)
		}
	}
	for _, notSecret := range []string{"alice", "arn:aws:iam::123456789012:role/ci", "AKIDEXAMPLE"} {
		if containsString(got, notSecret) {
			t.Errorf("Values() = %q; %q is not a secret", got, notSecret)
		}
	}
}

func TestSecretsWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewSecrets("hunter2!").Writer(&b)
	n, err := io.WriteString(w, "rawsts: NotAuthorizedException: bad password hunter2!\n")
	if err != nil || n != len("rawsts: NotAuthorizedException: bad password hunter2!\n") {
		t.Errorf("Write = %d, %v; want the length given and no error", n, err)
	}
	if got := b.String(); got != "rawsts: NotAuthorizedException: bad password <redacted 8 chars>\n" {
		t.Errorf("written %q; want the password scrubbed", got)
	}
}

// TestSecretsConcurrent adds and scrubs from many goroutines (run with -race).
func TestSecretsConcurrent(t *testing.T) {
	s := &Secrets{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v := fmt.Sprintf("secret-number-%d", i)
			s.Add(v)
			if got := s.Scrub("x " + v + " y"); strings.Contains(got, v) {
				t.Errorf("Scrub after Add(%q) = %q", v, got)
			}
		}(i)
	}
	wg.Wait()
	if n := len(s.Values()); n != 8 {
		t.Errorf("len(Values()) = %d; want 8", n)
	}
}

func TestSnippetScrubsBeforeCutting(t *testing.T) {
	token := "opaque-secret-access-token-value"
	s := NewSecrets(token)
	body := []byte("<html>" + strings.Repeat("x", 40) + " WAF blocked WebIdentityToken=" + token + "</html>")
	// Cut in the middle of the token: the scrub must come first.
	n := bytes.Index(body, []byte(token)) + 10
	got := s.Snippet("text/html", body, n)
	if strings.Contains(got, token[:10]) {
		t.Errorf("Snippet(%d) = %q; the start of the token survived the cut", n, got)
	}
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "<html>xxx") {
		t.Errorf("Snippet(%d) = %q; want the start of the page and an ellipsis", n, got)
	}
	if got := s.Snippet("text/html", []byte("<html>é</html>"), 7); got != "<html>…" {
		t.Errorf("Snippet cut inside é = %q; want it cut before the character", got)
	}
	// A reply's own secret, under a namespaced tag the name rules also see, and echoed elsewhere
	// in the same body, is hidden in both places.
	reply := []byte(`<r><x:SessionToken>` + sessionToken + `</x:SessionToken><Message>token ` + sessionToken + ` expired</Message></r>`)
	if got := (*Secrets)(nil).Snippet("text/xml", reply, 1000); strings.Contains(got, "AQoDYXdz") {
		t.Errorf("Snippet = %q; want the reply's session token hidden in both places", got)
	}
}

func TestScrubError(t *testing.T) {
	s := NewSecrets("hunter2!")
	base := fmt.Errorf("wrapped: %w", io.ErrUnexpectedEOF)
	if got := s.ScrubError(base); got != base {
		t.Errorf("ScrubError(%v) = %v; want the same error when there is nothing to hide", base, got)
	}
	echo := fmt.Errorf(`malformed HTTP status code "hunter2!": %w`, io.ErrUnexpectedEOF)
	got := s.ScrubError(echo)
	if strings.Contains(got.Error(), "hunter2") || !errors.Is(got, io.ErrUnexpectedEOF) {
		t.Errorf("ScrubError(%v) = %v; want the password hidden and the chain kept", echo, got)
	}
	if s.ScrubError(nil) != nil {
		t.Error("ScrubError(nil) != nil")
	}
}

// pathological are secrets that repeat themselves, against texts built to match them at every
// position: without the work budget, scrubbing takes time in proportion to both lengths.
var pathological = []struct{ name, secret, text string }{
	{"repeated letter", strings.Repeat("a", 1000), strings.Repeat("a", 1<<18)},
	{"repeated pair", strings.Repeat("ab", 500), strings.Repeat("ab", 1<<17)},
	{"backslashes", strings.Repeat(`\`, 100), strings.Repeat(`\`, 1<<18)},
	{"escaped quotes in JSON in JSON", strings.Repeat(`\"`, 100), strings.Repeat(`\\\"`, 1<<16)},
	{"percent signs encoded twice", strings.Repeat("%", 100), strings.Repeat("%25", 1<<16)},
	{"ampersands escaped", strings.Repeat("&", 100), strings.Repeat("&amp;", 1<<16)},
}

// TestScrubPathological: such texts end in a result that still shows nothing of the secret
// (when the budget runs out, the rest of the text is hidden). BenchmarkScrub measures the time.
func TestScrubPathological(t *testing.T) {
	for _, tt := range pathological {
		got := NewSecrets(tt.secret).Scrub("start " + tt.text + tt.secret[:10])
		if !strings.HasPrefix(got, "start ") || strings.Contains(got, tt.secret[:10]) {
			t.Errorf("%s: Scrub = %.40q…; want the start kept and no run of the secret", tt.name, got)
		}
	}
}

func BenchmarkScrub(b *testing.B) {
	s := NewSecrets(sessionToken, secretKey, "hunter2!xyz", strings.Repeat("eyJhbGciOiJSUzI1NiJ9", 45), "opaque-token-abcdef",
		`p@ss/w+rd "é" <&>\ ~x`, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "123456")
	for _, bb := range []struct{ name, text string }{
		{"prose", strings.Repeat("<p>The quick brown fox jumps over the lazy dog, 0123456789.</p>\n", 1<<20/64)},
		{"escapes", strings.Repeat(`%2F%3D%2B%25&#43;&amp;\/\u0041\\`, 1<<20/32)},
		{"base64", strings.Repeat(`eyJhbGciOiJSUzI1NiJ9.IQoJb3JpZ2luX2VjEE0a/AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE==`, 1<<20/96)},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.text)))
			for i := 0; i < b.N; i++ {
				s.Scrub(bb.text)
			}
		})
	}
	for _, p := range pathological {
		b.Run("pathological/"+p.name, func(b *testing.B) {
			s := NewSecrets(p.secret)
			b.SetBytes(int64(len(p.text)))
			for i := 0; i < b.N; i++ {
				s.Scrub(p.text)
			}
		})
	}
}
