package cognitoidentity

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

// The values of the fixtures in testdata/fixtures/cognito-identity.
const (
	fxPool     = "eu-west-2:12345678-1234-1234-1234-123456789012"
	fxProvider = "cognito-idp.eu-west-2.amazonaws.com/eu-west-2_eYpv1mFHB"
	fxIDToken  = "eyJraWQiOiJFWEFNUExFa2lkIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJhMmMyZTI5MC02ZDBmLTRhMDgtYTVjYS1mMDE2MjkzNWYzYTYiLCJhdWQiOiIxOHU4MTE5amdicHI0NjRuMjhzMWl0azJtcSIsImVtYWlsX3ZlcmlmaWVkIjp0cnVlLCJ0b2tlbl91c2UiOiJpZCIsImF1dGhfdGltZSI6OTQ5Mzc0MjQ1LCJpc3MiOiJodHRwczovL2NvZ25pdG8taWRwLmV1LXdlc3QtMi5hbWF6b25hd3MuY29tL2V1LXdlc3QtMl9lWXB2MW1GSEIiLCJjb2duaXRvOnVzZXJuYW1lIjoiYTJjMmUyOTAtNmQwZi00YTA4LWE1Y2EtZjAxNjI5MzVmM2E2IiwiZXhwIjo5NDkzNzc4NDUsImlhdCI6OTQ5Mzc0MjQ1LCJlbWFpbCI6ImpvaG4uZG9lQGV4YW1wbGUuY29tIn0.RVhBTVBMRS1TSUdOQVRVUkUtTk9ULVZBTElE"
	fxAccess   = "eyJraWQiOiJFWEFNUExFa2lkIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJhMmMyZTI5MC02ZDBmLTRhMDgtYTVjYS1mMDE2MjkzNWYzYTYiLCJjbGllbnRfaWQiOiIxOHU4MTE5amdicHI0NjRuMjhzMWl0azJtcSIsInRva2VuX3VzZSI6ImFjY2VzcyIsInNjb3BlIjoiYXdzLmNvZ25pdG8uc2lnbmluLnVzZXIuYWRtaW4iLCJhdXRoX3RpbWUiOjk0OTM3NDI0NSwiaXNzIjoiaHR0cHM6Ly9jb2duaXRvLWlkcC5ldS13ZXN0LTIuYW1hem9uYXdzLmNvbS9ldS13ZXN0LTJfZVlwdjFtRkhCIiwiZXhwIjo5NDkzNzc4NDUsImlhdCI6OTQ5Mzc0MjQ1LCJ1c2VybmFtZSI6ImEyYzJlMjkwLTZkMGYtNGEwOC1hNWNhLWYwMTYyOTM1ZjNhNiJ9.RVhBTVBMRS1TSUdOQVRVUkUtTk9ULVZBTElE"
	fxSecret   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var fxNow = time.Date(2000, 2, 1, 3, 4, 5, 0, time.UTC)

// replayCases has one entry per file in testdata/fixtures/cognito-identity: what the client
// does against it. The test fails on a file without an entry and on an entry without a file.
func replayCases() map[string]func(context.Context, *Client) (any, error) {
	login := map[string]string{fxProvider: fxIDToken}
	enhanced := func(ctx context.Context, c *Client) (any, error) {
		return c.EnhancedFlow(ctx, &FlowInput{IdentityPoolID: fxPool, Logins: login})
	}
	basic := func(ctx context.Context, c *Client) (any, error) {
		return c.BasicFlow(ctx, &FlowInput{IdentityPoolID: fxPool, Logins: login})
	}
	getID := func(logins map[string]string) func(context.Context, *Client) (any, error) {
		return func(ctx context.Context, c *Client) (any, error) {
			return c.GetId(ctx, &GetIdInput{IdentityPoolID: fxPool, Logins: logins})
		}
	}
	return map[string]func(context.Context, *Client) (any, error){
		"enhanced-flow": enhanced,
		"basic-flow":    basic,
		"guest-refused": getID(nil),
		"developer-identity-signed": func(ctx context.Context, c *Client) (any, error) {
			c.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: fxSecret}
			return c.GetOpenIdTokenForDeveloperIdentity(ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolID: fxPool,
				Logins: map[string]string{"login.example.app": "user-42"}, TokenDuration: 900})
		},
		"error-access-token":                  getID(map[string]string{fxProvider: fxAccess}),
		"error-issuer-mismatch":               getID(map[string]string{"cognito-idp.eu-west-2.amazonaws.com/eu-west-2_OTHER1234": fxIDToken}),
		"error-resource-not-found":            getID(login),
		"error-invalid-configuration":         enhanced,
		"error-classic-flow-disabled":         basic,
		"error-namespaced-type":               getID(login),
		"retry-too-many-requests":             getID(login),
		"error-html-502":                      getID(login),
		"error-credentials-string-expiration": enhanced,
	}
}

