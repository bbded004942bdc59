package sts

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
)

// exampleSecrets are the secret keys of the documented EXAMPLE access keys the fixtures sign
// with: the IAM user key of the AWS docs, the AWS docs' second key pair, and the session key of
// the AssumeRole API reference sample.
var exampleSecrets = map[string]string{
	"AKIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"AKIAI44QH8DHBEXAMPLE": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
	"ASIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
}

// wrongSecrets are the cases signed on purpose with a secret that is not the key's.
var wrongSecrets = map[string]string{
	// The SigV4 suite's secret, '+' where the docs' key has '/'.
	"get-caller-identity-error-signature-does-not-match": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}

// replayed is the outcome of replaying one fixture case.
type replayed struct {
	action     string
	out        any   // the decoded output; nil on error
	validation error // what the input's Validate says (nil for calls without input)
	err        error
	tr         *fixture.Transport
	secrets    []string // the secret key and session token the client signed with
}

// replayCase makes the call the first recorded request's Action names, with a client set up from
// the recording, and without local validation, so that recordings of what STS answers to input
// rawsts refuses still reach the wire. A recorded request without Authorization is sent
// unsigned, whatever its Action.
func replayCase(t *testing.T, c *fixture.Case) replayed {
	t.Helper()
	first := c.Exchanges[0].Request
	form, err := url.ParseQuery(string(first.Body))
	if err != nil {
		t.Fatalf("recorded form: %v", err)
	}
	r := replayed{action: form.Get("Action"), tr: fixture.NewTransport(t, c)}
	cl := clientForHost(t, first.Header.Get("Host"))
	cl.HTTPClient, cl.MaxAttempts, cl.Backoff = r.tr.Client(), len(c.Exchanges), noBackoff
	signed := first.Header.Get("Authorization") != ""
	if signed {
		cl.Credentials, cl.Now = recordedSigning(t, c.Name, first.Header.Get("Authorization"), first.Header.Get("X-Amz-Date"), first.Header.Get("X-Amz-Security-Token"))
		r.secrets = []string{cl.Credentials.SecretAccessKey, cl.Credentials.SessionToken}
	}
	ctx := context.Background()
	if !signed && r.action != "AssumeRoleWithWebIdentity" && r.action != "AssumeRoleWithSAML" {
		res, err := cl.unsigned(ctx, r.action, form)
		if err == nil {
			err = fmt.Errorf("unsigned %s succeeded: %+v", r.action, res)
		}
		r.err = err
		return r
	}
	var out any
	switch r.action {
	case "AssumeRoleWithWebIdentity":
		in := webIdentityInputFromForm(t, form)
		r.validation = in.Validate()
		out, r.err = cl.assumeRoleWithWebIdentity(ctx, in)
	case "AssumeRoleWithSAML":
		in := &AssumeRoleWithSAMLInput{RoleArn: form.Get("RoleArn"), PrincipalArn: form.Get("PrincipalArn"),
			SAMLAssertion: form.Get("SAMLAssertion"), Policy: form.Get("Policy"),
			PolicyArns: members(form, "PolicyArns.member.%d.arn"), DurationSeconds: formInt(t, form, "DurationSeconds")}
		r.validation = in.Validate()
		r.secrets = append(r.secrets, in.SAMLAssertion)
		out, r.err = cl.assumeRoleWithSAML(ctx, in)
	case "AssumeRole":
		in := assumeRoleInputFromForm(t, form)
		r.validation = in.Validate()
		out, r.err = cl.assumeRole(ctx, in)
	case "GetCallerIdentity":
		out, r.err = cl.GetCallerIdentity(ctx)
	case "GetSessionToken":
		in := &GetSessionTokenInput{DurationSeconds: formInt(t, form, "DurationSeconds"),
			SerialNumber: form.Get("SerialNumber"), TokenCode: form.Get("TokenCode")}
		r.validation = in.Validate()
		out, r.err = cl.getSessionToken(ctx, in)
	case "DecodeAuthorizationMessage":
		r.validation = validateEncodedMessage(form.Get("EncodedMessage"))
		out, r.err = cl.decodeAuthorizationMessage(ctx, form.Get("EncodedMessage"))
	case "GetAccessKeyInfo":
		r.validation = validateAccessKeyID("AccessKeyId", form.Get("AccessKeyId"))
		out, r.err = cl.getAccessKeyInfo(ctx, form.Get("AccessKeyId"))
	default:
		t.Fatalf("fixture %s: no call for Action %q", c.Name, r.action)
	}
	if r.err == nil {
		r.out = out
	}
	return r
}

