package ststest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rawsts/rawsts/trustpolicy"
)

// IdentityPool is an Amazon Cognito identity pool (Cognito Identity, API 2014-06-30), in the
// shape `aws cognito-identity describe-identity-pool` shows it, with the roles of
// get-identity-pool-roles: the logins it accepts, the roles it hands out and the identities it
// has made so far.
type IdentityPool struct {
	// IdentityPoolID is the pool's id, REGION:GUID (lower-case hex), such as
	// us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d.
	IdentityPoolID string `json:"IdentityPoolId"`
	// IdentityPoolName is the pool's name; informative.
	IdentityPoolName string `json:"IdentityPoolName,omitempty"`
	// AllowUnauthenticatedIdentities lets GetId make guest identities (no login); off by
	// default, as in a new pool.
	AllowUnauthenticatedIdentities bool `json:"AllowUnauthenticatedIdentities,omitempty"`
	// AllowClassicFlow false refuses GetOpenIdToken (the basic flow) with
	// InvalidParameterException "Basic (classic) flow is not enabled, please use enhanced
	// flow."; left out (nil) it is allowed, as Cognito allows it for a pool created without the
	// setting (aws/aws-cli#7652).
	AllowClassicFlow *bool `json:"AllowClassicFlow,omitempty"`
	// CognitoIdentityProviders are the user pool app clients whose ID tokens the pool accepts.
	CognitoIdentityProviders []CognitoIdentityProvider `json:"CognitoIdentityProviders,omitempty"`
	// OpenIdConnectProviderARNs are IAM OIDC providers of the account whose tokens the pool
	// accepts (any audience the provider's ClientIDList holds), by ARN; the Logins key is the
	// provider's URL without https://. ${EMULATOR_HOST} may stand for the server's address.
	OpenIdConnectProviderARNs []string `json:"OpenIdConnectProviderARNs,omitempty"`
	// DeveloperProviderName is the name under which the developer's back end registers its
	// users with GetOpenIdTokenForDeveloperIdentity (such as login.example.app); "" for none.
	DeveloperProviderName string `json:"DeveloperProviderName,omitempty"`
	// Roles are the role ARNs for "authenticated" and "unauthenticated" identities.
	Roles map[string]string `json:"Roles,omitempty"`
	// RoleMappings choose an authenticated identity's role from its login token, by provider:
	// the key is the provider name, or for a user pool PROVIDER:APP_CLIENT_ID
	// (${EMULATOR_HOST}/us-east-1_EXAMPLE:1example23456789), as SetIdentityPoolRoles takes it.
	RoleMappings map[string]RoleMapping `json:"RoleMappings,omitempty"`
	// Identities are the identities GetId made so far; [Server.Snapshot] writes them, so an
	// identity id stays the same for the same login after a restart. A hand-written config has
	// none.
	Identities []PoolIdentity `json:"Identities,omitempty"`
}

// CognitoIdentityProvider is a user pool app client an identity pool accepts.
type CognitoIdentityProvider struct {
	// ProviderName is the user pool's provider name, its issuer without the scheme: for the
	// emulator's pools ${EMULATOR_HOST}/POOL_ID (Cognito's own are
	// cognito-idp.REGION.amazonaws.com/POOL_ID).
	ProviderName string `json:"ProviderName"`
	// ClientID is the app client; the ID token's aud must be it.
	ClientID string `json:"ClientId"`
	// ServerSideTokenCheck is kept and reported, not enforced (Cognito then also checks that
	// the user is still signed in to the user pool).
	ServerSideTokenCheck bool `json:"ServerSideTokenCheck,omitempty"`
}

// RoleMapping chooses the role of an authenticated identity from its login token.
type RoleMapping struct {
	// Type is "Token" (the token's cognito:preferred_role, or its cognito:roles with
	// CustomRoleArn) or "Rules" (RulesConfiguration).
	Type string `json:"Type"`
	// AmbiguousRoleResolution is what happens when no role is found: "AuthenticatedRole" (the
	// pool's authenticated role) or "Deny".
	AmbiguousRoleResolution string `json:"AmbiguousRoleResolution,omitempty"`
	// RulesConfiguration holds the rules of a "Rules" mapping, tried in order.
	RulesConfiguration *RulesConfiguration `json:"RulesConfiguration,omitempty"`
}

// RulesConfiguration is the list of a "Rules" role mapping (1 to 25 rules).
type RulesConfiguration struct {
	// Rules are tried in order; the first that matches gives the role.
	Rules []MappingRule `json:"Rules"`
}

