package ststest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
)

// identityTarget prefixes the X-Amz-Target of every Cognito Identity (identity pool)
// operation; requests that carry it go to the emulated identity pools.
const identityTarget = "AWSCognitoIdentityService."

const (
	// openIDTokenLifetime is GetOpenIdToken's token lifetime: "valid for 10 minutes" (the
	// model's documentation).
	openIDTokenLifetime = 10 * time.Minute
	// developerTokenLifetime is GetOpenIdTokenForDeveloperIdentity's default TokenDuration.
	developerTokenLifetime = 15 * time.Minute
	// enhancedSessionName is the session name Cognito gives the role sessions of the enhanced
	// flow (assumed-role/ROLE/CognitoIdentityCredentials, as AWS shows them).
	enhancedSessionName = "CognitoIdentityCredentials"
)

// Cognito Identity's messages. The ones marked (unverified) have no public capture; the others
// are quoted in public reports (see package cognitoidentity's documentation).
const (
	msgGuestRefused      = "Unauthenticated access is not supported for this identity pool."
	msgNotSupported      = "Token is not from a supported provider of this identity pool."
	msgIssuerMismatch    = "Invalid login token. Issuer doesn't match providerName"
	msgMissingAud        = "Invalid login token. Missing a required claim: aud"
	msgNotVerified       = "Invalid login token. Couldn't verify signed token."
	msgNotAToken         = "Invalid login token. Not a valid OpenId Connect identity token." // (unverified)
	msgLoginsDontMatch   = "Logins don't match. Please include at least one valid login for this identity or identity pool."
	msgInvalidPoolConfig = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
	msgClassicDisabled   = "Basic (classic) flow is not enabled, please use enhanced flow."
)

// identityEmulator answers the Cognito Identity operations of the identity pools in the state:
// GetId, GetOpenIdToken, GetCredentialsForIdentity (unsigned) and
// GetOpenIdTokenForDeveloperIdentity (signed). Login tokens are verified as Cognito verifies
// them (the issuer is the Logins key, the signature against the issuer's keys through the
// in-process transport, not expired, the audience an app client the pool lists); the
// credentials of the enhanced flow come from the same decision as STS's
// AssumeRoleWithWebIdentity (webIdentitySession), with a token of the identity pools' issuer.
type identityEmulator struct{ *services }

// identityRequest holds the members of the four operations' inputs.
type identityRequest struct {
	IdentityPoolID string            `json:"IdentityPoolId"`
	IdentityID     string            `json:"IdentityId"`
	AccountID      string            `json:"AccountId"`
	Logins         map[string]string `json:"Logins"`
	CustomRoleArn  string            `json:"CustomRoleArn"`
	PrincipalTags  map[string]string `json:"PrincipalTags"`
	TokenDuration  *int64            `json:"TokenDuration"`
}

var (
	ipPoolID     = cogParam("identityPoolId", 1, 55, `[\w-]+:[0-9a-f-]+`, false)
	ipIdentityID = cogParam("identityId", 1, 55, `[\w-]+:[0-9a-f-]+`, false)
	ipAccountID  = cogParam("accountId", 1, 15, `\d+`, false)
	ipCustomRole = cogParam("customRoleArn", 20, 2048, "", false)
)

// ServeHTTP answers one Cognito Identity JSON 1.1 call with the result or the error body
// (__type, message), and logs the decision.
func (e *identityEmulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), identityTarget)
	ev := Event{Service: "cognito-identity", Action: op, Decision: "allow"}
	out, cerr := e.serve(r, op, &ev)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", reqID)
	ev.Time = e.now().UTC()
	if cerr != nil {
		ev.Decision, ev.Code = "deny", cerr.typ
		if ev.Detail == "" {
			ev.Detail = cerr.message
		}
		e.log(ev)
		w.WriteHeader(cerr.status)
		json.NewEncoder(w).Encode(map[string]string{"__type": cerr.typ, "message": cerr.message})
		return
	}
	e.log(ev)
	json.NewEncoder(w).Encode(out)
}

