package ststest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sigv4"
)

// cognitoTarget prefixes the X-Amz-Target of every Cognito user pool operation; requests that
// carry it go to the emulated user pools instead of STS.
const cognitoTarget = "AWSCognitoIdentityProviderService."

const (
	cognitoTokenLifetime   = 3600            // ExpiresIn of the emulated tokens, seconds
	cognitoSessionLifetime = 3 * time.Minute // how long a challenge may wait for its answer
	cognitoMaxSkew         = 5 * time.Minute // allowed distance of an SRP TIMESTAMP from now
	cognitoTimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"
)

// WithCognitoUser adds a user to the emulated Cognito user pool poolID (such as
// "us-east-1_EXAMPLE"), reachable through the app client clientID; the pool and the client
// (without a secret, every flow allowed) are created when the configuration has neither.
// username is also the internal username (cognito:username and USER_ID_FOR_SRP); attrs become
// claims of the user's ID tokens (email, name …). The user may log in with USER_SRP_AUTH,
// USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth signed with an IAM user's
// key, such as AWS's EXAMPLE key AKIAIOSFODNN7EXAMPLE) and REFRESH_TOKEN_AUTH, as far as the
// client allows them. It edits the configuration ([WithConfig] or [DefaultConfig]), whatever
// the order of the options.
func WithCognitoUser(poolID, clientID, username, password string, attrs map[string]string) Option {
	return func(s *Server) {
		s.edits = append(s.edits, func(c *Config) {
			p := configPool(c, poolID, clientID)
			copied := make(map[string]string, len(attrs))
			for k, v := range attrs {
				copied[k] = v
			}
			u := PoolUser{Username: username, Password: password, Attributes: copied}
			for i := range p.Users {
				if p.Users[i].Username == username {
					p.Users[i] = u
					return
				}
			}
			p.Users = append(p.Users, u)
		})
	}
}

// WithCognitoClientSecret gives the app client clientID of the emulated pool poolID a client
// secret (making the pool and the client as [WithCognitoUser] does): every request for it must
// then carry SECRET_HASH (see [cognitoauth.SecretHash]).
func WithCognitoClientSecret(poolID, clientID, secret string) Option {
	return func(s *Server) {
		s.edits = append(s.edits, func(c *Config) {
			p := configPool(c, poolID, clientID)
			for i := range p.Clients {
				if p.Clients[i].ClientID == clientID {
					p.Clients[i].ClientSecret = secret
				}
			}
		})
	}
}

// configPool returns the pool poolID of c with the client clientID, adding either if missing.
func configPool(c *Config, poolID, clientID string) *UserPool {
	var p *UserPool
	for i := range c.UserPools {
		if c.UserPools[i].ID == poolID {
			p = &c.UserPools[i]
		}
	}
	if p == nil {
		c.UserPools = append(c.UserPools, UserPool{ID: poolID})
		p = &c.UserPools[len(c.UserPools)-1]
	}
	for _, cl := range p.Clients {
		if cl.ClientID == clientID {
			return p
		}
	}
	p.Clients = append(p.Clients, UserPoolClient{ClientID: clientID})
	return p
}

// cognitoEmulator answers the auth operations of Cognito user pools over JSON 1.1, from the
// pools of the state. The logins in progress (SRP and NEW_PASSWORD_REQUIRED challenges) are
// its own; the pools, users and refresh tokens are the state's.
type cognitoEmulator struct {
	*services
	// started is the creation date of the pools, clients and users whose config gives none.
	started time.Time

	mu         sync.Mutex
	srp        map[string]*srpSession      // by SECRET_BLOCK
	challenges map[string]*passwordSession // NEW_PASSWORD_REQUIRED, by Session
}

type srpSession struct {
	pool     *poolView
	clientID string
	user     PoolUser
	srpA     string
	server   *cognitoauth.SRPServer
	issued   time.Time
}

// passwordSession is a login waiting for a new password (NEW_PASSWORD_REQUIRED).
type passwordSession struct {
	pool           string
	clientID, user string
	issued         time.Time
}

// cognitoError is an error reply: its type and message go in the JSON 1.1 error body.
type cognitoError struct {
	status  int
	typ     string
	message string
}

