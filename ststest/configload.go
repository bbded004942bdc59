package ststest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/rawsts/rawsts/internal/bounded"
)

// MaxConfigSize is the largest config file [LoadConfig] reads: 8 MiB.
const MaxConfigSize = 8 << 20

// ConfigError is a config that cannot be used: Path locates the element in JSON terms
// (Roles[1].AssumeRolePolicyDocument), Problem says what is wrong and how to fix it.
type ConfigError struct {
	// File is the file read, "" for [ParseConfig] and [Config.Validate].
	File string
	// Path is the element, e.g. "UserPools[0].Clients[1].ExplicitAuthFlows[2]"; "" for the
	// document as a whole.
	Path string
	// Problem is what is wrong, with the fix.
	Problem string
}

// Error returns "ststest: config FILE: PATH: PROBLEM".
func (e *ConfigError) Error() string {
	s := "ststest: config"
	if e.File != "" {
		s += " " + e.File
	}
	if e.Path != "" {
		s += ": " + e.Path
	}
	return s + ": " + e.Problem
}

// LoadConfig reads a config file (at most [MaxConfigSize]) with [ParseConfig]. Errors name
// the file: a [*ConfigError], a [*bounded.TooLargeError], or the error of opening it.
func LoadConfig(path string) (Config, error) {
	data, err := bounded.ReadFile(path, MaxConfigSize)
	if err != nil {
		return Config{}, err
	}
	cfg, err := ParseConfig(data)
	var ce *ConfigError
	if errors.As(err, &ce) {
		ce.File = path
	}
	return cfg, err
}

// ParseConfig decodes a JSON config strictly — a member it does not know, a value of the
// wrong type, a duplicate member or anything after the document is an error naming the path —
// and checks it with [Config.Validate]. Errors are [*ConfigError].
//
// The JSON may carry line comments: from // to the end of the line, outside strings, is
// ignored (so a URL such as "https://example.com" in a string stays whole). The example
// `rawsts emulator --init` writes is commented so. Block comments (/* */) are not read.
func ParseConfig(data []byte) (Config, error) {
	var cfg Config
	data = stripComments(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return Config{}, &ConfigError{Problem: "not a JSON document: " + jsonProblem(err, data)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return Config{}, &ConfigError{Problem: "there is more after the JSON document; a config is one object"}
	}
	if dup := firstDuplicate(data); dup != "" {
		return Config{}, &ConfigError{Path: dup, Problem: "appears twice in one object; keep one"}
	}
	if err := decodeStrict(reflect.ValueOf(&cfg).Elem(), doc, ""); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func jsonProblem(err error, data []byte) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("%v (line %d)", se, line)
	}
	if errors.Is(err, io.EOF) {
		return "the input is empty"
	}
	return err.Error()
}

var policyDocType = reflect.TypeOf(PolicyDocument(""))

// decodeStrict stores the decoded JSON value v into dst, following dst's json tags, and
// refuses unknown members and wrong types with the path of the offending element.
func decodeStrict(dst reflect.Value, v any, path string) error {
	bad := func(want string) error {
		return &ConfigError{Path: path, Problem: fmt.Sprintf("want %s, not %s", want, jsonKind(v))}
	}
	if dst.Type() == policyDocType {
		b, err := json.Marshal(v)
		if err != nil {
			return bad("a policy document")
		}
		var p PolicyDocument
		if err := p.UnmarshalJSON(b); err != nil {
			return &ConfigError{Path: path, Problem: err.Error()}
		}
		dst.Set(reflect.ValueOf(p))
		return nil
	}
	switch dst.Kind() {
	case reflect.Pointer: // an optional object: absent or null leaves it nil
		if v == nil {
			return nil
		}
		ptr := reflect.New(dst.Type().Elem())
		if err := decodeStrict(ptr.Elem(), v, path); err != nil {
			return err
		}
		dst.Set(ptr)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return bad("a string")
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return bad("true or false")
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return bad("a whole number")
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return bad("a whole number")
		}
		dst.SetInt(i)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return bad("a list [...]")
		}
		out := reflect.MakeSlice(dst.Type(), len(list), len(list))
		for i, e := range list {
			if err := decodeStrict(out.Index(i), e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		dst.Set(out)
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return bad("an object {...}")
		}
		out := reflect.MakeMapWithSize(dst.Type(), len(obj))
		for k, e := range obj {
			ev := reflect.New(dst.Type().Elem()).Elem()
			if err := decodeStrict(ev, e, join(path, k)); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k), ev)
		}
		dst.Set(out)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return bad("an object {...}")
		}
		fields := map[string]int{}
		var names []string
		t := dst.Type()
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" {
				fields[name] = i
				names = append(names, name)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			i, ok := fields[k]
			if !ok {
				return &ConfigError{Path: join(path, k), Problem: "is not a member the config knows" + suggest(k, names) +
					" (members here: " + strings.Join(names, ", ") + ")"}
			}
			if err := decodeStrict(dst.Field(i), obj[k], join(path, k)); err != nil {
				return err
			}
		}
	default:
		return &ConfigError{Path: path, Problem: "cannot be decoded"} // no such field in Config
	}
	return nil
}

// suggest proposes a member that differs from k only in case.
func suggest(k string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(n, k) {
			return fmt.Sprintf("; member names are case-sensitive: did you mean %q?", n)
		}
	}
	return ""
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// firstDuplicate returns the path of the first member that appears twice in one object, or "".
// (encoding/json keeps the last silently; a config where two values fight is a mistake.)
func firstDuplicate(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(path string) (string, error)
	walk = func(path string) (string, error) {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return "", err
				}
				k, _ := kt.(string)
				if seen[k] {
					return join(path, k), nil
				}
				seen[k] = true
				if d, err := walk(join(path, k)); d != "" || err != nil {
					return d, err
				}
			}
			_, err = dec.Token()
			return "", err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if d, err := walk(fmt.Sprintf("%s[%d]", path, i)); d != "" || err != nil {
					return d, err
				}
			}
			_, err = dec.Token()
			return "", err
		}
		return "", nil
	}
	d, _ := walk("")
	return d
}

// stripComments returns data with every line comment — from // outside a JSON string to the
// end of the line — replaced by spaces, so that the offsets and line numbers of a syntax error
// stay those of the file. A string's escapes (\" included) are followed, so // inside a string
// is kept.
func stripComments(data []byte) []byte {
	if !bytes.Contains(data, []byte("//")) {
		return data
	}
	out := bytes.Clone(data)
	inString := false
	for i := 0; i < len(out); i++ {
		switch c := out[i]; {
		case inString && c == '\\':
			i++ // the escaped character, whatever it is
		case c == '"':
			inString = !inString
		case c == '\n':
			inString = false // a string never spans lines; the decoder reports the broken one
		case !inString && c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
			i-- // the newline is read by the loop
		}
	}
	return out
}
