package ststest_test

import (
	"context"
	"testing"

	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// BenchmarkAssumeRoleWithWebIdentity measures one AssumeRoleWithWebIdentity round trip on
// loopback: the sts client's request, the emulator's decision, the credentials decoded.
func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	srv := ststest.NewServer()
	defer srv.Close()
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		b.Fatal(err)
	}
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: "arn:aws:iam::123456789012:role/DemoRole", RoleSessionName: "bench", WebIdentityToken: tok}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.AssumeRoleWithWebIdentity(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewServer measures start-up: a server listening, ready to answer.
func BenchmarkNewServer(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ststest.NewServer().Close()
	}
}
