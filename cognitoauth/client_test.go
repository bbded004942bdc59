package cognitoauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sigv4"
)

func TestEndpointFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"none", nil, ""},
		{"generic", map[string]string{"AWS_ENDPOINT_URL": "http://localhost:4566"}, "http://localhost:4566"},
		{"service wins", map[string]string{"AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://b"}, "http://b"},
		{"ignored", map[string]string{"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://b", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := EndpointFromEnv(func(k string) string { return tt.env[k] }); got != tt.want || err != nil {
				t.Errorf("EndpointFromEnv(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
			}
		})
	}
}

func TestEndpointFromEnvBadIgnoreFlag(t *testing.T) {
	env := map[string]string{"AWS_ENDPOINT_URL": "http://a", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "perhaps"}
	if _, err := EndpointFromEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
		t.Errorf("EndpointFromEnv = %v; want an error naming AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", err)
	}
}

func TestRegionAndEndpoint(t *testing.T) {
	tests := []struct {
		name      string
		c         Client
		want      string // URL, or "" for an InvalidInputError
		wantField string
	}{
		{"from pool", Client{UserPoolID: "eu-west-2_eYpv1mFHB"}, "https://cognito-idp.eu-west-2.amazonaws.com/", ""},
		{"region override", Client{UserPoolID: "eu-west-2_eYpv1mFHB", Region: "us-east-1"}, "https://cognito-idp.us-east-1.amazonaws.com/", ""},
		{"endpoint override", Client{UserPoolID: "us-east-1_x", Endpoint: "http://127.0.0.1:9229"}, "http://127.0.0.1:9229/", ""},
		{"endpoint with path", Client{UserPoolID: "us-east-1_x", Endpoint: "https://proxy.example.com/cognito"}, "https://proxy.example.com/cognito", ""},
		{"bad pool", Client{UserPoolID: "nounderscore"}, "", "UserPoolID"},
		{"host injection", Client{UserPoolID: "evil.com/x_abc"}, "", "UserPoolID"},
		{"bad region", Client{UserPoolID: "x_abc", Region: "EU WEST"}, "", "Region"},
		{"plain http to a remote host", Client{UserPoolID: "us-east-1_x", Endpoint: "http://example.com"}, "", "Endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			r, err := tt.c.region()
			if err == nil {
				var u interface{ String() string }
				u, err = tt.c.endpoint(r)
				if err == nil {
					got = u.String()
				}
			}
			var ie *InvalidInputError
			switch {
			case tt.want != "" && got != tt.want:
				t.Errorf("endpoint(%+v) = %q, %v; want %q", tt.c, got, err, tt.want)
			case tt.want == "" && (!errors.As(err, &ie) || ie.Field != tt.wantField):
				t.Errorf("endpoint(%+v) = %q, %v; want an InvalidInputError on %s", tt.c, got, err, tt.wantField)
			}
		})
	}
}

// server is an httptest server answering each request with the next of replies.
func server(t *testing.T, replies ...func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *int32) {
	t.Helper()
	var n int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(atomic.AddInt32(&n, 1)) - 1
		if i >= len(replies) {
			t.Errorf("unexpected request #%d", i+1)
			w.WriteHeader(500)
			return
		}
		replies[i](w, r)
	}))
	t.Cleanup(s.Close)
	return s, &n
}

func reply(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", jsonType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func testClient(endpoint string) *Client {
	return &Client{UserPoolID: vaPoolID, ClientID: vaClientID, Endpoint: endpoint,
		Backoff: func(int) time.Duration { return 0 }, Now: func() time.Time { return vaNow }}
}

