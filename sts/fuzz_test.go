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

// decoders are the result decoders of every call, by Action, each with the check that a
// successful decode is complete.
var decoders = map[string]func(*awsquery.Result) (bool, error){
	"AssumeRole": func(r *awsquery.Result) (bool, error) {
		out, err := decodeAssumeRole(r)
		return err == nil && complete(out.Credentials), err
	},
	"AssumeRoleWithSAML": func(r *awsquery.Result) (bool, error) {
		out, err := decodeAssumeRoleWithSAML(r)
		return err == nil && complete(out.Credentials), err
	},
	"GetSessionToken": func(r *awsquery.Result) (bool, error) {
		out, err := decodeSessionToken(r)
		return err == nil && complete(out.Credentials), err
	},
	"GetCallerIdentity": func(r *awsquery.Result) (bool, error) {
		out, err := decodeCallerIdentity(r)
		return err == nil && out.Account != "" && out.Arn != "" && out.UserID != "", err
	},
	"DecodeAuthorizationMessage": func(r *awsquery.Result) (bool, error) {
		out, err := decodeAuthorizationResult(r)
		return err == nil && out.DecodedMessage != "", err
	},
	"GetAccessKeyInfo": func(r *awsquery.Result) (bool, error) {
		out, err := decodeAccessKeyInfo(r)
		return err == nil && out.Account != "", err
	},
}

func complete(c Credentials) bool {
	return c.AccessKeyID != "" && c.SecretAccessKey != "" && c.SessionToken != "" && !c.Expiration.IsZero()
}

// FuzzDecodeSigned feeds arbitrary replies to the decoder of each signed call (and
// AssumeRoleWithSAML). Property: a reply decodes into a complete result (every required member
// present) or fails with *APIError or *ResponseError, nothing else.
func FuzzDecodeSigned(f *testing.F) {
	actions := []string{"AssumeRole", "AssumeRoleWithSAML", "GetSessionToken", "GetCallerIdentity", "DecodeAuthorizationMessage", "GetAccessKeyInfo"}
	// Every recorded reply, under its own Action and under each of the others.
	for _, c := range fixture.Glob(f, fixturePattern) {
		for _, ex := range c.Exchanges {
			for i := range actions {
				f.Add(uint8(i), ex.Response.StatusCode, ex.Response.Body)
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, status int, body []byte) {
		action := actions[int(which)%len(actions)]
		res, err := awsquery.Decode("sts", action, status, http.Header{"Content-Type": {"text/xml"}}, body)
		ok := false
		if err == nil {
			ok, err = decoders[action](res)
		}
		if err == nil {
			if !ok {
				t.Fatalf("%s: decoded an incomplete result from %q", action, body)
			}
			return
		}
		var apiErr *APIError
		var respErr *ResponseError
		if !errors.As(err, &apiErr) && !errors.As(err, &respErr) {
			t.Fatalf("%s: error %T %v; want *APIError or *ResponseError", action, err, err)
		}
	})
}
