package ststest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// newPassword answers NEW_PASSWORD_REQUIRED with a fixed password.
type newPassword string

func (p newPassword) Answer(_ context.Context, c *cognitoauth.Challenge) (map[string]string, error) {
	return map[string]string{c.AnswerKey(): string(p)}, nil
}

// TestForceChangePassword: the default pool's FORCE_CHANGE_PASSWORD user answers
// NEW_PASSWORD_REQUIRED, after which the new password, and only it, logs in.
func TestForceChangePassword(t *testing.T) {
	now := time.Date(2024, 7, 10, 15, 1, 0, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()
	c := &cognitoauth.Client{UserPoolID: poolID, ClientID: clientID, Endpoint: srv.URL, Now: func() time.Time { return now }}
	ctx := context.Background()
	in := &cognitoauth.LoginInput{Flow: cognitoauth.FlowSRP, Username: "newcomer", Password: "Temp-Passw0rd1!"}
	if _, err := c.Login(ctx, in, nil); !errors.Is(err, cognitoauth.ErrNoChallenger) || !strings.Contains(err.Error(), "NEW_PASSWORD_REQUIRED") {
		t.Fatalf("Login(FORCE_CHANGE_PASSWORD user, no challenger) = %v; want the NEW_PASSWORD_REQUIRED challenge", err)
	}
	tok, err := c.Login(ctx, in, newPassword("Chosen-Passw0rd2!"))
	if err != nil || tok.IdToken == "" {
		t.Fatalf("Login(answering NEW_PASSWORD_REQUIRED) = %v; want tokens", err)
	}
	if _, err := c.Login(ctx, in, nil); apiType(err) != "NotAuthorizedException" {
		t.Errorf("Login(temporary password after the change) = %v; want NotAuthorizedException", err)
	}
	in.Password = "Chosen-Passw0rd2!"
	if _, err := c.Login(ctx, in, nil); err != nil {
		t.Errorf("Login(new password) = %v; want tokens without a challenge", err)
	}
	snap := srv.Snapshot()
	for _, u := range snap.UserPools[0].Users {
		if u.Username == "newcomer" && (u.Status != "" || u.Password != "Chosen-Passw0rd2!") {
			t.Errorf("Snapshot() user newcomer = status %q; want CONFIRMED with the new password", u.Status)
		}
	}
}

// TestExplicitAuthFlows: a flow the app client does not allow is refused as Cognito refuses
// it; a user who is not confirmed cannot log in.
func TestExplicitAuthFlows(t *testing.T) {
	now := time.Date(2024, 7, 10, 15, 1, 0, 0, time.UTC)
	cfg := ststest.DefaultConfig()
	cfg.UserPools[0].Clients = append(cfg.UserPools[0].Clients, ststest.UserPoolClient{ClientID: "srponly123", ExplicitAuthFlows: []string{"ALLOW_USER_SRP_AUTH"}})
	cfg.UserPools[0].Users = append(cfg.UserPools[0].Users, ststest.PoolUser{Username: "pending", Password: "Pending-Passw0rd3!", Status: "UNCONFIRMED"})
	srv := ststest.NewServer(ststest.WithConfig(cfg), ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()
	ctx := context.Background()
	for _, tt := range []struct {
		name, client, user, password string
		flow                         cognitoauth.Flow
		wantType, wantMsg            string
	}{
		{"password flow not allowed", "srponly123", ststest.DefaultUsername, ststest.DefaultPassword, cognitoauth.FlowPassword, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"},
		{"admin flow not allowed", "srponly123", ststest.DefaultUsername, ststest.DefaultPassword, cognitoauth.FlowAdminPassword, "InvalidParameterException", "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client"},
		{"SRP allowed", "srponly123", ststest.DefaultUsername, ststest.DefaultPassword, cognitoauth.FlowSRP, "", ""},
		{"unconfirmed user", clientID, "pending", "Pending-Passw0rd3!", cognitoauth.FlowPassword, "UserNotConfirmedException", "User is not confirmed."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &cognitoauth.Client{UserPoolID: poolID, ClientID: tt.client, Endpoint: srv.URL, Now: func() time.Time { return now },
				Credentials: exampleUserKey, MaxAttempts: 1}
			tok, err := c.Login(ctx, &cognitoauth.LoginInput{Flow: tt.flow, Username: tt.user, Password: tt.password}, nil)
			if tt.wantType == "" {
				if err != nil || tok.IdToken == "" {
					t.Fatalf("Login = %v; want tokens", err)
				}
				// The SRP-only client cannot refresh either.
				_, err = c.Login(ctx, &cognitoauth.LoginInput{Flow: cognitoauth.FlowRefresh, RefreshToken: tok.RefreshToken}, nil)
				if apiType(err) != "InvalidParameterException" {
					t.Errorf("Login(refresh, not allowed) = %v; want InvalidParameterException", err)
				}
				return
			}
			var ae *cognitoauth.APIError
			if !errors.As(err, &ae) || ae.Type != tt.wantType || ae.Message != tt.wantMsg {
				t.Fatalf("Login = %v; want %s %q", err, tt.wantType, tt.wantMsg)
			}
		})
	}
}

func apiType(err error) string {
	var ae *cognitoauth.APIError
	if errors.As(err, &ae) {
		return ae.Type
	}
	return ""
}

// TestPoolIssuer: each pool is its own issuer, as Cognito's are: discovery and JWKS at
// /POOL_ID/.well-known/…, tokens whose iss is the server's URL and the pool id; a pool's
// tokens do not verify with another pool's key.
func TestPoolIssuer(t *testing.T) {
	cfg := ststest.DefaultConfig()
	cfg.UserPools = append(cfg.UserPools, ststest.UserPool{ID: "eu-west-1_OTHER", Clients: []ststest.UserPoolClient{{ClientID: "otherclient1"}},
		Users: []ststest.PoolUser{{Username: "demo", Password: ststest.DefaultPassword}}})
	srv := ststest.NewServer(ststest.WithConfig(cfg))
	defer srv.Close()
	iss := mustIssuer(t, srv, poolID)
	if want := srv.URL + "/" + poolID; iss.URL != want {
		t.Fatalf("pool issuer URL = %q; want %q", iss.URL, want)
	}
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, srv.Client(), iss.URL+"/.well-known/openid-configuration", &disc)
	if disc.Issuer != iss.URL || disc.JWKSURI != iss.URL+"/.well-known/jwks.json" {
		t.Errorf("discovery = %+v; want issuer %s and jwks_uri …/.well-known/jwks.json", disc, iss.URL)
	}
	var set struct {
		Keys []struct{ Kid string } `json:"keys"`
	}
	getJSON(t, srv.Client(), disc.JWKSURI, &set)
	if len(set.Keys) != 1 || set.Keys[0].Kid != iss.KeyID() {
		t.Errorf("JWKS = %+v; want the pool's key %s", set, iss.KeyID())
	}
	other := mustIssuer(t, srv, "eu-west-1_OTHER")
	if other.KeyID() == iss.KeyID() {
		t.Errorf("two pools share a key")
	}
	// A token of the other pool, even for TestRole's audience, is not the pool TestRole trusts.
	tok, err := other.Mint(map[string]any{"aud": clientID})
	if err != nil {
		t.Fatal(err)
	}
	in := ghInput(tok)
	in.RoleArn = ststest.DefaultRoleArn
	_, err = (&sts.Client{Endpoint: srv.URL, MaxAttempts: 1}).AssumeRoleWithWebIdentity(context.Background(), in)
	if ae := apiErr(err); ae == nil || ae.Code != "InvalidIdentityToken" || !strings.HasSuffix(ae.Message, "/eu-west-1_OTHER") {
		t.Errorf("AssumeRoleWithWebIdentity(other pool's token) = %v; want InvalidIdentityToken: no provider for that pool", err)
	}
}

// TestIssuerKinds: an extra issuer mints its provider's claim layout and serves its JWKS where
// that provider does.
func TestIssuerKinds(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	for _, tt := range []struct {
		kind, jwks string
		claims     []string
		sub        string
	}{
		{"github", "/.well-known/jwks", []string{"repository", "repository_owner_id", "job_workflow_ref", "ref", "actor", "runner_environment"}, "repo:octo-org/octo-repo:ref:refs/heads/main"},
		{"gitlab", "/oauth/discovery/keys", []string{"project_path", "namespace_id", "pipeline_source", "ref_protected", "user_login"}, "project_path:mygroup/myproject:ref_type:branch:ref:main"},
		{"eks", "/keys", []string{"kubernetes.io"}, "system:serviceaccount:default:my-service-account"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			iss, err := srv.AddIssuer(ststest.IssuerConfig{Name: "ci/" + tt.kind, Kind: tt.kind})
			if err != nil {
				t.Fatal(err)
			}
			var disc struct {
				JWKSURI string `json:"jwks_uri"`
			}
			getJSON(t, srv.Client(), iss.URL+"/.well-known/openid-configuration", &disc)
			if disc.JWKSURI != iss.URL+tt.jwks {
				t.Errorf("jwks_uri = %q; want %q", disc.JWKSURI, iss.URL+tt.jwks)
			}
			tok, err := iss.Mint(nil)
			if err != nil {
				t.Fatal(err)
			}
			c := decodeClaims(t, tok)
			if c["sub"] != tt.sub || c["iss"] != srv.URL+"/ci/"+tt.kind {
				t.Errorf("sub, iss = %v, %v; want %s, %s/ci/%s", c["sub"], c["iss"], tt.sub, srv.URL, tt.kind)
			}
			for _, name := range tt.claims {
				if _, ok := c[name]; !ok {
					t.Errorf("claim %s missing from the %s layout: %v", name, tt.kind, c)
				}
			}
		})
	}
}
