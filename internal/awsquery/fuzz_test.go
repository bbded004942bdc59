package awsquery

import (
	"errors"
	"net/http"
	"testing"
	"unicode/utf8"

	"github.com/rawsts/rawsts/internal/fixture"
)

// FuzzDecode checks the decoder's contract on arbitrary bodies: it either returns a result or
// one of the two documented error types, an APIError always has a Code, and a ResponseError
// quotes at most SnippetSize bytes of the body.
func FuzzDecode(f *testing.F) {
	// Every recorded STS reply: successes, ErrorResponses, and the broken bodies (HTML, empty,
	// truncated, wrong root, S3-style <Error>).
	for _, c := range fixture.Glob(f, "../../testdata/fixtures/sts/*.txt") {
		for _, ex := range c.Exchanges {
			f.Add(ex.Response.StatusCode, ex.Response.Body)
		}
	}
	f.Add(200, []byte(sampleSuccess))                                                                                        // pretty-printed, fractional Expiration
	f.Add(400, []byte(`<Response><Errors><Error><Code>X</Code></Error></Errors><RequestID>r</RequestID></Response>`))        // older error shape
	f.Add(400, []byte(`<q:ErrorResponse xmlns:q="urn:x"><q:Error><q:Code>C</q:Code></q:Error></q:ErrorResponse>`))           // prefixed namespace
	f.Add(200, []byte(`<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><SecretAccessKey>`)) // truncated in a secret
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		res, err := Decode("sts", "AssumeRoleWithWebIdentity", status, http.Header{"Content-Type": {"text/xml"}}, body)
		if err == nil {
			if res == nil {
				t.Fatalf("Decode(%q) = nil, nil", body)
			}
			// The readers must not panic and must return only ResponseErrors.
			for _, read := range []func() error{
				func() error { _, err := res.String("Credentials/AccessKeyId"); return err },
				func() error { _, err := res.Time("Credentials/Expiration"); return err },
				func() error { _, err := res.OptInt("PackedPolicySize"); return err },
			} {
				if err := read(); err != nil {
					var re *ResponseError
					if !errors.As(err, &re) {
						t.Fatalf("reader error %T %v; want *ResponseError", err, err)
					}
				}
			}
			return
		}
		var apiErr *APIError
		var respErr *ResponseError
		switch {
		case errors.As(err, &apiErr):
			if apiErr.Code == "" {
				t.Fatalf("Decode(%q) = APIError without Code", body)
			}
		case errors.As(err, &respErr):
			if n := len(respErr.Snippet); n > SnippetSize+utf8.UTFMax {
				t.Fatalf("Decode(%q): snippet of %d bytes", body, n)
			}
		default:
			t.Fatalf("Decode(%q) error %T %v; want *APIError or *ResponseError", body, err, err)
		}
		_ = err.Error()
	})
}
