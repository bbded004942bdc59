package ststest

import (
	"container/heap"
	"encoding/base64"
	"sort"
	"sync"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/trustpolicy"
)

// The long-term key of the IAM user of [DefaultConfig]: AWS's documented EXAMPLE key pair,
// belonging to the documentation's user Alice. A server made with another [Config] knows the
// users that config names instead.
const (
	// UserAccessKeyID is the access key id of the default IAM user Alice.
	UserAccessKeyID = "AKIAIOSFODNN7EXAMPLE"
	// UserSecretAccessKey is the secret key of the default IAM user Alice.
	UserSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	// UserArn is the ARN GetCallerIdentity reports for [UserAccessKeyID].
	UserArn = "arn:aws:iam::123456789012:user/Alice"
	// UserID is the unique id GetCallerIdentity reports for [UserAccessKeyID].
	UserID = "AIDACKCEVSQ6C2EXAMPLE"
	// Account is the account of [DefaultConfig], and of a Config that names none.
	Account = "123456789012"
)

// Emulated session credentials look like AWS's: ASIA + 16 upper-case letters and digits (the last
// seven are EXAMPLE), and a 40-character secret ending in EXAMPLEKEY.
const (
	sessionKeyPrefix    = "ASIA"
	exampleKeySuffix    = "EXAMPLE"
	exampleSecretSuffix = "EXAMPLEKEY"
)

// identity is what the emulator knows about an access key: an IAM user's long-term key, or a
// session it issued. A session remembers what the permission side needs to authorize its calls
// with trustpolicy.Authorize: the role (whose permission policies are looked up in the state at
// each call, as IAM does: a change to the role applies to its live sessions) and the session
// policies fixed at assume time.
type identity struct {
	creds   sigv4.Credentials
	account string
	arn     string // arn:aws:iam::ACCOUNT:user/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	userID  string // AIDA… for a user, ROLEID:SESSION for a role session
	expires time.Time

	roleARN        string // the assumed role, "" for a user and GetSessionToken credentials
	roleSession    bool   // credentials of an assumed role: chaining caps the next session at an hour
	sourceIdentity string // carried along a chain of AssumeRole calls
	// sessionPolicy and sessionPolicyArns are the session policies passed to the assume call,
	// as sent; sessionPolicies the same parsed (nil when none were passed).
	sessionPolicy     string
	sessionPolicyArns []string
	sessionPolicies   []trustpolicy.NamedPolicy
	tags              map[string]string // session tags
}

// forgetAfter is how long the emulator keeps answering ExpiredToken for a session that has
// expired; after that the session is forgotten, and its key is as unknown as any other
// (InvalidClientTokenId). It bounds the keyring of a long-running emulator to the sessions
// still valid (at most 36 hours, GetSessionToken's longest) and those expired within this.
const forgetAfter = time.Hour

// keyring remembers the sessions the emulator issued; the IAM users' long-term keys are in the
// state. It is safe for concurrent use. Sessions are forgotten forgetAfter past their expiry,
// when a later session is issued.
type keyring struct {
	// issued, when set, is called after every session issued, with no lock held
	// (Server.notify).
	issued func()

	mu       sync.Mutex
	keys     map[string]identity
	byExpiry expiryHeap // the keys of keys, soonest expiry first
}

// lookup returns the session behind an access key id.
func (k *keyring) lookup(accessKeyID string) (identity, bool) {
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
	k.remember(id, now)
	if k.issued != nil {
		k.issued()
	}
	return id
}

// remember adds a session, first forgetting those that expired more than forgetAfter before now.
func (k *keyring) remember(id identity, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for len(k.byExpiry) > 0 && now.Sub(k.byExpiry[0].expires) > forgetAfter {
		delete(k.keys, heap.Pop(&k.byExpiry).(expiring).accessKeyID)
	}
	if k.keys == nil {
		k.keys = make(map[string]identity)
	}
	k.keys[id.creds.AccessKeyID] = id
	heap.Push(&k.byExpiry, expiring{expires: id.expires, accessKeyID: id.creds.AccessKeyID})
}

// reset forgets every session.
func (k *keyring) reset() {
	k.mu.Lock()
	k.keys, k.byExpiry = nil, nil
	k.mu.Unlock()
}

// sessions returns the remembered sessions as a Config records them, soonest expiry first.
func (k *keyring) sessions() []Session {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]Session, 0, len(k.keys))
	for _, id := range k.keys {
		out = append(out, Session{
			AccessKeyID: id.creds.AccessKeyID, SecretAccessKey: id.creds.SecretAccessKey, SessionToken: id.creds.SessionToken,
			Expiration: id.expires.UTC().Format(time.RFC3339), Arn: id.arn, UserID: id.userID, RoleArn: id.roleARN,
			Chained: id.roleSession, SourceIdentity: id.sourceIdentity, Policy: PolicyDocument(id.sessionPolicy),
			PolicyArns: id.sessionPolicyArns, Tags: id.tags,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Expiration != out[j].Expiration {
			return out[i].Expiration < out[j].Expiration
		}
		return out[i].AccessKeyID < out[j].AccessKeyID
	})
	return out
}

// restore remembers the sessions of a Config (written by Snapshot, validated).
func (k *keyring) restore(list []Session, account string, now time.Time) {
	for _, s := range list {
		exp, _ := time.Parse(time.RFC3339, s.Expiration)
		policies, _ := sessionPolicies(string(s.Policy), s.PolicyArns)
		k.remember(identity{
			creds:   sigv4.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken},
			account: account, arn: s.Arn, userID: s.UserID, expires: exp, roleARN: s.RoleArn, roleSession: s.Chained,
			sourceIdentity: s.SourceIdentity, sessionPolicy: string(s.Policy), sessionPolicyArns: s.PolicyArns,
			sessionPolicies: policies, tags: s.Tags,
		}, now)
	}
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
