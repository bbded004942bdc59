package ststest_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
)

// stsFixtures is the folder of recorded STS exchanges, shared by every package's tests.
const stsFixtures = "../testdata/fixtures/sts"

// TestFixturesLoad parses every STS fixture so that a malformed file fails here, in one place,
// and checks the facts every recording must keep: the request is the form POST rawsts sends,
// (signed with SigV4 unless the call is unsigned), and an XML body on a reply from STS itself
// is well formed.
func TestFixturesLoad(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(stsFixtures, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 30 {
		t.Fatalf("Glob(%q) found %d fixtures; want at least 30", stsFixtures, len(paths))
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		t.Run(name, func(t *testing.T) {
			c, err := fixture.Load(p)
			if err != nil {
				t.Fatalf("Load(%q) = %v; want a case", p, err)
			}
			if c.Comment == "" {
				t.Errorf("Load(%q).Comment is empty; want a paragraph naming the facts", p)
			}
			for i, ex := range c.Exchanges {
				checkRequest(t, name, i, ex.Request)
				checkResponse(t, name, i, ex.Response)
			}
		})
	}
}

func checkRequest(t *testing.T, name string, i int, r fixture.Request) {
	t.Helper()
	if r.Method != "POST" || r.Target != "/" {
		t.Errorf("exchange %d: request line %s %s; want POST /", i, r.Method, r.Target)
	}
	if got, want := r.Header.Get("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8"; got != want {
		t.Errorf("exchange %d: Content-Type = %q; want %q", i, got, want)
	}
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		t.Fatalf("exchange %d: url.ParseQuery(body) = %v", i, err)
	}
	if got := form.Get("Version"); got != "2011-06-15" {
		t.Errorf("exchange %d: form Version = %q; want 2011-06-15", i, got)
	}
	action := form.Get("Action")
	required, ok := requiredParams[action]
	if !ok {
		t.Fatalf("exchange %d: form Action = %q; want one of the STS calls rawsts makes", i, action)
	}
	for _, k := range required {
		if form.Get(k) == "" {
			t.Errorf("exchange %d: form has no %s", i, k)
		}
	}
	// Signed calls carry a complete SigV4 header set, except the recording of what STS
	// answers an unsigned one.
	if unsigned := action == "AssumeRoleWithWebIdentity" || action == "AssumeRoleWithSAML"; unsigned {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("exchange %d: unsigned %s carries Authorization", i, action)
		}
	} else if !strings.Contains(name, "missing-authentication-token") {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=") || r.Header.Get("X-Amz-Date") == "" {
			t.Errorf("exchange %d: signed %s has no SigV4 Authorization and X-Amz-Date", i, action)
		}
	}
}

// requiredParams are the required form parameters of each STS call the fixtures record.
var requiredParams = map[string][]string{
	"AssumeRoleWithWebIdentity":  {"RoleArn", "RoleSessionName", "WebIdentityToken"},
	"AssumeRoleWithSAML":         {"RoleArn", "PrincipalArn", "SAMLAssertion"},
	"AssumeRole":                 {"RoleArn", "RoleSessionName"},
	"GetCallerIdentity":          nil,
	"GetSessionToken":            nil,
	"DecodeAuthorizationMessage": {"EncodedMessage"},
	"GetAccessKeyInfo":           {"AccessKeyId"},
}

func checkResponse(t *testing.T, name string, i int, r fixture.Response) {
	t.Helper()
	if r.Header.Get("Date") == "" {
		t.Errorf("exchange %d: response has no Date header", i)
	}
	fromSTS := r.Header.Get("X-Amzn-Requestid") != ""
	if !fromSTS || strings.HasPrefix(name, "broken-truncated") {
		return
	}
	if got := r.Header.Get("Content-Type"); got != "text/xml" {
		t.Errorf("exchange %d: Content-Type = %q; want text/xml", i, got)
	}
	d := xml.NewDecoder(bytes.NewReader(r.Body))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("exchange %d: body is not well-formed XML: %v", i, err)
		}
	}
	id := r.Header.Get("X-Amzn-Requestid")
	if !bytes.Contains(r.Body, []byte("<RequestId>"+id+"</RequestId>")) {
		t.Errorf("exchange %d: body RequestId differs from X-Amzn-Requestid %q", i, id)
	}
}
