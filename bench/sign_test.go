package bench_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkv4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/rawsts/rawsts/sigv4"
)

// AWS's documented example keys; the token is a made-up string with the characters
// real ones carry.
var (
	exampleCreds = sigv4.Credentials{
		AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		SessionToken:    "FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLEtoken+abc/def==",
	}
	sdkCreds = aws.Credentials{AccessKeyID: exampleCreds.AccessKeyID, SecretAccessKey: exampleCreds.SecretAccessKey, SessionToken: exampleCreds.SessionToken}
	when     = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
)

const stsBody = "Action=GetCallerIdentity&Version=2011-06-15"

type header struct{ name, value string }

type crossCase struct {
	name    string
	method  string
	url     string
	rawPath string // set for S3 keys, as S3 clients encode them
	headers []header
	body    string
	service string
	noToken bool
}

var crossCases = []crossCase{
	{name: "STS GetCallerIdentity POST with session token", method: "POST", url: "https://sts.amazonaws.com/",
		headers: []header{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}, body: stsBody, service: "sts"},
	{name: "STS regional GET query", method: "GET", url: "https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", service: "sts"},
	{name: "S3 key with spaces", method: "GET", url: "https://examplebucket.s3.amazonaws.com/my photos/a b.jpg", rawPath: "/my%20photos/a%20b.jpg", service: "s3", noToken: true},
	{name: "S3 key with unicode", method: "GET", url: "https://examplebucket.s3.amazonaws.com/ሴ/日本語.txt", rawPath: "/%E1%88%B4/%E6%97%A5%E6%9C%AC%E8%AA%9E.txt", service: "s3"},
	{name: "S3 key with plus", method: "GET", url: "https://examplebucket.s3.amazonaws.com/a+b", rawPath: "/a%2Bb", service: "s3"},
	{name: "S3 key with percent", method: "GET", url: "https://examplebucket.s3.amazonaws.com/100%25.txt", rawPath: "/100%25.txt", service: "s3",
		headers: []header{{"Range", "bytes=0-9"}}},
	{name: "query with repeated and empty keys", method: "GET", url: "https://example.amazonaws.com/?b=2&a=3&a=1&empty=&flag&x=a%20b", service: "service"},
	{name: "headers with folded spaces and repeated values", method: "GET", url: "https://example.amazonaws.com/", service: "service",
		headers: []header{{"My-Header1", "  a   b   c  "}, {"My-Header2", "value4"}, {"My-Header2", "value1"}, {"My-Header2", "value3"}, {"X-Amz-Meta-Note", "x  y"}}},
	{name: "POST with body and path", method: "POST", url: "https://example.amazonaws.com/a/b%20c/", service: "execute-api",
		headers: []header{{"Content-Type", "application/json"}, {"X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"}}, body: `{"AuthFlow":"USER_SRP_AUTH"}`},
}

// newRequest builds the case's request; S3 requests get X-Amz-Content-Sha256 up front,
// as the SDK's S3 middleware does before signing.
func newRequest(t testing.TB, c crossCase, sdk bool) (*http.Request, string) {
	var body *bytes.Reader
	if c.body != "" {
		body = bytes.NewReader([]byte(c.body))
	}
	var r *http.Request
	var err error
	if body != nil {
		r, err = http.NewRequest(c.method, "https://placeholder/", body)
	} else {
		r, err = http.NewRequest(c.method, "https://placeholder/", nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(c.url)
	if err != nil {
		t.Fatal(err)
	}
	if c.rawPath != "" {
		u.RawPath = c.rawPath
	}
	r.URL, r.Host = u, u.Host
	for _, h := range c.headers {
		r.Header.Add(h.name, h.value)
	}
	hash := sigv4.HashPayload([]byte(c.body))
	if sdk && c.service == "s3" {
		r.Header.Set("X-Amz-Content-Sha256", hash)
	}
	return r, hash
}

func TestSignMatchesSDK(t *testing.T) {
	ours := new(sigv4.Signer)
	for _, c := range crossCases {
		t.Run(c.name, func(t *testing.T) {
			cr, sc := exampleCreds, sdkCreds
			if c.noToken {
				cr.SessionToken, sc.SessionToken = "", ""
			}
			sdk := sdkv4.NewSigner(func(o *sdkv4.SignerOptions) { o.DisableURIPathEscaping = c.service == "s3" })

			r1, hash := newRequest(t, c, false)
			sig, err := ours.SignHTTP(r1, cr, hash, c.service, "us-east-1", when)
			if err != nil {
				t.Fatal(err)
			}
			r2, _ := newRequest(t, c, true)
			if err := sdk.SignHTTP(context.Background(), sc, r2, hash, c.service, "us-east-1", when); err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"} {
				if got, want := r1.Header.Get(h), r2.Header.Get(h); got != want {
					t.Errorf("%s = %q; SDK has %q\nour canonical request:\n%s", h, got, want, sig.CanonicalRequest)
				}
			}

			if c.body != "" {
				return
			}
			r3, _ := newRequest(t, c, false)
			r4, _ := newRequest(t, c, false)
			ph := hash
			if c.service == "s3" {
				ph = sigv4.UnsignedPayload
			}
			u, _, err := ours.PresignHTTP(r3, cr, ph, c.service, "us-east-1", when, 15*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			r4.URL.RawQuery = r4.URL.RawQuery + "&X-Amz-Expires=900"
			if r4.URL.RawQuery[0] == '&' {
				r4.URL.RawQuery = r4.URL.RawQuery[1:]
			}
			sdkURL, _, err := sdk.PresignHTTP(context.Background(), sc, r4, ph, c.service, "us-east-1", when)
			if err != nil {
				t.Fatal(err)
			}
			su, _ := url.Parse(sdkURL)
			if got, want := u.Query().Get("X-Amz-Signature"), su.Query().Get("X-Amz-Signature"); got != want {
				t.Errorf("presigned X-Amz-Signature = %s; SDK has %s\nours: %s\nSDK:  %s", got, want, u, sdkURL)
			}
		})
	}
}

// BenchmarkSign builds a GetCallerIdentity POST, hashes its body and signs it with a
// session token, once with rawsts and once with the SDK.
func BenchmarkSign(b *testing.B) {
	body := []byte(stsBody)
	build := func() *http.Request {
		r, _ := http.NewRequest("POST", "https://sts.amazonaws.com/", bytes.NewReader(body))
		r.Header["Content-Type"] = []string{"application/x-www-form-urlencoded; charset=utf-8"}
		return r
	}
	b.Run("rawsts", func(b *testing.B) {
		s := new(sigv4.Signer)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := build()
			if _, err := s.SignHTTP(r, exampleCreds, sigv4.HashPayload(body), "sts", "us-east-1", when); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		s := sdkv4.NewSigner()
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := build()
			if err := s.SignHTTP(ctx, sdkCreds, r, sigv4.HashPayload(body), "sts", "us-east-1", when); err != nil {
				b.Fatal(err)
			}
		}
	})
}
