package sts_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/rawsts/rawsts/sts"
)

// sampleReply is the AssumeRoleWithWebIdentity sample response of the STS API reference.
const sampleReply = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <SourceIdentity>SourceIdentityValue</SourceIdentity>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`

// serve starts a local server that answers every request with status and body.
func serve(status int, body string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
}

// input is an AssumeRoleWithWebIdentity input with a fake token.
func input() *sts.AssumeRoleWithWebIdentityInput {
	return &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          "arn:aws:iam::123456789012:role/FederatedWebIdentityRole",
		RoleSessionName:  "app1",
		WebIdentityToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.RVhBTVBMRQ",
	}
}

func ExampleClient_AssumeRoleWithWebIdentity() {
	srv := serve(200, sampleReply) // stands in for https://sts.amazonaws.com
	defer srv.Close()

	c := &sts.Client{Endpoint: srv.URL}
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), input())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("AccessKeyID:", out.Credentials.AccessKeyID)
	fmt.Println("Expiration: ", out.Credentials.Expiration)
	fmt.Println("Session:    ", out.AssumedRoleUser.Arn)
	fmt.Println("Subject:    ", out.SubjectFromWebIdentityToken)
	fmt.Println("RequestID:  ", out.RequestID)
	// Output:
	// AccessKeyID: ASgeIAIOSFODNN7EXAMPLE
	// Expiration:  2014-10-24 23:00:23 +0000 UTC
	// Session:     arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1
	// Subject:     amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A
	// RequestID:   ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE
}

// Errors come in three kinds: InputError (nothing was sent), APIError (STS said no; compare
// Code) and ResponseError (the reply was not an STS reply). Anything else is a transport
// failure.
func ExampleAPIError() {
	srv := serve(403, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message>
  </Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>`)
	defer srv.Close()

	c := &sts.Client{Endpoint: srv.URL}
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), input())

	var apiErr *sts.APIError
	var respErr *sts.ResponseError
	var inErr *sts.InputError
	switch {
	case errors.As(err, &apiErr) && apiErr.Code == "AccessDenied":
		fmt.Println("the role's trust policy refused the token")
		fmt.Println(err)
	case errors.As(err, &apiErr):
		fmt.Println("STS refused:", apiErr.Code)
	case errors.As(err, &respErr):
		fmt.Println("not an STS reply, HTTP", respErr.StatusCode)
	case errors.As(err, &inErr):
		fmt.Println("fix the input:", inErr.Field)
	case err != nil:
		fmt.Println("transport failure:", err)
	}
	// Output:
	// the role's trust policy refused the token
	// sts: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity (RequestId c6104cbe-af31-11e0-8154-cbc7ccf896c7, HTTP 403)
}

func ExampleAssumeRoleWithWebIdentityInput_Validate() {
	in := input()
	in.RoleArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	fmt.Println(in.Validate())

	in = input()
	in.RoleSessionName = "deploy main"
	fmt.Println(in.Validate())
	// Output:
	// sts: RoleArn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" is an OIDC identity provider ARN, not a role ARN; name the provider in the role's trust policy and pass the role's ARN here (want arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME, e.g. arn:aws:iam::123456789012:role/deploy)
	// sts: RoleSessionName: character ' ' at position 7 is not allowed (letters, digits and _+=,.@- only; no spaces or slashes)
}

func ExampleResolveEndpoint() {
	for _, tc := range []struct {
		region string
		opts   sts.EndpointOptions
	}{
		{"us-east-1", sts.EndpointOptions{}},
		{"us-east-1", sts.EndpointOptions{UseGlobalEndpoint: true}},
		{"eu-west-1", sts.EndpointOptions{UseFIPS: true, UseDualStack: true}},
		{"cn-north-1", sts.EndpointOptions{}},
		{"us-gov-west-1", sts.EndpointOptions{UseFIPS: true}},
		{"aws-global", sts.EndpointOptions{}},
	} {
		ep, err := sts.ResolveEndpoint(tc.region, tc.opts)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-14s %-40s signed for %s\n", tc.region, ep.URL, ep.SigningRegion)
	}
	_, err := sts.ResolveEndpoint("us-east-1", sts.EndpointOptions{UseFIPS: true, URL: "https://example.com"})
	fmt.Println(err)
	// Output:
	// us-east-1      https://sts.us-east-1.amazonaws.com      signed for us-east-1
	// us-east-1      https://sts.amazonaws.com                signed for us-east-1
	// eu-west-1      https://sts-fips.eu-west-1.api.aws       signed for eu-west-1
	// cn-north-1     https://sts.cn-north-1.amazonaws.com.cn  signed for cn-north-1
	// us-gov-west-1  https://sts.us-gov-west-1.amazonaws.com  signed for us-gov-west-1
	// aws-global     https://sts.amazonaws.com                signed for us-east-1
	// sts: Endpoint: Invalid Configuration: FIPS and custom endpoint are not supported
}
