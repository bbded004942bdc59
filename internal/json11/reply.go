package json11

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// DecodeReply decodes a 2xx reply of op into out and refuses what an AWS JSON service does not
// send: a body that is not one JSON value (trailing bytes included), a member of the wrong
// type, an object with the same key twice (encoding/json would keep the last and fold
// "idtoken" into "IdToken"), a value a field's own UnmarshalJSON refuses. The error never
// quotes a value.
func DecodeReply(op string, data []byte, out any) error {
	if err := json.Unmarshal(data, out); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			where := typeErr.Field
			if where == "" {
				where = "the reply"
			}
			return fmt.Errorf("%s reply has a JSON %s where Cognito sends %s (%s)", op, typeErr.Value, jsonKind(typeErr.Type), where)
		}
		var syntaxErr *json.SyntaxError
		if !errors.As(err, &syntaxErr) && !strings.HasPrefix(err.Error(), "json: ") {
			// A field's own UnmarshalJSON refused a value: its error says which, as "a X that …".
			return fmt.Errorf("%s reply has %w", op, err)
		}
		return fmt.Errorf("%s reply is not JSON: %w", op, err)
	}
	if err := CheckDuplicateKeys(data); err != nil {
		return fmt.Errorf("%s reply %w", op, err)
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

// CheckDuplicateKeys reports the first object in data (valid JSON) that has a key twice,
// compared as encoding/json matches keys to fields: without regard to case, Unicode's simple
// folding included, under which the long s (U+017F) is an s and the Kelvin sign (U+212A) a k.
func CheckDuplicateKeys(data []byte) error {
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
