package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
)

// cognitoNow is the time the Cognito fixtures were recorded at (PROTOCOL.md §4.6 vector A).
var cognitoNow = time.Date(2000, 2, 1, 3, 4, 5, 0, time.UTC)

const (
	fxPool         = "eu-west-2_eYpv1mFHB"
	fxClient       = "18u8119jgbpr464n28s1itk2mq"
	fxSub          = "a2c2e290-6d0f-4a08-a5ca-f0162935f3a6"
	fxSecret       = "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
	fxRefreshToken = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.RVhBTVBMRS1LRVk.RVhBTVBMRS1JVg.RVhBTVBMRS1SRUZSRVNILVRPS0VO.RVhBTVBMRS1UQUc"
)

// vectorARand yields SRP's a = 0xabcdef0123456789 as 128 bytes, as the SRP fixtures recorded.
func vectorARand() *bytes.Reader {
	buf := make([]byte, 128)
	copy(buf[120:], []byte{0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89})
	return bytes.NewReader(buf)
}

// cognitoRun says how to run one cognito command in-process.
type cognitoRun struct {
	env      map[string]string
	stdin    string
	terminal bool
	rt       http.RoundTripper
	deps     cognitoDeps
	now      time.Time // zero: cognitoNow
}

func (c cognitoRun) run(t *testing.T, args ...string) cliRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	now := c.now
	if now.IsZero() {
		now = cognitoNow
	}
	s := &streams{stdin: strings.NewReader(c.stdin), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return c.env[k] }, now: func() time.Time { return now },
		transport: c.rt, stdinIsTerminal: c.terminal}
	code := cognitoMain(context.Background(), s, args, c.deps)
	return cliRun{stdout.String(), stderr.String(), code}
}

func cognitoFixture(t *testing.T, name string) *fixture.Case {
	t.Helper()
	return fixture.MustLoad(t, filepath.Join("..", "..", "testdata", "fixtures", "cognito", name+".txt"))
}

// firstExchanges is c cut to its first n exchanges, for a login that stops early.
func firstExchanges(c *fixture.Case, n int) *fixture.Case {
	cp := *c
	cp.Exchanges = c.Exchanges[:n]
	return &cp
}

// lastIDToken is the IdToken of the fixture's last reply.
func lastIDToken(t *testing.T, c *fixture.Case) string {
	t.Helper()
	var out struct{ AuthenticationResult struct{ IdToken string } }
	if err := json.Unmarshal(c.Exchanges[len(c.Exchanges)-1].Response.Body, &out); err != nil || out.AuthenticationResult.IdToken == "" {
		t.Fatalf("%s: last reply has no IdToken (%v)", c.Name, err)
	}
	return out.AuthenticationResult.IdToken
}

var fxLogin = []string{"login", "--pool-id", fxPool, "--client-id", fxClient}

