package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/ststest"
)

// TestInteropIdentityPoolAWSCLI runs the AWS CLI v2's cognito-identity commands against the
// emulator's identity pool with a user pool login from `rawsts cognito login`: get-id,
// get-credentials-for-identity (the credentials then work for `aws sts get-caller-identity`),
// get-open-id-token, and the signed get-open-id-token-for-developer-identity. The CLI decodes
// the emulator's replies (SecretKey, Expiration as epoch seconds) as it decodes Cognito's, and
// finds the same identity for the same login as rawsts.
func TestInteropIdentityPoolAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	cfg := ststest.DefaultConfig()
	cfg.IdentityPools[0].DeveloperProviderName = "login.example.app"
	srv := ststest.NewServer(ststest.WithConfig(cfg))
	defer srv.Close()
	run := func(t *testing.T, env []string, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(aws, append(args, "--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json")...)
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true"}, env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		doc := map[string]any{}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("aws %s printed no JSON document: %v\n%s", strings.Join(args, " "), err, out)
		}
		return doc
	}
	// The emulator runs on the machine's clock (the AWS CLI signs with it); the password flow's
	// tokens are minted at the emulator's.
	token := strings.TrimSpace(idLogin(t, srv, nil))
	provider := strings.TrimPrefix(srv.URL, "http://") + "/" + ststest.DefaultPoolID
	logins := provider + "=" + token

	id := run(t, nil, "cognito-identity", "get-id", "--identity-pool-id", ststest.DefaultIdentityPoolID, "--logins", logins)
	identity, _ := id["IdentityId"].(string)
	if !strings.HasPrefix(identity, "us-east-1:") {
		t.Fatalf("get-id = %v; want an IdentityId", id)
	}
	creds := run(t, nil, "cognito-identity", "get-credentials-for-identity", "--identity-id", identity, "--logins", logins)
	c, _ := creds["Credentials"].(map[string]any)
	if exp, _ := c["Expiration"].(string); !strings.Contains(exp, "T") {
		t.Errorf("get-credentials-for-identity Expiration = %v; want the CLI's time (it decoded the epoch number)", c["Expiration"])
	}
	who := run(t, []string{"AWS_ACCESS_KEY_ID=" + c["AccessKeyId"].(string), "AWS_SECRET_ACCESS_KEY=" + c["SecretKey"].(string),
		"AWS_SESSION_TOKEN=" + c["SessionToken"].(string)}, "sts", "get-caller-identity")
	if arn, _ := who["Arn"].(string); !strings.HasSuffix(arn, "assumed-role/CognitoAuthRole/CognitoIdentityCredentials") {
		t.Errorf("get-caller-identity with the identity's credentials = %v", who)
	}
	tok := run(t, nil, "cognito-identity", "get-open-id-token", "--identity-id", identity, "--logins", logins)
	if tok["IdentityId"] != identity || tok["Token"] == "" {
		t.Errorf("get-open-id-token = %v", tok)
	}
	// rawsts finds the same identity for the same login.
	r := runCLI(t, nil, token, nil, "cognito", "identity", "--endpoint", srv.URL, "--identity-pool-id", ststest.DefaultIdentityPoolID,
		"--login", "-", "--output", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"IdentityId": "`+identity+`"`) {
		t.Errorf("rawsts cognito identity: exit %d, stdout %q, stderr %q; want identity %s", r.code, r.stdout, r.stderr, identity)
	}
	dev := run(t, []string{"AWS_ACCESS_KEY_ID=" + ststest.UserAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + ststest.UserSecretAccessKey},
		"cognito-identity", "get-open-id-token-for-developer-identity", "--identity-pool-id", ststest.DefaultIdentityPoolID,
		"--logins", "login.example.app=user-42", "--token-duration", "900")
	if id, _ := dev["IdentityId"].(string); !strings.HasPrefix(id, "us-east-1:") || dev["Token"] == "" {
		t.Errorf("get-open-id-token-for-developer-identity = %v", dev)
	}
}
