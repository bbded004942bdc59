package main

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// FuzzInspect feeds arbitrary standard input to `rawsts inspect -`, as text and as --json.
// Properties: the exit code is 0, 1 or 2 (never a transport error without --verify, never a
// panic); --json output is always one JSON document, with a not-a-jwt finding exactly when the
// exit code is 2 and a report is printed; the text report contains no control characters
// other than newlines, whatever the claims hold; and the signature segment is never printed.
func FuzzInspect(f *testing.F) {
	for _, claims := range []map[string]any{githubClaims(), cognitoAccessClaims(), expiredClaims()} {
		tok := mintRS256(f, claims)
		f.Add(tok)                                 // a well-formed token
		f.Add(`{"count":1,"value":"` + tok + `"}`) // a GitHub Actions reply
		f.Add(" " + tok + "\n")                    // whitespace STS would not trim
	}
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0")                                                               // two segments
	f.Add("eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2EiLCJleHAiOjEuNWU5fQ.")                                    // alg none, exp 1.5e9
	f.Add(b64json(`{"alg":"RS256"}`) + "." + b64json(`{"sub":"\u001b[31mred","aud":[1,{"a":null}]}`) + ".c2ln") // escapes
	f.Fuzz(func(t *testing.T, input string) {
		text := runCLI(t, nil, input, nil, atArgs("-")...)
		js := runCLI(t, nil, input, nil, atArgs("-", "--json")...)
		if text.code != js.code || text.code < exitOK || text.code > exitUsage {
			t.Fatalf("exit %d (text) and %d (--json); want the same, 0, 1 or 2", text.code, js.code)
		}
		for i, r := range text.stdout {
			if r != '\n' && !unicode.IsPrint(r) {
				t.Fatalf("text report has %q at byte %d:\n%s", r, i, text.stdout)
			}
		}
		if js.stdout != "" {
			var doc struct {
				Findings []struct{ Code string } `json:"findings"`
			}
			if err := json.Unmarshal([]byte(js.stdout), &doc); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, js.stdout)
			}
			notJWT := len(doc.Findings) == 1 && doc.Findings[0].Code == "not-a-jwt"
			if notJWT != (js.code == exitUsage) {
				t.Fatalf("exit %d with findings %+v", js.code, doc.Findings)
			}
		}
		parts := strings.Split(strings.TrimSpace(input), ".")
		if len(parts) == 3 && len(parts[2]) >= 16 && !strings.Contains(parts[0]+parts[1], parts[2]) {
			for _, out := range []string{text.stdout, text.stderr, js.stdout, js.stderr} {
				if strings.Contains(out, parts[2]) {
					t.Fatalf("the signature segment is printed:\n%s", out)
				}
			}
		}
	})
}

func b64json(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
