package bench_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rawsts/rawsts/bench/sdkv2"
	"github.com/rawsts/rawsts/creds"
	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

const role = ststest.DemoRoleArn

// webIdentity returns a rawsts web identity provider for a role at the emulator srv, with a
// token its issuer minted.
func webIdentity(tb testing.TB, srv *ststest.Server, now func() time.Time) *creds.WebIdentity {
	tb.Helper()
	token, err := srv.Issuer.Mint(map[string]any{"sub": "system:serviceaccount:shop:checkout", "aud": "sts.amazonaws.com"})
	if err != nil {
		tb.Fatal(err)
	}
	return &creds.WebIdentity{Token: idtoken.Static(token), RoleARN: role,
		Client: &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1, Now: now}}
}

// exchanges counts the AssumeRoleWithWebIdentity calls the emulator received.
func exchanges(srv *ststest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Form.Get("Action") == "AssumeRoleWithWebIdentity" {
			n++
		}
	}
	return n
}

// TestSDKSignsWithProvider: the SDK's STS client, given a rawsts Cache through the adapter,
// signs GetCallerIdentity with the web identity session's credentials, and the emulator
// verifies the signature (sigv4.Verify against the session it issued).
func TestSDKSignsWithProvider(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	client := sdksts.New(sdksts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  sdkv2.CredentialsProvider{Provider: creds.NewCache(webIdentity(t, srv, nil))},
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	})
	for i := 0; i < 2; i++ {
		out, err := client.GetCallerIdentity(context.Background(), &sdksts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity %d: %v", i+1, err)
		}
		if got := aws.ToString(out.Account); got != "123456789012" {
			t.Errorf("GetCallerIdentity %d: Account = %q", i+1, got)
		}
	}
	signed := 0
	for _, r := range srv.Requests() {
		if r.Form.Get("Action") == "GetCallerIdentity" && r.Header.Get("X-Amz-Security-Token") != "" {
			signed++
		}
	}
	if signed != 2 || exchanges(srv) != 1 {
		t.Errorf("%d signed GetCallerIdentity calls and %d exchanges; want 2 and 1 (the Cache kept the session)", signed, exchanges(srv))
	}
}

// clock is a test clock moved by hand, shared by the emulator and the Cache.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestThousandCallersOneExchange: 1000 goroutines hitting an empty Cache, and again once the
// session is due for renewal, make exactly one AssumeRoleWithWebIdentity each time, counted
// at the loopback emulator.
func TestThousandCallersOneExchange(t *testing.T) {
	clk := &clock{now: time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)}
	srv := ststest.NewServer(ststest.WithNow(clk.Now))
	defer srv.Close()
	cache := &creds.Cache{Provider: webIdentity(t, srv, clk.Now), Now: clk.Now}

	burst := func() map[string]int {
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		keys := map[string]int{}
		for i := 0; i < 1000; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				c, err := cache.Retrieve(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				keys[c.AccessKeyID]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		return keys
	}

	first := burst()
	if n := exchanges(srv); n != 1 || len(first) != 1 {
		t.Fatalf("empty cache: %d exchanges, %d different keys for 1000 callers; want 1 and 1", n, len(first))
	}
	clk.add(59 * time.Minute) // past the renewal time (5 min + up to 1 min of jitter before expiry)
	second := burst()
	if n := exchanges(srv); n != 2 || len(second) != 1 {
		t.Fatalf("expiring cache: %d exchanges in all, %d different keys for 1000 callers; want 2 and 1", n, len(second))
	}
	for k := range second {
		if first[k] != 0 {
			t.Errorf("after renewal the callers got the old key %s", k)
		}
	}
}

// hourAhead are credentials that expire an hour after now, as an STS session does.
func hourAhead() (sigv4.Credentials, time.Time) {
	return sigv4.Credentials{AccessKeyID: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SessionToken: "AQoDYXdzEPT//////////wEXAMPLE="},
		time.Now().Add(time.Hour)
}

// BenchmarkProviderCached: a Retrieve that the cache answers (the common case: every signed
// request asks), rawsts's creds.Cache beside the SDK's aws.CredentialsCache, both on the wall
// clock in front of a provider that is not called again.
func BenchmarkProviderCached(b *testing.B) {
	ctx := context.Background()
	keys, exp := hourAhead()
	b.Run("rawsts", func(b *testing.B) {
		cache := creds.NewCache(creds.ProviderFunc(func(context.Context) (creds.Credentials, error) {
			return creds.Credentials{Credentials: keys, Expiration: exp}, nil
		}))
		if _, err := cache.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := cache.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		cache := aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: keys.AccessKeyID, SecretAccessKey: keys.SecretAccessKey, SessionToken: keys.SessionToken, CanExpire: true, Expires: exp}, nil
		}))
		if _, err := cache.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := cache.Retrieve(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
