package process

import (
	"errors"
	"strings"
)

// ErrUnterminatedQuote is returned by Split for a command line with an open quote or a
// trailing backslash.
var ErrUnterminatedQuote = errors.New("unterminated quote or trailing backslash")

// Split splits a command line into a program and its arguments the way the AWS CLI splits a
// credential_process (botocore's compat_shell_split, Python's shlex.split in POSIX mode on
// Unix), without running a shell: words are separated by blanks; 'single quotes' keep
// everything literally; "double quotes" keep everything but a backslash before '\' or '"';
// outside quotes a backslash keeps the next character literally. There is no expansion of
// $VARIABLES, ~, globs, and no pipes or redirections: those characters are ordinary. The
// AWS SDK for Go v2 instead runs the line with "sh -c"; a line that needs a shell can say
// so itself: sh -c 'exec my-tool | jq .'.
func Split(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 >= len(line) {
				return nil, ErrUnterminatedQuote
			}
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, ErrUnterminatedQuote
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && (line[i+1] == '\\' || line[i+1] == '"') {
					i++
				}
				cur.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, ErrUnterminatedQuote
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
