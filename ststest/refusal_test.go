package ststest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// refusalNow is the clock of the refusal tests.
var refusalNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// signWith signs claims with key under kid and alg (RS256 or HS256), as a forger would.
func signWith(t *testing.T, alg string, key any, kid string, claims map[string]any) string {
	t.Helper()
	m := jwt.GetSigningMethod(alg)
	tok := jwt.NewWithClaims(m, jwt.MapClaims(claims))
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unsigned is an alg "none" token: header and claims, empty signature.
func unsigned(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "."
}

// TestWebIdentityRefusals: every way a web identity exchange can go wrong is refused with the
// code, message and status AWS gives (the Done-when list).
func TestWebIdentityRefusals(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return refusalNow }))
	defer srv.Close()
	other := ststest.NewServer(ststest.WithNow(func() time.Time { return refusalNow }))
	defer other.Close()
	pool, _ := srv.LookupIssuer(ststest.DefaultPoolID)
	gitlab, err := srv.AddIssuer(ststest.IssuerConfig{Name: "gitlab", Kind: "gitlab"})
	if err != nil {
		t.Fatal(err)
	}
	poolClaims := func(extra ...any) map[string]any {
		c := map[string]any{"aud": ststest.DefaultClientID, "sub": "demo-sub", "token_use": "id"}
		for i := 0; i+1 < len(extra); i += 2 {
			c[extra[i].(string)] = extra[i+1]
		}
		return c
	}
	mint := func(iss *ststest.Issuer, claims map[string]any) string {
		tok, err := iss.Mint(claims)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := refusalNow.Unix()
	full := func(iss string) map[string]any {
		return map[string]any{"iss": iss, "aud": ststest.DefaultClientID, "sub": "demo-sub", "iat": now, "exp": now + 3600}
	}
	poolIss := srv.URL + "/" + ststest.DefaultPoolID
	roleInOther := "arn:aws:iam::111122223333:role/TestRole"
	for _, tt := range []struct {
		name, role, token string
		status            int
		code, msg         string
		exactMessage      bool
	}{
		{"alg none", "", unsigned(fmt.Sprintf(`{"iss":%q,"aud":%q,"sub":"x","exp":%d}`, poolIss, ststest.DefaultClientID, now+3600)),
			400, "InvalidIdentityToken", diagnose.MsgNotJWT, true},
		{"HS256", "", signWith(t, "HS256", []byte("a-shared-secret-a-shared-secret!"), pool.KeyID(), full(poolIss)),
			400, "InvalidIdentityToken", diagnose.MsgNotJWT, true},
		{"signed by another key", "", signWith(t, "RS256", forger, pool.KeyID(), full(poolIss)),
			400, "InvalidIdentityToken", diagnose.MsgTokenNotValidated, true},
		{"unknown kid", "", signWith(t, "RS256", forger, "not-a-kid-of-the-pool", full(poolIss)),
			400, "InvalidIdentityToken", diagnose.MsgNoVerificationKey, true},
		{"unregistered issuer", "", mint(gitlab, map[string]any{"aud": ststest.DefaultClientID}),
			400, "InvalidIdentityToken", diagnose.MsgNoProvider + srv.URL + "/gitlab", true},
		{"wrong audience", "", mint(pool, poolClaims("aud", "another-client")),
			400, "InvalidIdentityToken", diagnose.MsgIncorrectAudience, true},
		{"expired in 2001", "", mint(pool, poolClaims("iat", 978307200, "exp", 978310800)),
			400, "ExpiredTokenException", fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time 978310800", now), true},
		{"expired beyond the grace", "", mint(pool, poolClaims("iat", now-3600, "exp", now-6*60)),
			400, "ExpiredTokenException", "Token expired: current date/time", false},
		{"trust policy mismatch (DemoRole trusts the /oidc issuer)", ststest.DemoRoleArn, mint(pool, poolClaims()),
			403, "AccessDenied", diagnose.MsgAssumeRoleWithWebIdentity, true},
		{"role in another account", roleInOther, mint(pool, poolClaims()),
			400, "InvalidIdentityToken", diagnose.MsgNoProvider + poolIss, true},
		{"role the account does not have", "arn:aws:iam::123456789012:role/NoSuchRole", mint(pool, poolClaims()),
			403, "AccessDenied", diagnose.MsgAssumeRoleWithWebIdentity, true},
		{"role under another path", "arn:aws:iam::123456789012:role/ci/TestRole", mint(pool, poolClaims()),
			403, "AccessDenied", diagnose.MsgAssumeRoleWithWebIdentity, true},
		{"token from another emulator", "", mint(mustIssuer(t, other, ststest.DefaultPoolID), poolClaims()),
			400, "InvalidIdentityToken", diagnose.MsgNoProvider + other.URL + "/" + ststest.DefaultPoolID, true},
		{"forged issuer", "", signWith(t, "RS256", forger, "k", full("https://token.actions.githubusercontent.com")),
			400, "InvalidIdentityToken", diagnose.MsgNoProvider + "https://token.actions.githubusercontent.com", true},
		{"access token", "", mint(pool, poolClaims("aud", nil, "token_use", "access", "client_id", ststest.DefaultClientID)),
			400, "InvalidIdentityToken", diagnose.MsgNotJWT, true},
		{"duration over the role's maximum", "", mint(pool, poolClaims()),
			400, "ValidationError", diagnose.MsgDurationExceedsMax, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			role := tt.role
			if role == "" {
				role = ststest.DefaultRoleArn
			}
			v := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
				"RoleSessionName": {"refused"}, "WebIdentityToken": {tt.token}}
			if strings.HasPrefix(tt.name, "duration") {
				v.Set("DurationSeconds", "7200")
			}
			r := post(t, srv, v)
			if r.status != tt.status || r.Code != tt.code || r.Type != "Sender" ||
				(tt.exactMessage && r.Message != tt.msg) || !strings.HasPrefix(r.Message, tt.msg) {
				t.Errorf("AssumeRoleWithWebIdentity(%s) = %d %s %q; want %d %s %q", tt.name, r.status, r.Code, r.Message, tt.status, tt.code, tt.msg)
			}
			if r.ErrorRequestID == "" || r.ErrorRequestID != r.header.Get("X-Amzn-Requestid") {
				t.Errorf("RequestId %q, header %q; want the same request id", r.ErrorRequestID, r.header.Get("X-Amzn-Requestid"))
			}
			if strings.Contains(r.Message, tt.token) {
				t.Errorf("the message quotes the token")
			}
		})
	}
	// Within STS's grace past exp the token is still good, as diagnose says.
	in := ghInput(mint(pool, poolClaims("iat", now-3600, "exp", now-4*60)))
	in.RoleArn = ststest.DefaultRoleArn
	if _, err := (&sts.Client{Endpoint: srv.URL, MaxAttempts: 1}).AssumeRoleWithWebIdentity(context.Background(), in); err != nil {
		t.Errorf("AssumeRoleWithWebIdentity(expired 4 minutes ago) = %v; want credentials within STS's 5-minute grace", err)
	}
}

