package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"hash"
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
	// inner and outer are the SHA-256 states after the HMAC's ipad and opad blocks, as
	// encoding.BinaryMarshaler writes them; nil if the digest would not marshal. Restoring
	// them skips hashing those two 64-byte blocks for every signature.
	inner, outer []byte
}

// signingKey returns kSigning for the tuple, from the cache when it is there.
func (s *Signer) signingKey(secret string, date [8]byte, region, service string) *cachedKey {
	id := keyID{secret, date, region, service}
	// A signer usually signs with one key all day: checking the last one used, with an
	// atomic load and a comparison that short-cuts on shared string pointers, costs a
	// fraction of the locked map lookup (which hashes the secret, region and service).
	if c := s.last.Load(); c != nil && c.id == id {
		return c
	}
	s.mu.Lock()
	c, ok := s.keys[id]
	s.mu.Unlock()
	if !ok {
		c = newCachedKey(id, deriveKey(secret, date, region, service))
		s.mu.Lock()
		if s.keys == nil || len(s.keys) >= keyCacheLimit {
			s.keys = make(map[keyID]*cachedKey)
		}
		s.keys[id] = c
		s.mu.Unlock()
	}
	s.last.Store(c)
	return c
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

// macSum returns HMAC-SHA256(key, msg) without crypto/hmac's allocations, hashing both pad
// blocks: it is [Signer.mac]'s fallback. The inner block is laid out in buf's spare
// capacity (then wiped) when it fits, on the heap otherwise. msg may be part of buf; buf's
// contents up to len(buf) are left as they were.
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

// newCachedKey derives the pad states of key for [Signer.mac].
func newCachedKey(id keyID, key [32]byte) *cachedKey {
	c := &cachedKey{id: id, key: key}
	var pad [sha256.BlockSize]byte
	state := func(x byte) []byte {
		for i := range pad {
			pad[i] = x
			if i < len(key) {
				pad[i] ^= key[i]
			}
		}
		d := sha256.New()
		d.Write(pad[:])
		m, ok := d.(encoding.BinaryMarshaler)
		if !ok {
			return nil
		}
		b, err := m.MarshalBinary()
		if err != nil {
			return nil
		}
		return b
	}
	if c.inner = state(0x36); c.inner != nil {
		c.outer = state(0x5c)
	}
	clear(pad[:])
	return c
}

// mac returns HMAC-SHA256(c.key, msg). It restores c's pad states into a digest from the
// Signer's pool (a digest holds key-derived state, as the cache does: it never leaves the
// Signer), which costs less than hashing the two pad blocks again; it falls back to
// [macSum] when the states are missing or will not restore. The inner sum is written in
// buf's spare capacity when there is room (sha256's Sum, called through an interface,
// would move a stack array to the heap); buf's contents up to len(buf) are not touched.
func (s *Signer) mac(c *cachedKey, buf, msg []byte) [32]byte {
	d, _ := s.digests.Get().(hash.Hash)
	if d == nil {
		d = sha256.New()
	}
	defer s.digests.Put(d)
	u, ok := d.(encoding.BinaryUnmarshaler)
	if !ok || c.outer == nil || u.UnmarshalBinary(c.inner) != nil {
		return macSum(buf, &c.key, msg)
	}
	d.Write(msg)
	in := d.Sum(buf[len(buf):len(buf)])
	if u.UnmarshalBinary(c.outer) != nil {
		return macSum(buf, &c.key, msg)
	}
	d.Write(in)
	return [32]byte(d.Sum(in[:0]))
}
