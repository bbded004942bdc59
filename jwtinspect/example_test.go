package jwtinspect_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
)

// exampleToken builds a token with GitHub's documented example claims. Decode and Lint never
// check signatures, so the signature here is a placeholder.
func exampleToken(payload string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"typ":"JWT","alg":"RS256","x5t":"example-thumbprint","kid":"example-key-id"}`)) +
		"." + enc.EncodeToString([]byte(payload)) + ".c2lnbmF0dXJl"
}

const exampleGitHubClaims = `{"jti":"example-id","sub":"repo:octo-org/octo-repo:environment:prod","environment":"prod",` +
	`"aud":"https://github.com/octo-org","ref":"refs/heads/main","repository":"octo-org/octo-repo",` +
	`"iss":"https://token.actions.githubusercontent.com","nbf":1632492967,"exp":1632493867,"iat":1632493567}`

func ExampleDecode() {
	tok, err := jwtinspect.Decode(exampleToken(exampleGitHubClaims) + "\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := tok.Claims
	fmt.Println("alg:", tok.Header.Alg, "kid:", tok.Header.Kid)
	fmt.Println("iss:", c.Issuer)
	fmt.Println("sub:", c.Subject)
	fmt.Println("aud:", c.Audience)
	fmt.Println("exp:", c.ExpiresAt.Time.Format(time.RFC3339), "integer:", c.ExpiresAt.Integer)
	fmt.Println("trimmed:", tok.Trimmed)

	// Input that is not a JWT is an ErrMalformed error saying what is wrong.
	_, err = jwtinspect.Decode(`{"count":1,"value":"` + exampleToken(exampleGitHubClaims) + `"}`)
	fmt.Println(errors.Is(err, jwtinspect.ErrMalformed))
	fmt.Println(err)
	// Output:
	// alg: RS256 kid: example-key-id
	// iss: https://token.actions.githubusercontent.com
	// sub: repo:octo-org/octo-repo:environment:prod
	// aud: [https://github.com/octo-org]
	// exp: 2021-09-24T14:31:07Z integer: true
	// trimmed: a trailing newline
	// true
	// jwtinspect: malformed token: the input is a JSON reply with the token inside its "value" member (as a CI token endpoint returns it); extract it first, e.g. jq -r .value
}

func ExampleLint() {
	_, findings := jwtinspect.Lint(exampleToken(exampleGitHubClaims), jwtinspect.Options{
		Now:              time.Date(2021, 9, 24, 17, 41, 7, 0, time.UTC),
		ExpectedAudience: "sts.amazonaws.com",
	})
	for _, f := range findings {
		fmt.Printf("%s %s\n  %s\n", f.Severity, f.Code, f.Message)
	}
	// Output:
	// error expired
	//   The token expired 3h10m ago at 2021-09-24T14:31:07Z (beyond the 5m of clock skew rawsts allows; AWS documents none); fetch a fresh token rather than retrying.
	// error aud-mismatch
	//   The token has aud ["https://github.com/octo-org"], not "sts.amazonaws.com"; STS will report Incorrect token audience unless the IAM provider's client ID list holds one of them. For GitHub Actions, request the audience explicitly (configure-aws-credentials asks for sts.amazonaws.com); the default is the owner URL.
	// info github-sub-environment-form
	//   sub "repo:octo-org/octo-repo:environment:prod" is the environment form: GitHub uses it whenever the job names an environment, so the trust policy must match "repo:octo-org/octo-repo:environment:prod", not "repo:octo-org/octo-repo:ref:refs/heads/main", even though the token's ref claim is "refs/heads/main".
}

func ExampleProviderARN() {
	iss := "https://token.actions.githubusercontent.com"
	fmt.Println(jwtinspect.ProviderARN(iss, "aws", "123456789012"))
	fmt.Println(jwtinspect.ConditionKeyPrefix(iss) + ":sub")
	// Output:
	// arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
	// token.actions.githubusercontent.com:sub
}

// A key set saved from an issuer (what `curl` of its jwks_uri prints) checks a token's signature
// without the network: here the README's example token and the public half of the throwaway key
// that signed it. Nothing is fetched, so this does not show that the issuer serves the key.
func ExampleParseJWKS() {
	doc, err := os.ReadFile("../examples/diagnose/github-jwks.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	set, err := jwtinspect.ParseJWKS(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	raw, err := os.ReadFile("../examples/diagnose/branch.token")
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := jwtinspect.Decode(string(raw))
	if err != nil {
		fmt.Println(err)
		return
	}
	v := &jwtinspect.Verifier{KeySet: set, KeySetSource: "github-jwks.json"}
	res, err := v.Verify(context.Background(), tok)
	fmt.Println(res.KeyID, res.KeyType, res.KeyBits, "from", res.KeySource, "error:", err)

	_, err = jwtinspect.ParseJWKS([]byte(`{"keys": {"kty": "RSA", "kid": "k1"}}`))
	fmt.Println(err)
	// Output:
	// example-throwaway-key RSA 2048 from github-jwks.json error: <nil>
	// jwtinspect: not a JSON Web Key Set: its "keys" member is a JSON object, not an array
}
