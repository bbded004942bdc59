package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(path, []byte("new"), 0); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(b) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("WriteAtomic: file %q mode %v; want \"new\" and 0600", b, fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("WriteAtomic left %d files in the folder; want only the file", len(entries))
	}

	// A symbolic link stays a link; the file it points to is replaced.
	real := filepath.Join(dir, "real")
	os.WriteFile(real, []byte("old"), 0o600)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(link, []byte("via link"), 0); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("WriteAtomic(link) replaced the link with a file")
	}
	if b, _ := os.ReadFile(real); string(b) != "via link" {
		t.Errorf("WriteAtomic(link): target holds %q", b)
	}

	// A failure before the rename leaves the old file and no temporary file.
	if err := WriteAtomic(filepath.Join(dir, "no-such-dir", "f"), []byte("x"), 0); err == nil {
		t.Errorf("WriteAtomic into a missing folder = nil error")
	}
}

// TestLockSerializesWriters: goroutines that each read a number, wait and write it plus one
// under the lock lose no increment.
func TestLockSerializesWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "counter")
	os.WriteFile(path, []byte("0"), 0o600)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				unlock, err := Lock(path, 0)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := os.ReadFile(path)
				n, _ := strconv.Atoi(string(b))
				time.Sleep(time.Millisecond)
				if err := WriteAtomic(path, []byte(strconv.Itoa(n+1)), 0); err != nil {
					t.Error(err)
				}
				unlock()
			}
		}()
	}
	wg.Wait()
	if b, _ := os.ReadFile(path); string(b) != "40" {
		t.Errorf("counter = %s after 40 locked increments; want 40", b)
	}
}

func TestLockTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	unlock, err := Lock(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	_, err = Lock(path, 20*time.Millisecond)
	var le *LockError
	if !errors.As(err, &le) || le.Path != path+".lock" {
		t.Errorf("Lock(held) = %v; want a *LockError naming %s.lock", err, path)
	}
}
