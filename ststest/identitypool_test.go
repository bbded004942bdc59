package ststest_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/cognitoidentity"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// idPoolServer starts the emulator with cfg (DefaultConfig when nil) at a clock the test moves.
func idPoolServer(t *testing.T, cfg *ststest.Config, opts ...ststest.Option) (*ststest.Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	opts = append(opts, ststest.WithNow(clk.Now))
	if cfg != nil {
		opts = append(opts, ststest.WithConfig(*cfg))
	}
	srv := ststest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, clk
}

// login logs the default user in and returns the ID and access tokens and the Logins key.
func login(t *testing.T, srv *ststest.Server) (idToken, access, provider string) {
	t.Helper()
	c := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL}
	toks, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil)
	if err != nil {
		t.Fatalf("Login = %v", err)
	}
	iss := decodeClaims(t, toks.IdToken)["iss"].(string)
	return toks.IdToken, toks.AccessToken, cognitoidentity.ProviderName(iss)
}

// num reads a numeric claim of decodeClaims.
func num(t *testing.T, v any) int64 {
	t.Helper()
	n, err := v.(json.Number).Int64()
	if err != nil {
		t.Fatalf("claim %v is not an integer", v)
	}
	return n
}

func identityClient(srv *ststest.Server) *cognitoidentity.Client {
	return &cognitoidentity.Client{Endpoint: srv.URL, Backoff: func(int) time.Duration { return 0 }}
}

// whoami returns the ARN of credentials, asking the emulator's STS.
func whoami(t *testing.T, srv *ststest.Server, keys sigv4.Credentials) string {
	t.Helper()
	c := &sts.Client{Endpoint: srv.URL, Region: "us-east-1", Credentials: &keys}
	out, err := c.GetCallerIdentity(context.Background())
	if err != nil {
		t.Fatalf("GetCallerIdentity = %v", err)
	}
	return out.Arn
}

func identityError(err error) string {
	var ae *cognitoidentity.APIError
	if errors.As(err, &ae) {
		return ae.Type + ": " + ae.Message
	}
	if err == nil {
		return "no error"
	}
	return err.Error()
}

func TestIdentityPoolEnhancedFlow(t *testing.T) {
	srv, _ := idPoolServer(t, nil)
	idToken, _, provider := login(t, srv)
	logins := map[string]string{provider: idToken}
	c := identityClient(srv)
	out, err := c.EnhancedFlow(context.Background(), &cognitoidentity.FlowInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: logins})
	if err != nil {
		t.Fatalf("EnhancedFlow = %v", err)
	}
	if !strings.HasPrefix(out.IdentityID, "us-east-1:") || out.Credentials.Expiration.IsZero() {
		t.Errorf("EnhancedFlow = %+v; want an identity of us-east-1 and an expiry", out)
	}
	cr := out.Credentials
	arn := whoami(t, srv, sigv4.Credentials{AccessKeyID: cr.AccessKeyID, SecretAccessKey: cr.SecretKey, SessionToken: cr.SessionToken})
	if want := "arn:aws:sts::123456789012:assumed-role/CognitoAuthRole/CognitoIdentityCredentials"; arn != want {
		t.Errorf("the credentials are %s; want %s", arn, want)
	}
	// The same login gets the same identity.
	again, err := c.GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: logins})
	if err != nil || again.IdentityID != out.IdentityID {
		t.Errorf("GetId again = %v, %v; want %s", again, err, out.IdentityID)
	}
}

