package ststest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// mustCognito sends a signed admin call as Alice that must succeed and decodes its reply.
func mustCognito(t *testing.T, srv *ststest.Server, at time.Time, op string, in, out any) {
	t.Helper()
	r := cognitoCall(t, srv, &aliceKey, at, op, in)
	if out == nil {
		out = &map[string]any{}
	}
	r.decode(t, out)
}

// TestCognitoAdminSetup builds a pool as a setup script does — CreateUserPool with a password
// policy, an app client with a secret and its flows, a user with a temporary password — and
// logs in with cognitoauth: the new pool issues tokens from its own issuer, the client's flows
// and secret are enforced, the policy is enforced on every password.
func TestCognitoAdminSetup(t *testing.T) {
	now := iamNow
	srv, log := iamServer(t, ststest.DefaultConfig())
	ctx := context.Background()
	var pool struct {
		UserPool struct {
			Id, Name, Arn string
			Policies      struct{ PasswordPolicy ststest.PasswordPolicy }
			CreationDate  float64
		}
	}
	mustCognito(t, srv, now, "CreateUserPool", map[string]any{"PoolName": "setup-script",
		"Policies": map[string]any{"PasswordPolicy": map[string]any{"MinimumLength": 10, "RequireNumbers": true}}}, &pool)
	id := pool.UserPool.Id
	if !strings.HasPrefix(id, "us-east-1_") || len(id) != len("us-east-1_")+9 || pool.UserPool.Arn != "arn:aws:cognito-idp:us-east-1:123456789012:userpool/"+id ||
		pool.UserPool.Policies.PasswordPolicy.MinimumLength != 10 || pool.UserPool.CreationDate != float64(now.Unix()) {
		t.Fatalf("CreateUserPool = %+v", pool.UserPool)
	}
	var cl struct {
		UserPoolClient struct {
			ClientId, ClientSecret, ClientName string
			ExplicitAuthFlows                  []string
		}
	}
	mustCognito(t, srv, now, "CreateUserPoolClient", map[string]any{"UserPoolId": id, "ClientName": "app", "GenerateSecret": true,
		"ExplicitAuthFlows": []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}, &cl)
	client, secret := cl.UserPoolClient.ClientId, cl.UserPoolClient.ClientSecret
	if len(client) != 26 || len(secret) != 51 || len(cl.UserPoolClient.ExplicitAuthFlows) != 3 {
		t.Fatalf("CreateUserPoolClient = %+v; want a 26-character id, a 51-character secret and the 3 flows", cl.UserPoolClient)
	}
	const temp, chosen = "Temporary-Passw0rd", "Chosen-Passw0rd-2"
	var created struct{ User map[string]any }
	mustCognito(t, srv, now, "AdminCreateUser", map[string]any{"UserPoolId": id, "Username": "carol", "TemporaryPassword": temp, "MessageAction": "SUPPRESS",
		"UserAttributes": []map[string]string{{"Name": "email", "Value": "carol@example.com"}, {"Name": "email_verified", "Value": "true"}}}, &created)
	if created.User["UserStatus"] != "FORCE_CHANGE_PASSWORD" || created.User["Enabled"] != true || created.User["Username"] != "carol" {
		t.Errorf("AdminCreateUser = %v; want carol in FORCE_CHANGE_PASSWORD", created.User)
	}

	c := &cognitoauth.Client{UserPoolID: id, ClientID: client, ClientSecret: secret, Endpoint: srv.URL, HTTPClient: srv.Client(),
		Now: func() time.Time { return now }, Credentials: &aliceKey}
	login := func(flow cognitoauth.Flow, pw string) (*cognitoauth.Tokens, error) {
		return c.Login(ctx, &cognitoauth.LoginInput{Flow: flow, Username: "carol", Password: pw}, nil)
	}
	if _, err := login(cognitoauth.FlowAdminPassword, temp); !errors.Is(err, cognitoauth.ErrNoChallenger) {
		t.Errorf("Login(temporary password) = %v; want the NEW_PASSWORD_REQUIRED challenge", err)
	}
	r := cognitoCall(t, srv, &aliceKey, now, "AdminSetUserPassword", map[string]any{"UserPoolId": id, "Username": "carol", "Password": "short-1", "Permanent": true})
	if typ, msg := r.jsonError(); typ != "InvalidPasswordException" || msg != "Password did not conform with password policy: Password not long enough" {
		t.Errorf("AdminSetUserPassword(short) = %s %q; want InvalidPasswordException, not long enough", typ, msg)
	}
	mustCognito(t, srv, now, "AdminSetUserPassword", map[string]any{"UserPoolId": id, "Username": "carol", "Password": chosen, "Permanent": true}, nil)
	for _, flow := range []cognitoauth.Flow{cognitoauth.FlowAdminPassword, cognitoauth.FlowPassword} {
		tok, err := login(flow, chosen)
		if err != nil {
			t.Fatalf("Login(%s) = %v; want tokens", flow, err)
		}
		iss, _ := srv.LookupIssuer(id)
		if claims := claimsOf(t, iss, tok.IdToken); claims["iss"] != srv.URL+"/"+id || claims["aud"] != client || claims["email"] != "carol@example.com" {
			t.Errorf("ID token claims = %v; want the new pool's issuer and client", claims)
		}
	}
	// The client does not allow SRP, and the pool's issuer serves its discovery document.
	var ae *cognitoauth.APIError
	if _, err := login(cognitoauth.FlowSRP, chosen); !errors.As(err, &ae) || ae.Message != "USER_SRP_AUTH flow not enabled for this client" {
		t.Errorf("Login(SRP) = %v; want the flow refused", err)
	}
	resp, err := srv.Client().Get(srv.URL + "/" + id + "/.well-known/openid-configuration")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("discovery of the new pool: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// Nothing secret reached the event log.
	for _, e := range log.all() {
		if s := fmt.Sprintf("%+v", e); contains(s, temp) || contains(s, chosen) || contains(s, secret) || contains(s, "short-1") {
			t.Errorf("event holds a secret: %s", s)
		}
	}
}

// claimsOf verifies a token with an issuer's key and returns its claims.
func claimsOf(t *testing.T, iss *ststest.Issuer, token string) jwt.MapClaims {
	t.Helper()
	mc := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(token, mc, func(*jwt.Token) (any, error) { return iss.PublicKey(), nil }, jwt.WithoutClaimsValidation()); err != nil {
		t.Fatalf("token does not verify with %s's key: %v", iss.Name(), err)
	}
	return mc
}

// TestCognitoUsers: ListUsers with a filter and pages, AdminGetUser, GetUser with an access
// token (and the refusals of an ID token, an expired token, a token of another server).
func TestCognitoUsers(t *testing.T) {
	clk := &clock{t: iamNow}
	srv := ststest.NewServer(ststest.WithNow(clk.Now))
	defer srv.Close()
	for _, u := range []string{"ann", "anna", "bob"} {
		mustCognito(t, srv, clk.Now(), "AdminCreateUser", map[string]any{"UserPoolId": ststest.DefaultPoolID, "Username": u, "TemporaryPassword": "Temp-Passw0rd1!",
			"UserAttributes": []map[string]string{{"Name": "email", "Value": u + "@example.com"}}}, nil)
	}
	type users struct {
		Users []struct {
			Username, UserStatus string
			Attributes           []struct{ Name, Value string }
		}
		PaginationToken string
	}
	var got users
	mustCognito(t, srv, clk.Now(), "ListUsers", map[string]any{"UserPoolId": ststest.DefaultPoolID, "Filter": `email ^= "ann"`, "AttributesToGet": []string{"email"}}, &got)
	if len(got.Users) != 2 || got.Users[0].Username != "ann" || got.Users[1].Username != "anna" || len(got.Users[0].Attributes) != 1 ||
		got.Users[0].Attributes[0].Value != "ann@example.com" || got.PaginationToken != "" {
		t.Errorf("ListUsers(email ^= ann) = %+v; want ann and anna with their email only", got)
	}
	mustCognito(t, srv, clk.Now(), "ListUsers", map[string]any{"UserPoolId": ststest.DefaultPoolID, "Filter": `cognito:user_status = "force_change_password"`, "Limit": 2}, &got)
	if len(got.Users) != 2 || got.PaginationToken == "" {
		t.Fatalf("ListUsers(status, limit 2) = %+v; want 2 users and a token", got)
	}
	token := got.PaginationToken
	got = users{}
	mustCognito(t, srv, clk.Now(), "ListUsers", map[string]any{"UserPoolId": ststest.DefaultPoolID, "Filter": `cognito:user_status = "FORCE_CHANGE_PASSWORD"`,
		"Limit": 2, "PaginationToken": token}, &got)
	if len(got.Users) != 2 || got.Users[0].Username != "anna" || got.Users[1].Username != "bob" || got.PaginationToken != "" {
		t.Errorf("ListUsers(page 2) = %+v; want anna and bob, no token (newcomer, ann were on page 1)", got)
	}
	var one map[string]any
	mustCognito(t, srv, clk.Now(), "AdminGetUser", map[string]any{"UserPoolId": ststest.DefaultPoolID, "Username": ststest.DefaultUsername}, &one)
	if one["UserStatus"] != "CONFIRMED" || one["UserAttributes"] == nil {
		t.Errorf("AdminGetUser(demo) = %v", one)
	}

	c := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL, HTTPClient: srv.Client(), Now: clk.Now}
	tok, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var me struct {
		Username       string
		UserAttributes []struct{ Name, Value string }
	}
	cognitoCall(t, srv, nil, clk.Now(), "GetUser", map[string]string{"AccessToken": tok.AccessToken}).decode(t, &me)
	if me.Username != ststest.DefaultUsername || len(me.UserAttributes) != 3 || me.UserAttributes[0].Name != "sub" || me.UserAttributes[1].Value != "demo@example.com" {
		t.Errorf("GetUser = %+v; want demo with sub, email, email_verified", me)
	}
	other := ststest.NewServer()
	defer other.Close()
	otherIss, _ := other.LookupIssuer(ststest.DefaultPoolID)
	forged, err := otherIss.Mint(map[string]any{"token_use": "access", "client_id": ststest.DefaultClientID, "username": "demo", "iss": srv.URL + "/" + ststest.DefaultPoolID})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, token, msg string
		later            time.Duration
	}{
		{"ID token", tok.IdToken, "Invalid Access Token", 0},
		{"signed by another server", forged, "Invalid Access Token", 0},
		{"not a JWT", "not-a-token", "Invalid Access Token", 0},
		{"expired", tok.AccessToken, "Access Token has expired", 2 * time.Hour},
	} {
		clk.Add(tt.later)
		r := cognitoCall(t, srv, nil, clk.Now(), "GetUser", map[string]string{"AccessToken": tt.token})
		if typ, msg := r.jsonError(); typ != "NotAuthorizedException" || msg != tt.msg {
			t.Errorf("GetUser(%s) = %s %q; want NotAuthorizedException %q", tt.name, typ, msg, tt.msg)
		}
	}
}

