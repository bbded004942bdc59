// Command sdkassume is the smallest program that does what `rawsts assume` does with the AWS SDK
// for Go v2: one AssumeRoleWithWebIdentity call, credentials printed as export lines. It exists
// only so that bench/size.sh can compare binary sizes; it is not a tool to use.
//
// It reads AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME, AWS_REGION and
// AWS_ENDPOINT_URL_STS, and builds the client from sts.Options directly (anonymous credentials,
// the call is unsigned) rather than through the config module, which would add the shared-config
// loader and every credential provider to the binary.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sdkassume:", err)
		os.Exit(1)
	}
}

func run() error {
	token, err := os.ReadFile(os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"))
	if err != nil {
		return err
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	opts := sts.Options{Region: region, Credentials: aws.AnonymousCredentials{}}
	if ep := os.Getenv("AWS_ENDPOINT_URL_STS"); ep != "" {
		opts.BaseEndpoint = aws.String(ep)
	}
	session := os.Getenv("AWS_ROLE_SESSION_NAME")
	if session == "" {
		session = fmt.Sprintf("sdkassume-%d", time.Now().Unix())
	}
	out, err := sts.New(opts).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(os.Getenv("AWS_ROLE_ARN")),
		RoleSessionName:  aws.String(session),
		WebIdentityToken: aws.String(strings.TrimSpace(string(token))),
	})
	if err != nil {
		return err
	}
	c := out.Credentials
	fmt.Printf("export AWS_ACCESS_KEY_ID=%s\n", aws.ToString(c.AccessKeyId))
	fmt.Printf("export AWS_SECRET_ACCESS_KEY=%s\n", aws.ToString(c.SecretAccessKey))
	fmt.Printf("export AWS_SESSION_TOKEN=%s\n", aws.ToString(c.SessionToken))
	fmt.Printf("export AWS_CREDENTIAL_EXPIRATION=%s\n", aws.ToTime(c.Expiration).UTC().Format(time.RFC3339))
	return nil
}
