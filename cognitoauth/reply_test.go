package cognitoauth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestRepliesCognitoCannotSend checks that Login refuses, as a *ResponseError, a 200 reply
// Cognito does not send, instead of returning tokens made of it: before, a reply without an
// IdToken made `rawsts cognito login` print an empty line and exit 0, and a token with a newline
// added lines to its KEY=value output.
func TestRepliesCognitoCannotSend(t *testing.T) {
	const ok = `"IdToken":"eyJ.id.EXAMPLE","AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":3600,"TokenType":"Bearer"`
	tests := []struct {
		name, body, want string
	}{
		{"no IdToken", `{"AuthenticationResult":{"AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":3600,"TokenType":"Bearer"},"ChallengeParameters":{}}`,
			"InitiateAuth reply has an AuthenticationResult without IdToken"},
		{"empty AuthenticationResult", `{"AuthenticationResult":{}}`, "without IdToken"},
		{"no AccessToken", `{"AuthenticationResult":{"IdToken":"eyJ.id.EXAMPLE","ExpiresIn":3600}}`, "without AccessToken"},
		{"newline in the IdToken", `{"AuthenticationResult":{"IdToken":"eyJ.id.EXAMPLE\nX=1","AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":3600}}`,
			"AuthenticationResult.IdToken of 18 characters that is not a token"},
		{"escape in the RefreshToken", `{"AuthenticationResult":{` + ok + `,"RefreshToken":"eyJ\u001b[2J"}}`, "AuthenticationResult.RefreshToken of 7 characters"},
		{"negative ExpiresIn", `{"AuthenticationResult":{"IdToken":"eyJ.id.EXAMPLE","AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":-5}}`,
			"has AuthenticationResult.ExpiresIn -5; Cognito's tokens last 1 to 86400 seconds"},
		{"absurd ExpiresIn", `{"AuthenticationResult":{"IdToken":"eyJ.id.EXAMPLE","AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":9007199254740993}}`, "ExpiresIn 9007199254740993"},
		{"ExpiresIn beyond int64", `{"AuthenticationResult":{"IdToken":"eyJ.id.EXAMPLE","AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":1e400}}`, "reply has a JSON number 1e400 where Cognito sends an integer"},
		{"ExpiresIn as a string", `{"AuthenticationResult":{"IdToken":"eyJ.id.EXAMPLE","AccessToken":"eyJ.access.EXAMPLE","ExpiresIn":"3600"}}`,
			"reply has a JSON string where Cognito sends an integer (AuthenticationResult.ExpiresIn)"},
		{"tokens as an array", `{"AuthenticationResult":[]}`, "JSON array where Cognito sends"},
		{"the reply an array", `[]`, "JSON array where Cognito sends an object (the reply)"},
		{"trailing garbage", `{"AuthenticationResult":{` + ok + `}} {"AuthenticationResult":{}}`, "reply is not JSON: invalid character '{' after top-level value"},
		{"duplicate IdToken", `{"AuthenticationResult":{` + ok + `,"IdToken":"eyJ.other.EXAMPLE"}}`, `reply has the key "IdToken" twice in AuthenticationResult`},
		{"IdToken in another case", `{"AuthenticationResult":{` + ok + `,"idtoken":"eyJ.other.EXAMPLE"}}`, `has the key "idtoken" twice in AuthenticationResult`},
		{"a key spelled with the long s", `{"AuthenticationResult":{` + ok + `},"AuthenticationReſult":null}`, `has the key "AuthenticationReſult" twice in the reply`},
		{"a key spelled with the Kelvin sign", `{"AuthenticationResult":{` + ok + `,"IdToKen":"eyJ.other.EXAMPLE"}}`, `has the key "IdToKen" twice in AuthenticationResult`},
		{"duplicate top-level key", `{"AuthenticationResult":{` + ok + `},"AuthenticationResult":null}`, `has the key "AuthenticationResult" twice in the reply`},
		{"challenge name with an escape", `{"ChallengeName":"SMS_MFA\u001b[2J","Session":"s","ChallengeParameters":{}}`, "ChallengeName of 11 characters that is not a challenge name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := server(t, reply(200, tt.body))
			tokens, err := testClient(s.URL).Login(context.Background(), &pwLogin, nil)
			var re *ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Login(reply %q) = %+v, %v; want *ResponseError containing %q", tt.body, tokens, err, tt.want)
			}
			for _, leak := range []string{"X=1", "other.EXAMPLE", "[2J"} {
				if strings.Contains(re.Err.Error(), leak) {
					t.Errorf("Login(reply %q): reason %q quotes the value", tt.body, re.Err)
				}
			}
		})
	}
}

// TestCheckDuplicateKeysNested: keys are compared per object, so the same key in sibling or
// nested objects and in arrays of objects is fine.
func TestCheckDuplicateKeysNested(t *testing.T) {
	for _, ok := range []string{
		`{}`, `[]`, `{"a":{"a":1},"b":{"a":[{"a":1},{"a":2}]}}`, `{"a":[1,{"b":2},[{}]],"c":"d"}`, `"x"`,
	} {
		if err := checkDuplicateKeys([]byte(ok)); err != nil {
			t.Errorf("checkDuplicateKeys(%q) = %v; want nil", ok, err)
		}
	}
	for _, bad := range []string{`{"a":1,"A":2}`, `{"x":[{"k":1,"k":2}]}`, `{"a":{"b":{},"b":1}}`} {
		if err := checkDuplicateKeys([]byte(bad)); err == nil {
			t.Errorf("checkDuplicateKeys(%q) = nil; want an error", bad)
		}
	}
}
