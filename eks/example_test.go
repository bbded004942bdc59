package eks_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// The token of PROTOCOL.md's test vector: the presigned URL inside it.
func ExampleNewToken() {
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	ep, _ := sts.ResolveEndpoint("us-east-1", sts.EndpointOptions{}) // https://sts.us-east-1.amazonaws.com
	tok, err := eks.NewToken(creds, "MyCluster", ep, time.Date(2026, 11, 30, 6, 2, 31, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	u, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok.Value, eks.Prefix))
	for _, part := range strings.Split(string(u), "&") {
		fmt.Println(part)
	}
	fmt.Println("expires", tok.Expiration.Format(time.RFC3339))
	// Output:
	// https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity
	// Version=2011-06-15
	// X-Amz-Algorithm=AWS4-HMAC-SHA256
	// X-Amz-Credential=AKIDEXAMPLE%2F20261130%2Fus-east-1%2Fsts%2Faws4_request
	// X-Amz-Date=20261130T060231Z
	// X-Amz-Expires=60
	// X-Amz-SignedHeaders=host%3Bx-k8s-aws-id
	// X-Amz-Signature=e3f753222c8f16b77fdadf228c093b7e17eb947b7087c39d97cfcd122fdb2d63
	// expires 2026-11-30T06:16:31Z
}

// An exec plugin's answer: the apiVersion kubectl asks for in KUBERNETES_EXEC_INFO.
func ExampleToken_ExecCredential() {
	apiVersion, warning := eks.ExecAPIVersion(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`)
	if warning != "" {
		fmt.Fprintln(os.Stderr, warning)
	}
	signed := time.Date(2026, 11, 30, 6, 2, 31, 0, time.UTC)
	tok := eks.Token{Value: "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20v", Signed: signed, Expiration: signed.Add(eks.Lifetime)}
	os.Stdout.Write(tok.ExecCredential(apiVersion))
	// Output:
	// {"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1", "spec": {}, "status": {"expirationTimestamp": "2026-11-30T06:16:31Z", "token": "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20v"}}
}

// A cluster's view of a token: the local checks, then STS — here the emulator, which knows the
// signing key and answers the presigned request as STS does.
func ExampleVerifier_Verify() {
	now := time.Date(2026, 11, 30, 6, 2, 31, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()
	alice := sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}
	tok, _ := eks.NewToken(alice, "demo", sts.Endpoint{URL: srv.URL, SigningRegion: "us-east-1"}, now)

	v := &eks.Verifier{ClusterID: "demo", AllowLoopback: true, Now: func() time.Time { return now.Add(10 * time.Minute) }}
	id, err := v.Verify(context.Background(), tok.Value)
	if err != nil {
		panic(err)
	}
	fmt.Println(id.Arn, id.Request.Loopback)

	// Another cluster's authenticator sends its own name: the signature no longer matches.
	v.ClusterID = "other"
	_, err = v.Verify(context.Background(), tok.Value)
	var apiErr *sts.APIError
	fmt.Println(errors.As(err, &apiErr), apiErr.Code)

	// A token past its 15 minutes is refused before anything is sent.
	v.Now = func() time.Time { return now.Add(16 * time.Minute) }
	_, err = v.Verify(context.Background(), tok.Value)
	var tokErr *eks.TokenError
	fmt.Println(errors.As(err, &tokErr), tokErr.Step)
	// Output:
	// arn:aws:iam::123456789012:user/Alice true
	// true SignatureDoesNotMatch
	// true date
}