func TestRetries(t *testing.T) {
	tokens := `{"AuthenticationResult":{"IdToken":"id","AccessToken":"at","ExpiresIn":3600,"TokenType":"Bearer"}}`
	tests := []struct {
		name     string
		replies  []func(http.ResponseWriter, *http.Request)
		wantN    int32
		wantType string // "" means success
	}{
		{"502 then 200", []func(http.ResponseWriter, *http.Request){reply(502, ""), reply(200, tokens)}, 2, ""},
		{"5xx three times", []func(http.ResponseWriter, *http.Request){reply(503, ""), reply(503, ""), reply(503, "")}, 3, "ResponseError"},
		{"NotAuthorized is not retried", []func(http.ResponseWriter, *http.Request){reply(400, `{"__type":"NotAuthorizedException"}`)}, 1, "NotAuthorizedException"},
		{"throttled three times", []func(http.ResponseWriter, *http.Request){
			reply(400, `{"__type":"TooManyRequestsException"}`), reply(400, `{"__type":"TooManyRequestsException"}`), reply(400, `{"__type":"TooManyRequestsException"}`)}, 3, "TooManyRequestsException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, n := server(t, tt.replies...)
			_, err := testClient(s.URL).Login(context.Background(), &pwLogin, nil)
			if got := atomic.LoadInt32(n); got != tt.wantN {
				t.Errorf("requests = %d; want %d", got, tt.wantN)
			}
			var ae *APIError
			var re *ResponseError
			switch {
			case tt.wantType == "" && err != nil:
				t.Errorf("Login = %v; want success", err)
			case tt.wantType == "ResponseError" && !errors.As(err, &re):
				t.Errorf("Login = %v; want a ResponseError", err)
			case tt.wantType != "" && tt.wantType != "ResponseError" && (!errors.As(err, &ae) || ae.Type != tt.wantType):
				t.Errorf("Login = %v; want %s", err, tt.wantType)
			}
		})
	}
}

func TestReplyProblems(t *testing.T) {
	big := strings.Repeat(" ", httpx.MaxBodySize+1)
	tests := []struct {
		name  string
		reply func(http.ResponseWriter, *http.Request)
		want  string
	}{
		{"200 not JSON", reply(200, "<html>hi</html>"), "not JSON"},
		{"200 neither tokens nor challenge", reply(200, `{}`), "neither tokens nor a challenge"},
		{"body over the cap", reply(200, big), "larger than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := server(t, tt.reply)
			_, err := testClient(s.URL).Login(context.Background(), &pwLogin, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Login = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoginLocalErrors(t *testing.T) {
	tests := []struct {
		name  string
		c     *Client
		in    LoginInput
		field string
	}{
		{"no client id", &Client{UserPoolID: vaPoolID}, pwLogin, "ClientID"},
		{"no password", testClient(""), LoginInput{Username: "u"}, "Password"},
		{"no username", testClient(""), LoginInput{Flow: FlowPassword, Password: "p"}, "Username"},
		{"refresh without token", testClient(""), LoginInput{Flow: FlowRefresh}, "RefreshToken"},
		{"refresh with secret needs username", &Client{UserPoolID: vaPoolID, ClientID: vaClientID, ClientSecret: "s"}, LoginInput{Flow: FlowRefresh, RefreshToken: "r"}, "Username"},
		{"admin without credentials", testClient(""), LoginInput{Flow: FlowAdminPassword, Username: "u", Password: "p"}, "Credentials"},
		{"unknown flow", testClient(""), LoginInput{Flow: "CUSTOM_AUTH", Username: "u", Password: "p"}, "Flow"},
		{"bad pool for SRP", &Client{UserPoolID: "nopool", ClientID: "c"}, LoginInput{Username: "u", Password: "p"}, "UserPoolID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.HTTPClient = &http.Client{Transport: failTransport{t}}
			_, err := tt.c.Login(context.Background(), &tt.in, nil)
			var ie *InvalidInputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Errorf("Login(%s) = %v; want an InvalidInputError on %s", tt.name, err, tt.field)
			}
		})
	}
}

// failTransport fails the test if anything is sent.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected request to %s", r.URL)
	return nil, errors.New("nothing may be sent")
}

type challengerFunc func(ctx context.Context, c *Challenge) (map[string]string, error)

func (f challengerFunc) Answer(ctx context.Context, c *Challenge) (map[string]string, error) {
	return f(ctx, c)
}

func TestChallengeErrors(t *testing.T) {
	newPw := `{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"s3ss10n-s3ss10n-s3ss10n","ChallengeParameters":{"requiredAttributes":"[\"userAttributes.name\",\"userAttributes.family_name\"]"}}`
	tests := []struct {
		name string
		ch   Challenger
		want string
	}{
		{"no challenger", nil, "no Challenger"},
		{"challenger fails", challengerFunc(func(context.Context, *Challenge) (map[string]string, error) {
			return nil, errors.New("stdin closed")
		}), "answering NEW_PASSWORD_REQUIRED: stdin closed"},
		{"no new password", challengerFunc(func(context.Context, *Challenge) (map[string]string, error) {
			return map[string]string{"name": "J"}, nil
		}), "NEW_PASSWORD is required"},
		{"missing attributes", challengerFunc(func(context.Context, *Challenge) (map[string]string, error) {
			return map[string]string{"NEW_PASSWORD": "Secret-Pass-1", "userAttributes.name": "J"}, nil
		}), "userAttributes.family_name must be given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := server(t, reply(200, newPw))
			_, err := testClient(s.URL).Login(context.Background(), &pwLogin, tt.ch)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Login = %v; want an error containing %q", err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), "s3ss10n") || strings.Contains(err.Error(), "Secret-Pass-1")) {
				t.Errorf("Login error %q leaks a secret", err)
			}
		})
	}
}

