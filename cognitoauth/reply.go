package cognitoauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// decodeReply decodes a 2xx reply of op into out and refuses what Cognito does not send: a body
// that is not one JSON value (trailing bytes included), a member of the wrong type, an object
// with the same key twice (encoding/json would keep the last and fold "idtoken" into
// "IdToken"), and, when out can check itself, values of the wrong shape. The error never
// quotes a value.
func decodeReply(op string, data []byte, out any) error {
	if err := json.Unmarshal(data, out); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			where := typeErr.Field
			if where == "" {
				where = "the reply"
			}
			return fmt.Errorf("%s reply has a JSON %s where Cognito sends %s (%s)", op, typeErr.Value, jsonKind(typeErr.Type), where)
		}
		return fmt.Errorf("%s reply is not JSON: %w", op, err)
	}
	if err := checkDuplicateKeys(data); err != nil {
		return fmt.Errorf("%s reply %w", op, err)
	}
	if c, ok := out.(interface{ check() error }); ok {
		if err := c.check(); err != nil {
			return fmt.Errorf("%s reply %w", op, err)
		}
	}
	return nil
}

// jsonKind names the JSON value a Go type decodes from: "an object", "a string" …
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// checkDuplicateKeys reports the first object in data (valid JSON) that has a key twice,
// compared as encoding/json matches keys to fields: without regard to case, Unicode's simple
// folding included, under which the long s (U+017F) is an s and the Kelvin sign (U+212A) a k.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type object struct {
		keys    map[string]bool
		wantKey bool
	}
	var stack []*object
	var path []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or an error json.Unmarshal has already reported
		}
		var top *object
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if key, ok := tok.(string); ok && top != nil && top.wantKey {
			folded := strings.ToLower(strings.ToUpper(key)) // ToUpper maps ſ to S; ToLower maps K to k
			if top.keys[folded] {
				return fmt.Errorf("has the key %q twice in %s", key, jsonPath(path))
			}
			top.keys[folded] = true
			top.wantKey = false
			path[len(path)-1] = key
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &object{keys: map[string]bool{}, wantKey: true})
			path = append(path, "")
			continue
		case json.Delim('['):
			stack = append(stack, nil)
			continue
		case json.Delim('}'):
			path = path[:len(path)-1]
			stack = stack[:len(stack)-1]
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value (or the end of one) was read: the enclosing object wants its next key.
		if len(stack) > 0 && stack[len(stack)-1] != nil {
			stack[len(stack)-1].wantKey = true
		}
	}
}

// jsonPath names the object whose keys are being read: "the reply", or "AuthenticationResult".
func jsonPath(path []string) string {
	var named []string
	for _, p := range path[:len(path)-1] {
		if p != "" {
			named = append(named, p)
		}
	}
	if len(named) == 0 {
		return "the reply"
	}
	return strings.Join(named, ".")
}

// challengeName is the shape of ChallengeNameType's values: SMS_MFA, PASSWORD_VERIFIER …
var challengeName = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// tokenText is what Cognito's tokens are made of: JWTs (ID, access) and JWEs (refresh), that is
// base64url segments joined by dots.
var tokenText = regexp.MustCompile(`^[A-Za-z0-9_=.-]+$`)

// maxExpiresIn is the longest lifetime of Cognito's ID and access tokens: an app client sets
// them from 5 minutes to 1 day.
const maxExpiresIn = 24 * 60 * 60

// check refuses an AuthOutput Cognito does not send: tokens without an IdToken or AccessToken,
// a token with characters no JWT has (a newline would add lines to rawsts's KEY=value output),
// a lifetime that is not 1 s to 1 day, a challenge name that is not one.
func (o *AuthOutput) check() error {
	if o.ChallengeName != "" && !challengeName.MatchString(o.ChallengeName) {
		return fmt.Errorf("has a ChallengeName of %d characters that is not a challenge name (capitals and _)", len(o.ChallengeName))
	}
	r := o.AuthenticationResult
	if r == nil {
		return nil
	}
	for _, t := range []struct {
		name, value string
		required    bool
	}{
		{"IdToken", r.IdToken, true},
		{"AccessToken", r.AccessToken, true},
		{"RefreshToken", r.RefreshToken, false},
	} {
		switch {
		case t.value == "" && t.required:
			return fmt.Errorf("has an AuthenticationResult without %s", t.name)
		case t.value != "" && !tokenText.MatchString(t.value):
			return fmt.Errorf("has an AuthenticationResult.%s of %d characters that is not a token (base64url and dots)", t.name, len(t.value))
		}
	}
	if r.ExpiresIn < 1 || r.ExpiresIn > maxExpiresIn {
		return fmt.Errorf("has AuthenticationResult.ExpiresIn %d; Cognito's tokens last 1 to %d seconds", r.ExpiresIn, maxExpiresIn)
	}
	return nil
}
