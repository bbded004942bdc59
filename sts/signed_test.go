package sts

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

func TestAssumeRoleValidate(t *testing.T) {
	valid := func() AssumeRoleInput {
		return AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "testAR"}
	}
	tests := []struct {
		name      string
		edit      func(*AssumeRoleInput)
		wantField string // "" = valid
		want      string // substring of Problem
	}{
		{"valid", func(in *AssumeRoleInput) {}, "", ""},
		{"valid with everything", func(in *AssumeRoleInput) {
			in.ExternalId, in.SerialNumber, in.TokenCode, in.SourceIdentity = "123ABC", "arn:aws:iam::123456789012:mfa/Alice", "123456", "Alice"
			in.Policy, in.PolicyArns, in.DurationSeconds = `{"Version":"2012-10-17"}`, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, 43200
			in.Tags = []Tag{{"Project", "Pegasus"}, {"Cost-Center", "12345"}, {"Empty", ""}, {"With space:/=+-@", "é ü"}}
			in.TransitiveTagKeys = []string{"Project"}
		}, "", ""},
		{"missing RoleArn", func(in *AssumeRoleInput) { in.RoleArn = "" }, "RoleArn", "is required"},
		{"assumed-role ARN", func(in *AssumeRoleInput) { in.RoleArn = "arn:aws:sts::123456789012:assumed-role/demo/x" }, "RoleArn", "assumed-role session"},
		{"session name with space", func(in *AssumeRoleInput) { in.RoleSessionName = "test AR" }, "RoleSessionName", "not allowed"},
		{"external id too short", func(in *AssumeRoleInput) { in.ExternalId = "x" }, "ExternalId", "2–1224"},
		{"external id bad char", func(in *AssumeRoleInput) { in.ExternalId = "abc def" }, "ExternalId", "2–1224"},
		{"external id trailing newline", func(in *AssumeRoleInput) { in.ExternalId = "123ABC\n" }, "ExternalId", "trailing newline"},
		{"token code without serial", func(in *AssumeRoleInput) { in.TokenCode = "908172" }, "SerialNumber", "is required with TokenCode"},
		{"serial without token code", func(in *AssumeRoleInput) { in.SerialNumber = "arn:aws:iam::123456789012:mfa/Alice" }, "TokenCode", "is required with SerialNumber"},
		{"token code 5 digits", func(in *AssumeRoleInput) {
			in.SerialNumber, in.TokenCode = "arn:aws:iam::123456789012:mfa/Alice", "90817"
		}, "TokenCode", "exactly 6 digits (got 5"},
		{"token code letters", func(in *AssumeRoleInput) {
			in.SerialNumber, in.TokenCode = "arn:aws:iam::123456789012:mfa/Alice", "90817x"
		}, "TokenCode", "exactly 6 digits"},
		{"serial too short", func(in *AssumeRoleInput) { in.SerialNumber, in.TokenCode = "GAHT1234", "908172" }, "SerialNumber", "9–256"},
		{"source identity with colon", func(in *AssumeRoleInput) { in.SourceIdentity = "aws:Alice" }, "SourceIdentity", "not allowed"},
		{"duration too long", func(in *AssumeRoleInput) { in.DurationSeconds = 43201 }, "DurationSeconds", "outside 900–43200"},
		{"policy not JSON", func(in *AssumeRoleInput) { in.Policy = "JSON-IAM-POLICY" }, "Policy", "not valid JSON"},
		{"11 policy ARNs", func(in *AssumeRoleInput) {
			in.PolicyArns = strings.Split(strings.Repeat("arn:aws:iam::aws:policy/ReadOnlyAccess,", 11)[:11*39-1], ",")
		}, "PolicyArns", "at most 10"},
		{"51 tags", func(in *AssumeRoleInput) {
			for i := 0; i < 51; i++ {
				in.Tags = append(in.Tags, Tag{Key: "k" + itoa(i)})
			}
		}, "Tags", "at most 50"},
		{"empty tag key", func(in *AssumeRoleInput) { in.Tags = []Tag{{"", "v"}} }, "Tags", "1–128"},
		{"tag key bad char", func(in *AssumeRoleInput) { in.Tags = []Tag{{"a*b", "v"}} }, "Tags", "1–128"},
		{"tag value too long", func(in *AssumeRoleInput) { in.Tags = []Tag{{"k", strings.Repeat("v", 257)}} }, "Tags", "0–256"},
		{"tag keys differ in case only", func(in *AssumeRoleInput) { in.Tags = []Tag{{"Department", "a"}, {"department", "b"}} }, "Tags", "case-insensitive"},
		{"transitive key bad char", func(in *AssumeRoleInput) { in.TransitiveTagKeys = []string{"a*"} }, "TransitiveTagKeys", "1–128"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.edit(&in)
			err := in.Validate()
			checkInputErr(t, "AssumeRoleInput.Validate()", err, tt.wantField, tt.want)
			if err != nil && in.TokenCode != "" && strings.Contains(err.Error(), in.TokenCode) {
				t.Errorf("Validate() = %v; quotes the TokenCode", err)
			}
		})
	}
}

func checkInputErr(t *testing.T, call string, err error, wantField, want string) {
	t.Helper()
	if wantField == "" {
		if err != nil {
			t.Errorf("%s = %v; want nil", call, err)
		}
		return
	}
	var ie *InputError
	if !errors.As(err, &ie) || ie.Field != wantField || !strings.Contains(ie.Problem, want) {
		t.Errorf("%s = %v; want *InputError{Field: %q} containing %q", call, err, wantField, want)
	}
}