func TestTooManySteps(t *testing.T) {
	mfa := `{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"s","ChallengeParameters":{}}`
	var replies []func(http.ResponseWriter, *http.Request)
	for i := 0; i <= maxStepsLogin; i++ {
		replies = append(replies, reply(200, mfa))
	}
	s, _ := server(t, replies...)
	ch := challengerFunc(func(context.Context, *Challenge) (map[string]string, error) {
		return map[string]string{"SOFTWARE_TOKEN_MFA_CODE": "1"}, nil
	})
	_, err := testClient(s.URL).Login(context.Background(), &pwLogin, ch)
	if !errors.Is(err, ErrTooManySteps) {
		t.Errorf("Login = %v; want ErrTooManySteps", err)
	}
}

func TestContextCanceled(t *testing.T) {
	s, _ := server(t, reply(503, ""))
	c := testClient(s.URL)
	c.Backoff = func(int) time.Duration { return time.Hour }
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Login(ctx, &pwLogin, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Login = %v; want context.DeadlineExceeded", err)
	}
}

func TestRequestShape(t *testing.T) {
	// What every request carries, on a real socket: POST /, the JSON 1.1 headers, the
	// User-Agent; Admin calls are signed, the others are not.
	var got []*http.Request
	record := func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		reply(200, `{"AuthenticationResult":{"IdToken":"id","AccessToken":"at","ExpiresIn":3600,"TokenType":"Bearer"}}`)(w, r)
	}
	s, _ := server(t, record, record)
	c := testClient(s.URL)
	c.UserAgent = "rawsts/test"
	c.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SessionToken: "tok"}
	if _, err := c.InitiateAuth(context.Background(), &InitiateAuthInput{AuthFlow: FlowPassword}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminInitiateAuth(context.Background(), &AdminInitiateAuthInput{InitiateAuthInput: InitiateAuthInput{AuthFlow: FlowAdminPassword}}); err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if r.Method != "POST" || r.URL.Path != "/" || r.Header.Get("Content-Type") != jsonType || r.Header.Get("User-Agent") != "rawsts/test" {
			t.Errorf("request %d = %s %s %v; want POST / with JSON 1.1 headers", i, r.Method, r.URL.Path, r.Header)
		}
	}
	if a := got[0].Header.Get("Authorization"); a != "" {
		t.Errorf("InitiateAuth Authorization = %q; want none", a)
	}
	if a := got[1].Header.Get("Authorization"); !strings.Contains(a, "/eu-west-2/cognito-idp/aws4_request") || got[1].Header.Get("X-Amz-Security-Token") != "tok" {
		t.Errorf("AdminInitiateAuth Authorization = %q; want a cognito-idp signature with the session token", a)
	}
	if tgt := got[1].Header.Get("X-Amz-Target"); tgt != "AWSCognitoIdentityProviderService.AdminInitiateAuth" {
		t.Errorf("X-Amz-Target = %q", tgt)
	}
}

