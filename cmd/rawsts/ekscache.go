package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/internal/awsconfig"
)

// The EKS token cache of `eks token`. kubectl runs its exec plugin whenever it has no token
// it believes valid: at every command, since it keeps nothing between commands. The AWS CLI
// signs a new token each time (and with --role-arn calls STS each time); rawsts keeps the
// token it made in the cache of kind "eks" (cachefile.go: ~/.cache/rawsts/eks on Linux, mode
// 0600), and hands it out again until eksCacheMargin before its expirationTimestamp. The token
// is all the file holds: a bearer credential, good at STS for 15 minutes after it was signed,
// that lets whoever reads it act on the cluster as the identity that signed it, which is why
// the file is private and --no-cache skips the cache. The key is a SHA-256 of the STS endpoint
// and its signing region, the cluster, --role-arn, and where the credentials come from
// (credentialsIdentity) — never a secret.

// eksCacheMargin is how long before its expirationTimestamp (14 minutes after signing) a
// cached token stops being handed out: a token handed out has at least a minute before kubectl
// asks again, and two before STS refuses it (15 minutes after signing).
const eksCacheMargin = time.Minute

// cachedToken is an EKS token cache file.
type cachedToken struct {
	cacheHeader
	Token      string
	Signed     time.Time
	Expiration time.Time
}

// eksCache is one key's place in the EKS token cache.
type eksCache struct{ *cacheFile }

// newEKSCache returns the cache place for the key made of parts; nil when the user has no
// cache folder, and then nothing is cached.
func newEKSCache(s *streams, parts ...string) *eksCache {
	f := newCacheFile(s, "eks", parts...)
	if f == nil {
		return nil
	}
	return &eksCache{f}
}

// load returns the cached token when there is one, it is ours, well formed, signed no later
// than now, and more than eksCacheMargin from its expiry. A nil cache has nothing.
func (c *eksCache) load(now time.Time) (eks.Token, bool) {
	if c == nil {
		return eks.Token{}, false
	}
	var ct cachedToken
	if !c.read(&ct) {
		return eks.Token{}, false
	}
	switch {
	case !strings.HasPrefix(ct.Token, eks.Prefix) || len(ct.Token) > eks.MaxTokenSize || firstBad(ct.Token, visibleASCII) != "",
		!ct.Expiration.Equal(ct.Signed.Add(eks.Lifetime)),
		ct.Signed.After(now), !now.Before(ct.Expiration.Add(-eksCacheMargin)):
		return eks.Token{}, false
	}
	return eks.Token{Value: ct.Token, Signed: ct.Signed.UTC(), Expiration: ct.Expiration.UTC()}, true
}

// store keeps tok; a failure is a warning (the next call signs a new token).
func (c *eksCache) store(s *streams, tok eks.Token) {
	if c == nil {
		return
	}
	c.write(s, &cachedToken{Token: tok.Value, Signed: tok.Signed.UTC(), Expiration: tok.Expiration.UTC()},
		"the EKS token", "the next call will sign a new one")
}

// credentialsIdentity names the credentials a signed command will use, as creds.Resolve would
// find them, without reading them (which may mean a credential_process or a call to STS): the
// environment's access key id when its keys come first; otherwise the profile — its name, and
// the path, size and modification time of the config and credentials files, so that an edit
// makes a new key — with the web identity variables that take part in it. It holds no secret.
func credentialsIdentity(s *streams, profile string) string {
	if profile == "" && s.getenv("AWS_ACCESS_KEY_ID") != "" {
		return "env\x00" + s.getenv("AWS_ACCESS_KEY_ID")
	}
	if profile == "" {
		profile = awsconfig.ProfileName(s.getenv)
	}
	id := []string{"profile", profile}
	for _, path := range []string{awsconfig.ConfigFile(s.getenv), awsconfig.CredentialsFile(s.getenv)} {
		if abs, err := filepath.Abs(path); err == nil && path != "" {
			path = abs
		}
		id = append(id, path)
		if fi, err := os.Stat(path); err == nil {
			id = append(id, strconv.FormatInt(fi.Size(), 10), strconv.FormatInt(fi.ModTime().UnixNano(), 10))
		}
	}
	for _, v := range []string{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME"} {
		id = append(id, v+"="+s.getenv(v))
	}
	return strings.Join(id, "\x00")
}
