package sts

import (
	"errors"
	"net/http"
	"testing"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/fixture"
)

// FuzzDecode feeds arbitrary replies to the AssumeRoleWithWebIdentity decoder. Every input
// must either decode into complete credentials or fail with one of the two documented reply
// errors, *APIError or *ResponseError.
func FuzzDecode(f *testing.F) {
	// Every recorded reply: successes in doc order and reordered, fractional expiration,
	// unnamespaced, every error code, and the broken bodies (HTML, empty, truncated, wrong
	// root, S3-style, no Credentials).
	for _, c := range fixture.Glob(f, fixturePattern) {
		for _, ex := range c.Exchanges {
			f.Add(ex.Response.StatusCode, ex.Response.Body)
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		out, err := decodeReply(status, body)
		if err == nil {
			cr := out.Credentials
			if cr.AccessKeyID == "" || cr.SecretAccessKey == "" || cr.SessionToken == "" || cr.Expiration.IsZero() {
				t.Fatalf("decoded incomplete credentials from %q", body)
			}
			return
		}
		var apiErr *APIError
		var respErr *ResponseError
		if !errors.As(err, &apiErr) && !errors.As(err, &respErr) {
			t.Fatalf("error %T %v; want *APIError or *ResponseError", err, err)
		}
	})
}

// decodeReply is the decoding half of AssumeRoleWithWebIdentity.
func decodeReply(status int, body []byte) (*AssumeRoleWithWebIdentityOutput, error) {
	res, err := awsquery.Decode("sts", "AssumeRoleWithWebIdentity", status, http.Header{"Content-Type": {"text/xml"}}, body)
	if err != nil {
		return nil, err
	}
	return decodeAssumeRoleWithWebIdentity(res)
}
