package cognitoauth

import (
	"bytes"
	"errors"
	"math/big"
	"testing"
	"time"
)

// countingReader is a deterministic byte source: 1, 2, 3, … from seed.
type countingReader struct{ next byte }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		r.next++
		p[i] = r.next
	}
	return len(p), nil
}

func TestSRPServerAgreesWithClient(t *testing.T) {
	const pool, user, password = "eu-west-2_eYpv1mFHB", "a2c2e290-6d0f-4a08-a5ca-f0162935f3a6", "Qwerty1!"
	now := time.Date(2000, 2, 1, 15, 4, 5, 0, time.UTC)
	block := "c2VjcmV0LWJsb2Nr"
	for _, tt := range []struct {
		name           string
		clientPassword string
		tamper         func(r map[string]string)
		want           error
	}{
		{"right password", password, nil, nil},
		{"wrong password", "Qwerty1?", nil, ErrClaimMismatch},
		{"other timestamp", password, func(r map[string]string) { r["TIMESTAMP"] = Timestamp(now.Add(time.Second)) }, ErrClaimMismatch},
		{"other block", password, func(r map[string]string) { r["PASSWORD_CLAIM_SECRET_BLOCK"] = "b3RoZXI=" }, ErrClaimMismatch},
		{"signature not base64", password, func(r map[string]string) { r["PASSWORD_CLAIM_SIGNATURE"] = "!!" }, ErrMalformedChallenge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := NewSRPServer(pool, user, password, &countingReader{next: 7})
			if err != nil {
				t.Fatal(err)
			}
			cli, err := NewSRP(pool, &countingReader{next: 99})
			if err != nil {
				t.Fatal(err)
			}
			params := map[string]string{"SRP_B": srv.B(), "SALT": srv.Salt(), "SECRET_BLOCK": block, "USER_ID_FOR_SRP": user, "USERNAME": user}
			r, err := cli.PasswordVerifier(params, tt.clientPassword, now)
			if err != nil {
				t.Fatal(err)
			}
			if tt.tamper != nil {
				tt.tamper(r)
			}
			err = srv.CheckClaim(cli.A(), r["PASSWORD_CLAIM_SECRET_BLOCK"], r["TIMESTAMP"], r["PASSWORD_CLAIM_SIGNATURE"])
			if !errors.Is(err, tt.want) {
				t.Errorf("CheckClaim(%s) = %v; want %v", tt.name, err, tt.want)
			}
		})
	}
}

func TestSRPServerRefusesUnsafeA(t *testing.T) {
	srv, err := NewSRPServer("eu-west-1_myPool", "test", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	n := newGroup().n
	for _, a := range []string{"0", n.Text(16), new(big.Int).Lsh(n, 1).Text(16)} {
		if err := srv.CheckClaim(a, "AA==", "Tue Feb 1 03:04:05 UTC 2000", "AA=="); !errors.Is(err, ErrUnsafeSRP) {
			t.Errorf("CheckClaim(A=%.8s…) = %v; want ErrUnsafeSRP", a, err)
		}
	}
	if err := srv.CheckClaim("zz", "AA==", "t", "AA=="); !errors.Is(err, ErrMalformedChallenge) {
		t.Errorf("CheckClaim(A=zz) = %v; want ErrMalformedChallenge", err)
	}
}

func TestNewSRPServerInput(t *testing.T) {
	if _, err := NewSRPServer("nopool", "u", "p", nil); err == nil {
		t.Errorf("NewSRPServer(%q) = nil error; want InvalidInputError", "nopool")
	}
	if _, err := NewSRPServer("eu-west-1_p", "u", "p", bytes.NewReader(nil)); err == nil {
		t.Errorf("NewSRPServer with an empty random source = nil error; want an error")
	}
}

// FuzzSRPServerCheckClaim: whatever a client sends, CheckClaim answers with one of its
// documented errors, and never accepts a claim made without the password.
func FuzzSRPServerCheckClaim(f *testing.F) {
	srv, err := NewSRPServer("eu-west-2_eYpv1mFHB", "a2c2e290-6d0f-4a08-a5ca-f0162935f3a6", "Qwerty1!", &countingReader{next: 3})
	if err != nil {
		f.Fatal(err)
	}
	// Seeds: vector A's public values (PROTOCOL.md §4.6), then degenerate ones.
	f.Add("362be8c4c29e414549c30c6679ddbb556c27717d80c8feec68257bf5edcd855f", "c2VjcmV0", "Tue Feb 1 03:04:05 UTC 2000", "RrSiIBQazZkaxHQf34oRro1qjzfEvwdP6/Avltpd34E=")
	f.Add("0", "", "", "")           // A = 0
	f.Add("-1", "!", "x", "@@")      // not hex, not base64
	f.Add("02", "AA==", "t", "AA==") // A = g
	f.Fuzz(func(t *testing.T, a, block, ts, sig string) {
		err := srv.CheckClaim(a, block, ts, sig)
		if !errors.Is(err, ErrClaimMismatch) && !errors.Is(err, ErrUnsafeSRP) && !errors.Is(err, ErrMalformedChallenge) {
			t.Fatalf("CheckClaim(%.16q, %.16q, %q, %q) = %v; want one of its documented errors", a, block, ts, sig, err)
		}
	})
}
