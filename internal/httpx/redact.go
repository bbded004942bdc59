package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Secret names, by where they travel. Form fields match exactly (rawsts writes them); header
// names match in any case, as HTTP has them; XML elements and JSON keys match in any case and
// JSON keys in any spelling (see jsonKey), since what echoes them is not always AWS.
var (
	secretFormFields = map[string]bool{
		"WebIdentityToken":     true,
		"SAMLAssertion":        true,
		"TokenCode":            true,
		"X-Amz-Security-Token": true,
		"X-Amz-Signature":      true,
	}
	secretHeaders = map[string]bool{
		"X-Amz-Security-Token": true,
		"Cookie":               true,
		"Set-Cookie":           true,
		"Proxy-Authorization":  true,
	}
	// jsonSecretKeys are secret JSON keys as jsonKey spells them: PASSWORD, SECRET_HASH,
	// IdToken, idToken, id_token and secretAccessKey are password, secrethash, idtoken and
	// secretaccesskey. Cognito's admin and user calls carry TemporaryPassword
	// (AdminCreateUser), Password (AdminSetUserPassword, SignUp), PreviousPassword and
	// ProposedPassword (ChangePassword), ConfirmationCode (ConfirmSignUp, ConfirmForgotPassword)
	// and, in replies, ClientSecret (CreateUserPoolClient);
	// SecretKey is Cognito Identity's name for the secret access key.
	jsonSecretKeys = map[string]bool{
		"password": true, "newpassword": true, "devicepassword": true, "secrethash": true,
		"temporarypassword": true, "proposedpassword": true, "previouspassword": true, "confirmationcode": true,
		"passwordclaimsignature": true, "passwordclaimsecretblock": true, "secretblock": true,
		"refreshtoken": true, "idtoken": true, "accesstoken": true, "session": true,
		"smsmfacode": true, "softwaretokenmfacode": true, "emailotpcode": true, "smsotpcode": true,
		"clientsecret": true, "secretaccesskey": true, "awssecretaccesskey": true, "secretkey": true,
		"sessiontoken": true, "awssessiontoken": true, "xamzsecuritytoken": true,
		"token": true, "oidctoken": true, "webidentitytoken": true, "samlassertion": true,
		"authorization": true, "cookie": true, "setcookie": true,
	}
	// jsonSecretKeysExact are secret only as spelled: GitHub's OIDC reply carries the token
	// in "value", but "Value" is an ordinary field elsewhere (user attributes).
	jsonSecretKeysExact = map[string]bool{"value": true}

	// xmlOpen is the start tag of a secret element, in any case, with or without a namespace
	// prefix, attributes or space before '>', or XML-escaped inside other text (&lt;…&gt;).
	// Group 1 is the local name, group 2 the '/' of an empty-element tag.
	xmlOpen = regexp.MustCompile(`(?i)(?:<|&lt;)(?:[A-Za-z_][\w.-]*:)?(SecretAccessKey|SessionToken|SAMLAssertion|WebIdentityToken)(?:\s[^<>]*?)?(/?)(?:>|&gt;)`)
	// xmlClose is the end tag of one; group 1 is the local name.
	xmlClose = regexp.MustCompile(`(?i)(?:</|&lt;/)(?:[A-Za-z_][\w.-]*:)?(SecretAccessKey|SessionToken|SAMLAssertion|WebIdentityToken)\s*(?:>|&gt;)`)
	// jsonPair is a JSON member whose value is a string: group 1 the key, 2 the colon and
	// spaces, 3 the value as written. A value cut off by the end of the text runs to the end.
	jsonPair  = regexp.MustCompile(`"([A-Za-z0-9_.:\-]{1,64})"(\s*:\s*)"((?:[^"\\]|\\.)*)(?:"|\\?\z)`)
	signature = regexp.MustCompile(`Signature=([0-9a-fA-F]+)`)
)

// jsonKey is how a JSON key is compared: lower case, without '_' and '-'.
func jsonKey(k string) string { return keyFolder.Replace(strings.ToLower(k)) }