// MappingRule maps a claim value to a role.
type MappingRule struct {
	// Claim is the token claim compared, such as "email" or "cognito:groups".
	Claim string `json:"Claim"`
	// MatchType is "Equals", "Contains", "StartsWith" or "NotEqual"; a claim with several
	// values (a list) matches when one of them does.
	MatchType string `json:"MatchType"`
	// Value is the value compared with.
	Value string `json:"Value"`
	// RoleARN is the role of an identity the rule matches.
	RoleARN string `json:"RoleARN"`
}

// PoolIdentity is an identity an identity pool made, with the logins linked to it.
type PoolIdentity struct {
	// IdentityID is the identity, REGION:GUID.
	IdentityID string `json:"IdentityId"`
	// Logins are the logins linked to it, each PROVIDER:SUBJECT (the token's sub, or the
	// developer's user id); none for a guest identity.
	Logins []string `json:"Logins,omitempty"`
}

// The default identity pool.
const (
	// DefaultIdentityPoolID is the identity pool of [DefaultConfig], accepting ID tokens of
	// the default user pool's app client.
	DefaultIdentityPoolID = "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	// IdentityPoolRoleArn is its authenticated role, CognitoAuthRole.
	IdentityPoolRoleArn = "arn:aws:iam::123456789012:role/CognitoAuthRole"
	// IdentityPoolGuestRoleArn is its unauthenticated role, CognitoGuestRole; the pool does
	// not allow guests until AllowUnauthenticatedIdentities is set.
	IdentityPoolGuestRoleArn = "arn:aws:iam::123456789012:role/CognitoGuestRole"
)

// identityPoolTrust is the trust policy of an identity pool's role, as the Cognito Developer
// Guide ("Role trust and permissions") writes it: cognito-identity.amazonaws.com, the pool as
// aud, and amr (multivalued, hence ForAnyValue) authenticated or unauthenticated.
func identityPoolTrust(poolID, amr string) PolicyDocument {
	return PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",` +
		`"Principal": {"Federated": "cognito-identity.amazonaws.com"},` +
		`"Action": "sts:AssumeRoleWithWebIdentity",` +
		`"Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + poolID + `"},` +
		`"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "` + amr + `"}}}]}`)
}

