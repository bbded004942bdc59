package creds

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// The Cache's defaults.
const (
	// DefaultRefreshWindow is how long before expiry the Cache renews credentials: 5 minutes,
	// the AWS SDK for Go v2's ExpiryWindow for its STS providers.
	DefaultRefreshWindow = 5 * time.Minute
	// DefaultJitter spreads renewals over a further minute before the window, so that a
	// fleet started together does not renew together.
	DefaultJitter = time.Minute
	// FirstRetryDelay and MaxRetryDelay bound the wait after a failed renewal: the first
	// retry comes 1 s after the failure, each further one twice as late, at most 30 s.
	FirstRetryDelay = time.Second
	MaxRetryDelay   = 30 * time.Second
)

// Cache keeps the credentials of a Provider and renews them before they expire. Set its
// fields, then call Retrieve from any number of goroutines; do not change the fields after
// the first call. NewCache(p) is &Cache{Provider: p}.
//
//   - A Retrieve between renewals returns the kept credentials without calling the provider
//     and without allocating.
//   - Credentials are renewed once RefreshWindow (plus a random part of Jitter) remains
//     before they expire. Credentials that live shorter than that are renewed halfway
//     through their life instead, so that the provider is not called on every Retrieve.
//     Credentials without an expiry are kept for good.
//   - One renewal runs at a time: callers that arrive meanwhile wait for its result. It runs
//     on its own goroutine with the first caller's context stripped of its cancellation (its
//     values kept), so that one caller giving up does not fail the others; a caller whose
//     context ends while it waits gets its context's error — or, while they remain valid,
//     the credentials already kept.
//   - When a renewal fails while the kept credentials are still valid, they keep being
//     returned, with no error, and the renewal is tried again after a short delay
//     (FirstRetryDelay, doubling to MaxRetryDelay). Once nothing valid is kept, the error is
//     returned, to every caller until the delay passes; then the next Retrieve tries again.
//   - Credentials the provider returns already expired are an error.
//
// The providers of this package bound their own calls (HTTP timeouts, process timeouts); a
// custom Provider that never returns would keep the callers without a deadline waiting.
type Cache struct {
	// Provider gets the credentials. Required.
	Provider Provider
	// RefreshWindow is how long before expiry credentials are renewed; 0 means
	// DefaultRefreshWindow.
	RefreshWindow time.Duration
	// Jitter is the most, chosen at random for each renewal, added to RefreshWindow; 0 means
	// DefaultJitter, a negative value none.
	Jitter time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Rand returns a number in [0, n), for the jitter; nil means math/rand/v2's Int64N.
	Rand func(n int64) int64

	entry    atomic.Pointer[entry] // what Retrieve returns until entry.until
	mu       sync.Mutex            // guards the fields below
	inflight *call                 // the renewal running, or nil
	good     *Credentials          // the last credentials the provider returned
	failures int                   // renewals failed in a row
	waits    atomic.Int64          // callers that have waited for a renewal (tests watch it)
}

// NewCache returns a Cache in front of p with the defaults.
func NewCache(p Provider) *Cache { return &Cache{Provider: p} }

// entry is what Retrieve answers without calling the provider, until until (or for good).
type entry struct {
	creds  Credentials
	err    error
	until  time.Time
	always bool // the credentials do not expire
}

// call is one renewal; done closes when creds and err are set.
type call struct {
	done  chan struct{}
	creds Credentials
	err   error
}

// Retrieve returns the kept credentials, renewing them when they are due.
func (c *Cache) Retrieve(ctx context.Context) (Credentials, error) {
	if e := c.entry.Load(); e != nil && (e.always || c.now().Before(e.until)) {
		return e.creds, e.err
	}
	return c.renew(ctx)
}

// Invalidate forgets the kept credentials: the next Retrieve renews them. Use it when a
// service refused them (an ExpiredToken, a revoked session).
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entry.Store(nil)
	c.good = nil
}

// renew joins the renewal in flight, or starts one, and waits for it or for ctx.
func (c *Cache) renew(ctx context.Context) (Credentials, error) {
	if c.Provider == nil {
		return Credentials{}, errors.New("creds: Cache has no Provider")
	}
	c.mu.Lock()
	if e := c.entry.Load(); e != nil && (e.always || c.now().Before(e.until)) {
		c.mu.Unlock()
		return e.creds, e.err
	}
	cl := c.inflight
	if cl == nil {
		cl = &call{done: make(chan struct{})}
		c.inflight = cl
		go c.run(context.WithoutCancel(ctx), cl)
	}
	good := c.good
	c.mu.Unlock()
	c.waits.Add(1)
	select {
	case <-cl.done:
		return cl.creds, cl.err
	case <-ctx.Done():
		if good != nil && c.valid(*good) {
			return *good, nil
		}
		return Credentials{}, fmt.Errorf("creds: waiting for credentials: %w", ctx.Err())
	}
}

// run is one renewal: it calls the provider and records what Retrieve answers next.
func (c *Cache) run(ctx context.Context, cl *call) {
	creds, err := c.Provider.Retrieve(ctx)
	now := c.now()
	if err == nil && creds.CanExpire() && !now.Before(creds.Expiration) {
		err = fmt.Errorf("creds: %s returned credentials that expired at %s", sourceOf(creds), creds.Expiration.UTC().Format(time.RFC3339))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var next *entry
	if err == nil {
		c.failures, c.good = 0, &creds
		next = &entry{creds: creds, always: !creds.CanExpire()}
		if !next.always {
			next.until = c.renewAt(now, creds.Expiration)
		}
	} else {
		c.failures++
		retry := now.Add(retryDelay(c.failures))
		if c.good != nil && c.valid(*c.good) {
			creds, err = *c.good, nil
			if c.good.CanExpire() && c.good.Expiration.Before(retry) {
				retry = c.good.Expiration
			}
			next = &entry{creds: creds, until: retry}
		} else {
			c.good = nil
			next = &entry{err: err, until: retry}
		}
	}
	c.entry.Store(next)
	c.inflight = nil
	cl.creds, cl.err = creds, err
	close(cl.done)
}

// renewAt is when credentials fetched at now and expiring at exp are due for renewal.
func (c *Cache) renewAt(now, exp time.Time) time.Time {
	window := c.RefreshWindow
	if window <= 0 {
		window = DefaultRefreshWindow
	}
	jitter := c.Jitter
	if jitter == 0 {
		jitter = DefaultJitter
	}
	if jitter > 0 {
		if c.Rand != nil {
			window += time.Duration(c.Rand(int64(jitter)))
		} else {
			window += time.Duration(rand.Int64N(int64(jitter)))
		}
	}
	at := exp.Add(-window)
	if half := now.Add(exp.Sub(now) / 2); at.Before(half) {
		at = half
	}
	return at
}

// valid reports whether creds have not expired.
func (c *Cache) valid(creds Credentials) bool {
	return !creds.CanExpire() || c.now().Before(creds.Expiration)
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// retryDelay is the wait after the n-th failure in a row.
func retryDelay(n int) time.Duration {
	d := FirstRetryDelay
	for i := 1; i < n && d < MaxRetryDelay; i++ {
		d *= 2
	}
	if d > MaxRetryDelay {
		d = MaxRetryDelay
	}
	return d
}

// sourceOf names where credentials came from, for messages.
func sourceOf(c Credentials) string {
	if c.Source != "" {
		return c.Source
	}
	return "the provider"
}
