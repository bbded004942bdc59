//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// endlessFIFO makes a FIFO whose writer never stops writing zeros, until the test ends.
func endlessFIFO(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Opened read-write, the writer neither blocks in open nor gets EPIPE when a reader
	// leaves; Close (at the end of the test) ends its pending write.
	w, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	go func() {
		buf := make([]byte, 32<<10)
		for {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}()
	return path
}

// TestEndlessFIFOExitsTwo: a FIFO that never ends, given wherever rawsts reads a file, ends in
// the same clear error as /dev/zero.
func TestEndlessFIFOExitsTwo(t *testing.T) {
	srv, dialled := countingServer(t)
	for _, tc := range endlessCases(t, srv.URL, "FIFO") {
		if tc.stdin || !strings.Contains(strings.Join(tc.args, " ")+mapValues(tc.env), "FIFO") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			fifo := endlessFIFO(t)
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "FIFO", fifo)
			}
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = strings.ReplaceAll(v, "FIFO", fifo)
			}
			checkTooLarge(t, runCLI(t, env, "", nil, args...), tc.limit)
		})
	}
	if n := dialled.Load(); n != 0 {
		t.Errorf("%d connections were opened; want none", n)
	}
}

func mapValues(m map[string]string) string {
	var b strings.Builder
	for _, v := range m {
		b.WriteString(v)
	}
	return b.String()
}