// TestCognitoSignUp: the self-service sign-up, unsigned, with SECRET_HASH for a client with a
// secret; the user is UNCONFIRMED until ConfirmSignUp with ststest.ConfirmationCode (or
// AdminConfirmSignUp).
func TestCognitoSignUp(t *testing.T) {
	now := iamNow
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return now }),
		ststest.WithCognitoClientSecret(ststest.DefaultPoolID, secretID, secret))
	defer srv.Close()
	hash := func(user string) string { return cognitoauth.SecretHash(user, secretID, secret) }
	signUp := func(user, pw, secretHash string) adminReply {
		return cognitoCall(t, srv, nil, now, "SignUp", map[string]any{"ClientId": secretID, "Username": user, "Password": pw, "SecretHash": secretHash,
			"UserAttributes": []map[string]string{{"Name": "email", "Value": "dave@example.com"}}})
	}
	var out struct {
		UserConfirmed       bool
		UserSub             string
		CodeDeliveryDetails map[string]string
	}
	signUp("dave", "Dave-Passw0rd!", hash("dave")).decode(t, &out)
	if out.UserConfirmed || len(out.UserSub) != 36 || out.CodeDeliveryDetails["DeliveryMedium"] != "EMAIL" {
		t.Errorf("SignUp = %+v; want an unconfirmed user with a sub and the code sent by email", out)
	}
	c := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: secretID, ClientSecret: secret, Endpoint: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now }}
	var ae *cognitoauth.APIError
	if _, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: "dave", Password: "Dave-Passw0rd!"}, nil); !errors.As(err, &ae) || ae.Type != "UserNotConfirmedException" {
		t.Errorf("Login(unconfirmed) = %v; want UserNotConfirmedException", err)
	}
	confirm := func(user, code string) adminReply {
		return cognitoCall(t, srv, nil, now, "ConfirmSignUp", map[string]any{"ClientId": secretID, "Username": user, "ConfirmationCode": code, "SecretHash": hash(user)})
	}
	for _, tt := range []struct {
		name    string
		r       adminReply
		typ     string
		message string
	}{
		{"no SECRET_HASH", signUp("erin", "Erin-Passw0rd!", ""), "NotAuthorizedException", "Client " + secretID + " is configured with secret but SECRET_HASH was not received"},
		{"wrong SECRET_HASH", signUp("erin", "Erin-Passw0rd!", hash("dave")), "NotAuthorizedException", "Unable to verify secret hash for client " + secretID},
		{"weak password", signUp("erin", "erin-password", hash("erin")), "InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters"},
		{"existing user", signUp("dave", "Dave-Passw0rd!", hash("dave")), "UsernameExistsException", "User already exists"},
		{"wrong code", confirm("dave", "000000"), "CodeMismatchException", "Invalid verification code provided, please try again."},
		{"unknown user", confirm("zed", ststest.ConfirmationCode), "UserNotFoundException", "User does not exist."},
		{"unknown client", cognitoCall(t, srv, nil, now, "SignUp", map[string]any{"ClientId": "nope", "Username": "x", "Password": "X-Passw0rd!"}),
			"ResourceNotFoundException", "User pool client nope does not exist."},
	} {
		if typ, msg := tt.r.jsonError(); typ != tt.typ || msg != tt.message {
			t.Errorf("%s = %s %q; want %s %q", tt.name, typ, msg, tt.typ, tt.message)
		}
	}
	confirm("dave", ststest.ConfirmationCode).decode(t, &map[string]any{})
	if _, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: "dave", Password: "Dave-Passw0rd!"}, nil); err != nil {
		t.Errorf("Login(confirmed) = %v; want tokens", err)
	}
	if typ, msg := confirm("dave", ststest.ConfirmationCode).jsonError(); typ != "NotAuthorizedException" || msg != "User cannot be confirmed. Current status is CONFIRMED" {
		t.Errorf("ConfirmSignUp(again) = %s %q", typ, msg)
	}
	// AdminConfirmSignUp needs no code.
	signUp("erin", "Erin-Passw0rd!", hash("erin")).decode(t, &out)
	mustCognito(t, srv, now, "AdminConfirmSignUp", map[string]any{"UserPoolId": ststest.DefaultPoolID, "Username": "erin"}, nil)
	if _, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: "erin", Password: "Erin-Passw0rd!"}, nil); err != nil {
		t.Errorf("Login(admin-confirmed) = %v; want tokens", err)
	}
}

