package ststest_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/ststest"
)

// TestEventString: the line of WithLog for each shape of event.
func TestEventString(t *testing.T) {
	at := time.Date(2024, 7, 10, 15, 4, 5, 0, time.Local)
	for _, tt := range []struct {
		name string
		e    ststest.Event
		want string
	}{
		{"allow", ststest.Event{Time: at, Service: "sts", Action: "AssumeRole", Resource: "role/Deploy", Principal: "arn:aws:iam::123456789012:user/Alice",
			Decision: "allow", Detail: "session arn:aws:sts::123456789012:assumed-role/Deploy/x"},
			"15:04:05 sts AssumeRole role/Deploy principal=arn:aws:iam::123456789012:user/Alice ALLOW session arn:aws:sts::123456789012:assumed-role/Deploy/x"},
		{"deny with check", ststest.Event{Time: at, Service: "sts", Action: "AssumeRoleWithWebIdentity", Resource: "role/TestRole",
			Principal: "https://127.0.0.1:4566/oidc sub demo", Decision: "deny", Code: "AccessDenied", Check: "policy.condition", Detail: "aud differs"},
			`15:04:05 sts AssumeRoleWithWebIdentity role/TestRole principal="https://127.0.0.1:4566/oidc sub demo" DENY AccessDenied policy.condition: aud differs`},
		{"deny without detail", ststest.Event{Time: at, Service: "sts", Action: "GetCallerIdentity", Decision: "deny", Code: "InvalidClientTokenId"},
			"15:04:05 sts GetCallerIdentity - principal=- DENY InvalidClientTokenId"},
		{"allow without detail", ststest.Event{Time: at, Service: "sts", Action: "GetCallerIdentity", Principal: "arn:aws:iam::123456789012:user/Alice", Decision: "allow"},
			"15:04:05 sts GetCallerIdentity - principal=arn:aws:iam::123456789012:user/Alice ALLOW"},
		{"control characters", ststest.Event{Time: at, Service: "sts", Action: "AssumeRoleWithWebIdentity", Principal: "iss sub a\x1b[31m\nb",
			Decision: "deny", Code: "X", Detail: "line1\nline2"},
			`15:04:05 sts AssumeRoleWithWebIdentity - principal="iss sub a\x1b[31m\nb" DENY X: line1\nline2`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.String(); got != tt.want {
				t.Errorf("String() = %q; want %q", got, tt.want)
			}
		})
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestWithLog: one line per decision (STS, Cognito's logins, the issuers' documents fetched
// over the network), each one Write, and every secret the server holds or received scrubbed —
// here a token whose subject is the demo user's password, which a line would otherwise quote.
func TestWithLog(t *testing.T) {
	var out lockedBuffer
	var events atomic.Int32
	srv := ststest.NewServer(ststest.WithLog(&out), ststest.WithEventLog(func(ststest.Event) { events.Add(1) }))
	defer srv.Close()
	ctx := context.Background()

	c := &cognitoauth.Client{UserPoolID: ststest.DefaultPoolID, ClientID: ststest.DefaultClientID, Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
	if _, err := c.Login(ctx, &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: ststest.DefaultUsername, Password: ststest.DefaultPassword}, nil); err != nil {
		t.Fatalf("Login = %v", err)
	}
	tok, err := srv.Issuer.Mint(map[string]any{"sub": ststest.DefaultPassword})
	if err != nil {
		t.Fatal(err)
	}
	post(t, srv, url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {ststest.DemoRoleArn},
		"RoleSessionName": {"logged"}, "WebIdentityToken": {tok}})
	v := &jwtinspect.Verifier{HTTPClient: srv.Client()}
	decoded, _ := jwtinspect.Decode(tok)
	if _, err := v.Verify(ctx, decoded); err != nil {
		t.Fatalf("Verify over the network = %v", err)
	}
	resp, err := srv.Client().Get(srv.Issuer.URL + "/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		`^\d\d:\d\d:\d\d cognito-idp InitiateAuth client/1example23456789 principal=demo ALLOW USER_PASSWORD_AUTH: tokens issued$`,
		`^\d\d:\d\d:\d\d sts AssumeRoleWithWebIdentity role/DemoRole principal="http://127\.0\.0\.1:\d+/oidc sub <redacted 14 chars>" ALLOW session arn:aws:sts::123456789012:assumed-role/DemoRole/logged$`,
		`^\d\d:\d\d:\d\d oidc GetDiscoveryDocument http://127\.0\.0\.1:\d+/oidc principal=127\.0\.0\.1 ALLOW /oidc/\.well-known/openid-configuration$`,
		`^\d\d:\d\d:\d\d oidc GetJWKS http://127\.0\.0\.1:\d+/oidc principal=127\.0\.0\.1 ALLOW /oidc/jwks$`,
		`^\d\d:\d\d:\d\d oidc Get http://127\.0\.0\.1:\d+/oidc principal=127\.0\.0\.1 DENY NotFound: /oidc/nothing-here$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("WithLog wrote %d lines; want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(lines[i]) {
			t.Errorf("line %d = %q; want it to match %s", i, lines[i], w)
		}
	}
	if strings.Contains(out.String(), ststest.DefaultPassword) || strings.Contains(out.String(), tok) {
		t.Errorf("the log shows a secret:\n%s", out.String())
	}
	if n := events.Load(); int(n) != len(want) {
		t.Errorf("WithEventLog got %d events beside WithLog; want %d", n, len(want))
	}
}

// TestWithLogTLSHandshake: a client that does not trust the CA is a line of the log, not a
// line of the standard logger.
func TestWithLogTLSHandshake(t *testing.T) {
	var out lockedBuffer
	srv := ststest.NewTLSServer(ststest.WithLog(&out))
	defer srv.Close()
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get(srv.URL + "/oidc/jwks"); err == nil {
		t.Fatal("a client without the CA got a reply")
	}
	want := regexp.MustCompile(`http TLSHandshake - principal=127\.0\.0\.1 DENY .*bad certificate \(the client does not trust the emulator's CA: give it AWS_CA_BUNDLE\)`)
	for deadline := time.Now().Add(5 * time.Second); !want.MatchString(out.String()) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // the server reads the client's alert on its own goroutine
	}
	if !want.MatchString(out.String()) {
		t.Errorf("log = %q; want the failed handshake", out.String())
	}
}
