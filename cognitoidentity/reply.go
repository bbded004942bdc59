package cognitoidentity

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
)

// The replies are decoded by internal/json11 (one JSON value, no member of the wrong type, no
// key twice) and then checked here: a value of a shape Cognito does not send makes the reply a
// [*ResponseError]. The errors never quote a value.

// Credentials are temporary AWS credentials as Cognito Identity sends them. The secret key's
// member is "SecretKey", not STS's "SecretAccessKey", and Expiration is a JSON number of epoch
// seconds (awsJson's timestamp format), which may have a fraction or an exponent
// (1.716243263E9).
type Credentials struct {
	// AccessKeyID is the access key id (ASIA…).
	AccessKeyID string
	// SecretKey is the secret access key. It is a secret.
	SecretKey string
	// SessionToken is the session token. It is a secret.
	SessionToken string
	// Expiration is when the credentials expire.
	Expiration time.Time
}

// wireCredentials is Credentials as the JSON has it.
type wireCredentials struct {
	AccessKeyID  string          `json:"AccessKeyId"`
	SecretKey    string          `json:"SecretKey"`
	SessionToken string          `json:"SessionToken"`
	Expiration   json.RawMessage `json:"Expiration"`
}

// UnmarshalJSON reads the wire form: SecretKey, and Expiration as epoch seconds.
func (c *Credentials) UnmarshalJSON(b []byte) error {
	var w wireCredentials
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = Credentials{AccessKeyID: w.AccessKeyID, SecretKey: w.SecretKey, SessionToken: w.SessionToken}
	if len(w.Expiration) == 0 || string(w.Expiration) == "null" {
		return nil // check() refuses it
	}
	t, err := ParseEpoch(string(w.Expiration))
	if err != nil {
		return fmt.Errorf("a Credentials.Expiration that is %w", err)
	}
	c.Expiration = t
	return nil
}

// MarshalJSON writes the wire form, Expiration as whole epoch seconds (or with the fraction it
// has, in milliseconds).
func (c Credentials) MarshalJSON() ([]byte, error) {
	var exp json.RawMessage
	if !c.Expiration.IsZero() {
		exp = json.RawMessage(FormatEpoch(c.Expiration))
	}
	return json.Marshal(wireCredentials{c.AccessKeyID, c.SecretKey, c.SessionToken, exp})
}

// errNotEpoch is a timestamp that is not a JSON number of seconds.
var errNotEpoch = errors.New("not a JSON number of epoch seconds")

// ParseEpoch reads an awsJson timestamp: a JSON number of seconds since 1970 in any form JSON
// allows (1716243263, 1716243263.5, 1.716243263E9), to millisecond precision. A string, a
// negative number or one past the year 9999 is an error.
func ParseEpoch(s string) (time.Time, error) {
	if s == "" || !(s[0] >= '0' && s[0] <= '9') || !json.Valid([]byte(s)) {
		return time.Time{}, errNotEpoch
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || f < 0 || f > 253402300799 {
		return time.Time{}, errNotEpoch
	}
	ms := int64(math.Round(f * 1000))
	return time.UnixMilli(ms).UTC(), nil
}

// FormatEpoch writes t as an awsJson timestamp: whole seconds, or seconds with up to three
// decimals when t has milliseconds.
func FormatEpoch(t time.Time) string {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10)
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

var (
	// tokenText is what an OpenID token is made of: base64url segments joined by dots.
	tokenText = regexp.MustCompile(`^[A-Za-z0-9_=.-]+$`)
	// accessKeyText is the shape of an access key id (the model's AccessKeyString is free,
	// STS's is [\w]{16,128}).
	accessKeyText = regexp.MustCompile(`^\w{16,128}$`)
)

// visible reports whether s is non-empty printable ASCII without spaces: the shape of secret
// keys and session tokens (a newline would add lines to a KEY=value output or an ini file).
func visible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

func checkIdentity(id string) error {
	if len(id) > maxIDLen || !idPattern.MatchString(id) {
		return fmt.Errorf("has an IdentityId of %d characters that is not REGION:GUID", len(id))
	}
	return nil
}

func (o *GetIdOutput) check() error { return checkIdentity(o.IdentityID) }

func (o *GetOpenIdTokenOutput) check() error {
	if err := checkIdentity(o.IdentityID); err != nil {
		return err
	}
	if !tokenText.MatchString(o.Token) {
		return fmt.Errorf("has a Token of %d characters that is not a token (base64url and dots)", len(o.Token))
	}
	return nil
}

func (o *GetCredentialsForIdentityOutput) check() error {
	if err := checkIdentity(o.IdentityID); err != nil {
		return err
	}
	c := o.Credentials
	switch {
	case !accessKeyText.MatchString(c.AccessKeyID):
		return fmt.Errorf("has a Credentials.AccessKeyId of %d characters that is not an access key id", len(c.AccessKeyID))
	case !visible(c.SecretKey):
		return fmt.Errorf("has a Credentials.SecretKey of %d characters that is not a secret key (printable, no spaces)", len(c.SecretKey))
	case !visible(c.SessionToken):
		return fmt.Errorf("has a Credentials.SessionToken of %d characters that is not a session token (printable, no spaces)", len(c.SessionToken))
	case c.Expiration.IsZero():
		return errors.New("has Credentials without an Expiration")
	}
	return nil
}
