package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/ststest"
)

// inspectAt is the --at of every inspect golden: the tokens' times are relative to it.
var inspectAt = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func unix(d time.Duration) int64 { return inspectAt.Add(d).Unix() }

// githubClaims is a GitHub Actions token of the environment form, as documented in GitHub's
// "About security hardening with OpenID Connect", issued 8 minutes before inspectAt.
func githubClaims() map[string]any {
	return map[string]any{
		"iss": "https://token.actions.githubusercontent.com",
		"sub": "repo:octo-org/octo-repo:environment:prod",
		"aud": "sts.amazonaws.com",
		"iat": unix(-8 * time.Minute), "nbf": unix(-8 * time.Minute), "exp": unix(52 * time.Minute),
		"jti": "example-id", "ref": "refs/heads/main", "ref_type": "branch",
		"sha":        "example-sha",
		"repository": "octo-org/octo-repo", "repository_owner": "octo-org",
		"repository_id": "74", "repository_owner_id": "65", "repository_visibility": "private",
		"actor": "octocat", "actor_id": "12", "environment": "prod", "event_name": "workflow_dispatch",
		"job_workflow_ref":   "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
		"run_id":             "example-run-id",
		"runner_environment": "github-hosted",
		"workflow":           "example-workflow",
	}
}

// cognitoAccessClaims is a Cognito user pool access token: token_use access, no aud.
func cognitoAccessClaims() map[string]any {
	return map[string]any{
		"iss":            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE",
		"sub":            "aaaaaaaa-bbbb-cccc-dddd-example",
		"client_id":      "1example23456789",
		"token_use":      "access",
		"scope":          "aws.cognito.signin.user.admin",
		"username":       "janedoe",
		"cognito:groups": []string{"admins", "developers"},
		"auth_time":      unix(-10 * time.Minute),
		"iat":            unix(-10 * time.Minute), "exp": unix(50 * time.Minute),
		"jti": "example-jti", "origin_jti": "example-origin-jti", "event_id": "example-event",
	}
}

// expiredClaims is a GitHub Actions token that expired 3h10m before inspectAt.
func expiredClaims() map[string]any {
	c := githubClaims()
	c["sub"] = "repo:octo-org/octo-repo:ref:refs/heads/main"
	delete(c, "environment")
	c["iat"], c["nbf"], c["exp"] = unix(-4*time.Hour-10*time.Minute), unix(-4*time.Hour-10*time.Minute), unix(-3*time.Hour-10*time.Minute)
	return c
}

func atArgs(args ...string) []string {
	return append([]string{"inspect", "--at", inspectAt.Format(time.RFC3339)}, args...)
}

// checkNoToken fails if the output shows the token or its signature.
func checkNoToken(t *testing.T, r cliRun, token string) {
	t.Helper()
	sig := token[strings.LastIndex(token, ".")+1:]
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, token) || (len(sig) > 8 && strings.Contains(out, sig)) {
			t.Errorf("the output shows the token or its signature:\n%s", out)
		}
	}
}

func TestInspectGolden(t *testing.T) {
	for _, tt := range []struct {
		name   string
		claims map[string]any
		extra  []string
		code   int
	}{
		{"github-actions", githubClaims(), []string{"--account", "123456789012", "--expect-aud", "sts.amazonaws.com"}, exitOK},
		{"cognito-access-token", cognitoAccessClaims(), nil, exitRefused},
		{"expired", expiredClaims(), nil, exitRefused},
	} {
		token := mintRS256(t, tt.claims)
		for _, format := range []string{"txt", "json"} {
			t.Run(tt.name+"."+format, func(t *testing.T) {
				args := atArgs(append([]string{token}, tt.extra...)...)
				if format == "json" {
					args = append(args, "--json")
				}
				r := runCLI(t, nil, "", nil, args...)
				if r.code != tt.code || r.stderr != "" {
					t.Fatalf("rawsts inspect: exit %d, stderr %q; want %d and nothing", r.code, r.stderr, tt.code)
				}
				checkNoToken(t, r, token)
				if format == "json" && !json.Valid([]byte(r.stdout)) {
					t.Errorf("--json output is not JSON:\n%s", r.stdout)
				}
				fixture.Golden(t, filepath.Join("testdata", "golden", "inspect."+tt.name+"."+format), []byte(r.stdout))
			})
		}
	}
}

