package ststest

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/fixture"
)

// FuzzAssumeRoleWithWebIdentity drives the emulator's parser of untrusted form values. The
// property: every reply is one of the two documented STS documents (a 200
// AssumeRoleWithWebIdentityResponse with the EXAMPLE key, or a 400 ErrorResponse with one of the
// codes the emulator documents), its RequestId matches the header, and the WebIdentityToken
// never appears in the reply unless another echoed field already holds it.
func FuzzAssumeRoleWithWebIdentity(f *testing.F) {
	// Seeds: the requests of every recorded STS fixture (token, session name, duration, provider).
	paths, _ := filepath.Glob("../testdata/fixtures/sts/*.txt")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		c, err := fixture.Parse(p, data)
		if err != nil {
			f.Fatal(err)
		}
		for _, ex := range c.Exchanges {
			v, _ := url.ParseQuery(string(ex.Request.Body))
			f.Add(v.Get("WebIdentityToken"), v.Get("RoleSessionName"), v.Get("DurationSeconds"), v.Get("ProviderId"))
		}
	}
	f.Add("a.b.c", "s", "-1", "")                                         // three segments that are not base64 JSON
	f.Add("e30.bnVsbA.x", "ab", "900", "")                                // header {} and payload null
	f.Add("e30.W10.x", "ab", "43200", "")                                 // payload is an array, not an object
	f.Add("e30.e30.x", "ab", "9999999999999999999", "graph.facebook.com") // integer overflow

	srv := NewUnstartedServer(WithNow(func() time.Time { return time.Date(2014, 10, 24, 22, 0, 23, 0, time.UTC) }))
	e := srv.sts
	f.Fuzz(func(t *testing.T, token, session, duration, provider string) {
		form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {apiVersion},
			"RoleArn": {"arn:aws:iam::123456789012:role/GitHubActionsDeploy"}, "RoleSessionName": {session},
			"WebIdentityToken": {token}, "DurationSeconds": {duration}, "ProviderId": {provider}}
		req := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		body := rec.Body.Bytes()

		var doc struct {
			XMLName   xml.Name
			Key       string `xml:"AssumeRoleWithWebIdentityResult>Credentials>AccessKeyId"`
			OKID      string `xml:"ResponseMetadata>RequestId"`
			Code      string `xml:"Error>Code"`
			ErrID     string `xml:"RequestId"`
			Namespace string `xml:"xmlns,attr"`
		}
		if err := xml.Unmarshal(body, &doc); err != nil {
			t.Fatalf("reply is not XML: %v\n%s", err, body)
		}
		id := rec.Header().Get("X-Amzn-Requestid")
		switch {
		case rec.Code == http.StatusOK && doc.XMLName.Local == "AssumeRoleWithWebIdentityResponse":
			if !sessionKey.MatchString(doc.Key) || doc.OKID != id {
				t.Fatalf("success reply: AccessKeyId %q, RequestId %q (header %q)", doc.Key, doc.OKID, id)
			}
		case (rec.Code == http.StatusBadRequest || rec.Code == http.StatusForbidden) && doc.XMLName.Local == "ErrorResponse":
			switch doc.Code {
			case "ValidationError", "InvalidIdentityToken", "MalformedQueryString", "ExpiredTokenException", "AccessDenied",
				"IDPRejectedClaim", "MalformedPolicyDocument", "InvalidParameterValue":
			default:
				t.Fatalf("error reply with undocumented code %q", doc.Code)
			}
			if doc.ErrID != id {
				t.Fatalf("error RequestId %q; header %q", doc.ErrID, id)
			}
		default:
			t.Fatalf("reply %d with root %q; want 200 success or a 400 or 403 ErrorResponse", rec.Code, doc.XMLName.Local)
		}
		// Compare escaped forms: encoding/xml writes U+FFFD for every invalid character, so two
		// different control-character strings can look alike in the reply.
		echoed := xmlEscape(session + "\x00" + duration + "\x00" + provider)
		if printable(token) && len(token) >= 8 && !strings.Contains(echoed, xmlEscape(token)) && bytes.Contains(body, []byte(xmlEscape(token))) &&
			!bytes.Contains(fixedText, []byte(xmlEscape(token))) {
			t.Fatalf("reply contains the WebIdentityToken %q:\n%s", token, body)
		}
	})
}

