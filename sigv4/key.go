package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
)

// keyCacheLimit bounds the derived-key cache. A signer sees a handful of (secret, date,
// region, service) tuples a day; past the limit the cache is emptied and refilled.
const keyCacheLimit = 64

// keyID identifies one derived signing key. A struct of strings is a map key that needs no
// allocation to look up.
type keyID struct {
	secret          string
	date            [8]byte // YYYYMMDD
	region, service string
}

// cachedKey is one derived signing key and the tuple it was derived for. It is not changed
// once made, so Signer.last can share it without the lock.
type cachedKey struct {
	id  keyID
	key [32]byte
}

// signingKey returns kSigning for the tuple, from the cache when it is there.
func (s *Signer) signingKey(secret string, date [8]byte, region, service string) [32]byte {
	id := keyID{secret, date, region, service}
	// A signer usually signs with one key all day: checking the last one used, with an
	// atomic load and a comparison that short-cuts on shared string pointers, costs a
	// fraction of the locked map lookup (which hashes the secret, region and service).
	if c := s.last.Load(); c != nil && c.id == id {
		return c.key
	}
	s.mu.Lock()
	c, ok := s.keys[id]
	s.mu.Unlock()
	if !ok {
		c = &cachedKey{id: id, key: deriveKey(secret, date, region, service)}
		s.mu.Lock()
		if s.keys == nil || len(s.keys) >= keyCacheLimit {
			s.keys = make(map[keyID]*cachedKey)
		}
		s.keys[id] = c
		s.mu.Unlock()
	}
	s.last.Store(c)
	return c.key
}

// deriveKey computes the HMAC chain "AWS4"+secret → date → region → service → aws4_request.
func deriveKey(secret string, date [8]byte, region, service string) [32]byte {
	k := hmac.New(sha256.New, []byte("AWS4"+secret))
	var sum [32]byte
	step := func(msg string) {
		k.Write([]byte(msg))
		k.Sum(sum[:0])
	}
	step(string(date[:]))
	for _, msg := range [...]string{region, service, "aws4_request"} {
		k = hmac.New(sha256.New, sum[:])
		step(msg)
	}
	return sum
}

// macSum returns HMAC-SHA256(key, msg) without crypto/hmac's allocations: the inner block
// is laid out in buf's spare capacity (then wiped) when it fits, on the stack otherwise.
// msg may be part of buf; buf's contents up to len(buf) are left as they were.
func macSum(buf []byte, key *[32]byte, msg []byte) [32]byte {
	const block = sha256.BlockSize
	var inner []byte
	if cap(buf)-len(buf) >= block+len(msg) {
		inner = buf[len(buf) : len(buf)+block+len(msg)]
	} else {
		inner = make([]byte, block+len(msg))
	}
	for i := 0; i < block; i++ {
		inner[i] = 0x36
		if i < len(key) {
			inner[i] ^= key[i]
		}
	}
	copy(inner[block:], msg)
	sum := sha256.Sum256(inner)
	clear(inner[:block])
	var outer [block + sha256.Size]byte
	for i := 0; i < block; i++ {
		outer[i] = 0x5c
		if i < len(key) {
			outer[i] ^= key[i]
		}
	}
	copy(outer[block:], sum[:])
	sum = sha256.Sum256(outer[:])
	clear(outer[:block])
	return sum
}
