package cognitoauth

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// ErrClaimMismatch means a PASSWORD_CLAIM_SIGNATURE that does not match: the password (or the
// secret block, the timestamp or the user id) differs from what the server expected.
// Only [SRPServer.CheckClaim] returns it.
var ErrClaimMismatch = errors.New("cognitoauth: PASSWORD_CLAIM_SIGNATURE does not match")

// SRPServer is the user pool's side of one USER_SRP_AUTH login. It exists for emulators and
// tests (package ststest plays a Cognito user pool with it), so that both sides share one
// implementation of the math; a client never needs it.
//
// The server knows the verifier v = g^x mod N, picks a secret b, sends SRP_B = k·v + g^b mod
// N with SALT, and checks the client's PASSWORD_CLAIM_SIGNATURE with the key derived from
// S = (A·v^u)^b mod N, the same S the client reaches from the password.
type SRPServer struct {
	grp              srpGroup
	poolName, userID string
	salt, v, b, bigB *big.Int
}

// NewSRPServer starts the server side of an SRP login for the user whose USER_ID_FOR_SRP is
// userID in the pool poolID, with password the user's password. It reads a 16-byte salt and
// the 128-byte secret b from rnd (nil means crypto/rand).
func NewSRPServer(poolID, userID, password string, rnd io.Reader) (*SRPServer, error) {
	_, poolName, ok := strings.Cut(poolID, "_")
	if !ok || poolName == "" {
		return nil, &InvalidInputError{Field: "UserPoolID", Rule: `must look like REGION_ID, such as "eu-west-2_eYpv1mFHB"`}
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	buf := make([]byte, 16+128)
	if _, err := io.ReadFull(rnd, buf); err != nil {
		return nil, fmt.Errorf("cognitoauth: reading SRP random values: %w", err)
	}
	grp := newGroup()
	s := &SRPServer{grp: grp, poolName: poolName, userID: userID,
		salt: new(big.Int).SetBytes(buf[:16]), b: new(big.Int).SetBytes(buf[16:])}
	x := passwordHash(poolName, userID, password, s.salt)
	s.v = new(big.Int).Exp(grp.g, x, grp.n)
	s.bigB = new(big.Int).Mul(grp.k, s.v)
	s.bigB.Add(s.bigB, new(big.Int).Exp(grp.g, s.b, grp.n))
	s.bigB.Mod(s.bigB, grp.n)
	if s.bigB.Sign() == 0 {
		return nil, fmt.Errorf("%w: B mod N is 0", ErrUnsafeSRP)
	}
	return s, nil
}

// B returns SRP_B, the server's public value, as lowercase hex.
func (s *SRPServer) B() string { return s.bigB.Text(16) }

// Salt returns SALT as lowercase hex.
func (s *SRPServer) Salt() string { return s.salt.Text(16) }

// CheckClaim checks a PASSWORD_VERIFIER answer: srpA is the SRP_A of InitiateAuth (hex),
// secretBlock the PASSWORD_CLAIM_SECRET_BLOCK (base64), timestamp the TIMESTAMP and signature
// the PASSWORD_CLAIM_SIGNATURE (base64). It returns nil when the signature is the one the
// password gives, [ErrClaimMismatch] when it is not, [ErrUnsafeSRP] for A ≡ 0 mod N or u = 0,
// and [ErrMalformedChallenge] for values that do not parse. It does not judge the timestamp's
// age; the caller does.
func (s *SRPServer) CheckClaim(srpA, secretBlock, timestamp, signature string) error {
	n := s.grp.n
	bigA, ok := new(big.Int).SetString(srpA, 16)
	if !ok || bigA.Sign() < 0 {
		return fmt.Errorf("%w: SRP_A is not hex", ErrMalformedChallenge)
	}
	if new(big.Int).Mod(bigA, n).Sign() == 0 {
		return fmt.Errorf("%w: A mod N is 0", ErrUnsafeSRP)
	}
	block, err := base64.StdEncoding.DecodeString(secretBlock)
	if err != nil {
		return fmt.Errorf("%w: PASSWORD_CLAIM_SECRET_BLOCK is not base64", ErrMalformedChallenge)
	}
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return fmt.Errorf("%w: PASSWORD_CLAIM_SIGNATURE is not base64", ErrMalformedChallenge)
	}
	u := scramble(bigA, s.bigB)
	if u.Sign() == 0 {
		return fmt.Errorf("%w: u is 0", ErrUnsafeSRP)
	}
	// S = (A · v^u)^b mod N.
	base := new(big.Int).Exp(s.v, u, n)
	base.Mul(base, bigA)
	base.Mod(base, n)
	bigS := new(big.Int).Exp(base, s.b, n)
	want, _ := base64.StdEncoding.DecodeString(claimSignature(derivedKey(u, bigS), s.poolName, s.userID, block, timestamp))
	if !hmac.Equal(got, want) {
		return ErrClaimMismatch
	}
	return nil
}
