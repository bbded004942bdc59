package browsertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Click loads url, waits until the page has an element matching selector (a CSS selector), clicks
// it as a person does — a mouse press and release at its centre, through Chromium's input
// pipeline, not a click() call of a script — waits until the page has an element matching
// until, and returns the document as the page's scripts left it. It drives Chromium over its
// DevTools protocol on a pipe (--remote-debugging-pipe): no port is opened. Each wait is bounded
// by o.Budget (five seconds when zero), in real time.
func (b *Browser) Click(url, selector, until string, o Options) (string, error) {
	b.tb.Helper()
	budget := o.Budget
	if budget == 0 {
		budget = 5 * time.Second
	}
	args := []string{"--remote-debugging-pipe"}
	for _, a := range o.args() {
		if !strings.HasPrefix(a, "--virtual-time-budget=") { // real time here: the waits are ours
			args = append(args, a)
		}
	}
	cmd, done, err := b.command(o, append(args, "about:blank")...)
	if err != nil {
		return "", err
	}
	defer done()
	toChrome, ours, err := os.Pipe() // Chromium reads commands on fd 3
	if err != nil {
		return "", err
	}
	theirs, fromChrome, err := os.Pipe() // and writes answers on fd 4
	if err != nil {
		toChrome.Close()
		ours.Close()
		return "", err
	}
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{toChrome, ours, theirs, fromChrome} {
			f.Close()
		}
		return "", err
	}
	toChrome.Close()
	fromChrome.Close()
	defer func() {
		ours.Close()
		cmd.Cancel()
		cmd.Wait()
		theirs.Close()
	}()
	// A read blocked past o.Timeout ends: the browser's process group is killed, which closes
	// the pipe's only writer.
	p := &pipe{w: ours, r: bufio.NewReader(theirs)}

	fail := func(err error) (string, error) {
		return "", fmt.Errorf("chromium (DevTools pipe): %v\n%s", err, tail(stderr.String(), 20))
	}
	var target struct{ TargetID string }
	if err := p.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return fail(err)
	}
	var attached struct{ SessionID string }
	if err := p.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		return fail(err)
	}
	s := attached.SessionID
	if o.Dark {
		if err := p.call(s, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": "dark"}}}, nil); err != nil {
			return fail(err)
		}
	}
	if err := p.call(s, "Page.navigate", map[string]any{"url": url}, nil); err != nil {
		return fail(err)
	}
	var box struct{ X, Y float64 }
	where := fmt.Sprintf(`(function () { var e = document.querySelector(%q); if (!e) { return null; }
		e.scrollIntoView({block: 'center'}); var r = e.getBoundingClientRect();
		return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`, selector)
	if err := p.waitFor(s, where, budget, &box); err != nil {
		return fail(fmt.Errorf("no element %s: %v", selector, err))
	}
	for _, typ := range []string{"mousePressed", "mouseReleased"} {
		if err := p.call(s, "Input.dispatchMouseEvent", map[string]any{"type": typ, "x": box.X, "y": box.Y, "button": "left", "clickCount": 1}, nil); err != nil {
			return fail(err)
		}
	}
	var found bool
	if err := p.waitFor(s, fmt.Sprintf(`document.querySelector(%q) !== null || null`, until), budget, &found); err != nil {
		return fail(fmt.Errorf("after the click, no element %s: %v", until, err))
	}
	var dom string
	if err := p.waitFor(s, `document.documentElement.outerHTML`, budget, &dom); err != nil {
		return fail(err)
	}
	return dom, nil
}

// lockedBuffer is the browser's standard error, written by exec's goroutine while Click may
// quote it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// pipe is the DevTools protocol on Chromium's pipe: JSON messages ended by a NUL byte.
type pipe struct {
	w  *os.File
	r  *bufio.Reader
	id int
}

// call sends a command (to the browser, or to the page of session) and decodes its result into
// out (when not nil), skipping the events that come in between.
func (p *pipe) call(session, method string, params any, out any) error {
	p.id++
	msg := map[string]any{"id": p.id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	b, _ := json.Marshal(msg)
	if _, err := p.w.Write(append(b, 0)); err != nil {
		return err
	}
	for {
		raw, err := p.r.ReadBytes(0)
		if err != nil {
			return fmt.Errorf("%s: reading the answer: %v (the browser ended: its time is up, or it failed)", method, err)
		}
		var reply struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(bytes.TrimSuffix(raw, []byte{0}), &reply) != nil || reply.ID != p.id {
			continue // an event, or the answer to nothing of ours
		}
		if reply.Error != nil {
			return fmt.Errorf("%s: %s", method, reply.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(reply.Result, out)
		}
		return nil
	}
}

// waitFor evaluates expr in the page until it gives something other than null (or budget
// passes), and decodes that into out.
func (p *pipe) waitFor(session, expr string, budget time.Duration, out any) error {
	deadline := time.Now().Add(budget)
	for {
		var res struct {
			Result struct {
				Value json.RawMessage `json:"value"`
			} `json:"result"`
			ExceptionDetails *struct {
				Text string `json:"text"`
			} `json:"exceptionDetails"`
		}
		err := p.call(session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res)
		if err == nil && res.ExceptionDetails == nil && len(res.Result.Value) > 0 && string(res.Result.Value) != "null" {
			return json.Unmarshal(res.Result.Value, out)
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("not within the budget")
			}
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}
