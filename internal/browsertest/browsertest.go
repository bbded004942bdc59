// Package browsertest lets a test load a page in a real browser, Debian's headless Chromium,
// and read what the page's scripts made of it: the DOM as serialized after they ran, or a
// screenshot. It is for tests only, and uses the standard library alone: Chromium runs as
// `chromium --headless --dump-dom URL` (or --screenshot) with a virtual time budget, within
// which the page's scripts and their fetches run before the DOM is taken. A page tested this
// way draws what it has to show from its URL without waiting for a person; [Browser.Click]
// also clicks an element as a person does (Chromium's DevTools protocol on a pipe, no port)
// and returns the DOM the click led to.
//
// Without Chromium the test is skipped with a line saying so, except under CI=true, where it
// fails (.ci/run installs Chromium). Every run has a fresh profile and the flags that keep
// Chromium from reaching any network service of its own.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DebianPath is where Debian's chromium package installs the browser.
const DebianPath = "/usr/bin/chromium"

// Browser is a Chromium a test can drive. Make one with [New].
type Browser struct {
	path string
	tb   testing.TB
}

// New returns Debian's Chromium for tb. Without it the test is skipped, or failed when the
// environment variable CI is "true": there, the browser tests are mandatory.
func New(tb testing.TB) *Browser {
	tb.Helper()
	path := DebianPath
	if _, err := os.Stat(path); err != nil {
		msg := "browser test SKIPPED: it needs Debian's Chromium at " + DebianPath + " (apt-get install chromium; .ci/run installs it)"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + "; under CI=true the browser tests are mandatory")
		}
		tb.Skip(msg)
	}
	return &Browser{path: path, tb: tb}
}

// Options shape one page load.
type Options struct {
	// Budget is the virtual time the page gets before the DOM or the screenshot is taken:
	// its scripts, timers and fetches run within it. Zero means five seconds.
	Budget time.Duration
	// Width and Height size the window, in CSS pixels; zero means 1280 by 1600.
	Width, Height int
	// Dark makes the page see prefers-color-scheme: dark.
	Dark bool
	// Timeout bounds the whole run of the browser; zero means a minute.
	Timeout time.Duration
}

func (o Options) args() []string {
	budget, w, h := o.Budget, o.Width, o.Height
	if budget == 0 {
		budget = 5 * time.Second
	}
	if w == 0 {
		w, h = 1280, 1600
	}
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		// Without these Chromium tries to reach Google's services.
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--no-default-browser-check",
		"--hide-scrollbars", "--mute-audio",
		"--virtual-time-budget=" + strconv.FormatInt(budget.Milliseconds(), 10),
		fmt.Sprintf("--window-size=%d,%d", w, h),
	}
	if o.Dark {
		// Blink's preferred color scheme: 0 is dark.
		args = append(args, "--blink-settings=preferredColorScheme=0")
	}
	return args
}

// DOM loads url and returns the document as the page's scripts left it (--dump-dom).
func (b *Browser) DOM(url string, o Options) (string, error) {
	b.tb.Helper()
	var last error
	// A cold start of Chromium now and then prints nothing: try again, twice.
	for attempt := 0; attempt < 3; attempt++ {
		out, err := b.run(o, append(o.args(), "--dump-dom", url)...)
		if err == nil && strings.Contains(out, "</html>") {
			return out, nil
		}
		last = err
		if last == nil {
			last = errors.New("chromium printed no document")
		}
	}
	return "", last
}

// Screenshot loads url and writes a PNG of the window to file.
func (b *Browser) Screenshot(url, file string, o Options) error {
	b.tb.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	var last error
	for attempt := 0; attempt < 3; attempt++ {
		os.Remove(abs)
		if _, err := b.run(o, append(o.args(), "--screenshot="+abs, url)...); err != nil {
			last = err
			continue
		}
		if png, err := os.ReadFile(abs); err == nil && bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			return nil
		}
		last = errors.New("chromium wrote no PNG to " + abs)
	}
	return last
}

// run runs Chromium with a fresh profile and returns its standard output.
func (b *Browser) run(o Options, args ...string) (string, error) {
	cmd, done, err := b.command(o, args...)
	if err != nil {
		return "", err
	}
	defer done()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("chromium %s: %v\n%s", strings.Join(args, " "), err, tail(stderr.String(), 20))
	}
	return stdout.String(), nil
}

// command returns the command that runs Chromium with args and a fresh profile, in a process
// group of its own, ended when o.Timeout (a minute when zero) passes; done removes the
// profile.
func (b *Browser) command(o Options, args ...string) (cmd *exec.Cmd, done func(), err error) {
	timeout := o.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	profile, err := os.MkdirTemp("", "rawsts-chromium-")
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	cmd = exec.CommandContext(ctx, b.path, append([]string{"--user-data-dir=" + profile}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	ownGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	return cmd, func() {
		cancel()
		// Chromium's helper processes may still write there for a moment after it exits.
		removeSoon(profile)
	}, nil
}

func removeSoon(dir string) {
	for i := 0; i < 10; i++ {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
