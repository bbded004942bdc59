package cognitoauth

import "context"

// Flow is an AuthFlow value of InitiateAuth.
type Flow string

// The flows Login runs.
const (
	// FlowSRP is USER_SRP_AUTH: the password never leaves the machine; the default.
	FlowSRP Flow = "USER_SRP_AUTH"
	// FlowPassword is USER_PASSWORD_AUTH: the password is sent (over TLS). The app client must
	// allow it; many do not.
	FlowPassword Flow = "USER_PASSWORD_AUTH"
	// FlowAdminPassword is ADMIN_USER_PASSWORD_AUTH through AdminInitiateAuth, signed with
	// [Client.Credentials].
	FlowAdminPassword Flow = "ADMIN_USER_PASSWORD_AUTH"
	// FlowRefresh is REFRESH_TOKEN_AUTH: new ID and access tokens for a refresh token.
	FlowRefresh Flow = "REFRESH_TOKEN_AUTH"
)

// InitiateAuthInput is the body of InitiateAuth. Empty ClientID means the Client's.
type InitiateAuthInput struct {
	AuthFlow       Flow              `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters,omitempty"`
	ClientID       string            `json:"ClientId"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// AdminInitiateAuthInput is the body of AdminInitiateAuth: InitiateAuth's fields plus the
// pool. Empty UserPoolID means the Client's.
type AdminInitiateAuthInput struct {
	InitiateAuthInput
	UserPoolID string `json:"UserPoolId"`
}

// RespondToAuthChallengeInput is the body of RespondToAuthChallenge. Session is the one the
// previous reply carried. Empty ClientID means the Client's.
type RespondToAuthChallengeInput struct {
	ChallengeName      string            `json:"ChallengeName"`
	ChallengeResponses map[string]string `json:"ChallengeResponses,omitempty"`
	ClientID           string            `json:"ClientId"`
	ClientMetadata     map[string]string `json:"ClientMetadata,omitempty"`
	Session            string            `json:"Session,omitempty"`
}

// AdminRespondToAuthChallengeInput is the body of AdminRespondToAuthChallenge.
type AdminRespondToAuthChallengeInput struct {
	RespondToAuthChallengeInput
	UserPoolID string `json:"UserPoolId"`
}

// AuthOutput is the reply of all four calls: either a challenge (ChallengeName, Session,
// ChallengeParameters) or tokens (AuthenticationResult).
type AuthOutput struct {
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters,omitempty"`
	Session              string                `json:"Session,omitempty"`
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	AvailableChallenges  []string              `json:"AvailableChallenges,omitempty"`
}

// AuthenticationResult holds the tokens of a finished login.
type AuthenticationResult struct {
	AccessToken       string             `json:"AccessToken,omitempty"`
	ExpiresIn         int                `json:"ExpiresIn,omitempty"`
	IdToken           string             `json:"IdToken,omitempty"`
	RefreshToken      string             `json:"RefreshToken,omitempty"`
	TokenType         string             `json:"TokenType,omitempty"`
	NewDeviceMetadata *NewDeviceMetadata `json:"NewDeviceMetadata,omitempty"`
}

// NewDeviceMetadata names the device Cognito started tracking (device flows are not
// implemented here; the field is decoded so nothing is lost).
type NewDeviceMetadata struct {
	DeviceGroupKey string `json:"DeviceGroupKey,omitempty"`
	DeviceKey      string `json:"DeviceKey,omitempty"`
}

// InitiateAuth starts a login (unsigned). It sends in as given: the caller adds SRP_A,
// SECRET_HASH and so on to AuthParameters. [Client.Login] does all that.
func (c *Client) InitiateAuth(ctx context.Context, in *InitiateAuthInput) (*AuthOutput, error) {
	body := *in
	if body.ClientID == "" {
		body.ClientID = c.ClientID
	}
	out := new(AuthOutput)
	if err := c.call(ctx, "InitiateAuth", false, &body, out); err != nil {
		return nil, err
	}
	return out, nil
}

// RespondToAuthChallenge answers a challenge (unsigned). ChallengeResponses must hold
// USERNAME, SECRET_HASH when the client has a secret, and the challenge's own answers.
func (c *Client) RespondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	body := *in
	if body.ClientID == "" {
		body.ClientID = c.ClientID
	}
	out := new(AuthOutput)
	if err := c.call(ctx, "RespondToAuthChallenge", false, &body, out); err != nil {
		return nil, err
	}
	return out, nil
}

// AdminInitiateAuth starts a login through the admin API, signed with c.Credentials, as
// `aws cognito-idp admin-initiate-auth` does.
func (c *Client) AdminInitiateAuth(ctx context.Context, in *AdminInitiateAuthInput) (*AuthOutput, error) {
	body := *in
	if body.ClientID == "" {
		body.ClientID = c.ClientID
	}
	if body.UserPoolID == "" {
		body.UserPoolID = c.UserPoolID
	}
	out := new(AuthOutput)
	if err := c.call(ctx, "AdminInitiateAuth", true, &body, out); err != nil {
		return nil, err
	}
	return out, nil
}

// AdminRespondToAuthChallenge answers a challenge of an admin login, signed with
// c.Credentials.
func (c *Client) AdminRespondToAuthChallenge(ctx context.Context, in *AdminRespondToAuthChallengeInput) (*AuthOutput, error) {
	body := *in
	if body.ClientID == "" {
		body.ClientID = c.ClientID
	}
	if body.UserPoolID == "" {
		body.UserPoolID = c.UserPoolID
	}
	out := new(AuthOutput)
	if err := c.call(ctx, "AdminRespondToAuthChallenge", true, &body, out); err != nil {
		return nil, err
	}
	return out, nil
}
