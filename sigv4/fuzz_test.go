package sigv4

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// suiteTargets returns the request-targets (path and query) of the SigV4 suite cases in
// testdata/suite, to seed the fuzzers.
func suiteTargets(f *testing.F) (paths, queries []string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "suite", "*.txt"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		_, req, _ := strings.Cut(string(data), "-- request --\n")
		line, _, _ := strings.Cut(req, "\n")
		if i, j := strings.IndexByte(line, ' '), strings.LastIndexByte(line, ' '); i >= 0 && j > i {
			p, q, _ := strings.Cut(line[i+1:j], "?")
			paths, queries = append(paths, p), append(queries, q)
		}
	}
	return paths, queries
}

// isCanonicalText reports whether s holds only unreserved bytes, keep, and %XX escapes
// with upper-case hex.
func isCanonicalText(s string, keep byte) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case unreserved(c) || c == keep:
		case c == '%' && i+2 < len(s) && strings.IndexByte(upperHex, s[i+1]) >= 0 && strings.IndexByte(upperHex, s[i+2]) >= 0:
			i += 2
		default:
			return false
		}
	}
	return true
}

// FuzzCanonicalQuery checks that any raw query canonicalises to sorted name=value pairs
// of canonical text, and that canonicalising that output changes nothing.
func FuzzCanonicalQuery(f *testing.F) {
	_, queries := suiteTargets(f)
	for _, q := range queries {
		f.Add(q)
	}
	f.Add("a=b+c&a=%20&key&=v&&x=%zz%")                   // plus, space, bare key, empty name, bad escapes
	f.Add("Param1=value2&Param1=value1")                  // duplicate key sorted by value
	f.Add("%E1%88%B4=1&%e1%88%b4=2&a=%2f")                // lower-case hex is upper-cased
	f.Add("X-Amz-Security-Token=AQoD%2F%2B%3D&b=%7E~-_.") // token characters, unreserved
	f.Fuzz(func(t *testing.T, raw string) {
		out := CanonicalQuery(raw)
		if again := CanonicalQuery(out); again != out {
			t.Fatalf("CanonicalQuery(%q) = %q, but canonicalising that gives %q", raw, out, again)
		}
		if out == "" {
			return
		}
		pairs := strings.Split(out, "&")
		for i, p := range pairs {
			name, value, ok := strings.Cut(p, "=")
			if !ok || !isCanonicalText(name, 0) || !isCanonicalText(value, 0) {
				t.Fatalf("CanonicalQuery(%q) = %q: pair %q is not canonical", raw, out, p)
			}
			if i > 0 {
				pn, pv, _ := strings.Cut(pairs[i-1], "=")
				if pn > name || pn == name && pv > value {
					t.Fatalf("CanonicalQuery(%q) = %q: %q sorts after %q", raw, out, pairs[i-1], p)
				}
			}
		}
	})
}

// FuzzCanonicalURI checks the path rules on any wire path: the output is canonical text;
// normalisation is idempotent and leaves no dot or empty inner segments; the S3 encoding
// (decode, encode once) is idempotent.
func FuzzCanonicalURI(f *testing.F) {
	paths, _ := suiteTargets(f)
	for _, p := range paths {
		f.Add(p)
	}
	f.Add("/a%20b/%2F/%zz/+/$")  // escapes, an encoded slash, a bad escape, reserved bytes
	f.Add("//a/./b/../../../c/") // more ".." than segments
	f.Add("relative/../x")       // no leading slash
	f.Fuzz(func(t *testing.T, p string) {
		n := normalizePath(p)
		if again := normalizePath(n); again != n {
			t.Fatalf("normalizePath(%q) = %q, then %q", p, n, again)
		}
		segs := strings.Split(n, "/")
		if segs[0] != "" {
			t.Fatalf("normalizePath(%q) = %q: not absolute", p, n)
		}
		for i, s := range segs[1:] {
			if s == "." || s == ".." || s == "" && i != len(segs)-2 {
				t.Fatalf("normalizePath(%q) = %q: segment %q left", p, n, s)
			}
		}
		for _, s3 := range []bool{false, true} {
			out := string(appendCanonicalURI(nil, p, s3, !s3))
			if !isCanonicalText(out, '/') {
				t.Fatalf("canonical URI of %q (s3=%v) = %q: not canonical text", p, s3, out)
			}
			if s3 {
				if again := string(appendCanonicalURI(nil, out, true, false)); again != out {
					t.Fatalf("S3 canonical URI of %q = %q, then %q", p, out, again)
				}
			}
		}
	})
}

