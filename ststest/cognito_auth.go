package ststest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
)

// The flows of the emulated user pool: the app client's allowed flows, password checks, the
// server side of SRP, the new-password challenge, refresh tokens and the tokens themselves.

// flowSetting is the ExplicitAuthFlows value that allows each AuthFlow.
var flowSetting = map[string]string{
	"USER_SRP_AUTH":            "ALLOW_USER_SRP_AUTH",
	"USER_PASSWORD_AUTH":       "ALLOW_USER_PASSWORD_AUTH",
	"ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
	"REFRESH_TOKEN_AUTH":       "ALLOW_REFRESH_TOKEN_AUTH",
	"REFRESH_TOKEN":            "ALLOW_REFRESH_TOKEN_AUTH",
}

// flowAllowed refuses a flow the app client does not allow, as Cognito does:
// InvalidParameterException "FLOW flow not enabled for this client" (Cognito's wording for
// USER_PASSWORD_AUTH, seen in many issue threads; the same form is assumed for the others). A
// client with no ExplicitAuthFlows allows every flow (see UserPoolClient).
func flowAllowed(cl UserPoolClient, flow string) *cognitoError {
	if len(cl.ExplicitAuthFlows) == 0 {
		return nil
	}
	for _, f := range cl.ExplicitAuthFlows {
		if f == flowSetting[flow] {
			return nil
		}
	}
	return invalidParameter(flow + " flow not enabled for this client")
}