func TestInspectNotAJWTExitsTwo(t *testing.T) {
	for _, tt := range []struct {
		name, input, want string
	}{
		{"two segments", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0", "2 segment(s)"},
		{"payload not base64url", "eyJhbGciOiJSUzI1NiJ9.!!!.c2ln", "payload"},
		{"opaque", "ya29.opaque-access-token-EXAMPLE", "segment"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", nil, atArgs(tt.input)...)
			if r.code != exitUsage || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want %d and nothing", r.code, r.stdout, exitUsage)
			}
			if !strings.HasPrefix(r.stderr, "rawsts: the input is not a JWT: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr = %q; want the not-a-jwt reason naming %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, tt.input) {
				t.Errorf("stderr %q echoes the input", r.stderr)
			}
		})
	}
	r := runCLI(t, nil, "", nil, atArgs("--json", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0")...)
	if r.code != exitUsage {
		t.Fatalf("--json: exit %d; want %d", r.code, exitUsage)
	}
	fixture.Golden(t, filepath.Join("testdata", "golden", "inspect.not-a-jwt.json"), []byte(r.stdout))
	fixture.Golden(t, filepath.Join("testdata", "golden", "inspect.not-a-jwt.stderr"), []byte(r.stderr))
}

func TestInspectUnwrapsCIReply(t *testing.T) {
	token := mintRS256(t, githubClaims())
	plain := runCLI(t, nil, "", nil, atArgs(token)...)
	reply := `{"count":1,"value":"` + token + `"}` + "\n"
	r := runCLI(t, nil, reply, nil, atArgs("-")...)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr %q", r.code, r.stderr)
	}
	if r.stdout != plain.stdout {
		t.Errorf("the unwrapped report differs from the plain one:\n%s\nwant:\n%s", r.stdout, plain.stdout)
	}
	fixture.Golden(t, filepath.Join("testdata", "golden", "inspect.json-wrapped.stderr"), []byte(r.stderr))
	checkNoToken(t, r, token)
}

func TestInspectInputs(t *testing.T) {
	token := mintRS256(t, githubClaims())
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	writeFile(t, file, token+"\n")
	spaced := filepath.Join(dir, "spaced")
	writeFile(t, spaced, "  "+token+"\n")
	for _, tt := range []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		code  int
		want  string // in stdout
		not   string // not in stdout
	}{
		{"argument", nil, "", []string{token}, exitOK, "github-sub-environment-form", "surrounding-whitespace"},
		{"file, final newline ignored", nil, "", []string{"--file", file}, exitOK, "octo-org/octo-repo", "surrounding-whitespace"},
		{"file flag, stdin", nil, token + "\r\n", []string{"--file", "-"}, exitOK, "octo-org/octo-repo", "surrounding-whitespace"},
		{"leading spaces reported", nil, "", []string{"--file", spaced}, exitOK, "surrounding-whitespace", ""},
		{"environment", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": file}, "", nil, exitOK, "octo-org/octo-repo", ""},
		{"aud mismatch", nil, "", []string{token, "--expect-aud", "https://github.com/octo-org"}, exitRefused, "aud-mismatch", ""},
		{"iss mismatch", nil, "", []string{token, "--expect-iss", "https://token.actions.githubusercontent.com/"}, exitRefused, "iss-mismatch", ""},
		{"later: expired", nil, "", []string{token, "--at", "2024-05-01T13:00:00Z"}, exitRefused, "expired 8m ago", ""},
		{"later within skew", nil, "", []string{token, "--at", "2024-05-01T12:55:00Z"}, exitOK, "expired 3m ago", "Findings: error"},
		{"no skew", nil, "", []string{token, "--at", "2024-05-01T12:55:00Z", "--skew", "0"}, exitRefused, "Findings: error (1)", ""},
		{"provider ARN partition", nil, "", []string{token, "--partition", "aws-cn", "--account", "123456789012"}, exitOK, "arn:aws-cn:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", ""},
		{"show signature hex", nil, "", []string{token, "--show-signature=hex"}, exitOK, "(256 bytes, hex)", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.stdin, nil, atArgs(tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d; want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.want) || (tt.not != "" && strings.Contains(r.stdout, tt.not)) {
				t.Errorf("stdout lacks %q or has %q:\n%s", tt.want, tt.not, r.stdout)
			}
		})
	}
}

func TestInspectShowSignature(t *testing.T) {
	token := mintRS256(t, githubClaims())
	seg := token[strings.LastIndex(token, ".")+1:]
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ flag, want string }{
		{"--show-signature", seg},
		{"--show-signature=base64url", seg},
		{"--show-signature=hex", hex.EncodeToString(raw)},
	} {
		for _, asJSON := range []bool{false, true} {
			args := atArgs(token, tt.flag)
			if asJSON {
				args = append(args, "--json")
			}
			r := runCLI(t, nil, "", nil, args...)
			if r.code != exitOK || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("%s (json %v): exit %d; stdout lacks the signature:\n%s", tt.flag, asJSON, r.code, r.stdout)
			}
		}
	}
	if r := runCLI(t, nil, "", nil, atArgs(token, "--show-signature=pem")...); r.code != exitUsage {
		t.Errorf("--show-signature=pem: exit %d; want %d", r.code, exitUsage)
	}
}

