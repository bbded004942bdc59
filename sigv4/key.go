package sigv4

import (
	"crypto/sha256"
	"hash"
)

// keyCacheLimit bounds the derived-key cache. A signer sees a handful of (secret, date,
// region, service) tuples a day; past the limit the cache is emptied and refilled.
const keyCacheLimit = 64

// keyID identifies one derived signing key. A struct of strings is a map key that needs no
// allocation to look up.
type keyID struct {
	secret, date, region, service string
}

// signingKey returns kSigning for the tuple, from the cache when it is there.
func (s *Signer) signingKey(h hash.Hash, secret, date, region, service string) [32]byte {
	id := keyID{secret, date, region, service}
	s.mu.Lock()
	k, ok := s.keys[id]
	s.mu.Unlock()
	if ok {
		return k
	}
	k = deriveKey(h, secret, date, region, service)
	s.mu.Lock()
	if s.keys == nil || len(s.keys) >= keyCacheLimit {
		s.keys = make(map[keyID][32]byte)
	}
	s.keys[id] = k
	s.mu.Unlock()
	return k
}

// deriveKey computes the HMAC chain "AWS4"+secret → date → region → service → aws4_request.
func deriveKey(h hash.Hash, secret, date, region, service string) [32]byte {
	var key [64]byte
	var k [32]byte
	kk := append(append(key[:0], "AWS4"...), secret...)
	k = hmacSum(h, kk, date)
	k = hmacSum(h, k[:], region)
	k = hmacSum(h, k[:], service)
	return hmacSum(h, k[:], "aws4_request")
}

// hmacSum returns HMAC-SHA256(key, msg) computed with h (a sha256 hash, reset here), so
// that one hash serves a whole signature without crypto/hmac's allocations.
func hmacSum(h hash.Hash, key []byte, msg string) [32]byte {
	var pad [sha256.BlockSize]byte
	var sum [32]byte
	if len(key) > sha256.BlockSize {
		h.Reset()
		h.Write(key)
		key = h.Sum(sum[:0])
	}
	copy(pad[:], key)
	for i := range pad {
		pad[i] ^= 0x36
	}
	h.Reset()
	h.Write(pad[:])
	writeString(h, msg)
	inner := h.Sum(sum[:0])
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	h.Reset()
	h.Write(pad[:])
	h.Write(inner)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// hmacBytes is hmacSum for a message already in a byte slice.
func hmacBytes(h hash.Hash, key []byte, msg []byte) [32]byte {
	var pad [sha256.BlockSize]byte
	var sum [32]byte
	copy(pad[:], key)
	for i := range pad {
		pad[i] ^= 0x36
	}
	h.Reset()
	h.Write(pad[:])
	h.Write(msg)
	inner := h.Sum(sum[:0])
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	h.Reset()
	h.Write(pad[:])
	h.Write(inner)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// writeString feeds s to h in small chunks through a stack buffer, avoiding a []byte copy.
func writeString(h hash.Hash, s string) {
	var buf [128]byte
	for len(s) > 0 {
		n := copy(buf[:], s)
		h.Write(buf[:n])
		s = s[n:]
	}
}