// suiteHeaders returns the header lines of the SigV4 suite's requests, one block per
// case, to seed FuzzCanonicalHeaders.
func suiteHeaders(f *testing.F) []string {
	files, _ := filepath.Glob(filepath.Join("testdata", "suite", "*.txt"))
	var blocks []string
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		_, req, _ := strings.Cut(string(data), "-- request --\n")
		_, req, _ = strings.Cut(req, "\n") // the request line
		block, _, _ := strings.Cut(req, "\n\n")
		blocks = append(blocks, block)
	}
	return blocks
}

// FuzzCanonicalHeaders checks sortHeaders and appendCanonicalHeaders against a plain
// restatement of the rules (names lower-cased and sorted, values trimmed and inner
// whitespace folded, one line per name with its values joined by ',', then the name
// list). Each input line is one entry, "name:value", its values split at NUL; the signer's
// own date and content-length entries are added to every input.
func FuzzCanonicalHeaders(f *testing.F) {
	for _, b := range suiteHeaders(f) {
		f.Add(b)
	}
	f.Add("My-Header1:  a   b   c  \nmy-header1:\tx\r\n y\nMY-HEADER1:z\x00 w ")                                          // one name, three spellings
	f.Add("X-Amz-Date:1\nContent-Length:2\nhost:h\nb:\x00\x00\n:empty\nA:\x01 \x7f")                                      // merging with the signer's
	f.Add(strings.Repeat("h1:a\nH2:b\nh3:c  d\nh2:e\n", 6))                                                               // more entries than the offsets array
	f.Add("t:FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLE\nu:abcdefgh  ijklmnop\nv:abcdefghijklmno \nw:\x80\xffabcdef\tghij") // past the 8-byte scan
	f.Fuzz(func(t *testing.T, in string) {
		var h []headerEntry
		for _, line := range strings.Split(in, "\n") {
			name, value, _ := strings.Cut(line, ":")
			h = append(h, headerEntry{name: name, values: strings.Split(value, "\x00"), src: fromRequest})
		}
		h = append(h, headerEntry{name: "X-Amz-Date", src: fromDate}, headerEntry{name: "content-length", src: fromContentLength})
		date, length := "20150830T123600Z", int64(len(in))

		type line struct{ name, value string }
		ref := make([]line, len(h))
		for i, e := range h {
			ref[i].name = asciiLower(e.name)
			switch e.src {
			case fromDate:
				ref[i].value = date
			case fromContentLength:
				ref[i].value = strconv.FormatInt(length, 10)
			default:
				vs := make([]string, len(e.values))
				for j, v := range e.values {
					vs[j] = strings.Join(strings.FieldsFunc(v, func(r rune) bool {
						return r == ' ' || r == '\t' || r == '\r' || r == '\n'
					}), " ")
				}
				ref[i].value = strings.Join(vs, ",")
			}
		}
		sort.SliceStable(ref, func(i, j int) bool { return ref[i].name < ref[j].name })
		var want strings.Builder
		var names []string
		for i, l := range ref {
			if i > 0 && l.name == ref[i-1].name {
				want.WriteString("," + l.value)
				continue
			}
			if i > 0 {
				want.WriteString("\n")
			}
			want.WriteString(l.name + ":" + l.value)
			names = append(names, l.name)
		}
		want.WriteString("\n\n" + strings.Join(names, ";"))

		sortHeaders(h)
		out, start, end := appendCanonicalHeaders([]byte("GET\n"), h, []byte(date), length)
		if got := string(out[len("GET\n"):]); got != want.String() {
			t.Fatalf("canonical headers of %q =\n%s\nwant\n%s", in, got, want.String())
		}
		if got := string(out[start:end]); got != strings.Join(names, ";") {
			t.Fatalf("signed headers of %q = %q; want %q", in, got, strings.Join(names, ";"))
		}
	})
}

// asciiLower lower-cases A-Z only, as SigV4 does.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
