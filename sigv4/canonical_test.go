package sigv4

import (
	"strings"
	"testing"
)

// TestAppendLower puts every byte value at every place of a 19-byte name (two eight-byte
// words and a tail), among upper-case, lower-case and high-bit neighbours, and checks that
// exactly A-Z change.
func TestAppendLower(t *testing.T) {
	for _, fill := range []byte{'A', 'z', 'Z', '@', '[', 0x80, 0xff, 0xc1} {
		for c := 0; c < 256; c++ {
			for pos := 0; pos < 19; pos++ {
				in := []byte(strings.Repeat(string(fill), 19))
				in[pos] = byte(c)
				want := []byte("x:" + string(in))
				for i, b := range want {
					if 'A' <= b && b <= 'Z' {
						want[i] = b + 'a' - 'A'
					}
				}
				if got := appendLower([]byte("x:"), string(in)); string(got) != string(want) {
					t.Fatalf("appendLower(%q) = %q; want %q", in, got, want)
				}
			}
		}
	}
}

// TestPlainValue checks the eight-byte scan against the byte rule: a value is plain when
// it has no tab, CR or LF, no space at either end and no two spaces in a row.
func TestPlainValue(t *testing.T) {
	for _, fill := range []byte{'a', '!', 0x7f, 0x80, 0xff} {
		for c := 0; c < 256; c++ {
			for pos := 0; pos < 19; pos++ {
				for _, next := range []byte{fill, ' '} {
					in := []byte(strings.Repeat(string(fill), 19))
					in[pos] = byte(c)
					if pos+1 < len(in) {
						in[pos+1] = next
					}
					v := string(in)
					want := !strings.ContainsAny(v, "\t\r\n") && !strings.HasPrefix(v, " ") &&
						!strings.HasSuffix(v, " ") && !strings.Contains(v, "  ")
					got := plainValue(v)
					if got && !want {
						t.Fatalf("plainValue(%q) = true; want false", v)
					}
					if !got && want && c >= ' ' {
						t.Fatalf("plainValue(%q) = false; want true", v) // only control bytes may say false
					}
				}
			}
		}
	}
}
