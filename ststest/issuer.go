package ststest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// issuerPath is where the default issuer lives on the server.
const issuerPath = "/oidc"

// The kinds of issuer: the claim layout of the tokens they mint and the paths they serve.
const (
	kindGeneric = "generic"
	kindCognito = "cognito"
	kindGitHub  = "github"
	kindGitLab  = "gitlab"
	kindEKS     = "eks"
	// kindCognitoIdentity is the issuer of Cognito identity pools' OpenID tokens.
	kindCognitoIdentity = "cognito-identity"
)

// CognitoIdentityIssuer is the issuer of the OpenID tokens of Cognito identity pools
// (GetOpenIdToken): a provider IAM knows without an OIDC provider object. The emulator has
// an issuer at this outside URL, named cognito-identity ([Server.LookupIssuer]), which only its
// own verification reaches, in process, so that its STS verifies the tokens its identity pools
// mint as AWS's does.
const CognitoIdentityIssuer = "https://cognito-identity.amazonaws.com"

// cognitoIdentityIssuerName is the name the emulator's CognitoIdentityIssuer is known by.
const cognitoIdentityIssuerName = "cognito-identity"

// jwksPaths are where each kind of issuer serves its JWKS, below the issuer URL: the paths the
// real providers use (Cognito's .well-known/jwks.json, GitHub's .well-known/jwks, GitLab's
// oauth/discovery/keys, EKS's keys).
var jwksPaths = map[string]string{
	kindGeneric: "/jwks",
	kindCognito: "/.well-known/jwks.json",
	kindGitHub:  "/.well-known/jwks",
	kindGitLab:  "/oauth/discovery/keys",
	kindEKS:     "/keys",
	// Cognito Identity publishes its keys at /.well-known/jwks_uri (unverified: the path is
	// the discovery document's to name, and the emulator's names this one).
	kindCognitoIdentity: "/.well-known/jwks_uri",
}

// Issuer is an OpenID Connect issuer of the emulator: a discovery document, a JWKS with one
// RSA key, and [Issuer.Mint] to sign ID tokens with that key. A [Server] has the default
// issuer (Server.Issuer, at Server.URL + "/oidc", serving /oidc/.well-known/openid-configuration
// and /oidc/jwks), one per user pool (at Server.URL + "/POOL_ID", serving
// /POOL_ID/.well-known/openid-configuration and /POOL_ID/.well-known/jwks.json as Cognito
// does) and the extra issuers of [Config].Issuers; [Server.LookupIssuer] finds them by name.
//
// The RSA-2048 key (28 to 100 ms of CPU to make) is generated in the background from just after
// (keygenDelay) the server starts (or the issuer is added, for a pool created at run time), so that the
// server answers at once — a discovery document, an STS error, an admin call — while the first
// token minted or JWKS served waits only for what is left of it; each issuer of each server has
// its own key, so a token from another server does not verify here.
type Issuer struct {
	// URL is the issuer URL, the iss of minted tokens: Server.URL + "/oidc" for the default
	// issuer. It is empty until the server starts.
	URL string

	name, kind string
	audience   string // a Cognito pool's default aud: its first app client
	external   bool   // URL is outside the server: served in process only
	now        func() time.Time

	once   sync.Once
	made   atomic.Bool // set once key and kid are (Snapshot reads them without making one)
	key    *rsa.PrivateKey
	kid    string
	keyErr error

	// docs caches the rendered discovery document and JWKS, for docsURL: they change only
	// with the URL, and the emulator fetches them (in process) at every exchange.
	mu            sync.Mutex
	docsURL       string
	discovery, ks []byte
}

// newIssuer makes an issuer without a key yet.
func newIssuer(name, kind string, now func() time.Time) *Issuer {
	if kind == "" {
		kind = kindGeneric
	}
	return &Issuer{name: name, kind: kind, now: now}
}

// Name is the name [Server.LookupIssuer] knows the issuer by: "oidc", a user pool's id, or an
// extra issuer's Name.
func (i *Issuer) Name() string { return i.name }

// signer returns the key, generating it on first use.
func (i *Issuer) signer() (*rsa.PrivateKey, error) {
	i.once.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			i.keyErr = fmt.Errorf("ststest: generating the key of issuer %s: %w", i.name, err)
			return
		}
		i.key, i.kid = key, thumbprint(&key.PublicKey)
		i.made.Store(true)
	})
	return i.key, i.keyErr
}

// useKey makes key the issuer's signing key, unless it has one already.
func (i *Issuer) useKey(key *rsa.PrivateKey) {
	i.once.Do(func() {
		i.key, i.kid = key, thumbprint(&key.PublicKey)
		i.made.Store(true)
	})
}

