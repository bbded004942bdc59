package cognitoauth

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
)

// LoginInput says who logs in and how.
type LoginInput struct {
	// Flow is the auth flow; "" means FlowSRP.
	Flow Flow
	// Username is the name the user types (username, or an email/phone alias). For FlowRefresh
	// it is needed only when the app client has a secret, and must then be the internal
	// username (the ID token's cognito:username, often the sub UUID), never an alias:
	// Cognito checks SECRET_HASH against the internal name.
	Username string
	// Password is the user's password (all flows but FlowRefresh). It is a secret.
	Password string
	// RefreshToken is the refresh token for FlowRefresh. It is a secret.
	RefreshToken string
	// ClientMetadata is passed to the pool's Lambda triggers.
	ClientMetadata map[string]string
}

// Challenger answers the challenges that need the user: NEW_PASSWORD_REQUIRED,
// SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP and SELECT_MFA_TYPE. The CLI prompts on a terminal or
// takes flags in scripts. Answer returns the challenge responses, normally just
// {c.AnswerKey(): value}; Login adds USERNAME and SECRET_HASH itself.
type Challenger interface {
	// Answer is called once per challenge, in the order Cognito asks them; ctx is Login's.
	// An error stops the login and is returned wrapped ("cognitoauth: answering NAME: …").
	Answer(ctx context.Context, c *Challenge) (map[string]string, error)
}

// Challenge is a question Cognito asked during a login.
type Challenge struct {
	// Name is the ChallengeName, such as "SOFTWARE_TOKEN_MFA".
	Name string
	// Parameters are the ChallengeParameters (CODE_DELIVERY_DESTINATION, MFAS_CAN_CHOOSE,
	// requiredAttributes …).
	Parameters map[string]string
	// Session continues the login. It is a secret.
	Session string
}

// AnswerKey returns the ChallengeResponses key the answer goes in: NEW_PASSWORD,
// SOFTWARE_TOKEN_MFA_CODE, SMS_MFA_CODE, EMAIL_OTP_CODE or ANSWER; "" for challenges Login
// does not pass to a Challenger.
func (c *Challenge) AnswerKey() string { return answerKey(c.Name) }

// answerKey maps each challenge Login passes to a Challenger to the response it needs.
func answerKey(challenge string) string {
	switch challenge {
	case "NEW_PASSWORD_REQUIRED":
		return "NEW_PASSWORD"
	case "SOFTWARE_TOKEN_MFA":
		return "SOFTWARE_TOKEN_MFA_CODE"
	case "SMS_MFA":
		return "SMS_MFA_CODE"
	case "EMAIL_OTP":
		return "EMAIL_OTP_CODE"
	case "SELECT_MFA_TYPE":
		return "ANSWER"
	}
	return ""
}

// RequiredAttributes returns, for NEW_PASSWORD_REQUIRED, the user attributes that must be
// given with the new password (from the requiredAttributes parameter, "userAttributes."
// prefix removed). Answer them as "userAttributes.NAME" or just "NAME".
func (c *Challenge) RequiredAttributes() []string {
	return jsonList(c.Parameters["requiredAttributes"], "userAttributes.")
}

// MFAChoices returns, for SELECT_MFA_TYPE, the MFA types the user may pick (MFAS_CAN_CHOOSE),
// such as ["SMS_MFA", "SOFTWARE_TOKEN_MFA"].
func (c *Challenge) MFAChoices() []string {
	return jsonList(c.Parameters["MFAS_CAN_CHOOSE"], "")
}

// jsonList decodes a JSON array of strings carried in a challenge parameter, trimming prefix.
func jsonList(raw, prefix string) []string {
	var list []string
	if raw == "" || json.Unmarshal([]byte(raw), &list) != nil {
		return nil
	}
	for i, s := range list {
		list[i] = strings.TrimPrefix(s, prefix)
	}
	return list
}

// Tokens are the result of a login.
type Tokens struct {
	// IdToken is the OIDC ID token: pass it to STS AssumeRoleWithWebIdentity (it has aud).
	IdToken string `json:"IdToken"`
	// AccessToken is for Cognito's and your own APIs; STS refuses it (no aud claim).
	AccessToken string `json:"AccessToken"`
	// RefreshToken gets new tokens with FlowRefresh. After a refresh without rotation it is the
	// refresh token that was passed in.
	RefreshToken string `json:"RefreshToken,omitempty"`
	// ExpiresIn is the lifetime of the ID and access tokens, in seconds.
	ExpiresIn int `json:"ExpiresIn"`
	// TokenType is "Bearer".
	TokenType string `json:"TokenType"`
}