func TestIdentityPoolBasicFlow(t *testing.T) {
	srv, _ := idPoolServer(t, nil)
	idToken, _, provider := login(t, srv)
	c := identityClient(srv)
	out, err := c.BasicFlow(context.Background(), &cognitoidentity.FlowInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: map[string]string{provider: idToken}})
	if err != nil {
		t.Fatalf("BasicFlow = %v", err)
	}
	claims := decodeClaims(t, out.Token)
	if claims["iss"] != ststest.CognitoIdentityIssuer || claims["aud"] != ststest.DefaultIdentityPoolID || claims["sub"] != out.IdentityID {
		t.Errorf("token claims %v; want iss %s, aud the pool, sub the identity", claims, ststest.CognitoIdentityIssuer)
	}
	amr, _ := claims["amr"].([]any)
	if len(amr) != 3 || amr[0] != "authenticated" || amr[1] != provider || !strings.HasPrefix(amr[2].(string), provider+":CognitoSignIn:") {
		t.Errorf("amr = %v; want authenticated, the provider and its CognitoSignIn form", amr)
	}
	if life := num(t, claims["exp"]) - num(t, claims["iat"]); life != 600 {
		t.Errorf("the token lives %v s; want 600", life)
	}
	st := &sts.Client{Endpoint: srv.URL}
	res, err := st.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.IdentityPoolRoleArn, RoleSessionName: "app", WebIdentityToken: out.Token})
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity(identity pool token) = %v", err)
	}
	if res.Provider != ststest.CognitoIdentityIssuer || res.Audience != ststest.DefaultIdentityPoolID {
		t.Errorf("Provider %q Audience %q; want the identity pools' issuer and the pool", res.Provider, res.Audience)
	}
	// The guest role trusts amr unauthenticated only: STS refuses an authenticated identity.
	_, err = st.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.IdentityPoolGuestRoleArn, RoleSessionName: "app", WebIdentityToken: out.Token})
	var ae *sts.APIError
	if !errors.As(err, &ae) || ae.Code != "AccessDenied" {
		t.Errorf("AssumeRoleWithWebIdentity(guest role, authenticated token) = %v; want AccessDenied", err)
	}
}

func TestIdentityPoolRefusals(t *testing.T) {
	srv, clk := idPoolServer(t, nil)
	idToken, access, provider := login(t, srv)
	other, _ := srv.LookupIssuer("oidc")
	foreign, err := other.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := identityClient(srv)
	pool := ststest.DefaultIdentityPoolID
	getID := func(logins map[string]string) error {
		_, err := c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolID: pool, Logins: logins})
		return err
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"guest", getID(nil), "NotAuthorizedException: Unauthenticated access is not supported for this identity pool."},
		{"access token", getID(map[string]string{provider: access}), "NotAuthorizedException: Invalid login token. Missing a required claim: aud"},
		{"wrong key", getID(map[string]string{"cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE": idToken}), "NotAuthorizedException: Token is not from a supported provider of this identity pool."},
		{"unlisted provider", getID(map[string]string{strings.TrimPrefix(srv.Issuer.URL, "http://"): foreign}), "NotAuthorizedException: Token is not from a supported provider of this identity pool."},
		{"issuer mismatch", getID(map[string]string{provider: foreign}), "NotAuthorizedException: Invalid login token. Issuer doesn't match providerName"},
		{"forged", getID(map[string]string{provider: idToken[:len(idToken)-4] + "AAAA"}), "NotAuthorizedException: Invalid login token. Couldn't verify signed token."},
		{"not a JWT", getID(map[string]string{provider: "not-a-token"}), "NotAuthorizedException: Invalid login token."},
		{"unknown pool", func() error {
			_, err := c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolID: "us-east-1:00000000-0000-0000-0000-000000000000", Logins: map[string]string{provider: idToken}})
			return err
		}(), "ResourceNotFoundException: IdentityPool 'us-east-1:00000000-0000-0000-0000-000000000000' not found."},
		{"unknown identity", func() error {
			_, err := c.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityID: "us-east-1:00000000-0000-0000-0000-000000000000"})
			return err
		}(), "ResourceNotFoundException"},
	}
	for _, tt := range tests {
		if got := identityError(tt.err); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %s; want %s", tt.name, got, tt.want)
		}
	}
	// An identity made with a login needs it again.
	id, err := c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolID: pool, Logins: map[string]string{provider: idToken}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityID: id.IdentityID})
	if got := identityError(err); !strings.HasPrefix(got, "NotAuthorizedException: Logins don't match.") {
		t.Errorf("GetCredentialsForIdentity without the login: %s; want Logins don't match", got)
	}
	// An hour later the ID token has expired.
	clk.Add(time.Hour)
	if got := identityError(getID(map[string]string{provider: idToken})); !strings.HasPrefix(got, "NotAuthorizedException: Invalid login token. Token expired: ") {
		t.Errorf("expired token: %s; want Token expired", got)
	}
}