// defaultIdentityPool is the identity pool of DefaultConfig and the two roles it hands out.
func defaultIdentityPool() (IdentityPool, []Role) {
	classic := true
	pool := IdentityPool{
		IdentityPoolID: DefaultIdentityPoolID, IdentityPoolName: "walkthrough", AllowClassicFlow: &classic,
		CognitoIdentityProviders: []CognitoIdentityProvider{{ProviderName: placeholderHost + "/" + DefaultPoolID, ClientID: DefaultClientID}},
		Roles:                    map[string]string{"authenticated": IdentityPoolRoleArn, "unauthenticated": IdentityPoolGuestRoleArn},
	}
	roles := []Role{
		{RoleName: "CognitoAuthRole", AssumeRolePolicyDocument: identityPoolTrust(DefaultIdentityPoolID, "authenticated"),
			ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
		{RoleName: "CognitoGuestRole", AssumeRolePolicyDocument: identityPoolTrust(DefaultIdentityPoolID, "unauthenticated")},
	}
	return pool, roles
}

var (
	// identityIDPattern is the model's IdentityPoolId and IdentityId: [\w-]+:[0-9a-f-]+, at
	// most 55 characters.
	identityIDPattern    = regexp.MustCompile(`^[\w-]+:[0-9a-f-]{1,50}$`)
	identityPoolName     = regexp.MustCompile(`^[\w ]{1,128}$`)
	developerNamePattern = regexp.MustCompile(`^[\w._-]{1,100}$`)
	matchTypes           = []string{"Equals", "Contains", "StartsWith", "NotEqual"}
)

// identityPools checks the identity pools of c: ids, names, the providers they accept (user
// pool providers are checked for shape only: a pool may accept a user pool the emulator does
// not hold, whose tokens then fail to verify), the IAM providers named (the account must
// have them), roles, role mappings and the identities recorded.
func (v *validator) identityPools(c *Config) {
	ids, identities := map[string]bool{}, map[string]string{}
	providers := map[string]bool{}
	for _, pr := range c.OpenIDConnectProviders {
		providers[trustpolicy.IssuerHost(expand(pr.Url, validationHost))] = true
	}
	for i, pool := range c.IdentityPools {
		p := fmt.Sprintf("IdentityPools[%d]", i)
		if len(pool.IdentityPoolID) > 55 {
			v.fail(p+".IdentityPoolId", "has %d characters; at most 55", len(pool.IdentityPoolID))
		}
		v.unique(p+".IdentityPoolId", pool.IdentityPoolID, identityIDPattern, ids, "identity pool", "an identity pool id (REGION:GUID in lower-case hex, such as "+DefaultIdentityPoolID+")")
		if pool.IdentityPoolName != "" && !identityPoolName.MatchString(pool.IdentityPoolName) {
			v.fail(p+".IdentityPoolName", "%q is not an identity pool name (1–128 letters, digits, _ and spaces)", pool.IdentityPoolName)
		}
		for j, cp := range pool.CognitoIdentityProviders {
			cpp := fmt.Sprintf("%s.CognitoIdentityProviders[%d]", p, j)
			name := expand(cp.ProviderName, validationHost)
			if !strings.Contains(name, "/") || strings.Contains(name, "://") || strings.ContainsAny(name, " \t") {
				v.fail(cpp+".ProviderName", "%q is not a user pool provider name (the issuer without https://: ${EMULATOR_HOST}/POOL_ID, or cognito-idp.REGION.amazonaws.com/POOL_ID)", cp.ProviderName)
			}
			if !clientIDPattern.MatchString(cp.ClientID) {
				v.fail(cpp+".ClientId", "%q is not an app client id (1–128 letters, digits, _ and +)", cp.ClientID)
			}
		}
		for j, arn := range pool.OpenIdConnectProviderARNs {
			_, host, ok := strings.Cut(expand(arn, validationHost), ":oidc-provider/")
			if !ok || !strings.HasPrefix(arn, "arn:aws:iam::") || !providers[host] {
				v.fail(fmt.Sprintf("%s.OpenIdConnectProviderARNs[%d]", p, j), "%q is not the ARN of one of the account's OpenIDConnectProviders (arn:aws:iam::ACCOUNT:oidc-provider/HOST)", arn)
			}
		}
		if d := pool.DeveloperProviderName; d != "" && !developerNamePattern.MatchString(d) {
			v.fail(p+".DeveloperProviderName", "%q is not a developer provider name (1–100 letters, digits and ._-)", d)
		}
		for k, arn := range pool.Roles {
			if k != "authenticated" && k != "unauthenticated" {
				v.fail(p+".Roles."+k, "is not a role kind; the keys are authenticated and unauthenticated")
			}
			v.roleARN(p+".Roles."+k, arn)
		}
		for k, m := range pool.RoleMappings {
			mp := p + ".RoleMappings." + k
			v.oneOf(mp+".Type", m.Type, []string{"Token", "Rules"})
			if m.Type == "" {
				v.fail(mp+".Type", "is empty; Token or Rules")
			}
			v.oneOf(mp+".AmbiguousRoleResolution", m.AmbiguousRoleResolution, []string{"AuthenticatedRole", "Deny"})
			if m.Type == "Rules" && (m.RulesConfiguration == nil || len(m.RulesConfiguration.Rules) == 0 || len(m.RulesConfiguration.Rules) > 25) {
				v.fail(mp+".RulesConfiguration", "a Rules mapping has 1 to 25 rules")
			}
			if m.RulesConfiguration != nil {
				for j, r := range m.RulesConfiguration.Rules {
					rp := fmt.Sprintf("%s.RulesConfiguration.Rules[%d]", mp, j)
					if r.Claim == "" || len(r.Claim) > 64 {
						v.fail(rp+".Claim", "a claim name has 1–64 characters")
					}
					v.oneOf(rp+".MatchType", r.MatchType, matchTypes)
					if r.MatchType == "" {
						v.fail(rp+".MatchType", "is empty; one of %s", strings.Join(matchTypes, ", "))
					}
					v.roleARN(rp+".RoleARN", r.RoleARN)
				}
			}
		}
		for j, id := range pool.Identities {
			ip := fmt.Sprintf("%s.Identities[%d]", p, j)
			region, _, _ := strings.Cut(pool.IdentityPoolID, ":")
			switch {
			case !identityIDPattern.MatchString(id.IdentityID) || !strings.HasPrefix(id.IdentityID, region+":"):
				v.fail(ip+".IdentityId", "%q is not an identity id of the pool's region (REGION:GUID)", id.IdentityID)
			case identities[id.IdentityID] != "":
				v.fail(ip+".IdentityId", "%s is also %s", id.IdentityID, identities[id.IdentityID])
			}
			identities[id.IdentityID] = ip
			for k, l := range id.Logins {
				if !strings.Contains(l, ":") {
					v.fail(fmt.Sprintf("%s.Logins[%d]", ip, k), "a login is PROVIDER:SUBJECT")
				}
			}
		}
	}
}

// roleARN checks the shape of a role ARN a config names (the role need not exist: a pool may
// name a role that IAM does not have, and GetCredentialsForIdentity then fails).
func (v *validator) roleARN(path, arn string) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[2] != "iam" || !accountPattern.MatchString(p[4]) || !strings.HasPrefix(p[5], "role/") {
		v.fail(path, "%q is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)", arn)
	}
}