// fixedText is every constant string the emulator writes; a token that is a substring of it
// shows up by coincidence, not by leaking.
var fixedText = []byte(strings.Join([]string{namespace, sessionKeyPrefix, exampleKeySuffix, exampleSecretSuffix,
	exampleTokenPrefix, diagnose.MsgNotJWT, diagnose.MsgNoVerificationKey, diagnose.MsgTokenNotValidated, diagnose.MsgIDPRejectedClaim,
	diagnose.MsgAssumeRoleWithWebIdentity, diagnose.MsgNoProvider, diagnose.MsgIncorrectAudience, "AssumeRoleWithWebIdentityResponse AssumeRoleWithWebIdentityResult Credentials AccessKeyId SecretAccessKey SessionToken Expiration SubjectFromWebIdentityToken AssumedRoleUser Arn AssumedRoleId PackedPolicySize Provider Audience SourceIdentity ResponseMetadata RequestId ErrorResponse Error Type Code Message Sender ValidationError InvalidIdentityToken",
	"1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length",
	"arn:aws:sts::123456789012:assumed-role/GitHubActionsDeploy/ 2014-10-24T23:00:23Z"}, "\n"))

// sessionKey is the shape of the access key ids the emulator issues.
var sessionKey = regexp.MustCompile(`^ASIA[A-Z2-7]{9}EXAMPLE$`)

// sessionSecret is the shape of the secret keys the emulator issues.
var sessionSecret = regexp.MustCompile(`^[A-Za-z0-9+/]{30}EXAMPLEKEY$`)

// printable reports whether s is valid UTF-8 without control characters, as real tokens are;
// for other strings the U+FFFD replacements make coincidental matches too likely.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// FuzzSignedRequest drives the emulator's signed-call path with arbitrary Authorization
// headers, dates, tokens and bodies. Property: the reply is an ErrorResponse with one of the
// codes the emulator documents for signed calls (or a success for a genuinely valid
// signature), its RequestId matches the header, and the user's secret key never appears.
func FuzzSignedRequest(f *testing.F) {
	// Seeds: the signed requests of the recorded fixtures (exact AWS-shaped Authorization
	// headers), and hand-made broken ones.
	paths, _ := filepath.Glob("../testdata/fixtures/sts/*.txt")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		c, err := fixture.Parse(p, data)
		if err != nil {
			f.Fatal(err)
		}
		r := c.Exchanges[0].Request
		if r.Header.Get("Authorization") != "" {
			f.Add(r.Header.Get("Authorization"), r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Security-Token"), string(r.Body))
		}
	}
	f.Add("AWS4-HMAC-SHA256", "", "", "Action=GetCallerIdentity&Version=2011-06-15")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
		"20150830T123600Z", "", "Action=AssumeRole&Version=2011-06-15&RoleArn=x")
	f.Add("AWS4-HMAC-SHA256 Credential=/, SignedHeaders=;;, Signature="+strings.Repeat("0", 64), "2015", "tok", "Action=GetSessionToken&Version=2011-06-15")

	srv := NewUnstartedServer(WithNow(func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) }))
	e := srv.sts
	codes := map[string]bool{"MissingAuthenticationToken": true, "InvalidClientTokenId": true, "SignatureDoesNotMatch": true,
		"IncompleteSignature": true, "ExpiredToken": true, "ValidationError": true, "AccessDenied": true,
		"InvalidAction": true, "MalformedQueryString": true, "InvalidIdentityToken": true, "ExpiredTokenException": true,
		"IDPRejectedClaim": true, "MalformedPolicyDocument": true, "InvalidParameterValue": true,
		"InvalidAuthorizationMessageException": true}
	f.Fuzz(func(t *testing.T, authz, date, token, body string) {
		req := httptest.NewRequest("POST", "http://sts.amazonaws.com/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		req.Header.Set("Authorization", authz)
		req.Header.Set("X-Amz-Date", date)
		if token != "" {
			req.Header.Set("X-Amz-Security-Token", token)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		var doc struct {
			XMLName xml.Name
			Code    string `xml:"Error>Code"`
			ErrID   string `xml:"RequestId"`
			OKID    string `xml:"ResponseMetadata>RequestId"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("reply is not XML: %v\n%s", err, rec.Body.Bytes())
		}
		id := rec.Header().Get("X-Amzn-Requestid")
		switch {
		case rec.Code == http.StatusOK:
			if doc.OKID != id || !strings.HasSuffix(doc.XMLName.Local, "Response") {
				t.Fatalf("success reply %q with RequestId %q (header %q)", doc.XMLName.Local, doc.OKID, id)
			}
		case doc.XMLName.Local != "ErrorResponse" || !codes[doc.Code] || doc.ErrID != id:
			t.Fatalf("reply %d %s code %q RequestId %q (header %q); want a documented ErrorResponse", rec.Code, doc.XMLName.Local, doc.Code, doc.ErrID, id)
		case rec.Code >= 500:
			t.Fatalf("reply %d for client input", rec.Code)
		}
		if bytes.Contains(rec.Body.Bytes(), []byte(UserSecretAccessKey)) {
			t.Fatalf("reply quotes the user's secret key")
		}
	})
}
