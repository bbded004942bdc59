package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/rawsts/rawsts/internal/textsafe"
)

// sttyFunc runs stty with args on the controlling terminal and returns what it prints.
type sttyFunc func(args ...string) (string, error)

// systemStty returns an sttyFunc for the stty program on /dev/tty, or nil when there is no
// stty (then prompts fall back to visible input, with a warning).
func systemStty() sttyFunc {
	path, err := exec.LookPath("stty")
	if err != nil {
		return nil
	}
	return func(args ...string) (string, error) {
		tty, err := os.Open("/dev/tty")
		if err != nil {
			return "", err
		}
		defer tty.Close()
		cmd := exec.Command(path, args...)
		cmd.Stdin = tty // stty acts on its standard input; -F is not portable
		out, err := cmd.Output()
		return string(out), err
	}
}

// terminal asks the user questions on a terminal: the prompt goes to standard error, the
// answer comes from standard input (the terminal). Secrets are read with echo off.
type terminal struct {
	in   *bufio.Reader
	out  io.Writer
	stty sttyFunc // nil: no stty, secrets are typed visibly after a warning
}

// errNoAnswer means the input ended before the answer.
var errNoAnswer = errors.New("input ended before the answer")

// readSecret prompts and reads one line with echo off. Echo is restored on every path: an
// answer, an error, and ctx being cancelled (Ctrl-C: main turns SIGINT into cancellation).
func (t *terminal) readSecret(ctx context.Context, prompt string) (string, error) {
	restore := t.echoOff()
	defer restore()
	fmt.Fprint(t.out, textsafe.OneLine(prompt))
	answer, err := t.readLine(ctx)
	fmt.Fprintln(t.out) // the user's Enter was not echoed
	return answer, err
}

// echoOff turns terminal echo off and returns the function that puts the saved settings back.
func (t *terminal) echoOff() func() {
	warn := func(why string) func() {
		fmt.Fprintf(t.out, "rawsts: warning: %s; what you type will be visible\n", why)
		return func() {}
	}
	if t.stty == nil {
		return warn("no stty program to turn echo off")
	}
	saved, err := t.stty("-g")
	if err != nil {
		return warn("stty cannot read the terminal settings")
	}
	saved = strings.TrimSpace(saved)
	if _, err := t.stty("-echo"); err != nil {
		t.stty(saved)
		return warn("stty cannot turn echo off")
	}
	return func() {
		if _, err := t.stty(saved); err != nil {
			t.stty("echo")
		}
	}
}

// readVisible prompts and reads one line with echo on (an attribute, a choice). Prompts quote
// Cognito's words (a challenge name, where a code was sent): both print them on one line.
func (t *terminal) readVisible(ctx context.Context, prompt string) (string, error) {
	fmt.Fprint(t.out, textsafe.OneLine(prompt))
	return t.readLine(ctx)
}

// readLine reads one line, or returns ctx.Err() as soon as ctx is done, without waiting for
// the read (the process is about to exit; the reader goroutine ends with it).
func (t *terminal) readLine(ctx context.Context) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := readLine(t.in)
		ch <- result{line, err}
	}()
	select {
	case r := <-ch:
		return r.line, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
