package ststest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// clock is a settable clock shared by the server and the client, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// signedSetup starts an emulator on a fixed clock and returns a client that signs with creds.
func signedSetup(t *testing.T) (*ststest.Server, *clock, func(creds *sigv4.Credentials) *sts.Client) {
	t.Helper()
	clk := &clock{t: time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)}
	srv := ststest.NewServer(ststest.WithConfig(testConfig()), ststest.WithNow(clk.Now))
	t.Cleanup(srv.Close)
	return srv, clk, func(creds *sigv4.Credentials) *sts.Client {
		return &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), Now: clk.Now, Credentials: creds, MaxAttempts: 1}
	}
}

func session(c sts.Credentials) *sigv4.Credentials {
	return &sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
}

func apiCode(err error) string {
	var ae *sts.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// TestRoleChainAgainstEmulator: web identity → whoami → assume-role → whoami shows the chained
// role, every signed call verified by the emulator with sigv4.Verify.
func TestRoleChainAgainstEmulator(t *testing.T) {
	srv, _, client := signedSetup(t)
	ctx := context.Background()
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	web, err := client(nil).AssumeRoleWithWebIdentity(ctx, ghInput(tok))
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity = %v", err)
	}
	who, err := client(session(web.Credentials)).GetCallerIdentity(ctx)
	if err != nil {
		t.Fatalf("GetCallerIdentity(web identity session) = %v", err)
	}
	if who.Arn != web.AssumedRoleUser.Arn || who.UserID != web.AssumedRoleUser.AssumedRoleID || who.Account != "123456789012" {
		t.Errorf("GetCallerIdentity = %+v; want the web identity session %+v", who, web.AssumedRoleUser)
	}
	chained, err := client(session(web.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: "arn:aws:iam::123456789012:role/deploy/prod", RoleSessionName: "chained", DurationSeconds: 900,
		Tags: []sts.Tag{{Key: "Project", Value: "Pegasus"}}, TransitiveTagKeys: []string{"Project"},
	})
	if err != nil {
		t.Fatalf("AssumeRole(chained) = %v", err)
	}
	if chained.Credentials.AccessKeyID == web.Credentials.AccessKeyID || chained.PackedPolicySize == nil {
		t.Errorf("AssumeRole = %+v; want new credentials and a PackedPolicySize", chained)
	}
	who2, err := client(session(chained.Credentials)).GetCallerIdentity(ctx)
	if err != nil {
		t.Fatalf("GetCallerIdentity(chained) = %v", err)
	}
	if want := "arn:aws:sts::123456789012:assumed-role/prod/chained"; who2.Arn != want || !strings.HasSuffix(who2.UserID, ":chained") {
		t.Errorf("GetCallerIdentity(chained) = %+v; want Arn %s", who2, want)
	}
	// Chained sessions last at most an hour.
	_, err = client(session(chained.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "long", DurationSeconds: 7200})
	if apiCode(err) != "ValidationError" || !strings.Contains(err.Error(), "1 hour session limit") {
		t.Errorf("AssumeRole(chained, 7200 s) = %v; want ValidationError about role chaining", err)
	}
}

// TestSignedCallsAsUser: the documented EXAMPLE user key is known from the start.
func TestSignedCallsAsUser(t *testing.T) {
	_, _, client := signedSetup(t)
	ctx := context.Background()
	alice := client(&sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey})
	who, err := alice.GetCallerIdentity(ctx)
	if err != nil || who.Arn != ststest.UserArn || who.UserID != ststest.UserID || who.Account != ststest.Account {
		t.Fatalf("GetCallerIdentity(Alice) = %+v, %v; want %s", who, err, ststest.UserArn)
	}
	st, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: 900})
	if err != nil || !st.Credentials.Expiration.Equal(time.Date(2015, 8, 30, 12, 51, 0, 0, time.UTC)) {
		t.Fatalf("GetSessionToken = %+v, %v; want 15-minute credentials", st, err)
	}
	sess := client(session(st.Credentials))
	if who, err := sess.GetCallerIdentity(ctx); err != nil || who.Arn != ststest.UserArn {
		t.Errorf("GetCallerIdentity(session token) = %+v, %v; want the user", who, err)
	}
	if _, err := sess.GetSessionToken(ctx, nil); apiCode(err) != "AccessDenied" {
		t.Errorf("GetSessionToken(session credentials) = %v; want AccessDenied", err)
	}
	info, err := alice.GetAccessKeyInfo(ctx, st.Credentials.AccessKeyID)
	if err != nil || info.Account != ststest.Account {
		t.Errorf("GetAccessKeyInfo = %+v, %v; want account %s", info, err, ststest.Account)
	}
	ar, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "testAR",
		SourceIdentity: "Alice", DurationSeconds: 7200})
	if err != nil || ar.SourceIdentity != "Alice" || ar.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/demo/testAR" {
		t.Errorf("AssumeRole(Alice, 2 h) = %+v, %v; want demo/testAR with SourceIdentity Alice", ar, err)
	}
}

