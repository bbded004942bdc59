package ststest_test

import (
	"context"
	"testing"

	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// BenchmarkAssumeRoleWithWebIdentity measures one AssumeRoleWithWebIdentity round trip on
// loopback with enforcement on: the sts client's request, the emulator's decision (the token's
// signature verified through the in-process transport, the provider, the trust policy —
// internal/diagnose.Run), the credentials decoded. DemoRole of the default configuration
// trusts the default issuer's tokens.
func BenchmarkAssumeRoleWithWebIdentity(b *testing.B) {
	srv := ststest.NewServer()
	defer srv.Close()
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		b.Fatal(err)
	}
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DemoRoleArn, RoleSessionName: "bench", WebIdentityToken: tok}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.AssumeRoleWithWebIdentity(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewServer measures start-up: a server listening, ready to answer (the issuers'
// keys are made on first use, see BenchmarkStartToFirstExchange).
func BenchmarkNewServer(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ststest.NewServer().Close()
	}
}

// BenchmarkStartToFirstExchange measures a server from start to its first answered
// AssumeRoleWithWebIdentity: listening, the issuer's key made (on first use), a token minted,
// verified and exchanged.
func BenchmarkStartToFirstExchange(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		firstExchange(b)
	}
}

// BenchmarkStartFromSnapshotToFirstExchange is BenchmarkStartToFirstExchange for a server
// started from a snapshot of another (rawsts emulator --state): the issuer's key is in the
// snapshot's SigningKeys, so none is made.
func BenchmarkStartFromSnapshotToFirstExchange(b *testing.B) {
	first := ststest.NewServer()
	if _, err := first.Issuer.Mint(nil); err != nil { // makes the key the snapshot keeps
		b.Fatal(err)
	}
	snap := first.Snapshot()
	first.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		firstExchange(b, ststest.WithConfig(snap))
	}
}

// firstExchange starts a server with opts, mints a token of its default issuer, exchanges it
// for DemoRole's credentials and stops the server.
func firstExchange(b *testing.B, opts ...ststest.Option) {
	srv := ststest.NewServer(opts...)
	defer srv.Close()
	tok, err := srv.Issuer.Mint(nil)
	if err != nil {
		b.Fatal(err)
	}
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: ststest.DemoRoleArn, RoleSessionName: "bench", WebIdentityToken: tok}); err != nil {
		b.Fatal(err)
	}
}
