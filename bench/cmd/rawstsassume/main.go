// Command rawstsassume is sdkassume's twin written with rawsts's sts package: the same one
// AssumeRoleWithWebIdentity call, the same environment variables, the same export lines. It
// exists only so that bench/size.sh compares what an embedder pays for each library; it is not
// a tool to use (that is cmd/rawsts).
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sts"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "rawstsassume:", err)
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
	client := &sts.Client{Region: region, Endpoint: os.Getenv("AWS_ENDPOINT_URL_STS")}
	session := os.Getenv("AWS_ROLE_SESSION_NAME")
	if session == "" {
		session = fmt.Sprintf("rawstsassume-%d", time.Now().Unix())
	}
	out, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          os.Getenv("AWS_ROLE_ARN"),
		RoleSessionName:  session,
		WebIdentityToken: strings.TrimSpace(string(token)),
	})
	if err != nil {
		return err
	}
	c := out.Credentials
	fmt.Printf("export AWS_ACCESS_KEY_ID=%s\n", c.AccessKeyID)
	fmt.Printf("export AWS_SECRET_ACCESS_KEY=%s\n", c.SecretAccessKey)
	fmt.Printf("export AWS_SESSION_TOKEN=%s\n", c.SessionToken)
	fmt.Printf("export AWS_CREDENTIAL_EXPIRATION=%s\n", c.Expiration.UTC().Format(time.RFC3339))
	return nil
}
