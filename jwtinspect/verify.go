package jwtinspect

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The steps of [Verifier.Verify], in order, as [StepError.Step] names them.
const (
	StepDiscovery = "discovery" // fetching or reading ISS/.well-known/openid-configuration
	StepIssuer    = "issuer"    // the discovery document's issuer is not the token's iss
	StepJWKS      = "jwks"      // fetching or reading the key set at jwks_uri
	StepKid       = "kid"       // no key in the set has the token's kid
	StepKey       = "key"       // the JWK cannot be turned into a public key
	StepAlg       = "alg"       // the token's alg is not one STS accepts, or does not fit the key
	StepSignature = "signature" // the signature does not verify with the key
)

// DefaultTimeout is the time allowed for each fetch: STS gives an identity provider about
// five seconds to answer.
const DefaultTimeout = 5 * time.Second

// StepError is the error [Verifier.Verify] returns: the step that failed and why.
type StepError struct {
	// Step is the step that failed, one of the Step constants, e.g. [StepKid].
	Step string
	// Err is why, in words naming the URL or key concerned; never token text.
	Err error
}

// Error returns "jwtinspect: verify: STEP: " and the cause.
func (e *StepError) Error() string { return "jwtinspect: verify: " + e.Step + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// Verifier checks a token's signature the way STS does: OIDC discovery, the JWKS, the key by
// kid, and the signature restricted to the algorithms STS accepts. It reads only what the
// issuer publishes; it needs no AWS credentials. Its zero value is ready to use.
type Verifier struct {
	// HTTPClient makes the discovery and JWKS requests. Nil means http.DefaultClient. A
	// redirect is never followed: the client is used through a copy whose CheckRedirect
	// refuses it, and a 3xx reply is a [*RedirectError]. Each fetch is bounded by Timeout
	// whatever the client's own Timeout.
	// [Verifier.Thumbprint] also uses the TLS settings (RootCAs) of its *http.Transport.
	HTTPClient *http.Client
	// Timeout bounds each fetch, the body included; zero means DefaultTimeout, as STS
	// allows. HTTPClient's own Timeout, when shorter, bounds it too.
	Timeout time.Duration
	// Now reads the clock for fetch durations; nil means time.Now.
	Now func() time.Time
	// KeySet, when not nil, is the issuer's key set as the caller has it: a JWKS document saved
	// from the issuer (what `curl` of its jwks_uri prints) and read with [ParseJWKS], for a
	// private issuer or a machine without the network. Verify then checks the signature with
	// these keys, by the same steps from kid on, and fetches nothing: no discovery document, no
	// issuer check, no jwks_uri. So a success shows that the token was signed by a key of the
	// set, not that the issuer serves that key. [Verifier.Thumbprint] does not use it.
	KeySet *JWKS
	// KeySetSource names where KeySet came from, e.g. the file "jwks.json", in errors and in
	// [Verification.KeySource]; "" means "the key set given".
	KeySetSource string
}

// Fetch describes one HTTP GET made by the Verifier.
type Fetch struct {
	// URL is the URL requested; "" if the step never got to fetch.
	URL string `json:"url"`
	// Status is the HTTP status of the final response; 0 if no response came (a refused URL,
	// a transport error or a timeout).
	Status int `json:"status,omitempty"`
	// Duration is the time from sending the request to having read the body, by
	// [Verifier.Now]. In JSON it is a number of nanoseconds.
	Duration time.Duration `json:"duration"`
	// Bytes is the length of the body read; 0 when reading failed or the body was over
	// [MaxBodySize].
	Bytes int `json:"bytes"`
}

// Verification is what [Verifier.Verify] found. On error it holds what was learned before the
// failing step.
type Verification struct {
	// Issuer is the token's iss, whose discovery document was fetched.
	Issuer string `json:"issuer"`
	// Discovery is the GET of ISS/.well-known/openid-configuration ([DiscoveryURL]).
	Discovery Fetch `json:"discovery"`
	// JWKS is the GET of the discovery document's jwks_uri; zero if discovery failed.
	JWKS Fetch `json:"jwks"`
	// KeySource names the key set when it was given rather than fetched ([Verifier.KeySet]):
	// Verifier.KeySetSource, e.g. "jwks.json". Discovery and JWKS are then zero: nothing was
	// fetched. "" when the keys came from the issuer.
	KeySource string `json:"key_source,omitempty"`
	// KeyIDs lists the kid of every key in the JWKS, in order.
	KeyIDs []string `json:"key_ids"`
	// KeyID is the kid of the key that verified the signature; "" until one did (or when
	// that key has no kid).
	KeyID string `json:"key_id,omitempty"`
	// KeyType names the verifying key's kind: "RSA", "EC P-256", "EC P-384" or "EC P-521".
	KeyType string `json:"key_type,omitempty"`
	// KeyBits is the verifying key's size in bits: the RSA modulus or the EC curve size.
	KeyBits int `json:"key_bits,omitempty"`
	// Algorithm is the token's alg.
	Algorithm string `json:"algorithm"`
	// Findings are warnings that do not stop verification: slow fetches, discovery fields
	// STS expects, a missing kid, a short RSA key.
	Findings []Finding `json:"findings,omitempty"`
}

// discoveryFields are the discovery-document members STS is known to expect besides jwks_uri.
var discoveryFields = []string{"response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"}

// Verify fetches the issuer's discovery document and key set and checks tok's signature with
// the key named by its kid; with [Verifier.KeySet] it checks the signature with that set and
// fetches nothing. It does not check times, aud or the other claims: [Lint] does.
// A failure is a *[StepError]; the returned Verification is never nil.
func (v *Verifier) Verify(ctx context.Context, tok *Token) (*Verification, error) {
	res := &Verification{}
	if tok == nil {
		return res, &StepError{StepDiscovery, errors.New("no token")}
	}
	res.Issuer, res.Algorithm = tok.Claims.Issuer, tok.Header.Alg
	if v.KeySet != nil {
		res.KeySource = v.KeySetSource
		if res.KeySource == "" {
			res.KeySource = "the key set given"
		}
		if len(v.KeySet.Keys) == 0 {
			return res, &StepError{StepJWKS, fmt.Errorf("%s has no keys", res.KeySource)}
		}
		return res, checkSignature(tok, v.KeySet, res.KeySource, res)
	}
	jwksURL, err := v.discover(ctx, tok.Claims.Issuer, res)
	if err != nil {
		return res, err
	}

	body, f, err := v.fetch(ctx, jwksURL, res)
	res.JWKS = f
	if err != nil {
		return res, &StepError{StepJWKS, err}
	}
	set, err := decodeJWKS(body)
	if err != nil {
		return res, &StepError{StepJWKS, fmt.Errorf("%s is not a JSON Web Key Set: %s", jwksURL, describeJSONError(err))}
	}
	if len(set.Keys) == 0 {
		return res, &StepError{StepJWKS, fmt.Errorf("%s has no keys", jwksURL)}
	}
	return res, checkSignature(tok, &set.JWKS, jwksURL, res)
}

// checkSignature runs Verify's steps from kid on with set, the key set found at where (the
// jwks_uri fetched, or Verifier.KeySetSource), recording in res what it finds.
func checkSignature(tok *Token, set *JWKS, where string, res *Verification) error {
	for _, k := range set.Keys {
		res.KeyIDs = append(res.KeyIDs, k.Kid)
	}

	kid := tok.Header.Kid
	var candidates []JWK
	for _, k := range set.Keys {
		if kid == "" || k.Kid == kid {
			candidates = append(candidates, k)
		}
	}
	if kid == "" {
		res.Findings = append(res.Findings, finding(CodeNoKid, "The token header has no kid, so every key in the JWKS was tried; STS picks the key by kid, so have the issuer set it."))
	}
	if len(candidates) == 0 {
		return &StepError{StepKid, fmt.Errorf("no key with kid %q in %s (kids present: %s); the issuer may have rotated its keys, or the JWKS is stale or cached",
			kid, where, quoteList(res.KeyIDs))}
	}

	var keys []JWK
	var pubs []crypto.PublicKey
	var keyErr error
	for _, k := range candidates {
		pub, err := k.PublicKey()
		if err != nil {
			keyErr = err
			continue
		}
		keys, pubs = append(keys, k), append(pubs, pub)
	}
	if len(pubs) == 0 {
		return &StepError{StepKey, keyErr}
	}

	alg := tok.Header.Alg
	if !contains(stsAlgorithms, alg) {
		return &StepError{StepAlg, fmt.Errorf("the token's alg %q is not one STS accepts (%s)", alg, strings.Join(stsAlgorithms, ", "))}
	}
	var fitKeys []JWK
	var fitPubs []crypto.PublicKey
	var algErr error
	for i, pub := range pubs {
		if err := algFits(alg, pub); err != nil {
			algErr = err
			continue
		}
		if keys[i].Alg != "" && keys[i].Alg != alg {
			algErr = fmt.Errorf("key %q is published for alg %s, but the token uses %s", keys[i].Kid, keys[i].Alg, alg)
			continue
		}
		fitKeys, fitPubs = append(fitKeys, keys[i]), append(fitPubs, pub)
	}
	if len(fitPubs) == 0 {
		return &StepError{StepAlg, algErr}
	}

	// The token is decoded already: verify its signature over header.payload directly, with
	// the method of its alg (one of stsAlgorithms, all registered by golang-jwt).
	method := jwt.GetSigningMethod(alg)
	var sigErr error
	for i, pub := range fitPubs {
		if err := method.Verify(tok.SigningInput(), tok.Signature, pub); err != nil {
			sigErr = fmt.Errorf("%w: %w", jwt.ErrTokenSignatureInvalid, err)
			continue
		}
		res.KeyID = fitKeys[i].Kid
		res.KeyType, res.KeyBits = describeKey(pub)
		if strings.HasPrefix(res.KeyType, "RSA") && res.KeyBits < 2048 {
			res.Findings = append(res.Findings, finding(CodeWeakKey, "Key %q is RSA with only %d bits; use at least 2048.", res.KeyID, res.KeyBits))
		}
		return nil
	}
	return &StepError{StepSignature, fmt.Errorf("the signature does not verify with key %q from %s (%w); the token was signed by another key or altered",
		fitKeys[len(fitKeys)-1].Kid, where, sigErr)}
}

// discover fetches and checks the discovery document, returning jwks_uri.
func (v *Verifier) discover(ctx context.Context, iss string, res *Verification) (string, error) {
	if iss == "" {
		return "", &StepError{StepDiscovery, errors.New("the token has no iss, so there is no discovery document to fetch")}
	}
	u := DiscoveryURL(iss)
	body, f, err := v.fetch(ctx, u, res)
	res.Discovery = f
	if err != nil {
		return "", &StepError{StepDiscovery, err}
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", &StepError{StepDiscovery, fmt.Errorf("%s is not a JSON object: %s", u, describeJSONError(err))}
	}
	var issuer, jwksURI string
	if err := json.Unmarshal(doc["issuer"], &issuer); err != nil || issuer == "" {
		return "", &StepError{StepIssuer, fmt.Errorf("%s has no issuer string", u)}
	}
	if issuer != iss {
		return "", &StepError{StepIssuer, fmt.Errorf("%s says issuer %q, but the token's iss is %q; STS needs them to be identical", u, issuer, iss)}
	}
	if err := json.Unmarshal(doc["jwks_uri"], &jwksURI); err != nil || jwksURI == "" {
		return "", &StepError{StepDiscovery, fmt.Errorf("%s has no jwks_uri string, so STS cannot find the keys", u)}
	}
	var missing []string
	for _, name := range discoveryFields {
		if _, ok := doc[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		res.Findings = append(res.Findings, finding(CodeDiscoveryFieldMissing,
			"The discovery document lacks %s; STS may refuse the provider with \"Couldn't retrieve verification key\", so add them.", strings.Join(missing, ", ")))
	}
	return jwksURI, nil
}

// DiscoveryURL returns the OIDC discovery URL for an issuer: the issuer without a trailing
// slash, followed by /.well-known/openid-configuration.
func DiscoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	sort.Strings(q)
	return strings.Join(q, ", ")
}
