package main

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sts"
)

// The credential cache of --output credential-process. The AWS CLI runs a profile's
// credential_process at every command and keeps nothing between commands (PROTOCOL.md §15.4),
// so without a cache each `aws …` would call STS. rawsts keeps the credentials — never the
// token — in the cache of kind "credentials" (cachefile.go: ~/.cache/rawsts/credentials on
// Linux), the key a SHA-256 of what tells the sessions apart: the command, the STS endpoint,
// the role, the session name when one was chosen, the duration and policies, and the token's
// source (the file's path, the variable's name, the CI job) or the signing profile. A file is
// used until credCacheWindow before its credentials expire.

// credCacheWindow is how long before expiry cached credentials stop being handed out: the
// AWS CLI refreshes credentials that have less than 15 minutes left (PROTOCOL.md §13.3), so
// handing it fewer would make it run rawsts again at each call. A session shorter than twice
// the window is handed out for the first half of its life.
const credCacheWindow = 15 * time.Minute

// cachedCredentials is a credentials cache file.
type cachedCredentials struct {
	cacheHeader
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	Obtained        time.Time
	AccountID       string `json:"AccountId,omitempty"`
}

// credCache is one key's place in the credentials cache.
type credCache struct{ *cacheFile }

// newCredCache returns the cache place for the key made of parts; nil when the user has no
// cache folder (no HOME), and then nothing is cached.
func newCredCache(s *streams, parts ...string) *credCache {
	f := newCacheFile(s, "credentials", parts...)
	if f == nil {
		return nil
	}
	return &credCache{f}
}

// load returns the credential-process output of the cached credentials when they are ours and
// fresh enough.
func (c *credCache) load(s *streams) (string, bool) {
	cc, ok := c.fresh(s.now())
	if !ok {
		return "", false
	}
	s.addSecrets(cc.SecretAccessKey, cc.SessionToken)
	text, err := formatCredentials("credential-process", "default", credentialResult{creds: sts.Credentials{
		AccessKeyID: cc.AccessKeyID, SecretAccessKey: cc.SecretAccessKey, SessionToken: cc.SessionToken, Expiration: cc.Expiration}})
	return text, err == nil
}

func (c *credCache) fresh(now time.Time) (*cachedCredentials, bool) {
	var cc cachedCredentials
	if !c.read(&cc) {
		return nil, false
	}
	for _, v := range []string{cc.AccessKeyID, cc.SecretAccessKey, cc.SessionToken} {
		if v == "" || firstBad(v, visibleASCII) != "" {
			return nil, false
		}
	}
	window := credCacheWindow
	if life := cc.Expiration.Sub(cc.Obtained); life < 2*window {
		window = life / 2
	}
	if cc.Obtained.After(now) || cc.Expiration.Sub(now) <= window {
		return nil, false
	}
	return &cc, true
}

// store keeps r's credentials under the key; a failure only costs the next call an exchange,
// so it is a warning.
func (c *credCache) store(s *streams, r credentialResult) {
	c.write(s, &cachedCredentials{AccessKeyID: r.creds.AccessKeyID, SecretAccessKey: r.creds.SecretAccessKey,
		SessionToken: r.creds.SessionToken, Expiration: r.creds.Expiration.UTC(), Obtained: s.now().UTC(), AccountID: r.accountID},
		"the credentials", "the next call will ask STS again")
}

// tokenIdentity names where a token would come from, for the cache key, without reading it:
// --token-from's source, a literal token's hash, a file's path. "" when it cannot be told
// without reading (standard input): then nothing is cached.
func (o *assumeOptions) tokenIdentity(s *streams) string {
	switch {
	case o.source != nil:
		return o.source.identity
	case o.token != "":
		sum := sha256.Sum256([]byte(strings.TrimSpace(o.token)))
		return "literal\x00" + hex.EncodeToString(sum[:])
	}
	file := o.tokenFile
	if file == "" {
		file = s.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	if file == "" && o.prof != nil {
		file = o.prof.Get("web_identity_token_file")
	}
	if file == "" || file == "-" {
		return ""
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	return "file\x00" + file
}

// credentialCache returns the cache place of this exchange, or nil when the output is not
// credential-process, --no-cache is given, the credentials go elsewhere too (the cache is
// for the AWS CLI's credential_process only) or the token's source cannot be told.
func (o *assumeOptions) credentialCache(s *streams, endpoint string) *credCache {
	if o.d.output != "credential-process" || o.noCache || o.printCurl || o.d.writeProfile != "" || o.d.github() || o.d.expectAccount != "" {
		return nil
	}
	id := o.tokenIdentity(s)
	if id == "" {
		return nil
	}
	session := ""
	if o.sessionGiven {
		session = o.sessionName
	}
	return newCredCache(s, "assume", endpoint, o.roleArn, session, strconv.Itoa(o.duration), o.policy,
		strings.Join(o.policyArns, ","), o.providerID, id)
}
