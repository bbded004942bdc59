package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
)

// recordedSecrets are the secret keys of the EXAMPLE access keys the signed fixtures use
// (testdata/fixtures/sts/README.md, "Signed calls").
var recordedSecrets = map[string]string{
	"AKIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  // Alice
	"AKIAI44QH8DHBEXAMPLE": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",  // unknown to STS
	"ASIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", // the AssumeRole sample's session
}

// recordedSigning returns the environment (credentials) and the clock a signed fixture was
// recorded with: the key of its Credential, the secret that goes with it (the suite's secret for
// the SignatureDoesNotMatch case), its session token and its X-Amz-Date.
func recordedSigning(t *testing.T, c *fixture.Case) (map[string]string, time.Time) {
	t.Helper()
	req := c.Exchanges[0].Request
	auth := req.Header.Get("Authorization")
	_, cred, _ := strings.Cut(auth, "Credential=")
	key, _, _ := strings.Cut(cred, "/")
	secret := recordedSecrets[key]
	if strings.Contains(c.Name, "signature-does-not-match") {
		secret = suiteEnv["AWS_SECRET_ACCESS_KEY"]
	}
	if secret == "" {
		t.Fatalf("%s: no secret known for the access key %q", c.Name, key)
	}
	at, err := time.Parse(sigv4.TimeFormat, req.Header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_MAX_ATTEMPTS": "1"}
	if tok := req.Header.Get("X-Amz-Security-Token"); tok != "" {
		env["AWS_SESSION_TOKEN"] = tok
	}
	return env, at
}

// runCLIAt is runCLI with the clock at a given time.
func runCLIAt(t *testing.T, at time.Time, env map[string]string, rt http.RoundTripper, args ...string) cliRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return env[k] }, now: func() time.Time { return at }, transport: rt}
	code := run(context.Background(), args, s)
	return cliRun{stdout.String(), stderr.String(), code}
}

// signedArgs turns the form of a signed fixture's request back into the rawsts command line
// that sends it.
func signedArgs(t *testing.T, c *fixture.Case) []string {
	t.Helper()
	form, err := url.ParseQuery(string(c.Exchanges[0].Request.Body))
	if err != nil {
		t.Fatal(err)
	}
	switch form.Get("Action") {
	case "GetCallerIdentity":
		return []string{"whoami"}
	case "DecodeAuthorizationMessage":
		return []string{"decode-authorization-message", form.Get("EncodedMessage")}
	case "AssumeRole":
	default:
		t.Fatalf("%s: no command sends %s", c.Name, form.Get("Action"))
	}
	args := []string{"assume-role"}
	for _, p := range [][2]string{
		{"RoleArn", "--role-arn"}, {"RoleSessionName", "--role-session-name"}, {"ExternalId", "--external-id"},
		{"SerialNumber", "--serial-number"}, {"TokenCode", "--token-code"}, {"Policy", "--policy"},
		{"SourceIdentity", "--source-identity"}, {"DurationSeconds", "--duration-seconds"},
	} {
		if v := form.Get(p[0]); v != "" {
			args = append(args, p[1], v)
		}
	}
	for i := 1; form.Has("PolicyArns.member." + itoa(i) + ".arn"); i++ {
		args = append(args, "--policy-arn", form.Get("PolicyArns.member."+itoa(i)+".arn"))
	}
	for i := 1; form.Has("Tags.member." + itoa(i) + ".Key"); i++ {
		n := "Tags.member." + itoa(i)
		args = append(args, "--tag", form.Get(n+".Key")+"="+form.Get(n+".Value"))
	}
	for i := 1; form.Has("TransitiveTagKeys.member." + itoa(i)); i++ {
		args = append(args, "--transitive-tag-key", form.Get("TransitiveTagKeys.member."+itoa(i)))
	}
	return args
}

