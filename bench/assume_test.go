package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sts"
)

// sampleServer is a loopback STS answering every request with the recorded response of the
// API reference sample (testdata/fixtures/sts/success-api-reference-sample.txt). It returns the
// server and the form of the recorded request, whose values both clients send.
func sampleServer(tb testing.TB) (*httptest.Server, url.Values) {
	tb.Helper()
	c := fixture.MustLoad(tb, "../testdata/fixtures/sts/success-api-reference-sample.txt")
	ex := c.Exchanges[0]
	form, err := url.ParseQuery(string(ex.Request.Body))
	if err != nil {
		tb.Fatal(err)
	}
	body := ex.Response.Body
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", ex.Response.Header.Get("X-Amzn-Requestid"))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv, form
}

// sdkClient is the SDK's STS client as a program that only calls AssumeRoleWithWebIdentity
// would set it up: anonymous credentials (the call is unsigned), a region, the endpoint of
// the loopback server, retries off.
func sdkClient(srv *httptest.Server) *sdksts.Client {
	return sdksts.New(sdksts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  aws.AnonymousCredentials{},
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	})
}

// TestAssumeRoleWithWebIdentityAgrees checks that both clients decode the sample the same way,
// so that the benchmark compares like with like.
func TestAssumeRoleWithWebIdentityAgrees(t *testing.T) {
	srv, form := sampleServer(t)
	ours := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
	got, err := ours.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: form.Get("RoleArn"), RoleSessionName: form.Get("RoleSessionName"), WebIdentityToken: form.Get("WebIdentityToken"),
	})
	if err != nil {
		t.Fatalf("rawsts: %v", err)
	}
	want, err := sdkClient(srv).AssumeRoleWithWebIdentity(context.Background(), &sdksts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(form.Get("RoleArn")), RoleSessionName: aws.String(form.Get("RoleSessionName")), WebIdentityToken: aws.String(form.Get("WebIdentityToken")),
	})
	if err != nil {
		t.Fatalf("sdk: %v", err)
	}
	for _, f := range []struct{ name, got, want string }{
		{"AccessKeyId", got.Credentials.AccessKeyID, aws.ToString(want.Credentials.AccessKeyId)},
		{"SecretAccessKey", got.Credentials.SecretAccessKey, aws.ToString(want.Credentials.SecretAccessKey)},
		{"SessionToken", got.Credentials.SessionToken, aws.ToString(want.Credentials.SessionToken)},
		{"Expiration", got.Credentials.Expiration.UTC().String(), want.Credentials.Expiration.UTC().String()},
		{"AssumedRoleUser.Arn", got.AssumedRoleUser.Arn, aws.ToString(want.AssumedRoleUser.Arn)},
		{"SubjectFromWebIdentityToken", got.SubjectFromWebIdentityToken, aws.ToString(want.SubjectFromWebIdentityToken)},
		{"Provider", got.Provider, aws.ToString(want.Provider)},
		{"Audience", got.Audience, aws.ToString(want.Audience)},
		{"SourceIdentity", got.SourceIdentity, aws.ToString(want.SourceIdentity)},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q; SDK has %q", f.name, f.got, f.want)
		}
	}
}

// BenchmarkAssumeRoleWithWebIdentity measures one whole AssumeRoleWithWebIdentity round trip
// (build the request, POST it over loopback, read and decode the XML) with each client against
// the same server.
func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	srv, form := sampleServer(b)
	ctx := context.Background()
	b.Run("rawsts", func(b *testing.B) {
		c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
		in := &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: form.Get("RoleArn"), RoleSessionName: form.Get("RoleSessionName"), WebIdentityToken: form.Get("WebIdentityToken"),
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.AssumeRoleWithWebIdentity(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		c := sdkClient(srv)
		in := &sdksts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(form.Get("RoleArn")), RoleSessionName: aws.String(form.Get("RoleSessionName")), WebIdentityToken: aws.String(form.Get("WebIdentityToken")),
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.AssumeRoleWithWebIdentity(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
