package cognitoauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
)

// answers is a Challenger that answers from a table keyed by challenge name and records
// what it was asked.
type answers struct {
	byName map[string]map[string]string
	asked  []string
}

func (a *answers) Answer(_ context.Context, c *Challenge) (map[string]string, error) {
	detail := c.Name
	if attrs := c.RequiredAttributes(); len(attrs) > 0 {
		detail += " required=" + strings.Join(attrs, ",")
	}
	if choices := c.MFAChoices(); len(choices) > 0 {
		detail += " choices=" + strings.Join(choices, ",")
	}
	a.asked = append(a.asked, detail)
	ans, ok := a.byName[c.Name]
	if !ok {
		return nil, fmt.Errorf("no answer for %s", c.Name)
	}
	return ans, nil
}

// replaySetup is what a fixture case needs on our side: the client and the login.
type replaySetup struct {
	secret  bool // the app client has vector A's secret
	admin   bool // Credentials are set
	in      LoginInput
	answers map[string]map[string]string
}

var (
	pwLogin = LoginInput{Flow: FlowPassword, Username: "john.doe", Password: vaPassword}
	tokenRT = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.RVhBTVBMRS1LRVk.RVhBTVBMRS1JVg.RVhBTVBMRS1SRUZSRVNILVRPS0VO.RVhBTVBMRS1UQUc"
)

// replaySetups has one entry per file in testdata/fixtures/cognito; the test fails on a file
// without an entry and on an entry without a file.
func replaySetups() map[string]replaySetup {
	totp := map[string]map[string]string{"SOFTWARE_TOKEN_MFA": {"SOFTWARE_TOKEN_MFA_CODE": "123456"}}
	return map[string]replaySetup{
		"srp-success":           {in: LoginInput{Username: vaSub, Password: vaPassword}},
		"srp-secret-alias":      {secret: true, in: LoginInput{Flow: FlowSRP, Username: "john.doe", Password: vaPassword}},
		"password-success":      {in: pwLogin},
		"admin-password-signed": {admin: true, in: LoginInput{Flow: FlowAdminPassword, Username: "john.doe", Password: vaPassword}},
		"refresh-token-secret":  {secret: true, in: LoginInput{Flow: FlowRefresh, Username: vaSub, RefreshToken: tokenRT}},
		"new-password-required": {in: pwLogin, answers: map[string]map[string]string{
			"NEW_PASSWORD_REQUIRED": {"NEW_PASSWORD": "Correct-Horse-9", "name": "John Doe"}}},
		"software-token-mfa": {in: pwLogin, answers: totp},
		"sms-mfa":            {in: pwLogin, answers: map[string]map[string]string{"SMS_MFA": {"SMS_MFA_CODE": "654321"}}},
		"email-otp":          {in: pwLogin, answers: map[string]map[string]string{"EMAIL_OTP": {"EMAIL_OTP_CODE": "24680135"}}},
		"select-mfa-type": {in: pwLogin, answers: map[string]map[string]string{
			"SELECT_MFA_TYPE":    {"ANSWER": "SOFTWARE_TOKEN_MFA"},
			"SOFTWARE_TOKEN_MFA": {"SOFTWARE_TOKEN_MFA_CODE": "123456"}}},
		"mfa-setup-unsupported":                 {in: pwLogin},
		"error-not-authorized":                  {in: pwLogin},
		"error-user-not-found":                  {in: pwLogin},
		"error-user-not-confirmed":              {in: pwLogin},
		"error-password-reset-required":         {in: pwLogin},
		"error-flow-not-enabled":                {in: pwLogin},
		"error-invalid-user-pool-configuration": {in: pwLogin},
		"error-resource-not-found":              {in: pwLogin},
		"error-namespaced-type":                 {in: pwLogin},
		"error-header-type":                     {in: pwLogin},
		"error-html-403":                        {in: pwLogin},
		"retry-too-many-requests":               {in: pwLogin},
		"retry-internal-error":                  {in: pwLogin},
		"error-code-mismatch": {in: pwLogin, answers: map[string]map[string]string{
			"SOFTWARE_TOKEN_MFA": {"SOFTWARE_TOKEN_MFA_CODE": "000000"}}},
		"error-expired-code": {in: pwLogin, answers: map[string]map[string]string{"SMS_MFA": {"SMS_MFA_CODE": "654321"}}},
	}
}

