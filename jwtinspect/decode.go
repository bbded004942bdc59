package jwtinspect

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// ErrMalformed is matched (with errors.Is) by every error [Decode] returns: the input is not a
// compact JWS that STS could read. The error itself is a [*MalformedError] naming the problem.
var ErrMalformed = errors.New("jwtinspect: malformed token")

// MalformedError says why the input to [Decode] is not a compact JWS. It never contains the
// token or any part of it.
type MalformedError struct {
	// Reason is a sentence naming what is wrong, e.g. "the payload segment is not base64url".
	Reason string
	// Segment is "header", "payload" or "signature" when the problem is in one segment, else "".
	Segment string
	// Err is the underlying decoding error, if any (a base64 or JSON error; never token text).
	Err error
}

// Error returns "jwtinspect: malformed token: " and the Reason; it quotes no token text.
func (e *MalformedError) Error() string { return "jwtinspect: malformed token: " + e.Reason }

// Is reports whether target is [ErrMalformed].
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// Unwrap returns the underlying decoding error.
func (e *MalformedError) Unwrap() error { return e.Err }

// Header is the decoded JOSE header.
type Header struct {
	// Alg, Kid and Typ are the "alg", "kid" and "typ" members when they are strings, else "".
	Alg, Kid, Typ string
	// Raw holds every header member as decoded.
	Raw map[string]any
}

// Token is a compact JWS decoded without checking its signature.
type Token struct {
	// Raw is the token as STS would receive it after the surrounding whitespace is trimmed:
	// exactly Segments joined with ".".
	Raw string
	// Segments are the three base64url segments: header, payload and signature.
	Segments [3]string
	// Trimmed describes the whitespace Decode removed from around the input, e.g. "a trailing
	// newline" ("" if none). Whether STS trims is not documented: a token sent with a trailing
	// newline may be refused as not a valid JWT. The AWS SDKs send a token file's bytes as they
	// are (botocore does not strip web_identity_token_file).
	Trimmed string
	// Header is the decoded JOSE header.
	Header Header
	// Claims is a typed view of the claims STS and trust policies use.
	Claims Claims
	// RawClaims holds every claim as decoded, numbers as json.Number. It is the input
	// package trustpolicy takes.
	RawClaims map[string]any
	// Signature is the decoded signature (empty for an unsecured "alg":"none" token).
	Signature []byte

	// claimProblems records claims STS reads whose JSON type is wrong; Lint reports them.
	claimProblems []claimProblem
	// duplicates names the header members and claims that appear more than once ("the claim
	// \"aud\""); the decoded maps keep the last. Lint reports them.
	duplicates []string
}

// SigningInput returns header.payload, the bytes the signature covers.
func (t *Token) SigningInput() string { return t.Segments[0] + "." + t.Segments[1] }

var segmentNames = [3]string{"header", "payload", "signature"}

// wrapperFields are the JSON members CI services put a token in: GitHub Actions "value",
// Buildkite "token", Azure Pipelines "oidcToken", and OAuth/Cognito token replies.
var wrapperFields = []string{"value", "token", "oidcToken", "id_token", "IdToken", "access_token", "AccessToken"}

// Decode splits raw into its three segments and decodes the header and the claims, without
// checking the signature. Surrounding whitespace is trimmed and recorded in [Token.Trimmed];
// everything else that is not a compact JWS is an error wrapping [ErrMalformed] that names the
// problem. Claims of the wrong type and non-integer times do not fail the decode: [Lint]
// reports them.
func Decode(raw string) (*Token, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		if raw == "" {
			return nil, malformed("", nil, "the input is empty")
		}
		return nil, malformed("", nil, "the input is only whitespace")
	}
	if err := checkShape(s); err != nil {
		return nil, err
	}
	parts := strings.Split(s, ".")
	tok := &Token{Raw: s, Trimmed: describeWhitespace(raw, s)}
	copy(tok.Segments[:], parts)

	var decoded [3][]byte
	for i, seg := range parts {
		if seg == "" && i < 2 {
			return nil, malformed(segmentNames[i], nil, "the %s segment is empty", segmentNames[i])
		}
		if strings.Contains(seg, "=") {
			return nil, malformed(segmentNames[i], nil,
				"the %s segment ends in '=' padding, which JWS base64url does not use; remove the '='", segmentNames[i])
		}
		b, err := base64.RawURLEncoding.DecodeString(seg)
		if err != nil {
			hint := ""
			if strings.ContainsAny(seg, "+/") {
				hint = " (it contains '+' or '/': standard base64, not base64url)"
			}
			return nil, malformed(segmentNames[i], err, "the %s segment is not base64url%s", segmentNames[i], hint)
		}
		decoded[i] = b
	}
	header, err := decodeObject(decoded[0])
	if err != nil {
		return nil, malformed("header", err, "the header segment is not a JSON object (%s)", describeJSONError(err))
	}
	claims, err := decodeObject(decoded[1])
	if err != nil {
		return nil, malformed("payload", err, "the payload segment is not a JSON object (%s)", describeJSONError(err))
	}

	// golang-jwt reads the token the way most Go relying parties do; it must agree with us.
	p := jwt.NewParser(jwt.WithJSONNumber())
	jt, _, err := p.ParseUnverified(s, jwt.MapClaims{})
	if err != nil && !errors.Is(err, jwt.ErrTokenUnverifiable) {
		return nil, malformed("", err, "golang-jwt cannot parse the token")
	}
	if jt != nil {
		if mc, ok := jt.Claims.(jwt.MapClaims); ok && mc != nil {
			claims = mc
		}
	}

	tok.Header = Header{Raw: header}
	tok.Header.Alg, _ = header["alg"].(string)
	tok.Header.Kid, _ = header["kid"].(string)
	tok.Header.Typ, _ = header["typ"].(string)
	tok.RawClaims = claims
	tok.Signature = decoded[2]
	tok.Claims, tok.claimProblems = parseClaims(claims)
	for _, k := range repeatedKeys(decoded[0]) {
		tok.duplicates = append(tok.duplicates, "the header member "+strconv.Quote(k))
	}
	for _, k := range repeatedKeys(decoded[1]) {
		tok.duplicates = append(tok.duplicates, "the claim "+strconv.Quote(k))
	}
	return tok, nil
}

