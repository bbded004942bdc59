package sigv4

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"testing"
)

// TestMAC checks Signer.mac (restored pad states), its macSum fallback (states missing)
// and macSum alone against crypto/hmac, with and without spare room in buf, and that
// none of them changes buf's contents.
func TestMAC(t *testing.T) {
	key := deriveKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", [8]byte([]byte("20150830")), "us-east-1", "sts")
	long := bytes.Repeat([]byte("AWS4-HMAC-SHA256\n20150830T123600Z\n"), 9) // several blocks
	s := new(Signer)
	withStates := newCachedKey(keyID{}, key)
	noStates := &cachedKey{key: key}
	if withStates.inner == nil || withStates.outer == nil {
		t.Fatal("newCachedKey: sha256 digest did not marshal its state")
	}
	for _, tc := range []struct {
		name  string
		msg   []byte
		spare int
	}{
		{name: "empty message, no room", msg: nil, spare: 0},
		{name: "short message, room", msg: []byte("abc"), spare: 256},
		{name: "one block", msg: bytes.Repeat([]byte{'x'}, 64), spare: 31},
		{name: "55 bytes (padding edge)", msg: bytes.Repeat([]byte{'y'}, 55), spare: 32},
		{name: "long message, room", msg: long, spare: 1024},
		{name: "long message, no room", msg: long, spare: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := hmac.New(sha256.New, key[:])
			m.Write(tc.msg)
			want := [32]byte(m.Sum(nil))
			buf := make([]byte, 0, 16+tc.spare)
			buf = append(buf, "0123456789abcdef"...)
			for name, got := range map[string][32]byte{
				"mac":            s.mac(withStates, buf, tc.msg),
				"mac (fallback)": s.mac(noStates, buf, tc.msg),
				"macSum":         macSum(buf, &key, tc.msg),
			} {
				if got != want {
					t.Errorf("%s(%q) = %x; want %x", name, tc.msg, got, want)
				}
			}
			if string(buf) != "0123456789abcdef" {
				t.Errorf("buf = %q after the MACs; want it unchanged", buf)
			}
		})
	}
}
