package process

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// FuzzSplit checks Split, the reader of a profile's credential_process line: an error is
// ErrUnterminatedQuote; words it reads, written back single-quoted, read the same (a round
// trip); and for a line of letters, digits, blanks, quotes, backslashes and punctuation no
// shell expands, a POSIX shell splits it into the same words (a second reading).
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{
		`aws-vault exec prod --json`,                 // a plain command line
		`/opt/bin/get-creds --profile 'my profile'`,  // single quotes keep a blank
		`tool "a \"quoted\" word" 'it'\''s' a\ b`,    // escapes in and out of double quotes, the '\'' idiom
		`"unterminated`,                              // an open quote
		`trailing\`,                                  // a trailing backslash
		"tab\tand  spaces\r\n  ",                     // other blanks
		`'' "" x`,                                    // empty words
		`sh -c 'exec my-tool | jq .' $HOME ~ *.json`, // what a shell would expand is ordinary here
	} {
		f.Add(seed)
	}
	sh, _ := exec.LookPath("sh")
	f.Fuzz(func(t *testing.T, line string) {
		words, err := Split(line)
		if err != nil {
			if !errors.Is(err, ErrUnterminatedQuote) {
				t.Fatalf("Split(%q) = %v; want ErrUnterminatedQuote", line, err)
			}
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		}
		again, err := Split(strings.Join(quoted, " "))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("Split(%q) = %q; quoted and split again: %q, %v", line, words, again, err)
		}
		if sh == "" || strings.Trim(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t'\"\\_-./=:,@+%") != "" || strings.ContainsRune(line, 0) {
			return
		}
		out, err := exec.Command(sh, "-c", `for w in `+line+`; do printf '%s\0' "$w"; done`).Output()
		if err != nil {
			t.Fatalf("sh cannot read %q: %v", line, err)
		}
		shell := strings.Split(string(out), "\x00")
		shell = shell[:len(shell)-1]
		if !slices.Equal(shell, words) {
			t.Fatalf("Split(%q) = %q; sh reads %q", line, words, shell)
		}
	})
}