// TestErrorsScrubEchoedSecrets: a proxy's page (or a Cognito message) that echoes the password
// or the client secret must not carry it into error text.
func TestErrorsScrubEchoedSecrets(t *testing.T) {
	const password = "Correct-Horse-9!"
	for _, tt := range []struct {
		name, contentType, body string
		status                  int
	}{
		{"proxy page", "text/html", "<html>denied: PASSWORD=" + password + " secret=clientsecretvalue</html>", http.StatusForbidden},
		{"cognito message", "application/x-amz-json-1.1", `{"__type":"InvalidParameterException","message":"bad value ` + password + ` / clientsecretvalue"}`, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c := testClient(srv.URL)
			c.ClientSecret = "clientsecretvalue"
			_, err := c.Login(context.Background(), &LoginInput{Flow: FlowPassword, Username: "alice", Password: password}, nil)
			if err == nil {
				t.Fatal("Login succeeded; want an error")
			}
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "clientsecretvalue") {
				t.Errorf("Login error %q quotes a secret", err)
			}
		})
	}
}

// TestErrorsHideEchoesInEveryEncoding: the password, the client secret, and the session token
// and signature of a signed admin call, echoed by Cognito or a proxy in any encoding — in an
// APIError message or cut across the ResponseError's snippet limit — stay out of the error.
func TestErrorsHideEchoesInEveryEncoding(t *testing.T) {
	const (
		password = `Pa55/w+rd="é"`
		secret   = "client-secret-value-0123456789"
		tok      = "IQoJb3JpZ2luX2VjEE0a+admin/session=="
	)
	encodings := map[string]func(string) string{
		"raw":          func(s string) string { return s },
		"query escape": url.QueryEscape,
		"JSON-escaped": func(s string) string {
			b, _ := json.Marshal(s)
			return strings.ReplaceAll(string(b[1:len(b)-1]), "/", `\/`)
		},
		"XML-escaped": func(s string) string {
			return strings.NewReplacer("+", "&#43;", "/", "&#x2F;", "=", "&#61;", `"`, "&quot;").Replace(s)
		},
		"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	}
	for name, enc := range encodings {
		for _, shape := range []string{"APIError", "ResponseError cut at the limit"} {
			t.Run(name+"/"+shape, func(t *testing.T) {
				var sig string
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					auth := r.Header.Get("Authorization")
					sig = auth[strings.LastIndex(auth, "=")+1:]
					echo := enc(password) + " " + enc(secret) + " " + enc(r.Header.Get("X-Amz-Security-Token")) + " " + enc(sig)
					w.WriteHeader(http.StatusBadRequest)
					if shape == "APIError" {
						b, _ := json.Marshal(map[string]string{"__type": "InvalidParameterException", "message": "bad: " + echo})
						w.Write(b)
						return
					}
					io.WriteString(w, "<html>"+strings.Repeat("x", snippetLen-30)+" "+echo+"</html>")
				}))
				defer srv.Close()
				c := testClient(srv.URL)
				c.ClientSecret = secret
				c.MaxAttempts = 1
				c.Credentials = &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SessionToken: tok}
				_, err := c.Login(context.Background(), &LoginInput{Flow: FlowAdminPassword, Username: "alice", Password: password}, nil)
				if err == nil {
					t.Fatal("Login succeeded; want an error")
				}
				for _, s := range []string{enc(password), enc(secret), enc(tok), enc(sig)} {
					if strings.Contains(err.Error(), s[:6]) {
						t.Errorf("Login error %q keeps the start of %q", err, s)
					}
				}
			})
		}
	}
}