// parsedKeys remembers the keys parseSigningKey read, by their PEM: a config's keys are read
// by Validate more than once on the way to a server (ParseConfig, NewUnstartedServer), and
// reading an RSA key costs a millisecond or more. It is emptied when it holds maxParsedKeys.
var parsedKeys struct {
	sync.Mutex
	m map[string]*rsa.PrivateKey
}

const maxParsedKeys = 64

// parseSigningKey reads a SigningKey's PEM: an RSA key of 2048 bits or more, PKCS #8 or
// PKCS #1.
func parseSigningKey(text string) (*rsa.PrivateKey, error) {
	parsedKeys.Lock()
	key := parsedKeys.m[text]
	parsedKeys.Unlock()
	if key != nil {
		return key, nil
	}
	key, err := readSigningKey(text)
	if err == nil {
		parsedKeys.Lock()
		if len(parsedKeys.m) >= maxParsedKeys || parsedKeys.m == nil {
			parsedKeys.m = map[string]*rsa.PrivateKey{}
		}
		parsedKeys.m[text] = key
		parsedKeys.Unlock()
	}
	return key, err
}

// readSigningKey is parseSigningKey without the memory.
func readSigningKey(text string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("is not a PEM block (-----BEGIN PRIVATE KEY----- …)")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("is a PEM %q block; want PRIVATE KEY or RSA PRIVATE KEY", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("is not a readable private key: %v", err)
	}
	rk, ok := key.(*rsa.PrivateKey)
	switch {
	case !ok:
		return nil, fmt.Errorf("is a %T; the issuers sign RS256 with an RSA key", key)
	case rk.N.BitLen() < 2048:
		return nil, fmt.Errorf("is an RSA key of %d bits; RS256 wants 2048 or more", rk.N.BitLen())
	}
	return rk, nil
}

// KeyID returns the kid of the signing key: its RFC 7638 JWK thumbprint. It generates the key
// if it does not exist yet (and returns "" if that fails).
func (i *Issuer) KeyID() string {
	i.signer()
	return i.kid
}

// PublicKey returns the public half of the signing key, the one the JWKS serves (an
// *rsa.PublicKey), generating the key if needed; nil if that fails.
func (i *Issuer) PublicKey() crypto.PublicKey {
	key, err := i.signer()
	if err != nil {
		return nil
	}
	return &key.PublicKey
}

// ErrNotStarted is returned by [Issuer.Mint] before the server has started, when the issuer
// has no URL to put in iss.
var ErrNotStarted = errors.New("ststest: the server has not started, so the issuer has no URL")

// Mint signs an RS256 ID token carrying claims, with the key's kid in the header. Claims left
// out get the defaults of the issuer's kind, with now from the server's clock ([WithNow]),
// iat and nbf now and exp an hour later, and iss the issuer URL:
//
//   - the default issuer and "generic" issuers: aud "sts.amazonaws.com", sub "demo-user";
//   - a user pool's issuer: aud the pool's first app client, token_use "id", sub "demo-user"
//     (the pool's logins mint their tokens with the user's own claims);
//   - "github": the claims of a GitHub Actions token for octo-org/octo-repo on main, with the
//     values of GitHub's documentation example (sub repo:octo-org/octo-repo:ref:refs/heads/main,
//     repository, repository_owner, repository_id, repository_owner_id, ref, ref_type, sha,
//     actor, actor_id, workflow, job_workflow_ref, event_name, run_id, run_number,
//     run_attempt, runner_environment, repository_visibility, jti) and aud sts.amazonaws.com;
//   - "gitlab": the claims of a GitLab CI ID token for mygroup/myproject on main (sub
//     project_path:mygroup/myproject:ref_type:branch:ref:main, namespace_id, namespace_path,
//     project_id, project_path, user_id, user_login, user_email, pipeline_id,
//     pipeline_source, job_id, ref, ref_type, ref_path, ref_protected, runner_id,
//     runner_environment, sha, jti) and aud sts.amazonaws.com;
//   - the identity pools' issuer (cognito-identity): the claims of GetOpenIdToken's token for
//     an authenticated identity of [DefaultIdentityPoolID] (aud the pool id, sub an identity
//     id, amr ["authenticated"]); the identity pools mint theirs with the identity's own;
//   - "eks": the claims of an EKS service-account token (sub
//     system:serviceaccount:default:my-service-account, aud ["sts.amazonaws.com"], and the
//     kubernetes.io claim naming the namespace, pod and service account).
//
// A claim set to nil in claims is left out of the token.
func (i *Issuer) Mint(claims map[string]any) (string, error) {
	iss := i.URL
	if iss == "" {
		return "", ErrNotStarted
	}
	key, err := i.signer()
	if err != nil {
		return "", err
	}
	now := i.now().Unix()
	mc := jwt.MapClaims{"iss": iss, "iat": now, "nbf": now, "exp": now + 3600}
	for k, v := range kindClaims(i.kind, i.audience) {
		mc[k] = v
	}
	for k, v := range claims {
		if v == nil {
			delete(mc, k)
			continue
		}
		mc[k] = v
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, mc)
	t.Header["kid"] = i.kid
	s, err := t.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("ststest: signing the ID token: %w", err)
	}
	return s, nil
}

