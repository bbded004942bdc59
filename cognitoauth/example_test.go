package cognitoauth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
)

func ExampleSecretHash() {
	// PROTOCOL.md §4.3, first vector.
	fmt.Println(cognitoauth.SecretHash("test", "123abd", "clientSecret"))
	// Output: LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg=
}

func ExampleTimestamp() {
	// Day of month not padded, 24-hour clock.
	fmt.Println(cognitoauth.Timestamp(time.Date(2000, 2, 1, 3, 4, 5, 0, time.UTC)))
	fmt.Println(cognitoauth.Timestamp(time.Date(2024, 3, 5, 15, 4, 5, 0, time.UTC)))
	// Output:
	// Tue Feb 1 03:04:05 UTC 2000
	// Tue Mar 5 15:04:05 UTC 2024
}

func ExampleSRP_PasswordVerifier() {
	// The alexrudd/cognito-srp vector (PROTOCOL.md §4.6): a = 1234567890, given here as the
	// last bytes of the 128 that NewSRP reads.
	rnd := make([]byte, 128)
	copy(rnd[124:], []byte{0x49, 0x96, 0x02, 0xd2})
	s, err := cognitoauth.NewSRP("eu-west-1_myPool", bytes.NewReader(rnd))
	if err != nil {
		panic(err)
	}
	fmt.Println("SRP_A starts", s.A()[:16])
	params := map[string]string{ // the PASSWORD_VERIFIER challenge parameters
		"USER_ID_FOR_SRP": "test",
		"SALT":            "499602d2",
		"SRP_B":           "499602d2",
		"SECRET_BLOCK":    base64.StdEncoding.EncodeToString([]byte("secretssecrestssecrets")),
	}
	answer, err := s.PasswordVerifier(params, "test", time.Date(2018, 7, 10, 11, 1, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	fmt.Println(answer["TIMESTAMP"])
	fmt.Println(answer["PASSWORD_CLAIM_SIGNATURE"])
	// Output:
	// SRP_A starts 58b1e37b7ea68150
	// Tue Jul 10 11:01:00 UTC 2018
	// tdvQu/Li/qWl8Nni0aFPs+MwY4rvKZm0kSMrGIMSUHk=
}

// totpPrompt is a Challenger that answers every TOTP challenge with a fixed code; the CLI's
// version reads it from the terminal.
type totpPrompt string

func (code totpPrompt) Answer(_ context.Context, c *cognitoauth.Challenge) (map[string]string, error) {
	if c.Name != "SOFTWARE_TOKEN_MFA" {
		return nil, fmt.Errorf("cannot answer %s", c.Name)
	}
	return map[string]string{c.AnswerKey(): string(code)}, nil
}

func ExampleClient_Login() {
	// A stand-in for Cognito: USER_PASSWORD_AUTH asks for a TOTP code, then returns tokens.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch r.Header.Get("X-Amz-Target") {
		case "AWSCognitoIdentityProviderService.InitiateAuth":
			io.WriteString(w, `{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"AYABeEXAMPLEsession","ChallengeParameters":{"USER_ID_FOR_SRP":"a2c2e290-6d0f-4a08-a5ca-f0162935f3a6"}}`)
		case "AWSCognitoIdentityProviderService.RespondToAuthChallenge":
			answers := body["ChallengeResponses"].(map[string]any)
			fmt.Println("server got code", answers["SOFTWARE_TOKEN_MFA_CODE"], "for", answers["USERNAME"])
			io.WriteString(w, `{"AuthenticationResult":{"IdToken":"eyJ.id.EXAMPLE","AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":3600,"TokenType":"Bearer"}}`)
		}
	}))
	defer srv.Close()

	c := &cognitoauth.Client{
		UserPoolID: "eu-west-2_eYpv1mFHB",
		ClientID:   "18u8119jgbpr464n28s1itk2mq",
		Endpoint:   srv.URL, // plain http is allowed to loopback only
	}
	in := &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: "john.doe", Password: "Qwerty1!"}
	tokens, err := c.Login(context.Background(), in, totpPrompt("123456"))
	if err != nil {
		panic(err)
	}
	fmt.Println("IdToken for STS:", tokens.IdToken, tokens.ExpiresIn)
	// Output:
	// server got code 123456 for a2c2e290-6d0f-4a08-a5ca-f0162935f3a6
	// IdToken for STS: eyJ.id.EXAMPLE 3600
}

func ExampleAPIError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"InvalidParameterException","message":"USER_PASSWORD_AUTH flow not enabled for this client"}`)
	}))
	defer srv.Close()

	c := &cognitoauth.Client{UserPoolID: "eu-west-2_eYpv1mFHB", ClientID: "18u8119jgbpr464n28s1itk2mq", Endpoint: srv.URL}
	_, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: "john.doe", Password: "Qwerty1!"}, nil)
	var ae *cognitoauth.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.Type, ae.StatusCode)
		fmt.Println("hint:", ae.Hint)
	}
	// Output:
	// InvalidParameterException 400
	// hint: use --flow srp (USER_SRP_AUTH), which most app clients allow
}
