package cognitoidentity

import (
	"context"
	"fmt"
)

// GetIdInput is the body of GetId.
type GetIdInput struct {
	// IdentityPoolID is the identity pool, REGION:GUID.
	IdentityPoolID string `json:"IdentityPoolId"`
	// AccountID is the pool's AWS account (1–15 digits); optional.
	AccountID string `json:"AccountId,omitempty"`
	// Logins maps provider names to tokens: "cognito-idp.REGION.amazonaws.com/POOL_ID" to a
	// user pool ID token, "accounts.google.com" to a Google ID token … (see [ProviderName]).
	// Without it the identity is unauthenticated (a guest), which the pool must allow. The
	// tokens are secrets.
	Logins map[string]string `json:"Logins,omitempty"`
}

// GetIdOutput is the reply of GetId.
type GetIdOutput struct {
	// IdentityID is the identity, REGION:GUID: the same for the same login in the same pool.
	IdentityID string `json:"IdentityId"`
}

// GetOpenIdTokenInput is the body of GetOpenIdToken (the basic flow's second step).
type GetOpenIdTokenInput struct {
	// IdentityID is the identity GetId returned.
	IdentityID string `json:"IdentityId"`
	// Logins are the logins of GetId again (an authenticated identity needs one of them).
	Logins map[string]string `json:"Logins,omitempty"`
}

// GetOpenIdTokenOutput is the reply of GetOpenIdToken and GetOpenIdTokenForDeveloperIdentity.
type GetOpenIdTokenOutput struct {
	// IdentityID is the identity the token is for.
	IdentityID string `json:"IdentityId"`
	// Token is an OpenID Connect token from the issuer https://cognito-identity.amazonaws.com
	// (aud the identity pool id, sub the identity id, amr authenticated or unauthenticated),
	// for STS's AssumeRoleWithWebIdentity. It is a secret.
	Token string `json:"Token"`
}

// GetCredentialsForIdentityInput is the body of GetCredentialsForIdentity (the enhanced flow's
// second step).
type GetCredentialsForIdentityInput struct {
	// IdentityID is the identity GetId returned.
	IdentityID string `json:"IdentityId"`
	// Logins are the logins of GetId again.
	Logins map[string]string `json:"Logins,omitempty"`
	// CustomRoleArn picks one of the roles a token-based role mapping (cognito:roles) allows;
	// optional.
	CustomRoleArn string `json:"CustomRoleArn,omitempty"`
}

// GetCredentialsForIdentityOutput is the reply of GetCredentialsForIdentity.
type GetCredentialsForIdentityOutput struct {
	// IdentityID is the identity the credentials are for.
	IdentityID string `json:"IdentityId"`
	// Credentials are the temporary AWS credentials of the role the pool chose.
	Credentials Credentials `json:"Credentials"`
}

// GetOpenIdTokenForDeveloperIdentityInput is the body of GetOpenIdTokenForDeveloperIdentity,
// which a developer's back end calls, signed, for its own users.
type GetOpenIdTokenForDeveloperIdentityInput struct {
	// IdentityPoolID is the identity pool.
	IdentityPoolID string `json:"IdentityPoolId"`
	// IdentityID is an existing identity to add the logins to; optional.
	IdentityID string `json:"IdentityId,omitempty"`
	// Logins maps the pool's developer provider name to the back end's user id (and may add
	// other providers' tokens). Required.
	Logins map[string]string `json:"Logins"`
	// PrincipalTags are session tags for the identity's role (at most 50); optional.
	PrincipalTags map[string]string `json:"PrincipalTags,omitempty"`
	// TokenDuration is the token's lifetime in seconds, 1–86400; 0 means Cognito's default,
	// 15 minutes.
	TokenDuration int64 `json:"TokenDuration,omitempty"`
}

