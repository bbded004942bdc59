package ststest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// TestDefaultConfigRoundTrip: the default config is valid, and its JSON reads back strictly
// into the same config.
func TestDefaultConfigRoundTrip(t *testing.T) {
	c := ststest.DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	back, err := ststest.ParseConfig(b)
	if err != nil {
		t.Fatalf("ParseConfig(DefaultConfig as JSON) = %v\n%s", err, b)
	}
	// Policies come back compacted; compare them as JSON.
	norm := cmp.Transformer("policy", func(p ststest.PolicyDocument) any {
		var v any
		json.Unmarshal([]byte(p), &v)
		return v
	})
	if d := cmp.Diff(c, back, norm); d != "" {
		t.Errorf("ParseConfig(Marshal(DefaultConfig())) differs (-want +got):\n%s", d)
	}
}

// TestParseConfigErrors: every refusal names the JSON path and says what to do.
func TestParseConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		name, doc, path, problem string
	}{
		{"not JSON", `{"Account": }`, "", "not a JSON document"},
		{"empty", ``, "", "the input is empty"},
		{"two documents", `{} {}`, "", "more after the JSON document"},
		{"unknown member", `{"Roles": [{"RoleName": "r", "MaxSession": 3600}]}`, "Roles[0].MaxSession", "not a member the config knows"},
		{"member in the wrong case", `{"roles": []}`, "roles", `did you mean "Roles"?`},
		{"wrong type", `{"Roles": [{"RoleName": "r", "MaxSessionDuration": "3600"}]}`, "Roles[0].MaxSessionDuration", "want a whole number, not a string"},
		{"list expected", `{"UserPools": {"Id": "us-east-1_X"}}`, "UserPools", "want a list"},
		{"duplicate member", `{"Account": "123456789012", "Account": "111122223333"}`, "Account", "appears twice"},
		{"bad account", `{"Account": "12345"}`, "Account", "not a 12-digit account id"},
		{"bad trust policy", `{"Roles": [{"RoleName": "r", "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Maybe"}]}}]}`, "Roles[0].AssumeRolePolicyDocument", "Effect"},
		{"unknown managed policy", `{"Roles": [{"RoleName": "r", "ManagedPolicyArns": ["PowerUserAccess"]}]}`, "Roles[0].ManagedPolicyArns[0]", "AmazonS3ReadOnlyAccess"},
		{"duplicate role", `{"Roles": [{"RoleName": "Deploy"}, {"RoleName": "deploy"}]}`, "Roles[1].RoleName", "listed twice"},
		{"short session", `{"Roles": [{"RoleName": "r", "MaxSessionDuration": 900}]}`, "Roles[0].MaxSessionDuration", "3600–43200"},
		{"http provider", `{"OpenIDConnectProviders": [{"Url": "http://issuer.example.com"}]}`, "OpenIDConnectProviders[0].Url", "https only"},
		{"provider twice", `{"OpenIDConnectProviders": [{"Url": "https://a.example.com"}, {"Url": "https://a.example.com"}]}`, "OpenIDConnectProviders[1].Url", "one provider per URL"},
		{"bad thumbprint", `{"OpenIDConnectProviders": [{"Url": "https://a.example.com", "ThumbprintList": ["abc"]}]}`, "OpenIDConnectProviders[0].ThumbprintList[0]", "40 hex digits"},
		{"bad key", `{"Users": [{"UserName": "u", "AccessKeys": [{"AccessKeyId": "akia", "SecretAccessKey": "s"}]}]}`, "Users[0].AccessKeys[0].AccessKeyId", "not an access key id"},
		{"bad pool id", `{"UserPools": [{"Id": "EXAMPLE"}]}`, "UserPools[0].Id", "REGION_SUFFIX"},
		{"bad auth flow", `{"UserPools": [{"Id": "us-east-1_X", "Clients": [{"ClientId": "c1", "ExplicitAuthFlows": ["USER_PASSWORD_AUTH"]}]}]}`, "UserPools[0].Clients[0].ExplicitAuthFlows[0]", "ALLOW_USER_PASSWORD_AUTH"},
		{"bad status", `{"UserPools": [{"Id": "us-east-1_X", "Users": [{"Username": "u", "Password": "p", "Status": "ACTIVE"}]}]}`, "UserPools[0].Users[0].Status", "FORCE_CHANGE_PASSWORD"},
		{"client in two pools", `{"UserPools": [{"Id": "us-east-1_X", "Clients": [{"ClientId": "c1"}]}, {"Id": "us-east-1_Y", "Clients": [{"ClientId": "c1"}]}]}`, "UserPools[1].Clients[0].ClientId", "one pool"},
		{"issuer named like a pool", `{"UserPools": [{"Id": "us-east-1_X"}], "Issuers": [{"Name": "us-east-1_X"}]}`, "Issuers[0].Name", "another issuer"},
		{"issuer kind", `{"Issuers": [{"Name": "ci", "Kind": "jenkins"}]}`, "Issuers[0].Kind", "github"},
		{"bad bucket", `{"Buckets": [{"Name": "My_Bucket"}]}`, "Buckets[0].Name", "not a bucket name"},
		{"bad instance", `{"Instances": [{"InstanceId": "instance-1"}]}`, "Instances[0].InstanceId", "i-1234567890abcdef0"},
		{"bad zone", `{"Instances": [{"InstanceId": "i-1234567890abcdef0", "AvailabilityZone": "east"}]}`, "Instances[0].AvailabilityZone", "us-east-1a"},
		{"bad launch time", `{"Instances": [{"InstanceId": "i-1234567890abcdef0", "LaunchTime": "yesterday"}]}`, "Instances[0].LaunchTime", "RFC 3339"},
		{"bad etag", `{"Buckets": [{"Name": "amzn-s3-demo-bucket", "Objects": [{"Key": "k", "ETag": "abc"}]}]}`, "Buckets[0].Objects[0].ETag", "32 hex digits"},
		{"user's unknown managed policy", `{"Users": [{"UserName": "u", "ManagedPolicyArns": ["PowerUserAccess"]}]}`, "Users[0].ManagedPolicyArns[0]", "AdministratorAccess"},
		{"user's bad inline policy", `{"Users": [{"UserName": "u", "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}}]}]}`,
			"Users[0].Policies[0].PolicyDocument", "Resource"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ststest.ParseConfig([]byte(tt.doc))
			var ce *ststest.ConfigError
			if !errors.As(err, &ce) || ce.Path != tt.path || !strings.Contains(ce.Problem, tt.problem) {
				t.Fatalf("ParseConfig(%s) = %v; want a ConfigError at %q saying %q", tt.doc, err, tt.path, tt.problem)
			}
			if !strings.HasPrefix(err.Error(), "ststest: config") {
				t.Errorf("Error() = %q; want it to start with the package", err)
			}
		})
	}
}