// TestTruncatedReplyHidesTokens: a 200 whose JSON stops in the middle of a token is quoted in
// the ResponseError without the token, also under lower-case keys.
func TestTruncatedReplyHidesTokens(t *testing.T) {
	for _, body := range []string{
		`{"AuthenticationResult":{"AccessToken":"opaque-access-token","ExpiresIn":3600,"IdToken":"eyJraWQiOiJrMSJ9.eyJzdWIiOiJhbGljZSJ9.c2ln`,
		`{"authenticationResult":{"accessToken":"opaque-access-token","refreshToken":"opaque-refresh","idToken":"eyJraWQiOiJrMSJ9.eyJzdWIiOiJh`,
		`{"AuthenticationResult":{"RefreshToken":"opaque-refresh\`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, body)
		}))
		c := testClient(srv.URL)
		_, err := c.Login(context.Background(), &LoginInput{Flow: FlowPassword, Username: "alice", Password: "Correct-Horse-9!"}, nil)
		srv.Close()
		var re *ResponseError
		if !errors.As(err, &re) {
			t.Fatalf("Login(%q) = %v; want a *ResponseError", body, err)
		}
		for _, s := range []string{"opaque-access", "opaque-refresh", "eyJraWQ", "eyJzdWI"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("Login(%q) = %q; want %q hidden", body, err, s)
			}
		}
	}
}

// TestErrorsPrintOnOneLine: a Cognito message with ESC sequences and newlines cannot colour
// the terminal or forge a "rawsts:" line.
func TestErrorsPrintOnOneLine(t *testing.T) {
	for _, body := range []string{
		`{"__type":"NotAuthorizedException\u202e","message":"\u001b[31mIncorrect\nrawsts: forged\r"}`,
		"<html>\x1b[2J\r\nrawsts: forged</html>",
	} {
		err := decodeError(400, http.Header{}, []byte(body), nil)
		if s := err.Error(); strings.ContainsAny(s, "\x1b\n\r\u202e") || !strings.Contains(s, `rawsts: forged`) || !strings.Contains(s, `\n`) {
			t.Errorf("decodeError(%q).Error() = %q; want one line, escaped", body, s)
		}
	}
}

// TestLoginHidesEarlierStepsSecrets: a reply to a later step of a login that echoes what an
// earlier step sent (the password of InitiateAuth, in an error to RespondToAuthChallenge) shows
// none of it: the secrets of every step of one Login are hidden in the errors of all.
func TestLoginHidesEarlierStepsSecrets(t *testing.T) {
	var first string
	s, _ := server(t,
		func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			first = string(b)
			reply(200, `{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"sess-1234567890","ChallengeParameters":{"requiredAttributes":"[]","userAttributes":"{}"}}`)(w, r)
		},
		func(w http.ResponseWriter, r *http.Request) {
			msg, _ := json.Marshal("you sent " + first)
			reply(400, `{"__type":"InvalidPasswordException","message":`+string(msg)+`}`)(w, r)
		})
	ch := challengerFunc(func(context.Context, *Challenge) (map[string]string, error) {
		return map[string]string{"NEW_PASSWORD": "New-Secret-Pass-2"}, nil
	})
	_, err := testClient(s.URL).Login(context.Background(), &pwLogin, ch)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "you sent") {
		t.Fatalf("Login = %v; want the InvalidPasswordException", err)
	}
	if strings.Contains(err.Error(), vaPassword) {
		t.Errorf("Login error %q shows the password the first step sent", err)
	}
}
