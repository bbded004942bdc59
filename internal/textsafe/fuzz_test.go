package textsafe

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzOneLine checks OneLine and Line against a second reading, strconv.Quote (what %q
// writes), and their own promises: the result is printable (no control or format character
// left, so it prints on one line), OneLine changes exactly the strings Printable refuses,
// escaping twice changes nothing, and Line differs from OneLine only in keeping tabs.
func FuzzOneLine(f *testing.F) {
	for _, seed := range []string{
		"AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", // an STS message, clean
		"Zugriff verweigert: é 日本",                                              // printable letters of other scripts
		"\x1b[31mdenied\nrawsts: forged\r",                                      // ESC, a newline, a forged line, CR
		"a\u202eb\u2066c\u2028d\u0085e\ufeff",                                   // bidi override and isolate, separators, C1, BOM
		"a\xffb\xc3",                                                            // bytes that are not UTF-8
		"tab\there \x00 \x7f",                                                   // tab, NUL, DEL
		`already \x1b escaped "quoted" \\`,                                      // backslashes and quotes are kept
		"\ufffd",                                                                // U+FFFD itself is printable
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		one := OneLine(s)
		if !Printable(one) {
			t.Fatalf("OneLine(%q) = %q, which is not printable", s, one)
		}
		if strings.ContainsAny(one, "\n\r\t\x1b\u0085\u2028\u2029\u202e") {
			t.Fatalf("OneLine(%q) = %q holds a control character", s, one)
		}
		if (one == s) != Printable(s) {
			t.Fatalf("OneLine(%q) = %q, but Printable(%q) = %v", s, one, s, Printable(s))
		}
		if again := OneLine(one); again != one {
			t.Fatalf("OneLine(OneLine(%q)) = %q; want %q", s, again, one)
		}
		// A second reading: without quotes and backslashes (which %q escapes and OneLine keeps),
		// OneLine writes what strconv.Quote writes between its quotes.
		if !strings.ContainsAny(s, `"\`) {
			q := strconv.Quote(s)
			if q = q[1 : len(q)-1]; one != q {
				t.Fatalf("OneLine(%q) = %q; strconv.Quote writes %q", s, one, q)
			}
		}
		line := Line(s)
		if strings.ContainsAny(line, "\n\r") || OneLine(line) != one {
			t.Fatalf("Line(%q) = %q; OneLine of it = %q; want %q", s, line, OneLine(line), one)
		}
		if strings.ReplaceAll(line, "\t", `\t`) != one {
			t.Fatalf("Line(%q) = %q differs from OneLine's %q in more than tabs", s, line, one)
		}
	})
}
