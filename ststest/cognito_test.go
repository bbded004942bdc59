package ststest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

const (
	poolID   = "us-east-1_EXAMPLE"
	clientID = "1example23456789"
	secretID = "2example23456789" // an app client with a secret
	secret   = "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
)

var exampleUserKey = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

func cognitoServer(t *testing.T, now time.Time) *ststest.Server {
	t.Helper()
	srv := ststest.NewServer(
		ststest.WithNow(func() time.Time { return now }),
		ststest.WithCognitoUser(poolID, clientID, "alice", "Correct-Horse-9", map[string]string{"email": "alice@example.com"}),
		ststest.WithCognitoUser(poolID, secretID, "alice", "Correct-Horse-9", nil),
		ststest.WithCognitoClientSecret(poolID, secretID, secret),
	)
	t.Cleanup(srv.Close)
	return srv
}

// poolIssuer is the issuer of the user pool poolID.
func poolIssuer(t *testing.T, srv *ststest.Server) *ststest.Issuer {
	t.Helper()
	iss, ok := srv.LookupIssuer(poolID)
	if !ok {
		t.Fatalf("LookupIssuer(%s) = false; want the pool's issuer", poolID)
	}
	return iss
}

// claims decodes a token the emulator minted, checking its signature with the pool issuer's key.
func claims(t *testing.T, srv *ststest.Server, token string) jwt.MapClaims {
	t.Helper()
	mc := jwt.MapClaims{}
	key := poolIssuer(t, srv).PublicKey()
	_, err := jwt.ParseWithClaims(token, mc, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithTimeFunc(func() time.Time { return time.Unix(int64(mc["iat"].(float64)), 0) }))
	if err != nil {
		t.Fatalf("token does not verify with the issuer's key: %v", err)
	}
	return mc
}

func TestCognitoClientAgainstEmulator(t *testing.T) {
	now := time.Date(2024, 7, 10, 15, 1, 0, 0, time.UTC) // after noon: the TIMESTAMP's 24-hour clock matters
	srv := cognitoServer(t, now)
	for _, tt := range []struct {
		name   string
		client string
		flow   cognitoauth.Flow
		creds  *sigv4.Credentials
	}{
		{"srp", clientID, cognitoauth.FlowSRP, nil},
		{"password", clientID, cognitoauth.FlowPassword, nil},
		{"admin signed", clientID, cognitoauth.FlowAdminPassword, exampleUserKey},
		{"srp with secret", secretID, cognitoauth.FlowSRP, nil},
		{"password with secret", secretID, cognitoauth.FlowPassword, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &cognitoauth.Client{UserPoolID: poolID, ClientID: tt.client, Endpoint: srv.URL,
				HTTPClient: srv.Client(), Now: func() time.Time { return now }, Credentials: tt.creds}
			if tt.client == secretID {
				c.ClientSecret = secret
			}
			tok, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: tt.flow, Username: "alice", Password: "Correct-Horse-9"}, nil)
			if err != nil {
				t.Fatalf("Login(%s) = %v; want tokens", tt.flow, err)
			}
			id := claims(t, srv, tok.IdToken)
			if want := srv.URL + "/" + poolID; id["aud"] != tt.client || id["token_use"] != "id" || id["cognito:username"] != "alice" || id["iss"] != want || id["sub"] == "" {
				t.Errorf("ID token claims = %v; want aud %s, token_use id, cognito:username alice, iss %s", id, tt.client, want)
			}
			access := claims(t, srv, tok.AccessToken)
			if _, hasAud := access["aud"]; hasAud || access["client_id"] != tt.client || access["token_use"] != "access" || access["sub"] != id["sub"] {
				t.Errorf("access token claims = %v; want client_id %s, token_use access, no aud", access, tt.client)
			}
			if tok.ExpiresIn != 3600 || tok.TokenType != "Bearer" || tok.RefreshToken == "" {
				t.Errorf("Login = ExpiresIn %d, TokenType %q, RefreshToken set %v; want 3600, Bearer, true", tok.ExpiresIn, tok.TokenType, tok.RefreshToken != "")
			}

			// The refresh token gets new tokens, and no new refresh token.
			in := &cognitoauth.LoginInput{Flow: cognitoauth.FlowRefresh, RefreshToken: tok.RefreshToken}
			if c.ClientSecret != "" {
				in.Username = "alice"
			}
			again, err := c.Login(context.Background(), in, nil)
			if err != nil {
				t.Fatalf("Login(refresh) = %v; want tokens", err)
			}
			if claims(t, srv, again.IdToken)["cognito:username"] != "alice" || again.RefreshToken != tok.RefreshToken {
				t.Errorf("refresh: ID token or refresh token not as expected")
			}
		})
	}
}