// TestSignedCallFailures: each way a signature or key can be wrong gets STS's code.
func TestSignedCallFailures(t *testing.T) {
	srv, clk, client := signedSetup(t)
	ctx := context.Background()
	alice := client(&sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey})
	st, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: 900})
	if err != nil {
		t.Fatal(err)
	}
	wrongToken := session(st.Credentials)
	wrongToken.SessionToken = "IQoJb3JpZ2luX2VjEXAMPLEnotTheToken"
	tests := []struct {
		name     string
		creds    *sigv4.Credentials
		skew     time.Duration // client clock ahead of the server's
		code     string
		status   int
		contains string
	}{
		{"wrong secret", &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
			0, "SignatureDoesNotMatch", 403, "does not match the signature you provided"},
		{"unknown key", &sigv4.Credentials{AccessKeyID: "AKIAI44QH8DHBEXAMPLE", SecretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"},
			0, "InvalidClientTokenId", 403, "security token included in the request is invalid"},
		{"wrong session token", wrongToken, 0, "InvalidClientTokenId", 403, "invalid"},
		{"clock 10 minutes ahead", session(st.Credentials), 10 * time.Minute, "SignatureDoesNotMatch", 403, "Signature expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(tt.creds)
			c.Now = func() time.Time { return clk.Now().Add(tt.skew) }
			_, err := c.GetCallerIdentity(ctx)
			var ae *sts.APIError
			if !errors.As(err, &ae) || ae.Code != tt.code || ae.StatusCode != tt.status || !strings.Contains(ae.Message, tt.contains) {
				t.Errorf("GetCallerIdentity(%s) = %v; want %s (HTTP %d) saying %q", tt.name, err, tt.code, tt.status, tt.contains)
			}
			if err != nil && strings.Contains(err.Error(), tt.creds.SecretAccessKey) {
				t.Errorf("error quotes the secret key: %v", err)
			}
		})
	}

	// The session expires after 15 minutes.
	clk.Add(16 * time.Minute)
	if _, err := client(session(st.Credentials)).GetCallerIdentity(ctx); apiCode(err) != "ExpiredToken" ||
		!strings.Contains(err.Error(), "The security token included in the request is expired") {
		t.Errorf("GetCallerIdentity(expired session) = %v; want ExpiredToken", err)
	}

	// Unsigned: MissingAuthenticationToken.
	resp, err := srv.Client().PostForm(srv.URL, url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned GetCallerIdentity: HTTP %d; want 403", resp.StatusCode)
	}
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: &http.Client{Transport: stripAuth{srv.Client().Transport}},
		Credentials: &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}, MaxAttempts: 1}
	if _, err := c.GetCallerIdentity(ctx); apiCode(err) != "MissingAuthenticationToken" {
		t.Errorf("GetCallerIdentity without Authorization = %v; want MissingAuthenticationToken", err)
	}
}

// stripAuth removes the signature on the way out, as a misbehaving proxy would.
type stripAuth struct{ base http.RoundTripper }

func (s stripAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del("Authorization")
	return s.base.RoundTrip(r)
}

