package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/internal/safefile"
)

// The CLI's on-disk caches — the credentials of --output credential-process (credcache.go) and
// the EKS tokens of `eks token` (ekscache.go) — share one mechanism: a folder per kind in the
// user's cache folder (os.UserCacheDir, which honours XDG_CACHE_HOME: ~/.cache/rawsts/KIND on
// Linux, ~/Library/Caches/rawsts/KIND on macOS), one JSON file of mode 0600 per key, the key a
// SHA-256 of what tells the entries apart (never a secret in the clear). A file that is not
// ours (another user's, a symbolic link, not a regular file), not private, over maxCacheFile,
// not our JSON, of another version or for another key is ignored, and replaced at the next
// store, which writes atomically (a synced temporary file renamed over the old one).

// maxCacheFile bounds a cache file read: an entry is a few kilobytes.
const maxCacheFile = 64 << 10

// cacheVersion is the Version of every cache file this rawsts writes.
const cacheVersion = 1

// cacheHeader starts every cache file: its format's version and the key it was stored under.
type cacheHeader struct {
	Version int
	Key     string
}

func (h *cacheHeader) header() *cacheHeader { return h }

// cacheRecord is what a cache file holds: a struct embedding cacheHeader.
type cacheRecord interface{ header() *cacheHeader }

// cacheFile is one key's place in one kind's cache.
type cacheFile struct {
	path string
	key  string
}

// newCacheFile returns the place of the key made of parts in the cache of kind
// ("credentials", "eks"); nil when the user has no cache folder (no HOME), and then nothing is
// cached.
func newCacheFile(s *streams, kind string, parts ...string) *cacheFile {
	dirFunc := s.userCacheDir
	if dirFunc == nil {
		dirFunc = os.UserCacheDir
	}
	dir, err := dirFunc()
	if err != nil || dir == "" {
		return nil
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p)) + ":" + p + "\x00"))
	}
	key := hex.EncodeToString(h.Sum(nil))
	return &cacheFile{path: filepath.Join(dir, "rawsts", kind, key+".json"), key: key}
}

// read decodes the file into rec when the file is ours and private, within its size, exactly
// rec's JSON (no unknown member, nothing after it), of this version and for this key.
func (c *cacheFile) read(rec cacheRecord) bool {
	fi, err := os.Lstat(c.path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		return false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
		return false
	}
	data, err := bounded.ReadFile(c.path, maxCacheFile)
	if err != nil {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if dec.Decode(rec) != nil || dec.More() {
		return false
	}
	h := rec.header()
	return h.Version == cacheVersion && h.Key == c.key
}

// write stores rec under the key, mode 0600 in a folder of mode 0700. A failure only costs the
// next call a fresh start, so it is a warning saying what was not kept and what follows.
func (c *cacheFile) write(s *streams, rec cacheRecord, what, next string) {
	*rec.header() = cacheHeader{Version: cacheVersion, Key: c.key}
	data, err := json.Marshal(rec)
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(c.path), 0o700); err == nil {
			err = safefile.WriteAtomic(c.path, append(data, '\n'), 0o600)
		}
	}
	if err != nil {
		errorf(s, "warning: cannot keep %s in the cache (%s): %v; %s (--no-cache skips the cache)",
			what, filepath.Dir(c.path), strings.TrimPrefix(err.Error(), "open "), next)
	}
}