func TestCognitoLoginFlowsAndChallenges(t *testing.T) {
	exampleKeys := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	for _, tt := range []struct {
		name    string
		fixture string
		run     cognitoRun
		args    []string
	}{
		{"srp", "srp-success", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--username", fxSub, "--password-stdin"}},
		{"srp, secret from env, alias", "srp-secret-alias", cognitoRun{stdin: "Qwerty1!", env: map[string]string{"RAWSTS_COGNITO_CLIENT_SECRET": fxSecret}},
			[]string{"--username", "john.doe", "--password-stdin"}},
		{"password", "password-success", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--flow", "password", "--username", "john.doe", "--password-stdin"}},
		{"admin signed", "admin-password-signed", cognitoRun{stdin: "Qwerty1!\n", env: exampleKeys}, []string{"--flow", "admin", "--username", "john.doe", "--password-stdin"}},
		{"refresh flag", "refresh-token-secret", cognitoRun{}, []string{"--refresh-token", fxRefreshToken, "--client-secret", fxSecret, "--username", fxSub}},
		{"refresh stdin", "refresh-token-secret", cognitoRun{stdin: fxRefreshToken + "\n"}, []string{"--flow", "refresh", "--refresh-token-file", "-", "--client-secret", fxSecret, "--username", fxSub}},
		{"new password from stdin", "new-password-required", cognitoRun{stdin: "Qwerty1!\nCorrect-Horse-9\n"},
			[]string{"--flow", "password", "--username", "john.doe", "--password-stdin", "--new-password-stdin", "--user-attribute", "name=John Doe"}},
		{"totp", "software-token-mfa", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--flow", "password", "--username", "john.doe", "--password-stdin", "--mfa-code", "123456"}},
		{"sms", "sms-mfa", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--flow", "password", "--username", "john.doe", "--password-stdin", "--mfa-code", "654321"}},
		{"email otp", "email-otp", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--flow", "USER_PASSWORD_AUTH", "--username", "john.doe", "--password-stdin", "--mfa-code", "24680135"}},
		{"select mfa", "select-mfa-type", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--flow", "password", "--username", "john.doe", "--password-stdin", "--mfa-type", "SOFTWARE_TOKEN_MFA", "--mfa-code", "123456"}},
		{"retried", "retry-too-many-requests", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--flow", "password", "--username", "john.doe", "--password-stdin"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := cognitoFixture(t, tt.fixture)
			tt.run.rt = fixture.NewTransport(t, c)
			tt.run.deps.rand = vectorARand()
			r := tt.run.run(t, append(append([]string{}, fxLogin...), tt.args...)...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			if want := lastIDToken(t, c) + "\n"; r.stdout != want {
				t.Errorf("stdout = %.40q…; want the ID token and a newline", r.stdout)
			}
		})
	}
}

func TestCognitoLoginOutputs(t *testing.T) {
	for _, tt := range []struct {
		fixture, output string
		args            []string
	}{
		{"password-success", "tokens", []string{"--flow", "password", "--username", "john.doe", "--password-stdin"}},
		{"password-success", "json", []string{"--flow", "password", "--username", "john.doe", "--password-stdin"}},
		{"refresh-token-secret", "tokens", []string{"--refresh-token", fxRefreshToken, "--client-secret", fxSecret, "--username", fxSub}},
		{"refresh-token-secret", "json", []string{"--refresh-token", fxRefreshToken, "--client-secret", fxSecret, "--username", fxSub}},
	} {
		t.Run(tt.fixture+"."+tt.output, func(t *testing.T) {
			c := cognitoFixture(t, tt.fixture)
			run := cognitoRun{stdin: "Qwerty1!\n", rt: fixture.NewTransport(t, c)}
			r := run.run(t, append(append(append([]string{}, fxLogin...), tt.args...), "--output", tt.output)...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "cognito."+tt.fixture+"."+tt.output+".txt"), []byte(r.stdout))
		})
	}
}

func TestCognitoRefusalsExitOne(t *testing.T) {
	for _, tt := range []struct {
		fixture string
		want    []string
	}{
		{"error-not-authorized", []string{"rawsts: NotAuthorizedException: Incorrect username or password. (RequestId 0e1f2a3b-4c5d-4e6f-8a9b-000000000020, HTTP 400)"}},
		{"error-flow-not-enabled", []string{"InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client", "rawsts: hint: use --flow srp"}},
		{"error-user-not-confirmed", []string{"UserNotConfirmedException", "rawsts: hint: "}},
		{"mfa-setup-unsupported", []string{"MFA_SETUP", "rawsts cannot answer"}},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			c := cognitoFixture(t, tt.fixture)
			run := cognitoRun{stdin: "Qwerty1!\n", rt: fixture.NewTransport(t, c), env: map[string]string{"AWS_MAX_ATTEMPTS": "1"}}
			r := run.run(t, append(append([]string{}, fxLogin...), "--flow", "password", "--username", "john.doe", "--password-stdin")...)
			if r.code != exitRefused || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want %d and nothing (stderr %q)", r.code, r.stdout, exitRefused, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr = %q; want it to contain %q", r.stderr, w)
				}
			}
			if strings.Contains(r.stderr, "Qwerty1!") || strings.Contains(r.stderr, "AYABeEXAMPLE") {
				t.Errorf("stderr %q shows the password or the session", r.stderr)
			}
		})
	}
}

