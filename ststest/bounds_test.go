package ststest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRequestsKeepsTheLast1000: a server that runs long remembers only its last requestsKept
// requests, oldest first, and never more.
func TestRequestsKeepsTheLast1000(t *testing.T) {
	s := NewUnstartedServer(WithHandler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer s.ts.Close()
	h := s.ts.Config.Handler
	send := func(n int) {
		form := url.Values{"Action": {"GetCallerIdentity"}, "N": {fmt.Sprint(n)}}
		r := httptest.NewRequest("POST", "/?n="+fmt.Sprint(n), strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	tests := []struct {
		name  string
		sent  int // requests sent in all so far
		first int // the n of the oldest request Requests returns
	}{
		{"fewer than the limit", 3, 0},
		{"exactly the limit", requestsKept, 0},
		{"one over", requestsKept + 1, 1},
		{"the ring wraps twice and a bit", 2*requestsKept + 7, requestsKept + 7},
	}
	sent := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for ; sent < tt.sent; sent++ {
				send(sent)
			}
			got := s.Requests()
			if want := min(tt.sent, requestsKept); len(got) != want {
				t.Fatalf("len(Requests()) = %d after %d requests; want %d", len(got), tt.sent, want)
			}
			for i, r := range got {
				if want := fmt.Sprintf("/?n=%d", tt.first+i); r.Target != want || r.Form.Get("N") != fmt.Sprint(tt.first+i) {
					t.Fatalf("Requests()[%d] = %q (form N=%q); want %q", i, r.Target, r.Form.Get("N"), want)
				}
			}
			if len(s.requests) > requestsKept {
				t.Errorf("the server holds %d requests; want at most %d", len(s.requests), requestsKept)
			}
		})
	}
}

// TestKeyringForgetsExpiredSessions: a session is remembered (for ExpiredToken) until
// forgetAfter past its expiry, and forgotten when a later session is issued after that.
func TestKeyringForgetsExpiredSessions(t *testing.T) {
	t0 := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	var k keyring
	short := k.issue(identity{account: Account}, t0, t0.Add(15*time.Minute))
	long := k.issue(identity{account: Account}, t0, t0.Add(12*time.Hour))
	// Issued at the last instant the short session is still remembered.
	edge := k.issue(identity{account: Account}, t0.Add(15*time.Minute+forgetAfter), t0.Add(13*time.Hour))
	if _, ok := k.lookup(short.creds.AccessKeyID); !ok {
		t.Fatalf("lookup(session expired %v ago) = false; want it remembered for ExpiredToken", forgetAfter)
	}
	later := k.issue(identity{account: Account}, t0.Add(15*time.Minute+forgetAfter+time.Second), t0.Add(14*time.Hour))
	tests := []struct {
		name string
		id   identity
		want bool
	}{
		{"expired over forgetAfter ago", short, false},
		{"still valid", long, true},
		{"issued at the edge", edge, true},
		{"just issued", later, true},
	}
	for _, tt := range tests {
		if _, ok := k.lookup(tt.id.creds.AccessKeyID); ok != tt.want {
			t.Errorf("lookup(%s) = %v; want %v", tt.name, ok, tt.want)
		}
	}

	// Much later every session has expired; issuing one more leaves only that one.
	k.issue(identity{account: Account}, t0.Add(100*time.Hour), t0.Add(101*time.Hour))
	if n := k.size(); n != 1 {
		t.Errorf("size() = %d after every other session expired; want 1", n)
	}
}

// TestKeyringBoundedUnderLoad: a steady stream of short sessions keeps the keyring at the
// sessions of the last 15 minutes plus forgetAfter, not at every session ever issued.
func TestKeyringBoundedUnderLoad(t *testing.T) {
	t0 := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	var k keyring
	const every = 10 * time.Second
	for i := 0; i < 2000; i++ { // 2000 sessions over five and a half hours
		now := t0.Add(time.Duration(i) * every)
		k.issue(identity{account: Account}, now, now.Add(15*time.Minute))
	}
	if n, max := k.size(), int((15*time.Minute+forgetAfter)/every)+1; n > max {
		t.Errorf("size() = %d after 2000 sessions of 15 minutes, one every %v; want at most %d", n, every, max)
	}
	if len(k.byExpiry) != k.size() {
		t.Errorf("expiry heap holds %d sessions, map %d; want the same", len(k.byExpiry), k.size())
	}
}

// TestServerTimeouts: a client that connects and never sends its request does not hold a
// long-running emulator's connection forever.
func TestServerTimeouts(t *testing.T) {
	s := NewUnstartedServer()
	defer s.ts.Close()
	c := s.ts.Config
	if c.ReadHeaderTimeout != ReadTimeout || c.ReadTimeout != ReadTimeout || c.IdleTimeout != IdleTimeout {
		t.Errorf("server timeouts = header %s, read %s, idle %s; want %s, %s, %s",
			c.ReadHeaderTimeout, c.ReadTimeout, c.IdleTimeout, ReadTimeout, ReadTimeout, IdleTimeout)
	}
}