func mustIssuer(t *testing.T, srv *ststest.Server, name string) *ststest.Issuer {
	t.Helper()
	iss, ok := srv.LookupIssuer(name)
	if !ok {
		t.Fatalf("LookupIssuer(%q) = false", name)
	}
	return iss
}

// TestSignedRefusals: a tampered request, one dated ten minutes off, expired credentials on
// every signed call, and AssumeRole of a role whose trust policy does not name the caller.
func TestSignedRefusals(t *testing.T) {
	srv, clk, client := signedSetup(t)
	ctx := context.Background()
	alice := &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}

	// A request signed, then changed on the way.
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	if _, err := (&sigv4.Signer{}).SignHTTP(req, *alice, hex.EncodeToString(sum[:]), "sts", "us-east-1", clk.Now()); err != nil {
		t.Fatal(err)
	}
	tampered := "Action=GetCallerIdentity&Version=2011-06-15&X=1"
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(tampered)), int64(len(tampered))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got := readReply(t, resp)
	if got.status != 403 || got.Code != "SignatureDoesNotMatch" || !strings.HasPrefix(got.Message, "The request signature we calculated does not match") {
		t.Errorf("tampered request = %d %s %q; want 403 SignatureDoesNotMatch", got.status, got.Code, got.Message)
	}

	// A client whose clock is ten minutes off.
	skewed := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), Credentials: alice, MaxAttempts: 1,
		Now: func() time.Time { return clk.Now().Add(-10 * time.Minute) }}
	_, err = skewed.GetCallerIdentity(ctx)
	if ae := apiErr(err); ae == nil || ae.Code != "SignatureDoesNotMatch" || ae.StatusCode != 403 || !strings.HasPrefix(ae.Message, "Signature expired:") {
		t.Errorf("GetCallerIdentity(10 minutes slow) = %v; want 403 SignatureDoesNotMatch Signature expired", err)
	}

	// AssumeRole of a role whose trust policy names others (TestRole trusts the pool only).
	_, err = client(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: ststest.DefaultRoleArn, RoleSessionName: "denied"})
	want := "User: arn:aws:iam::123456789012:user/Alice is not authorized to perform: sts:AssumeRole on resource: " + ststest.DefaultRoleArn
	if ae := apiErr(err); ae == nil || ae.Code != "AccessDenied" || ae.StatusCode != 403 || ae.Message != want {
		t.Errorf("AssumeRole(TestRole as Alice) = %v; want 403 AccessDenied %q", err, want)
	}
	// … and of a role the account does not have: the same answer.
	_, err = client(alice).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::111122223333:role/demo", RoleSessionName: "denied"})
	if ae := apiErr(err); ae == nil || ae.Code != "AccessDenied" || !strings.HasSuffix(ae.Message, "on resource: arn:aws:iam::111122223333:role/demo") {
		t.Errorf("AssumeRole(another account) = %v; want AccessDenied", err)
	}
	// Tags need sts:TagSession: Deploy allows sts:AssumeRole only.
	web := assumeDemoRole(t, srv)
	_, err = client(session(web.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/Deploy",
		RoleSessionName: "tagged", Tags: []sts.Tag{{Key: "team", Value: "a"}}})
	if ae := apiErr(err); ae == nil || ae.Code != "AccessDenied" || !strings.Contains(ae.Message, "perform: sts:TagSession on resource") {
		t.Errorf("AssumeRole(Deploy, with tags) = %v; want AccessDenied for sts:TagSession", err)
	}
	// Deploy trusts DemoRole's sessions: allowed without tags.
	if _, err := client(session(web.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/Deploy", RoleSessionName: "chained"}); err != nil {
		t.Errorf("AssumeRole(Deploy as DemoRole) = %v; want credentials", err)
	}

	// Expired credentials: ExpiredToken on every signed call.
	clk.Add(2 * time.Hour)
	expired := client(session(web.Credentials))
	for name, call := range map[string]func() error{
		"GetCallerIdentity": func() error { _, err := expired.GetCallerIdentity(ctx); return err },
		"AssumeRole": func() error {
			_, err := expired.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/Deploy", RoleSessionName: "late"})
			return err
		},
		"GetSessionToken":  func() error { _, err := expired.GetSessionToken(ctx, nil); return err },
		"GetAccessKeyInfo": func() error { _, err := expired.GetAccessKeyInfo(ctx, ststest.UserAccessKeyID); return err },
	} {
		if ae := apiErr(call()); ae == nil || ae.Code != "ExpiredToken" || ae.StatusCode != 400 || ae.Message != "The security token included in the request is expired" {
			t.Errorf("%s(expired session) = %v; want 400 ExpiredToken", name, ae)
		}
	}
}

