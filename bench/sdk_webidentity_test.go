package bench_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rawsts/rawsts/ststest"
)

// TestSDKWebIdentityProvider: the SDK for Go v2's own web identity credentials provider
// (stscreds.NewWebIdentityRoleProvider, what AWS_WEB_IDENTITY_TOKEN_FILE sets up) exchanges
// an ID token of the emulator's user pool, read from a file, for TestRole at the emulator's
// STS; GetCallerIdentity and S3 ListBuckets through the SDK then sign with those credentials,
// and the emulator verifies and authorizes them (the walkthrough's last step, SDK side).
func TestSDKWebIdentityProvider(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	iss, _ := srv.LookupIssuer(ststest.DefaultPoolID)
	token, err := iss.Mint(map[string]any{"sub": "demo", "cognito:username": ststest.DefaultUsername})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "id-token.jwt")
	if err := os.WriteFile(file, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	stsOptions := sdksts.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), Retryer: aws.NopRetryer{}}
	provider := stscreds.NewWebIdentityRoleProvider(sdksts.New(stsOptions), ststest.DefaultRoleArn, stscreds.IdentityTokenFile(file),
		func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = "sdk" })
	cache := aws.NewCredentialsCache(provider)

	signed := stsOptions
	signed.Credentials = cache
	who, err := sdksts.New(signed).GetCallerIdentity(ctx, &sdksts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(who.Arn), ":assumed-role/TestRole/sdk") {
		t.Fatalf("GetCallerIdentity with the SDK's web identity credentials = %v, %v; want assumed-role/TestRole/sdk", who, err)
	}
	s3c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true, Credentials: cache,
		HTTPClient: srv.Client(), Retryer: aws.NopRetryer{}})
	out, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != "amzn-s3-demo-bucket" {
		t.Fatalf("S3 ListBuckets with the SDK's web identity credentials = %+v, %v; want amzn-s3-demo-bucket", out, err)
	}
	n := 0
	for _, r := range srv.Requests() {
		if r.Form.Get("Action") == "AssumeRoleWithWebIdentity" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the emulator received %d AssumeRoleWithWebIdentity; want 1 (the SDK's cache serves the second call)", n)
	}
}
