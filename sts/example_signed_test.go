package sts_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// replayer stands in for STS: it answers with the response recorded in a fixture of
// testdata/fixtures/sts, after checking that the request carries exactly the recorded
// signature (so these examples show the signed request is byte for byte the recorded one).
type replayer struct{ name string }

func (r replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	c, err := fixture.Load("../testdata/fixtures/sts/" + r.name + ".txt")
	if err != nil {
		return nil, err
	}
	ex := c.Exchanges[0]
	if got, want := req.Header.Get("Authorization"), ex.Request.Header.Get("Authorization"); got != want {
		return nil, fmt.Errorf("Authorization %q; recorded %q", got, want)
	}
	return &http.Response{StatusCode: ex.Response.StatusCode, Header: ex.Response.Header,
		Body: io.NopCloser(bytes.NewReader(ex.Response.Body)), Request: req}, nil
}

// alice is AWS's documented EXAMPLE key of the IAM user Alice.
var alice = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// assumedRole are the session credentials of the AssumeRole API reference sample.
var assumedRole = &sigv4.Credentials{AccessKeyID: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
	SessionToken: "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="}

// replayClient returns a client of the global endpoint that signs with creds at the given
// time and is answered from the named fixture.
func replayClient(name string, creds *sigv4.Credentials, at string) *sts.Client {
	t, _ := time.Parse(time.RFC3339, at)
	return &sts.Client{Credentials: creds, Now: func() time.Time { return t },
		HTTPClient: &http.Client{Transport: replayer{name}}, MaxAttempts: 1}
}

func ExampleClient_GetCallerIdentity() {
	c := replayClient("get-caller-identity-success-user", alice, "2015-08-30T12:36:00Z")
	out, err := c.GetCallerIdentity(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Account, out.Arn, out.UserID)
	// Output:
	// 123456789012 arn:aws:iam::123456789012:user/Alice AIDACKCEVSQ6C2EXAMPLE
}

// The error contract of signed calls: STS's refusals are *sts.APIError (compare Code);
// missing credentials are an *sts.InputError, before anything is sent.
func ExampleClient_GetCallerIdentity_errors() {
	c := replayClient("get-caller-identity-error-expired-token", assumedRole, "2019-11-09T14:00:00Z")
	_, err := c.GetCallerIdentity(context.Background())
	var apiErr *sts.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, apiErr.StatusCode, apiErr.Message)
	}

	_, err = (&sts.Client{}).GetCallerIdentity(context.Background())
	var inErr *sts.InputError
	if errors.As(err, &inErr) {
		fmt.Println(inErr.Field)
	}
	// Output:
	// ExpiredToken 400 The security token included in the request is expired
	// Credentials
}

func ExampleClient_AssumeRole() {
	c := replayClient("assume-role-success", alice, "2019-11-09T12:34:41Z")
	out, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         "arn:aws:iam::123456789012:role/demo",
		RoleSessionName: "testAR",
		ExternalId:      "123ABC",
		SourceIdentity:  "Alice",
		Policy:          `{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`,
		PolicyArns:      []string{"arn:aws:iam::123456789012:policy/demopolicy1", "arn:aws:iam::123456789012:policy/demopolicy2"},
		DurationSeconds: 3600,
		Tags: []sts.Tag{
			{Key: "Project", Value: "Pegasus"}, {Key: "Team", Value: "Engineering"}, {Key: "Cost-Center", Value: "12345"},
		},
		TransitiveTagKeys: []string{"Project", "Cost-Center"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.AssumedRoleUser.Arn)
	fmt.Println(out.Credentials.AccessKeyID, out.Credentials.Expiration.Format(time.RFC3339), *out.PackedPolicySize, out.SourceIdentity)
	// Output:
	// arn:aws:sts::123456789012:assumed-role/demo/TestAR
	// ASIAIOSFODNN7EXAMPLE 2019-11-09T13:34:41Z 6 Alice
}

// Role chaining: the session credentials of one AssumeRole sign the next; the session token
// travels as a signed X-Amz-Security-Token.
func ExampleClient_AssumeRole_chaining() {
	c := replayClient("assume-role-success-chained", assumedRole, "2019-11-09T12:45:00Z")
	out, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "Bob", DurationSeconds: 900,
		Tags:              []sts.Tag{{Key: "Project", Value: "Unicorn"}, {Key: "Team", Value: "Automation"}, {Key: "Cost-Center", Value: "12345"}},
		TransitiveTagKeys: []string{"Project", "Cost-Center"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.AssumedRoleUser.Arn, out.Credentials.Expiration.Format(time.RFC3339))
	// Output:
	// arn:aws:sts::123456789012:assumed-role/demo/Bob 2019-11-09T13:00:00Z
}