// TestLoadConfig: a file's errors name the file; a file over the limit is refused unread.
func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`{"Account": "111122223333", "Region": "eu-west-1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := ststest.LoadConfig(good); err != nil || c.Account != "111122223333" || c.Region != "eu-west-1" {
		t.Errorf("LoadConfig(good) = %+v, %v", c, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"Acount": "111122223333"}`), 0o600)
	if _, err := ststest.LoadConfig(bad); err == nil || !strings.Contains(err.Error(), "ststest: config "+bad+": Acount: ") {
		t.Errorf("LoadConfig(bad) = %v; want the file and the path named", err)
	}
	var tl *bounded.TooLargeError
	if _, err := ststest.LoadConfig("/dev/zero"); !errors.As(err, &tl) {
		t.Errorf("LoadConfig(/dev/zero) = %v; want a TooLargeError", err)
	}
}

// TestConfigPlaceholders: a config written for any port names the emulator's issuers with
// ${EMULATOR} and ${EMULATOR_HOST}; a server on any port makes them its own.
func TestConfigPlaceholders(t *testing.T) {
	cfg, err := ststest.ParseConfig([]byte(`{
	  "OpenIDConnectProviders": [{"Url": "${EMULATOR}/ci", "ClientIDList": ["my-app"]}],
	  "Roles": [{"RoleName": "CI", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/${EMULATOR_HOST}/ci"},
	     "Action": "sts:AssumeRoleWithWebIdentity",
	     "Condition": {"StringEquals": {"${EMULATOR_HOST}/ci:aud": "my-app", "${EMULATOR_HOST}/ci:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}}}]}}],
	  "Issuers": [{"Name": "ci", "Kind": "gitlab"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := ststest.NewServer(ststest.WithConfig(cfg))
	defer srv.Close()
	ci := mustIssuer(t, srv, "ci")
	tok, err := ci.Mint(map[string]any{"aud": "my-app"})
	if err != nil {
		t.Fatal(err)
	}
	in := ghInput(tok)
	in.RoleArn = "arn:aws:iam::123456789012:role/CI"
	out, err := (&sts.Client{Endpoint: srv.URL, MaxAttempts: 1}).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil || out.Provider != srv.URL+"/ci" {
		t.Fatalf("AssumeRoleWithWebIdentity(GitLab-shaped token) = %+v, %v; want credentials from %s/ci", out, err, srv.URL)
	}
	// The snapshot keeps the placeholders, so it works again on another port.
	if snap := srv.Snapshot(); snap.OpenIDConnectProviders[0].Url != "${EMULATOR}/ci" {
		t.Errorf("Snapshot().OpenIDConnectProviders[0].Url = %q; want the placeholder kept", snap.OpenIDConnectProviders[0].Url)
	}
}

// TestSnapshotRestore: a server started from another's snapshot keeps its sessions (their
// credentials still sign), its refresh tokens and what changed at run time.
func TestSnapshotRestore(t *testing.T) {
	now := time.Date(2024, 7, 10, 15, 1, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	first := ststest.NewServer(ststest.WithNow(clock))
	defer first.Close()
	c := &cognitoauth.Client{UserPoolID: poolID, ClientID: clientID, Endpoint: first.URL, Now: clock}
	tokens, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := ghInput(tokens.IdToken)
	in.RoleArn = ststest.DefaultRoleArn
	web, err := (&sts.Client{Endpoint: first.URL, MaxAttempts: 1}).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.AddRole(ststest.Role{RoleName: "Added", AssumeRolePolicyDocument: accountTrust}); err != nil {
		t.Fatal(err)
	}
	snap := first.Snapshot()
	if len(snap.Sessions) != 1 || len(snap.UserPools[0].RefreshTokens) != 1 {
		t.Fatalf("Snapshot() has %d sessions and %d refresh tokens; want 1 and 1", len(snap.Sessions), len(snap.UserPools[0].RefreshTokens))
	}
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	restored, err := ststest.ParseConfig(b)
	if err != nil {
		t.Fatalf("ParseConfig(snapshot) = %v", err)
	}

	second := ststest.NewServer(ststest.WithConfig(restored), ststest.WithNow(clock))
	defer second.Close()
	who, err := (&sts.Client{Endpoint: second.URL, Now: clock, MaxAttempts: 1, Credentials: session(web.Credentials)}).GetCallerIdentity(context.Background())
	if err != nil || who.Arn != web.AssumedRoleUser.Arn {
		t.Errorf("GetCallerIdentity(a session of the first server) = %+v, %v; want %s", who, err, web.AssumedRoleUser.Arn)
	}
	c.Endpoint = second.URL
	if _, err := c.Login(context.Background(), &cognitoauth.LoginInput{Flow: cognitoauth.FlowRefresh, RefreshToken: tokens.RefreshToken}, nil); err != nil {
		t.Errorf("Login(refresh token of the first server) = %v; want tokens", err)
	}
	alice := &sts.Client{Endpoint: second.URL, Now: clock, MaxAttempts: 1, Credentials: &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}}
	if _, err := alice.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/Added", RoleSessionName: "restored"}); err != nil {
		t.Errorf("AssumeRole(a role added at run time) = %v; want credentials", err)
	}
}

// TestRunTimeChanges: AddRole and AddProvider change the state at once; an invalid change is
// refused and changes nothing.
func TestRunTimeChanges(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	gh, err := srv.AddIssuer(ststest.IssuerConfig{Name: "gh", Kind: "github", URL: "https://token.actions.githubusercontent.com"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := gh.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	in := ghInput(tok)
	c := &sts.Client{Endpoint: srv.URL, MaxAttempts: 1}
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), in); apiCode(err) != "InvalidIdentityToken" {
		t.Fatalf("before AddProvider: %v; want InvalidIdentityToken (no provider)", err)
	}
	if err := srv.AddProvider(ststest.OIDCProvider{Url: "https://token.actions.githubusercontent.com", ClientIDList: []string{"sts.amazonaws.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), in); apiCode(err) != "AccessDenied" {
		t.Fatalf("before AddRole: %v; want AccessDenied (no such role)", err)
	}
	err = srv.AddRole(ststest.Role{RoleName: "GitHubActionsDeploy", AssumeRolePolicyDocument: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
		"Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:repository": "octo-org/octo-repo"},
		"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"}}}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), in); err != nil {
		t.Fatalf("after AddRole: %v; want credentials", err)
	}
	var ce *ststest.ConfigError
	if err := srv.AddRole(ststest.Role{RoleName: "bad name"}); !errors.As(err, &ce) {
		t.Errorf("AddRole(bad name) = %v; want a ConfigError", err)
	}
	if _, err := srv.AddIssuer(ststest.IssuerConfig{Name: "gh"}); !errors.As(err, &ce) {
		t.Errorf("AddIssuer(a name taken) = %v; want a ConfigError", err)
	}
}
