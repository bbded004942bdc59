package ini

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		want []SectionData
	}{
		{"empty", "", nil},
		{"comments and blanks only", "# a\n; b\n\n   \n", nil},
		{"one section", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
			[]SectionData{{Name: "default", Line: 1, Keys: []KeyValue{{"aws_access_key_id", "AKIAIOSFODNN7EXAMPLE", 2}}}}},
		{"keys lower-cased, values trimmed, colon delimiter", "[ci]\nAWS_Access_Key_ID:AKIA \nregion=  eu-west-1\t\n",
			[]SectionData{{Name: "ci", Line: 1, Keys: []KeyValue{{"aws_access_key_id", "AKIA", 2}, {"region", "eu-west-1", 3}}}}},
		{"the first of = and : splits", "[p]\nk = a:b=c\nurl: https://x=y\n",
			[]SectionData{{Name: "p", Line: 1, Keys: []KeyValue{{"k", "a:b=c", 2}, {"url", "https://x=y", 3}}}}},
		{"no inline comments", "[p]\nk = v # not a comment\n",
			[]SectionData{{Name: "p", Line: 1, Keys: []KeyValue{{"k", "v # not a comment", 2}}}}},
		{"empty value", "[p]\nk =\n",
			[]SectionData{{Name: "p", Line: 1, Keys: []KeyValue{{"k", "", 2}}}}},
		{"section name trimmed, text after the last ] ignored", "[ profile ci ] ; note\n",
			[]SectionData{{Name: "profile ci", Line: 1}}},
		{"nested value continues on deeper lines, comments inside skipped", "[p]\ns3 =\n  max_concurrent_requests = 20\n  # c\n  addressing_style = path\nregion = us-east-1\n",
			[]SectionData{{Name: "p", Line: 1, Keys: []KeyValue{{"s3", "\nmax_concurrent_requests = 20\naddressing_style = path", 2}, {"region", "us-east-1", 6}}}}},
		{"an indented key after a header is a key", "[p]\n  k = v\n  j = w\n",
			[]SectionData{{Name: "p", Line: 1, Keys: []KeyValue{{"k", "v", 2}, {"j", "w", 3}}}}},
		{"CRLF line endings", "[p]\r\nk = v\r\n",
			[]SectionData{{Name: "p", Line: 1, Keys: []KeyValue{{"k", "v", 2}}}}},
		{"no final newline", "[p]\nk = v",
			[]SectionData{{Name: "p", Line: 1, Keys: []KeyValue{{"k", "v", 2}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, f.Sections); diff != "" {
				t.Errorf("Parse(%q) sections (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		line     int
		problem  string
	}{
		{"key before any section", "aws_secret_access_key = " + secret + "\n", 1, "outside any [profile] section"},
		{"neither key nor section", "[p]\n" + secret + "\n", 2, "want key = value"},
		{"header without ]", "[p]\nk = v\n[ci\n", 3, "without ']'"},
		{"header without name", "[ ]\n", 1, "without a name"},
		{"key without name", "[p]\n = " + secret + "\n", 2, "key without a name"},
		{"section twice", "[p]\n\n[q]\n[p]\n", 4, "section [p] repeats line 1"},
		{"key twice, any case", "[p]\nk = a\nK = b\n", 3, "key k repeats line 2 in [p]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line != tt.line || !strings.Contains(se.Problem, tt.problem) {
				t.Fatalf("Parse(%q) = %v; want a SyntaxError at line %d containing %q", tt.in, err, tt.line, tt.problem)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("Parse error %q quotes the line's text", err)
			}
		})
	}
}

// TestScanRoundTrip: the lines' Raw joined give the input back, byte for byte.
func TestScanRoundTrip(t *testing.T) {
	for _, in := range []string{"", "\n", "[p]\r\nk = v\r\n\r\n# c\r\n", "[p]\nk = v", "[p]\ns3 =\n  a = b\n\n  c = d\n"} {
		lines, err := Scan([]byte(in))
		if err != nil {
			t.Fatalf("Scan(%q) = %v", in, err)
		}
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l.Raw)
		}
		if b.String() != in {
			t.Errorf("Scan(%q) joined = %q", in, b.String())
		}
	}
}