// GetId returns the identity of a login (or, without Logins, a new guest identity) in an
// identity pool. It is unsigned.
func (c *Client) GetId(ctx context.Context, in *GetIdInput) (*GetIdOutput, error) {
	region, err := checkID("IdentityPoolID", in.IdentityPoolID)
	if err != nil {
		return nil, err
	}
	out := new(GetIdOutput)
	if err := c.call(ctx, "GetId", region, false, in.Logins, in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetOpenIdToken returns an OpenID Connect token for an identity, to exchange with STS's
// AssumeRoleWithWebIdentity for a role that trusts cognito-identity.amazonaws.com (the basic,
// or classic, flow; the pool must allow it). The token is valid for 10 minutes. It is
// unsigned.
func (c *Client) GetOpenIdToken(ctx context.Context, in *GetOpenIdTokenInput) (*GetOpenIdTokenOutput, error) {
	region, err := checkID("IdentityID", in.IdentityID)
	if err != nil {
		return nil, err
	}
	out := new(GetOpenIdTokenOutput)
	if err := c.call(ctx, "GetOpenIdToken", region, false, in.Logins, in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetCredentialsForIdentity returns AWS credentials for an identity: Cognito assumes the role
// the pool maps the identity to, on the caller's behalf (the enhanced flow). The role's trust
// policy must still trust cognito-identity.amazonaws.com for the pool. It is unsigned.
func (c *Client) GetCredentialsForIdentity(ctx context.Context, in *GetCredentialsForIdentityInput) (*GetCredentialsForIdentityOutput, error) {
	region, err := checkID("IdentityID", in.IdentityID)
	if err != nil {
		return nil, err
	}
	out := new(GetCredentialsForIdentityOutput)
	if err := c.call(ctx, "GetCredentialsForIdentity", region, false, in.Logins, in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetOpenIdTokenForDeveloperIdentity registers (or looks up) a developer-authenticated user
// and returns an identity and an OpenID Connect token for it. It is signed with
// [Client.Credentials]; the caller needs cognito-identity:GetOpenIdTokenForDeveloperIdentity
// on the pool.
func (c *Client) GetOpenIdTokenForDeveloperIdentity(ctx context.Context, in *GetOpenIdTokenForDeveloperIdentityInput) (*GetOpenIdTokenOutput, error) {
	region, err := checkID("IdentityPoolID", in.IdentityPoolID)
	if err != nil {
		return nil, err
	}
	out := new(GetOpenIdTokenOutput)
	if err := c.call(ctx, "GetOpenIdTokenForDeveloperIdentity", region, true, in.Logins, in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// FlowInput names an identity pool and the logins of a whole flow.
type FlowInput struct {
	// IdentityPoolID is the identity pool, REGION:GUID.
	IdentityPoolID string
	// AccountID is the pool's account; optional.
	AccountID string
	// Logins are the logins (none: a guest identity). Secrets.
	Logins map[string]string
	// CustomRoleArn is passed to GetCredentialsForIdentity by [Client.EnhancedFlow].
	CustomRoleArn string
}

// EnhancedFlow runs the enhanced (simplified) flow: GetId, then GetCredentialsForIdentity
// with the same logins. Cognito chooses the role and assumes it.
func (c *Client) EnhancedFlow(ctx context.Context, in *FlowInput) (*GetCredentialsForIdentityOutput, error) {
	id, err := c.GetId(ctx, &GetIdInput{IdentityPoolID: in.IdentityPoolID, AccountID: in.AccountID, Logins: in.Logins})
	if err != nil {
		return nil, err
	}
	return c.GetCredentialsForIdentity(ctx, &GetCredentialsForIdentityInput{IdentityID: id.IdentityID, Logins: in.Logins, CustomRoleArn: in.CustomRoleArn})
}

// BasicFlow runs the first two steps of the basic (classic) flow: GetId, then GetOpenIdToken
// with the same logins. The caller exchanges the token with STS's AssumeRoleWithWebIdentity
// for the role it chooses (package sts), which is the third step.
func (c *Client) BasicFlow(ctx context.Context, in *FlowInput) (*GetOpenIdTokenOutput, error) {
	id, err := c.GetId(ctx, &GetIdInput{IdentityPoolID: in.IdentityPoolID, AccountID: in.AccountID, Logins: in.Logins})
	if err != nil {
		return nil, err
	}
	return c.GetOpenIdToken(ctx, &GetOpenIdTokenInput{IdentityID: id.IdentityID, Logins: in.Logins})
}

// maxLogins is the most entries a Logins map may have (the model's LoginsMap).
const maxLogins = 10

// checkLogins checks a Logins map: at most 10 entries, provider names of 1–128 characters and
// tokens of 1–50000 (the model's IdentityProviderName and IdentityProviderToken).
func checkLogins(logins map[string]string, required bool) error {
	switch {
	case required && len(logins) == 0:
		return &InvalidInputError{Field: "Logins", Rule: "are required"}
	case len(logins) > maxLogins:
		return &InvalidInputError{Field: "Logins", Rule: fmt.Sprintf("has %d entries; at most %d", len(logins), maxLogins)}
	}
	for k, v := range logins {
		if len(k) < 1 || len(k) > 128 {
			return &InvalidInputError{Field: "Logins", Rule: fmt.Sprintf("has a provider name of %d characters; 1 to 128", len(k))}
		}
		if len(v) < 1 || len(v) > 50000 {
			return &InvalidInputError{Field: "Logins", Rule: fmt.Sprintf("has a token of %d characters for %s; 1 to 50000", len(v), k)}
		}
	}
	return nil
}

func (in *GetIdInput) check() error {
	if in.AccountID != "" && !accountPattern.MatchString(in.AccountID) {
		return &InvalidInputError{Field: "AccountID", Rule: "must be 1 to 15 digits"}
	}
	return checkLogins(in.Logins, false)
}

func (in *GetOpenIdTokenInput) check() error { return checkLogins(in.Logins, false) }

func (in *GetCredentialsForIdentityInput) check() error {
	if n := len(in.CustomRoleArn); n != 0 && (n < 20 || n > 2048) {
		return &InvalidInputError{Field: "CustomRoleArn", Rule: fmt.Sprintf("is %d characters; a role ARN has 20 to 2048", n)}
	}
	return checkLogins(in.Logins, false)
}

func (in *GetOpenIdTokenForDeveloperIdentityInput) check() error {
	if in.IdentityID != "" {
		if _, err := checkID("IdentityID", in.IdentityID); err != nil {
			return err
		}
	}
	if len(in.PrincipalTags) > 50 {
		return &InvalidInputError{Field: "PrincipalTags", Rule: fmt.Sprintf("has %d tags; at most 50", len(in.PrincipalTags))}
	}
	if in.TokenDuration < 0 || in.TokenDuration > 86400 {
		return &InvalidInputError{Field: "TokenDuration", Rule: fmt.Sprintf("is %d; 1 to 86400 seconds, or 0 for the default", in.TokenDuration)}
	}
	return checkLogins(in.Logins, true)
}
