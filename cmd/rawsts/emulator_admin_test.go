package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

// TestDiagnoseFetchAgainstEmulator runs `rawsts diagnose --fetch` end to end against the
// emulator: the OIDC provider and the role are created through the emulator's IAM API with
// the admin key (with `rawsts sign`, as a setup script could), a pool token is minted, and
// diagnose reads the trust policy and the providers back with GetRole,
// ListOpenIDConnectProviders and GetOpenIDConnectProvider (AWS_ENDPOINT_URL_IAM): allow. Then
// the trust policy is changed to expect another audience: diagnose names the failing clause,
// and the emulator's STS refuses the same token.
func TestDiagnoseFetchAgainstEmulator(t *testing.T) {
	cfg := ststest.DefaultConfig()
	cfg.OpenIDConnectProviders, cfg.Roles = nil, nil
	srv := ststest.NewServer(ststest.WithConfig(cfg), ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	admin := map[string]string{"AWS_ACCESS_KEY_ID": ststest.UserAccessKeyID, "AWS_SECRET_ACCESS_KEY": ststest.UserSecretAccessKey}
	iamCall := func(params url.Values) {
		t.Helper()
		args := []string{"sign", "--service", "iam", "--region", "us-east-1", "-d", "Version=2010-05-08"}
		for k, v := range params {
			args = append(args, "-d", k+"="+url.QueryEscape(v[0]))
		}
		if r := runCLI(t, admin, "", nil, append(args, srv.URL+"/")...); r.code != exitOK || !strings.Contains(r.stdout, "<ResponseMetadata>") {
			t.Fatalf("rawsts sign %s: exit %d\n%s%s", params.Get("Action"), r.code, r.stdout, r.stderr)
		}
	}
	issuer := srv.URL + "/" + ststest.DefaultPoolID
	host := strings.TrimPrefix(issuer, "http://")
	iamCall(url.Values{"Action": {"CreateOpenIDConnectProvider"}, "Url": {issuer}, "ClientIDList.member.1": {ststest.DefaultClientID}})
	trust := func(aud string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/` + host +
			`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:aud":"` + aud + `"}}}]}`
	}
	iamCall(url.Values{"Action": {"CreateRole"}, "RoleName": {"WebRole"}, "AssumeRolePolicyDocument": {trust(ststest.DefaultClientID)}})

	iss, _ := srv.LookupIssuer(ststest.DefaultPoolID)
	token, err := iss.Mint(map[string]any{"sub": "5f1b6ad4-1c4f-4b8e-9d2a-EXAMPLE", "aud": ststest.DefaultClientID, "token_use": "id"})
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_ENDPOINT_URL_IAM": srv.URL}
	for k, v := range admin {
		env[k] = v
	}
	roleARN := "arn:aws:iam::123456789012:role/WebRole"
	diagnose := func() cliRun {
		return runCLI(t, env, "", nil, "diagnose", "--fetch", "--verify", "--timeout", "5s", "--file", tokenFile, "--role-arn", roleARN)
	}
	r := diagnose()
	if r.code != exitOK || !strings.Contains(r.stdout, "ok    provider.registered     the account has a provider for arn:aws:iam::123456789012:oidc-provider/"+host) ||
		!strings.Contains(r.stdout, "ok    provider.audience") || !strings.Contains(r.stdout, "ok    token.signature") {
		t.Fatalf("diagnose --fetch (allowing trust policy): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	iamCall(url.Values{"Action": {"UpdateAssumeRolePolicy"}, "RoleName": {"WebRole"}, "PolicyDocument": {trust("another-app-client")}})
	r = diagnose()
	if r.code != exitRefused || !strings.Contains(r.stdout, "FAIL StringEquals "+host+":aud: ") ||
		!strings.Contains(r.stdout, "verdict: deny (first failure: policy.condition)") || !strings.Contains(r.stdout, `the policy's StringEquals wants "another-app-client"`) {
		t.Errorf("diagnose --fetch (trust policy for another audience): exit %d; want 1 naming the aud clause\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The emulator's STS, deciding with the same code, refuses the token as AWS would.
	r = runCLI(t, nil, "", nil, "assume", "--endpoint", srv.URL, "--role-arn", roleARN, "--role-session-name", "web", "--web-identity-token-file", tokenFile)
	if r.code != exitRefused || !strings.Contains(r.stderr, "Not authorized to perform sts:AssumeRoleWithWebIdentity") {
		t.Errorf("assume with the same token: exit %d, stderr %q; want AccessDenied", r.code, r.stderr)
	}
}
