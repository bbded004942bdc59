package main

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/rawsts/rawsts/internal/ui"
)

var cmdUI = &command{
	name:    "ui",
	summary: "serve the local page on loopback: the trust-policy playground (diagnose --suggest in a browser)",
	run:     runUI,
}

// runUI serves internal/ui's page with the playground alone until interrupted. Standard output
// gets the export line of the URL (it carries the session key: printing it is this output's
// job); standard error, the banner, never shows the key.
func runUI(ctx context.Context, s *streams, args []string) int {
	const name = "ui"
	var addr string
	fs := newFlagSet(s, name)
	fs.StringVar(&addr, "addr", "127.0.0.1:0", "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s (rawsts ui takes flags only; paste the token into the page)", describeArg(pos[0]))
	}
	ln, err := ui.Listen(addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return usageError(s, name, "--addr %s is in use (another program listens there): pick another port, or leave --addr out for a free one", addr)
	case err != nil:
		return usageError(s, name, "--addr: %s", plain(err))
	}
	srv, err := ui.New(ui.Options{Addr: ln.Addr().String(), Now: s.now, Log: s.stderr})
	if err != nil {
		ln.Close()
		errorf(s, "%s", plain(err))
		return exitUsage
	}
	s.addSecrets(srv.Key())
	fmt.Fprintf(s.stdout, "export RAWSTS_UI_URL=%s\n", shellQuote(srv.URL()))
	errorf(s, "the playground is served on http://%s/ (this machine only); open the URL of RAWSTS_UI_URL above, which carries the page's session key. Ctrl-C stops it.", ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		errorf(s, "serving the page: %s", plain(err))
		return exitTransport
	}
	return exitOK
}