// Login runs the flow and every challenge until tokens or an unanswerable challenge.
// PASSWORD_VERIFIER (SRP) is answered inside; NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA,
// SMS_MFA, EMAIL_OTP and SELECT_MFA_TYPE go to ch; any other challenge ends the login with an
// [*UnsupportedChallengeError]. Errors from Cognito are [*APIError]; a reply Cognito does not
// send (tokens without an IdToken, a token that is not base64url, a key twice, a body that is
// more than one JSON value) is a [*ResponseError].
func (c *Client) Login(ctx context.Context, in *LoginInput, ch Challenger) (*Tokens, error) {
	flow := in.Flow
	if flow == "" {
		flow = FlowSRP
	}
	l := &login{c: c, in: in, flow: flow, admin: flow == FlowAdminPassword, username: in.Username}
	// A reply to a later step may echo what an earlier one sent (the password, the SRP claim,
	// a code): every call of this login hides the secrets of all of them.
	ctx = context.WithValue(ctx, loginSecretsKey{}, httpx.NewSecrets(in.Password, in.RefreshToken))
	params, err := l.authParameters()
	if err != nil {
		return nil, err
	}
	out, err := l.initiate(ctx, params)
	for step := 0; err == nil; step++ {
		if r := out.AuthenticationResult; r != nil {
			return l.tokens(r), nil
		}
		if out.ChallengeName == "" {
			return nil, fmt.Errorf("%w: reply has neither tokens nor a challenge", ErrMalformedChallenge)
		}
		if step >= maxStepsLogin {
			return nil, fmt.Errorf("%w (last: %s)", ErrTooManySteps, out.ChallengeName)
		}
		var responses map[string]string
		responses, err = l.answer(ctx, out, ch)
		if err != nil {
			return nil, err
		}
		out, err = l.respond(ctx, out.ChallengeName, out.Session, responses)
	}
	return nil, err
}

// loginSecretsKey carries, in the context of a Login's calls, the *httpx.Secrets that all of
// them add what they send to and hide in their errors.
type loginSecretsKey struct{}

// login is the state of one Login call.
type login struct {
	c        *Client
	in       *LoginInput
	flow     Flow
	admin    bool
	srp      *SRP
	username string // the latest USERNAME Cognito used, else the typed one
}

