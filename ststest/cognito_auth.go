package ststest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
)

// The flows of the emulated user pool: password checks, the server side of SRP, refresh
// tokens and the tokens themselves.

// checkSecretHash enforces SECRET_HASH for app clients with a secret, computed with username.
func checkSecretHash(p *cognitoPool, clientID, username, got string) *cognitoError {
	secret := p.clients[clientID]
	if secret == "" {
		return nil
	}
	if got == "" {
		return notAuthorized(fmt.Sprintf("Client %s is configured with secret but SECRET_HASH was not received", clientID))
	}
	if !hmac.Equal([]byte(got), []byte(cognitoauth.SecretHash(username, clientID, secret))) {
		return notAuthorized(fmt.Sprintf("Unable to verify secret hash for client %s", clientID))
	}
	return nil
}

func (c *cognitoEmulator) initiate(p *cognitoPool, in *cognitoRequest, admin bool) (any, *cognitoError) {
	params := in.AuthParameters
	flow := in.AuthFlow
	allowed := map[string]bool{"USER_SRP_AUTH": !admin, "USER_PASSWORD_AUTH": !admin,
		"ADMIN_USER_PASSWORD_AUTH": admin, "REFRESH_TOKEN_AUTH": true, "REFRESH_TOKEN": true}
	if !allowed[flow] {
		if flow == "" {
			return nil, invalidParameter("1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null")
		}
		return nil, invalidParameter(fmt.Sprintf("Initiate Auth method not supported: %s is not a flow this emulated operation implements.", flow))
	}
	if flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN" {
		return c.refreshTokens(p, in)
	}
	username := params["USERNAME"]
	if username == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if cerr := checkSecretHash(p, in.ClientID, username, params["SECRET_HASH"]); cerr != nil {
		return nil, cerr
	}
	user := p.users[username]
	if flow == "USER_SRP_AUTH" {
		if params["SRP_A"] == "" {
			return nil, invalidParameter("Missing required parameter SRP_A")
		}
		if user == nil {
			return nil, errIncorrect
		}
		return c.srpChallenge(p, in.ClientID, user, params["SRP_A"])
	}
	if params["PASSWORD"] == "" {
		return nil, invalidParameter("Missing required parameter PASSWORD")
	}
	if user == nil || !hmac.Equal([]byte(params["PASSWORD"]), []byte(user.password)) {
		return nil, errIncorrect
	}
	return c.tokens(p, in.ClientID, user, true)
}

func (c *cognitoEmulator) srpChallenge(p *cognitoPool, clientID string, user *cognitoUser, srpA string) (any, *cognitoError) {
	srv, err := cognitoauth.NewSRPServer(p.id, user.username, user.password, nil)
	if err != nil {
		return nil, &cognitoError{http.StatusInternalServerError, "InternalErrorException", "SRP setup failed"}
	}
	block := base64.StdEncoding.EncodeToString(randomBytes(96))
	now := c.now()
	c.mu.Lock()
	for k, s := range c.srp { // forget abandoned logins
		if now.Sub(s.issued) > cognitoSessionLifetime {
			delete(c.srp, k)
		}
	}
	c.srp[block] = &srpSession{pool: p, clientID: clientID, user: user, srpA: srpA, server: srv, issued: now}
	c.mu.Unlock()
	return map[string]any{
		"ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeParameters": map[string]string{
			"SALT":            srv.Salt(),
			"SECRET_BLOCK":    block,
			"SRP_B":           srv.B(),
			"USERNAME":        user.username,
			"USER_ID_FOR_SRP": user.username,
		},
	}, nil
}

