package cognitoauth

import (
	"fmt"
	"regexp"

	"github.com/rawsts/rawsts/internal/json11"
)

// The reply of each call is decoded by internal/json11 (json11.DecodeReply: one JSON value, no
// member of the wrong type, no key twice) and then checked by the reply type's check method,
// which refuses values of a shape Cognito does not send. The errors never quote a value.

// checkDuplicateKeys reports the first object in data (valid JSON) that has a key twice,
// compared as encoding/json matches keys to fields (see json11.CheckDuplicateKeys).
func checkDuplicateKeys(data []byte) error { return json11.CheckDuplicateKeys(data) }

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
