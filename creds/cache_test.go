package creds

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// t0 is the start of every test clock.
var t0 = time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)

// clock is a test clock moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// fake is a provider whose answers the test sets; it counts its calls.
type fake struct {
	mu      sync.Mutex
	calls   int
	answer  func(n int) (Credentials, error) // n is the call number, from 1
	started chan struct{}                    // when set, receives at the start of each call
	release chan struct{}                    // when set, each call waits for it
}

func (f *fake) Retrieve(ctx context.Context) (Credentials, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	if f.started != nil {
		select {
		case f.started <- struct{}{}:
		default:
		}
	}
	if f.release != nil {
		<-f.release
	}
	return f.answer(n)
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// session returns credentials numbered n that expire at exp.
func session(n int, exp time.Time) Credentials {
	return Credentials{Credentials: sigv4.Credentials{AccessKeyID: "ASIA" + strings.Repeat("N", n) + "EXAMPLE", SecretAccessKey: "secret", SessionToken: "token"},
		Expiration: exp, Source: "fake"}
}

// hourly answers a fresh one-hour session, fetched at the clock's time, on every call.
func hourly(c *clock) func(int) (Credentials, error) {
	return func(n int) (Credentials, error) { return session(n, c.Now().Add(time.Hour)), nil }
}

func TestCacheRenewsBeforeExpiry(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	f := &fake{answer: hourly(clk)}
	jitter := 40 * time.Second
	c := &Cache{Provider: f, Now: clk.Now, Rand: func(n int64) int64 {
		if n != int64(DefaultJitter) {
			t.Errorf("Rand(%d); want Rand(DefaultJitter)", n)
		}
		return int64(jitter)
	}}
	first, err := c.Retrieve(ctx)
	if err != nil || first.AccessKeyID != "ASIANEXAMPLE" {
		t.Fatalf("Retrieve = %v, %v", first, err)
	}
	renewAt := t0.Add(time.Hour - DefaultRefreshWindow - jitter)
	for _, at := range []time.Time{t0, t0.Add(30 * time.Minute), renewAt.Add(-time.Nanosecond)} {
		clk.set(at)
		if got, err := c.Retrieve(ctx); err != nil || got != first || f.count() != 1 {
			t.Fatalf("Retrieve at %s = %v, %v after %d calls; want the kept credentials, 1 call", at.Sub(t0), got.AccessKeyID, err, f.count())
		}
	}
	clk.set(renewAt)
	if got, err := c.Retrieve(ctx); err != nil || got.AccessKeyID != "ASIANNEXAMPLE" || f.count() != 2 {
		t.Fatalf("Retrieve at the renewal time = %v, %v after %d calls; want new credentials from a 2nd call", got.AccessKeyID, err, f.count())
	}
}

func TestCacheRenewalTimes(t *testing.T) {
	for _, tt := range []struct {
		name     string
		window   time.Duration
		jitter   time.Duration
		rand     int64
		lifetime time.Duration
		want     time.Duration // after t0
	}{
		{"defaults, no jitter drawn", 0, 0, 0, time.Hour, 55 * time.Minute},
		{"defaults, all the jitter", 0, 0, int64(DefaultJitter) - 1, time.Hour, 54*time.Minute + 1},
		{"custom window, jitter off", 15 * time.Minute, -1, 999, time.Hour, 45 * time.Minute},
		{"custom jitter", 0, 10 * time.Minute, int64(7 * time.Minute), time.Hour, 48 * time.Minute},
		{"shorter than the window: halfway", 0, -1, 0, 4 * time.Minute, 2 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			f := &fake{answer: func(n int) (Credentials, error) { return session(n, clk.Now().Add(tt.lifetime)), nil }}
			c := &Cache{Provider: f, Now: clk.Now, RefreshWindow: tt.window, Jitter: tt.jitter, Rand: func(int64) int64 { return tt.rand }}
			c.Retrieve(context.Background())
			clk.set(t0.Add(tt.want - 1))
			c.Retrieve(context.Background())
			if f.count() != 1 {
				t.Fatalf("renewed before %s", tt.want)
			}
			clk.set(t0.Add(tt.want))
			c.Retrieve(context.Background())
			if f.count() != 2 {
				t.Fatalf("not renewed at %s", tt.want)
			}
		})
	}
}