// kindClaims are the default claims of a kind of issuer besides iss and the times. The GitHub
// values are those of GitHub's documentation example (PROTOCOL.md §5), the GitLab ones those of
// GitLab's (PROTOCOL.md §5 lists the claim names; its list is marked as recalled).
func kindClaims(kind, audience string) map[string]any {
	switch kind {
	case kindCognito:
		if audience == "" {
			audience = "sts.amazonaws.com"
		}
		return map[string]any{"aud": audience, "sub": "demo-user", "token_use": "id"}
	case kindGitHub:
		return map[string]any{
			"aud": "sts.amazonaws.com", "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
			"jti": newRequestID(), "ref": "refs/heads/main", "ref_type": "branch", "sha": "example-sha",
			"repository": "octo-org/octo-repo", "repository_owner": "octo-org", "repository_id": "74",
			"repository_owner_id": "65", "repository_visibility": "private", "actor": "octocat", "actor_id": "12",
			"workflow": "example-workflow", "event_name": "workflow_dispatch", "run_id": "example-run-id",
			"run_number": "10", "run_attempt": "2", "runner_environment": "github-hosted", "head_ref": "", "base_ref": "",
			"job_workflow_ref": "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main",
		}
	case kindGitLab:
		return map[string]any{
			"aud": "sts.amazonaws.com", "sub": "project_path:mygroup/myproject:ref_type:branch:ref:main",
			"jti": newRequestID(), "namespace_id": "72", "namespace_path": "mygroup", "project_id": "20",
			"project_path": "mygroup/myproject", "user_id": "1", "user_login": "sample-user",
			"user_email": "sample-user@example.com", "pipeline_id": "574", "pipeline_source": "push", "job_id": "302",
			"ref": "main", "ref_type": "branch", "ref_path": "refs/heads/main", "ref_protected": "true",
			"runner_id": 1, "runner_environment": "gitlab-hosted", "sha": "714a629c0b401fdce83e847fc9589983fc6f46bc",
		}
	case kindCognitoIdentity:
		return map[string]any{"aud": DefaultIdentityPoolID, "sub": "us-east-1:" + uuidFrom("identity/demo-user"), "amr": []any{"authenticated"}}
	case kindEKS:
		return map[string]any{
			"aud": []any{"sts.amazonaws.com"}, "sub": "system:serviceaccount:default:my-service-account",
			"kubernetes.io": map[string]any{"namespace": "default",
				"pod":            map[string]any{"name": "my-pod", "uid": uuidFrom("pod/my-pod")},
				"serviceaccount": map[string]any{"name": "my-service-account", "uid": uuidFrom("sa/my-service-account")}},
		}
	}
	return map[string]any{"aud": "sts.amazonaws.com", "sub": "demo-user"}
}

// ServeHTTP serves the discovery document and the JWKS. It expects the full request path
// (/oidc/.well-known/openid-configuration, /us-east-1_EXAMPLE/.well-known/jwks.json …).
func (i *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	u, err := url.Parse(i.URL)
	if err != nil || i.URL == "" {
		http.NotFound(w, r)
		return
	}
	var doc []byte
	switch strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(u.Path, "/")) {
	case "/.well-known/openid-configuration":
		doc, err = i.documents(false)
	case jwksPaths[i.kind]:
		doc, err = i.documents(true)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(doc)
}