func (l *login) authParameters() (map[string]string, error) {
	in, c := l.in, l.c
	need := func(field, value string) error {
		if value == "" {
			return &InvalidInputError{Field: field, Rule: "is required for " + string(l.flow)}
		}
		return nil
	}
	if err := need("ClientID", c.ClientID); err != nil {
		return nil, err
	}
	p := map[string]string{}
	switch l.flow {
	case FlowSRP:
		if err := firstErr(need("Username", in.Username), need("Password", in.Password)); err != nil {
			return nil, err
		}
		s, err := NewSRP(c.UserPoolID, c.Rand)
		if err != nil {
			return nil, err
		}
		l.srp = s
		p["USERNAME"], p["SRP_A"] = in.Username, s.A()
	case FlowPassword, FlowAdminPassword:
		if err := firstErr(need("Username", in.Username), need("Password", in.Password)); err != nil {
			return nil, err
		}
		if l.admin && c.Credentials == nil {
			return nil, &InvalidInputError{Field: "Credentials", Rule: "are required for " + string(l.flow) + " (it calls the signed admin API)"}
		}
		p["USERNAME"], p["PASSWORD"] = in.Username, in.Password
	case FlowRefresh:
		if err := need("RefreshToken", in.RefreshToken); err != nil {
			return nil, err
		}
		if c.ClientSecret != "" && in.Username == "" {
			return nil, &InvalidInputError{Field: "Username", Rule: "is required for REFRESH_TOKEN_AUTH when the app client has a secret (the internal username, cognito:username)"}
		}
		p["REFRESH_TOKEN"] = in.RefreshToken
	default:
		return nil, &InvalidInputError{Field: "Flow", Rule: fmt.Sprintf("%q is not one of USER_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH", string(l.flow))}
	}
	if c.ClientSecret != "" {
		p["SECRET_HASH"] = SecretHash(in.Username, c.ClientID, c.ClientSecret)
	}
	return p, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (l *login) initiate(ctx context.Context, params map[string]string) (*AuthOutput, error) {
	in := InitiateAuthInput{AuthFlow: l.flow, AuthParameters: params, ClientID: l.c.ClientID, ClientMetadata: l.in.ClientMetadata}
	if l.admin {
		return l.c.AdminInitiateAuth(ctx, &AdminInitiateAuthInput{InitiateAuthInput: in, UserPoolID: l.c.UserPoolID})
	}
	return l.c.InitiateAuth(ctx, &in)
}

func (l *login) respond(ctx context.Context, name, session string, responses map[string]string) (*AuthOutput, error) {
	in := RespondToAuthChallengeInput{ChallengeName: name, ChallengeResponses: responses, ClientID: l.c.ClientID,
		ClientMetadata: l.in.ClientMetadata, Session: session}
	if l.admin {
		return l.c.AdminRespondToAuthChallenge(ctx, &AdminRespondToAuthChallengeInput{RespondToAuthChallengeInput: in, UserPoolID: l.c.UserPoolID})
	}
	return l.c.RespondToAuthChallenge(ctx, &in)
}

// answer builds the ChallengeResponses for one challenge, USERNAME and SECRET_HASH included.
func (l *login) answer(ctx context.Context, out *AuthOutput, ch Challenger) (map[string]string, error) {
	name := out.ChallengeName
	// From the first challenge on, answer as the internal username Cognito names (USERNAME,
	// else USER_ID_FOR_SRP): with alias sign-in SECRET_HASH must be computed with it.
	if u := out.ChallengeParameters["USERNAME"]; u != "" {
		l.username = u
	} else if u := out.ChallengeParameters["USER_ID_FOR_SRP"]; u != "" {
		l.username = u
	}
	var responses map[string]string
	switch {
	case name == "PASSWORD_VERIFIER":
		if l.srp == nil {
			return nil, fmt.Errorf("%w: PASSWORD_VERIFIER outside USER_SRP_AUTH", ErrMalformedChallenge)
		}
		r, err := l.srp.PasswordVerifier(out.ChallengeParameters, l.in.Password, l.c.now())
		if err != nil {
			return nil, err
		}
		responses = r
		l.username = r["USERNAME"]
	case answerKey(name) != "":
		if ch == nil {
			return nil, fmt.Errorf("%w (%s)", ErrNoChallenger, name)
		}
		c := &Challenge{Name: name, Parameters: out.ChallengeParameters, Session: out.Session}
		given, err := ch.Answer(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("cognitoauth: answering %s: %w", name, err)
		}
		if responses, err = checkAnswer(c, given); err != nil {
			return nil, err
		}
	default:
		return nil, &UnsupportedChallengeError{Name: name, Session: out.Session}
	}
	responses["USERNAME"] = l.username
	if l.c.ClientSecret != "" {
		responses["SECRET_HASH"] = SecretHash(l.username, l.c.ClientID, l.c.ClientSecret)
	}
	return responses, nil
}

// checkAnswer copies a Challenger's answer, checks it has what the challenge needs and names
// bare required attributes "userAttributes.NAME".
func checkAnswer(c *Challenge, given map[string]string) (map[string]string, error) {
	key := c.AnswerKey()
	if given[key] == "" {
		return nil, &InvalidInputError{Field: key, Rule: "is required to answer " + c.Name}
	}
	out := make(map[string]string, len(given)+2)
	for k, v := range given {
		out[k] = v
	}
	if c.Name == "NEW_PASSWORD_REQUIRED" {
		var missing []string
		for _, attr := range c.RequiredAttributes() {
			full := "userAttributes." + attr
			if v, ok := out[attr]; ok && out[full] == "" {
				out[full] = v
				delete(out, attr)
			}
			if out[full] == "" {
				missing = append(missing, attr)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return nil, &InvalidInputError{Field: "userAttributes." + strings.Join(missing, ", userAttributes."), Rule: "must be given with the new password (required attributes)"}
		}
	}
	return out, nil
}

func (l *login) tokens(r *AuthenticationResult) *Tokens {
	t := &Tokens{IdToken: r.IdToken, AccessToken: r.AccessToken, RefreshToken: r.RefreshToken,
		ExpiresIn: r.ExpiresIn, TokenType: r.TokenType}
	if t.RefreshToken == "" && l.flow == FlowRefresh {
		t.RefreshToken = l.in.RefreshToken
	}
	return t
}
