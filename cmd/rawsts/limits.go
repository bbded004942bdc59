package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/rawsts/rawsts/internal/bounded"
)

// The most rawsts reads from each kind of local input. More is an error naming the input and
// the limit (exit 2), never a silent cut and never all the memory: /dev/zero and a FIFO that
// never ends stop there. ARCHITECTURE.md ("Limits") lists these with every other bound.
const (
	// maxTokenFile bounds a token read from a file or standard input: --web-identity-token-file,
	// $AWS_WEB_IDENTITY_TOKEN_FILE, inspect and diagnose --file or -, --refresh-token-file. STS
	// takes at most 20000 characters; the rest leaves room for a CI service's JSON reply around
	// one.
	maxTokenFile = 64 << 10
	// maxLine bounds one line of standard input or of a terminal: a password (--password-stdin,
	// --new-password-stdin), an MFA code, an answer to a prompt, a refresh token after
	// --refresh-token-file -.
	maxLine = 64 << 10
	// maxPolicyFile bounds a policy document read from a file: --policy @FILE, diagnose's
	// --trust-policy and --provider, lint-trust-policy's FILE. IAM's largest policy is 10240
	// characters without whitespace (a role's inline policies; a trust policy is at most 4096, a
	// session policy 2048); the rest leaves room for indentation and `aws iam get-role` output.
	maxPolicyFile = 64 << 10
	// maxMessageFile bounds decode-authorization-message's standard input: STS's EncodedMessage
	// is at most 10240 characters.
	maxMessageFile = 64 << 10
	// maxEventFile bounds diagnose --cloudtrail: one event is a few KiB, a page of `aws
	// cloudtrail lookup-events` (50 events) some hundreds, a CloudTrail log file (gunzipped)
	// rarely more than a few MiB.
	maxEventFile = 4 << 20
	// maxCAFile bounds --ca-file: a bundle of every public root CA is about 200 KiB.
	maxCAFile = 1 << 20
	// maxBodyFile bounds sign's -d @FILE and --data-binary @FILE (@- is standard input).
	maxBodyFile = 1 << 20
)

// readFileOrStdin reads a file, or standard input for "-", through max bytes.
func readFileOrStdin(s *streams, path string, max int64) ([]byte, error) {
	if path == "-" {
		return bounded.ReadAll(s.stdin, displayPath(path), max)
	}
	b, err := bounded.ReadFile(path, max)
	var tooLarge *bounded.TooLargeError
	if err != nil && !errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, err
}

func displayPath(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// readLine reads one line of standard input or of a terminal, without its line ending, through
// maxLine bytes; a last line without a newline counts. errNoAnswer means the input ended first.
func readLine(r *bufio.Reader) (string, error) {
	line, err := bounded.ReadLine(r, "the line on standard input", maxLine)
	if err == io.EOF {
		return "", errNoAnswer
	}
	return line, err
}
