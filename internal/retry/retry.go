// Package retry holds the retry loop every rawsts protocol client shares: a bounded number of
// attempts, exponential backoff with full jitter, and the context honoured between attempts.
//
// What is retryable is the caller's decision (each protocol knows its transient error codes);
// this package only decides when to try again and how long to wait.
package retry

import (
	"context"
	"errors"
	"io"
	"math/rand"
	"syscall"
	"time"
)

// Defaults used when a client leaves its fields at zero.
const (
	DefaultMaxAttempts = 3
	BaseDelay          = 100 * time.Millisecond
	MaxDelay           = 5 * time.Second
)

// Policy says how often to try and how long to wait in between.
// The zero value means DefaultMaxAttempts attempts with [FullJitter] backoff.
type Policy struct {
	// MaxAttempts is the number of attempts in all, the first included.
	// Zero means DefaultMaxAttempts; one means no retry.
	MaxAttempts int

	// Backoff returns how long to wait before attempt number attempt+1,
	// given that attempt (1-based) has just failed. Nil means FullJitter.
	Backoff func(attempt int) time.Duration
}

// Attempts returns the number of attempts the policy allows.
func (p Policy) Attempts() int {
	if p.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return p.MaxAttempts
}

// Delay returns the wait after the given failed attempt.
func (p Policy) Delay(attempt int) time.Duration {
	if p.Backoff != nil {
		return p.Backoff(attempt)
	}
	return FullJitter(attempt)
}

// FullJitter is exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS
// Architecture Blog): a uniformly random wait in [0, min(MaxDelay, BaseDelay·2^(attempt-1))).
func FullJitter(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	ceiling := MaxDelay
	if attempt < 16 {
		if d := BaseDelay << (attempt - 1); d < ceiling {
			ceiling = d
		}
	}
	return time.Duration(rand.Int63n(int64(ceiling)))
}

// Do calls op until it succeeds, returns an error that is not retryable, or the attempts run
// out; it returns op's last error. op reports whether its error may be retried. Between
// attempts Do waits as the policy says, and gives up early with ctx's error when ctx ends.
func Do(ctx context.Context, p Policy, op func(attempt int) (retryable bool, err error)) error {
	n := p.Attempts()
	for attempt := 1; ; attempt++ {
		retryable, err := op(attempt)
		if err == nil || !retryable || attempt >= n {
			return err
		}
		if err := Sleep(ctx, p.Delay(attempt)); err != nil {
			return err
		}
	}
}

// Sleep waits for d or until ctx ends, whichever comes first, and returns ctx's error in the
// second case.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ConnectionReset reports whether err, from sending a request, is the connection being reset
// or closed before any response arrived: worth another attempt for every protocol. A context
// that ended is not.
func ConnectionReset(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
