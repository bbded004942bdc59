package recording

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// seedCases adds every recorded case of the repository (testdata/fixtures/*/*.txt), the
// bad-input corpus (testdata/bad/*/*.txt, the same shape with other markers) and this package's
// own test file, each as it is on disk.
func seedCases(f *testing.F) {
	var paths []string
	for _, pattern := range []string{"../../testdata/fixtures/*/*.txt", "../../testdata/bad/*/*.txt", "testdata/*.txt"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		f.Fatal("no case files to seed from")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(lfCase))                                                                                                           // the LF case of TestParse
	f.Add([]byte(strings.ReplaceAll(lfCase, "\n", "\r\n")))                                                                         // CRLF throughout
	f.Add([]byte("-- request --\r\r\nGET / HTTP/1.1\n\n-- response --"))                                                            // a marker ended by CR CR LF; one at the end of the file
	f.Add([]byte("x\n-- request --\nGET / HTTP/1.0\nHost: h\n\nbody\r\n-- response --\nHTTP/1.1 999 X\nContent-Length: 0\n\n\r\n")) // HTTP/1.0, status 999, a CRLF after an empty body
}

// FuzzSections checks that Sections is a lossless split: walking the input, it is exactly the
// comment, then for each section its marker line ("-- NAME --", carriage returns, then a
// newline or the end) at the line the section names, then the section's bytes; and that no line
// left in the comment or a section is one isMarker accepts.
func FuzzSections(f *testing.F) {
	seedCases(f)
	isMarker := func(name string) bool {
		return name == "request" || name == "response" || name == "args" || strings.HasPrefix(name, "file ")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		comment, secs := Sections(data, isMarker)
		rest := data
		if !bytes.HasPrefix(rest, comment) {
			t.Fatalf("Sections(%q): comment %q is not the start of the input", data, comment)
		}
		noMarkerLines(t, data, comment, isMarker)
		rest = rest[len(comment):]
		for _, s := range secs {
			pos := len(data) - len(rest)
			if line := 1 + bytes.Count(data[:pos], []byte("\n")); s.Line != line {
				t.Fatalf("Sections(%q): section %q says line %d; its marker is on line %d", data, s.Name, s.Line, line)
			}
			marker := "-- " + s.Name + " --"
			if !isMarker(s.Name) || !bytes.HasPrefix(rest, []byte(marker)) {
				t.Fatalf("Sections(%q): at byte %d, want the marker %q", data, pos, marker)
			}
			rest = bytes.TrimLeft(rest[len(marker):], "\r")
			if len(rest) > 0 {
				if rest[0] != '\n' {
					t.Fatalf("Sections(%q): the marker %q on line %d is followed by %q", data, marker, s.Line, rest[:1])
				}
				rest = rest[1:]
			}
			if !bytes.HasPrefix(rest, s.Data) {
				t.Fatalf("Sections(%q): section %q holds %q, which is not what follows its marker", data, s.Name, s.Data)
			}
			noMarkerLines(t, data, s.Data, isMarker)
			rest = rest[len(s.Data):]
		}
		if len(rest) != 0 {
			t.Fatalf("Sections(%q) left %q out", data, rest)
		}
	})
}

// noMarkerLines fails if a line of part is a marker isMarker accepts.
func noMarkerLines(t *testing.T, data, part []byte, isMarker func(string) bool) {
	t.Helper()
	for _, line := range strings.Split(string(part), "\n") {
		name, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "-- ")
		if name, ok2 := strings.CutSuffix(name, " --"); ok && ok2 && isMarker(name) {
			t.Fatalf("Sections(%q) left the marker line %q inside a part", data, line)
		}
	}
}

// FuzzParse checks Parse on any bytes: an error names the file (and, past the first section,
// the line); a case that parses, written back out as a case file by format, parses to the same
// case (a round trip through a second, independent writer).
func FuzzParse(f *testing.F) {
	seedCases(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.txt", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "recording: fuzz.txt:") {
				t.Fatalf("Parse(%q) error %q does not name the file", data, err)
			}
			return
		}
		if len(c.Exchanges) == 0 {
			t.Fatalf("Parse(%q) = a case without exchanges", data)
		}
		out := format(c)
		again, err := Parse("fuzz.txt", out)
		if err != nil {
			t.Fatalf("Parse(%q) succeeded, but its case written out does not parse: %v\n%s", data, err, out)
		}
		if diff := cmp.Diff(c, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Parse(%q) then format and Parse again differ (-first +second):\n%s\nwritten:\n%s", data, diff, out)
		}
	})
}

// format writes c as a case file: the comment, then each exchange's request and response, with
// headers in sorted order and each body followed by CR LF (which Parse drops when there is no
// Content-Length, and allows after a body of that length).
func format(c *Case) []byte {
	var b bytes.Buffer
	if c.Comment != "" {
		b.WriteString(c.Comment + "\n")
	}
	writeHeader := func(h map[string][]string) {
		keys := make([]string, 0, len(h))
		for k := range h {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range h[k] {
				fmt.Fprintf(&b, "%s: %s\n", k, v)
			}
		}
	}
	for _, ex := range c.Exchanges {
		b.WriteString("-- request --\n")
		fmt.Fprintf(&b, "%s %s HTTP/1.1\n", ex.Request.Method, ex.Request.Target)
		writeHeader(ex.Request.Header)
		b.WriteString("\n")
		b.Write(ex.Request.Body)
		b.WriteString("\r\n-- response --\n")
		fmt.Fprintf(&b, "HTTP/1.1 %03d X\n", ex.Response.StatusCode)
		writeHeader(ex.Response.Header)
		b.WriteString("\n")
		b.Write(ex.Response.Body)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}