// recordedSigning returns the credentials and clock a recorded signed request was made with:
// the access key of its Credential scope with that key's EXAMPLE secret, the recorded session
// token, and the recorded X-Amz-Date.
func recordedSigning(t *testing.T, name, authz, amzDate, token string) (*sigv4.Credentials, func() time.Time) {
	t.Helper()
	_, rest, ok := strings.Cut(authz, "Credential=")
	akid, _, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		t.Fatalf("fixture %s: Authorization has no Credential=AKID/…", name)
	}
	secret, ok := wrongSecrets[name]
	if !ok {
		if secret, ok = exampleSecrets[akid]; !ok {
			t.Fatalf("fixture %s: signed with %s, whose EXAMPLE secret the test does not know", name, akid)
		}
	}
	at, err := time.Parse(sigv4.TimeFormat, amzDate)
	if err != nil {
		t.Fatalf("fixture %s: X-Amz-Date %q: %v", name, amzDate, err)
	}
	return &sigv4.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}, func() time.Time { return at }
}

// webIdentityInputFromForm rebuilds the input a recorded AssumeRoleWithWebIdentity was made from.
func webIdentityInputFromForm(t *testing.T, f url.Values) *AssumeRoleWithWebIdentityInput {
	return &AssumeRoleWithWebIdentityInput{
		RoleArn:          f.Get("RoleArn"),
		RoleSessionName:  f.Get("RoleSessionName"),
		WebIdentityToken: f.Get("WebIdentityToken"),
		ProviderId:       f.Get("ProviderId"),
		Policy:           f.Get("Policy"),
		PolicyArns:       members(f, "PolicyArns.member.%d.arn"),
		DurationSeconds:  formInt(t, f, "DurationSeconds"),
	}
}

// assumeRoleInputFromForm rebuilds the input a recorded AssumeRole was made from.
func assumeRoleInputFromForm(t *testing.T, f url.Values) *AssumeRoleInput {
	in := &AssumeRoleInput{
		RoleArn: f.Get("RoleArn"), RoleSessionName: f.Get("RoleSessionName"), ExternalId: f.Get("ExternalId"),
		SerialNumber: f.Get("SerialNumber"), TokenCode: f.Get("TokenCode"), Policy: f.Get("Policy"),
		SourceIdentity: f.Get("SourceIdentity"), PolicyArns: members(f, "PolicyArns.member.%d.arn"),
		DurationSeconds: formInt(t, f, "DurationSeconds"), TransitiveTagKeys: members(f, "TransitiveTagKeys.member.%d"),
	}
	for i := 1; f.Has(fmt.Sprintf("Tags.member.%d.Key", i)); i++ {
		in.Tags = append(in.Tags, Tag{Key: f.Get(fmt.Sprintf("Tags.member.%d.Key", i)), Value: f.Get(fmt.Sprintf("Tags.member.%d.Value", i))})
	}
	return in
}

// members returns the values of a Query list, pattern holding %d for N = 1, 2, ….
func members(f url.Values, pattern string) []string {
	var out []string
	for i := 1; f.Has(fmt.Sprintf(pattern, i)); i++ {
		out = append(out, f.Get(fmt.Sprintf(pattern, i)))
	}
	return out
}

// formInt returns the integer form value name, 0 when absent.
func formInt(t *testing.T, f url.Values, name string) int {
	t.Helper()
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("recorded %s %q: %v", name, v, err)
	}
	return n
}
