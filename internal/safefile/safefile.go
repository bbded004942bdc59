package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// AfterTemp, when set, is called by WriteAtomic once the temporary file is written and
// synced, before the rename: tests use it to kill a writer at the worst moment.
var AfterTemp func(tmpPath string)

// WriteAtomic replaces the file at path with data: it writes a temporary file in the same
// folder (so the rename stays on one file system), syncs it, renames it over path and syncs
// the folder, so that a reader sees the old file or the new one, never a mix, and a writer
// killed at any point leaves the old file whole (and at worst a stray ".NAME.tmp-*" file). A
// symbolic link at path is followed: the file it points to is replaced. The new file has mode
// perm (0600 when perm is 0), whatever the old one had.
func WriteAtomic(path string, data []byte, perm fs.FileMode) error {
	if perm == 0 {
		perm = 0o600
	}
	target, err := resolve(path)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if AfterTemp != nil {
		AfterTemp(tmp.Name())
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	done = true
	syncDir(dir)
	return nil
}

// resolve follows a symbolic link at path (a dotfiles checkout often links ~/.aws/credentials)
// so that the link stays a link; a path that does not exist is returned as it is.
func resolve(path string) (string, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(path)
}

// syncDir makes a rename in dir durable. Some file systems cannot sync a folder; that only
// weakens durability after a power cut, not atomicity, so its error is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// DefaultLockWait is how long Lock waits for another writer by default.
const DefaultLockWait = 10 * time.Second

// LockError says a lock could not be had in time: another writer holds it.
type LockError struct {
	// Path is the lock file.
	Path string
	// Waited is how long Lock waited.
	Waited time.Duration
}

func (e *LockError) Error() string {
	return fmt.Sprintf("safefile: %s is locked by another writer (waited %s)", e.Path, e.Waited)
}

// Lock takes an exclusive lock for changing path: flock(2) on path + ".lock" (created 0600 if
// need be, and left in place), so that a read-modify-write of path by two processes, or two
// goroutines, runs one after the other. The lock is on a file of its own because WriteAtomic
// replaces path, and a lock on the replaced file would lock nothing. The kernel drops the lock
// when its holder dies, so a killed writer leaves no stale lock. Lock waits up to wait
// (DefaultLockWait when 0) and then returns a *LockError. Call the returned function to
// unlock.
func Lock(path string, wait time.Duration) (unlock func(), err error) {
	if wait <= 0 {
		wait = DefaultLockWait
	}
	target, err := resolve(path)
	if err != nil {
		return nil, err
	}
	lockPath := target + ".lock"
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	delay := time.Millisecond
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("safefile: locking %s: %w", lockPath, err)
		}
		if time.Since(start) >= wait {
			f.Close()
			return nil, &LockError{Path: lockPath, Waited: wait}
		}
		time.Sleep(delay)
		if delay < 50*time.Millisecond {
			delay *= 2
		}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
