package ststest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// Building an account through the emulator's IAM API, as a setup script does with `aws iam
// create-open-id-connect-provider`, `create-role` and `attach-role-policy`: each call is a
// form POST signed with SigV4 (service iam) with the key of the config's IAM user. The role
// made so is the one STS then decides with.
func ExampleServer_iamAPI() {
	cfg := ststest.DefaultConfig()
	cfg.OpenIDConnectProviders, cfg.Roles = nil, nil // start from an account without them
	srv := ststest.NewServer(ststest.WithConfig(cfg))
	defer srv.Close()
	admin := sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}

	iam := func(action string, params url.Values) string {
		params.Set("Action", action)
		params.Set("Version", "2010-05-08")
		body := []byte(params.Encode())
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		(&sigv4.Signer{}).SignHTTP(req, admin, sigv4.HashPayload(body), "iam", "us-east-1", time.Now())
		resp, err := srv.Client().Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		reply, _ := io.ReadAll(resp.Body)
		var out struct {
			Role string `xml:"CreateRoleResult>Role>Arn"`
			Code string `xml:"Error>Code"`
		}
		xml.Unmarshal(reply, &out)
		return strings.Join(strings.Fields(resp.Status+" "+out.Code+" "+out.Role), " ")
	}
	issuer := srv.Issuer.URL // the emulator's own issuer, http://127.0.0.1:PORT/oidc
	host := strings.TrimPrefix(issuer, "http://")
	fmt.Println(iam("CreateOpenIDConnectProvider", url.Values{"Url": {issuer}, "ClientIDList.member.1": {"sts.amazonaws.com"}}))
	fmt.Println(iam("CreateRole", url.Values{"RoleName": {"Deploy"}, "AssumeRolePolicyDocument": {`{"Version": "2012-10-17",
		"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/` + host + `"},
		"Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"` + host + `:aud": "sts.amazonaws.com"}}}]}`}}))
	fmt.Println(iam("AttachRolePolicy", url.Values{"RoleName": {"Deploy"}, "PolicyArn": {"arn:aws:iam::aws:policy/ReadOnlyAccess"}}))
	fmt.Println(iam("AttachRolePolicy", url.Values{"RoleName": {"Deploy"}, "PolicyArn": {"arn:aws:iam::aws:policy/PowerUserAccess"}}))

	token, _ := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	out, err := (&sts.Client{Endpoint: srv.URL}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: "arn:aws:iam::123456789012:role/Deploy", RoleSessionName: "ci", WebIdentityToken: token})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.AssumedRoleUser.Arn)
	// Output:
	// 200 OK
	// 200 OK arn:aws:iam::123456789012:role/Deploy
	// 200 OK
	// 404 Not Found NoSuchEntity
	// arn:aws:sts::123456789012:assumed-role/Deploy/ci
}

// Self-service sign-up in the emulated user pool: SignUp makes an UNCONFIRMED user, and
// ConfirmSignUp takes ststest.ConfirmationCode, the code Cognito would have sent by email (the
// emulator sends none). Then the user logs in.
func Example_signUp() {
	srv := ststest.NewServer()
	defer srv.Close()
	cognito := func(op string, in any) string {
		body, _ := json.Marshal(in)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op) // unsigned, as on AWS
		resp, err := srv.Client().Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		var out struct {
			Type          string `json:"__type"`
			UserConfirmed *bool
		}
		json.NewDecoder(resp.Body).Decode(&out)
		if out.UserConfirmed != nil {
			return fmt.Sprintf("%s UserConfirmed %v", resp.Status, *out.UserConfirmed)
		}
		return strings.TrimSpace(resp.Status + " " + out.Type)
	}
	user := map[string]any{"ClientId": ststest.DefaultClientID, "Username": "erin", "Password": "Erin-Passw0rd!",
		"UserAttributes": []map[string]string{{"Name": "email", "Value": "erin@example.com"}}}
	fmt.Println(cognito("SignUp", user))
	fmt.Println(cognito("ConfirmSignUp", map[string]any{"ClientId": ststest.DefaultClientID, "Username": "erin", "ConfirmationCode": "000000"}))
	fmt.Println(cognito("ConfirmSignUp", map[string]any{"ClientId": ststest.DefaultClientID, "Username": "erin", "ConfirmationCode": ststest.ConfirmationCode}))

	c := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL}
	tok, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowSRP, Username: "erin", Password: "Erin-Passw0rd!"}, nil)
	fmt.Println(err == nil && tok.IdToken != "")
	// Output:
	// 200 OK UserConfirmed false
	// 400 Bad Request CodeMismatchException
	// 200 OK
	// true
}