func TestOtherValidations(t *testing.T) {
	saml := func() *AssumeRoleWithSAMLInput {
		return &AssumeRoleWithSAMLInput{RoleArn: "arn:aws:iam::123456789012:role/TestSaml",
			PrincipalArn: "arn:aws:iam::123456789012:saml-provider/SAML-test", SAMLAssertion: "PHNhbWxwOlJlc3BvbnNlLz4="}
	}
	tests := []struct {
		name      string
		err       error
		wantField string
		want      string
	}{
		{"SAML valid", saml().Validate(), "", ""},
		{"SAML role as principal", func() error { in := saml(); in.PrincipalArn = in.RoleArn; return in.Validate() }(), "PrincipalArn", "is a role ARN"},
		{"SAML oidc provider", func() error {
			in := saml()
			in.PrincipalArn = "arn:aws:iam::123456789012:oidc-provider/example.com"
			return in.Validate()
		}(), "PrincipalArn", "not a SAML provider"},
		{"SAML provider as role", func() error { in := saml(); in.RoleArn = in.PrincipalArn; return in.Validate() }(), "RoleArn", "SAML provider ARN"},
		{"SAML missing assertion", func() error { in := saml(); in.SAMLAssertion = ""; return in.Validate() }(), "SAMLAssertion", "is required"},
		{"SAML assertion newline", func() error { in := saml(); in.SAMLAssertion += "\n"; return in.Validate() }(), "SAMLAssertion", "trailing newline"},
		{"SAML duration", func() error { in := saml(); in.DurationSeconds = 60; return in.Validate() }(), "DurationSeconds", "outside 900–43200"},
		{"session token valid", (&GetSessionTokenInput{DurationSeconds: 129600}).Validate(), "", ""},
		{"session token too long", (&GetSessionTokenInput{DurationSeconds: 129601}).Validate(), "DurationSeconds", "900–129600"},
		{"session token MFA pair", (&GetSessionTokenInput{TokenCode: "123456"}).Validate(), "SerialNumber", "is required"},
		{"encoded message empty", validateEncodedMessage(""), "EncodedMessage", "is required"},
		{"encoded message too long", validateEncodedMessage(strings.Repeat("x", 10241)), "EncodedMessage", "at most 10240"},
		{"access key short", validateAccessKeyID("AccessKeyId", "AKIA"), "AccessKeyId", "not an access key id"},
		{"access key dash", validateAccessKeyID("AccessKeyId", "AKIA-OSFODNN7EXAMPLE"), "AccessKeyId", "not an access key id"},
		{"access key valid", validateAccessKeyID("AccessKeyId", "AKIAI44QH8DHBEXAMPLE"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkInputErr(t, tt.name, tt.err, tt.wantField, tt.want) })
	}
	if err := func() error { in := saml(); in.SAMLAssertion = "secret-assertion-EXAMPLE "; return in.Validate() }(); err == nil ||
		strings.Contains(err.Error(), "secret-assertion") {
		t.Errorf("Validate() = %v; want an error that does not quote the assertion", err)
	}
}

// countingTransport counts requests and fails them all.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("no network in this test")
}

// TestSignedCallsNeedCredentials: no Credentials, or incomplete ones, fail before any I/O
// with an *InputError naming Credentials, and never quote the secret.
func TestSignedCallsNeedCredentials(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(*Client) error{
		"GetCallerIdentity": func(c *Client) error { _, err := c.GetCallerIdentity(ctx); return err },
		"AssumeRole": func(c *Client) error {
			_, err := c.AssumeRole(ctx, &AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "s1"})
			return err
		},
		"GetSessionToken":            func(c *Client) error { _, err := c.GetSessionToken(ctx, nil); return err },
		"DecodeAuthorizationMessage": func(c *Client) error { _, err := c.DecodeAuthorizationMessage(ctx, "msg"); return err },
		"GetAccessKeyInfo":           func(c *Client) error { _, err := c.GetAccessKeyInfo(ctx, "AKIAI44QH8DHBEXAMPLE"); return err },
	}
	creds := []struct {
		name  string
		creds *sigv4.Credentials
		want  string
	}{
		{"nil", nil, "are required"},
		{"no key id", &sigv4.Credentials{SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, "no access key ID"},
		{"no secret", &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE"}, "no secret access key"},
		{"secret with newline", &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"}, "secret access key has a trailing newline"},
	}
	for name, call := range calls {
		for _, cr := range creds {
			t.Run(name+"/"+cr.name, func(t *testing.T) {
				tr := &countingTransport{}
				c := &Client{Credentials: cr.creds, HTTPClient: &http.Client{Transport: tr}}
				err := call(c)
				checkInputErr(t, name, err, "Credentials", cr.want)
				if n := tr.n.Load(); n != 0 {
					t.Errorf("%s sent %d requests; want none", name, n)
				}
				if err != nil && strings.Contains(err.Error(), "wJalrXUtnF") {
					t.Errorf("%s error quotes the secret: %v", name, err)
				}
			})
		}
	}
}

// TestSignedRetryResigns: every attempt is signed afresh with the time of that attempt.
func TestSignedRetryResigns(t *testing.T) {
	var dates []string
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		dates = append(dates, r.Header.Get("X-Amz-Date"))
		return nil, io.ErrUnexpectedEOF
	})
	clock := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	c := &Client{Credentials: &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
		HTTPClient: &http.Client{Transport: tr}, MaxAttempts: 2, Backoff: noBackoff,
		Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
	c.GetCallerIdentity(context.Background())
	if len(dates) != 2 || dates[0] == dates[1] {
		t.Errorf("X-Amz-Date of the attempts = %q; want two different times", dates)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