func TestCognitoNotTheProtocolExitsThree(t *testing.T) {
	c := cognitoFixture(t, "error-html-403")
	run := cognitoRun{stdin: "Qwerty1!\n", rt: fixture.NewTransport(t, c)}
	r := run.run(t, append(append([]string{}, fxLogin...), "--flow", "password", "--username", "john.doe", "--password-stdin")...)
	if r.code != exitTransport || !strings.Contains(r.stderr, "403") {
		t.Errorf("exit %d, stderr %q; want %d naming HTTP 403", r.code, r.stderr, exitTransport)
	}
}

// TestCognitoMissingAnswersExitTwo: a challenge the flags do not answer stops the login, with
// the flag to use; only the exchanges before it happen.
func TestCognitoMissingAnswersExitTwo(t *testing.T) {
	pw := []string{"--flow", "password", "--username", "john.doe", "--password-stdin"}
	for _, tt := range []struct {
		name, fixture string
		stdin         string
		extra         []string
		want          string
	}{
		{"no new password", "new-password-required", "Qwerty1!\n", nil, "--new-password-stdin"},
		{"stdin ends before the new password", "new-password-required", "Qwerty1!\n", []string{"--new-password-stdin"}, "ended before the new password"},
		{"required attribute", "new-password-required", "Qwerty1!\nCorrect-Horse-9\n", []string{"--new-password-stdin"}, "--user-attribute name=VALUE"},
		{"no totp code", "software-token-mfa", "Qwerty1!\n", nil, "--mfa-code"},
		{"sms names the destination", "sms-mfa", "Qwerty1!\n", nil, "sent to +********7890"},
		{"mfa choice", "select-mfa-type", "Qwerty1!\n", nil, "--mfa-type"},
		{"mfa choice not offered", "select-mfa-type", "Qwerty1!\n", []string{"--mfa-type", "EMAIL_OTP"}, "can choose SMS_MFA, SOFTWARE_TOKEN_MFA"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := firstExchanges(cognitoFixture(t, tt.fixture), 1)
			run := cognitoRun{stdin: tt.stdin, rt: fixture.NewTransport(t, c)}
			r := run.run(t, append(append(append([]string{}, fxLogin...), pw...), tt.extra...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || !strings.HasPrefix(r.stderr, "rawsts: ") {
				t.Errorf("exit %d, stderr %q; want %d and a rawsts message with %q", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
}

func TestCognitoUsageErrorsSendNothing(t *testing.T) {
	srv, n := countingServer(t)
	base := []string{"--pool-id", fxPool, "--client-id", fxClient, "--endpoint", srv.URL}
	for _, tt := range []struct {
		name  string
		args  []string
		stdin string
		env   map[string]string
		want  string
	}{
		{"no subcommand", nil, "", nil, "want a subcommand"},
		{"unknown subcommand", []string{"logon"}, "", nil, "unknown subcommand"},
		{"no pool", []string{"login", "--client-id", fxClient, "--username", "u"}, "", nil, "--pool-id"},
		{"no user", append([]string{"login"}, base...), "", nil, "--username"},
		{"no password, not a terminal", append([]string{"login", "--username", "u"}, base...), "", nil, "--password-stdin"},
		{"empty stdin", append([]string{"login", "--username", "u", "--password-stdin"}, base...), "", nil, "ended before the password"},
		{"bad flow", append([]string{"login", "--username", "u", "--flow", "custom"}, base...), "", nil, "--flow"},
		{"refresh without token", append([]string{"login", "--flow", "refresh"}, base...), "", nil, "--refresh-token"},
		{"token without refresh", append([]string{"login", "--flow", "srp", "--username", "u", "--refresh-token", "t"}, base...), "", nil, "--refresh-token"},
		{"bad output", append([]string{"login", "--username", "u", "--output", "yaml"}, base...), "", nil, "--output"},
		{"bad attribute", append([]string{"login", "--username", "u", "--user-attribute", "name"}, base...), "", nil, "NAME=VALUE"},
		{"admin without credentials", append([]string{"login", "--username", "u", "--flow", "admin", "--password-stdin"}, base...), "pw\n", nil, "AWS credentials"},
		{"bad pool id", []string{"login", "--pool-id", "nopool", "--client-id", "c", "--username", "u", "--password-stdin", "--endpoint", srv.URL}, "pw\n", nil, "rawsts: --pool-id must look like REGION_ID"},
		{"plain http elsewhere", []string{"login", "--pool-id", fxPool, "--client-id", "c", "--username", "u", "--password-stdin", "--endpoint", "http://example.com"}, "pw\n", nil, "rawsts: --endpoint: endpoint \"http://example.com\" uses plain http"},
		{"assume without role", append([]string{"assume", "--username", "u", "--password-stdin"}, base...), "pw\n", nil, "no role"},
		{"assume bad output", append([]string{"assume", "--username", "u", "--role-arn", "arn:aws:iam::123456789012:role/r", "--output", "id-token"}, base...), "", nil, "--output"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := cognitoRun{stdin: tt.stdin, env: tt.env}.run(t, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || !strings.HasPrefix(r.stderr, "rawsts") {
				t.Errorf("exit %d, stderr %q; want %d and a rawsts message naming %q", r.code, r.stderr, exitUsage, tt.want)
			}
			if strings.Contains(r.stderr, "pw") && strings.Contains(tt.stdin, "pw") {
				t.Errorf("stderr %q shows the password", r.stderr)
			}
		})
	}
	if got := n.Load(); got != 0 {
		t.Errorf("the server received %d requests; usage errors must send nothing", got)
	}
}

// TestCognitoTraceRedactsSecrets runs flows whose requests and replies carry every kind of
// secret and checks none reaches --trace.
func TestCognitoTraceRedactsSecrets(t *testing.T) {
	for _, tt := range []struct {
		fixture string
		run     cognitoRun
		args    []string
	}{
		{"srp-secret-alias", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--username", "john.doe", "--password-stdin", "--client-secret", fxSecret}},
		{"refresh-token-secret", cognitoRun{}, []string{"--refresh-token", fxRefreshToken, "--client-secret", fxSecret, "--username", fxSub}},
		{"new-password-required", cognitoRun{stdin: "Qwerty1!\nCorrect-Horse-9\n"}, []string{"--flow", "password", "--username", "john.doe", "--password-stdin", "--new-password-stdin", "--user-attribute", "name=John Doe"}},
		{"software-token-mfa", cognitoRun{stdin: "Qwerty1!\n"}, []string{"--flow", "password", "--username", "john.doe", "--password-stdin", "--mfa-code", "123456"}},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			c := cognitoFixture(t, tt.fixture)
			tt.run.rt = fixture.NewTransport(t, c)
			tt.run.deps.rand = vectorARand()
			r := tt.run.run(t, append(append(append([]string{}, fxLogin...), tt.args...), "--trace", "--output", "tokens")...)
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr %q", r.code, r.stderr)
			}
			secrets := []string{"Qwerty1!", "Correct-Horse-9", fxSecret, fxRefreshToken, "AYABeEXAMPLE", "123456",
				"RrSiIBQazZkaxHQf34oRro1qjzfEvwdP6/Avltpd34E=",               // PASSWORD_CLAIM_SIGNATURE
				"gn7F/ENIPPk/KZ7P2xYr4S0pZhCn",                               // SECRET_BLOCK
				"QW3YkSgjkc9VNMtbTkuQflK54A6", "Z6HgYvN+Tg02sQwbUK3OKWU1ypW", // SECRET_HASH
				lastIDToken(t, c)[:60]}
			for _, secret := range secrets {
				if strings.Contains(r.stderr, secret) {
					t.Errorf("--trace shows the secret %.12q…", secret)
				}
			}
			if !strings.Contains(r.stderr, "X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth") || !strings.Contains(r.stderr, "< HTTP/1.1 200 OK") {
				t.Errorf("--trace lacks the exchange:\n%s", r.stderr)
			}
			if !strings.Contains(r.stdout, lastIDToken(t, c)) {
				t.Errorf("stdout lost the ID token")
			}
		})
	}
}
