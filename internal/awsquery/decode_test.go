package awsquery

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const stsNS = `xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   *APIError
	}{
		{
			name:   "namespaced ErrorResponse",
			status: 403,
			body:   `<ErrorResponse ` + stsNS + `><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
			want:   &APIError{Service: "sts", Type: "Sender", Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", RequestID: "r-1", StatusCode: 403},
		},
		{
			name:   "no namespace, whitespace, extra members",
			status: 400,
			body:   "<ErrorResponse>\n <Error>\n  <Type>Sender</Type>\n  <Code>\n   ComplexError\n  </Code>\n  <Nested><Foo>bar</Foo></Nested>\n </Error>\n <RequestId>foo-id</RequestId>\n</ErrorResponse>\n",
			want:   &APIError{Service: "sts", Type: "Sender", Code: "ComplexError", RequestID: "foo-id", StatusCode: 400},
		},
		{
			name:   "prefixed namespace",
			status: 400,
			body:   `<q:ErrorResponse xmlns:q="urn:x"><q:Error><q:Code>Throttling</q:Code><q:Message>Rate exceeded</q:Message></q:Error><q:RequestId>r-2</q:RequestId></q:ErrorResponse>`,
			want:   &APIError{Service: "sts", Code: "Throttling", Message: "Rate exceeded", RequestID: "r-2", StatusCode: 400},
		},
		{
			name:   "older Response/Errors shape",
			status: 400,
			body:   `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidParameterValue</Code><Message>bad</Message></Error></Errors><RequestID>r-3</RequestID></Response>`,
			want:   &APIError{Service: "sts", Code: "InvalidParameterValue", Message: "bad", RequestID: "r-3", StatusCode: 400},
		},
		{
			name:   "custom code with a 402, mapped by code",
			status: 402,
			body:   `<ErrorResponse><Error><Type>Sender</Type><Code>Customized</Code><Message>Hi</Message></Error><RequestId>foo-id</RequestId></ErrorResponse>`,
			want:   &APIError{Service: "sts", Type: "Sender", Code: "Customized", Message: "Hi", RequestID: "foo-id", StatusCode: 402},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("sts", "AssumeRoleWithWebIdentity", tt.status, http.Header{}, []byte(tt.body))
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("Decode(%q) = %v; want *APIError", tt.body, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decode(%q) mismatch (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

func TestAPIErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *APIError
		want string
	}{
		{"full", &APIError{Service: "sts", Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", RequestID: "r-1", StatusCode: 403},
			"sts: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity (RequestId r-1, HTTP 403)"},
		{"iam, no message, no id", &APIError{Service: "iam", Code: "NoSuchEntity", StatusCode: 404}, "iam: NoSuchEntity (HTTP 404)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestDecodeResponseErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string // substring of Error()
	}{
		{"empty 502", 502, "", "sts: HTTP 502 reply is not an STS response: empty body"},
		{"html 502", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "sts: HTTP 502 reply is not an STS response (root element <html>"},
		{"not XML", 200, "{\"ok\":true}", "(no XML element)"},
		{"truncated", 200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>", "malformed XML"},
		{"wrong root", 200, "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>", "root element <AssumeRoleResponse>"},
		{"success document with 500", 500, "<AssumeRoleWithWebIdentityResponse/>", "with an error status"},
		{"error without code", 400, "<ErrorResponse><Error><Message>x</Message></Error></ErrorResponse>", "without Error/Code"},
		{"Response without Errors", 400, "<Response><Foo/></Response>", "root element <Response>"},
		{"two roots", 200, "<AssumeRoleWithWebIdentityResponse/><Other/>", "(2 root elements; a reply has one)"},
		{"error then another root", 403, "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse><ErrorResponse/>", "2 root elements"},
		{"text after the root", 200, "<AssumeRoleWithWebIdentityResponse/>trailing", "(text outside the root element)"},
		{"text before the root", 200, "junk<AssumeRoleWithWebIdentityResponse/>", "(text outside the root element)"},
		{"repeated element", 200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId><AccessKeyId>B</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
			"(element AssumeRoleWithWebIdentityResponse/AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId appears more than once)"},
		{"repeated result", 200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult/><AssumeRoleWithWebIdentityResult/></AssumeRoleWithWebIdentityResponse>", "appears more than once"},
		{"mixed content", 200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA<b/>EXAMPLE</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
			"(element AssumeRoleWithWebIdentityResponse/AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId holds both text and elements)"},
		// etree's Text stops at a processing instruction or a directive: the value would be cut.
		{"processing instruction in a value", 200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><SessionToken>FwoG<?x y?>ZXIvYXdzEXAMPLE</SessionToken></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
			"(element AssumeRoleWithWebIdentityResponse/AssumeRoleWithWebIdentityResult/Credentials/SessionToken holds a processing instruction or a directive)"},
		{"directive in a value", 200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA<!x>EXAMPLE</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
			"holds a processing instruction or a directive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("sts", "AssumeRoleWithWebIdentity", tt.status, http.Header{"Content-Type": {"text/html"}}, []byte(tt.body))
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("Decode(%q) = %v; want *ResponseError", tt.body, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode(%q) = %q; want it to contain %q", tt.body, err, tt.want)
			}
			if re.StatusCode != tt.status || re.ContentType != "text/html" {
				t.Errorf("Decode(%q): StatusCode, ContentType = %d, %q; want %d, text/html", tt.body, re.StatusCode, re.ContentType, tt.status)
			}
		})
	}
}

// TestDecodeHidesTheReplysSecrets: a reply that is not the expected shape is quoted in the
// ResponseError, and a reply's own SecretAccessKey and SessionToken must not be, whatever the
// tag looks like, whether the body was cut, and wherever else the body repeats them.
func TestDecodeHidesTheReplysSecrets(t *testing.T) {
	const key, tok = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"
	tests := []struct {
		name, body string
	}{
		{"closed", "<X><SecretAccessKey>" + key + "</SecretAccessKey><SessionToken>" + tok + "</SessionToken></X>"},
		{"namespace prefix", `<a:X xmlns:a="urn:x"><a:SecretAccessKey>` + key + `</a:SecretAccessKey><a:SessionToken>` + tok + `</a:SessionToken></a:X>`},
		{"attribute", `<X><SecretAccessKey x="1">` + key + `</SecretAccessKey><SessionToken enc="b64">` + tok + `</SessionToken></X>`},
		{"space before >", "<X><SecretAccessKey >" + key + "</SecretAccessKey ><SessionToken\n>" + tok + "</SessionToken\n></X>"},
		{"truncated", "<X><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>" + key[:20]},
		{"token truncated", "<X><SessionToken>" + tok[:30]},
		{"repeated in a message", "<X><SessionToken>" + tok + "</SessionToken><Message>token " + tok + " and key " + key + "</Message><SecretAccessKey>" + key + "</SecretAccessKey></X>"},
		{"success document with an error status", "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><a:Credentials><a:SessionToken>" + tok + "</a:SessionToken><SecretAccessKey x=\"\">" + key + "</SecretAccessKey></a:Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := 200
			if strings.HasPrefix(tt.body, "<AssumeRoleWithWebIdentityResponse") {
				status = 500
			}
			_, err := Decode("sts", "AssumeRoleWithWebIdentity", status, http.Header{"Content-Type": {"text/xml"}}, []byte(tt.body))
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("Decode(%q) = %v; want a *ResponseError", tt.body, err)
			}
			for _, secret := range []string{key[:12], tok[:12], "MDENG", "ewxE5"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("Decode(%q) = %q; want %q redacted", tt.body, err, secret)
				}
			}
			if !strings.Contains(err.Error(), "redacted") {
				t.Errorf("Decode(%q) = %q; want a redaction marker", tt.body, err)
			}
		})
	}
	long := strings.Repeat("x", 1000)
	_, err := Decode("sts", "X", 502, http.Header{}, []byte(long))
	var re *ResponseError
	if errors.As(err, &re); re == nil || len(re.Snippet) > SnippetSize+len("…") {
		t.Errorf("Decode(1000 bytes) = %v; want a snippet of at most %d bytes", err, SnippetSize)
	}
}

// TestReadersHideTheReplysSecrets: a success reply missing a required element is reported by
// the reader that needs it, after Decode returned; its snippet hides the reply's secrets too.
func TestReadersHideTheReplysSecrets(t *testing.T) {
	const tok = "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"
	body := `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><a:SessionToken xmlns:a="urn:x">` + tok + `</a:SessionToken></Credentials><Note>` + tok + `</Note></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
	res, err := Decode("sts", "AssumeRoleWithWebIdentity", 200, http.Header{}, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	_, err = res.Time("Credentials/Expiration")
	if err == nil || strings.Contains(err.Error(), "AQoDYXdz") || !strings.Contains(err.Error(), "Credentials/Expiration") {
		t.Errorf("Time(Credentials/Expiration) = %v; want the missing element named and the token hidden", err)
	}
}

// TestErrorsPrintOnOneLine: server text with ESC sequences and newlines, in an ErrorResponse or
// a page that is not one, cannot colour the terminal or forge a "rawsts:" line.
func TestErrorsPrintOnOneLine(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		// XML has no ESC (U+001B), but it has the C1 CSI (U+009B), which some terminals obey
		// the same way, newlines and bidi overrides.
		{"ErrorResponse", 403, "<ErrorResponse><Error><Code>AccessDenied\u202e</Code><Message>\u009b31mdenied\nrawsts: forged</Message></Error><RequestId>id\t1</RequestId></ErrorResponse>",
			`sts: AccessDenied\u202e: \u009b31mdenied\nrawsts: forged (RequestId id\t1, HTTP 403)`},
		{"ESC makes the XML malformed", 403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>\x1b[31mdenied\nrawsts: forged</Message></Error></ErrorResponse>",
			`<Message>\x1b[31mdenied\nrawsts: forged</Message>`},
		{"not XML", 502, "<html>\x1b]0;title\x07\r\nrawsts: forged\u2028</html>", `\x1b]0;title\a\r\nrawsts: forged\u2028</html>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("sts", "AssumeRoleWithWebIdentity", tt.status, http.Header{}, []byte(tt.body))
			got := err.Error()
			if strings.ContainsAny(got, "\x1b\n\r\t\a\u009b\u202e\u2028") || !strings.Contains(got, tt.want) {
				t.Errorf("Decode(%q).Error() = %q; want one line containing %q", tt.body, got, tt.want)
			}
		})
	}
}

