package ststest

import (
	"container/heap"
	"encoding/base64"
	"sync"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// The long-term key of the IAM user the emulator knows from the start: AWS's documented
// EXAMPLE key pair, belonging to the documentation's user Alice.
const (
	// UserAccessKeyID is the access key id of the emulated IAM user Alice.
	UserAccessKeyID = "AKIAIOSFODNN7EXAMPLE"
	// UserSecretAccessKey is the secret key of the emulated IAM user Alice.
	UserSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	// UserArn is the ARN GetCallerIdentity reports for [UserAccessKeyID].
	UserArn = "arn:aws:iam::123456789012:user/Alice"
	// UserID is the unique id GetCallerIdentity reports for [UserAccessKeyID].
	UserID = "AIDACKCEVSQ6C2EXAMPLE"
	// Account is the account of every identity the emulator invents.
	Account = "123456789012"
)

// Emulated session credentials look like AWS's: ASIA + 16 upper-case letters and digits (the last
// seven are EXAMPLE), and a 40-character secret ending in EXAMPLEKEY.
const (
	sessionKeyPrefix    = "ASIA"
	exampleKeySuffix    = "EXAMPLE"
	exampleSecretSuffix = "EXAMPLEKEY"
)

// identity is what the emulator knows about an access key.
type identity struct {
	creds          sigv4.Credentials
	account        string
	arn            string // arn:aws:iam::ACCOUNT:user/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	userID         string // AIDA… for a user, ROLEID:SESSION for a role session
	expires        time.Time
	roleSession    bool   // credentials of an assumed role: chaining caps the next session at an hour
	sourceIdentity string // carried along a chain of AssumeRole calls
}

// forgetAfter is how long the emulator keeps answering ExpiredToken for a session that has
// expired; after that the session is forgotten, and its key is as unknown as any other
// (InvalidClientTokenId). It bounds the keyring of a long-running emulator to the sessions
// still valid (at most 36 hours, GetSessionToken's longest) and those expired within this.
const forgetAfter = time.Hour

// keyring remembers the keys the emulator issued, plus the user's long-term key. It is safe
// for concurrent use; the zero value knows only the user. Sessions are forgotten forgetAfter
// past their expiry, when a later session is issued.
type keyring struct {
	mu       sync.Mutex
	keys     map[string]identity
	byExpiry expiryHeap // the keys of keys, soonest expiry first
}

// lookup returns the identity behind an access key id.
func (k *keyring) lookup(accessKeyID string) (identity, bool) {
	if accessKeyID == UserAccessKeyID {
		return identity{
			creds:   sigv4.Credentials{AccessKeyID: UserAccessKeyID, SecretAccessKey: UserSecretAccessKey},
			account: Account, arn: UserArn, userID: UserID,
		}, true
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	id, ok := k.keys[accessKeyID]
	return id, ok
}

// issue makes new unique session credentials for id, expiring at expires, and remembers them.
// It first forgets the sessions that expired more than forgetAfter before now.
func (k *keyring) issue(id identity, now, expires time.Time) identity {
	id.creds = sigv4.Credentials{
		AccessKeyID:     sessionKeyPrefix + randomUpper(9) + exampleKeySuffix,
		SecretAccessKey: randomBase64(30) + exampleSecretSuffix,
		SessionToken:    newSessionToken(),
	}
	id.expires = expires
	k.mu.Lock()
	defer k.mu.Unlock()
	for len(k.byExpiry) > 0 && now.Sub(k.byExpiry[0].expires) > forgetAfter {
		delete(k.keys, heap.Pop(&k.byExpiry).(expiring).accessKeyID)
	}
	if k.keys == nil {
		k.keys = make(map[string]identity)
	}
	k.keys[id.creds.AccessKeyID] = id
	heap.Push(&k.byExpiry, expiring{expires: expires, accessKeyID: id.creds.AccessKeyID})
	return id
}

// size returns the number of sessions remembered.
func (k *keyring) size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

// expiring is one remembered session in the expiry order.
type expiring struct {
	expires     time.Time
	accessKeyID string
}

// expiryHeap is a container/heap of sessions, soonest expiry first: issue pops the expired
// ones without scanning the live ones.
type expiryHeap []expiring

// Len, Less, Swap, Push and Pop implement heap.Interface.
func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiring)) }
func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// randomUpper returns n random upper-case letters and digits (base32's alphabet).
func randomUpper(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := randomBytes(n)
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b)
}

// randomBase64 returns n random characters of the standard base64 alphabet, the alphabet of
// AWS secret keys.
func randomBase64(n int) string {
	return base64.StdEncoding.EncodeToString(randomBytes(n))[:n]
}

// randomBytes is in cognito_auth.go.
