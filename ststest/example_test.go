package ststest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// A token minted by the server's default issuer, exchanged by the sts client at the emulated
// STS for EXAMPLE credentials of DemoRole, which trusts that issuer's tokens for the audience
// sts.amazonaws.com (DefaultConfig).
func ExampleNewServer() {
	now := time.Date(2014, 10, 24, 22, 0, 23, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()

	token, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &sts.Client{Endpoint: srv.URL}
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          ststest.DemoRoleArn,
		RoleSessionName:  "gha-deploy",
		WebIdentityToken: token,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Every session gets its own key: ASIA, nine random characters, EXAMPLE.
	fmt.Println(out.Credentials.AccessKeyID[:4], len(out.Credentials.AccessKeyID), out.Credentials.Expiration.Format(time.RFC3339))
	fmt.Println(out.AssumedRoleUser.Arn)
	fmt.Println(out.SubjectFromWebIdentityToken)
	// Output:
	// ASIA 20 2014-10-24T23:00:23Z
	// arn:aws:sts::123456789012:assumed-role/DemoRole/gha-deploy
	// repo:octo-org/octo-repo:ref:refs/heads/main
}

// Replaying a recording: STS throttles the first call and the client's retry succeeds.
func ExampleWithFixtureFiles() {
	srv := ststest.NewServer(ststest.WithFixtureFiles("../testdata/fixtures/sts/retry-throttling-then-success.txt"))
	defer srv.Close()

	c := &sts.Client{Endpoint: srv.URL, Backoff: func(int) time.Duration { return 0 }}
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          "arn:aws:iam::123456789012:role/GitHubActionsDeploy",
		RoleSessionName:  "gha-deploy",
		WebIdentityToken: "eyJhbGciOiJSUzI1NiJ9.e30.EXAMPLE",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Credentials.AccessKeyID, out.Provider)
	fmt.Println("requests:", len(srv.Requests()), "unused:", len(srv.Unused()))
	// Output:
	// ASIAIOSFODNN7EXAMPLE https://token.actions.githubusercontent.com
	// requests: 2 unused: 0
}

// Minting an ID token for code that reads tokens from the environment or a file.
func ExampleIssuer_Mint() {
	srv := ststest.NewServer()
	defer srv.Close()
	token, err := srv.Issuer.Mint(map[string]any{"aud": "my-client-id"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(token) > 0, srv.Issuer.URL == srv.URL+"/oidc")
	// Output:
	// true true
}
