package ststest_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sigv4"
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

// A configuration of one's own: a GitHub Actions issuer at its real URL (served to the
// emulator's own verification only, never on the network), its IAM OIDC provider, and a role
// that trusts one repository — the trust policy a GitHub workflow's role has on AWS.
func ExampleWithConfig() {
	cfg, err := ststest.ParseConfig([]byte(`{
	  "Issuers": [{"Name": "github", "Kind": "github", "URL": "https://token.actions.githubusercontent.com"}],
	  "OpenIDConnectProviders": [{"Url": "https://token.actions.githubusercontent.com", "ClientIDList": ["sts.amazonaws.com"]}],
	  "Roles": [{"RoleName": "deploy", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
	    "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
	    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
	    "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
	                  "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"}}}]}}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := ststest.NewServer(ststest.WithConfig(cfg))
	defer srv.Close()
	github, _ := srv.LookupIssuer("github")
	c := &sts.Client{Endpoint: srv.URL}
	for _, repo := range []string{"octo-org/octo-repo", "octo-org/other-repo"} {
		token, err := github.Mint(map[string]any{"sub": "repo:" + repo + ":ref:refs/heads/main", "repository": repo})
		if err != nil {
			fmt.Println(err)
			return
		}
		out, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: "arn:aws:iam::123456789012:role/deploy", RoleSessionName: "gha", WebIdentityToken: token,
		})
		if err != nil {
			var ae *sts.APIError
			errors.As(err, &ae)
			fmt.Println(repo+":", ae.Code, ae.Message)
			continue
		}
		fmt.Println(repo+":", out.AssumedRoleUser.Arn, "from", out.Provider)
	}
	// Output:
	// octo-org/octo-repo: arn:aws:sts::123456789012:assumed-role/deploy/gha from https://token.actions.githubusercontent.com
	// octo-org/other-repo: AccessDenied Not authorized to perform sts:AssumeRoleWithWebIdentity
}

// Each user pool is an issuer of its own, as Cognito's are: a test can mint the pool's ID
// tokens directly. The default configuration's TestRole trusts them when aud is the app client.
func ExampleServer_LookupIssuer() {
	srv := ststest.NewServer()
	defer srv.Close()
	pool, ok := srv.LookupIssuer(ststest.DefaultPoolID)
	if !ok {
		return
	}
	c := &sts.Client{Endpoint: srv.URL}
	for _, aud := range []string{ststest.DefaultClientID, "another-client"} {
		token, err := pool.Mint(map[string]any{"aud": aud, "cognito:username": "demo"})
		if err != nil {
			fmt.Println(err)
			return
		}
		out, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: ststest.DefaultRoleArn, RoleSessionName: "demo", WebIdentityToken: token,
		})
		if err != nil {
			var ae *sts.APIError
			errors.As(err, &ae)
			fmt.Println(aud+":", ae.StatusCode, ae.Code, ae.Message)
			continue
		}
		fmt.Println(aud+":", out.AssumedRoleUser.Arn, strings.TrimPrefix(out.Provider, srv.URL))
	}
	// Output:
	// 1example23456789: arn:aws:sts::123456789012:assumed-role/TestRole/demo /us-east-1_EXAMPLE
	// another-client: 400 InvalidIdentityToken Incorrect token audience
}

// Roles and providers can be added while the server runs: here a role the default IAM user
// Alice (AWS's EXAMPLE key) may assume, because its trust policy names her.
func ExampleServer_AddRole() {
	srv := ststest.NewServer()
	defer srv.Close()
	alice := &sts.Client{Endpoint: srv.URL, Credentials: &sigv4.Credentials{
		AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}}
	in := &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/Auditor", RoleSessionName: "audit"}
	var ae *sts.APIError
	if _, err := alice.AssumeRole(context.Background(), in); errors.As(err, &ae) {
		fmt.Println("before:", ae.Message)
	}
	err := srv.AddRole(ststest.Role{RoleName: "Auditor", ManagedPolicyArns: []string{"ReadOnlyAccess"},
		AssumeRolePolicyDocument: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
		  "Principal": {"AWS": "arn:aws:iam::123456789012:user/Alice"}, "Action": "sts:AssumeRole"}]}`})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := alice.AssumeRole(context.Background(), in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after:", out.AssumedRoleUser.Arn)
	// Output:
	// before: User: arn:aws:iam::123456789012:user/Alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Auditor
	// after: arn:aws:sts::123456789012:assumed-role/Auditor/audit
}

// The walkthrough's last step, offline: a session of DemoRole (AmazonS3ReadOnlyAccess) lists the
// buckets with S3 ListBuckets and is refused EC2 DescribeInstances, each answered as the
// service answers, after a SigV4 check and trustpolicy.Authorize on the role's policies.
func ExampleNewServer_permissions() {
	now := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()
	token, _ := srv.Issuer.Mint(map[string]any{"sub": "walkthrough"})
	out, err := (&sts.Client{Endpoint: srv.URL, Now: func() time.Time { return now }}).AssumeRoleWithWebIdentity(context.Background(),
		&sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DemoRoleArn, RoleSessionName: "demo", WebIdentityToken: token})
	if err != nil {
		fmt.Println(err)
		return
	}
	creds := sigv4.Credentials{AccessKeyID: out.Credentials.AccessKeyID, SecretAccessKey: out.Credentials.SecretAccessKey,
		SessionToken: out.Credentials.SessionToken}
	send := func(method, path, service, form string) string {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(form))
		if form != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
		(&sigv4.Signer{}).SignHTTP(req, creds, sigv4.HashPayload([]byte(form)), service, "us-east-1", now)
		resp, err := srv.Client().Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		var doc struct {
			Buckets []string `xml:"Buckets>Bucket>Name"`
			Code    string   `xml:"Errors>Error>Code"`
			Message string   `xml:"Errors>Error>Message"`
		}
		body, _ := io.ReadAll(resp.Body)
		xml.Unmarshal(body, &doc)
		if doc.Code != "" {
			return fmt.Sprintf("%d %s: %s", resp.StatusCode, doc.Code, doc.Message)
		}
		return fmt.Sprintf("%d buckets %v", resp.StatusCode, doc.Buckets)
	}
	fmt.Println(send("GET", "/", "s3", ""))
	fmt.Println(send("POST", "/", "ec2", "Action=DescribeInstances&Version=2016-11-15"))
	// Output:
	// 200 buckets [amzn-s3-demo-bucket]
	// 403 UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/DemoRole/demo is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action
}