// TestCognitoAdminErrors: the admin calls' main refusals with Cognito's types and messages.
func TestCognitoAdminErrors(t *testing.T) {
	srv, log := iamServer(t, ststest.DefaultConfig())
	pool := ststest.DefaultPoolID
	for _, tt := range []struct {
		name, op string
		in       map[string]any
		typ, msg string
	}{
		{"unknown pool", "AdminCreateUser", map[string]any{"UserPoolId": "us-east-1_nope", "Username": "x"}, "ResourceNotFoundException", "User pool us-east-1_nope does not exist."},
		{"pool id pattern", "ListUsers", map[string]any{"UserPoolId": "nope"}, "InvalidParameterException",
			"1 validation error detected: Value 'nope' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"},
		{"no pool name", "CreateUserPool", map[string]any{}, "InvalidParameterException", "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"},
		{"username attributes", "CreateUserPool", map[string]any{"PoolName": "p", "UsernameAttributes": []string{"email"}}, "InvalidParameterException",
			"the emulator does not implement UsernameAttributes or AliasAttributes: users sign in with their username"},
		{"legacy flow", "CreateUserPoolClient", map[string]any{"UserPoolId": pool, "ClientName": "c", "ExplicitAuthFlows": []string{"USER_PASSWORD_AUTH"}},
			"InvalidParameterException", "Value '[USER_PASSWORD_AUTH]' at 'explicitAuthFlows' failed to satisfy constraint"},
		{"user exists", "AdminCreateUser", map[string]any{"UserPoolId": pool, "Username": "demo"}, "UsernameExistsException", "User account already exists"},
		{"weak temporary password", "AdminCreateUser", map[string]any{"UserPoolId": pool, "Username": "x", "TemporaryPassword": "NoDigits-Here"},
			"InvalidPasswordException", "Password did not conform with password policy: Password must have numeric characters"},
		{"no symbol", "AdminCreateUser", map[string]any{"UserPoolId": pool, "Username": "x", "TemporaryPassword": "NoSymbols123"},
			"InvalidPasswordException", "Password did not conform with password policy: Password must have symbol characters"},
		{"sub attribute", "AdminCreateUser", map[string]any{"UserPoolId": pool, "Username": "x", "UserAttributes": []map[string]string{{"Name": "sub", "Value": "1"}}},
			"InvalidParameterException", "Attribute sub is set by the user pool and cannot be given"},
		{"resend to nobody", "AdminCreateUser", map[string]any{"UserPoolId": pool, "Username": "x", "MessageAction": "RESEND"}, "UserNotFoundException", "User does not exist."},
		{"unknown user", "AdminSetUserPassword", map[string]any{"UserPoolId": pool, "Username": "x", "Password": "Some-Passw0rd!"}, "UserNotFoundException", "User does not exist."},
		{"no password", "AdminSetUserPassword", map[string]any{"UserPoolId": pool, "Username": "demo"}, "InvalidParameterException",
			"1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"},
		{"confirm a confirmed user", "AdminConfirmSignUp", map[string]any{"UserPoolId": pool, "Username": "demo"}, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"},
		{"bad filter", "ListUsers", map[string]any{"UserPoolId": pool, "Filter": `custom:team = "a"`}, "InvalidParameterException", "Error while parsing filter."},
		{"limit 61", "ListUsers", map[string]any{"UserPoolId": pool, "Limit": 61}, "InvalidParameterException", "Member must have value less than or equal to 60"},
		{"wrong JSON type", "AdminGetUser", map[string]any{"UserPoolId": 7}, "SerializationException", "Start of structure or map found where not expected."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := cognitoCall(t, srv, &aliceKey, iamNow, tt.op, tt.in)
			if typ, msg := r.jsonError(); r.status != http.StatusBadRequest || typ != tt.typ || !strings.Contains(msg, tt.msg) {
				t.Errorf("%s = HTTP %d %s %q; want 400 %s %q", tt.op, r.status, typ, msg, tt.typ, tt.msg)
			}
		})
	}
	for _, e := range log.all() {
		if e.Service == "cognito-idp" && (e.Decision != "deny" || e.Code == "" || e.Principal != ststest.UserArn) {
			t.Errorf("event %+v; want a deny by Alice with its code", e)
		}
	}
	if n := len(srv.Snapshot().UserPools[0].Users); n != 2 {
		t.Errorf("the pool has %d users after the refusals; want its 2", n)
	}
}

