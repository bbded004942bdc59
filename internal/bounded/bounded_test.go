package bounded_test

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/internal/fixture"
)

func TestReadAll(t *testing.T) {
	for _, tt := range []struct {
		name    string
		r       io.Reader
		max     int64
		want    string
		tooLong bool
	}{
		{"under", strings.NewReader("abc"), 4, "abc", false},
		{"exactly", strings.NewReader("abcd"), 4, "abcd", false},
		{"one over", strings.NewReader("abcde"), 4, "", true},
		{"endless", fixture.Endless{}, 1 << 10, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bounded.ReadAll(tt.r, "standard input", tt.max)
			var tl *bounded.TooLargeError
			if tt.tooLong != errors.As(err, &tl) || string(b) != tt.want {
				t.Fatalf("bounded.ReadAll() = %q, %v; want %q (too large: %v)", b, err, tt.want, tt.tooLong)
			}
			if tt.tooLong && (tl.Name != "standard input" || tl.Max != tt.max) {
				t.Errorf("TooLargeError = %+v; want the name and the limit", tl)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := bounded.ReadFile(path, 5); err != nil || string(b) != "hello" {
		t.Errorf("bounded.ReadFile(%q, 5) = %q, %v; want hello", path, b, err)
	}
	if _, err := bounded.ReadFile(path, 4); err == nil || err.Error() != path+" is larger than 4 bytes, the limit for it" {
		t.Errorf("bounded.ReadFile(%q, 4) error = %v; want it to name the file and the limit", path, err)
	}
	if _, err := bounded.ReadFile(filepath.Join(t.TempDir(), "absent"), 4); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bounded.ReadFile(absent) error = %v; want os.ErrNotExist", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		var tl *bounded.TooLargeError
		if _, err := bounded.ReadFile("/dev/zero", 64<<10); !errors.As(err, &tl) || !strings.Contains(err.Error(), "64 KiB") {
			t.Errorf("bounded.ReadFile(/dev/zero) error = %v; want a TooLargeError naming 64 KiB", err)
		}
	}
}

func TestReadLine(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    string
		max   int
		lines []string // what successive reads return; "!" marks a TooLargeError, "EOF" io.EOF
	}{
		{"lines", "one\ntwo\r\nthree", 10, []string{"one", "two", "three", "EOF"}},
		{"empty line", "\nx\n", 10, []string{"", "x", "EOF"}},
		{"exactly max with CRLF", "abcd\r\n", 4, []string{"abcd", "EOF"}},
		{"one over", "abcde\n", 4, []string{"!"}},
		{"long line over the buffer", strings.Repeat("a", 10000) + "\n", 9999, []string{"!"}},
		{"long line within the limit", strings.Repeat("a", 10000) + "\nb\n", 10000, []string{strings.Repeat("a", 10000), "b", "EOF"}},
		{"nothing", "", 4, []string{"EOF"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := bufio.NewReader(strings.NewReader(tt.in))
			for i, want := range tt.lines {
				got, err := bounded.ReadLine(r, "standard input", tt.max)
				var tl *bounded.TooLargeError
				switch want {
				case "!":
					if !errors.As(err, &tl) {
						t.Fatalf("read %d: bounded.ReadLine() = %.20q, %v; want a TooLargeError", i, got, err)
					}
				case "EOF":
					if err != io.EOF {
						t.Fatalf("read %d: bounded.ReadLine() = %.20q, %v; want io.EOF", i, got, err)
					}
				default:
					if err != nil || got != want {
						t.Fatalf("read %d: bounded.ReadLine() = %.20q, %v; want %.20q", i, got, err, want)
					}
				}
			}
		})
	}
	// An endless stream without a newline ends as soon as the limit is passed.
	if _, err := bounded.ReadLine(bufio.NewReader(fixture.Endless{}), "standard input", 64<<10); err == nil {
		t.Errorf("bounded.ReadLine(endless) = nil error; want a TooLargeError")
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{100: "100 bytes", 1024: "1 KiB", 64 << 10: "64 KiB", 1 << 20: "1 MiB", 1500: "1500 bytes"} {
		if got := bounded.Size(n); got != want {
			t.Errorf("bounded.Size(%d) = %q; want %q", n, got, want)
		}
	}
}
