package cognitoauth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/json11"
)

// FuzzDecodeReply checks decodeReply, the reader of Cognito's successful replies, against a
// second reading of the same bytes (a generic JSON decode, keys matched as encoding/json
// matches them to fields: without regard to case): a reply it accepts has at most one key per
// member, and every member it read has the value the second reading finds; tokens it accepts
// are base64url and dots and last 1 s to a day; and its errors never quote a string value of the
// reply (a token, a session).
func FuzzDecodeReply(f *testing.F) {
	// Seeds: every reply of the recorded Cognito exchanges (challenges, tokens, errors, HTML).
	for _, c := range fixture.Glob(f, "../testdata/fixtures/cognito/*.txt") {
		for _, ex := range c.Exchanges {
			f.Add(ex.Response.Body)
		}
	}
	f.Add([]byte(`{"AuthenticationResult":{"IdToken":"a.b.c","AccessToken":"d.e.f","ExpiresIn":3600},"authenticationresult":null}`)) // a key twice, in two cases
	f.Add([]byte(`{"Session":"s1","Seſſion":"s2"}`))                                                                                 // a key twice, spelled with U+017F, which encoding/json folds to s
	f.Add([]byte(`{"AuthenticationResult":{"IdToken":"a.b\nc","AccessToken":"x","ExpiresIn":0}}`))                                   // a newline in a token, no lifetime
	f.Add([]byte(`{"ChallengeName":"SMS_MFA\u001b[2J","ChallengeParameters":{"CODE_DELIVERY_DESTINATION":"+1\n"}} {}`))              // an escape in a challenge name, a second JSON value
	f.Fuzz(func(t *testing.T, data []byte) {
		var out AuthOutput
		err := decodeReply("InitiateAuth", data, &out)
		strs := fixture.JSONValues(data)
		if err != nil {
			for _, v := range strs {
				if len(v) >= 12 && strings.Contains(err.Error(), v) {
					t.Fatalf("decodeReply(%q) error %q quotes the value %q", data, err, v)
				}
			}
			return
		}
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&doc) != nil {
			if strings.TrimSpace(string(data)) == "null" {
				return // null decodes to an empty reply; the login then finds neither tokens nor a challenge
			}
			t.Fatalf("decodeReply(%q) accepted what is not a JSON object", data)
		}
		same := func(obj map[string]any, name, got string) {
			v, n := member(obj, name)
			if n > 1 {
				t.Fatalf("decodeReply(%q) accepted %d keys that encoding/json reads as %s", data, n, name)
			}
			if s, _ := v.(string); n == 1 && s != got {
				t.Fatalf("decodeReply(%q) read %s = %q; the second reading finds %q", data, name, got, s)
			}
		}
		same(doc, "ChallengeName", out.ChallengeName)
		same(doc, "Session", out.Session)
		same(doc, "ChallengeParameters", "")
		same(doc, "AvailableChallenges", "")
		ar, n := member(doc, "AuthenticationResult")
		if n > 1 {
			t.Fatalf("decodeReply(%q) accepted %d AuthenticationResult keys", data, n)
		}
		r := out.AuthenticationResult
		if obj, ok := ar.(map[string]any); ok {
			if r == nil {
				t.Fatalf("decodeReply(%q) dropped the AuthenticationResult", data)
			}
			same(obj, "IdToken", r.IdToken)
			same(obj, "AccessToken", r.AccessToken)
			same(obj, "RefreshToken", r.RefreshToken)
			same(obj, "TokenType", r.TokenType)
			same(obj, "ExpiresIn", "")
		}
		if r != nil {
			for _, tok := range []string{r.IdToken, r.AccessToken} {
				if !tokenText.MatchString(tok) {
					t.Fatalf("decodeReply(%q) accepted the token %q", data, tok)
				}
			}
			if r.RefreshToken != "" && !tokenText.MatchString(r.RefreshToken) {
				t.Fatalf("decodeReply(%q) accepted the refresh token %q", data, r.RefreshToken)
			}
			if r.ExpiresIn < 1 || r.ExpiresIn > maxExpiresIn {
				t.Fatalf("decodeReply(%q) accepted ExpiresIn %d", data, r.ExpiresIn)
			}
		}
		if out.ChallengeName != "" && !challengeName.MatchString(out.ChallengeName) {
			t.Fatalf("decodeReply(%q) accepted the challenge name %q", data, out.ChallengeName)
		}
	})
}

// member returns the value of obj's key that encoding/json would store in the field name
// (strings.EqualFold: any case, and the Kelvin sign and long s for k and s), and how many keys
// match.
func member(obj map[string]any, name string) (any, int) {
	var v any
	n := 0
	for k, x := range obj {
		if strings.EqualFold(k, name) {
			v, n = x, n+1
		}
	}
	return v, n
}

// decodeReply reads a successful reply of op into out as the client does (json11.Client.Do
// decodes it, then calls the reply type's check).
func decodeReply(op string, data []byte, out *AuthOutput) error {
	if err := json11.DecodeReply(op, data, out); err != nil {
		return err
	}
	if err := out.check(); err != nil {
		return fmt.Errorf("%s reply %w", op, err)
	}
	return nil
}
