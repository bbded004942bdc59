package main

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"

	"github.com/rawsts/rawsts/internal/safefile"
	"github.com/rawsts/rawsts/ststest"
)

// stateDebounce is how long the --state saver waits after a change before it writes, so that
// a burst of changes (a login issues a refresh token, then an exchange a session) is one write.
const stateDebounce = 200 * time.Millisecond

// stateSaver keeps `rawsts emulator --state FILE` up to date: after each change of the
// server's state (ststest.WithOnChange) it waits stateDebounce, takes a Snapshot and writes
// it with safefile.WriteAtomic (a temporary file synced and renamed into place, mode 0600: it
// holds secrets) when it differs from what the file holds; stop writes the last one.
type stateSaver struct {
	s    *streams
	path string
	srv  *ststest.Server
	poke chan struct{} // a change happened; capacity 1, so changes coalesce
	quit chan struct{}
	done chan struct{}

	mu      sync.Mutex // one save at a time
	last    []byte     // what the file holds
	lastErr string     // the last write error said, so that it is said once
}

func newStateSaver(s *streams, path string) *stateSaver {
	return &stateSaver{s: s, path: path, poke: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

// changed is the WithOnChange function: it never blocks.
func (v *stateSaver) changed() {
	select {
	case v.poke <- struct{}{}:
	default:
	}
}

// start begins saving srv's state in the background.
func (v *stateSaver) start(srv *ststest.Server) {
	v.srv = srv
	go func() {
		defer close(v.done)
		for {
			select {
			case <-v.quit:
				return
			case <-v.poke:
			}
			select {
			case <-v.quit:
				return // stop saves the last state itself
			case <-time.After(stateDebounce):
			}
			v.save()
		}
	}()
}

// stop ends the background saving and writes the state a last time.
func (v *stateSaver) stop() {
	if v.srv == nil {
		return
	}
	close(v.quit)
	<-v.done
	v.save()
}

// save writes the state when it changed since the last write. A failure is said on standard
// error (once until it changes) and the emulator goes on: the next change tries again.
func (v *stateSaver) save() {
	v.mu.Lock()
	defer v.mu.Unlock()
	b, err := json.MarshalIndent(v.srv.Snapshot(), "", "  ")
	if err != nil {
		v.fail("the state cannot be written as JSON: " + err.Error())
		return
	}
	b = append(b, '\n')
	if bytes.Equal(b, v.last) {
		return
	}
	if err := safefile.WriteAtomic(v.path, b, 0o600); err != nil {
		v.fail(writeProblem(v.path, err))
		return
	}
	v.last, v.lastErr = b, ""
}

func (v *stateSaver) fail(problem string) {
	if problem != v.lastErr {
		errorf(v.s, "cannot save --state %s: %s (the emulator goes on; the next change tries again)", v.path, problem)
		v.lastErr = problem
	}
}