func (c *cognitoEmulator) respond(p *cognitoPool, in *cognitoRequest) (any, *cognitoError) {
	if in.ChallengeName != "PASSWORD_VERIFIER" {
		if in.ChallengeName == "" {
			return nil, invalidParameter("1 validation error detected: Value null at 'challengeName' failed to satisfy constraint: Member must not be null")
		}
		return nil, notAuthorized("Invalid session for the user.")
	}
	resp := in.ChallengeResponses
	block := resp["PASSWORD_CLAIM_SECRET_BLOCK"]
	c.mu.Lock()
	sess := c.srp[block]
	delete(c.srp, block) // one answer per challenge, right or wrong
	c.mu.Unlock()
	now := c.now()
	if sess == nil || sess.pool != p || sess.clientID != in.ClientID {
		return nil, notAuthorized("Invalid session for the user.")
	}
	if now.Sub(sess.issued) > cognitoSessionLifetime {
		return nil, notAuthorized("Invalid session for the user, session is expired.")
	}
	if resp["USERNAME"] != sess.user.username {
		return nil, errIncorrect
	}
	if cerr := checkSecretHash(p, in.ClientID, sess.user.username, resp["SECRET_HASH"]); cerr != nil {
		return nil, cerr
	}
	ts, err := time.Parse(cognitoTimestampLayout, resp["TIMESTAMP"])
	if err != nil {
		return nil, invalidParameter("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	}
	if d := now.Sub(ts); d > cognitoMaxSkew || d < -cognitoMaxSkew {
		return nil, errIncorrect
	}
	if err := sess.server.CheckClaim(sess.srpA, block, resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"]); err != nil {
		return nil, errIncorrect
	}
	return c.tokens(p, in.ClientID, sess.user, true)
}

func (c *cognitoEmulator) refreshTokens(p *cognitoPool, in *cognitoRequest) (any, *cognitoError) {
	token := in.AuthParameters["REFRESH_TOKEN"]
	if token == "" {
		return nil, invalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	c.mu.Lock()
	g, ok := c.refresh[token]
	c.mu.Unlock()
	if !ok || g.pool != p || g.clientID != in.ClientID {
		return nil, notAuthorized("Invalid Refresh Token")
	}
	if cerr := checkSecretHash(p, in.ClientID, g.user.username, in.AuthParameters["SECRET_HASH"]); cerr != nil {
		return nil, cerr
	}
	return c.tokens(p, in.ClientID, g.user, false)
}

// tokens mints the ID and access tokens (and a refresh token after a password login) and
// returns the AuthenticationResult reply.
func (c *cognitoEmulator) tokens(p *cognitoPool, clientID string, u *cognitoUser, withRefresh bool) (any, *cognitoError) {
	now := c.now().Unix()
	id := map[string]any{}
	for k, v := range u.attrs {
		id[k] = v
	}
	for k, v := range map[string]any{"sub": u.sub, "aud": clientID, "token_use": "id",
		"cognito:username": u.username, "auth_time": now, "exp": now + cognitoTokenLifetime} {
		id[k] = v
	}
	idToken, err := c.issuer.mint(id)
	if err != nil {
		return nil, &cognitoError{http.StatusInternalServerError, "InternalErrorException", "minting the ID token failed"}
	}
	access, err := c.issuer.mint(map[string]any{"sub": u.sub, "client_id": clientID, "token_use": "access",
		"scope": "aws.cognito.signin.user.admin", "username": u.username, "auth_time": now,
		"exp": now + cognitoTokenLifetime}, "aud")
	if err != nil {
		return nil, &cognitoError{http.StatusInternalServerError, "InternalErrorException", "minting the access token failed"}
	}
	res := map[string]any{"AccessToken": access, "ExpiresIn": cognitoTokenLifetime, "TokenType": "Bearer", "IdToken": idToken}
	if withRefresh {
		refresh := base64.RawURLEncoding.EncodeToString(randomBytes(96))
		c.mu.Lock()
		c.refresh[refresh] = refreshGrant{pool: p, clientID: clientID, user: u}
		c.mu.Unlock()
		res["RefreshToken"] = refresh
	}
	return map[string]any{"AuthenticationResult": res, "ChallengeParameters": map[string]string{}}, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("ststest: crypto/rand: %v", err))
	}
	return b
}

// uuidFrom derives a stable UUID-shaped sub from a name.
func uuidFrom(name string) string {
	b := sha256.Sum256([]byte(name))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