// checkSecretHash enforces SECRET_HASH for app clients with a secret, computed with username.
func checkSecretHash(p *poolView, clientID, username, got string) *cognitoError {
	secret := p.clients[clientID].ClientSecret
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

func (c *cognitoEmulator) initiate(p *poolView, in *cognitoRequest, admin bool) (any, *cognitoError) {
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
	if cerr := flowAllowed(p.clients[in.ClientID], flow); cerr != nil {
		return nil, cerr
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
	user, ok := p.users[username]
	if flow == "USER_SRP_AUTH" {
		if params["SRP_A"] == "" {
			return nil, invalidParameter("Missing required parameter SRP_A")
		}
		if !ok {
			return nil, errIncorrect
		}
		return c.srpChallenge(p, in.ClientID, user, params["SRP_A"])
	}
	if params["PASSWORD"] == "" {
		return nil, invalidParameter("Missing required parameter PASSWORD")
	}
	if !ok || !hmac.Equal([]byte(params["PASSWORD"]), []byte(user.Password)) {
		return nil, errIncorrect
	}
	return c.passwordVerified(p, in.ClientID, user)
}

// passwordVerified ends a login whose password is right: tokens for a confirmed user, the
// NEW_PASSWORD_REQUIRED challenge for one in FORCE_CHANGE_PASSWORD, Cognito's exceptions for
// the other statuses.
func (c *cognitoEmulator) passwordVerified(p *poolView, clientID string, u PoolUser) (any, *cognitoError) {
	switch u.Status {
	case "UNCONFIRMED":
		return nil, &cognitoError{http.StatusBadRequest, "UserNotConfirmedException", "User is not confirmed."}
	case "RESET_REQUIRED":
		return nil, &cognitoError{http.StatusBadRequest, "PasswordResetRequiredException", "Password reset required for the user"}
	case StatusForceChangePassword:
		now := c.now()
		session := addPending(&c.mu, c.challenges, &passwordSession{pool: p.id, clientID: clientID, user: u.Username, issued: now}, now,
			func(s *passwordSession) time.Time { return s.issued })
		attrs, _ := json.Marshal(u.Attributes)
		if u.Attributes == nil {
			attrs = []byte("{}")
		}
		return map[string]any{
			"ChallengeName": "NEW_PASSWORD_REQUIRED",
			"Session":       session,
			"ChallengeParameters": map[string]string{
				"USER_ID_FOR_SRP":    u.Username,
				"requiredAttributes": "[]",
				"userAttributes":     string(attrs),
			},
		}, nil
	}
	return c.tokens(p, clientID, u, true)
}

func (c *cognitoEmulator) srpChallenge(p *poolView, clientID string, user PoolUser, srpA string) (any, *cognitoError) {
	srv, err := cognitoauth.NewSRPServer(p.id, user.Username, user.Password, nil)
	if err != nil {
		return nil, &cognitoError{http.StatusInternalServerError, "InternalErrorException", "SRP setup failed"}
	}
	now := c.now()
	block := addPending(&c.mu, c.srp, &srpSession{pool: p, clientID: clientID, user: user, srpA: srpA, server: srv, issued: now}, now,
		func(s *srpSession) time.Time { return s.issued })
	return map[string]any{
		"ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeParameters": map[string]string{
			"SALT":            srv.Salt(),
			"SECRET_BLOCK":    block,
			"SRP_B":           srv.B(),
			"USERNAME":        user.Username,
			"USER_ID_FOR_SRP": user.Username,
		},
	}, nil
}

func (c *cognitoEmulator) respond(p *poolView, in *cognitoRequest) (any, *cognitoError) {
	switch in.ChallengeName {
	case "PASSWORD_VERIFIER":
		return c.respondSRP(p, in)
	case "NEW_PASSWORD_REQUIRED":
		return c.respondNewPassword(p, in)
	case "":
		return nil, invalidParameter("1 validation error detected: Value null at 'challengeName' failed to satisfy constraint: Member must not be null")
	}
	return nil, notAuthorized("Invalid session for the user.")
}

func (c *cognitoEmulator) respondSRP(p *poolView, in *cognitoRequest) (any, *cognitoError) {
	resp := in.ChallengeResponses
	block := resp["PASSWORD_CLAIM_SECRET_BLOCK"]
	c.mu.Lock()
	sess := c.srp[block]
	delete(c.srp, block) // one answer per challenge, right or wrong
	c.mu.Unlock()
	now := c.now()
	if sess == nil || sess.pool.id != p.id || sess.clientID != in.ClientID {
		return nil, notAuthorized("Invalid session for the user.")
	}
	if now.Sub(sess.issued) > cognitoSessionLifetime {
		return nil, notAuthorized("Invalid session for the user, session is expired.")
	}
	if resp["USERNAME"] != sess.user.Username {
		return nil, errIncorrect
	}
	if cerr := checkSecretHash(p, in.ClientID, sess.user.Username, resp["SECRET_HASH"]); cerr != nil {
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
	return c.passwordVerified(p, in.ClientID, sess.user)
}

// respondNewPassword answers NEW_PASSWORD_REQUIRED: the new password replaces the temporary
// one, the user becomes CONFIRMED, and the login ends with tokens.
func (c *cognitoEmulator) respondNewPassword(p *poolView, in *cognitoRequest) (any, *cognitoError) {
	resp := in.ChallengeResponses
	c.mu.Lock()
	sess := c.challenges[in.Session]
	delete(c.challenges, in.Session)
	c.mu.Unlock()
	if sess == nil || sess.pool != p.id || sess.clientID != in.ClientID || (resp["USERNAME"] != "" && resp["USERNAME"] != sess.user) {
		return nil, notAuthorized("Invalid session for the user.")
	}
	if c.now().Sub(sess.issued) > cognitoSessionLifetime {
		return nil, notAuthorized("Invalid session for the user, session is expired.")
	}
	if cerr := checkSecretHash(p, in.ClientID, sess.user, resp["SECRET_HASH"]); cerr != nil {
		return nil, cerr
	}
	if resp["NEW_PASSWORD"] == "" {
		return nil, invalidParameter("Missing required parameter NEW_PASSWORD")
	}
	if cerr := c.poolPolicyCheck(p.id, resp["NEW_PASSWORD"], true); cerr != nil {
		return nil, cerr
	}
	var user PoolUser
	err := c.state.update(func(cfg *Config) error {
		for i := range cfg.UserPools {
			if cfg.UserPools[i].ID != p.id {
				continue
			}
			for j := range cfg.UserPools[i].Users {
				u := &cfg.UserPools[i].Users[j]
				if u.Username == sess.user {
					u.Password, u.Status = resp["NEW_PASSWORD"], ""
					user = *u
					return nil
				}
			}
		}
		return fmt.Errorf("user %s no longer exists", sess.user)
	})
	if err != nil {
		return nil, notAuthorized("Invalid session for the user.")
	}
	return c.tokens(p, in.ClientID, user, true)
}

func (c *cognitoEmulator) refreshTokens(p *poolView, in *cognitoRequest) (any, *cognitoError) {
	token := in.AuthParameters["REFRESH_TOKEN"]
	if token == "" {
		return nil, invalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	g, ok := c.state.lookupRefresh(token)
	user, known := p.users[g.username]
	if !ok || g.pool != p.id || g.clientID != in.ClientID || !known {
		return nil, notAuthorized("Invalid Refresh Token")
	}
	if cerr := checkSecretHash(p, in.ClientID, g.username, in.AuthParameters["SECRET_HASH"]); cerr != nil {
		return nil, cerr
	}
	return c.tokens(p, in.ClientID, user, false)
}

// tokens mints the ID and access tokens (and a refresh token after a password login) with the
// pool's issuer and returns the AuthenticationResult reply.
func (c *cognitoEmulator) tokens(p *poolView, clientID string, u PoolUser, withRefresh bool) (any, *cognitoError) {
	now := c.now().Unix()
	sub := uuidFrom(p.id + "/" + u.Username)
	id := map[string]any{}
	for _, k := range sortedKeys(u.Attributes) {
		v := u.Attributes[k]
		switch {
		case (k == "email_verified" || k == "phone_number_verified") && (v == "true" || v == "false"):
			id[k] = v == "true" // Cognito's ID tokens carry these as booleans
		default:
			id[k] = v
		}
	}
	for k, v := range map[string]any{"sub": sub, "aud": clientID, "token_use": "id",
		"cognito:username": u.Username, "auth_time": now, "exp": now + cognitoTokenLifetime, "nbf": nil, "jti": newRequestID()} {
		id[k] = v
	}
	idToken, err := p.issuer.Mint(id)
	if err != nil {
		return nil, &cognitoError{http.StatusInternalServerError, "InternalErrorException", "minting the ID token failed"}
	}
	access, err := p.issuer.Mint(map[string]any{"sub": sub, "client_id": clientID, "token_use": "access",
		"scope": "aws.cognito.signin.user.admin", "username": u.Username, "auth_time": now,
		"exp": now + cognitoTokenLifetime, "aud": nil, "nbf": nil, "jti": newRequestID()})
	if err != nil {
		return nil, &cognitoError{http.StatusInternalServerError, "InternalErrorException", "minting the access token failed"}
	}
	res := map[string]any{"AccessToken": access, "ExpiresIn": cognitoTokenLifetime, "TokenType": "Bearer", "IdToken": idToken}
	if withRefresh {
		refresh := base64.RawURLEncoding.EncodeToString(randomBytes(96))
		c.state.addRefresh(refresh, refreshGrant{pool: p.id, clientID: clientID, username: u.Username})
		res["RefreshToken"] = refresh
	}
	return map[string]any{"AuthenticationResult": res, "ChallengeParameters": map[string]string{}}, nil
}

// addPending stores a login waiting for its answer under a new random key (SRP's SECRET_BLOCK,
// a challenge's Session) in m, guarded by mu, and returns the key. It first forgets the logins
// abandoned for longer than cognitoSessionLifetime (issued reads when one started), so that
// the map holds only the logins of the last few minutes.
func addPending[V any](mu *sync.Mutex, m map[string]V, v V, now time.Time, issued func(V) time.Time) string {
	key := base64.StdEncoding.EncodeToString(randomBytes(96))
	mu.Lock()
	defer mu.Unlock()
	for k, old := range m {
		if now.Sub(issued(old)) > cognitoSessionLifetime {
			delete(m, k)
		}
	}
	m[key] = v
	return key
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
