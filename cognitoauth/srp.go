package cognitoauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

// nHex is the RFC 3526 3072-bit MODP prime, the SRP group Cognito uses.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74" +
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437" +
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05" +
	"98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB" +
	"9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718" +
	"3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33" +
	"A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864" +
	"D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2" +
	"08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// srpGroup holds the SRP constants. They are computed once per SRP value rather than kept
// in package variables, so the package has no mutable state; the cost is one SHA-256.
type srpGroup struct {
	n, g, k *big.Int
}

func newGroup() srpGroup {
	n, _ := new(big.Int).SetString(nHex, 16)
	g := big.NewInt(2)
	k := hexToInt(hexHash(padHex(n) + padHex(g)))
	return srpGroup{n: n, g: g, k: k}
}

// timestampLayout is the TIMESTAMP Cognito expects: English names, day of month not padded,
// 24-hour clock, the literal "UTC". (Layout "03" would be the 12-hour clock: wrong after noon.)
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// Timestamp returns t in the form the PASSWORD_VERIFIER challenge wants, such as
// "Tue Feb 1 03:04:05 UTC 2000". t is converted to UTC first.
func Timestamp(t time.Time) string {
	return t.UTC().Format(timestampLayout)
}

// SRP is the client side of one USER_SRP_AUTH login: the random secret a and the public
// value A sent as SRP_A, then the PASSWORD_VERIFIER answer computed from Cognito's reply.
// Use a new SRP for every login.
type SRP struct {
	grp      srpGroup
	poolName string
	a, bigA  *big.Int
}

// NewSRP starts an SRP login against the user pool poolID (such as "eu-west-2_eYpv1mFHB"),
// reading the 128-byte secret a from rnd (nil means crypto/rand).
func NewSRP(poolID string, rnd io.Reader) (*SRP, error) {
	_, poolName, ok := strings.Cut(poolID, "_")
	if !ok || poolName == "" {
		return nil, &InvalidInputError{Field: "UserPoolID", Rule: `must look like REGION_ID, such as "eu-west-2_eYpv1mFHB"`}
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	buf := make([]byte, 128)
	if _, err := io.ReadFull(rnd, buf); err != nil {
		return nil, fmt.Errorf("cognitoauth: reading SRP random value: %w", err)
	}
	return newSRP(poolName, new(big.Int).SetBytes(buf))
}

func newSRP(poolName string, a *big.Int) (*SRP, error) {
	grp := newGroup()
	bigA := new(big.Int).Exp(grp.g, a, grp.n)
	if bigA.Sign() == 0 {
		return nil, fmt.Errorf("%w: A mod N is 0", ErrUnsafeSRP)
	}
	return &SRP{grp: grp, poolName: poolName, a: a, bigA: bigA}, nil
}

// A returns the public value A as lowercase hex without padding, the form SRP_A takes.
func (s *SRP) A() string {
	return s.bigA.Text(16)
}

// PasswordVerifier answers the PASSWORD_VERIFIER challenge. params are the challenge's
// ChallengeParameters (SRP_B, SALT, SECRET_BLOCK, USER_ID_FOR_SRP, USERNAME); now is the
// signing time. The result holds USERNAME, PASSWORD_CLAIM_SECRET_BLOCK,
// PASSWORD_CLAIM_SIGNATURE and TIMESTAMP; the caller adds SECRET_HASH when the app client has
// a secret (computed with the USERNAME of params, see [SecretHash]).
//
// The password is hashed with USER_ID_FOR_SRP, the user's internal id, never with the name the
// user typed: with alias sign-in (email, phone) the two differ.
func (s *SRP) PasswordVerifier(params map[string]string, password string, now time.Time) (map[string]string, error) {
	get := func(name string) (string, error) {
		v := params[name]
		if v == "" {
			return "", fmt.Errorf("%w: PASSWORD_VERIFIER has no %s", ErrMalformedChallenge, name)
		}
		return v, nil
	}
	bHex, err := get("SRP_B")
	if err != nil {
		return nil, err
	}
	saltHex, err := get("SALT")
	if err != nil {
		return nil, err
	}
	block64, err := get("SECRET_BLOCK")
	if err != nil {
		return nil, err
	}
	userID := params["USER_ID_FOR_SRP"]
	if userID == "" {
		userID = params["USERNAME"]
	}
	if userID == "" {
		return nil, fmt.Errorf("%w: PASSWORD_VERIFIER has neither USER_ID_FOR_SRP nor USERNAME", ErrMalformedChallenge)
	}
	username := params["USERNAME"]
	if username == "" {
		username = userID
	}
	bigB, ok := new(big.Int).SetString(bHex, 16)
	if !ok || bigB.Sign() < 0 {
		return nil, fmt.Errorf("%w: SRP_B is not hex", ErrMalformedChallenge)
	}
	salt, ok := new(big.Int).SetString(saltHex, 16)
	if !ok || salt.Sign() < 0 {
		return nil, fmt.Errorf("%w: SALT is not hex", ErrMalformedChallenge)
	}
	block, err := base64.StdEncoding.DecodeString(block64)
	if err != nil {
		return nil, fmt.Errorf("%w: SECRET_BLOCK is not base64", ErrMalformedChallenge)
	}
	key, err := s.sessionKey(bigB, salt, userID, password)
	if err != nil {
		return nil, err
	}
	ts := Timestamp(now)
	return map[string]string{
		"USERNAME":                    username,
		"PASSWORD_CLAIM_SECRET_BLOCK": block64,
		"PASSWORD_CLAIM_SIGNATURE":    s.signature(key, userID, block, ts),
		"TIMESTAMP":                   ts,
	}, nil
}

// srpSecrets are the intermediate values of one key derivation (kept apart for the tests).
type srpSecrets struct {
	u, x, s *big.Int
	key     []byte
}

func (s *SRP) sessionKey(bigB, salt *big.Int, userID, password string) ([]byte, error) {
	sec, err := s.derive(bigB, salt, userID, password)
	if err != nil {
		return nil, err
	}
	return sec.key, nil
}

// derive computes u, x and the 16-byte key K of SRP-6a as Cognito does it.
func (s *SRP) derive(bigB, salt *big.Int, userID, password string) (*srpSecrets, error) {
	n := s.grp.n
	if new(big.Int).Mod(bigB, n).Sign() == 0 {
		return nil, fmt.Errorf("%w: B mod N is 0", ErrUnsafeSRP)
	}
	u := scramble(s.bigA, bigB)
	if u.Sign() == 0 {
		return nil, fmt.Errorf("%w: u is 0", ErrUnsafeSRP)
	}
	x := passwordHash(s.poolName, userID, password, salt)

	// S = (B - k·g^x)^(a + u·x) mod N, with the base reduced into [0, N) first.
	gx := new(big.Int).Exp(s.grp.g, x, n)
	base := new(big.Int).Mul(s.grp.k, gx)
	base.Sub(bigB, base)
	base.Mod(base, n)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, s.a)
	bigS := new(big.Int).Exp(base, exp, n)
	return &srpSecrets{u: u, x: x, s: bigS, key: derivedKey(u, bigS)}, nil
}