// serve decodes and dispatches a call. The handler fills in ev: the caller (a pool and a
// login provider, an identity, or a signed caller's ARN) and what was decided; serve names the
// resource, identitypool/ID or identity/ID.
func (e *identityEmulator) serve(r *http.Request, op string, ev *Event) (any, *cognitoError) {
	if r.Method != http.MethodPost {
		return nil, &cognitoError{http.StatusBadRequest, "UnknownOperationException", ""}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	if err != nil || len(body) > httpx.MaxBodySize {
		return nil, &cognitoError{http.StatusBadRequest, "SerializationException", "The request body could not be read"}
	}
	var in identityRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &cognitoError{http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected."}
	}
	switch {
	case in.IdentityPoolID != "":
		ev.Resource = "identitypool/" + in.IdentityPoolID
	case in.IdentityID != "":
		ev.Resource = "identity/" + in.IdentityID
	}
	var out any
	var cerr *cognitoError
	switch op {
	case "GetId":
		out, ev.Principal, ev.Detail, cerr = e.getID(r.Context(), &in)
	case "GetOpenIdToken":
		out, ev.Principal, ev.Detail, cerr = e.getOpenIDToken(r.Context(), &in)
	case "GetCredentialsForIdentity":
		out, ev.Principal, ev.Detail, cerr = e.getCredentials(r.Context(), r, &in)
	case "GetOpenIdTokenForDeveloperIdentity":
		out, ev.Principal, ev.Detail, cerr = e.developerToken(r.Context(), r, body, &in)
	default:
		cerr = &cognitoError{http.StatusBadRequest, "UnknownOperationException", ""}
	}
	return out, cerr
}

// login is a login token checked against a pool: its provider, the subject it names, the
// linked-login key PROVIDER:SUBJECT, and its claims (for role mapping).
type login struct {
	provider, subject, clientID string
	claims                      map[string]any
}

func (l login) key() string { return l.provider + ":" + l.subject }

// pool checks an IdentityPoolId and returns the pool.
func (e *identityEmulator) pool(id string) (*identityPoolView, *cognitoError) {
	if cerr := ipPoolID.check(id, true); cerr != nil {
		return nil, cerr
	}
	p := e.state.view().identityPools[id]
	if p == nil {
		// The wording of this message is unverified.
		return nil, resourceNotFound("IdentityPool '%s' not found.", id)
	}
	return p, nil
}

// identity checks an IdentityId and returns its pool and record.
func (e *identityEmulator) identity(id string) (*identityPoolView, poolIdentity, *cognitoError) {
	if cerr := ipIdentityID.check(id, true); cerr != nil {
		return nil, poolIdentity{}, cerr
	}
	poolID := e.state.identities.pool(id)
	p := e.state.view().identityPools[poolID]
	rec, ok := e.state.identities.lookup(poolID, id)
	if p == nil || !ok {
		// The wording of this message is unverified.
		return nil, poolIdentity{}, resourceNotFound("Identity '%s' not found.", id)
	}
	return p, rec, nil
}

// checkLogins verifies every login of a call as Cognito does and returns them.
func (e *identityEmulator) checkLogins(ctx context.Context, p *identityPoolView, logins map[string]string) ([]login, *cognitoError) {
	if len(logins) > 10 {
		return nil, invalidParameter(fmt.Sprintf("1 validation error detected: Value '%d entries' at 'logins' failed to satisfy constraint: Member must have length less than or equal to 10", len(logins)))
	}
	var out []login
	for _, provider := range sortedKeys(logins) {
		l, cerr := e.checkLogin(ctx, p, provider, logins[provider])
		if cerr != nil {
			return nil, cerr
		}
		out = append(out, l)
	}
	return out, nil
}

// checkLogin verifies one login token: the pool accepts the provider; the token is a JWT
// whose iss, without its scheme, is the provider's name; it has an aud (a user pool access
// token has none); its signature verifies against the issuer's published keys (fetched in
// process); it has not expired; its aud is an app client the pool lists (a user pool) or in
// the IAM provider's ClientIDList (an OIDC provider). The order of these checks is ours.
func (e *identityEmulator) checkLogin(ctx context.Context, p *identityPoolView, provider, token string) (login, *cognitoError) {
	clients, isPool := p.userPools[provider]
	audiences, isOIDC := p.oidc[provider]
	if !isPool && !isOIDC {
		return login{}, notAuthorized(msgNotSupported)
	}
	tok, err := jwtinspect.Decode(token)
	if err != nil {
		return login{}, notAuthorized(msgNotAToken)
	}
	c := tok.Claims
	if trustpolicy.IssuerHost(c.Issuer) != provider {
		return login{}, notAuthorized(msgIssuerMismatch)
	}
	if len(c.Audience) == 0 {
		return login{}, notAuthorized(msgMissingAud)
	}
	if _, err := e.verifier.Verify(ctx, tok); err != nil {
		return login{}, notAuthorized(msgNotVerified)
	}
	now := e.now().Unix()
	if c.ExpiresAt == nil || now >= c.ExpiresAt.Time.Unix() {
		exp := int64(0)
		if c.ExpiresAt != nil {
			exp = c.ExpiresAt.Time.Unix()
		}
		return login{}, notAuthorized(fmt.Sprintf("Invalid login token. Token expired: %d >= %d", now, exp))
	}
	allowed := clients
	if !isPool {
		allowed = audiences
	}
	for _, a := range c.Audience {
		for _, ok := range allowed {
			if a == ok {
				return login{provider: provider, subject: c.Subject, clientID: a, claims: tok.RawClaims}, nil
			}
		}
	}
	return login{}, notAuthorized(msgNotSupported)
}

// newIdentityID makes an identity id in a pool's region.
func newIdentityID(region string) func() string {
	return func() string { return region + ":" + newRequestID() }
}

func (e *identityEmulator) getID(ctx context.Context, in *identityRequest) (any, string, string, *cognitoError) {
	who := "guest"
	if len(in.Logins) > 0 {
		who = "login " + strings.Join(sortedKeys(in.Logins), ", ")
	}
	p, cerr := e.pool(in.IdentityPoolID)
	if cerr != nil {
		return nil, who, "", cerr
	}
	if cerr := ipAccountID.check(in.AccountID, false); cerr != nil {
		return nil, who, "", cerr
	}
	if in.AccountID != "" && in.AccountID != e.state.view().account {
		return nil, who, "", resourceNotFound("IdentityPool '%s' not found.", p.id) // another account's pool
	}
	if len(in.Logins) == 0 && !p.allowGuest {
		return nil, who, "the pool does not allow unauthenticated identities", notAuthorized(msgGuestRefused)
	}
	logins, cerr := e.checkLogins(ctx, p, in.Logins)
	if cerr != nil {
		return nil, who, "", cerr
	}
	keys := loginKeys(logins)
	id, conflict := e.state.identities.identify(p.id, keys, "", newIdentityID(p.region))
	if conflict {
		return nil, who, "", &cognitoError{http.StatusBadRequest, "ResourceConflictException", "Logins are already linked to different identities."} // (unverified)
	}
	return map[string]string{"IdentityId": id}, describeLogins(keys), "identity " + id, nil
}

// loginKeys returns the PROVIDER:SUBJECT keys of logins.
func loginKeys(logins []login) []string {
	var out []string
	for _, l := range logins {
		out = append(out, l.key())
	}
	return out
}

func describeLogins(keys []string) string {
	if len(keys) == 0 {
		return "guest"
	}
	return "login " + strings.Join(keys, ", ")
}

// matchLogins checks the logins of GetOpenIdToken and GetCredentialsForIdentity against the
// identity's: an identity made with logins needs one of them again; a guest identity needs
// none, and the pool must still allow guests.
func (e *identityEmulator) matchLogins(ctx context.Context, p *identityPoolView, rec poolIdentity, given map[string]string) ([]login, *cognitoError) {
	logins, cerr := e.checkLogins(ctx, p, given)
	if cerr != nil {
		return nil, cerr
	}
	if len(rec.logins) == 0 {
		if len(logins) > 0 {
			return nil, notAuthorized(msgLoginsDontMatch)
		}
		if !p.allowGuest {
			return nil, notAuthorized(msgGuestRefused)
		}
		return nil, nil
	}
	for _, l := range logins {
		for _, k := range rec.logins {
			if l.key() == k {
				return logins, nil
			}
		}
	}
	return nil, notAuthorized(msgLoginsDontMatch)
}

// amr is the amr claim of an identity's token: unauthenticated, or authenticated and each
// login's provider with the provider-specific form (a user pool's
// PROVIDER:CognitoSignIn:SUB; a developer's PROVIDER:REGION:POOL_GUID:USER_ID), as public
// examples show them.
func amr(p *identityPoolView, logins []login, developerUser string) []any {
	if len(logins) == 0 && developerUser == "" {
		return []any{"unauthenticated"}
	}
	out := []any{"authenticated"}
	for _, l := range logins {
		out = append(out, l.provider)
		if _, ok := p.userPools[l.provider]; ok {
			out = append(out, l.provider+":CognitoSignIn:"+l.subject)
		}
	}
	if developerUser != "" {
		_, guid, _ := strings.Cut(p.id, ":")
		out = append(out, p.developer, p.developer+":"+p.region+":"+guid+":"+developerUser)
	}
	return out
}

// mint signs the identity's OpenID token with the identity pools' issuer.
func (e *identityEmulator) mint(p *identityPoolView, identityID string, amr []any, life time.Duration, tags map[string]string) (string, *cognitoError) {
	iss, _ := e.issuers.lookup(cognitoIdentityIssuerName)
	now := e.now().Unix()
	claims := map[string]any{"aud": p.id, "sub": identityID, "amr": amr, "iat": now, "exp": now + int64(life/time.Second), "nbf": nil,
		CognitoIdentityIssuer + "/identity-pool-arn": p.arn}
	if len(tags) > 0 {
		// Principal tags as session tags, in the https://aws.amazon.com/tags claim STS reads
		// (that Cognito carries them so is our assumption; the role must then allow
		// sts:TagSession).
		pt := map[string]any{}
		for k, v := range tags {
			pt[k] = []any{v}
		}
		claims[jwtinspect.ClaimTags] = map[string]any{"principal_tags": pt}
	}
	tok, err := iss.Mint(claims)
	if err != nil {
		return "", &cognitoError{http.StatusInternalServerError, "InternalErrorException", "minting the OpenID token failed"}
	}
	return tok, nil
}

func (e *identityEmulator) getOpenIDToken(ctx context.Context, in *identityRequest) (any, string, string, *cognitoError) {
	p, rec, cerr := e.identity(in.IdentityID)
	if cerr != nil {
		return nil, in.IdentityID, "", cerr
	}
	who := "identity " + in.IdentityID
	if !p.classic {
		return nil, who, "the pool's AllowClassicFlow is false", invalidParameter(msgClassicDisabled)
	}
	logins, cerr := e.matchLogins(ctx, p, rec, in.Logins)
	if cerr != nil {
		return nil, who, "", cerr
	}
	a := amr(p, logins, "")
	tok, cerr := e.mint(p, in.IdentityID, a, openIDTokenLifetime, nil)
	if cerr != nil {
		return nil, who, "", cerr
	}
	return map[string]string{"IdentityId": in.IdentityID, "Token": tok}, who, fmt.Sprintf("token for %s, amr %v", CognitoIdentityIssuer, a), nil
}

func (e *identityEmulator) getCredentials(ctx context.Context, r *http.Request, in *identityRequest) (any, string, string, *cognitoError) {
	p, rec, cerr := e.identity(in.IdentityID)
	if cerr != nil {
		return nil, in.IdentityID, "", cerr
	}
	who := "identity " + in.IdentityID
	if cerr := ipCustomRole.check(in.CustomRoleArn, false); cerr != nil {
		return nil, who, "", cerr
	}
	logins, cerr := e.matchLogins(ctx, p, rec, in.Logins)
	if cerr != nil {
		return nil, who, "", cerr
	}
	role, why := chooseRole(p, logins, in.CustomRoleArn)
	if role == "" {
		return nil, who, why, &cognitoError{http.StatusBadRequest, "InvalidIdentityPoolConfigurationException", msgInvalidPoolConfig}
	}
	tok, cerr := e.mint(p, in.IdentityID, amr(p, logins, ""), openIDTokenLifetime, nil)
	if cerr != nil {
		return nil, who, "", cerr
	}
	// Cognito assumes the role on the caller's behalf: the very decision STS makes for
	// AssumeRoleWithWebIdentity with the identity's token, so a trust policy that does not
	// trust cognito-identity.amazonaws.com for this pool and this amr is refused here as STS
	// would refuse it, and reported as Cognito reports it.
	g, se, detail := e.webIdentitySession(ctx, webIdentityRequest{token: tok, roleARN: role, sessionName: enhancedSessionName, sourceIP: remoteIP(r)})
	if se != nil {
		return nil, who, fmt.Sprintf("role %s: STS would answer %s (%s): %s", role, se.Code, se.Check, detail),
			&cognitoError{http.StatusBadRequest, "InvalidIdentityPoolConfigurationException", msgInvalidPoolConfig}
	}
	id := g.session
	return map[string]any{"IdentityId": in.IdentityID, "Credentials": map[string]any{
		"AccessKeyId": id.creds.AccessKeyID, "SecretKey": id.creds.SecretAccessKey, "SessionToken": id.creds.SessionToken,
		"Expiration": json.Number(strconv.FormatInt(id.expires.Unix(), 10)),
	}}, who, "session " + id.arn + " (" + why + ")", nil
}

// chooseRole picks the role of an identity: a guest's is the unauthenticated role; an
// authenticated identity's comes from the role mapping of its login's provider (Token: the
// token's cognito:preferred_role, or CustomRoleArn among its cognito:roles; Rules: the first
// rule that matches), else — or when the mapping finds none and resolves ambiguity with
// AuthenticatedRole — the authenticated role. It returns "" and why when there is none.
func chooseRole(p *identityPoolView, logins []login, custom string) (role, why string) {
	if len(logins) == 0 {
		if r := p.roles["unauthenticated"]; r != "" {
			return r, "the unauthenticated role"
		}
		return "", "the pool has no unauthenticated role"
	}
	for _, l := range logins {
		m, ok := p.mappings[l.provider+":"+l.clientID]
		if !ok {
			m, ok = p.mappings[l.provider]
		}
		if !ok {
			continue
		}
		if r := mappedRole(m, l.claims, custom); r != "" {
			return r, "role mapping of " + l.provider
		}
		if m.AmbiguousRoleResolution == "Deny" {
			// The error Cognito gives here is unverified; InvalidIdentityPoolConfiguration is
			// what it gives when it has no role.
			return "", "the role mapping of " + l.provider + " found no role and resolves ambiguity with Deny"
		}
	}
	if custom != "" {
		// CustomRoleArn picks among a token's cognito:roles; without a Token mapping there is
		// nothing to pick from (the error Cognito gives is unverified).
		return "", "CustomRoleArn without a Token role mapping that allows it"
	}
	if r := p.roles["authenticated"]; r != "" {
		return r, "the authenticated role"
	}
	return "", "the pool has no authenticated role"
}

// mappedRole applies one role mapping to a token's claims.
func mappedRole(m RoleMapping, claims map[string]any, custom string) string {
	switch m.Type {
	case "Token":
		roles := claimValues(claims["cognito:roles"])
		if custom != "" {
			for _, r := range roles {
				if r == custom {
					return r
				}
			}
			return ""
		}
		if pref := claimValues(claims["cognito:preferred_role"]); len(pref) == 1 {
			return pref[0]
		}
		if len(roles) == 1 {
			return roles[0]
		}
	case "Rules":
		if m.RulesConfiguration == nil {
			return ""
		}
		for _, rule := range m.RulesConfiguration.Rules {
			for _, v := range claimValues(claims[rule.Claim]) {
				if ruleMatches(rule, v) {
					return rule.RoleARN
				}
			}
		}
	}
	return ""
}

func ruleMatches(rule MappingRule, v string) bool {
	switch rule.MatchType {
	case "Equals":
		return v == rule.Value
	case "Contains":
		return strings.Contains(v, rule.Value)
	case "StartsWith":
		return strings.HasPrefix(v, rule.Value)
	case "NotEqual":
		return v != rule.Value
	}
	return false
}

// claimValues reads a claim as strings: a string, a list of strings, or a number or boolean
// as JSON writes it.
func claimValues(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, claimValues(e)...)
		}
		return out
	case json.Number:
		return []string{t.String()}
	case float64:
		return []string{strconv.FormatFloat(t, 'f', -1, 64)}
	case bool:
		return []string{strconv.FormatBool(t)}
	}
	return nil
}

