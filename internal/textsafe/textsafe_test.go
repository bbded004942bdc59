package textsafe

import (
	"fmt"
	"strings"
	"testing"
)

func TestOneLine(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"plain", "AccessDenied: Not authorized", "AccessDenied: Not authorized"},
		{"letters of other scripts", "Zugriff verweigert: é 日本", "Zugriff verweigert: é 日本"},
		{"quotes and backslashes kept", `a "b" \c 'd'`, `a "b" \c 'd'`},
		{"ESC colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"forged line", "denied\nrawsts: forged", `denied\nrawsts: forged`},
		{"carriage return", "ok\rrawsts: forged", `ok\rrawsts: forged`},
		{"tab", "a\tb", `a\tb`},
		{"NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`},
		{"C1 control", "a\u0085b", `a\u0085b`},
		{"line and paragraph separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"bidi overrides", "\u202aa\u202bb\u202cc\u202dd\u202ee", `\u202aa\u202bb\u202cc\u202dd\u202ee`},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", `\u2066a\u2067b\u2068c\u2069`},
		{"zero width and BOM", "a\u200bb\ufeffc", `a\u200bb\ufeffc`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"replacement character itself is printable", "a\ufffdb", "a\ufffdb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := OneLine(tt.in)
			if got != tt.want {
				t.Errorf("OneLine(%q) = %q; want %q", tt.in, got, tt.want)
			}
			if again := OneLine(got); again != got {
				t.Errorf("OneLine(OneLine(%q)) = %q; want %q (idempotent)", tt.in, again, got)
			}
			if !Printable(got) {
				t.Errorf("Printable(OneLine(%q)) = false", tt.in)
			}
			if Printable(tt.in) != (got == tt.in) {
				t.Errorf("Printable(%q) = %v; want %v", tt.in, Printable(tt.in), got == tt.in)
			}
		})
	}
}

// TestOneLineAgreesWithQ: every rune OneLine escapes is one %q escapes, in the same words.
func TestOneLineAgreesWithQ(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		s := string(r)
		q := fmt.Sprintf("%q", s)
		q = q[1 : len(q)-1]
		if r == '"' || r == '\\' {
			continue // %q escapes the quote it uses and the backslash; OneLine keeps both
		}
		if got := OneLine(s); got != q {
			t.Fatalf("OneLine(%q) = %q; want %q as %%q writes it", s, got, q)
		}
	}
}

func TestLineKeepsTabs(t *testing.T) {
	in := "a\tb\x1b[2K\rc\n"
	if got, want := Line(in), `a`+"\t"+`b\x1b[2K\rc\n`; got != want {
		t.Errorf("Line(%q) = %q; want %q", in, got, want)
	}
	if strings.ContainsAny(Line("x\r\n\x1b"), "\r\n\x1b") {
		t.Errorf("Line kept a control character")
	}
}
