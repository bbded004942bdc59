package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"
)

var errTransient = errors.New("transient")

func TestDoStopsOnSuccess(t *testing.T) {
	calls := 0
	err := Do(context.Background(), Policy{Backoff: func(int) time.Duration { return 0 }}, func(int) (bool, error) {
		calls++
		if calls < 2 {
			return true, errTransient
		}
		return false, nil
	})
	if err != nil || calls != 2 {
		t.Fatalf("Do = %v after %d calls; want nil after 2", err, calls)
	}
}

func TestDoBoundsAttempts(t *testing.T) {
	for _, tt := range []struct {
		name string
		max  int
		want int
	}{
		{"default", 0, DefaultMaxAttempts},
		{"no retry", 1, 1},
		{"five", 5, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := Do(context.Background(), Policy{MaxAttempts: tt.max, Backoff: func(int) time.Duration { return 0 }}, func(int) (bool, error) {
				calls++
				return true, errTransient
			})
			if !errors.Is(err, errTransient) || calls != tt.want {
				t.Fatalf("Do = %v after %d calls; want %v after %d", err, calls, errTransient, tt.want)
			}
		})
	}
}

func TestDoDoesNotRetryPermanentErrors(t *testing.T) {
	calls := 0
	permanent := errors.New("AccessDenied")
	err := Do(context.Background(), Policy{MaxAttempts: 5}, func(int) (bool, error) {
		calls++
		return false, permanent
	})
	if !errors.Is(err, permanent) || calls != 1 {
		t.Fatalf("Do = %v after %d calls; want %v after 1", err, calls, permanent)
	}
}

func TestDoHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := Do(ctx, Policy{MaxAttempts: 5, Backoff: func(int) time.Duration { return time.Hour }}, func(int) (bool, error) {
		calls++
		cancel()
		return true, errTransient
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("Do = %v after %d calls; want context.Canceled after 1", err, calls)
	}
}

func TestFullJitterStaysUnderTheCeiling(t *testing.T) {
	for attempt := 0; attempt < 40; attempt++ {
		ceiling := MaxDelay
		if attempt >= 1 && attempt < 16 && BaseDelay<<(attempt-1) < ceiling {
			ceiling = BaseDelay << (attempt - 1)
		}
		if attempt < 1 {
			ceiling = BaseDelay
		}
		for i := 0; i < 50; i++ {
			if d := FullJitter(attempt); d < 0 || d >= ceiling {
				t.Fatalf("FullJitter(%d) = %v; want in [0, %v)", attempt, d, ceiling)
			}
		}
	}
}

func TestConnectionReset(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{fmt.Errorf("Post: %w", io.EOF), true},
		{io.ErrUnexpectedEOF, true},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), false},
		{fmt.Errorf("Post: %w: %w", context.DeadlineExceeded, io.EOF), false},
		{errors.New("x509: certificate signed by unknown authority"), false},
	} {
		if got := ConnectionReset(tt.err); got != tt.want {
			t.Errorf("ConnectionReset(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}
