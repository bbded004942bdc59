package creds

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
)

// FuzzProcessOutput feeds any output of a credential_process to Retrieve (the program is cat,
// printing a file). A refusal quotes no string of the output (its doc: "Nothing the program
// printed on its standard output is ever quoted"); credentials it accepts agree with a second,
// generic reading of the JSON: Version is the number 1, and the keys, token, account and
// expiry are the output's.
func FuzzProcessOutput(f *testing.F) {
	cat, err := exec.LookPath("cat")
	if err != nil {
		f.Skip("no cat to play the program")
	}
	for _, mode := range []string{"full", "long-term", "version 2", "version text", "no secret", "bad expiry", "secret a JSON"} {
		f.Add([]byte(helperOutputs[mode])) // the outputs TestProcess runs
	}
	f.Add([]byte(`{"Version": 1.0, "AccessKeyId": "A", "SecretAccessKey": "S", "accesskeyid": "B"}`))                      // 1.0, a key in another case
	f.Add([]byte(`{"Version": "wJalrXUtnFEMI", "AccessKeyId": "A", "SecretAccessKey": "wJalrXUtnFEMI"}`))                  // a string Version
	f.Add([]byte(`{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": "2026-08-20T12:00:00+02:00"}`)) // an offset
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, out []byte) {
		file := filepath.Join(dir, "out")
		if err := os.WriteFile(file, out, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := (&Process{Args: []string{cat, file}, Timeout: 10 * time.Second}).Retrieve(context.Background())
		var doc map[string]json.RawMessage
		if err != nil {
			for _, s := range fixture.JSONValues(out) {
				if len(s) >= 8 && strings.Contains(err.Error(), s) {
					t.Fatalf("Retrieve(%q) error %q quotes the output", out, err)
				}
			}
			return
		}
		if json.Unmarshal(out, &doc) != nil {
			t.Fatalf("Retrieve(%q) accepted what is not a JSON object", out)
		}
		// The member encoding/json reads as each field (any case); a field given twice is
		// ambiguous to a map, so such outputs are left out of the comparison.
		field := func(name string) (raw json.RawMessage, ok bool) {
			n := 0
			for k, v := range doc {
				if strings.EqualFold(k, name) {
					raw, n = v, n+1
				}
			}
			return raw, n <= 1
		}
		str := func(name string) (string, bool) {
			var s string
			raw, ok := field(name)
			json.Unmarshal(raw, &s)
			return s, ok
		}
		version, ok1 := field("Version")
		key, ok2 := str("AccessKeyId")
		secret, ok3 := str("SecretAccessKey")
		token, ok4 := str("SessionToken")
		exp, ok5 := str("Expiration")
		if !(ok1 && ok2 && ok3 && ok4 && ok5) {
			return
		}
		if v := strings.TrimSpace(string(version)); v != "1" {
			t.Fatalf("Retrieve(%q) accepted Version %s", out, v)
		}
		if c.AccessKeyID != key || c.SecretAccessKey != secret || c.SessionToken != token {
			t.Fatalf("Retrieve(%q) = %+v; the output holds other credentials", out, c)
		}
		if exp != "" {
			want, _ := time.Parse(time.RFC3339, exp)
			if !c.Expiration.Equal(want) {
				t.Fatalf("Retrieve(%q) expires %v; the output says %s", out, c.Expiration, exp)
			}
		}
	})
}
