package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

// idLogin logs the default user in to the emulator with `rawsts cognito login` and returns the
// ID token it prints.
func idLogin(t *testing.T, srv *ststest.Server, env map[string]string) string {
	t.Helper()
	r := runCLI(t, env, ststest.DefaultPassword+"\n", nil, "cognito", "login", "--endpoint", srv.URL, "--pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--username", ststest.DefaultUsername, "--password-stdin", "--flow", "password")
	if r.code != exitOK {
		t.Fatalf("cognito login: exit %d, stderr %q", r.code, r.stderr)
	}
	return r.stdout
}

// envCredentials reads assume's env output into a whoami environment.
func envCredentials(t *testing.T, out string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			t.Fatalf("not an export line: %q", line)
		}
		env[k] = strings.Trim(v, "'")
	}
	return env
}

// TestCognitoIdentityAgainstEmulator is the end to end: a user pool login piped into
// `rawsts cognito identity --login -`, the enhanced and the basic flow, and whoami with the
// credentials each gives.
func TestCognitoIdentityAgainstEmulator(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	for _, tt := range []struct {
		flow, role, want string
	}{
		{"enhanced", "", "assumed-role/CognitoAuthRole/CognitoIdentityCredentials"},
		{"basic", ststest.IdentityPoolRoleArn, "assumed-role/CognitoAuthRole/app"},
	} {
		t.Run(tt.flow, func(t *testing.T) {
			token := idLogin(t, srv, nil)
			args := []string{"cognito", "identity", "--endpoint", srv.URL, "--identity-pool-id", ststest.DefaultIdentityPoolID, "--login", "-", "--flow", tt.flow}
			if tt.role != "" {
				args = append(args, "--role-arn", tt.role, "--role-session-name", "app")
			}
			r := runCLI(t, nil, token, nil, args...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("cognito identity: exit %d, stderr %q", r.code, r.stderr)
			}
			env := envCredentials(t, r.stdout)
			env["AWS_ENDPOINT_URL"] = srv.URL
			who := runCLI(t, env, "", nil, "whoami")
			if who.code != exitOK || !strings.Contains(who.stdout, tt.want) {
				t.Errorf("whoami: exit %d, stdout %q, stderr %q; want %s", who.code, who.stdout, who.stderr, tt.want)
			}
		})
	}
}

// TestCognitoIdentityOutputs: the enhanced flow in every output format; json is the AWS CLI's
// get-credentials-for-identity output (SecretKey, Expiration as the CLI prints times).
func TestCognitoIdentityOutputs(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	token := strings.TrimSpace(idLogin(t, srv, nil))
	provider := strings.TrimPrefix(srv.URL, "http://") + "/" + ststest.DefaultPoolID
	for output, want := range map[string]string{
		"env":                "export AWS_SESSION_TOKEN=",
		"json":               `"SecretKey": "`,
		"credential-process": `"Version": 1`,
		"ini":                "[default]\naws_access_key_id = ASIA",
	} {
		r := runCLI(t, nil, "", nil, "cognito", "identity", "--endpoint", srv.URL, "--identity-pool-id", ststest.DefaultIdentityPoolID,
			"--login", provider+"="+token, "--output", output)
		if r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("--output %s: exit %d, stdout %q, stderr %q; want %q", output, r.code, r.stdout, r.stderr, want)
		}
		if output == "json" {
			var v struct {
				IdentityID  string `json:"IdentityId"`
				Credentials struct{ Expiration string }
			}
			if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || !strings.HasPrefix(v.IdentityID, "us-east-1:") || !strings.HasSuffix(v.Credentials.Expiration, "+00:00") {
				t.Errorf("--output json = %s (%v); want IdentityId and the AWS CLI's Expiration", r.stdout, err)
			}
		}
	}
}