// documents returns the discovery document (or, with jwks, the JWKS) as JSON, rendered once
// per URL. Only the JWKS waits for the key.
func (i *Issuer) documents(jwks bool) ([]byte, error) {
	var key *rsa.PrivateKey
	if jwks {
		var err error
		if key, err = i.signer(); err != nil {
			return nil, err
		}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.docsURL != i.URL {
		i.docsURL, i.discovery, i.ks = i.URL, nil, nil
	}
	if !jwks {
		if i.discovery == nil {
			disc, err := json.Marshal(map[string]any{
				"issuer":                                i.URL,
				"jwks_uri":                              strings.TrimSuffix(i.URL, "/") + jwksPaths[i.kind],
				"response_types_supported":              []string{"id_token"},
				"subject_types_supported":               []string{"public"},
				"id_token_signing_alg_values_supported": []string{"RS256"},
				"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "nbf"},
			})
			if err != nil {
				return nil, fmt.Errorf("ststest: rendering the discovery document of issuer %s: %w", i.name, err)
			}
			i.discovery = disc
		}
		return i.discovery, nil
	}
	if i.ks == nil {
		ks, err := json.Marshal(map[string]any{"keys": []any{jwk(&key.PublicKey, i.kid)}})
		if err != nil {
			return nil, fmt.Errorf("ststest: rendering the JWKS of issuer %s: %w", i.name, err)
		}
		i.ks = ks
	}
	return i.ks, nil
}

// jwk is the public key as a JSON Web Key (RFC 7517).
func jwk(pub *rsa.PublicKey, kid string) map[string]string {
	return map[string]string{
		"kty": "RSA",
		"kid": kid,
		"use": "sig",
		"alg": "RS256",
		"n":   b64(pub.N.Bytes()),
		"e":   b64(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// thumbprint is the RFC 7638 JWK thumbprint of an RSA key: base64url(SHA-256 of the JSON
// {"e":…,"kty":"RSA","n":…} with members in that order and no whitespace).
func thumbprint(pub *rsa.PublicKey) string {
	canon := fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, b64(big.NewInt(int64(pub.E)).Bytes()), b64(pub.N.Bytes()))
	sum := sha256.Sum256([]byte(canon))
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// issuerRegistry holds every issuer of a server by name. Issuers are created when the state
// first names them (a pool, an extra issuer) and kept for the server's life, keys included,
// so that a change to the state never changes a key.
type issuerRegistry struct {
	now func() time.Time

	mu     sync.Mutex
	url    string // the server's URL; "" before it starts
	byName map[string]*Issuer
	keys   map[string]*rsa.PrivateKey // from Config.SigningKeys, for issuers not made yet
	closed atomic.Bool                // the server has closed: keys not begun are not made
}

// keygenSlots bounds the background key generation of every server of the process (prepare)
// to one core fewer than the process may use, at least one, so that a request always has a
// core and a test suite that starts many servers does not pile up key generations; a request
// that needs a key before its turn makes it itself.
var keygenSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))

// keygenDelay is how long a server waits before making its keys in the background: a server a
// test starts and closes at once makes none (Go's RSA key generation cannot be stopped once
// begun, and a suite may start hundreds of servers), while a client started after the
// server (a process reading its export lines, a test's first login a few milliseconds later)
// still finds most of the key made.
const keygenDelay = 10 * time.Millisecond

// prepare starts making iss's key in the background, if it has none, so that the first token
// or JWKS waits only for what is left of it (Issuer.signer waits on the same sync.Once).
func (r *issuerRegistry) prepare(iss *Issuer) {
	if iss.made.Load() {
		return
	}
	go func() {
		time.Sleep(keygenDelay)
		if r.closed.Load() {
			return
		}
		keygenSlots <- struct{}{}
		defer func() { <-keygenSlots }()
		if !r.closed.Load() {
			iss.signer()
		}
	}()
}

// close stops the background key generation that has not begun.
func (r *issuerRegistry) close() { r.closed.Store(true) }

// useKeys makes the keys of a Config's SigningKeys (validated) those of the issuers they
// name, now or when they are made.
func (r *issuerRegistry) useKeys(list []SigningKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range list {
		key, err := parseSigningKey(k.PrivateKey)
		if err != nil {
			continue
		}
		if iss := r.byName[k.Issuer]; iss != nil {
			iss.useKey(key)
			continue
		}
		if r.keys == nil {
			r.keys = map[string]*rsa.PrivateKey{}
		}
		r.keys[k.Issuer] = key
	}
}

// signingKeys returns the keys the issuers have made or been given, by issuer name, as a
// Config records them.
func (r *issuerRegistry) signingKeys() []SigningKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []SigningKey
	for _, name := range sortedKeys(r.byName) {
		iss := r.byName[name]
		if !iss.made.Load() || iss.key == nil {
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(iss.key)
		if err != nil {
			continue
		}
		out = append(out, SigningKey{Issuer: name, PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))})
	}
	for _, name := range sortedKeys(r.keys) { // given, for issuers the state no longer names
		der, err := x509.MarshalPKCS8PrivateKey(r.keys[name])
		if err == nil {
			out = append(out, SigningKey{Issuer: name, PrivateKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))})
		}
	}
	return out
}