// repeatedKeys returns the keys that appear more than once among the members of the JSON
// object b (already decoded once, so valid), in the order of their second appearance. Nested
// objects are not searched: their keys are not claims.
func repeatedKeys(b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	seen := map[string]bool{}
	var out []string
	depth := 0
	wantKey := false
	for {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		if k, ok := t.(string); ok && depth == 1 && wantKey {
			if seen[k] {
				out = append(out, k)
			}
			seen[k] = true
			wantKey = false
			continue
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
			wantKey = depth == 1
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		wantKey = depth == 1 // a member's value has ended: the next string is a key
	}
}

// checkShape names the common ways a pasted or read token is not a bare compact JWS.
func checkShape(s string) error {
	if strings.HasPrefix(s, "\ufeff") {
		return malformed("", nil, "the input starts with a byte-order mark (U+FEFF); save the file without a BOM")
	}
	if s[0] == '{' || s[0] == '[' || s[0] == '"' {
		return jsonInput(s)
	}
	if f := strings.Fields(s); len(f) == 2 && strings.EqualFold(f[0], "bearer") {
		return malformed("", nil, "the input starts with %q: pass the token without the Authorization scheme", f[0])
	}
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		what := "whitespace"
		if r == '\n' || r == '\r' {
			what = "a line break"
		}
		return malformed("", nil, "the token contains %s at byte %d; a JWT has none (was it wrapped or pasted in pieces?)", what, i)
	}
	switch n := strings.Count(s, ".") + 1; {
	case n == 5:
		return malformed("", nil, "the input has 5 segments: it is a JWE (an encrypted token), and STS needs a signed JWS with 3")
	case n != 3:
		return malformed("", nil, "the input has %d segment(s) separated by '.'; a compact JWS has 3 (header.payload.signature)", n)
	}
	return nil
}

// jsonInput explains input that is JSON rather than a token, such as a CI service's reply.
func jsonInput(s string) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &obj); err != nil {
		var str string
		if json.Unmarshal([]byte(s), &str) == nil {
			return malformed("", nil, "the input is a JSON string in quotes; remove the quotes")
		}
		return malformed("", nil, "the input starts like JSON but is not a compact JWS (header.payload.signature)")
	}
	for _, f := range wrapperFields {
		v, ok := obj[f]
		if !ok {
			continue
		}
		var inner string
		if json.Unmarshal(v, &inner) == nil && strings.Count(inner, ".") >= 2 {
			return malformed("", nil,
				"the input is a JSON reply with the token inside its %q member (as a CI token endpoint returns it); extract it first, e.g. jq -r .%s", f, f)
		}
	}
	return malformed("", nil, "the input is a JSON object, not a compact JWS; if it wraps a token, extract the token first")
}

// Unwrap returns the token inside a CI service's JSON reply ({"value": …} from GitHub Actions,
// {"token": …} from Buildkite, {"oidcToken": …} from Azure Pipelines, or an OAuth reply's
// "id_token"), and the member it came from. ok is false if raw is not such a reply.
func Unwrap(raw string) (token, member string, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(strings.TrimSpace(raw)), &obj) != nil {
		return "", "", false
	}
	for _, f := range wrapperFields {
		var inner string
		if v, found := obj[f]; found && json.Unmarshal(v, &inner) == nil && strings.Count(inner, ".") >= 2 {
			return inner, f, true
		}
	}
	return "", "", false
}

// decodeObject decodes one JSON object, numbers as json.Number, refusing trailing data.
func decodeObject(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := decodeOne(b, &m, true); errors.Is(err, errTrailingData) {
		return nil, errors.New("data after the object")
	} else if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null")
	}
	return m, nil
}

// decodeOne decodes exactly one JSON value of b into v (numbers as json.Number when useNumber),
// refusing anything after it but whitespace.
func decodeOne(b []byte, v any, useNumber bool) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if useNumber {
		dec.UseNumber()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailingData
	}
	return nil
}

// errTrailingData is a JSON document followed by more than whitespace.
var errTrailingData = errors.New("there is more after the JSON value")

// describeJSONError says where JSON decoding failed without quoting the input.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return "it is a JSON " + typ.Value
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends early"
	default:
		return err.Error()
	}
}

// describeWhitespace names whitespace for a person: "a trailing newline", "2 leading spaces".
func describeWhitespace(raw, s string) string {
	if raw == s {
		return ""
	}
	i := strings.Index(raw, s)
	lead, trail := raw[:i], raw[i+len(s):]
	var parts []string
	if lead != "" {
		parts = append(parts, fmt.Sprintf("leading %q", lead))
	}
	switch trail {
	case "":
	case "\n":
		parts = append(parts, "a trailing newline")
	case "\r\n":
		parts = append(parts, "a trailing CRLF line ending")
	default:
		parts = append(parts, fmt.Sprintf("trailing %q", trail))
	}
	return strings.Join(parts, " and ")
}

func malformed(segment string, err error, format string, args ...any) error {
	return &MalformedError{Reason: fmt.Sprintf(format, args...), Segment: segment, Err: err}
}
