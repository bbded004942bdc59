package ststest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/iam"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

var iamNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// iamServer starts an emulator of cfg at iamNow, recording its events.
func iamServer(t *testing.T, cfg ststest.Config) (*ststest.Server, *eventLog) {
	t.Helper()
	log := &eventLog{}
	srv := ststest.NewServer(ststest.WithConfig(cfg), ststest.WithNow(func() time.Time { return iamNow }), ststest.WithEventLog(log.add))
	t.Cleanup(srv.Close)
	return srv, log
}

// webTrust is the trust policy the console writes for a web identity role trusting the
// provider of issuer (the emulator's URL) for audience aud.
func webTrust(issuer, aud string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(issuer, "http://"), "https://")
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/%s"},`+
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"%s:aud":"%s"}}}]}`, host, host, aud)
}

// mustIAM sends an IAM call that must succeed.
func mustIAM(t *testing.T, srv *ststest.Server, action string, params url.Values) adminReply {
	t.Helper()
	r := iamCall(t, srv, &aliceKey, iamNow, action, params)
	if r.status != http.StatusOK {
		t.Fatalf("%s: HTTP %d\n%s", action, r.status, r.body)
	}
	return r
}

// TestIAMSetupThroughAPI builds the walkthrough's IAM state with the API the console uses —
// an OIDC provider for the user pool, a role trusting it, an AWS managed policy — reads it back
// with internal/iam (the client of `rawsts diagnose --fetch`), and exchanges a pool ID token
// for credentials of the new role.
func TestIAMSetupThroughAPI(t *testing.T) {
	srv, log := iamServer(t, emptyAccount())
	ctx := context.Background()
	issuer := srv.URL + "/" + ststest.DefaultPoolID
	r := mustIAM(t, srv, "CreateOpenIDConnectProvider", url.Values{"Url": {issuer}, "ClientIDList.member.1": {ststest.DefaultClientID},
		"ThumbprintList.member.1": {"6938fd4d98bab03faadb97b34396831e3780aea1"}, "Tags.member.1.Key": {"team"}, "Tags.member.1.Value": {"platform"}})
	providerARN := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(issuer, "http://")
	if !contains(string(r.body), "<CreateOpenIDConnectProviderResult><OpenIDConnectProviderArn>"+providerARN+"</OpenIDConnectProviderArn>",
		`<CreateOpenIDConnectProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">`, "<Tags><member><Key>team</Key><Value>platform</Value></member></Tags>") {
		t.Errorf("CreateOpenIDConnectProvider adminReply:\n%s", r.body)
	}
	trust := webTrust(issuer, ststest.DefaultClientID)
	r = mustIAM(t, srv, "CreateRole", url.Values{"RoleName": {"TestRole"}, "Path": {"/walkthrough/"}, "AssumeRolePolicyDocument": {trust},
		"Description": {"Cognito users read S3"}, "MaxSessionDuration": {"7200"}})
	roleARN := "arn:aws:iam::123456789012:role/walkthrough/TestRole"
	if !contains(string(r.body), "<Arn>"+roleARN+"</Arn>", "<RoleId>AROA", "<CreateDate>2026-03-01T12:00:00Z</CreateDate>",
		"<AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22") {
		t.Errorf("CreateRole reply:\n%s", r.body)
	}
	mustIAM(t, srv, "AttachRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyArn": {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}})
	mustIAM(t, srv, "PutRolePolicy", url.Values{"RoleName": {"testrole"}, "PolicyName": {"no-ec2"},
		"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}`}})

	c := &iam.Client{Credentials: aliceKey, Endpoint: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return iamNow }, MaxAttempts: 1}
	role, err := c.GetRole(ctx, "TestRole")
	if err != nil || role.Arn != roleARN || role.RoleName != "TestRole" || role.MaxSessionDuration != 7200 || role.AssumeRolePolicyDocument != trust {
		t.Errorf("GetRole(TestRole) = %+v, %v; want %s, 7200 s and the trust policy sent", role, err, roleARN)
	}
	arns, err := c.ListOpenIDConnectProviders(ctx)
	if err != nil || len(arns) != 1 || arns[0] != providerARN {
		t.Fatalf("ListOpenIDConnectProviders() = %q, %v; want [%s]", arns, err, providerARN)
	}
	p, err := c.GetOpenIDConnectProvider(ctx, providerARN)
	if err != nil || p.URL != strings.TrimPrefix(issuer, "http://") || strings.Join(p.ClientIDs, ",") != ststest.DefaultClientID ||
		strings.Join(p.Thumbprints, ",") != "6938fd4d98bab03faadb97b34396831e3780aea1" {
		t.Errorf("GetOpenIDConnectProvider = %+v, %v", p, err)
	}
	r = mustIAM(t, srv, "GetRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyName": {"no-ec2"}})
	if !contains(string(r.body), "<PolicyName>no-ec2</PolicyName>", "<PolicyDocument>%7B%22Version%22") {
		t.Errorf("GetRolePolicy reply:\n%s", r.body)
	}

	// The state is the one STS decides with: a pool ID token now gets TestRole's credentials.
	cog := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL,
		HTTPClient: srv.Client(), Now: func() time.Time { return iamNow }}
	tok, err := cog.Login(ctx, &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := (&sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}).AssumeRoleWithWebIdentity(ctx,
		&sts.AssumeRoleWithWebIdentityInput{RoleArn: roleARN, RoleSessionName: "walkthrough", WebIdentityToken: tok.IdToken, DurationSeconds: 7200})
	if err != nil || out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/TestRole/walkthrough" {
		t.Fatalf("AssumeRoleWithWebIdentity(new role) = %+v, %v; want a TestRole session", out, err)
	}

	// The snapshot keeps the server's own URL as placeholders, so it works on another port.
	snap := srv.Snapshot()
	if got := snap.OpenIDConnectProviders[0].Url; got != "${EMULATOR}/"+ststest.DefaultPoolID {
		t.Errorf("snapshot provider Url = %q; want the placeholder form", got)
	}
	if doc := string(snap.Roles[0].AssumeRolePolicyDocument); strings.Contains(doc, srv.URL[len("http://"):]) || !strings.Contains(doc, "${EMULATOR_HOST}/us-east-1_EXAMPLE:aud") {
		t.Errorf("snapshot trust policy = %s; want ${EMULATOR_HOST} in place of the server's host", doc)
	}

	// Every call was logged as allowed, with the caller and no secret.
	var iamEvents int
	for _, e := range log.all() {
		if e.Service != "iam" {
			continue
		}
		iamEvents++
		if e.Decision != "allow" || e.Principal != ststest.UserArn || strings.Contains(fmt.Sprint(e), ststest.UserSecretAccessKey) {
			t.Errorf("event %+v; want allow by %s, no secret", e, ststest.UserArn)
		}
	}
	if iamEvents != 8 {
		t.Errorf("logged %d IAM events; want 8 (one per call)", iamEvents)
	}
}