// TestCognitoAdminAuth: the admin calls are SigV4-verified and authorized: a role session may
// do what its role's policies allow (Deploy's ReadOnlyAccess has cognito-idp:List*, not
// AdminCreateUser; DemoRole's AmazonS3ReadOnlyAccess has no cognito-idp action).
func TestCognitoAdminAuth(t *testing.T) {
	srv, _ := iamServer(t, ststest.DefaultConfig())
	ctx := context.Background()
	cl := func(creds *sigv4.Credentials) *sts.Client {
		return &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return iamNow }, Credentials: creds, MaxAttempts: 1}
	}
	tok, _ := srv.Issuer.Mint(map[string]any{"sub": "ci"})
	demo, err := cl(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DemoRoleArn, RoleSessionName: "demo", WebIdentityToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	deploy, err := cl(session(demo.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/Deploy", RoleSessionName: "ro"})
	if err != nil {
		t.Fatal(err)
	}
	wrong := aliceKey
	wrong.SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	list := map[string]any{"UserPoolId": ststest.DefaultPoolID}
	create := map[string]any{"UserPoolId": ststest.DefaultPoolID, "Username": "x"}
	for _, tt := range []struct {
		name  string
		creds *sigv4.Credentials
		op    string
		in    map[string]any
		typ   string
	}{
		{"unsigned", nil, "ListUsers", list, "MissingAuthenticationTokenException"},
		{"wrong secret", &wrong, "ListUsers", list, "InvalidSignatureException"},
		{"ReadOnlyAccess lists", session(deploy.Credentials), "ListUsers", list, ""},
		{"ReadOnlyAccess creates", session(deploy.Credentials), "AdminCreateUser", create, "AccessDeniedException"},
		{"S3 read-only lists", session(demo.Credentials), "ListUsers", list, "AccessDeniedException"},
		{"S3 read-only creates a pool", session(demo.Credentials), "CreateUserPool", map[string]any{"PoolName": "p"}, "AccessDeniedException"},
	} {
		r := cognitoCall(t, srv, tt.creds, iamNow, tt.op, tt.in)
		typ, msg := r.jsonError()
		if typ != tt.typ {
			t.Errorf("%s: %s = %s %q; want %q", tt.name, tt.op, typ, msg, tt.typ)
		}
		if typ == "AccessDeniedException" && !strings.Contains(msg, "is not authorized to perform: cognito-idp:"+tt.op+" on resource: ") {
			t.Errorf("%s: message %q", tt.name, msg)
		}
	}
}