// Error returns "TYPE: MESSAGE", the way a Cognito client would print the reply.
func (e *cognitoError) Error() string { return e.typ + ": " + e.message }

func notAuthorized(msg string) *cognitoError {
	return &cognitoError{http.StatusBadRequest, "NotAuthorizedException", msg}
}

func invalidParameter(msg string) *cognitoError {
	return &cognitoError{http.StatusBadRequest, "InvalidParameterException", msg}
}

var errIncorrect = notAuthorized("Incorrect username or password.")

// cognitoRequest holds the members of the four operations' inputs that the emulator reads.
type cognitoRequest struct {
	AuthFlow           string            `json:"AuthFlow"`
	AuthParameters     map[string]string `json:"AuthParameters"`
	ClientID           string            `json:"ClientId"`
	UserPoolID         string            `json:"UserPoolId"`
	ChallengeName      string            `json:"ChallengeName"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
	Session            string            `json:"Session"`
}

// ServeHTTP answers one Cognito JSON 1.1 call, named by its X-Amz-Target, with the result or
// Cognito's error body (__type, message) and status.
func (c *cognitoEmulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	var logged *authLog
	if c.logEvent != nil && authOperations[strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cognitoTarget)] {
		logged = readAuthLog(r)
	}
	out, cerr := c.serve(r)
	if logged != nil {
		c.log(logged.event(c.now(), r, out, cerr))
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", reqID)
	if cerr != nil {
		w.WriteHeader(cerr.status)
		json.NewEncoder(w).Encode(map[string]string{"__type": cerr.typ, "message": cerr.message})
		return
	}
	json.NewEncoder(w).Encode(out)
}

func (c *cognitoEmulator) serve(r *http.Request) (any, *cognitoError) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cognitoTarget)
	if r.Method != http.MethodPost {
		return nil, &cognitoError{http.StatusBadRequest, "UnknownOperationException", ""}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	if err != nil || len(body) > httpx.MaxBodySize {
		return nil, &cognitoError{http.StatusBadRequest, "SerializationException", "The request body could not be read"}
	}
	if _, ok := cognitoAdminOps[op]; ok {
		return c.admin(r, body, op)
	}
	var in cognitoRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &cognitoError{http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected."}
	}
	switch op {
	case "InitiateAuth", "RespondToAuthChallenge":
	case "AdminInitiateAuth", "AdminRespondToAuthChallenge":
		if _, cerr := c.verifySignature(r, body, in.UserPoolID); cerr != nil {
			return nil, cerr
		}
	default:
		return nil, &cognitoError{http.StatusBadRequest, "UnknownOperationException", ""}
	}
	if in.ClientID == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null")
	}
	pool, cerr := c.lookupClient(in.UserPoolID, in.ClientID, strings.HasPrefix(op, "Admin"))
	if cerr != nil {
		return nil, cerr
	}
	if strings.HasSuffix(op, "InitiateAuth") {
		return c.initiate(pool, &in, op == "AdminInitiateAuth")
	}
	return c.respond(pool, &in)
}

// verifySignature checks an admin call's SigV4 signature against the IAM users' keys (and
// the sessions issued: a role session may call the admin API too), returns the caller, and
// answers as the AWS front end does when it does not match. The region is the pool's (the
// prefix of poolID), any region for a call that names no pool (CreateUserPool).
func (c *cognitoEmulator) verifySignature(r *http.Request, body []byte, poolID string) (identity, *cognitoError) {
	region, _, _ := strings.Cut(poolID, "_")
	return c.verifyJSONSignature(r, body, "cognito-idp", region)
}

// verifyJSONSignature checks a signed JSON 1.1 call for service (cognito-idp,
// cognito-identity) in region and words a failure as the AWS front end of those services does.
func (sv *services) verifyJSONSignature(r *http.Request, body []byte, service, region string) (identity, *cognitoError) {
	caller, err := sv.authenticate(r, body, service, region)
	switch {
	case err == nil:
		return caller, nil
	case errors.Is(err, errSessionExpired):
		return caller, &cognitoError{http.StatusBadRequest, "ExpiredTokenException", "The security token included in the request is expired"}
	case errors.Is(err, sigv4.ErrNotSigned):
		return caller, &cognitoError{http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	case errors.Is(err, sigv4.ErrUnknownAccessKey), errors.Is(err, sigv4.ErrTokenMismatch):
		return caller, &cognitoError{http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid."}
	case errors.Is(err, sigv4.ErrDateSkew):
		return caller, &cognitoError{http.StatusBadRequest, "InvalidSignatureException", "Signature expired: the request time is too far from the server's time."}
	default:
		return caller, &cognitoError{http.StatusBadRequest, "InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
}

func (c *cognitoEmulator) lookupClient(poolID, clientID string, admin bool) (*poolView, *cognitoError) {
	notFound := func(msg string) *cognitoError {
		return &cognitoError{http.StatusBadRequest, "ResourceNotFoundException", msg}
	}
	v := c.state.view()
	if admin {
		p := v.pools[poolID]
		if p == nil {
			return nil, notFound(fmt.Sprintf("User pool %s does not exist.", poolID))
		}
		if _, ok := p.clients[clientID]; !ok {
			return nil, notFound(fmt.Sprintf("User pool client %s does not exist.", clientID))
		}
		return p, nil
	}
	p := v.clients[clientID]
	if p == nil {
		return nil, notFound(fmt.Sprintf("User pool client %s does not exist.", clientID))
	}
	return p, nil
}

// authOperations are the login operations whose decisions ServeHTTP logs.
var authOperations = map[string]bool{"InitiateAuth": true, "RespondToAuthChallenge": true,
	"AdminInitiateAuth": true, "AdminRespondToAuthChallenge": true}

// authLog is what the log says of a login request: who logs in where, with which flow. It
// holds no secret.
type authLog struct {
	ClientID, UserPoolID, AuthFlow, ChallengeName string
	username                                      string
}

// readAuthLog reads a login request's public members for the log, leaving the body for serve
// to read again.
func readAuthLog(r *http.Request) *authLog {
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	var in struct {
		ClientID           string            `json:"ClientId"`
		UserPoolID         string            `json:"UserPoolId"`
		AuthFlow           string            `json:"AuthFlow"`
		ChallengeName      string            `json:"ChallengeName"`
		AuthParameters     map[string]string `json:"AuthParameters"`
		ChallengeResponses map[string]string `json:"ChallengeResponses"`
	}
	l := &authLog{}
	if err == nil && json.Unmarshal(body, &in) == nil {
		l.ClientID, l.UserPoolID, l.AuthFlow, l.ChallengeName = in.ClientID, in.UserPoolID, in.AuthFlow, in.ChallengeName
		l.username = in.AuthParameters["USERNAME"]
		if l.username == "" {
			l.username = in.ChallengeResponses["USERNAME"]
		}
	}
	return l
}

// event is the log's event for the answer out or cerr.
func (l *authLog) event(now time.Time, r *http.Request, out any, cerr *cognitoError) Event {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cognitoTarget)
	e := Event{Time: now, Service: "cognito-idp", Action: op, Principal: l.username, Decision: "allow"}
	switch {
	case l.UserPoolID != "" && l.ClientID != "":
		e.Resource = "userpool/" + l.UserPoolID + "/client/" + l.ClientID
	case l.ClientID != "":
		e.Resource = "client/" + l.ClientID
	}
	what := l.AuthFlow
	if l.ChallengeName != "" {
		what = "answer to " + l.ChallengeName
	}
	if strings.HasPrefix(op, "Admin") { // the caller is the signer; the user is who logs in
		e.Principal = accessKeyOf(r)
		what = strings.TrimSpace("user " + l.username + " " + what)
	}
	if cerr != nil {
		e.Decision, e.Code, e.Detail = "deny", cerr.typ, strings.TrimSpace(what+": "+cerr.message)
		return e
	}
	if m, ok := out.(map[string]any); ok {
		if ch, ok := m["ChallengeName"].(string); ok && ch != "" {
			e.Detail = what + ": challenge " + ch
		} else if _, ok := m["AuthenticationResult"]; ok {
			e.Detail = what + ": tokens issued"
		}
	}
	return e
}
