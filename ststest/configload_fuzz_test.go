package ststest_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rawsts/rawsts/ststest"
)

// samePolicy compares policy documents as JSON values (MarshalJSON compacts them).
var samePolicy = cmp.Transformer("policy", func(p ststest.PolicyDocument) any {
	var v any
	if json.Unmarshal([]byte(p), &v) != nil {
		return string(p)
	}
	return v
})

// FuzzParseConfig checks the emulator's config reader on any bytes: every refusal is a
// *ConfigError; a config it accepts reads the same through encoding/json (a second, lenient
// reading) and survives a round trip (Marshal, then ParseConfig again).
func FuzzParseConfig(f *testing.F) {
	def, err := json.Marshal(ststest.DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)                                                                                                                                                                                                  // the walkthrough's config: users, providers, roles with policies, a pool, issuers
	f.Add([]byte(`{}`))                                                                                                                                                                                         // the empty account
	f.Add([]byte(`{"Account": "111122223333", "Region": "eu-west-1", "Roles": [{"RoleName": "r", "Path": "/a/", "MaxSessionDuration": 43200, "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"}]}`)) // a URL-encoded policy string
	f.Add([]byte(`{"Roles": [{"RoleName": "Deploy"}, {"RoleName": "deploy"}]}`))                                                                                                                                // a role twice
	f.Add([]byte(`{"UserPools": [{"Id": "us-east-1_X", "Clients": [{"ClientId": "c1", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]}], "Users": [{"Username": "u", "Password": "p"}]}]}`))                  // a pool
	f.Add([]byte(`{"Account": "123456789012", "Account": "111122223333"}`))                                                                                                                                     // a member twice
	f.Add([]byte(`{"roles": [], "MaxSessionDuration": 1e3}`))                                                                                                                                                   // a member in the wrong case, an unknown one
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ststest.ParseConfig(data)
		if err != nil {
			var ce *ststest.ConfigError
			if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "ststest: config") {
				t.Fatalf("ParseConfig(%q) error %T %v; want a *ConfigError", data, err, err)
			}
			return
		}
		var lenient ststest.Config
		if err := json.Unmarshal(data, &lenient); err != nil {
			t.Fatalf("ParseConfig(%q) accepted what encoding/json refuses: %v", data, err)
		}
		if d := cmp.Diff(cfg, lenient, samePolicy, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("ParseConfig(%q) and encoding/json disagree (-strict +lenient):\n%s", data, d)
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatalf("Marshal(ParseConfig(%q)) = %v", data, err)
		}
		back, err := ststest.ParseConfig(out)
		if err != nil {
			t.Fatalf("ParseConfig(%q) succeeded; its Marshal does not parse: %v\n%s", data, err, out)
		}
		if d := cmp.Diff(cfg, back, samePolicy, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("ParseConfig(%q), Marshal, ParseConfig differ (-first +second):\n%s", data, d)
		}
	})
}