// assumeDemoRole exchanges a token of the default issuer for a DemoRole session.
func assumeDemoRole(t *testing.T, srv *ststest.Server) *sts.AssumeRoleWithWebIdentityOutput {
	t.Helper()
	tok, err := srv.Issuer.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	in := ghInput(tok)
	in.RoleArn = ststest.DemoRoleArn
	out, err := (&sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity(DemoRole) = %v", err)
	}
	return out
}

func apiErr(err error) *sts.APIError {
	var ae *sts.APIError
	if err != nil && errors.As(err, &ae) {
		return ae
	}
	return nil
}

// readReply decodes an STS reply the way post does.
func readReply(t *testing.T, resp *http.Response) *reply {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return decodeReply(t, resp, body)
}

// TestEventLog: every decision is reported as it is made, refusals with the check that failed,
// never with the token.
func TestEventLog(t *testing.T) {
	var mu sync.Mutex
	var events []ststest.Event
	srv := ststest.NewServer(ststest.WithEventLog(func(e ststest.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }))
	defer srv.Close()
	pool := mustIssuer(t, srv, ststest.DefaultPoolID)
	good, _ := pool.Mint(map[string]any{"aud": ststest.DefaultClientID})
	bad, _ := pool.Mint(map[string]any{"aud": "another-client"})
	for _, tok := range []string{good, bad} {
		post(t, srv, url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {ststest.DefaultRoleArn},
			"RoleSessionName": {"logged"}, "WebIdentityToken": {tok}})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 2 {
		t.Fatalf("%d events; want 2: %+v", len(events), events)
	}
	allow, deny := events[0], events[1]
	if allow.Decision != "allow" || allow.Action != "AssumeRoleWithWebIdentity" || !strings.Contains(allow.Principal, pool.URL) {
		t.Errorf("first event = %+v; want an allow naming the pool's issuer", allow)
	}
	if deny.Decision != "deny" || deny.Code != "InvalidIdentityToken" || deny.Check != diagnose.CheckProviderAud || !strings.Contains(deny.Detail, "another-client") {
		t.Errorf("second event = %+v; want a deny by provider.audience", deny)
	}
	for _, e := range events {
		if s := fmt.Sprintf("%+v", e); strings.Contains(s, good) || strings.Contains(s, bad) {
			t.Errorf("an event quotes the token: %s", s)
		}
	}
}