func TestReplay(t *testing.T) {
	cases := replayCases()
	files := fixture.Glob(t, filepath.Join("..", "testdata", "fixtures", "cognito-identity", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	seen := map[string]bool{}
	for _, fc := range files {
		fc := fc
		seen[fc.Name] = true
		t.Run(fc.Name, func(t *testing.T) {
			run, ok := cases[fc.Name]
			if !ok {
				t.Fatalf("fixture %s has no entry in replayCases", fc.Name)
			}
			tr := fixture.NewTransport(t, fc)
			c := &Client{HTTPClient: tr.Client(), Backoff: func(int) time.Duration { return 0 }, Now: func() time.Time { return fxNow }}
			out, err := run(context.Background(), c)
			fixture.Golden(t, filepath.Join("testdata", "golden", fc.Name+".golden"), renderResult(out, err, len(tr.Sent())))
			if err != nil {
				for _, s := range []string{fxIDToken, fxAccess, fxSecret} {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q contains a secret", err)
					}
				}
			}
			checkSigning(t, c.Credentials != nil, tr.Sent())
		})
	}
	for name := range cases {
		if !seen[name] {
			t.Errorf("replayCases has %s but there is no fixture file for it", name)
		}
	}
}

// checkSigning checks what the fixtures cannot say: unsigned calls carry no Authorization and
// no X-Amz-Date; the signed one is signed for cognito-identity in the pool's region.
func checkSigning(t *testing.T, signed bool, sent []fixture.Request) {
	t.Helper()
	for _, r := range sent {
		auth := r.Header.Get("Authorization")
		if !signed {
			if auth != "" || r.Header.Get("X-Amz-Date") != "" {
				t.Errorf("%s sent Authorization %q, X-Amz-Date %q; want an unsigned call", r.Header.Get("X-Amz-Target"), auth, r.Header.Get("X-Amz-Date"))
			}
			continue
		}
		want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20000201/eu-west-2/cognito-identity/aws4_request, "
		if !strings.HasPrefix(auth, want) {
			t.Errorf("Authorization = %q; want prefix %q", auth, want)
		}
		for _, h := range []string{"content-type", "host", "x-amz-date", "x-amz-target"} {
			if !strings.Contains(auth, h) {
				t.Errorf("Authorization = %q; want %s among the signed headers", auth, h)
			}
		}
	}
}

// renderResult is the golden text of one run: the result as JSON, or the error and its type.
func renderResult(out any, err error, requests int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "requests: %d\n", requests)
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		var ae *APIError
		var re *ResponseError
		switch {
		case errors.As(err, &ae):
			fmt.Fprintf(&b, "APIError: Type=%s StatusCode=%d RequestID=%s\nhint: %s\n", ae.Type, ae.StatusCode, ae.RequestID, ae.Hint)
		case errors.As(err, &re):
			fmt.Fprintf(&b, "ResponseError: StatusCode=%d\n", re.StatusCode)
		}
		return []byte(b.String())
	}
	j, _ := json.MarshalIndent(out, "", "  ")
	b.Write(j)
	b.WriteString("\n")
	if o, ok := out.(*GetCredentialsForIdentityOutput); ok {
		fmt.Fprintf(&b, "expires: %s\n", o.Credentials.Expiration.Format(time.RFC3339))
	}
	return []byte(b.String())
}
