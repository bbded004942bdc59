package idtoken

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/jwtinspect"
)

// Cognito gets ID tokens from an Amazon Cognito user pool: the first call logs in with Login
// (SRP or password, answering challenges with Challenger, or a refresh token given), later
// calls use the refresh token that login returned (REFRESH_TOKEN_AUTH), so the password is
// sent once. When Cognito refuses the refresh token (NotAuthorizedException: expired or
// revoked) and Login has a password, it logs in again. It returns the ID token, the one STS
// takes (the access token has no aud). Calls are serialized.
type Cognito struct {
	// Client is the user pool's client (pool, app client, secret, region, HTTP). Required.
	Client *cognitoauth.Client
	// Login is the first login. A Login with Flow FlowRefresh and a RefreshToken starts from
	// that token.
	Login cognitoauth.LoginInput
	// Challenger answers challenges that need a person (new password, MFA); nil makes such a
	// login fail.
	Challenger cognitoauth.Challenger

	mu       sync.Mutex
	refresh  string // the refresh token of the last login
	username string // cognito:username, which a refresh with a client secret needs
}

// String describes the source without its password or refresh token, so that printing it
// leaks nothing.
func (c *Cognito) String() string {
	pool, client := "", ""
	if c.Client != nil {
		pool, client = c.Client.UserPoolID, c.Client.ClientID
	}
	return fmt.Sprintf("idtoken.Cognito{UserPoolID: %s, ClientID: %s, Username: %s, Password: %s}", pool, client, c.Login.Username, hidden(c.Login.Password))
}

// GoString is String, for %#v.
func (c *Cognito) GoString() string { return c.String() }

// Token returns a fresh ID token.
func (c *Cognito) Token(ctx context.Context) (string, error) {
	if c.Client == nil {
		return "", errors.New("idtoken: Cognito: no Client")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refresh != "" {
		t, err := c.Client.Login(ctx, &cognitoauth.LoginInput{Flow: cognitoauth.FlowRefresh, Username: c.username, RefreshToken: c.refresh}, nil)
		if err == nil {
			return c.keep(t)
		}
		var api *cognitoauth.APIError
		if !errors.As(err, &api) || api.Type != "NotAuthorizedException" || c.Login.Password == "" {
			return "", fmt.Errorf("idtoken: Cognito refresh: %w", err)
		}
		c.refresh = ""
	}
	t, err := c.Client.Login(ctx, &c.Login, c.Challenger)
	if err != nil {
		return "", fmt.Errorf("idtoken: Cognito login: %w", err)
	}
	return c.keep(t)
}

// keep remembers the refresh token and the internal username of t and returns its ID token.
func (c *Cognito) keep(t *cognitoauth.Tokens) (string, error) {
	if t.IdToken == "" {
		return "", errors.New("idtoken: Cognito returned no ID token")
	}
	if t.RefreshToken != "" {
		c.refresh = t.RefreshToken
	}
	c.username = c.Login.Username
	if tok, err := jwtinspect.Decode(t.IdToken); err == nil {
		if u, ok := tok.RawClaims["cognito:username"].(string); ok && u != "" {
			c.username = u
		}
	}
	return t.IdToken, nil
}