// secrets are the values that must never appear in an error.
var secrets = []string{vaPassword, vaSecret, "Correct-Horse-9", "123456", "654321", "24680135", tokenRT, "AYABeEXAMPLE"}

func TestReplay(t *testing.T) {
	setups := replaySetups()
	cases := fixture.Glob(t, filepath.Join("..", "testdata", "fixtures", "cognito", "*.txt"))
	if len(cases) == 0 {
		t.Fatal("no fixtures found")
	}
	seen := map[string]bool{}
	for _, fc := range cases {
		fc := fc
		seen[fc.Name] = true
		t.Run(fc.Name, func(t *testing.T) {
			setup, ok := setups[fc.Name]
			if !ok {
				t.Fatalf("fixture %s has no entry in replaySetups", fc.Name)
			}
			tr := fixture.NewTransport(t, fc)
			c := &Client{
				UserPoolID: vaPoolID,
				ClientID:   vaClientID,
				HTTPClient: tr.Client(),
				Backoff:    func(int) time.Duration { return 0 },
				Now:        func() time.Time { return vaNow },
				Rand:       vaRand(),
			}
			if setup.secret {
				c.ClientSecret = vaSecret
			}
			if setup.admin {
				c.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
			}
			ch := &answers{byName: setup.answers}
			in := setup.in
			toks, err := c.Login(context.Background(), &in, ch)
			fixture.Golden(t, filepath.Join("testdata", "golden", fc.Name+".golden"), renderResult(toks, err, ch.asked, len(tr.Sent())))
			if err != nil {
				for _, s := range secrets {
					if strings.Contains(err.Error(), s) {
						t.Errorf("Login error %q contains the secret %q", err, s)
					}
				}
			}
			if setup.admin {
				checkAdminSignature(t, tr.Sent())
			}
		})
	}
	for name := range setups {
		if !seen[name] {
			t.Errorf("replaySetups has %s but there is no fixture file for it", name)
		}
	}
}

// checkAdminSignature checks what the fixture records as "*": a SigV4 Authorization for
// cognito-idp in the pool's region, at the client's clock.
func checkAdminSignature(t *testing.T, sent []fixture.Request) {
	t.Helper()
	for _, r := range sent {
		auth := r.Header.Get("Authorization")
		want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20000201/eu-west-2/cognito-idp/aws4_request, "
		if !strings.HasPrefix(auth, want) {
			t.Errorf("Authorization = %q; want prefix %q", auth, want)
		}
		for _, h := range []string{"host", "x-amz-date", "x-amz-target"} {
			if !strings.Contains(auth, h) {
				t.Errorf("Authorization = %q; want %s among the signed headers", auth, h)
			}
		}
	}
}

// renderResult is the golden text of one Login: the tokens as JSON, or the error and its type.
func renderResult(toks *Tokens, err error, asked []string, requests int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "requests: %d\n", requests)
	for _, a := range asked {
		fmt.Fprintf(&b, "asked: %s\n", a)
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		var ae *APIError
		var re *ResponseError
		var ue *UnsupportedChallengeError
		switch {
		case errors.As(err, &ae):
			fmt.Fprintf(&b, "APIError: Type=%s StatusCode=%d RequestID=%s\nhint: %s\n", ae.Type, ae.StatusCode, ae.RequestID, ae.Hint)
		case errors.As(err, &re):
			fmt.Fprintf(&b, "ResponseError: StatusCode=%d\n", re.StatusCode)
		case errors.As(err, &ue):
			fmt.Fprintf(&b, "UnsupportedChallengeError: Name=%s\n", ue.Name)
		}
		return []byte(b.String())
	}
	j, _ := json.MarshalIndent(toks, "", "  ")
	b.Write(j)
	b.WriteString("\n")
	return []byte(b.String())
}
