// Package uitest starts the page of package ui for a test, as net/http/httptest starts a
// server: on a free loopback port, stopped when the test ends. With internal/browsertest it
// is the browser test harness: start the page, open its URL in Chromium, read the DOM or take
// a screenshot.
package uitest

import (
	"context"
	"testing"

	"github.com/rawsts/rawsts/internal/ui"
)

// Start serves a ui.Server made with o (its Addr set to a free port of 127.0.0.1) until the
// test ends, and returns it: open its URL().
func Start(tb testing.TB, o ui.Options) *ui.Server {
	tb.Helper()
	ln, err := ui.Listen("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	o.Addr = ln.Addr().String()
	srv, err := ui.New(o)
	if err != nil {
		ln.Close()
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("serving the page: %v", err)
		}
	})
	return srv
}
