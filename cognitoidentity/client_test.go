package cognitoidentity

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
)

func TestParseEpoch(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 with milliseconds; "" means an error
	}{
		{"1716243263", "2024-05-20T22:14:23.000Z"},
		{"1.716243263E9", "2024-05-20T22:14:23.000Z"},
		{"1.716243263e+09", "2024-05-20T22:14:23.000Z"},
		{"1716243263.5", "2024-05-20T22:14:23.500Z"},
		{"1716243263.0004", "2024-05-20T22:14:23.000Z"},
		{"0", "1970-01-01T00:00:00.000Z"},
		{`"1716243263"`, ""},
		{"-1", ""},
		{"1e300", ""},
		{"", ""},
		{"1716243263x", ""},
		{"null", ""},
		{"01", ""},
	}
	for _, tt := range tests {
		got, err := ParseEpoch(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseEpoch(%q) = %v; want an error", tt.in, got)
		case tt.want != "" && (err != nil || got.Format("2006-01-02T15:04:05.000Z07:00") != tt.want):
			t.Errorf("ParseEpoch(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatEpochRoundTrip(t *testing.T) {
	for _, s := range []string{"1716243263", "1716243263.5", "1716243263.123", "0"} {
		tm, err := ParseEpoch(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatEpoch(tm); got != s {
			t.Errorf("FormatEpoch(ParseEpoch(%q)) = %q", s, got)
		}
	}
}

func FuzzParseEpoch(f *testing.F) {
	f.Add("1.716243263E9") // the exponent form of PROTOCOL.md §12.1
	f.Add("1716243263.5")  // a fraction
	f.Add(`"1716243263"`)  // a string: refused
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseEpoch(s)
		if err != nil {
			return
		}
		// Whatever parses is formatted back to a value that parses to the same instant.
		back, err := ParseEpoch(FormatEpoch(tm))
		if err != nil || !back.Equal(tm) {
			t.Fatalf("ParseEpoch(FormatEpoch(ParseEpoch(%q) = %v)) = %v, %v", s, tm, back, err)
		}
	})
}

func TestInputValidation(t *testing.T) {
	c := &Client{Endpoint: "http://127.0.0.1:1"} // nothing is sent: every call fails first
	ctx := context.Background()
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"pool id without region", func() error { _, err := c.GetId(ctx, &GetIdInput{IdentityPoolID: "12345678-1234"}); return err }, "IdentityPoolID"},
		{"pool id with capitals", func() error {
			_, err := c.GetId(ctx, &GetIdInput{IdentityPoolID: "us-east-1:177A950C-2C08-43F0-9983-28727EXAMPLE"})
			return err
		}, "IdentityPoolID"},
		{"identity id too long", func() error {
			_, err := c.GetOpenIdToken(ctx, &GetOpenIdTokenInput{IdentityID: "us-east-1:" + strings.Repeat("a", 50)})
			return err
		}, "IdentityID"},
		{"account id letters", func() error {
			_, err := c.GetId(ctx, &GetIdInput{IdentityPoolID: fxPool, AccountID: "12345678901a"})
			return err
		}, "AccountID"},
		{"eleven logins", func() error {
			l := map[string]string{}
			for i := 0; i < 11; i++ {
				l[string(rune('a'+i))+".example.com"] = "token"
			}
			_, err := c.GetId(ctx, &GetIdInput{IdentityPoolID: fxPool, Logins: l})
			return err
		}, "Logins"},
		{"empty login token", func() error {
			_, err := c.GetId(ctx, &GetIdInput{IdentityPoolID: fxPool, Logins: map[string]string{fxProvider: ""}})
			return err
		}, "Logins"},
		{"developer identity unsigned", func() error {
			_, err := c.GetOpenIdTokenForDeveloperIdentity(ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolID: fxPool, Logins: map[string]string{"login.example.app": "user-42"}})
			return err
		}, "Credentials"},
		{"developer identity without logins", func() error {
			cc := *c
			cc.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: fxSecret}
			_, err := cc.GetOpenIdTokenForDeveloperIdentity(ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolID: fxPool})
			return err
		}, "Logins"},
		{"token duration over a day", func() error {
			cc := *c
			cc.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: fxSecret}
			_, err := cc.GetOpenIdTokenForDeveloperIdentity(ctx, &GetOpenIdTokenForDeveloperIdentityInput{IdentityPoolID: fxPool, Logins: map[string]string{"x": "y"}, TokenDuration: 86401})
			return err
		}, "TokenDuration"},
		{"short custom role", func() error {
			_, err := c.GetCredentialsForIdentity(ctx, &GetCredentialsForIdentityInput{IdentityID: fxPool, CustomRoleArn: "arn:aws:iam::1:r"})
			return err
		}, "CustomRoleArn"},
		{"bad region override", func() error {
			cc := *c
			cc.Region = "US East"
			_, err := cc.GetId(ctx, &GetIdInput{IdentityPoolID: fxPool})
			return err
		}, "Region"},
		{"http off loopback", func() error {
			cc := *c
			cc.Endpoint = "http://cognito-identity.example.com/"
			_, err := cc.GetId(ctx, &GetIdInput{IdentityPoolID: fxPool})
			return err
		}, "Endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ie *InvalidInputError
			if !errors.As(err, &ie) || ie.Field != tt.field || !strings.HasPrefix(err.Error(), "cognitoidentity: ") {
				t.Errorf("call = %v; want an *InvalidInputError for %s", err, tt.field)
			}
		})
	}
}

