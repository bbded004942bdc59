package diagnose_test

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/ststest"
)

// at is the time every scenario is evaluated at.
var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	account  = "123456789012"
	roleARN  = "arn:aws:iam::123456789012:role/deploy"
	ghIss    = "https://token.actions.githubusercontent.com"
	ghHost   = "token.actions.githubusercontent.com"
	ghARN    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	stsAud   = "sts.amazonaws.com"
	poolIss  = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"
	poolHost = "cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"
	clientID = "7example23client45id6789"
	idPool   = "us-east-1:12345678-1234-1234-1234-123456789012"
	ghesIss  = "https://ghes.example.com/_services/token"
	ghesHost = "ghes.example.com/_services/token"
)

var (
	keyOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

// key is a throwaway RSA key generated once per test binary.
func key(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rsaKey = k
	})
	return rsaKey
}

// mint signs claims with RS256 (or HS256 or RS512 when alg says so) and a kid.
func mint(t testing.TB, alg string, claims map[string]any) string {
	t.Helper()
	var tok *jwt.Token
	var k any
	switch alg {
	case "HS256":
		tok, k = jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims(claims)), []byte("shared-secret-shared-secret-0123")
	case "RS512":
		tok, k = jwt.NewWithClaims(jwt.SigningMethodRS512, jwt.MapClaims(claims)), key(t)
	default:
		tok, k = jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims(claims)), key(t)
	}
	tok.Header["kid"] = "test-key-1"
	s, err := tok.SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// gh returns GitHub Actions claims for sub, valid for an hour around at, with extra merged in.
func gh(sub string, extra ...any) map[string]any {
	c := map[string]any{
		"iss": ghIss, "aud": stsAud, "sub": sub,
		"iat": at.Add(-time.Minute).Unix(), "nbf": at.Add(-time.Minute).Unix(), "exp": at.Add(59 * time.Minute).Unix(),
		"repository": "acme/app", "repository_owner": "acme", "ref": "refs/heads/main",
	}
	if strings.Contains(sub, ":environment:") {
		c["environment"] = sub[strings.LastIndex(sub, ":")+1:]
	}
	return merge(c, extra...)
}

// claims returns generic claims for an issuer, valid for an hour around at.
func claims(iss, sub string, aud any, extra ...any) map[string]any {
	c := map[string]any{"iss": iss, "sub": sub, "aud": aud,
		"iat": at.Add(-time.Minute).Unix(), "exp": at.Add(59 * time.Minute).Unix()}
	return merge(c, extra...)
}

// merge sets key/value pairs; a nil value deletes the key.
func merge(c map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(c, k)
		} else {
			c[k] = kv[i+1]
		}
	}
	return c
}

var ghProvider = diagnose.Provider{URL: ghHost, ClientIDs: []string{stsAud}}

// allowGH is the usual GitHub trust policy with the given Condition block.
func allowGH(cond string) string {
	return policy(`{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"},
		"Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` + cond + `}`)
}

func policy(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",") + `]}`
}

// emulatedGitHub is an emulator whose clock is at, serving the GitHub Actions issuer at ghIss
// in process (never on the network), and a function that mints claims with its key: tokens
// whose signature Input.Verify checks through the server's Verifier.
func emulatedGitHub(t *testing.T) (*ststest.Server, func(claims map[string]any) string) {
	t.Helper()
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return at }))
	t.Cleanup(srv.Close)
	iss, err := srv.AddIssuer(ststest.IssuerConfig{Name: "gha", URL: ghIss})
	if err != nil {
		t.Fatal(err)
	}
	return srv, func(claims map[string]any) string {
		tok, err := iss.Mint(claims)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
}
