package iam_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/iam"
)

// replyTransport answers every request with one status and body.
type replyTransport struct {
	status int
	body   []byte
}

func (r replyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: r.status, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: io.NopCloser(bytes.NewReader(r.body)), Request: req}, nil
}

// FuzzReplies feeds any reply to each of the three calls diagnose --fetch makes. Every error
// is an *APIError or a *ResponseError (a *RedirectError for a 3xx); every result holds only what IAM sends (an ARN, a
// MaxSessionDuration of 3600–43200, a printable issuer URL, client ids of 1–255 printable
// characters, thumbprints of 40 hex digits), and agrees with a second reading of the reply by
// encoding/xml (the trust policy is its element's text, percent-decoded; the provider ARNs and
// client ids are the list's members, in order).
func FuzzReplies(f *testing.F) {
	// Seeds: every recorded IAM reply, under each call.
	for _, c := range fixture.Glob(f, "../../testdata/fixtures/iam/*.txt") {
		for _, ex := range c.Exchanges {
			for which := range 3 {
				f.Add(uint8(which), ex.Response.StatusCode, ex.Response.Body)
			}
		}
	}
	f.Add(uint8(0), 200, []byte(`<GetRoleResponse><GetRoleResult><Role><Arn>arn:aws:iam::123456789012:role/x</Arn><AssumeRolePolicyDocument>%7B%zz</AssumeRolePolicyDocument><MaxSessionDuration>99999</MaxSessionDuration></Role></GetRoleResult></GetRoleResponse>`)) // a bad escape, a duration out of range
	f.Fuzz(func(t *testing.T, which uint8, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		c := &iam.Client{Credentials: creds, HTTPClient: &http.Client{Transport: replyTransport{status, body}}, MaxAttempts: 1}
		ctx := context.Background()
		var err error
		switch which % 3 {
		case 0:
			var r *iam.Role
			if r, err = c.GetRole(ctx, "deploy"); err == nil {
				var doc struct {
					Doc string `xml:"GetRoleResult>Role>AssumeRolePolicyDocument"`
				}
				xml.Unmarshal(body, &doc)
				want, uerr := url.PathUnescape(strings.TrimSpace(doc.Doc))
				if !awsquery.IsARN(r.Arn) || r.MaxSessionDuration != 0 && (r.MaxSessionDuration < 3600 || r.MaxSessionDuration > 43200) ||
					uerr != nil || r.AssumeRolePolicyDocument != want {
					t.Fatalf("GetRole(%q) = %+v; encoding/xml reads the document %q", body, r, want)
				}
			}
		case 1:
			var arns []string
			if arns, err = c.ListOpenIDConnectProviders(ctx); err == nil {
				var doc struct {
					ARNs []string `xml:"ListOpenIDConnectProvidersResult>OpenIDConnectProviderList>member>Arn"`
				}
				xml.Unmarshal(body, &doc)
				for i := range doc.ARNs {
					doc.ARNs[i] = strings.TrimSpace(doc.ARNs[i])
				}
				if strings.Join(arns, "\n") != strings.Join(doc.ARNs, "\n") {
					t.Fatalf("ListOpenIDConnectProviders(%q) = %q; encoding/xml reads %q", body, arns, doc.ARNs)
				}
				for _, a := range arns {
					if !awsquery.IsARN(a) {
						t.Fatalf("ListOpenIDConnectProviders(%q) gave %q, not an ARN", body, a)
					}
				}
			}
		case 2:
			var p *iam.OpenIDConnectProvider
			if p, err = c.GetOpenIDConnectProvider(ctx, "arn:aws:iam::123456789012:oidc-provider/x"); err == nil {
				var doc struct {
					ClientIDs []string `xml:"GetOpenIDConnectProviderResult>ClientIDList>member"`
				}
				xml.Unmarshal(body, &doc)
				for i := range doc.ClientIDs {
					doc.ClientIDs[i] = strings.TrimSpace(doc.ClientIDs[i])
				}
				if !awsquery.VisibleASCII(p.URL) || strings.Join(p.ClientIDs, "\n") != strings.Join(doc.ClientIDs, "\n") {
					t.Fatalf("GetOpenIDConnectProvider(%q) = %+v; encoding/xml reads the client ids %q", body, p, doc.ClientIDs)
				}
				for _, tp := range p.Thumbprints {
					if len(tp) != 40 || strings.Trim(tp, "0123456789abcdefABCDEF") != "" {
						t.Fatalf("GetOpenIDConnectProvider(%q) gave the thumbprint %q", body, tp)
					}
				}
			}
		}
		if err != nil {
			var apiErr *iam.APIError
			var respErr *iam.ResponseError
			var redirect *httpx.RedirectError
			if !errors.As(err, &apiErr) && !errors.As(err, &respErr) && !(errors.As(err, &redirect) && status >= 300 && status < 400) {
				t.Fatalf("call %d on %q: error %T %v; want *APIError, *ResponseError or, for a 3xx, *RedirectError", which%3, body, err, err)
			}
		}
	})
}
