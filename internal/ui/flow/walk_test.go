package flow_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/ui/flow"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// walkAt is the clock of the emulator in these tests.
var walkAt = time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC)

// walk is what walkthrough sent and got: the secrets the emulator issued, for the tests that
// look for them.
type walk struct {
	idToken, secretKey, sessionToken string
}

// The walkthrough's requests, in order, as the live view names them; wantDecisions their
// decisions.
var (
	wantOps = []string{"InitiateAuth", "RespondToAuthChallenge", "AssumeRoleWithWebIdentity", "GetCallerIdentity", "DescribeInstances", "ListBuckets",
		"AssumeRoleWithWebIdentity", "GetRole", "UpdateAssumeRolePolicy", "AssumeRoleWithWebIdentity"}
	wantDecisions = []string{"allow", "allow", "allow", "allow", "deny", "allow", "deny", "allow", "allow", "allow"}
)

// Indexes of wantOps: the refused EC2 call and the wrong role.
const (
	ec2Step       = 4
	s3Step        = 5
	wrongRoleStep = 6
)

// newEmulator starts the emulator with its exchanges going to a new recorder, as
// `rawsts emulator --ui` does.
func newEmulator(t *testing.T) (*ststest.Server, *flow.Recorder) {
	t.Helper()
	rec := flow.NewRecorder()
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return walkAt }), ststest.WithExchanges(rec.Record))
	t.Cleanup(srv.Close)
	rec.Hold(ststest.DefaultPassword, ststest.UserSecretAccessKey)
	return srv, rec
}

// walkthrough sends the walkthrough's requests to the emulator at srv: the pool's SRP login,
// AssumeRoleWithWebIdentity of TestRole with its ID token, GetCallerIdentity, EC2
// DescribeInstances (refused: TestRole may read S3 only), S3 ListBuckets (allowed), and
// AssumeRoleWithWebIdentity of DemoRole with the same token (refused: DemoRole trusts another
// issuer); then what diagnose --fetch reads (IAM GetRole of DemoRole, signed with Alice's key),
// the fix (UpdateAssumeRolePolicy: DemoRole trusts the pool) and DemoRole assumed.
func walkthrough(t *testing.T, srv *ststest.Server) walk {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return walkAt }
	pool := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL, Now: now}
	tokens, err := pool.Login(ctx, &cognitoauth.LoginInput{Flow: cognitoauth.FlowSRP, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil)
	if err != nil {
		t.Fatalf("the SRP login: %v", err)
	}
	c := &sts.Client{Endpoint: srv.URL, Now: now}
	out, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DefaultRoleArn, RoleSessionName: "demo", WebIdentityToken: tokens.IdToken})
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity of TestRole: %v", err)
	}
	creds := sigv4.Credentials{AccessKeyID: out.Credentials.AccessKeyID, SecretAccessKey: out.Credentials.SecretAccessKey, SessionToken: out.Credentials.SessionToken}
	signed := &sts.Client{Endpoint: srv.URL, Now: now, Credentials: &creds}
	if _, err := signed.GetCallerIdentity(ctx); err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if code := signedCall(t, srv, creds, "POST", "ec2", "Action=DescribeInstances&Version=2016-11-15"); code != http.StatusForbidden {
		t.Fatalf("EC2 DescribeInstances = %d; want 403", code)
	}
	if code := signedCall(t, srv, creds, "GET", "s3", ""); code != http.StatusOK {
		t.Fatalf("S3 ListBuckets = %d; want 200", code)
	}
	_, err = c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DemoRoleArn, RoleSessionName: "demo", WebIdentityToken: tokens.IdToken})
	var apiErr *sts.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "AccessDenied" {
		t.Fatalf("AssumeRoleWithWebIdentity of DemoRole with the pool's token: %v; want AccessDenied", err)
	}
	alice := sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}
	if code := signedCall(t, srv, alice, "POST", "iam", "Action=GetRole&RoleName=DemoRole&Version=2010-05-08"); code != http.StatusOK {
		t.Fatalf("IAM GetRole = %d; want 200", code)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	fixed := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/` + host +
		`/us-east-1_EXAMPLE"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `/us-east-1_EXAMPLE:aud":"1example23456789"}}}]}`
	update := url.Values{"Action": {"UpdateAssumeRolePolicy"}, "RoleName": {"DemoRole"}, "PolicyDocument": {fixed}, "Version": {"2010-05-08"}}
	if code := signedCall(t, srv, alice, "POST", "iam", update.Encode()); code != http.StatusOK {
		t.Fatalf("IAM UpdateAssumeRolePolicy = %d; want 200", code)
	}
	if _, err := c.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: ststest.DemoRoleArn, RoleSessionName: "demo", WebIdentityToken: tokens.IdToken}); err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity of DemoRole once fixed: %v", err)
	}
	return walk{idToken: tokens.IdToken, secretKey: creds.SecretAccessKey, sessionToken: creds.SessionToken}
}

// signedCall sends a SigV4-signed call to the emulator and returns its status.
func signedCall(t *testing.T, srv *ststest.Server, creds sigv4.Credentials, method, service, form string) int {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+"/", strings.NewReader(form))
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	(&sigv4.Signer{}).SignHTTP(req, creds, sigv4.HashPayload([]byte(form)), service, "us-east-1", walkAt)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