// TestIAMErrors: each operation's main refusals, with IAM's code, status and message.
func TestIAMErrors(t *testing.T) {
	srv, log := iamServer(t, ststest.DefaultConfig())
	issuer := srv.URL + "/" + ststest.DefaultPoolID
	trust := webTrust(issuer, ststest.DefaultClientID)
	thumbs := func(n int) url.Values {
		v := url.Values{"Url": {"https://token.actions.githubusercontent.com"}}
		for i := 1; i <= n; i++ {
			v.Set(fmt.Sprintf("ThumbprintList.member.%d", i), fmt.Sprintf("%040d", i))
		}
		return v
	}
	clients := url.Values{"Url": {"https://gitlab.com"}}
	for i := 1; i <= 101; i++ {
		clients.Set(fmt.Sprintf("ClientIDList.member.%d", i), fmt.Sprintf("client-%d", i))
	}
	tests := []struct {
		name   string
		action string
		params url.Values
		status int
		code   string
		msg    string
	}{
		{"provider exists", "CreateOpenIDConnectProvider", url.Values{"Url": {issuer}, "ClientIDList.member.1": {"x"}},
			409, "EntityAlreadyExists", "Provider with url " + issuer + " already exists."},
		{"provider url http", "CreateOpenIDConnectProvider", url.Values{"Url": {"http://token.actions.githubusercontent.com"}},
			400, "ValidationError", "Value 'http://token.actions.githubusercontent.com' at 'url' failed to satisfy constraint"},
		{"provider url with port", "CreateOpenIDConnectProvider", url.Values{"Url": {"https://example.com:8443"}},
			400, "ValidationError", "https URL without port"},
		{"provider url missing", "CreateOpenIDConnectProvider", nil,
			400, "ValidationError", "1 validation error detected: Value null at 'url' failed to satisfy constraint: Member must not be null"},
		{"six thumbprints", "CreateOpenIDConnectProvider", thumbs(6), 400, "InvalidInput", "Thumbprint list must contain fewer than 5 entries."},
		{"short thumbprint", "CreateOpenIDConnectProvider", url.Values{"Url": {"https://gitlab.com"}, "ThumbprintList.member.1": {"abc"}},
			400, "ValidationError", "Value 'abc' at 'thumbprintList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 40"},
		{"101 client ids", "CreateOpenIDConnectProvider", clients, 409, "LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"},
		{"unknown provider", "GetOpenIDConnectProvider", url.Values{"OpenIDConnectProviderArn": {"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},
			404, "NoSuchEntity", "OpenIDConnect Provider not found for arn arn:aws:iam::123456789012:oidc-provider/gitlab.com"},
		{"provider ARN not an ARN", "GetOpenIDConnectProvider", url.Values{"OpenIDConnectProviderArn": {"arn:aws:iam::123456789012:role/TestRole"}},
			400, "InvalidInput", "is not valid"},
		{"thumbprint of unknown provider", "UpdateOpenIDConnectProviderThumbprint", url.Values{"OpenIDConnectProviderArn": {"arn:aws:iam::123456789012:oidc-provider/gitlab.com"},
			"ThumbprintList.member.1": {"6938fd4d98bab03faadb97b34396831e3780aea1"}}, 404, "NoSuchEntity", "OpenIDConnect Provider not found"},
		{"thumbprint list missing", "UpdateOpenIDConnectProviderThumbprint", url.Values{"OpenIDConnectProviderArn": {"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},
			400, "ValidationError", "Value null at 'thumbprintList'"},
		{"role exists", "CreateRole", url.Values{"RoleName": {"testrole"}, "AssumeRolePolicyDocument": {trust}},
			409, "EntityAlreadyExists", "Role with name testrole already exists."},
		{"role name pattern", "CreateRole", url.Values{"RoleName": {"my role"}, "AssumeRolePolicyDocument": {trust}},
			400, "ValidationError", `1 validation error detected: Value 'my role' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"role name too long", "CreateRole", url.Values{"RoleName": {strings.Repeat("r", 65)}, "AssumeRolePolicyDocument": {trust}},
			400, "ValidationError", "Member must have length less than or equal to 64"},
		{"max session too short", "CreateRole", url.Values{"RoleName": {"short"}, "AssumeRolePolicyDocument": {trust}, "MaxSessionDuration": {"900"}},
			400, "ValidationError", "Value '900' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"bad path", "CreateRole", url.Values{"RoleName": {"p"}, "AssumeRolePolicyDocument": {trust}, "Path": {"ci"}},
			400, "ValidationError", "at 'path' failed to satisfy constraint"},
		{"trust policy not JSON", "CreateRole", url.Values{"RoleName": {"bad"}, "AssumeRolePolicyDocument": {"{"}},
			400, "MalformedPolicyDocument", "Syntax errors in policy."},
		{"trust policy without Effect", "CreateRole", url.Values{"RoleName": {"bad"}, "AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}`}},
			400, "MalformedPolicyDocument", "Statement[0]: missing Effect"},
		{"trust policy with Resource", "CreateRole", url.Values{"RoleName": {"bad"}, "AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Resource":"*"}]}`}},
			400, "MalformedPolicyDocument", "Has prohibited field Resource"},
		{"unknown role", "GetRole", url.Values{"RoleName": {"missing"}}, 404, "NoSuchEntity", "The role with name missing cannot be found."},
		{"trust of unknown role", "UpdateAssumeRolePolicy", url.Values{"RoleName": {"missing"}, "PolicyDocument": {trust}},
			404, "NoSuchEntity", "The role with name missing cannot be found."},
		{"update trust malformed", "UpdateAssumeRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyDocument": {`{"Statement":[]`}},
			400, "MalformedPolicyDocument", "Syntax errors in policy."},
		{"inline policy with principal", "PutRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyName": {"p"},
			"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`}},
			400, "MalformedPolicyDocument", "Policy document should not specify a principal"},
		{"inline policy of unknown role", "PutRolePolicy", url.Values{"RoleName": {"missing"}, "PolicyName": {"p"},
			"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}},
			404, "NoSuchEntity", "The role with name missing cannot be found."},
		{"unknown inline policy", "GetRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyName": {"none"}},
			404, "NoSuchEntity", "The role policy with name none cannot be found."},
		{"unknown managed policy", "AttachRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyArn": {"arn:aws:iam::aws:policy/PowerUserAccess"}},
			404, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/PowerUserAccess does not exist or is not attachable."},
		{"customer managed policy", "AttachRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyArn": {"arn:aws:iam::123456789012:policy/mine"}},
			404, "NoSuchEntity", "does not exist or is not attachable"},
		{"policy ARN not an ARN", "AttachRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyArn": {"AmazonS3ReadOnlyAccess-not-an-arn"}},
			400, "InvalidInput", "is not valid"},
		{"attach to unknown role", "AttachRolePolicy", url.Values{"RoleName": {"missing"}, "PolicyArn": {"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			404, "NoSuchEntity", "The role with name missing cannot be found."},
		{"delete role with policies", "DeleteRole", url.Values{"RoleName": {"TestRole"}}, 409, "DeleteConflict", "must detach all policies first"},
		{"detach policy not attached", "DetachRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyArn": {"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			404, "NoSuchEntity", "was not found"},
		{"unknown action", "CreateUser", url.Values{"UserName": {"bob"}}, 400, "InvalidAction", "Could not find operation CreateUser for version 2010-05-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := iamCall(t, srv, &aliceKey, iamNow, tt.action, tt.params)
			code, msg := r.code()
			if r.status != tt.status || code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("%s = HTTP %d %s %q; want HTTP %d %s %q", tt.action, r.status, code, msg, tt.status, tt.code, tt.msg)
			}
			if !strings.Contains(string(r.body), `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>`) {
				t.Errorf("reply is not IAM's ErrorResponse:\n%s", r.body)
			}
		})
	}
	// A refused call changed nothing: DefaultConfig's roles and providers are as they were.
	if snap, want := srv.Snapshot(), ststest.DefaultConfig(); len(snap.Roles) != len(want.Roles) || len(snap.OpenIDConnectProviders) != 2 {
		t.Errorf("after the refusals: %d roles, %d providers; want %d and 2", len(snap.Roles), len(snap.OpenIDConnectProviders), len(want.Roles))
	}
	for _, e := range log.all() {
		if e.Service == "iam" && (e.Decision != "deny" || e.Code == "") {
			t.Errorf("event %+v; want a deny with its code", e)
		}
	}
}

// TestIAMSignature: IAM calls are SigV4-verified against the IAM users and sessions; a
// failure gets the Query services' code and message.
func TestIAMSignature(t *testing.T) {
	srv, _ := iamServer(t, ststest.DefaultConfig())
	wrong := aliceKey
	wrong.SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	unknown := sigv4.Credentials{AccessKeyID: "AKIAI44QH8DHBEXAMPLE", SecretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"}
	tests := []struct {
		name  string
		creds *sigv4.Credentials
		at    time.Time
		code  string
	}{
		{"wrong secret", &wrong, iamNow, "SignatureDoesNotMatch"},
		{"unknown key", &unknown, iamNow, "InvalidClientTokenId"},
		{"ten minutes off", &aliceKey, iamNow.Add(10 * time.Minute), "SignatureDoesNotMatch"},
		// An unsigned call reaches IAM (by its Version), not STS's InvalidAction.
		{"unsigned", nil, iamNow, "MissingAuthenticationToken"},
	}
	for _, tt := range tests {
		r := iamCall(t, srv, tt.creds, tt.at, "GetRole", url.Values{"RoleName": {"TestRole"}})
		if code, _ := r.code(); code != tt.code || r.status != http.StatusForbidden || !strings.Contains(string(r.body), "https://iam.amazonaws.com/doc/2010-05-08/") {
			t.Errorf("GetRole(%s) = HTTP %d %s; want 403 %s in IAM's namespace\n%s", tt.name, r.status, code, tt.code, r.body)
		}
	}
	c := &iam.Client{Credentials: wrong, Endpoint: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return iamNow }, MaxAttempts: 1}
	_, err := c.GetRole(context.Background(), "TestRole")
	var ae *iam.APIError
	if !errors.As(err, &ae) || ae.Code != "SignatureDoesNotMatch" || strings.Contains(err.Error(), wrong.SecretAccessKey) {
		t.Errorf("iam.Client.GetRole(wrong secret) = %v; want SignatureDoesNotMatch without the secret", err)
	}
}

// TestIAMAuthorization: a role session may call IAM as far as its role's permission policies
// allow (trustpolicy.Authorize); Deploy has ReadOnlyAccess (iam:Get*, iam:List*), DemoRole
// only AmazonS3ReadOnlyAccess. Every operation authorizes.
func TestIAMAuthorization(t *testing.T) {
	srv, log := iamServer(t, ststest.DefaultConfig())
	ctx := context.Background()
	client := func(creds *sigv4.Credentials) *sts.Client {
		return &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return iamNow }, Credentials: creds, MaxAttempts: 1}
	}
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	demo, err := client(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DemoRoleArn, RoleSessionName: "demo", WebIdentityToken: tok})
	if err != nil {
		t.Fatal(err)
	}
	deploy, err := client(session(demo.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/Deploy", RoleSessionName: "ro"})
	if err != nil {
		t.Fatal(err)
	}
	readOnly, s3Only := session(deploy.Credentials), session(demo.Credentials)

	r := iamCall(t, srv, readOnly, iamNow, "GetRole", url.Values{"RoleName": {"TestRole"}})
	if r.status != http.StatusOK {
		t.Errorf("GetRole as Deploy (ReadOnlyAccess) = HTTP %d %s; want 200", r.status, r.body)
	}
	r = iamCall(t, srv, readOnly, iamNow, "CreateRole", url.Values{"RoleName": {"x"}, "AssumeRolePolicyDocument": {webTrust(srv.URL+"/oidc", "a")}})
	code, msg := r.code()
	want := "User: arn:aws:sts::123456789012:assumed-role/Deploy/ro is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:CreateRole action"
	if r.status != http.StatusForbidden || code != "AccessDenied" || msg != want {
		t.Errorf("CreateRole as Deploy = HTTP %d %s %q; want 403 AccessDenied %q", r.status, code, msg, want)
	}

	// Every operation, called by a session whose role allows no IAM action, is refused once
	// its parameters are valid: none answers without authorizing.
	provider := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(srv.URL, "http://") + "/oidc"
	trust := webTrust(srv.URL+"/oidc", "sts.amazonaws.com")
	for action, params := range map[string]url.Values{
		"CreateOpenIDConnectProvider":           {"Url": {"https://gitlab.com"}},
		"GetOpenIDConnectProvider":              {"OpenIDConnectProviderArn": {provider}},
		"ListOpenIDConnectProviders":            nil,
		"UpdateOpenIDConnectProviderThumbprint": {"OpenIDConnectProviderArn": {provider}, "ThumbprintList.member.1": {"6938fd4d98bab03faadb97b34396831e3780aea1"}},
		"DeleteOpenIDConnectProvider":           {"OpenIDConnectProviderArn": {provider}},
		"CreateRole":                            {"RoleName": {"x"}, "AssumeRolePolicyDocument": {trust}},
		"GetRole":                               {"RoleName": {"TestRole"}},
		"ListRoles":                             nil,
		"DeleteRole":                            {"RoleName": {"TestRole"}},
		"UpdateAssumeRolePolicy":                {"RoleName": {"TestRole"}, "PolicyDocument": {trust}},
		"PutRolePolicy":                         {"RoleName": {"TestRole"}, "PolicyName": {"p"}, "PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}},
		"GetRolePolicy":                         {"RoleName": {"TestRole"}, "PolicyName": {"p"}},
		"DeleteRolePolicy":                      {"RoleName": {"TestRole"}, "PolicyName": {"p"}},
		"AttachRolePolicy":                      {"RoleName": {"TestRole"}, "PolicyArn": {"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		"DetachRolePolicy":                      {"RoleName": {"TestRole"}, "PolicyArn": {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
	} {
		r := iamCall(t, srv, s3Only, iamNow, action, params)
		if code, msg := r.code(); code != "AccessDenied" || !strings.Contains(msg, "iam:"+action) {
			t.Errorf("%s as DemoRole (AmazonS3ReadOnlyAccess) = HTTP %d %s %q; want AccessDenied", action, r.status, code, msg)
		}
	}
	denied := 0
	for _, e := range log.all() {
		if e.Service == "iam" && e.Code == "AccessDenied" {
			denied++
			if !strings.HasPrefix(e.Principal, "arn:aws:sts::123456789012:assumed-role/") {
				t.Errorf("event %+v; want the session's ARN as Principal", e)
			}
		}
	}
	if denied != 16 {
		t.Errorf("logged %d AccessDenied events; want 16", denied)
	}
}

// TestIAMListAndDelete: ListRoles pages with MaxItems and Marker; a role's policies must go
// before the role; providers can be deleted.
func TestIAMListAndDelete(t *testing.T) {
	srv, _ := iamServer(t, ststest.DefaultConfig())
	r := mustIAM(t, srv, "ListRoles", url.Values{"MaxItems": {"2"}})
	if !contains(string(r.body), "<IsTruncated>true</IsTruncated>", "<Marker>2</Marker>", "<RoleName>TestRole</RoleName>", "<RoleName>DemoRole</RoleName>") ||
		strings.Contains(string(r.body), "<RoleName>Deploy</RoleName>") {
		t.Errorf("ListRoles(MaxItems 2):\n%s", r.body)
	}
	r = mustIAM(t, srv, "ListRoles", url.Values{"MaxItems": {"100"}, "Marker": {"2"}})
	if !contains(string(r.body), "<IsTruncated>false</IsTruncated>", "<RoleName>Deploy</RoleName>") {
		t.Errorf("ListRoles(Marker 2):\n%s", r.body)
	}
	mustIAM(t, srv, "DetachRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyArn": {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}})
	mustIAM(t, srv, "PutRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyName": {"p"},
		"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`}})
	if code, _ := iamCall(t, srv, &aliceKey, iamNow, "DeleteRole", url.Values{"RoleName": {"TestRole"}}).code(); code != "DeleteConflict" {
		t.Errorf("DeleteRole(with an inline policy) = %s; want DeleteConflict", code)
	}
	mustIAM(t, srv, "DeleteRolePolicy", url.Values{"RoleName": {"TestRole"}, "PolicyName": {"p"}})
	mustIAM(t, srv, "DeleteRole", url.Values{"RoleName": {"TestRole"}})
	if code, _ := iamCall(t, srv, &aliceKey, iamNow, "GetRole", url.Values{"RoleName": {"TestRole"}}).code(); code != "NoSuchEntity" {
		t.Errorf("GetRole(deleted) = %s; want NoSuchEntity", code)
	}
	provider := "arn:aws:iam::123456789012:oidc-provider/" + strings.TrimPrefix(srv.URL, "http://") + "/oidc"
	mustIAM(t, srv, "UpdateOpenIDConnectProviderThumbprint", url.Values{"OpenIDConnectProviderArn": {provider}, "ThumbprintList.member.1": {"6938fd4d98bab03faadb97b34396831e3780aea1"}})
	if got := srv.Snapshot().OpenIDConnectProviders[1].ThumbprintList; len(got) != 1 {
		t.Errorf("thumbprints after UpdateOpenIDConnectProviderThumbprint = %q", got)
	}
	mustIAM(t, srv, "DeleteOpenIDConnectProvider", url.Values{"OpenIDConnectProviderArn": {provider}})
	if n := len(srv.Snapshot().OpenIDConnectProviders); n != 1 {
		t.Errorf("%d providers after DeleteOpenIDConnectProvider; want 1", n)
	}
}

// TestAdminEventResources: the events of IAM and Cognito admin calls name what they act on, as
// the log's RESOURCE column shows it: role/NAME, userpool/ID, "*" for an action without a
// resource type.
func TestAdminEventResources(t *testing.T) {
	srv, log := iamServer(t, ststest.DefaultConfig())
	for _, tt := range []struct {
		name string
		send func() adminReply
		want string
	}{
		{"GetRole", func() adminReply {
			return iamCall(t, srv, &aliceKey, iamNow, "GetRole", url.Values{"RoleName": {"TestRole"}})
		}, "role/TestRole"},
		{"ListRoles", func() adminReply { return iamCall(t, srv, &aliceKey, iamNow, "ListRoles", nil) }, "*"},
		{"GetRole refused", func() adminReply {
			return iamCall(t, srv, &aliceKey, iamNow, "GetRole", url.Values{"RoleName": {"NoSuchRole"}})
		}, "role/NoSuchRole"},
		{"AdminGetUser", func() adminReply {
			return cognitoCall(t, srv, &aliceKey, iamNow, "AdminGetUser", map[string]string{"UserPoolId": ststest.DefaultPoolID, "Username": "demo"})
		}, "userpool/" + ststest.DefaultPoolID},
		{"SignUp", func() adminReply {
			return cognitoCall(t, srv, nil, iamNow, "SignUp", map[string]string{"ClientId": ststest.DefaultClientID, "Username": "x", "Password": "Xx-Passw0rd!"})
		}, "client/" + ststest.DefaultClientID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.send()
			if e := log.last(); e.Resource != tt.want {
				t.Errorf("%s: event %+v; want Resource %q", tt.name, e, tt.want)
			}
		})
	}
}