// TestSignedFixtures replays every signed STS fixture the CLI can send through the command that
// sends it, with the recorded keys and clock: the replaying transport requires the same form
// and the same Authorization byte for byte (the fixtures' signatures were computed by an
// independent implementation). Results and refusals are golden files.
func TestSignedFixtures(t *testing.T) {
	for _, tt := range []struct {
		fixture string
		extra   []string
		code    int
	}{
		{"get-caller-identity-success-user", nil, exitOK},
		{"get-caller-identity-success-user", []string{"--output", "json"}, exitOK},
		{"get-caller-identity-success-assumed-role", nil, exitOK},
		{"get-caller-identity-error-expired-token", nil, exitRefused},
		{"get-caller-identity-error-invalid-client-token-id", nil, exitRefused},
		{"get-caller-identity-error-signature-does-not-match", nil, exitRefused},
		{"assume-role-success", []string{"--output", "json"}, exitOK},
		{"assume-role-success", []string{"--output", "env"}, exitOK},
		{"assume-role-success-mfa", []string{"--output", "json"}, exitOK},
		{"assume-role-success-chained", []string{"--output", "json"}, exitOK},
		{"assume-role-error-access-denied", nil, exitRefused},
		{"assume-role-error-access-denied-encoded", nil, exitRefused},
		{"decode-authorization-message-success", nil, exitOK},
		{"decode-authorization-message-error-invalid", nil, exitRefused},
		{"decode-authorization-message-error-access-denied", nil, exitRefused},
	} {
		name := tt.fixture
		if len(tt.extra) == 2 {
			name += "." + tt.extra[1]
		}
		t.Run(name, func(t *testing.T) {
			c := stsFixture(t, tt.fixture)
			env, at := recordedSigning(t, c)
			args := append(signedArgs(t, c), tt.extra...)
			r := runCLIAt(t, at, env, fixture.NewTransport(t, c), args...)
			if r.code != tt.code {
				t.Fatalf("rawsts %s: exit %d, stderr %q; want %d", strings.Join(args, " "), r.code, r.stderr, tt.code)
			}
			out, ext := r.stdout, ".txt"
			if tt.code != exitOK {
				out, ext = r.stderr, ".stderr"
				if r.stdout != "" {
					t.Errorf("stdout = %q; want nothing on a refusal", r.stdout)
				}
			}
			if secret := env["AWS_SECRET_ACCESS_KEY"]; strings.Contains(r.stderr, secret) || (env["AWS_SESSION_TOKEN"] != "" && strings.Contains(r.stderr, env["AWS_SESSION_TOKEN"])) {
				t.Errorf("stderr shows a secret: %q", r.stderr)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "signed."+name+ext), []byte(out))
		})
	}
}

// TestSignDryRunReproducesFixture: `rawsts sign --dry-run` for GetCallerIdentity, at the
// recorded time with the recorded key, prints the request of get-caller-identity-success-user
// (whose signature an independent implementation computed): same request line, same headers,
// same body, Authorization byte for byte.
func TestSignDryRunReproducesFixture(t *testing.T) {
	for _, name := range []string{"get-caller-identity-success-user", "get-caller-identity-success-assumed-role"} {
		t.Run(name, func(t *testing.T) {
			c := stsFixture(t, name)
			want := c.Exchanges[0].Request
			env, at := recordedSigning(t, c)
			r := runCLIAt(t, at, env, nil, "sign", "--dry-run",
				"-H", "Content-Type: "+want.Header.Get("Content-Type"), "-d", string(want.Body), "https://sts.amazonaws.com/")
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			got := parseDryRun(t, r.stdout)
			if got.Method != want.Method || got.Target != want.Target || !bytes.Equal(got.Body, want.Body) {
				t.Errorf("--dry-run: %s %s %q; fixture: %s %s %q", got.Method, got.Target, got.Body, want.Method, want.Target, want.Body)
			}
			for k := range want.Header {
				if g, w := got.Header.Get(k), want.Header.Get(k); g != w {
					t.Errorf("--dry-run %s = %q; the fixture records %q", k, g, w)
				}
			}
			// Content-Length is signed and sent; the fixtures leave it to the body.
			if cl := got.Header.Get("Content-Length"); cl != itoa(len(want.Body)) {
				t.Errorf("--dry-run Content-Length = %q; want %d", cl, len(want.Body))
			}
			if len(got.Header) != len(want.Header)+1 {
				t.Errorf("--dry-run has headers %v; the fixture records %v and Content-Length", got.Header, want.Header)
			}
		})
	}
}
