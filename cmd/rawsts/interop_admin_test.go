package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/ststest"
)

// TestInteropAdminAWSCLI builds the walkthrough's state in an emulator with the real AWS CLI v2,
// as a setup script would — the IAM OIDC provider for the user pool, the role trusting it, a
// new user pool with an app client with a secret and a user — and logs in to the new pool with
// `aws cognito-idp admin-initiate-auth` and `initiate-auth`. The emulator verifies every
// signature (the CLI signs with the machine's clock, so the emulator runs on it too).
func TestInteropAdminAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	cfg := ststest.DefaultConfig()
	cfg.OpenIDConnectProviders, cfg.Roles = nil, nil
	srv := ststest.NewServer(ststest.WithConfig(cfg))
	t.Cleanup(srv.Close) // after the parallel subtests
	run := func(t *testing.T, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(aws, append(args, "--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json")...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
			"AWS_ACCESS_KEY_ID=" + ststest.UserAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + ststest.UserSecretAccessKey}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		doc := map[string]any{}
		if len(bytes.TrimSpace(out)) > 0 {
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("aws %s printed no JSON document: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		return doc
	}
	field := func(t *testing.T, doc map[string]any, path ...string) string {
		t.Helper()
		var v any = doc
		for _, p := range path {
			m, _ := v.(map[string]any)
			v = m[p]
		}
		s, ok := v.(string)
		if !ok {
			t.Fatalf("output has no %s: %v", strings.Join(path, "."), doc)
		}
		return s
	}

	// Two independent halves, in parallel: each aws run spends seconds starting Python.
	t.Run("iam", func(t *testing.T) {
		t.Parallel()
		issuer := srv.URL + "/" + ststest.DefaultPoolID
		host := strings.TrimPrefix(issuer, "http://")
		out := run(t, "iam", "create-open-id-connect-provider", "--url", issuer, "--client-id-list", ststest.DefaultClientID,
			"--thumbprint-list", "6938fd4d98bab03faadb97b34396831e3780aea1")
		if got := field(t, out, "OpenIDConnectProviderArn"); got != "arn:aws:iam::123456789012:oidc-provider/"+host {
			t.Errorf("create-open-id-connect-provider ARN = %s", got)
		}
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/` + host +
			`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:aud":"` + ststest.DefaultClientID + `"}}}]}`
		run(t, "iam", "create-role", "--role-name", "TestRole", "--assume-role-policy-document", trust, "--max-session-duration", "7200")
		run(t, "iam", "attach-role-policy", "--role-name", "TestRole", "--policy-arn", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
		out = run(t, "iam", "get-role", "--role-name", "TestRole")
		if field(t, out, "Role", "Arn") != ststest.DefaultRoleArn {
			t.Errorf("get-role = %v", out)
		}
		// The CLI URL-decodes the document and prints it as an object (botocore's json_decode_policies).
		doc, _ := out["Role"].(map[string]any)["AssumeRolePolicyDocument"].(map[string]any)
		if doc["Version"] != "2012-10-17" {
			t.Errorf("get-role AssumeRolePolicyDocument = %v; want the decoded policy", out["Role"])
		}
	})
	t.Run("cognito-idp", func(t *testing.T) {
		t.Parallel()
		pool := field(t, run(t, "cognito-idp", "create-user-pool", "--pool-name", "setup-script"), "UserPool", "Id")
		cl := run(t, "cognito-idp", "create-user-pool-client", "--user-pool-id", pool, "--client-name", "app", "--generate-secret",
			"--explicit-auth-flows", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
		client, secret := field(t, cl, "UserPoolClient", "ClientId"), field(t, cl, "UserPoolClient", "ClientSecret")
		out := run(t, "cognito-idp", "admin-create-user", "--user-pool-id", pool, "--username", "carol", "--temporary-password", "Temp-Passw0rd1!",
			"--message-action", "SUPPRESS", "--user-attributes", "Name=email,Value=carol@example.com")
		if field(t, out, "User", "UserStatus") != "FORCE_CHANGE_PASSWORD" {
			t.Errorf("admin-create-user = %v", out)
		}
		run(t, "cognito-idp", "admin-set-user-password", "--user-pool-id", pool, "--username", "carol", "--password", "Chosen-Passw0rd2!", "--permanent")
		params := "USERNAME=carol,PASSWORD=Chosen-Passw0rd2!,SECRET_HASH=" + cognitoauth.SecretHash("carol", client, secret)
		for _, args := range [][]string{
			{"cognito-idp", "admin-initiate-auth", "--user-pool-id", pool, "--client-id", client, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH", "--auth-parameters", params},
			{"cognito-idp", "initiate-auth", "--client-id", client, "--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", params},
		} {
			out := run(t, args...)
			if field(t, out, "AuthenticationResult", "TokenType") != "Bearer" || field(t, out, "AuthenticationResult", "IdToken") == "" {
				t.Errorf("aws %s = %v; want tokens", args[1], out)
			}
		}
	})
}
