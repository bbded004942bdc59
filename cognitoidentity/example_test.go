package cognitoidentity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/cognitoidentity"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// userPoolLogin logs the emulator's demo user in to its user pool and returns the Logins entry
// of the ID token: the provider name (the token's iss without its scheme) and the token.
func userPoolLogin(srv *ststest.Server) map[string]string {
	up := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL}
	tokens, err := up.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword,
		Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil)
	if err != nil {
		panic(err)
	}
	tok, err := jwtinspect.Decode(tokens.IdToken)
	if err != nil {
		panic(err)
	}
	return map[string]string{cognitoidentity.ProviderName(tok.Claims.Issuer): tokens.IdToken}
}

func ExampleClient_EnhancedFlow() {
	srv := ststest.NewServer() // a user pool and an identity pool that accepts it
	defer srv.Close()

	c := &cognitoidentity.Client{Endpoint: srv.URL}
	out, err := c.EnhancedFlow(context.Background(), &cognitoidentity.FlowInput{
		IdentityPoolID: ststest.DefaultIdentityPoolID,
		Logins:         userPoolLogin(srv),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("identity in us-east-1:", strings.HasPrefix(out.IdentityID, "us-east-1:"))

	// The credentials are the role's, which Cognito assumed for us.
	cr := out.Credentials
	who, err := (&sts.Client{Endpoint: srv.URL, Region: "us-east-1", Credentials: &sigv4.Credentials{
		AccessKeyID: cr.AccessKeyID, SecretAccessKey: cr.SecretKey, SessionToken: cr.SessionToken}}).GetCallerIdentity(context.Background())
	if err != nil {
		panic(err)
	}
	fmt.Println(who.Arn)
	// Output:
	// identity in us-east-1: true
	// arn:aws:sts::123456789012:assumed-role/CognitoAuthRole/CognitoIdentityCredentials
}

func ExampleClient_BasicFlow() {
	srv := ststest.NewServer()
	defer srv.Close()

	c := &cognitoidentity.Client{Endpoint: srv.URL}
	tok, err := c.BasicFlow(context.Background(), &cognitoidentity.FlowInput{
		IdentityPoolID: ststest.DefaultIdentityPoolID,
		Logins:         userPoolLogin(srv),
	})
	if err != nil {
		panic(err)
	}
	// The third step: the token, from https://cognito-identity.amazonaws.com, goes to STS for
	// a role that trusts cognito-identity.amazonaws.com with this pool as aud.
	out, err := (&sts.Client{Endpoint: srv.URL}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: ststest.IdentityPoolRoleArn, RoleSessionName: "app", WebIdentityToken: tok.Token})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Provider)
	fmt.Println(out.Audience)
	fmt.Println(out.AssumedRoleUser.Arn)
	// Output:
	// https://cognito-identity.amazonaws.com
	// us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
	// arn:aws:sts::123456789012:assumed-role/CognitoAuthRole/app
}

func ExampleAPIError() {
	srv := ststest.NewServer() // its identity pool does not allow guests
	defer srv.Close()

	c := &cognitoidentity.Client{Endpoint: srv.URL}
	_, err := c.GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolID: ststest.DefaultIdentityPoolID})
	var ae *cognitoidentity.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.Type, ae.StatusCode)
		fmt.Println(ae.Message)
		fmt.Println("hint:", ae.Hint)
	}
	// Output:
	// NotAuthorizedException 400
	// Unauthenticated access is not supported for this identity pool.
	// hint: the identity pool does not allow guest identities: pass a login (a user pool ID token with --login), or allow unauthenticated identities in the pool
}

func ExampleProviderName() {
	fmt.Println(cognitoidentity.ProviderName("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"))
	fmt.Println(cognitoidentity.ProviderName("https://accounts.google.com"))
	// Output:
	// cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE
	// accounts.google.com
}

func ExampleParseEpoch() {
	// Cognito Identity's Expiration, as botocore's stub has it (PROTOCOL.md §12.1).
	t, err := cognitoidentity.ParseEpoch("1.716243263E9")
	if err != nil {
		panic(err)
	}
	fmt.Println(t)
	// Output: 2024-05-20 22:14:23 +0000 UTC
}

func ExampleRegion() {
	r, err := cognitoidentity.Region("eu-west-2:12345678-1234-1234-1234-123456789012")
	fmt.Println(r, err)
	_, err = cognitoidentity.Region("eu-west-2_eYpv1mFHB") // a user pool id
	fmt.Println(err)
	// Output:
	// eu-west-2 <nil>
	// cognitoidentity: IdentityPoolID must look like REGION:GUID, such as "us-east-1:12345678-1234-1234-1234-123456789012" (19 characters given)
}

func ExampleClient_GetOpenIdTokenForDeveloperIdentity() {
	// A developer's back end registers its own users, signing with its AWS credentials.
	cfg := ststest.DefaultConfig()
	cfg.IdentityPools[0].DeveloperProviderName = "login.example.app"
	srv := ststest.NewServer(ststest.WithConfig(cfg))
	defer srv.Close()

	c := &cognitoidentity.Client{Endpoint: srv.URL, Credentials: &sigv4.Credentials{
		AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}}
	out, err := c.GetOpenIdTokenForDeveloperIdentity(context.Background(), &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{
		IdentityPoolID: ststest.DefaultIdentityPoolID,
		Logins:         map[string]string{"login.example.app": "user-42"},
		TokenDuration:  900,
	})
	if err != nil {
		panic(err)
	}
	tok, err := jwtinspect.Decode(out.Token)
	if err != nil {
		panic(err)
	}
	fmt.Println(tok.Claims.Issuer, tok.Claims.Subject == out.IdentityID)
	fmt.Println(tok.Claims.AMR[:2])
	// Output:
	// https://cognito-identity.amazonaws.com true
	// [authenticated login.example.app]
}
