package ini

import (
	"fmt"
	"strings"
	"testing"
)

const creds = `# written by hand
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

; the CI role, refreshed by rawsts
[ci]
aws_access_key_id = ASIAOLDOLDOLDEXAMPLE
aws_secret_access_key=oldsecret
aws_session_token = oldtoken
# keep this comment

[prod]
region = eu-west-1
`

func TestUpdate(t *testing.T) {
	set := func(kv ...string) []Edit {
		var e []Edit
		for i := 0; i < len(kv); i += 2 {
			e = append(e, Edit{Key: kv[i], Value: kv[i+1]})
		}
		return e
	}
	for _, tt := range []struct {
		name    string
		in      string
		section string
		edits   []Edit
		want    string
	}{
		{"rewrite keys in place, keep everything else", creds, "ci",
			set("aws_access_key_id", "ASIANEWNEWNEWEXAMPLE", "aws_secret_access_key", "newsecret", "aws_session_token", "newtoken"),
			strings.NewReplacer("ASIAOLDOLDOLDEXAMPLE", "ASIANEWNEWNEWEXAMPLE", "aws_secret_access_key=oldsecret", "aws_secret_access_key = newsecret", "oldtoken", "newtoken").Replace(creds)},
		{"a new key goes after the section's last key, before its trailing comment", creds, "ci",
			set("region", "us-east-2"),
			strings.Replace(creds, "aws_session_token = oldtoken\n", "aws_session_token = oldtoken\nregion = us-east-2\n", 1)},
		{"delete a key", creds, "ci",
			[]Edit{{Key: "aws_session_token", Delete: true}},
			strings.Replace(creds, "aws_session_token = oldtoken\n", "", 1)},
		{"delete a missing key changes nothing", creds, "prod",
			[]Edit{{Key: "aws_session_token", Delete: true}}, creds},
		{"a new section goes at the end after a blank line", creds, "new",
			set("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
			creds + "\n[new]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"},
		{"a new section in an empty file", "", "default", set("k", "v"), "[default]\nk = v\n"},
		{"a new section after a file without final newline", "[a]\nk = v", "b", set("k", "w"), "[a]\nk = v\n\n[b]\nk = w\n"},
		{"a new key after a last line without newline", "[a]\nk = v", "a", set("j", "w"), "[a]\nk = v\nj = w\n"},
		{"a new key in an empty section goes after its header", "[a]\n\n[b]\n", "a", set("k", "v"), "[a]\nk = v\n\n[b]\n"},
		{"CRLF files stay CRLF", "[a]\r\nk = v\r\n", "a", set("k", "w", "j", "x"), "[a]\r\nk = w\r\nj = x\r\n"},
		{"a multi-line value is replaced whole", "[a]\ns3 =\n  x = 1\n\n  y = 2\nr = z\n", "a", set("s3", "none"), "[a]\ns3 = none\nr = z\n"},
		{"indentation is kept", "[a]\n  k = v\n  j = w\n", "a", set("j", "x"), "[a]\n  k = v\n  j = x\n"},
		{"an indented line after a key is part of its value, as configparser reads it", "[a]\nk = v\n  j = w\n", "a", set("k", "x"), "[a]\nk = x\n"},
		{"key case does not matter", "[a]\nRegion = x\n", "a", set("REGION", "y"), "[a]\nregion = y\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Update([]byte(tt.in), tt.section, tt.edits)
			if err != nil {
				t.Fatalf("Update = %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Update(%q, %v) =\n%s\nwant\n%s", tt.section, tt.edits, got, tt.want)
			}
			if _, err := Parse(got); err != nil {
				t.Errorf("Update wrote a file Parse refuses: %v", err)
			}
		})
	}
}

// TestUpdateManyProfiles: one profile of twenty changes; every other line stays as it was.
func TestUpdateManyProfiles(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "# profile %d\n[p%d]\naws_access_key_id = AKIA%016d\naws_secret_access_key = s%d\n\n", i, i, i, i)
	}
	in := b.String()
	got, err := Update([]byte(in), "p7", []Edit{{Key: "aws_secret_access_key", Value: "changed"}})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(in, "aws_secret_access_key = s7\n", "aws_secret_access_key = changed\n", 1)
	if string(got) != want {
		t.Errorf("Update changed more than one line:\n%s", got)
	}
}

func TestUpdateRefuses(t *testing.T) {
	for _, tt := range []struct {
		name    string
		in      string
		section string
		edit    Edit
		want    string
	}{
		{"value with newline", "", "a", Edit{Key: "k", Value: "x\n[evil]"}, "line break"},
		{"value with edge blank", "", "a", Edit{Key: "k", Value: " x"}, "blank"},
		{"key with =", "", "a", Edit{Key: "k=j", Value: "x"}, "not a key"},
		{"key starting with #", "", "a", Edit{Key: "#k", Value: "x"}, "not a key"},
		{"section with ]", "", "a]b", Edit{Key: "k", Value: "x"}, "']'"},
		{"section with newline", "", "a\nb", Edit{Key: "k", Value: "x"}, "line break"},
		{"a file the reader refuses", "[a]\n[a]\n", "a", Edit{Key: "k", Value: "x"}, "repeats"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Update([]byte(tt.in), tt.section, []Edit{tt.edit})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Update = %v; want an error containing %q", err, tt.want)
			}
			if tt.edit.Value != "" && strings.Contains(err.Error(), tt.edit.Value) {
				t.Errorf("Update error %q quotes the value", err)
			}
		})
	}
}
