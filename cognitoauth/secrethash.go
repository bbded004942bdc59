package cognitoauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// SecretHash returns the SECRET_HASH an app client with a secret must send with every
// InitiateAuth and RespondToAuthChallenge: Base64(HMAC-SHA256(key = secret, msg = username +
// clientID)).
//
// Which username matters. In InitiateAuth it is the name the user typed. In
// RespondToAuthChallenge it is the USERNAME Cognito returned in the challenge parameters (the
// internal username, which differs from the typed one with alias sign-in). For
// REFRESH_TOKEN_AUTH it is the internal username (the token's cognito:username, often the sub
// UUID), never an email or phone alias.
func SecretHash(username, clientID, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username))
	m.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
