package sigv4

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzCreds signs and verifies in the fuzz targets: AWS's documented example key, with a
// session token shaped as STS's are.
var fuzzCreds = Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	SessionToken: "FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLEtoken+abc/def=="}

var fuzzTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

func fuzzLookup(id string) (Credentials, error) {
	if id == fuzzCreds.AccessKeyID {
		return fuzzCreds, nil
	}
	return Credentials{}, errors.New("no such key")
}

// suiteFiles returns the text of each SigV4 test-suite case in testdata/suite.
func suiteFiles(f *testing.F) []string {
	files, _ := filepath.Glob(filepath.Join("testdata", "suite", "*.txt"))
	var out []string
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// verifySentinels are the errors Verify documents.
var verifySentinels = []error{ErrNotSigned, ErrMalformed, ErrUnknownAccessKey, ErrScopeMismatch, ErrHeaderNotSigned,
	ErrDateSkew, ErrExpired, ErrTokenMismatch, ErrPayloadHashMismatch, ErrSignatureMismatch}

// checkVerifyError fails unless err is a *VerifyError wrapping exactly one of Verify's sentinels
// and its text holds neither the secret key nor the session token, unless the client put them in
// a field other than X-Amz-Security-Token itself (quoted: the text a client sent as its date).
func checkVerifyError(t *testing.T, err error, quoted string) {
	t.Helper()
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("Verify error %T %v; want a *VerifyError", err, err)
	}
	n := 0
	for _, s := range verifySentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("Verify error %v matches %d of the sentinels; want exactly one", err, n)
	}
	for _, secret := range []string{fuzzCreds.SecretAccessKey, fuzzCreds.SessionToken} {
		if strings.Contains(err.Error(), secret) && !strings.Contains(quoted, secret) {
			t.Fatalf("Verify error %q holds a secret the request did not quote", err)
		}
	}
}

