package httpx

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var marker = regexp.MustCompile(`<redacted \d+ chars>`)

// FuzzScrub checks the promise of Secrets: a secret of 4 bytes or more, put into any text as it
// is or in one of the encodings a server echoes in, is not in what Scrub returns (markers aside:
// a secret may be a piece of "<redacted N chars>").
func FuzzScrub(f *testing.F) {
	f.Add("denied: ", sessionToken, " end", uint8(0))
	f.Add("<html>", `p@ss/w+rd "é" <&>\ ~x`, "</html>", uint8(1))
	f.Add(`{"m":"`, "pw-\U0001F511-key\u2028end", `"}`, uint8(3))
	f.Add("%%%", "%25%2540", "&amp;", uint8(2))
	f.Add(`\\\`, `\\u0041\\`, `\`, uint8(3))
	f.Add("&&&", "&amp;&#43;", ";;", uint8(4))
	f.Add("x", "abcd", "y", uint8(5))
	encodings := []func(string) string{
		func(s string) string { return s },
		url.QueryEscape,
		url.PathEscape,
		func(s string) string { b := jsonString(s); return b[1 : len(b)-1] },
		xmlEscape,
		func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	}
	f.Fuzz(func(t *testing.T, before, secret, after string, which uint8) {
		enc := encodings[int(which)%len(encodings)]
		if len(secret) < minSecretLen || allDigits(secret) || strings.Contains(secret, "\x00") || !utf8.ValidString(secret) {
			return
		}
		echoed := enc(secret)
		got := NewSecrets(secret).Scrub(before + echoed + after)
		if strings.Contains(marker.ReplaceAllString(got, "\x00"), echoed) {
			t.Fatalf("Scrub(%q + %q + %q) = %q; the echo is still there", before, echoed, after, got)
		}
	})
}

// FuzzRedact checks the name rules: the value of a secret XML element (any prefix, attributes,
// spaces, end tag or none) or JSON key (any spelling, closing quote or none) is not in what
// Redact returns, whatever text surrounds it (text without quotes, backslashes or markup, which
// would change where the value is).
func FuzzRedact(f *testing.F) {
	f.Add("<r>", "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE", "</r>", uint8(0), true)
	f.Add(`{"a":1,`, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "}", uint8(5), false)
	f.Add("", "p\u00e9ss w\tord", "", uint8(3), true)
	shapes := []struct{ open, close string }{
		{"<SessionToken>", "</SessionToken>"},
		{`<a:SecretAccessKey xmlns:a="urn:x">`, "</a:SecretAccessKey >"},
		{"<sessiontoken\n>", "</SESSIONTOKEN>"},
		{`"IdToken":"`, `"`},
		{`"secret_access_key" : "`, `"`},
		{`"refreshToken":"`, `"`},
		{`"PASSWORD":"`, `"`},
		{"&lt;SessionToken&gt;", "&lt;/SessionToken&gt;"},
	}
	f.Fuzz(func(t *testing.T, before, value, after string, which uint8, closed bool) {
		if strings.ContainsAny(before+after, "\"\\<>&") || strings.ContainsAny(value, "\"\\<>&") || len(value) < minSecretLen {
			return
		}
		sh := shapes[int(which)%len(shapes)]
		body := before + sh.open + value
		if closed {
			body += sh.close + after
		}
		got := string(Redact("application/json", []byte(body)))
		if strings.Contains(got, value) && !strings.Contains(sh.open+sh.close+before+after, value) {
			t.Fatalf("Redact(%q) = %q; the value is still there", body, got)
		}
	})
}

// FuzzScrubCut checks the promise of ScrubCut, for text that was cut off (a body at its size
// limit, a reply that stopped): when the text ends in the beginning of a secret — 4 bytes or
// more of it, as it is or base64-encoded — that beginning is not what ScrubCut returns ends in.
// Scrub of the whole text, before any cut, hides the secret too; and ScrubCut never returns
// more of the text than Scrub leaves (it only hides more).
func FuzzScrubCut(f *testing.F) {
	f.Add("denied: ", sessionToken, uint8(10), uint8(0))
	f.Add("<html>", `p@ss/w+rd "é" <&>\ ~x`, uint8(4), uint8(1))
	f.Add("", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", uint8(20), uint8(2))
	f.Add("x", "abcdefgh", uint8(200), uint8(3))
	encodings := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
		func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) },
	}
	f.Fuzz(func(t *testing.T, before, secret string, cut, which uint8) {
		if len(secret) < minSecretLen || allDigits(secret) || strings.Contains(secret, "\x00") || !utf8.ValidString(secret) {
			return
		}
		echoed := encodings[int(which)%len(encodings)](secret)
		n := minPartial + int(cut)%(len(echoed)-minPartial+1)
		s := NewSecrets(secret)
		text := before + echoed[:n]
		got := s.ScrubCut(text)
		if strings.HasSuffix(marker.ReplaceAllString(got, "\x00"), echoed[:n]) {
			t.Fatalf("ScrubCut(%q + %q) = %q; the cut secret is still there", before, echoed[:n], got)
		}
		if whole := s.Scrub(before + echoed); strings.Contains(marker.ReplaceAllString(whole, "\x00"), echoed) {
			t.Fatalf("Scrub(%q + %q) = %q; the secret is still there", before, echoed, whole)
		}
		if plain := s.Scrub(text); len(marker.ReplaceAllString(got, "")) > len(marker.ReplaceAllString(plain, "")) {
			t.Fatalf("ScrubCut(%q) = %q leaves more than Scrub's %q", text, got, plain)
		}
	})
}