func newIssuerRegistry(now func() time.Time) *issuerRegistry {
	return &issuerRegistry{now: now, byName: map[string]*Issuer{}}
}

// add registers iss under its name and gives it its URL if the server has one.
func (r *issuerRegistry) add(iss *Issuer) *Issuer {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.byName[iss.name]; old != nil {
		return old
	}
	if !iss.external && r.url != "" {
		iss.URL = r.url + "/" + iss.name
	}
	if key := r.keys[iss.name]; key != nil {
		iss.useKey(key)
		delete(r.keys, iss.name)
	}
	r.byName[iss.name] = iss
	if r.url != "" { // added while the server runs: a pool created by CreateUserPool
		r.prepare(iss)
	}
	return iss
}

// pool returns the issuer of a user pool, making it on first mention.
func (r *issuerRegistry) pool(id, audience string) *Issuer {
	iss := newIssuer(id, kindCognito, r.now)
	iss.audience = audience
	return r.add(iss)
}

// extra returns the issuer of an IssuerConfig, making it on first mention.
func (r *issuerRegistry) extra(c IssuerConfig) *Issuer {
	iss := newIssuer(c.Name, c.Kind, r.now)
	if c.URL != "" {
		iss.URL, iss.external = c.URL, true
	}
	return r.add(iss)
}

// cognitoIdentity returns the identity pools' issuer, at CognitoIdentityIssuer, making it on
// first use.
func (r *issuerRegistry) cognitoIdentity() *Issuer {
	iss := newIssuer(cognitoIdentityIssuerName, kindCognitoIdentity, r.now)
	iss.URL, iss.external = CognitoIdentityIssuer, true
	return r.add(iss)
}

// start gives every hosted issuer its URL below the server's, and starts making the keys the
// issuers have not been given, in keygenRank's order (but the identity pools' issuer's).
func (r *issuerRegistry) start(serverURL string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.url = serverURL
	for name, iss := range r.byName {
		if !iss.external {
			iss.URL = serverURL + "/" + name
		}
	}
	names := sortedKeys(r.byName)
	sort.SliceStable(names, func(a, b int) bool { return keygenRank(r.byName[names[a]]) < keygenRank(r.byName[names[b]]) })
	for _, name := range names {
		if iss := r.byName[name]; iss.kind != kindCognitoIdentity { // only an identity pool's flow needs it: made on first use
			r.prepare(iss)
		}
	}
}

// keygenRank orders the background key generation: the user pools' issuers (a first login
// needs one), the default issuer (DemoRole's tokens, --token-file), the extra issuers; the
// identity pools' issuer, which only an identity pool's flow uses, is left to its first use.
func keygenRank(iss *Issuer) int {
	switch {
	case iss.kind == kindCognito:
		return 0
	case iss.name == strings.TrimPrefix(issuerPath, "/"):
		return 1
	case iss.kind == kindCognitoIdentity:
		return 3
	}
	return 2
}

// lookup returns the issuer named name.
func (r *issuerRegistry) lookup(name string) (*Issuer, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	iss, ok := r.byName[name]
	return iss, ok
}

// forPath returns the hosted issuer whose path starts the request path, and whether there is
// one: /oidc/jwks → oidc, /us-east-1_EXAMPLE/.well-known/jwks.json → us-east-1_EXAMPLE.
func (r *issuerRegistry) forPath(path string) (*Issuer, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best *Issuer
	for name, iss := range r.byName {
		if !iss.external && strings.HasPrefix(path, "/"+name+"/") && (best == nil || len(name) > len(best.name)) {
			best = iss
		}
	}
	return best, best != nil
}

// forURL returns the issuer, hosted or external, whose URL starts u: the one the in-process
// transport answers as.
func (r *issuerRegistry) forURL(u *url.URL) (*Issuer, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best *Issuer
	for _, iss := range r.byName {
		iu, err := url.Parse(iss.URL)
		if err != nil || iss.URL == "" || iu.Scheme != u.Scheme || iu.Host != u.Host {
			continue
		}
		p := strings.TrimSuffix(iu.Path, "/")
		if (p == "" || u.Path == p || strings.HasPrefix(u.Path, p+"/")) && (best == nil || len(iss.URL) > len(best.URL)) {
			best = iss
		}
	}
	return best, best != nil
}