// FuzzVerify feeds Verify signature fields a client made up: an Authorization header,
// X-Amz-Date, X-Amz-Security-Token and a query (the presigned form's fields). Every refusal is a
// *VerifyError wrapping exactly one documented sentinel, without the secret key or session token
// in its text; an acceptance computed the very signature the request carries.
func FuzzVerify(f *testing.F) {
	// Seeds: the Authorization headers of the SigV4 suite's signed requests (testdata/suite),
	// each with the suite's date.
	for _, data := range suiteFiles(f) {
		for _, line := range strings.Split(data, "\n") {
			if v, ok := strings.CutPrefix(line, "Authorization: "); ok {
				f.Add(v, "20150830T123600Z", "", "")
			}
		}
	}
	// A request signed by this package, header form and presigned, with the session token.
	r, _ := http.NewRequest("POST", "https://sts.us-east-1.amazonaws.com/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	sig, _ := new(Signer).SignHTTP(r, fuzzCreds, "", "sts", "us-east-1", fuzzTime)
	f.Add(sig.Authorization, r.Header.Get("X-Amz-Date"), fuzzCreds.SessionToken, "")
	p, _ := http.NewRequest("GET", "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	u, _, _ := new(Signer).PresignHTTP(p, fuzzCreds, "", "sts", "us-east-1", fuzzTime, time.Hour)
	f.Add("", "", "", u.RawQuery)
	f.Add("AWS4-HMAC-SHA256 Credential=/, SignedHeaders=;, Signature="+strings.Repeat("0", 64), "20150830T123600Z", "", "")                                         // empty parts
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/sts/aws4_request,SignedHeaders=host,Signature=x", "2015", "x", "")                   // short signature, short date
	f.Add("", "", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Expires=-1&X-Amz-SignedHeaders=host&X-Amz-Signature="+strings.Repeat("f", 64)) // negative expiry
	f.Fuzz(func(t *testing.T, authz, date, token, query string) {
		r, err := http.NewRequest("POST", "https://sts.us-east-1.amazonaws.com/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		if err != nil {
			t.Fatal(err)
		}
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		for k, v := range map[string]string{"Authorization": authz, "X-Amz-Date": date, "X-Amz-Security-Token": token} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		v, err := Verify(r, []byte("Action=GetCallerIdentity&Version=2011-06-15"), fuzzLookup, fuzzTime, VerifyOptions{})
		if err != nil {
			quoted := []string{authz, date, query}
			if q, err := url.ParseQuery(query); err == nil {
				for _, vs := range q {
					quoted = append(quoted, vs...)
				}
			}
			checkVerifyError(t, err, strings.Join(quoted, "\n"))
			if v != nil && !errors.Is(err, ErrSignatureMismatch) {
				t.Fatalf("Verify = %+v with %v; want nil on every error but a signature mismatch", v, err)
			}
			return
		}
		if v == nil || v.Signature == nil || !strings.Contains(authz+query, v.Signature.Signature) {
			t.Fatalf("Verify accepted (authz %q, query %q) with %+v, not the signature it carries", authz, query, v)
		}
	})
}

// FuzzSignVerify is a round trip between the signer and the verifier across the wire: a request
// of any method, path and query, one header of any name and value, and any body, signed (in
// header form, or presigned) and written as HTTP/1.1 puts it on the wire, then read back as a
// server reads it, verifies; and the same request with its body changed does not.
func FuzzSignVerify(f *testing.F) {
	// Seeds: the method and request-target of each SigV4 suite case, and its first header.
	for _, data := range suiteFiles(f) {
		_, req, _ := strings.Cut(data, "-- request --\n")
		lines := strings.Split(req, "\n")
		method, target, _ := strings.Cut(strings.TrimSuffix(lines[0], " HTTP/1.1"), " ")
		hname, hvalue := "", ""
		if len(lines) > 2 {
			hname, hvalue, _ = strings.Cut(lines[2], ":")
		}
		f.Add(method, target, hname, hvalue, "", false, uint8(0))
	}
	f.Add("POST", "/", "Content-Type", "application/x-www-form-urlencoded; charset=utf-8", "Action=GetCallerIdentity&Version=2011-06-15", false, uint8(0)) // STS
	f.Add("GET", "/my%20key/a+b.txt?versionId=3&acl", "Range", "bytes=0-9", "", true, uint8(1))                                                            // S3, presigned
	f.Add("PUT", "/a//b/./../c%2Fd?x=%zz&y", "X-Amz-Meta-A", "  two   spaces\t", "body\r\n", false, uint8(1))                                              // S3 path rules, a header to fold
	f.Add("POST", "/", "X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH"}`, false, uint8(2))                  // Cognito
	services := []string{"sts", "s3", "cognito-idp", "execute-api"}
	f.Fuzz(func(t *testing.T, method, target, hname, hvalue, body string, presign bool, which uint8) {
		service := services[int(which)%len(services)]
		r, err := http.NewRequest(method, "https://example.us-east-1.amazonaws.com"+target, strings.NewReader(body))
		if err != nil || r.URL.Host != "example.us-east-1.amazonaws.com" || r.URL.Opaque != "" || r.URL.Fragment != "" {
			return // not a request a client can send to this host
		}
		if hname != "" {
			if !isToken(hname) {
				return // not a header name HTTP can carry
			}
			r.Header.Set(hname, hvalue)
		}
		signer := &Signer{}
		if presign {
			if body != "" {
				return
			}
			u, _, err := signer.PresignHTTP(r, fuzzCreds, "", service, "us-east-1", fuzzTime, time.Hour)
			if err != nil {
				return
			}
			r.URL = u
		} else if _, err := signer.SignHTTP(r, fuzzCreds, "", service, "us-east-1", fuzzTime); err != nil {
			return
		}
		got, wire, ok := overTheWire(r)
		if !ok {
			return // a header or target Go's server refuses to read: nothing to verify
		}
		opts := VerifyOptions{Region: "us-east-1", Service: service}
		if _, err := Verify(got, []byte(body), fuzzLookup, fuzzTime, opts); err != nil {
			t.Fatalf("Verify of a request this package signed = %v\nwire:\n%q", err, wire)
		}
		if presign {
			return
		}
		_, err = Verify(got, []byte(body+"x"), fuzzLookup, fuzzTime, opts)
		if !errors.Is(err, ErrSignatureMismatch) && !errors.Is(err, ErrPayloadHashMismatch) {
			t.Fatalf("Verify with the body changed = %v; want a signature or payload hash mismatch\nwire:\n%q", err, wire)
		}
	})
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2), the shape of a header
// name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// overTheWire writes r as a client puts it on the wire and reads it back as a server does.
func overTheWire(r *http.Request) (*http.Request, []byte, bool) {
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		return nil, nil, false
	}
	wire := buf.Bytes()
	got, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
	if err != nil {
		return nil, wire, false
	}
	return got, wire, true
}