func TestResolveEndpoint(t *testing.T) {
	for _, tt := range []struct {
		c      Client
		region string
		want   string
	}{
		{Client{}, "eu-west-2", "https://cognito-identity.eu-west-2.amazonaws.com/"},
		{Client{Region: "us-east-1"}, "eu-west-2", "https://cognito-identity.us-east-1.amazonaws.com/"},
		{Client{Endpoint: "http://127.0.0.1:4566"}, "eu-west-2", "http://127.0.0.1:4566/"},
	} {
		if got, err := tt.c.ResolveEndpoint(tt.region); got != tt.want || err != nil {
			t.Errorf("%+v.ResolveEndpoint(%q) = %q, %v; want %q", tt.c, tt.region, got, err, tt.want)
		}
	}
}

func TestEndpointFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
		err  bool
	}{
		{map[string]string{}, "", false},
		{map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, "http://127.0.0.1:1", false},
		{map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_COGNITO_IDENTITY": "http://127.0.0.1:2"}, "http://127.0.0.1:2", false},
		{map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://127.0.0.1:3"}, "", false},
		{map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "", false},
		{map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "yes"}, "", true},
	} {
		got, err := EndpointFromEnv(func(k string) string { return tt.env[k] })
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("EndpointFromEnv(%v) = %q, %v; want %q (error %v)", tt.env, got, err, tt.want, tt.err)
		}
	}
}

func TestProviderName(t *testing.T) {
	for iss, want := range map[string]string{
		"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE": "cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE",
		"https://accounts.google.com":                                   "accounts.google.com",
		"accounts.google.com":                                           "accounts.google.com",
		"http://127.0.0.1:8080/us-east-1_EXAMPLE":                       "127.0.0.1:8080/us-east-1_EXAMPLE",
	} {
		if got := ProviderName(iss); got != want {
			t.Errorf("ProviderName(%q) = %q; want %q", iss, got, want)
		}
	}
}

// TestRedirectsAreNeverFollowed: every call carries a login token; a redirect is refused
// whatever the client, and the host it names is never contacted.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	target := fixture.NewLanding(t)
	follows := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	for _, status := range []int{301, 302, 307, 308} {
		for _, hc := range []*http.Client{nil, follows} {
			c := &Client{Endpoint: fixture.Redirector(t, status, target.URL), HTTPClient: hc, Backoff: func(int) time.Duration { return 0 }}
			_, err := c.EnhancedFlow(context.Background(), &FlowInput{IdentityPoolID: fxPool, Logins: map[string]string{fxProvider: fxIDToken}})
			var re *RedirectError
			if !errors.As(err, &re) || re.StatusCode != status || !strings.HasPrefix(err.Error(), "cognitoidentity: GetId: ") || strings.Contains(err.Error(), fixture.RedirectQuery) {
				t.Errorf("HTTP %d: EnhancedFlow = %v; want a *RedirectError prefixed cognitoidentity: GetId:, without the query", status, err)
			}
		}
	}
	if n := target.Contacted(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
}

func TestHints(t *testing.T) {
	for _, tt := range []struct {
		typ, msg, want string
	}{
		{"NotAuthorizedException", "Invalid login token. Token expired: 1667365798 >= 1667235770", "log in again"},
		{"NotAuthorizedException", "Logins don't match. Please include at least one valid login for this identity or identity pool.", "same login"},
		{"NotAuthorizedException", "Invalid login token. Couldn't verify signed token.", "signature"},
		{"NotAuthorizedException", "Invalid login token. Not a Cognito token.", "rawsts inspect"},
		{"InvalidIdentityPoolConfigurationException", "", "cognito-identity.amazonaws.com:aud"},
		{"TooManyRequestsException", "", "throttling"},
		{"InternalErrorException", "", ""},
	} {
		if got := hintFor(&APIError{Type: tt.typ, Message: tt.msg}); !strings.Contains(got, tt.want) || (tt.want == "" && got != "") {
			t.Errorf("hintFor(%s, %q) = %q; want it to contain %q", tt.typ, tt.msg, got, tt.want)
		}
	}
}
