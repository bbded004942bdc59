package idtoken

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/ststest"
)

// TestCognito: the first call logs in with the password, later calls use the refresh token
// (with the internal username the client secret's SECRET_HASH needs), and a refused refresh
// token means a new login.
func TestCognito(t *testing.T) {
	const pool, client, secret = "us-east-1_EXAMPLE", "exampleclientid", "exampleclientsecret"
	srv := ststest.NewServer(
		ststest.WithCognitoUser(pool, client, "alice", "correct horse battery staple", map[string]string{"email": "alice@example.com"}),
		ststest.WithCognitoClientSecret(pool, client, secret))
	defer srv.Close()
	src := &Cognito{
		Client: &cognitoauth.Client{UserPoolID: pool, ClientID: client, ClientSecret: secret, Endpoint: srv.URL},
		Login:  cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: "alice", Password: "correct horse battery staple"},
	}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		tok, err := src.Token(ctx)
		if err != nil || strings.Count(tok, ".") != 2 {
			t.Fatalf("Cognito.Token (call %d) = %q, %v", i+1, tok, err)
		}
		if i == 1 {
			src.refresh = "revoked-refresh-token"
		}
	}
	var flows []string
	for _, r := range srv.Requests() {
		var body struct{ AuthFlow string }
		json.Unmarshal(r.Body, &body)
		flows = append(flows, body.AuthFlow)
	}
	want := "USER_PASSWORD_AUTH REFRESH_TOKEN_AUTH REFRESH_TOKEN_AUTH USER_PASSWORD_AUTH"
	if got := strings.Join(flows, " "); got != want {
		t.Errorf("flows = %s; want %s (login, refresh, refused refresh, login again)", got, want)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(string(r.Body), "correct horse") && !strings.Contains(string(r.Body), "USER_PASSWORD_AUTH") {
			t.Errorf("a refresh sent the password: %s", r.Body)
		}
	}
}
