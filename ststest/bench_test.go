package ststest_test

import (
	"context"
	"testing"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/sigv4"
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

// BenchmarkLogin measures one whole Cognito login on loopback, cognitoauth's client against
// the emulated user pool, tokens issued (the ID, access and refresh tokens signed with the
// pool issuer's key): password is USER_PASSWORD_AUTH (one round trip), srp USER_SRP_AUTH
// (InitiateAuth and RespondToAuthChallenge, the SRP-6a arithmetic on both sides).
func BenchmarkLogin(b *testing.B) {
	for _, flow := range []cognitoauth.Flow{cognitoauth.FlowPassword, cognitoauth.FlowSRP} {
		b.Run(string(flow), func(b *testing.B) {
			srv := ststest.NewServer()
			defer srv.Close()
			c := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL,
				HTTPClient: srv.Client(), MaxAttempts: 1}
			in := &cognitoauth.LoginInput{Flow: flow, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}
			ctx := context.Background()
			if _, err := c.Login(ctx, in, nil); err != nil { // the pool issuer's key, made once
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Login(ctx, in, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewServer measures start-up: a server listening, ready to answer (the issuers'
// keys are made in the background, see BenchmarkStartToFirstExchange).
func BenchmarkNewServer(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ststest.NewServer().Close()
	}
}

// BenchmarkStartToFirstAnswer measures a server from start to its first answer that needs no
// issuer key: listening, then a GetCallerIdentity signed with the admin's key, verified and
// answered (the keys are being made in the background meanwhile).
func BenchmarkStartToFirstAnswer(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		srv := ststest.NewServer()
		c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1, Region: "us-east-1",
			Credentials: &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}}
		if _, err := c.GetCallerIdentity(context.Background()); err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

// BenchmarkStartToFirstExchange measures a server from start to its first answered
// AssumeRoleWithWebIdentity: listening, the issuer's key made (begun in the background at
// start), a token minted, verified and exchanged.
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