func TestCognitoEmulatorRefusals(t *testing.T) {
	now := time.Date(2024, 7, 10, 3, 1, 0, 0, time.UTC)
	srv := cognitoServer(t, now)
	otherKey := &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "not-the-example-secret"}
	for _, tt := range []struct {
		name     string
		client   string
		secret   string
		flow     cognitoauth.Flow
		user, pw string
		refresh  string
		creds    *sigv4.Credentials
		clock    time.Duration // client clock offset
		wantType string
		wantMsg  string
	}{
		{"srp wrong password", clientID, "", cognitoauth.FlowSRP, "alice", "wrong", "", nil, 0, "NotAuthorizedException", "Incorrect username or password."},
		{"password wrong password", clientID, "", cognitoauth.FlowPassword, "alice", "wrong", "", nil, 0, "NotAuthorizedException", "Incorrect username or password."},
		{"unknown user", clientID, "", cognitoauth.FlowPassword, "bob", "x", "", nil, 0, "NotAuthorizedException", "Incorrect username or password."},
		{"srp stale timestamp", clientID, "", cognitoauth.FlowSRP, "alice", "Correct-Horse-9", "", nil, 10 * time.Minute, "NotAuthorizedException", "Incorrect username or password."},
		{"no secret hash", secretID, "", cognitoauth.FlowPassword, "alice", "Correct-Horse-9", "", nil, 0, "NotAuthorizedException", "configured with secret but SECRET_HASH was not received"},
		{"wrong secret", secretID, "wrong", cognitoauth.FlowSRP, "alice", "Correct-Horse-9", "", nil, 0, "NotAuthorizedException", "Unable to verify secret hash"},
		{"unknown client", "3example23456789", "", cognitoauth.FlowPassword, "alice", "x", "", nil, 0, "ResourceNotFoundException", "User pool client 3example23456789 does not exist."},
		{"bad refresh token", clientID, "", cognitoauth.FlowRefresh, "", "", "bm90LWEtdG9rZW4", nil, 0, "NotAuthorizedException", "Invalid Refresh Token"},
		{"admin wrong secret key", clientID, "", cognitoauth.FlowAdminPassword, "alice", "Correct-Horse-9", "", otherKey, 0, "InvalidSignatureException", "does not match"},
		{"admin unknown key", clientID, "", cognitoauth.FlowAdminPassword, "alice", "Correct-Horse-9", "", &sigv4.Credentials{AccessKeyID: "AKIAI44QH8DHBEXAMPLE", SecretAccessKey: "x"}, 0, "UnrecognizedClientException", "security token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &cognitoauth.Client{UserPoolID: poolID, ClientID: tt.client, ClientSecret: tt.secret, Endpoint: srv.URL,
				HTTPClient: srv.Client(), Now: func() time.Time { return now.Add(tt.clock) }, Credentials: tt.creds,
				Backoff: func(int) time.Duration { return 0 }}
			_, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: tt.flow, Username: tt.user, Password: tt.pw, RefreshToken: tt.refresh}, nil)
			var ae *cognitoauth.APIError
			if !errors.As(err, &ae) || ae.Type != tt.wantType || !strings.Contains(ae.Message, tt.wantMsg) || ae.StatusCode != 400 || ae.RequestID == "" {
				t.Fatalf("Login = %v; want a 400 %s saying %q with a request id", err, tt.wantType, tt.wantMsg)
			}
		})
	}
}

// TestCognitoAndSTSShareTheRoot checks the mux: a Cognito ID token from the emulator is accepted
// by the emulated STS on the same URL for TestRole, which trusts the pool, with the app client
// id as Audience and the pool's issuer as Provider.
func TestCognitoAndSTSShareTheRoot(t *testing.T) {
	now := time.Date(2024, 7, 10, 3, 1, 0, 0, time.UTC)
	srv := cognitoServer(t, now)
	c := &cognitoauth.Client{UserPoolID: poolID, ClientID: clientID, Endpoint: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now }}
	tok, err := c.Login(context.Background(), &cognitoauth.LoginInput{Username: "alice", Password: "Correct-Horse-9"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := stsClient(srv)
	in := ghInput(tok.IdToken)
	in.RoleArn = ststest.DefaultRoleArn
	out, err := sc.AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity(Cognito ID token) = %v", err)
	}
	if want := poolIssuer(t, srv).URL; out.Audience != clientID || out.Provider != want {
		t.Errorf("Audience, Provider = %q, %q; want %q, %q", out.Audience, out.Provider, clientID, want)
	}
}

func stsClient(srv *ststest.Server) *sts.Client {
	return &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client()}
}
