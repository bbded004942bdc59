package main

import (
	"fmt"
	"unicode/utf8"
)

// Every output a reply's values go into must hold them as they are, or refuse them: a session
// token with a newline must not add a [prod] section to an ini file, nor a line to KEY=value
// output. The protocol clients already refuse values their services never send (sts, cognitoauth);
// these checks are the outputs' own, so that no path around those clients can inject.

// unwritableError is a reply value an output cannot carry as it is. The command writes nothing
// and exits 3: a reply that is not the protocol's.
type unwritableError struct {
	service string // "STS" or "Cognito"
	field   string // "SessionToken"
	output  string // the --output value
	problem string // what the value holds: "a newline (U+000A)"
}

func (e *unwritableError) Error() string {
	return fmt.Sprintf("%s's reply cannot be written as --output %s: its %s holds %s, which %s never sends (the value is not shown); nothing was written",
		e.service, e.output, e.field, e.problem, e.service)
}

// describeRune names a character for a message: "a newline (U+000A)", "a space (U+0020)".
func describeRune(r rune) string {
	names := map[rune]string{'\n': "a newline", '\r': "a carriage return", '\t': "a tab", ' ': "a space", 0: "a NUL byte",
		'[': "a [", ']': "a ]", 0x1b: "an escape character", 0x7f: "a DEL character", 0xfeff: "a byte-order mark"}
	name, ok := names[r]
	switch {
	case ok:
	case r < 0x20 || r >= 0x80 && r < 0xa0:
		name = "a control character"
	default:
		name = fmt.Sprintf("the character %q", r)
	}
	return fmt.Sprintf("%s (%U)", name, r)
}

// firstBad describes the first character of v that ok refuses, or bytes that are not UTF-8:
// "a newline (U+000A)"; "" when v is fine.
func firstBad(v string, ok func(rune) bool) string {
	for i, r := range v {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(v[i:]); size == 1 {
				return "bytes that are not UTF-8"
			}
		}
		if !ok(r) {
			return describeRune(r)
		}
	}
	return ""
}

// visibleASCII accepts printable ASCII other than space: the characters of keys, tokens, ids and
// ARNs, and all that an ini line or a KEY=value line can carry without quoting.
func visibleASCII(r rune) bool { return r > 0x20 && r < 0x7f }

// notNUL accepts anything a shell's single quotes or JSON can carry (all but NUL, which no shell
// variable holds).
func notNUL(r rune) bool { return r != 0 }

// checkValues checks named reply values against what output can carry: ok for each character.
func checkValues(service, output string, ok func(rune) bool, values ...[2]string) error {
	for _, v := range values {
		if p := firstBad(v[1], ok); p != "" {
			return &unwritableError{service: service, field: v[0], output: output, problem: p}
		}
	}
	return nil
}

// profileFlagError checks a --profile-like flag that names a profile to read credentials from
// (empty means none) and reports a bad one as a usage error of command name.
func profileFlagError(s *streams, name, flag, profile string) (int, bool) {
	if profile == "" {
		return exitOK, true
	}
	if err := checkProfileName(flag, profile); err != nil {
		return usageError(s, name, "%v", err), false
	}
	return exitOK, true
}

// checkProfileName refuses a profile name that cannot be a section of an AWS config or
// credentials file: empty, with a character that ends or breaks a section header (newline,
// carriage return, [ or ]), another control character, or whitespace at an end (the AWS CLI
// trims it, so the name would not be found). flag names where the name came from.
func checkProfileName(flag, name string) error {
	if name == "" {
		return fmt.Errorf("%s is empty; want a profile name such as default", flag)
	}
	if p := firstBad(name, func(r rune) bool {
		return r >= 0x20 && r != 0x7f && (r < 0x80 || r >= 0xa0) && r != '[' && r != ']' && r != 0xfeff
	}); p != "" {
		return fmt.Errorf("%s %q: a profile name cannot hold %s", flag, name, p)
	}
	if name[0] == ' ' || name[len(name)-1] == ' ' {
		return fmt.Errorf("%s %q: a profile name cannot start or end with a space (the AWS CLI trims it)", flag, name)
	}
	return nil
}
