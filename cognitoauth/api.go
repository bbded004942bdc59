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
	// AuthFlow is the flow, such as FlowSRP.
	AuthFlow Flow `json:"AuthFlow"`
	// AuthParameters are the flow's inputs: USERNAME, SRP_A, PASSWORD, REFRESH_TOKEN,
	// SECRET_HASH … Several are secrets.
	AuthParameters map[string]string `json:"AuthParameters,omitempty"`
	// ClientID is the app client id.
	ClientID string `json:"ClientId"`
	// ClientMetadata goes to the pool's Lambda triggers.
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
}

// AdminInitiateAuthInput is the body of AdminInitiateAuth: InitiateAuth's fields plus the
// pool. Empty UserPoolID means the Client's.
type AdminInitiateAuthInput struct {
	// InitiateAuthInput holds AuthFlow, AuthParameters, ClientID and ClientMetadata; being
	// embedded, they are sent at the top level of the JSON body, beside UserPoolId.
	InitiateAuthInput
	// UserPoolID is the pool, such as "eu-west-2_eYpv1mFHB".
	UserPoolID string `json:"UserPoolId"`
}

// RespondToAuthChallengeInput is the body of RespondToAuthChallenge. Session is the one the
// previous reply carried. Empty ClientID means the Client's.
type RespondToAuthChallengeInput struct {
	// ChallengeName is the challenge answered, as the previous reply named it.
	ChallengeName string `json:"ChallengeName"`
	// ChallengeResponses are the answers, USERNAME and SECRET_HASH included. Several are
	// secrets.
	ChallengeResponses map[string]string `json:"ChallengeResponses,omitempty"`
	// ClientID is the app client id.
	ClientID string `json:"ClientId"`
	// ClientMetadata goes to the pool's Lambda triggers.
	ClientMetadata map[string]string `json:"ClientMetadata,omitempty"`
	// Session is the previous reply's Session. It is a secret.
	Session string `json:"Session,omitempty"`
}

// AdminRespondToAuthChallengeInput is the body of AdminRespondToAuthChallenge.
type AdminRespondToAuthChallengeInput struct {
	// RespondToAuthChallengeInput holds the challenge, its responses, ClientID and Session;
	// being embedded, they are sent at the top level of the JSON body, beside UserPoolId.
	RespondToAuthChallengeInput
	// UserPoolID is the pool, such as "eu-west-2_eYpv1mFHB".
	UserPoolID string `json:"UserPoolId"`
}

// AuthOutput is the reply of all four calls: either a challenge (ChallengeName, Session,
// ChallengeParameters) or tokens (AuthenticationResult).
type AuthOutput struct {
	// ChallengeName is the next challenge, or "" when AuthenticationResult is set.
	ChallengeName string `json:"ChallengeName,omitempty"`
	// ChallengeParameters are the challenge's data (SRP_B, SALT, USERNAME …).
	ChallengeParameters map[string]string `json:"ChallengeParameters,omitempty"`
	// Session continues the login in the next RespondToAuthChallenge. It is a secret.
	Session string `json:"Session,omitempty"`
	// AuthenticationResult holds the tokens once the login is done.
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	// AvailableChallenges lists the choices of a USER_AUTH login (InitiateAuth only).
	AvailableChallenges []string `json:"AvailableChallenges,omitempty"`
}

// AuthenticationResult holds the tokens of a finished login.
type AuthenticationResult struct {
	// AccessToken is the access token (no aud claim; STS refuses it).
	AccessToken string `json:"AccessToken,omitempty"`
	// ExpiresIn is the tokens' lifetime in seconds.
	ExpiresIn int `json:"ExpiresIn,omitempty"`
	// IdToken is the OIDC ID token, the one to give STS.
	IdToken string `json:"IdToken,omitempty"`
	// RefreshToken is absent after REFRESH_TOKEN_AUTH unless rotation is on.
	RefreshToken string `json:"RefreshToken,omitempty"`
	// TokenType is "Bearer".
	TokenType string `json:"TokenType,omitempty"`
	// NewDeviceMetadata is set when the pool tracks devices.
	NewDeviceMetadata *NewDeviceMetadata `json:"NewDeviceMetadata,omitempty"`
}

// NewDeviceMetadata names the device Cognito started tracking (device flows are not
// implemented here; the field is decoded so nothing is lost).
type NewDeviceMetadata struct {
	// DeviceGroupKey is the device's group key.
	DeviceGroupKey string `json:"DeviceGroupKey,omitempty"`
	// DeviceKey is the device's key, such as "eu-west-2_627477ae-…".
	DeviceKey string `json:"DeviceKey,omitempty"`
}

// InitiateAuth starts a login (unsigned). It sends in as given: the caller adds SRP_A,
// SECRET_HASH and so on to AuthParameters. [Client.Login] does all that.
func (c *Client) InitiateAuth(ctx context.Context, in *InitiateAuthInput) (*AuthOutput, error) {
	body := *in
	c.fill(&body.ClientID, nil)
	return c.auth(ctx, "InitiateAuth", false, &body)
}

// RespondToAuthChallenge answers a challenge (unsigned). ChallengeResponses must hold
// USERNAME, SECRET_HASH when the client has a secret, and the challenge's own answers.
func (c *Client) RespondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	body := *in
	c.fill(&body.ClientID, nil)
	return c.auth(ctx, "RespondToAuthChallenge", false, &body)
}

// AdminInitiateAuth starts a login through the admin API, signed with c.Credentials, as
// `aws cognito-idp admin-initiate-auth` does.
func (c *Client) AdminInitiateAuth(ctx context.Context, in *AdminInitiateAuthInput) (*AuthOutput, error) {
	body := *in
	c.fill(&body.ClientID, &body.UserPoolID)
	return c.auth(ctx, "AdminInitiateAuth", true, &body)
}

// AdminRespondToAuthChallenge answers a challenge of an admin login, signed with
// c.Credentials.
func (c *Client) AdminRespondToAuthChallenge(ctx context.Context, in *AdminRespondToAuthChallengeInput) (*AuthOutput, error) {
	body := *in
	c.fill(&body.ClientID, &body.UserPoolID)
	return c.auth(ctx, "AdminRespondToAuthChallenge", true, &body)
}

// fill sets an input's empty ClientID (and UserPoolID, when given) from the client.
func (c *Client) fill(clientID, poolID *string) {
	if *clientID == "" {
		*clientID = c.ClientID
	}
	if poolID != nil && *poolID == "" {
		*poolID = c.UserPoolID
	}
}

// auth makes one of the four auth calls and decodes its AuthOutput.
func (c *Client) auth(ctx context.Context, op string, signed bool, body any) (*AuthOutput, error) {
	out := new(AuthOutput)
	if err := c.call(ctx, op, signed, body, out); err != nil {
		return nil, err
	}
	return out, nil
}