// TestCognitoIdentityTrustMistakes: a role whose trust policy has the identity pool's classic
// mistakes is refused by the emulator in both flows, and what the basic flow's refusal points
// to (rawsts diagnose on the token's claims) explains it.
func TestCognitoIdentityTrustMistakes(t *testing.T) {
	for _, tt := range []struct {
		name, condition, explains string
	}{
		{"aud is the user pool client id", `"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + ststest.DefaultClientID + `"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}`,
			`"` + ststest.DefaultClientID + `" is not an identity pool id`},
		{"authenticated role trusts unauthenticated", `"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + ststest.DefaultIdentityPoolID + `"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}`,
			"the condition of the pool's unauthenticated (guest) role"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			trust := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {` + tt.condition + `}}]}`
			srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
			defer srv.Close()
			if err := srv.AddRole(ststest.Role{RoleName: "CognitoAuthRole", AssumeRolePolicyDocument: ststest.PolicyDocument(trust)}); err != nil {
				t.Fatal(err)
			}
			token := idLogin(t, srv, nil)
			base := []string{"cognito", "identity", "--endpoint", srv.URL, "--identity-pool-id", ststest.DefaultIdentityPoolID, "--login", "-"}
			r := runCLI(t, nil, token, nil, base...)
			if r.code != exitRefused || !strings.Contains(r.stderr, "rawsts: InvalidIdentityPoolConfigurationException: Invalid identity pool configuration.") {
				t.Errorf("enhanced: exit %d, stderr %q; want 1 and InvalidIdentityPoolConfigurationException", r.code, r.stderr)
			}
			r = runCLI(t, nil, token, nil, append(base, "--flow", "basic", "--role-arn", ststest.IdentityPoolRoleArn, "--role-session-name", "app")...)
			if r.code != exitRefused || !strings.Contains(r.stderr, "rawsts: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity") {
				t.Fatalf("basic: exit %d, stderr %q; want 1 and AccessDenied", r.code, r.stderr)
			}
			// The pointer: echo 'CLAIMS' | rawsts diagnose --claims - …; run it with the trust policy.
			_, after, ok := strings.Cut(r.stderr, "to see why, run: echo '")
			claims, _, ok2 := strings.Cut(after, "' | rawsts diagnose --claims -")
			if !ok || !ok2 {
				t.Fatalf("no diagnose pointer in %q", r.stderr)
			}
			policyFile := filepath.Join(t.TempDir(), "trust.json")
			writeFile(t, policyFile, trust)
			d := runCLI(t, nil, claims, nil, "diagnose", "--claims", "-", "--role-arn", ststest.IdentityPoolRoleArn, "--trust-policy", policyFile)
			if d.code != exitRefused || !strings.Contains(d.stdout, tt.explains) {
				t.Errorf("diagnose: exit %d, stdout:\n%s\nstderr %q; want 1 and %q", d.code, d.stdout, d.stderr, tt.explains)
			}
		})
	}
}

// TestCognitoIdentityUsage: what is refused before anything is sent.
func TestCognitoIdentityUsage(t *testing.T) {
	srv, dialled := countingServer(t)
	const pool = "--identity-pool-id=us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	for _, tt := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{}, "", "--identity-pool-id is required"},
		{[]string{pool, "--flow", "classic"}, "", `--flow "classic": want enhanced or basic`},
		{[]string{pool, "--flow", "basic"}, "", "--flow basic needs --role-arn"},
		{[]string{pool, "--role-session-name", "x"}, "", "go with --flow basic"},
		{[]string{pool, "--login", "-", "--login", "-"}, "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2EuZXhhbXBsZSJ9.c2ln\n", "standard input holds one token"},
		{[]string{pool, "--login", "-"}, "\n", "standard input holds no token"},
		{[]string{pool, "--login", "opaque-facebook-token"}, "", "not a JWT with an iss claim"},
		{[]string{pool, "--login", "graph.facebook.com="}, "", "the token is empty"},
		{[]string{pool, "--login", "a=x1", "--login", "a=x2"}, "", `two tokens for "a"`},
		{[]string{"--identity-pool-id", "us-east-1_EXAMPLE"}, "", "--identity-pool-id must look like REGION:GUID"},
		{[]string{pool, "--flow", "basic", "--role-arn", "TestRole"}, "", "--role-arn"},
		{[]string{pool, "extra"}, "", `unexpected argument "extra"`},
	} {
		r := runCLI(t, map[string]string{"AWS_ENDPOINT_URL": srv.URL}, tt.stdin, nil, append([]string{"cognito", "identity"}, tt.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("cognito identity %s: exit %d, stderr %q; want 2 and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.want)
		}
	}
	if n := dialled.Load(); n != 0 {
		t.Errorf("%d connections were opened; a refused command sends nothing", n)
	}
}

// TestCognitoIdentityPrintCurlAndTrace: --print-curl shows every step and sends nothing, the
// token as a placeholder; --trace shows the exchange without the login token.
func TestCognitoIdentityPrintCurlAndTrace(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	token := strings.TrimSpace(idLogin(t, srv, nil))
	r := runCLI(t, nil, token, nil, "cognito", "identity", "--endpoint", srv.URL, "--identity-pool-id", ststest.DefaultIdentityPoolID,
		"--login", "-", "--flow", "basic", "--role-arn", ststest.IdentityPoolRoleArn, "--role-session-name", "app", "--print-curl")
	for _, want := range []string{"X-Amz-Target: AWSCognitoIdentityService.GetId", "AWSCognitoIdentityService.GetOpenIdToken", `"'"$IDENTITY_ID"'"`,
		"--data-urlencode 'Action=AssumeRoleWithWebIdentity'", `"WebIdentityToken=$OPENID_TOKEN"`, "<token: "} {
		if r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("--print-curl: exit %d, stdout %q; want %q", r.code, r.stdout, want)
		}
	}
	if strings.Contains(r.stdout, token) {
		t.Errorf("--print-curl shows the token without --show-secrets")
	}
	r = runCLI(t, nil, token, nil, "cognito", "identity", "--endpoint", srv.URL, "--identity-pool-id", ststest.DefaultIdentityPoolID, "--login", "-", "--trace")
	if r.code != exitOK || !strings.Contains(r.stderr, "AWSCognitoIdentityService.GetCredentialsForIdentity") {
		t.Fatalf("--trace: exit %d, stderr %q", r.code, r.stderr)
	}
	env := envCredentials(t, r.stdout)
	for _, secret := range []string{token, token[strings.LastIndexByte(token, '.')+1:], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"]} {
		if strings.Contains(r.stderr, secret) {
			t.Errorf("--trace shows a secret (%.10s…)", secret)
		}
	}
}

// TestCognitoIdentityHidesEchoedToken: Cognito (or something in front of it) echoing the
// login token in its message, in every encoding.
func TestCognitoIdentityHidesEchoedToken(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLnVzLWVhc3QtMS5hbWF6b25hd3MuY29tL3VzLWVhc3QtMV9FWEFNUExFIiwiYXVkIjoieCJ9.Q0FOQVJZLXNpZ25hdHVyZQ"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		b, _ := json.Marshal(map[string]string{"__type": "NotAuthorizedException", "message": "Invalid login token. " + echoAll(token)})
		w.Write(b)
	}))
	defer srv.Close()
	r := runCLI(t, map[string]string{"AWS_MAX_ATTEMPTS": "1"}, "", nil, "cognito", "identity", "--endpoint", srv.URL,
		"--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "--login", token)
	if r.code != exitRefused || !strings.Contains(r.stderr, "NotAuthorizedException") {
		t.Fatalf("exit %d, stderr %q; want 1 and the error", r.code, r.stderr)
	}
	assertNoSecret(t, "stderr", r.stderr, token)
}

// TestCognitoIdentityExpectAccount: --expect-account checks the enhanced flow's credentials
// with GetCallerIdentity, as assume's.
func TestCognitoIdentityExpectAccount(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	token := idLogin(t, srv, nil)
	r := runCLI(t, nil, token, nil, "cognito", "identity", "--endpoint", srv.URL, "--identity-pool-id", ststest.DefaultIdentityPoolID,
		"--login", "-", "--expect-account", "111122223333")
	if r.code != exitRefused || !strings.Contains(r.stderr, "the credentials are for account 123456789012") || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing written", r.code, r.stdout, r.stderr)
	}
}