func TestCacheKeepsCredentialsWithoutExpiry(t *testing.T) {
	clk := newClock()
	f := &fake{answer: func(int) (Credentials, error) {
		return Credentials(Static{Credentials: sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "s"}}), nil
	}}
	c := &Cache{Provider: f, Now: clk.Now}
	c.Retrieve(context.Background())
	clk.set(t0.Add(100 * 365 * 24 * time.Hour))
	if got, err := c.Retrieve(context.Background()); err != nil || got.AccessKeyID != "AKIAIOSFODNN7EXAMPLE" || f.count() != 1 {
		t.Fatalf("Retrieve a century later = %v, %v, %d calls; want the same keys, 1 call", got, err, f.count())
	}
}

// TestCacheFailedRenewal: while a renewal fails the still-valid credentials are served without
// an error, the provider is retried after 1 s, 2 s, 4 s …; once they expire the error is
// returned, and is not kept for good.
func TestCacheFailedRenewal(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	down := errors.New("sts: Throttling")
	var failing atomic.Bool
	f := &fake{answer: func(n int) (Credentials, error) {
		if failing.Load() {
			return Credentials{}, down
		}
		return session(n, clk.Now().Add(time.Hour)), nil
	}}
	c := &Cache{Provider: f, Now: clk.Now, Jitter: -1}
	first, _ := c.Retrieve(ctx)
	failing.Store(true)

	steps := []struct {
		at        time.Duration // after t0
		wantCalls int
		wantErr   bool
	}{
		{55 * time.Minute, 2, false},                             // due: fails, old credentials served
		{55*time.Minute + 999*time.Millisecond, 2, false},        // within the 1 s delay: no call
		{55*time.Minute + time.Second, 3, false},                 // retried, fails again
		{55*time.Minute + 2*time.Second, 3, false},               // now the delay is 2 s
		{55*time.Minute + 3*time.Second, 4, false},               // retried
		{59*time.Minute + 59*time.Second, 5, false},              // still valid: served
		{time.Hour, 6, true},                                     // expired: the error
		{time.Hour + 10*time.Second, 6, true},                    // kept for the delay (16 s after the 5th failure in a row)
		{time.Hour + 40*time.Second + time.Millisecond, 7, true}, // tried again, not kept for good
	}
	for _, s := range steps {
		clk.set(t0.Add(s.at))
		got, err := c.Retrieve(ctx)
		if f.count() != s.wantCalls {
			t.Fatalf("at %s: %d calls; want %d", s.at, f.count(), s.wantCalls)
		}
		if s.wantErr {
			if !errors.Is(err, down) || got.AccessKeyID != "" {
				t.Fatalf("at %s: Retrieve = %v, %v; want the provider's error and no credentials", s.at, got.AccessKeyID, err)
			}
			continue
		}
		if err != nil || got != first {
			t.Fatalf("at %s: Retrieve = %v, %v; want the still-valid credentials and no error", s.at, got.AccessKeyID, err)
		}
	}
	failing.Store(false)
	clk.set(t0.Add(2 * time.Hour))
	if got, err := c.Retrieve(ctx); err != nil || got.AccessKeyID == "" {
		t.Fatalf("after recovery: Retrieve = %v, %v", got, err)
	}
}

func TestCacheRefusesExpiredCredentials(t *testing.T) {
	clk := newClock()
	f := &fake{answer: func(n int) (Credentials, error) { return session(n, t0.Add(-time.Second)), nil }}
	_, err := (&Cache{Provider: f, Now: clk.Now}).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "fake returned credentials that expired at 2026-08-20T11:59:59Z") {
		t.Fatalf("Retrieve = %v; want an error saying the credentials came expired", err)
	}
}