func ExampleClient_GetSessionToken() {
	c := replayClient("get-session-token-success-mfa", alice, "2011-07-11T18:55:29Z")
	out, err := c.GetSessionToken(context.Background(), &sts.GetSessionTokenInput{
		DurationSeconds: 3600, SerialNumber: "YourMFASerialNumber", TokenCode: "123456",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Credentials.AccessKeyID, out.Credentials.Expiration.Format(time.RFC3339Nano), out.RequestID)
	// Output:
	// AKIAIOSFODNN7EXAMPLE 2011-07-11T19:55:29.611Z 58c5dbae-abef-11e0-8cfe-09039844ac7d
}

func ExampleClient_DecodeAuthorizationMessage() {
	c := replayClient("decode-authorization-message-success", alice, "2015-08-30T12:36:00Z")
	out, err := c.DecodeAuthorizationMessage(context.Background(),
		"EXAMPLEd2lsbCBub3QgZGVjb2RlOiB0aGlzIGlzIGFuIEVYQU1QTEUgZW5jb2RlZCBhdXRob3JpemF0aW9uIGZhaWx1cmUgbWVzc2FnZQ-EXAMPLE")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.DecodedMessage[:60])
	// Output:
	// {"allowed":false,"explicitDeny":false,"matchedStatements":{"
}

func ExampleClient_GetAccessKeyInfo() {
	c := replayClient("get-access-key-info-success", alice, "2015-08-30T12:36:00Z")
	out, err := c.GetAccessKeyInfo(context.Background(), "AKIAI44QH8DHBEXAMPLE")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Account)
	// Output:
	// 123456789012
}

// AssumeRoleWithSAML is unsigned: the client needs no credentials.
func ExampleClient_AssumeRoleWithSAML() {
	c := replayClient("assume-role-with-saml-success", nil, "2019-11-01T19:26:47Z")
	out, err := c.AssumeRoleWithSAML(context.Background(), &sts.AssumeRoleWithSAMLInput{
		RoleArn:         "arn:aws:iam::123456789012:role/TestSaml",
		PrincipalArn:    "arn:aws:iam::123456789012:saml-provider/SAML-test",
		SAMLAssertion:   "VERYLONGENCODEDASSERTIONEXAMPLExzYW1sOkF1ZGllbmNlPmJsYW5rPC9zYW1sOkF1ZGllbmNlPjwvc2FtbDpBdWRpZW5jZVJlc3RyaWN0aW9uPjwvc2FtbDpDb25kaXRpb25zPjxzYW1sOlN1YmplY3Q+PHNhbWw6TmFtZUlEIEZvcm1hdD0idXJuOm9hc2lzOm5hbWVzOnRjOlNBTUw6Mi4wOm5hbWVpZC1mb3JtYXQ6dHJhbnNpZW50Ij5TYW1sRXhhbXBsZTwvc2FtbDpOYW1lSUQ+PHNhbWw6U3ViamVjdENvbmZpcm1hdGlvbiBNZXRob2Q9InVybjpvYXNpczpuYW1lczp0YzpTQU1MOjIuMDpjbTpiZWFyZXIiPjxzYW1sOlN1YmplY3RDb25maXJtYXRpb25EYXRhIE5vdE9uT3JBZnRlcj0iMjAxOS0xMS0wMVQyMDoyNTowNS4xNDVaIiBSZWNpcGllbnQ9Imh0dHBzOi8vc2lnbmluLmF3cy5hbWF6b24uY29tL3NhbWwiLz48L3NhbWw6U3ViamVjdENvbmZpcm1hdGlvbj48L3NhbWw6U3ViamVjdD48c2FtbDpBdXRoblN0YXRlbWVudCBBdXRoPD94bWwgdmpSZXNwb25zZT4=",
		DurationSeconds: 3600,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Subject, out.SubjectType, out.Issuer)
	fmt.Println(out.AssumedRoleUser.Arn, out.Credentials.AccessKeyID)
	// Output:
	// SamlExample transient https://integ.example.com/idp/shibboleth
	// arn:aws:sts::123456789012:assumed-role/TestSaml ASIAV3ZUEFP6EXAMPLE
}
