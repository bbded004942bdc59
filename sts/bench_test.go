package sts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
)

// BenchmarkAssumeRoleWithWebIdentity measures one whole round trip (validate, form, POST over
// loopback, read, decode) against a local server replaying the API reference sample.
func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	body := fixture.MustLoad(b, "../testdata/fixtures/sts/success-api-reference-sample.txt").Exchanges[0].Response.Body
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Write(body)
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL, HTTPClient: srv.Client()}
	in := validInput()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.AssumeRoleWithWebIdentity(ctx, &in); err != nil {
			b.Fatal(err)
		}
	}
}