// passwordHash is SRP's private x = H(padHex(salt) | H(poolName | userID | ":" | password)).
func passwordHash(poolName, userID, password string, salt *big.Int) *big.Int {
	inner := sha256.Sum256([]byte(poolName + userID + ":" + password))
	return hexToInt(hexHash(padHex(salt) + hex.EncodeToString(inner[:])))
}

// derivedKey is Cognito's one-block HKDF: PRK = HMAC(padHex(u), padHex(S));
// K = HMAC(PRK, "Caldera Derived Key" || 0x01)[:16].
func derivedKey(u, bigS *big.Int) []byte {
	prk := hmacSHA256(mustHex(padHex(u)), mustHex(padHex(bigS)))
	okm := hmacSHA256(prk, append([]byte("Caldera Derived Key"), 1))
	return okm[:16]
}

// scramble is u = H(padHex(A) | padHex(B)).
func scramble(bigA, bigB *big.Int) *big.Int {
	return hexToInt(hexHash(padHex(bigA) + padHex(bigB)))
}

// signature is PASSWORD_CLAIM_SIGNATURE: base64 HMAC-SHA256 with K over
// poolName || userID || secret block || timestamp.
func (s *SRP) signature(key []byte, userID string, block []byte, ts string) string {
	return claimSignature(key, s.poolName, userID, block, ts)
}

// claimSignature computes PASSWORD_CLAIM_SIGNATURE for both sides of the exchange.
func claimSignature(key []byte, poolName, userID string, block []byte, ts string) string {
	msg := make([]byte, 0, len(poolName)+len(userID)+len(block)+len(ts))
	msg = append(msg, poolName...)
	msg = append(msg, userID...)
	msg = append(msg, block...)
	msg = append(msg, ts...)
	return base64.StdEncoding.EncodeToString(hmacSHA256(key, msg))
}

// padHex is the hex of Java's BigInteger.toByteArray for n >= 0: even length, and a leading
// 00 byte when the top bit would otherwise be set.
func padHex(n *big.Int) string {
	h := n.Text(16)
	if len(h)%2 == 1 {
		h = "0" + h
	}
	if strings.ContainsRune("89abcdef", rune(h[0])) {
		h = "00" + h
	}
	return h
}

// hexHash is SHA-256 of the bytes that the hex string h spells, as lowercase hex.
func hexHash(h string) string {
	sum := sha256.Sum256(mustHex(h))
	return hex.EncodeToString(sum[:])
}

func hexToInt(h string) *big.Int {
	n, _ := new(big.Int).SetString(h, 16)
	return n
}

// mustHex decodes hex this file produced itself, which is always well formed.
func mustHex(h string) []byte {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic("cognitoauth: internal hex: " + err.Error())
	}
	return b
}

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}
