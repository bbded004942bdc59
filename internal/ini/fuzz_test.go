package ini

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFiles adds the credentials files of the bad-input corpus (testdata/bad/credentials:
// CRLF, NUL bytes, a key outside any section, the AWS CLI's layout) and files of the shapes the
// AWS CLI writes and reads.
func seedFiles(f *testing.F) [][]byte {
	var seeds [][]byte
	cases, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "bad", "credentials", "*.txt"))
	for _, name := range cases {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if _, file, ok := bytes.Cut(data, []byte("-- file credentials --\n")); ok {
			file, _, _ = bytes.Cut(file, []byte("\n-- "))
			seeds = append(seeds, file)
		}
	}
	return append(seeds,
		[]byte("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),       // the AWS CLI's layout
		[]byte("# c\n; c\n[profile ci]\nRole_Arn: arn:aws:iam::123456789012:role/ci\ns3 =\n  max_concurrent_requests = 20\n\n  # c\n  x = y\n"), // ':', case, a nested setting with a blank and a comment inside
		[]byte("[a]b]\r\nk = a # not a comment\r\n[ spaced ]\r\nempty =\r\n"),                                                                   // ']' inside a name, CRLF, an inline '#', an empty value
		[]byte("[p]\nk = 1\nK = 2\n"), // a key twice, in two cases
		[]byte("k = outside\n"),       // a key before any section
	)
}

// FuzzParse checks the reader on any bytes: Scan is lossless (the lines' Raw join to the
// input); an error is a *SyntaxError naming a line and quoting no value; and a file that
// parses, written again by a second, independent writer ("[name]", "key = value", continuation
// lines indented), reads the same.
func FuzzParse(f *testing.F) {
	for _, s := range seedFiles(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if lines, err := Scan(data); err == nil {
			var b strings.Builder
			for i, l := range lines {
				b.WriteString(l.Raw)
				if l.Num != i+1 {
					t.Fatalf("Scan(%q): line %d says it is line %d", data, i+1, l.Num)
				}
			}
			if b.String() != string(data) {
				t.Fatalf("Scan(%q) joins to %q", data, b.String())
			}
		}
		file, err := Parse(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("Parse(%q) = %v; want a *SyntaxError naming a line", data, err)
			}
			if lines, _ := Scan(data); lines != nil {
				for _, l := range lines {
					if l.Kind == Key && len(l.Value) >= 6 && strings.Contains(err.Error(), l.Value) && !strings.Contains(l.Name+" "+sectionNames(lines), l.Value) {
						t.Fatalf("Parse(%q) error %q quotes a value", data, err)
					}
				}
			}
			return
		}
		out := write(file)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) succeeded; written again it does not parse: %v\n%s", data, err, out)
		}
		if got, want := dump(again), dump(file); got != want {
			t.Fatalf("Parse(%q) reads\n%s\nwritten again it reads\n%s", data, want, got)
		}
	})
}

// FuzzUpdate checks the editor: an edit of a file Parse accepts gives a file that parses, whose
// section holds the value set (or not the key deleted), whose other sections read as before,
// and whose bytes before the section are the input's; an edit refused quotes no value.
func FuzzUpdate(f *testing.F) {
	for _, s := range seedFiles(f) {
		f.Add(s, "default", "aws_session_token", "IQoJb3JpZ2luX2VjEXAMPLE+/=", false)
	}
	f.Add([]byte("[p]\ns3 =\n  a = b\n[q]\nk = v"), "p", "s3", "", true)         // delete a nested setting; a last line without a newline
	f.Add([]byte("[p]\r\nk = v\r\n"), "new", "aws_access_key_id", "AKIA", false) // a new section in a CRLF file
	f.Add([]byte(""), "p", "k", " padded ", false)                               // a value the reader would trim
	f.Fuzz(func(t *testing.T, data []byte, section, key, value string, del bool) {
		before, perr := Parse(data)
		out, err := Update(data, section, []Edit{{Key: key, Value: value, Delete: del}})
		if err != nil {
			if len(value) >= 6 && strings.Contains(err.Error(), value) && !strings.Contains(key+section+string(data), value) {
				t.Fatalf("Update(%q, %q, %q=%q) error %q quotes the value", data, section, key, value, err)
			}
			return
		}
		if perr != nil {
			t.Fatalf("Update(%q) succeeded on a file Parse refuses: %v", data, perr)
		}
		after, err := Parse(out)
		if err != nil {
			t.Fatalf("Update(%q, %q, %q=%q) = %q, which does not parse: %v", data, section, key, value, out, err)
		}
		s := after.Section(section)
		if s == nil {
			t.Fatalf("Update(%q, %q, …) = %q, without the section", data, section, out)
		}
		got, ok := s.Get(strings.ToLower(key))
		if del && ok || !del && (!ok || got != value) {
			t.Fatalf("Update(%q, %q, %q=%q delete %v) = %q: the key reads %q, %v", data, section, key, value, del, out, got, ok)
		}
		for _, o := range before.Sections {
			if o.Name == section {
				continue
			}
			a := after.Section(o.Name)
			if a == nil || dumpSection(*a) != dumpSection(o) {
				t.Fatalf("Update(%q, %q, …) = %q changed the section [%s]", data, section, out, o.Name)
			}
		}
		lines, _ := Scan(data)
		start, _ := sectionRange(lines, section)
		if start < 0 {
			start = len(lines)
		}
		var prefix strings.Builder
		for _, l := range lines[:start] {
			prefix.WriteString(l.Raw)
		}
		if !strings.HasPrefix(string(out), strings.TrimRight(prefix.String(), "\r\n")) {
			t.Fatalf("Update(%q, %q, …) = %q changed the bytes before the section", data, section, out)
		}
	})
}

// write writes a parsed file again, as a second, independent writer.
func write(f *File) []byte {
	var b strings.Builder
	for _, s := range f.Sections {
		b.WriteString("[" + s.Name + "]\n")
		for _, kv := range s.Keys {
			first, rest, _ := strings.Cut(kv.Value, "\n")
			b.WriteString(kv.Name + " = " + first + "\n")
			if rest != "" {
				for _, l := range strings.Split(rest, "\n") {
					b.WriteString("  " + l + "\n")
				}
			}
		}
	}
	return []byte(b.String())
}

// dump renders the sections and keys of a file, without line numbers.
func dump(f *File) string {
	var b strings.Builder
	for _, s := range f.Sections {
		b.WriteString(dumpSection(s))
	}
	return b.String()
}

func dumpSection(s SectionData) string {
	var b strings.Builder
	b.WriteString("[" + s.Name + "]\n")
	for _, kv := range s.Keys {
		b.WriteString(kv.Name + "=" + strings.ReplaceAll(kv.Value, "\n", "\\n") + "\n")
	}
	return b.String()
}

func sectionNames(lines []Line) string {
	var names []string
	for _, l := range lines {
		if l.Kind == Section || l.Kind == Key {
			names = append(names, l.Name)
		}
	}
	return strings.Join(names, " ")
}