// developerToken answers GetOpenIdTokenForDeveloperIdentity: signed by an IAM user or role
// session allowed cognito-identity:GetOpenIdTokenForDeveloperIdentity on the pool, with the
// pool's developer provider in Logins (its value the back end's user id), other logins
// verified as tokens.
func (e *identityEmulator) developerToken(ctx context.Context, r *http.Request, body []byte, in *identityRequest) (any, string, string, *cognitoError) {
	p, cerr := e.pool(in.IdentityPoolID)
	region, _, _ := strings.Cut(in.IdentityPoolID, ":")
	caller, aerr := e.verifyJSONSignature(r, body, "cognito-identity", region)
	if aerr != nil {
		return nil, in.IdentityPoolID, "", aerr
	}
	who := caller.arn
	action := "cognito-identity:GetOpenIdTokenForDeveloperIdentity"
	resource := "arn:aws:cognito-identity:" + region + ":" + e.state.view().account + ":identitypool/" + in.IdentityPoolID
	if ok, reason := e.allowed(r, caller, action, resource); !ok {
		return nil, who, reason, &cognitoError{http.StatusBadRequest, "AccessDeniedException",
			fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because %s", caller.arn, action, resource, reason)}
	}
	if cerr != nil {
		return nil, who, "", cerr
	}
	if in.IdentityID != "" {
		if cerr := ipIdentityID.check(in.IdentityID, false); cerr != nil {
			return nil, who, "", cerr
		}
	}
	if len(in.Logins) == 0 {
		return nil, who, "", invalidParameter("1 validation error detected: Value null at 'logins' failed to satisfy constraint: Member must not be null")
	}
	user, ok := in.Logins[p.developer]
	if p.developer == "" || !ok {
		// The wording of this message is unverified.
		return nil, who, "", invalidParameter("Please provide a valid developer provider name.")
	}
	others := map[string]string{}
	for k, v := range in.Logins {
		if k != p.developer {
			others[k] = v
		}
	}
	logins, cerr := e.checkLogins(ctx, p, others)
	if cerr != nil {
		return nil, who, "", cerr
	}
	life := developerTokenLifetime
	if d := in.TokenDuration; d != nil {
		if *d < 1 || *d > 86400 {
			return nil, who, "", invalidParameter(fmt.Sprintf("1 validation error detected: Value '%d' at 'tokenDuration' failed to satisfy constraint: Member must have value between 1 and 86400", *d))
		}
		life = time.Duration(*d) * time.Second
	}
	if in.IdentityID != "" && e.state.identities.pool(in.IdentityID) != p.id {
		return nil, who, "", resourceNotFound("Identity '%s' not found.", in.IdentityID)
	}
	keys := append(loginKeys(logins), p.developer+":"+user)
	id, conflict := e.state.identities.identify(p.id, keys, in.IdentityID, newIdentityID(p.region))
	if conflict {
		return nil, who, "", &cognitoError{http.StatusBadRequest, "DeveloperUserAlreadyRegisteredException", "Developer user is already registered with another identity."} // (unverified)
	}
	tok, cerr := e.mint(p, id, amr(p, logins, user), life, in.PrincipalTags)
	if cerr != nil {
		return nil, who, "", cerr
	}
	return map[string]string{"IdentityId": id, "Token": tok}, who, "identity " + id + " for " + p.developer + " user " + user, nil
}