// TestCacheOneRenewalInFlight: callers that arrive while a renewal runs wait for it; the
// provider runs once.
func TestCacheOneRenewalInFlight(t *testing.T) {
	clk := newClock()
	f := &fake{answer: hourly(clk), started: make(chan struct{}, 1), release: make(chan struct{})}
	c := &Cache{Provider: f, Now: clk.Now}
	const n = 100
	var wg sync.WaitGroup
	results := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.Retrieve(context.Background())
			if err != nil {
				t.Error(err)
			}
			results <- got.AccessKeyID
		}()
	}
	// Release the renewal only once every caller is waiting for one.
	for c.waits.Load() < n {
		runtime.Gosched()
	}
	close(f.release)
	wg.Wait()
	close(results)
	for id := range results {
		if id != "ASIANEXAMPLE" {
			t.Errorf("a caller got %q; want the one renewal's credentials", id)
		}
	}
	if f.count() != 1 {
		t.Errorf("%d calls for %d concurrent callers; want 1", f.count(), n)
	}
}

// TestCacheCallerGivesUp: a caller whose context ends while it waits gets its context's
// error (or the still-valid credentials); the renewal carries on for the others.
func TestCacheCallerGivesUp(t *testing.T) {
	clk := newClock()
	f := &fake{answer: hourly(clk), started: make(chan struct{}, 1), release: make(chan struct{})}
	c := &Cache{Provider: f, Now: clk.Now, Jitter: -1}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := c.Retrieve(ctx)
		done <- err
	}()
	<-f.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Retrieve(cancelled while waiting) = %v; want context.Canceled", err)
	}
	f.release <- struct{}{} // the renewal was not cancelled: it completes
	first, err := c.Retrieve(context.Background())
	if err != nil || first.AccessKeyID != "ASIANEXAMPLE" || f.count() != 1 {
		t.Fatalf("Retrieve after = %v, %v, %d calls; want the renewal's result without another call", first.AccessKeyID, err, f.count())
	}

	clk.set(t0.Add(56 * time.Minute)) // due, still valid
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		got, err := c.Retrieve(ctx)
		if err != nil || got != first {
			t.Errorf("Retrieve(cancelled, credentials still valid) = %v, %v; want them", got.AccessKeyID, err)
		}
		done <- nil
	}()
	<-f.started
	cancel()
	<-done
	close(f.release)
}

func TestCacheInvalidate(t *testing.T) {
	clk := newClock()
	f := &fake{answer: hourly(clk)}
	c := NewCache(f)
	c.Now = clk.Now
	c.Retrieve(context.Background())
	c.Invalidate()
	if got, _ := c.Retrieve(context.Background()); got.AccessKeyID != "ASIANNEXAMPLE" || f.count() != 2 {
		t.Fatalf("Retrieve after Invalidate = %v, %d calls; want new credentials", got.AccessKeyID, f.count())
	}
	if _, err := (&Cache{}).Retrieve(context.Background()); err == nil {
		t.Errorf("Cache{}.Retrieve = nil error; want one")
	}
}

// TestCacheRetrieveDoesNotAllocate: the cached path allocates nothing (the benchmark in
// bench/ says the same beside the SDK's cache).
func TestCacheRetrieveDoesNotAllocate(t *testing.T) {
	clk := newClock()
	c := &Cache{Provider: &fake{answer: hourly(clk)}, Now: clk.Now}
	ctx := context.Background()
	c.Retrieve(ctx)
	if n := testing.AllocsPerRun(1000, func() { c.Retrieve(ctx) }); n != 0 {
		t.Errorf("a cached Retrieve allocates %v times; want 0", n)
	}
	c.Now = nil // the wall clock: a real hour remains
	c.Invalidate()
	c.Retrieve(ctx)
	if n := testing.AllocsPerRun(1000, func() { c.Retrieve(ctx) }); n != 0 {
		t.Errorf("a cached Retrieve on the wall clock allocates %v times; want 0", n)
	}
}

func TestCredentialsStringHidesSecrets(t *testing.T) {
	c := session(1, t0)
	c.SecretAccessKey, c.SessionToken = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AQoDYXdzEPT//////////wEXAMPLE="
	c.AccountID = "123456789012"
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(verb, c) + fmt.Sprintf(verb, Static(c))
		if strings.Contains(got, c.SecretAccessKey) || strings.Contains(got, c.SessionToken) || !strings.Contains(got, "ASIANEXAMPLE") || !strings.Contains(got, "123456789012") {
			t.Errorf("Sprintf(%q, creds) = %s; want the key ID and account, not the secrets", verb, got)
		}
	}
}
