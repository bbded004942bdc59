package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Secret names, by where they travel. Matching is case-sensitive for XML elements and JSON keys
// (the protocols are) and exact for form fields.
var (
	secretFormFields = map[string]bool{
		"WebIdentityToken":     true,
		"SAMLAssertion":        true,
		"TokenCode":            true,
		"X-Amz-Security-Token": true,
		"X-Amz-Signature":      true,
		"X-Amz-Credential":     false, // the access key id is not a secret; kept for teaching
	}
	secretHeaders = map[string]bool{
		"X-Amz-Security-Token": true,
		"Cookie":               true,
		"Set-Cookie":           true,
		"Proxy-Authorization":  true,
	}
	xmlSecrets  = regexp.MustCompile(`(?s)<(SecretAccessKey|SessionToken|SAMLAssertion|WebIdentityToken)>(.*?)</(SecretAccessKey|SessionToken|SAMLAssertion|WebIdentityToken)>`)
	jsonSecrets = regexp.MustCompile(`"(PASSWORD|NEW_PASSWORD|SECRET_HASH|PASSWORD_CLAIM_SIGNATURE|PASSWORD_CLAIM_SECRET_BLOCK|SECRET_BLOCK|REFRESH_TOKEN|SMS_MFA_CODE|SOFTWARE_TOKEN_MFA_CODE|EMAIL_OTP_CODE|SMS_OTP_CODE|DEVICE_PASSWORD|IdToken|AccessToken|RefreshToken|Session|ClientSecret|SecretAccessKey|SessionToken|value|token|oidcToken|id_token|access_token|refresh_token)"(\s*:\s*)"((?:[^"\\]|\\.)*)"`)
	signature   = regexp.MustCompile(`Signature=[0-9a-fA-F]+`)
)

// Redacted is how a secret value of n characters is shown.
func Redacted(n int) string { return fmt.Sprintf("<redacted %d chars>", n) }

// Redact returns body with every secret value replaced by [Redacted]: form fields
// (WebIdentityToken, SAMLAssertion …), XML elements (SecretAccessKey, SessionToken) and JSON
// keys (PASSWORD, IdToken, RefreshToken, SECRET_HASH …). The content type picks the rules; an
// unknown type gets the XML and JSON rules, which are harmless on other text.
func Redact(contentType string, body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		return []byte(RedactForm(string(body)))
	}
	out := xmlSecrets.ReplaceAllFunc(body, func(m []byte) []byte {
		sub := xmlSecrets.FindSubmatch(m)
		return []byte(fmt.Sprintf("<%s>%s</%s>", sub[1], Redacted(len(strings.TrimSpace(string(sub[2])))), sub[3]))
	})
	out = jsonSecrets.ReplaceAllFunc(out, func(m []byte) []byte {
		sub := jsonSecrets.FindSubmatch(m)
		return []byte(fmt.Sprintf("%q%s%q", sub[1], sub[2], Redacted(len(sub[3]))))
	})
	return out
}

// RedactForm redacts the secret fields of a URL-encoded form or query string, keeping the order
// of the fields as given.
func RedactForm(form string) string {
	if form == "" {
		return form
	}
	parts := strings.Split(form, "&")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || !secretFormFields[name] {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			value = v
		}
		parts[i] = k + "=" + url.QueryEscape(Redacted(len(value)))
	}
	return strings.Join(parts, "&")
}

// RedactHeader returns a copy of h with secret header values redacted and the signature of an
// Authorization header hidden (its credential scope and signed headers stay: they teach).
func RedactHeader(h http.Header) http.Header {
	out := h.Clone()
	for name, values := range out {
		canon := http.CanonicalHeaderKey(name)
		for i, v := range values {
			switch {
			case secretHeaders[canon]:
				values[i] = Redacted(len(v))
			case canon == "Authorization":
				if strings.HasPrefix(v, "AWS4-") {
					values[i] = signature.ReplaceAllString(v, "Signature=<redacted>")
				} else {
					values[i] = Redacted(len(v))
				}
			}
		}
	}
	return out
}

// sortedHeaderLines renders h as "Name: value" lines in name order.
func sortedHeaderLines(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var lines []string
	for _, k := range names {
		for _, v := range h[k] {
			lines = append(lines, k+": "+v)
		}
	}
	return lines
}

// jwtLike matches a compact JWS/JWT, which an error message or a proxy's page might quote.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)

// SecretValues returns the secret values a request body carries — the same form fields and JSON
// keys [Redact] hides — so that text which might echo them (an error message, a proxy's error
// page) can be passed through [Scrub].
func SecretValues(contentType string, body []byte) []string {
	var out []string
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil
		}
		for name, values := range form {
			if secretFormFields[name] {
				out = append(out, values...)
			}
		}
		return out
	}
	for _, m := range jsonSecrets.FindAllSubmatch(body, -1) {
		if v, err := strconv.Unquote(`"` + string(m[3]) + `"`); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// Scrub returns text with each of secrets (those of 4 characters or more), as given or
// URL-encoded, and anything shaped like a JWT replaced by [Redacted].
func Scrub(text string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		text = strings.ReplaceAll(text, s, Redacted(len(s)))
		if enc := url.QueryEscape(s); enc != s {
			text = strings.ReplaceAll(text, enc, Redacted(len(s)))
		}
	}
	return jwtLike.ReplaceAllStringFunc(text, func(s string) string { return Redacted(len(s)) })
}
