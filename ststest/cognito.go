package ststest

import (
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

// The EXAMPLE long-term key the emulated admin API accepts (AWS's documented example user key).
const (
	exampleUserAccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	exampleUserSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

const (
	cognitoTokenLifetime   = 3600            // ExpiresIn of the emulated tokens, seconds
	cognitoSessionLifetime = 3 * time.Minute // how long a challenge may wait for its answer
	cognitoMaxSkew         = 5 * time.Minute // allowed distance of an SRP TIMESTAMP from now
	cognitoTimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"
)

// WithCognitoUser adds a user to the emulated Cognito user pool poolID (such as
// "us-east-1_EXAMPLE"), reachable through the app client clientID; the pool and the client are
// created on first mention. username is also the internal username (cognito:username and
// USER_ID_FOR_SRP); attrs become claims of the user's ID tokens (email, name …). The user may
// log in with USER_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH (AdminInitiateAuth
// signed with AWS's EXAMPLE key AKIAIOSFODNN7EXAMPLE) and REFRESH_TOKEN_AUTH.
func WithCognitoUser(poolID, clientID, username, password string, attrs map[string]string) Option {
	return func(s *Server) {
		p := s.cognitoPools().pool(poolID)
		p.addClient(clientID)
		copied := make(map[string]string, len(attrs))
		for k, v := range attrs {
			copied[k] = v
		}
		p.users[username] = &cognitoUser{username: username, password: password, attrs: copied,
			sub: uuidFrom(poolID + "/" + username)}
	}
}

// WithCognitoClientSecret gives the app client clientID of the emulated pool poolID a client
// secret: every request for it must then carry SECRET_HASH (see [cognitoauth.SecretHash]).
func WithCognitoClientSecret(poolID, clientID, secret string) Option {
	return func(s *Server) {
		p := s.cognitoPools().pool(poolID)
		p.addClient(clientID)
		p.clients[clientID] = secret
	}
}

func (s *Server) cognitoPools() *cognitoEmulator {
	if s.cognito == nil {
		s.cognito = &cognitoEmulator{pools: map[string]*cognitoPool{}, srp: map[string]*srpSession{},
			refresh: map[string]refreshGrant{}}
	}
	return s.cognito
}

// cognitoEmulator answers the four auth operations of Cognito user pools over JSON 1.1.
type cognitoEmulator struct {
	now    func() time.Time
	issuer *Issuer
	pools  map[string]*cognitoPool // fixed once the server starts

	mu      sync.Mutex
	srp     map[string]*srpSession  // by SECRET_BLOCK
	refresh map[string]refreshGrant // by refresh token
}

type cognitoPool struct {
	id      string
	clients map[string]string // app client id → secret ("" for none)
	users   map[string]*cognitoUser
}

type cognitoUser struct {
	username, password, sub string
	attrs                   map[string]string
}

type srpSession struct {
	pool     *cognitoPool
	clientID string
	user     *cognitoUser
	srpA     string
	server   *cognitoauth.SRPServer
	issued   time.Time
}

type refreshGrant struct {
	pool     *cognitoPool
	clientID string
	user     *cognitoUser
}

func (c *cognitoEmulator) pool(id string) *cognitoPool {
	p := c.pools[id]
	if p == nil {
		p = &cognitoPool{id: id, clients: map[string]string{}, users: map[string]*cognitoUser{}}
		c.pools[id] = p
	}
	return p
}

func (p *cognitoPool) addClient(id string) {
	if _, ok := p.clients[id]; !ok {
		p.clients[id] = ""
	}
}

// clientPool finds the pool of an app client (InitiateAuth names only the client).
func (c *cognitoEmulator) clientPool(clientID string) *cognitoPool {
	for _, p := range c.pools {
		if _, ok := p.clients[clientID]; ok {
			return p
		}
	}
	return nil
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
	out, cerr := c.serve(r)
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
	var in cognitoRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &cognitoError{http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected."}
	}
	switch op {
	case "InitiateAuth", "RespondToAuthChallenge":
	case "AdminInitiateAuth", "AdminRespondToAuthChallenge":
		if cerr := c.verifySignature(r, body, in.UserPoolID); cerr != nil {
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

// verifySignature checks an admin call's SigV4 signature against the EXAMPLE user key, and
// answers as the AWS front end does when it does not match.
func (c *cognitoEmulator) verifySignature(r *http.Request, body []byte, poolID string) *cognitoError {
	region, _, _ := strings.Cut(poolID, "_")
	lookup := func(id string) (sigv4.Credentials, error) {
		if id != exampleUserAccessKeyID {
			return sigv4.Credentials{}, errors.New("not the EXAMPLE key")
		}
		return sigv4.Credentials{AccessKeyID: id, SecretAccessKey: exampleUserSecretAccessKey}, nil
	}
	_, err := sigv4.Verify(r, body, lookup, c.now(), sigv4.VerifyOptions{Region: region, Service: "cognito-idp"})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sigv4.ErrNotSigned):
		return &cognitoError{http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	case errors.Is(err, sigv4.ErrUnknownAccessKey):
		return &cognitoError{http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid."}
	case errors.Is(err, sigv4.ErrDateSkew):
		return &cognitoError{http.StatusBadRequest, "InvalidSignatureException", "Signature expired: the request time is too far from the server's time."}
	default:
		return &cognitoError{http.StatusBadRequest, "InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
}

func (c *cognitoEmulator) lookupClient(poolID, clientID string, admin bool) (*cognitoPool, *cognitoError) {
	notFound := func(msg string) *cognitoError {
		return &cognitoError{http.StatusBadRequest, "ResourceNotFoundException", msg}
	}
	if admin {
		p := c.pools[poolID]
		if p == nil {
			return nil, notFound(fmt.Sprintf("User pool %s does not exist.", poolID))
		}
		if _, ok := p.clients[clientID]; !ok {
			return nil, notFound(fmt.Sprintf("User pool client %s does not exist.", clientID))
		}
		return p, nil
	}
	p := c.clientPool(clientID)
	if p == nil {
		return nil, notFound(fmt.Sprintf("User pool client %s does not exist.", clientID))
	}
	return p, nil
}