func TestInspectUsageErrors(t *testing.T) {
	token := mintRS256(t, githubClaims())
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no token", []string{"inspect"}, "no token"},
		{"two tokens", []string{"inspect", token, token}, "unexpected argument of"},
		{"argument and file", []string{"inspect", token, "--file", "x"}, "not both"},
		{"bad at", []string{"inspect", token, "--at", "yesterday"}, "--at"},
		{"bad account", []string{"inspect", token, "--account", "12345"}, "--account"},
		{"bad partition", []string{"inspect", token, "--partition", "azure"}, "--partition"},
		{"negative skew", []string{"inspect", token, "--skew", "-1m"}, "--skew"},
		{"missing file", []string{"inspect", "--file", filepath.Join(t.TempDir(), "absent")}, "reading the token"},
		{"empty stdin", []string{"inspect", "-"}, "empty"},
		{"bad ca file", []string{"inspect", token, "--verify", "--ca-file", filepath.Join(t.TempDir(), "absent")}, "--ca-file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", nil, tt.args...)
			if r.code != exitUsage || !strings.HasPrefix(r.stderr, "rawsts") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and a message naming %q", r.code, r.stderr, exitUsage, tt.want)
			}
			checkNoToken(t, r, token)
		})
	}
}

func TestInspectVerifyEmulatorIssuer(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return inspectAt }))
	defer srv.Close()
	token, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "", nil, atArgs(token, "--verify")...)
	// The signature verifies; the emulator's plain-http issuer on loopback is its exception: a
	// warning, not an error.
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; want %d (iss-http-loopback is a warning) and nothing", r.code, r.stderr, exitOK)
	}
	if !hasStepLine(r.stdout, "signature", "ok") {
		t.Errorf("stdout does not show the signature step ok:\n%s", r.stdout)
	}
	for _, want := range []string{"GET " + srv.Issuer.URL + "/.well-known/openid-configuration", "of 5s", "iss-http-loopback"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, nil, "", nil, atArgs(token, "--verify", "--json")...)
	var doc struct {
		Verification struct {
			OK    bool   `json:"ok"`
			KeyID string `json:"key_id"`
		} `json:"verification"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || !doc.Verification.OK || doc.Verification.KeyID != srv.Issuer.KeyID() {
		t.Errorf("--json verification = %+v (err %v); want ok with key %q:\n%s", doc.Verification, err, srv.Issuer.KeyID(), r.stdout)
	}
	checkNoToken(t, r, token)
}

func tlsClaims(iss string) map[string]any {
	c := githubClaims()
	c["iss"] = iss
	return c
}

func TestInspectVerifyTLSIssuer(t *testing.T) {
	p := newTestPKI(t)
	good := p.tlsIssuer(t, testKid)
	rotated := p.tlsIssuer(t, "rawsts-test-key-2")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	l.Close()

	for _, tt := range []struct {
		name, iss string
		extra     []string
		code      int
		step      string // the failed step, "" on success
		want      string
	}{
		{"pass", good.URL, []string{"--ca-file", p.caFile}, exitOK, "", "Result: no errors, and the signature verifies"},
		{"kid missing", rotated.URL, []string{"--ca-file", p.caFile}, exitRefused, "kid", `no key with kid "rawsts-test-key-1"`},
		// The network failing on the way is a transport failure (exit 3), not a failed check.
		{"untrusted CA", good.URL, nil, exitTransport, "discovery", "certificate"},
		{"unreachable", closed, []string{"--ca-file", p.caFile}, exitTransport, "discovery", "refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			token := mintRS256(t, tlsClaims(tt.iss))
			r := runCLI(t, nil, "", nil, atArgs(append([]string{token, "--verify", "--trace"}, tt.extra...)...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d; want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.want) {
				t.Errorf("stdout lacks %q:\n%s", tt.want, r.stdout)
			}
			if tt.step != "" {
				want := "rawsts: --verify failed at the " + tt.step + " step: "
				if tt.code == exitTransport {
					want = "(the " + tt.step + " step): "
				}
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q does not name the %s step", r.stderr, tt.step)
				}
				if !hasStepLine(r.stdout, tt.step, "FAILED") {
					t.Errorf("stdout does not mark the %s step FAILED:\n%s", tt.step, r.stdout)
				}
			}
			checkNoToken(t, r, token)
		})
	}
}

// hasStepLine reports whether the report has a verification line "  STEP  STATE …".
func hasStepLine(report, step, state string) bool {
	for _, line := range strings.Split(report, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == step && f[1] == state {
			return true
		}
	}
	return false
}

func TestFetchDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "under 0.1ms"},
		{420 * time.Microsecond, "0.4ms"},
		{3250 * time.Microsecond, "3.2ms"},
		{123456 * time.Microsecond, "123ms"},
		{2345 * time.Millisecond, "2.3s"},
	} {
		if got := fetchDuration(tt.d); got != tt.want {
			t.Errorf("fetchDuration(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}
