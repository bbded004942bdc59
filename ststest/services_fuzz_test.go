package ststest

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// FuzzSignedServices drives the emulator's IAM, S3 and EC2 with requests of any method, path,
// query and body, signed (so that they get past the signature to the parsers) with the default
// user's key, against a fresh server each time. Property: the reply is the service's own XML —
// a result, or its error document with a code (IAM's ErrorResponse, S3's Error, EC2's
// Response/Errors) — never a 5xx for what a client sent (but 501, an operation the emulator
// does not play), and never the user's secret key.
func FuzzSignedServices(f *testing.F) {
	// Seeds: the calls the walkthrough and diagnose --fetch make, and each service's reads.
	f.Add(uint8(0), "POST", "/", "Action=GetRole&RoleName=DemoRole&Version=2010-05-08")
	f.Add(uint8(0), "POST", "/", "Action=ListOpenIDConnectProviders&Version=2010-05-08")
	f.Add(uint8(0), "POST", "/", "Action=CreateRole&RoleName=x&AssumeRolePolicyDocument=%7B%22Statement%22%3A%5B%5D%7D&MaxSessionDuration=99999&Version=2010-05-08") // a duration out of range
	f.Add(uint8(0), "POST", "/", "Action=CreateOpenIDConnectProvider&Url=http%3A%2F%2Fx&ClientIDList.member.1=a&ThumbprintList.member.1=zz&Version=2010-05-08")      // an http URL, a bad thumbprint
	f.Add(uint8(1), "GET", "/", "")                                                                                                                                  // ListBuckets
	f.Add(uint8(1), "GET", "/bucket?list-type=2&prefix=a%2F&max-keys=-1", "")                                                                                        // ListObjectsV2, a negative max-keys
	f.Add(uint8(1), "PUT", "/bucket/key/../x", "body")                                                                                                               // a write, a dot segment
	f.Add(uint8(2), "POST", "/", "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&Filter.1.Value.1=running")                           // a filter
	f.Add(uint8(2), "GET", "/?Action=DescribeRegions&Version=2016-11-15&MaxResults=0", "")                                                                           // a query call
	services := []string{"iam", "s3", "ec2"}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, which uint8, method, target, body string) {
		service := services[int(which)%len(services)]
		req, err := http.NewRequest(method, "http://127.0.0.1:4566"+target, strings.NewReader(body))
		if err != nil || req.URL.Host != "127.0.0.1:4566" {
			return
		}
		if body != "" && service != "s3" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
		creds := sigv4.Credentials{AccessKeyID: UserAccessKeyID, SecretAccessKey: UserSecretAccessKey}
		if _, err := new(sigv4.Signer).SignHTTP(req, creds, sigv4.HashPayload([]byte(body)), service, "us-east-1", now); err != nil {
			return
		}
		srv := NewUnstartedServer(WithNow(func() time.Time { return now }))
		rec := httptest.NewRecorder()
		srv.route(rec, req)
		reply := rec.Body.String()
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented { // 501: an operation the emulator does not play, as S3 says it
			t.Fatalf("%s %s %q (%s): HTTP %d for what a client sent:\n%s", method, target, body, service, rec.Code, reply)
		}
		if strings.Contains(reply, UserSecretAccessKey) {
			t.Fatalf("%s %s %q (%s): the reply holds the user's secret key", method, target, body, service)
		}
		if reply == "" && (rec.Code < 300 || method == http.MethodHead) {
			return // an empty success (a PUT), or HEAD
		}
		var doc struct {
			XMLName xml.Name
			Code    string `xml:"Code"`
			ErrCode string `xml:"Error>Code"`
			EC2Code string `xml:"Errors>Error>Code"`
		}
		if err := xml.Unmarshal([]byte(reply), &doc); err != nil {
			t.Fatalf("%s %s %q (%s): HTTP %d, a reply that is not XML: %v\n%s", method, target, body, service, rec.Code, err, reply)
		}
		if rec.Code < 300 {
			return
		}
		code := map[string]string{"iam": doc.ErrCode, "s3": doc.Code, "ec2": doc.EC2Code}[service]
		root := map[string]string{"iam": "ErrorResponse", "s3": "Error", "ec2": "Response"}[service]
		if doc.XMLName.Local != root || code == "" {
			t.Fatalf("%s %s %q (%s): HTTP %d with <%s>, code %q; want %s's error document\n%s", method, target, body, service, rec.Code, doc.XMLName.Local, code, service, reply)
		}
	})
}