var keyFolder = strings.NewReplacer("_", "", "-", "")

func isSecretJSONKey(k string) bool { return jsonSecretKeysExact[k] || jsonSecretKeys[jsonKey(k)] }

func isForm(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(contentType), "application/x-www-form-urlencoded")
}

// Redacted is how a secret value of n characters is shown.
func Redacted(n int) string { return fmt.Sprintf("<redacted %d chars>", n) }

// Redact returns body with every secret value it carries by name replaced by [Redacted]: form
// fields (WebIdentityToken, SAMLAssertion …), XML elements (SecretAccessKey, SessionToken …,
// also namespace-prefixed, with attributes or XML-escaped) and JSON keys (PASSWORD, IdToken,
// idToken, RefreshToken, SECRET_HASH …). A value the end of the body cuts off (a truncated
// reply) is redacted to the end. The content type picks the rules; any type but a form gets
// the XML and JSON rules, which are harmless on other text. Values echoed under other names
// are for [Secrets.Scrub].
func Redact(contentType string, body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	if isForm(contentType) {
		return []byte(RedactForm(string(body)))
	}
	return []byte(redactJSON(redactXML(string(body))))
}

// xmlSecretSpans returns where the values of secret elements are in text: from the end of
// the start tag to the start of the matching end tag, or to the end of text when there is
// none.
func xmlSecretSpans(text string) [][2]int {
	var spans [][2]int
	for pos := 0; pos < len(text); {
		m := xmlOpen.FindStringSubmatchIndex(text[pos:])
		if m == nil {
			break
		}
		start := pos + m[1]
		if m[4] < m[5] { // <SessionToken/>: no value
			pos = start
			continue
		}
		name := text[pos+m[2] : pos+m[3]]
		end, next := len(text), len(text)
		for at := start; at < len(text); {
			c := xmlClose.FindStringSubmatchIndex(text[at:])
			if c == nil {
				break
			}
			if strings.EqualFold(text[at+c[2]:at+c[3]], name) {
				end, next = at+c[0], at+c[1]
				break
			}
			at += c[1]
		}
		spans = append(spans, [2]int{start, end})
		pos = next
	}
	return spans
}

func redactXML(text string) string {
	spans := xmlSecretSpans(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	pos := 0
	for _, sp := range spans {
		b.WriteString(text[pos:sp[0]])
		b.WriteString(Redacted(len(strings.TrimSpace(text[sp[0]:sp[1]]))))
		pos = sp[1]
	}
	b.WriteString(text[pos:])
	return b.String()
}

// xmlSecretValues returns the values of the secret elements of text, as written (trimmed;
// a CDATA section unwrapped).
func xmlSecretValues(text string) []string {
	var out []string
	for _, sp := range xmlSecretSpans(text) {
		v := strings.TrimSpace(text[sp[0]:sp[1]])
		if inner, ok := strings.CutPrefix(v, "<![CDATA["); ok {
			v, _, _ = strings.Cut(inner, "]]>")
		}
		out = append(out, v)
	}
	return out
}

func redactJSON(text string) string {
	var b strings.Builder
	pos := 0
	for _, m := range jsonPair.FindAllStringSubmatchIndex(text, -1) {
		if !isSecretJSONKey(text[m[2]:m[3]]) {
			continue
		}
		b.WriteString(text[pos:m[6]])
		b.WriteString(Redacted(m[7] - m[6]))
		pos = m[7]
	}
	if pos == 0 {
		return text
	}
	b.WriteString(text[pos:])
	return b.String()
}

// jsonSecretValues returns the values of the secret keys of text, as written (escaped).
func jsonSecretValues(text string) []string {
	var out []string
	for _, m := range jsonPair.FindAllStringSubmatchIndex(text, -1) {
		if isSecretJSONKey(text[m[2]:m[3]]) {
			out = append(out, text[m[6]:m[7]])
		}
	}
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