// TestConcurrentSessions issues and uses sessions from many goroutines (run with -race).
func TestConcurrentSessions(t *testing.T) {
	_, _, client := signedSetup(t)
	ctx := context.Background()
	alice := client(&sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey})
	var wg sync.WaitGroup
	keys := make([]string, 8)
	for i := range keys {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ar, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "s" + string(rune('a'+i))})
			if err != nil {
				t.Errorf("AssumeRole = %v", err)
				return
			}
			keys[i] = ar.Credentials.AccessKeyID
			if who, err := client(session(ar.Credentials)).GetCallerIdentity(ctx); err != nil || !strings.HasSuffix(who.Arn, "/s"+string(rune('a'+i))) {
				t.Errorf("GetCallerIdentity = %+v, %v", who, err)
			}
		}(i)
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Errorf("access key %s issued twice", k)
		}
		seen[k] = true
	}
}

// TestExpiredSessionForgotten: STS answers ExpiredToken for an expired session; the emulator
// does so for an hour past the expiry and then, once a later session is issued, forgets the
// key, which is from then on unknown (InvalidClientTokenId).
func TestExpiredSessionForgotten(t *testing.T) {
	_, clk, client := signedSetup(t)
	ctx := context.Background()
	alice := client(&sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey})
	st, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: 900})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		advance time.Duration // before issuing another session and calling with the first
		code    string
	}{
		{"59 minutes past expiry", 15*time.Minute + 59*time.Minute, "ExpiredToken"},
		{"over an hour past expiry", 2 * time.Minute, "InvalidClientTokenId"},
	}
	for _, tt := range tests {
		clk.Add(tt.advance)
		if _, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: 900}); err != nil {
			t.Fatal(err)
		}
		if _, err := client(session(st.Credentials)).GetCallerIdentity(ctx); apiCode(err) != tt.code {
			t.Errorf("GetCallerIdentity(session %s) = %v; want %s", tt.name, err, tt.code)
		}
	}
}

// TestAssumeRoleIdentityPolicies: within the account, a trust policy that names the caller (its
// ARN, its role's) is enough on its own; one that trusts the account only needs the caller's
// identity policies to allow sts:AssumeRole on the role too; an explicit deny in them (here a
// session policy) refuses either way (STS API Reference, AssumeRole; IAM User Guide, "Policy
// evaluation logic").
func TestAssumeRoleIdentityPolicies(t *testing.T) {
	srv, _, client := signedSetup(t)
	ctx := context.Background()
	web := func(role, policy string) *sigv4.Credentials {
		t.Helper()
		tok, err := srv.Issuer.Mint(nil)
		if err != nil {
			t.Fatal(err)
		}
		out, err := client(nil).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: role, RoleSessionName: "web", WebIdentityToken: tok, Policy: policy})
		if err != nil {
			t.Fatalf("AssumeRoleWithWebIdentity(%s) = %v", role, err)
		}
		return session(out.Credentials)
	}
	const denyAssume = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},` +
		`{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]}`
	alice := &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}
	for _, tt := range []struct {
		name   string
		caller *sigv4.Credentials
		role   string
		want   string // "" for an allow, else words of the AccessDenied message
	}{
		{"named by its role's ARN, no identity policy needed", web(ststest.DemoRoleArn, ""), "arn:aws:iam::123456789012:role/Deploy", ""},
		{"account trust, no identity policy allows", web(ststest.DemoRoleArn, ""), "arn:aws:iam::123456789012:role/demo",
			"is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo because no identity-based policy allows the sts:AssumeRole action"},
		{"account trust, the role's policy allows", web("arn:aws:iam::123456789012:role/GitHubActionsDeploy", ""), "arn:aws:iam::123456789012:role/demo", ""},
		{"account trust, the user's policy allows", alice, "arn:aws:iam::123456789012:role/demo", ""},
		{"named, but a session policy denies", web(ststest.DemoRoleArn, denyAssume), "arn:aws:iam::123456789012:role/Deploy",
			"sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Deploy with an explicit deny in a session policy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client(tt.caller).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: tt.role, RoleSessionName: "next", DurationSeconds: 900})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("AssumeRole(%s) = %v; want credentials", tt.role, err)
			case tt.want != "" && (apiCode(err) != "AccessDenied" || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("AssumeRole(%s) = %v; want AccessDenied %q", tt.role, err, tt.want)
			}
		})
	}
}