// TestIdentityPoolTrustMistakes: the classic mistakes of an identity pool role's trust policy
// are refused by the enhanced flow (InvalidIdentityPoolConfigurationException) and by STS in
// the basic flow (AccessDenied) alike.
func TestIdentityPoolTrustMistakes(t *testing.T) {
	trust := func(cond string) ststest.PolicyDocument {
		return ststest.PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
			"Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": ` + cond + `}]}`)
	}
	pool := ststest.DefaultIdentityPoolID
	tests := []struct {
		name  string
		trust ststest.PolicyDocument
		ok    bool
	}{
		{"documented", trust(`{"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + pool + `"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`), true},
		{"aud is the user pool client id", trust(`{"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + ststest.DefaultClientID + `"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}`), false},
		{"amr unauthenticated on the authenticated role", trust(`{"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + pool + `"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}`), false},
		{"user pool provider as principal", ststest.PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
			"Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/${EMULATOR_HOST}/us-east-1_EXAMPLE"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := idPoolServer(t, nil)
			if err := srv.AddRole(ststest.Role{RoleName: "CognitoAuthRole", AssumeRolePolicyDocument: tt.trust}); err != nil {
				t.Fatal(err)
			}
			idToken, _, provider := login(t, srv)
			in := &cognitoidentity.FlowInput{IdentityPoolID: pool, Logins: map[string]string{provider: idToken}}
			c := identityClient(srv)
			_, err := c.EnhancedFlow(context.Background(), in)
			if got := identityError(err); (err == nil) != tt.ok || (!tt.ok && !strings.HasPrefix(got, "InvalidIdentityPoolConfigurationException: Invalid identity pool configuration.")) {
				t.Errorf("EnhancedFlow: %s; want ok %v", got, tt.ok)
			}
			tok, err := c.BasicFlow(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&sts.Client{Endpoint: srv.URL}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.IdentityPoolRoleArn, RoleSessionName: "app", WebIdentityToken: tok.Token})
			var ae *sts.APIError
			if (err == nil) != tt.ok || (!tt.ok && (!errors.As(err, &ae) || ae.Code != "AccessDenied")) {
				t.Errorf("basic flow's AssumeRoleWithWebIdentity = %v; want ok %v (else AccessDenied)", err, tt.ok)
			}
		})
	}
}

func TestIdentityPoolGuestsAndSettings(t *testing.T) {
	cfg := ststest.DefaultConfig()
	classic := false
	cfg.IdentityPools[0].AllowUnauthenticatedIdentities = true
	cfg.IdentityPools[0].AllowClassicFlow = &classic
	srv, _ := idPoolServer(t, &cfg)
	c := identityClient(srv)
	ctx := context.Background()
	out, err := c.EnhancedFlow(ctx, &cognitoidentity.FlowInput{IdentityPoolID: ststest.DefaultIdentityPoolID})
	if err != nil {
		t.Fatalf("guest EnhancedFlow = %v", err)
	}
	cr := out.Credentials
	if arn := whoami(t, srv, sigv4.Credentials{AccessKeyID: cr.AccessKeyID, SecretAccessKey: cr.SecretKey, SessionToken: cr.SessionToken}); !strings.Contains(arn, "assumed-role/CognitoGuestRole/") {
		t.Errorf("a guest got %s; want the guest role", arn)
	}
	// Every guest GetId makes a new identity.
	second, err := c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolID: ststest.DefaultIdentityPoolID})
	if err != nil || second.IdentityID == out.IdentityID {
		t.Errorf("a second guest GetId = %v, %v; want a new identity", second, err)
	}
	_, err = c.BasicFlow(ctx, &cognitoidentity.FlowInput{IdentityPoolID: ststest.DefaultIdentityPoolID})
	if got := identityError(err); got != "InvalidParameterException: Basic (classic) flow is not enabled, please use enhanced flow." {
		t.Errorf("BasicFlow with AllowClassicFlow false: %s", got)
	}
}

func TestIdentityPoolRoleMapping(t *testing.T) {
	cfg := ststest.DefaultConfig()
	cfg.Roles = append(cfg.Roles, ststest.Role{RoleName: "Demo", AssumeRolePolicyDocument: cfg.Roles[len(cfg.Roles)-2].AssumeRolePolicyDocument})
	cfg.IdentityPools[0].RoleMappings = map[string]ststest.RoleMapping{
		"${EMULATOR_HOST}/us-east-1_EXAMPLE:" + ststest.DefaultClientID: {Type: "Rules", AmbiguousRoleResolution: "Deny",
			RulesConfiguration: &ststest.RulesConfiguration{Rules: []ststest.MappingRule{
				{Claim: "email", MatchType: "StartsWith", Value: "demo@", RoleARN: "arn:aws:iam::123456789012:role/Demo"}}}},
	}
	srv, _ := idPoolServer(t, &cfg)
	idToken, _, provider := login(t, srv)
	out, err := identityClient(srv).EnhancedFlow(context.Background(), &cognitoidentity.FlowInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: map[string]string{provider: idToken}})
	if err != nil {
		t.Fatalf("EnhancedFlow = %v", err)
	}
	cr := out.Credentials
	if arn := whoami(t, srv, sigv4.Credentials{AccessKeyID: cr.AccessKeyID, SecretAccessKey: cr.SecretKey, SessionToken: cr.SessionToken}); !strings.Contains(arn, "assumed-role/Demo/") {
		t.Errorf("the rule chose %s; want Demo", arn)
	}
	// A rule no claim matches, with Deny: no role.
	cfg.IdentityPools[0].RoleMappings["${EMULATOR_HOST}/us-east-1_EXAMPLE:"+ststest.DefaultClientID].RulesConfiguration.Rules[0].Value = "nobody@"
	srv2, _ := idPoolServer(t, &cfg)
	idToken, _, provider = login(t, srv2)
	_, err = identityClient(srv2).EnhancedFlow(context.Background(), &cognitoidentity.FlowInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: map[string]string{provider: idToken}})
	if got := identityError(err); !strings.HasPrefix(got, "InvalidIdentityPoolConfigurationException") {
		t.Errorf("no rule matches, Deny: %s", got)
	}
}

func TestIdentityPoolDeveloperIdentity(t *testing.T) {
	cfg := ststest.DefaultConfig()
	cfg.IdentityPools[0].DeveloperProviderName = "login.example.app"
	var mu sync.Mutex
	var events []ststest.Event
	srv, _ := idPoolServer(t, &cfg, ststest.WithEventLog(func(e ststest.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }))
	c := identityClient(srv)
	in := &cognitoidentity.GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: map[string]string{"login.example.app": "user-42"}, TokenDuration: 900}
	_, err := c.GetOpenIdTokenForDeveloperIdentity(context.Background(), in)
	var ie *cognitoidentity.InvalidInputError
	if !errors.As(err, &ie) {
		t.Errorf("unsigned developer call = %v; want an InvalidInputError (no Credentials)", err)
	}
	c.Credentials = exampleUserKey
	out, err := c.GetOpenIdTokenForDeveloperIdentity(context.Background(), in)
	if err != nil {
		t.Fatalf("GetOpenIdTokenForDeveloperIdentity = %v", err)
	}
	claims := decodeClaims(t, out.Token)
	amr := claims["amr"].([]any)
	if len(amr) != 3 || amr[1] != "login.example.app" || !strings.HasSuffix(amr[2].(string), ":user-42") || num(t, claims["exp"])-num(t, claims["iat"]) != 900 {
		t.Errorf("developer token claims %v", claims)
	}
	again, err := c.GetOpenIdTokenForDeveloperIdentity(context.Background(), in)
	if err != nil || again.IdentityID != out.IdentityID {
		t.Errorf("the same developer user again = %v, %v; want identity %s", again, err, out.IdentityID)
	}
	// A key that may not call it is refused.
	c.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLF", SecretAccessKey: "x"}
	_, err = c.GetOpenIdTokenForDeveloperIdentity(context.Background(), in)
	if got := identityError(err); !strings.HasPrefix(got, "UnrecognizedClientException") {
		t.Errorf("unknown key: %s", got)
	}
	mu.Lock()
	defer mu.Unlock()
	var logged []string
	for _, e := range events {
		if e.Service == "cognito-identity" {
			logged = append(logged, e.Action+" "+e.Decision)
			if e.Resource != "identitypool/"+ststest.DefaultIdentityPoolID {
				t.Errorf("event %+v; want the pool as Resource", e)
			}
		}
	}
	if want := "GetOpenIdTokenForDeveloperIdentity allow,GetOpenIdTokenForDeveloperIdentity allow,GetOpenIdTokenForDeveloperIdentity deny"; strings.Join(logged, ",") != want {
		t.Errorf("events %v; want %s", logged, want)
	}
}

func TestIdentityPoolSnapshot(t *testing.T) {
	srv, _ := idPoolServer(t, nil)
	idToken, _, provider := login(t, srv)
	logins := map[string]string{provider: idToken}
	id, err := identityClient(srv).GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: logins})
	if err != nil {
		t.Fatal(err)
	}
	snap := srv.Snapshot()
	if n := len(snap.IdentityPools[0].Identities); n != 1 || snap.IdentityPools[0].Identities[0].IdentityID != id.IdentityID {
		t.Fatalf("snapshot identities %+v; want %s", snap.IdentityPools[0].Identities, id.IdentityID)
	}
	if err := srv.Restore(ststest.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restore(snap); err != nil {
		t.Fatal(err)
	}
	again, err := identityClient(srv).GetId(context.Background(), &cognitoidentity.GetIdInput{IdentityPoolID: ststest.DefaultIdentityPoolID, Logins: logins})
	if err != nil || again.IdentityID != id.IdentityID {
		t.Errorf("GetId after Restore(snapshot) = %v, %v; want %s", again, err, id.IdentityID)
	}
}

func TestIdentityPoolConfigErrors(t *testing.T) {
	base := ststest.DefaultConfig
	tests := []struct {
		name string
		edit func(c *ststest.Config)
		path string
	}{
		{"bad id", func(c *ststest.Config) { c.IdentityPools[0].IdentityPoolID = "us-east-1:EXAMPLE" }, "IdentityPools[0].IdentityPoolId"},
		{"role kind", func(c *ststest.Config) { c.IdentityPools[0].Roles["guest"] = ststest.IdentityPoolRoleArn }, "IdentityPools[0].Roles.guest"},
		{"role arn", func(c *ststest.Config) { c.IdentityPools[0].Roles["authenticated"] = "CognitoAuthRole" }, "IdentityPools[0].Roles.authenticated"},
		{"oidc provider", func(c *ststest.Config) {
			c.IdentityPools[0].OpenIdConnectProviderARNs = []string{"arn:aws:iam::123456789012:oidc-provider/example.com"}
		}, "IdentityPools[0].OpenIdConnectProviderARNs[0]"},
		{"rule match type", func(c *ststest.Config) {
			c.IdentityPools[0].RoleMappings = map[string]ststest.RoleMapping{"x": {Type: "Rules", RulesConfiguration: &ststest.RulesConfiguration{
				Rules: []ststest.MappingRule{{Claim: "email", MatchType: "Like", Value: "a", RoleARN: ststest.IdentityPoolRoleArn}}}}}
		}, "IdentityPools[0].RoleMappings.x.RulesConfiguration.Rules[0].MatchType"},
		{"issuer URL reserved", func(c *ststest.Config) {
			c.Issuers = append(c.Issuers, ststest.IssuerConfig{Name: "ci", URL: ststest.CognitoIdentityIssuer})
		}, "Issuers[0].URL"},
	}
	for _, tt := range tests {
		c := base()
		tt.edit(&c)
		err := c.Validate()
		var ce *ststest.ConfigError
		if !errors.As(err, &ce) || ce.Path != tt.path {
			t.Errorf("%s: Validate = %v; want a ConfigError at %s", tt.name, err, tt.path)
		}
	}
	c := base()
	c.IdentityPools[0].OpenIdConnectProviderARNs = []string{"arn:aws:iam::123456789012:oidc-provider/${EMULATOR_HOST}/oidc"}
	if err := c.Validate(); err != nil {
		t.Errorf("a pool accepting the default issuer's provider: Validate = %v", err)
	}
}