const sampleSuccess = `<AssumeRoleWithWebIdentityResponse ` + stsNS + `>
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <SessionToken>
        AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE
      </SessionToken>
      <Expiration>2011-07-11T19:55:29.611Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
    <Bad>six</Bad>
    <PolicyArns><member><arn>a1</arn></member><member><arn>a2</arn></member></PolicyArns>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`

func TestResultReaders(t *testing.T) {
	res, err := Decode("sts", "AssumeRoleWithWebIdentity", 200, http.Header{}, []byte(sampleSuccess))
	if err != nil {
		t.Fatal(err)
	}
	if res.RequestID != "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE" {
		t.Errorf("RequestID = %q", res.RequestID)
	}
	if s, err := res.String("Credentials/SessionToken"); err != nil || s != "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE" {
		t.Errorf("String(SessionToken) = %q, %v", s, err)
	}
	if tm, err := res.Time("Credentials/Expiration"); err != nil || !tm.Equal(time.Date(2011, 7, 11, 19, 55, 29, 611e6, time.UTC)) {
		t.Errorf("Time(Expiration) = %v, %v", tm, err)
	}
	if n, err := res.OptInt("PackedPolicySize"); err != nil || n == nil || *n != 6 {
		t.Errorf("OptInt(PackedPolicySize) = %v, %v; want 6", n, err)
	}
	if n, err := res.OptInt("Nothing"); err != nil || n != nil {
		t.Errorf("OptInt(Nothing) = %v, %v; want nil, nil", n, err)
	}
	if got := res.OptString("Nothing/Deeper"); got != "" {
		t.Errorf("OptString(absent) = %q", got)
	}
	var members []string
	for _, m := range res.Child("PolicyArns").Members() {
		members = append(members, m.OptString("arn"))
	}
	if diff := cmp.Diff([]string{"a1", "a2"}, members); diff != "" {
		t.Errorf("Members mismatch (-want +got):\n%s", diff)
	}

	errTests := []struct {
		name string
		call func() error
		want string
	}{
		{"missing string", func() error { _, err := res.String("Credentials/SecretAccessKey"); return err }, "missing element AssumeRoleWithWebIdentityResult/Credentials/SecretAccessKey"},
		{"bad int", func() error { _, err := res.Int("Bad"); return err }, "element AssumeRoleWithWebIdentityResult/Bad is not an integer (3 chars)"},
		{"bad time", func() error { _, err := res.Time("Credentials/AccessKeyId"); return err }, "is not an RFC 3339 time"},
		{"missing time", func() error { _, err := res.Time("Expiration"); return err }, "missing element"},
		{"empty string", func() error { _, err := res.Child("PolicyArns").String("member"); return err }, "empty element AssumeRoleWithWebIdentityResult/PolicyArns/member"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var re *ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s = %v; want *ResponseError containing %q", tt.name, err, tt.want)
			}
			if strings.Contains(err.Error(), "wJalr") {
				t.Errorf("%s leaks a secret: %v", tt.name, err)
			}
		})
	}
}

func TestDecodeNoResultElement(t *testing.T) {
	res, err := Decode("sts", "GetCallerIdentity", 200, http.Header{"X-Amzn-Requestid": {"hdr-id"}}, []byte("<GetCallerIdentityResponse/>"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Exists() {
		t.Errorf("Exists() = true; want false")
	}
	if res.RequestID != "hdr-id" {
		t.Errorf("RequestID = %q; want the header's hdr-id", res.RequestID)
	}
	if _, err := res.String("Account"); err == nil || !strings.Contains(err.Error(), "missing element GetCallerIdentityResult/Account") {
		t.Errorf("String(Account) = %v", err)
	}
}

func TestRequire(t *testing.T) {
	res, err := Decode("sts", "AssumeRoleWithWebIdentity", 200, http.Header{}, []byte(sampleSuccess))
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Child("Credentials").Require(); err != nil {
		t.Errorf("Require(Credentials) = %v; want nil", err)
	}
	err = res.Child("AssumedRoleUser").Require()
	if want := "missing element AssumeRoleWithWebIdentityResult/AssumedRoleUser"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Require(AssumedRoleUser) = %v; want %q", err, want)
	}
}
