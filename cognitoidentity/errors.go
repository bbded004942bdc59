package cognitoidentity

import (
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/json11"
)

// APIError is an error reply from Cognito Identity: a JSON 1.1 error body and/or an
// X-Amzn-Errortype header. Compare Type ("NotAuthorizedException",
// "ResourceNotFoundException", "InvalidIdentityPoolConfigurationException" …) to tell them
// apart, never StatusCode: Cognito answers NotAuthorizedException with 400 where its model
// says 403. There is no Go type per error. Use errors.As to get one.
type APIError struct {
	// Type is the error's shape name, without namespace or suffix.
	Type string
	// Message is Cognito's message, with any secret of the request or the reply hidden; its
	// wording is not a contract. Print it with textsafe.OneLine (Error does).
	Message string
	// StatusCode is the HTTP status.
	StatusCode int
	// RequestID is the X-Amzn-Requestid header, to quote to AWS support.
	RequestID string
	// Hint is our advice on what to do, or "" when we have none.
	Hint string
}

// Error returns "cognitoidentity: TYPE: MESSAGE (HTTP STATUS)", followed by the hint if any, on
// one line: control characters the server sent are escaped as %q escapes them.
func (e *APIError) Error() string {
	return json11.FormatAPIError("cognitoidentity", e.Type, e.Message, e.StatusCode, e.Hint)
}

// RedirectError is a reply with a 3xx status: Cognito never redirects, and the client never
// follows a redirect, which would carry the login tokens to the host it names.
type RedirectError = httpx.RedirectError

// ResponseError is a reply that is not Cognito Identity's protocol: an HTML page from a proxy,
// an empty 502, a 200 whose body is not the expected JSON (or holds a value Cognito does not
// send). Snippet holds the first bytes of the body, secrets hidden.
type ResponseError struct {
	// StatusCode is the HTTP status of the reply.
	StatusCode int
	// Snippet is the start of the body, secrets hidden before it was cut ("" for an empty
	// body). It may hold control characters (Error escapes them).
	Snippet string
	// Err is what went wrong decoding the body, if anything.
	Err error
}

// Error describes the reply, on one line, with control characters escaped.
func (e *ResponseError) Error() string {
	return json11.FormatResponseError("cognitoidentity", e.StatusCode, e.Err, e.Snippet)
}

// Unwrap returns the decoding error.
func (e *ResponseError) Unwrap() error { return e.Err }

// InvalidInputError is a local validation failure: nothing was sent.
type InvalidInputError struct {
	// Field names the input, such as "IdentityPoolID" or "Logins".
	Field string
	// Rule says what it must be.
	Rule string
}

// Error returns "cognitoidentity: FIELD RULE".
func (e *InvalidInputError) Error() string {
	return "cognitoidentity: " + e.Field + " " + e.Rule
}

// publicError turns the transport's protocol errors into this package's, with a hint; any
// other error is returned as it is.
func publicError(err error) error {
	switch e := err.(type) {
	case *json11.APIError:
		ae := &APIError{Type: e.Type, Message: e.Message, StatusCode: e.StatusCode, RequestID: e.RequestID}
		ae.Hint = hintFor(ae)
		return ae
	case *json11.ResponseError:
		return &ResponseError{StatusCode: e.StatusCode, Snippet: e.Snippet, Err: e.Err}
	}
	return err
}

// The trust policy an identity pool's role needs, for the hints (Cognito Developer Guide,
// "Role trust and permissions").
const trustHint = `its trust policy must allow sts:AssumeRoleWithWebIdentity to Principal.Federated cognito-identity.amazonaws.com with StringEquals cognito-identity.amazonaws.com:aud = the identity pool id and ForAnyValue:StringLike cognito-identity.amazonaws.com:amr = "authenticated" (or "unauthenticated" for the guest role)`

// hintFor returns advice for the errors people meet with identity pools. The messages it
// recognises are those seen in public reports (PROTOCOL.md §12.2 and the package doc).
func hintFor(e *APIError) string {
	msg := strings.ToLower(e.Message)
	switch e.Type {
	case "NotAuthorizedException":
		switch {
		case strings.Contains(msg, "unauthenticated access is not supported"):
			return "the identity pool does not allow guest identities: pass a login (a user pool ID token with --login), or allow unauthenticated identities in the pool"
		case strings.Contains(msg, "missing a required claim: aud"):
			return "this is a user pool access token: send the ID token, which carries aud (the app client id)"
		case strings.Contains(msg, "issuer doesn't match providername"):
			return "the Logins key must be the token's issuer without https://: cognito-idp.REGION.amazonaws.com/POOL_ID for a user pool ID token"
		case strings.Contains(msg, "token expired"):
			return "the login token has expired: log in again for a fresh ID token"
		case strings.Contains(msg, "not from a supported provider"):
			return "the identity pool does not accept this provider or app client: add the user pool and the app client id (the token's aud) to the pool's authentication providers"
		case strings.Contains(msg, "logins don't match"):
			return "this identity was made with a login: pass the same login again, to GetOpenIdToken and GetCredentialsForIdentity too"
		case strings.Contains(msg, "couldn't verify signed token"):
			return "the token's signature does not verify with the provider's published keys: is it from this provider, and unchanged?"
		case strings.Contains(msg, "invalid login token"):
			return "Cognito refused the login token: check it is the provider's ID token (rawsts inspect TOKEN) and that its issuer and audience are the ones the identity pool lists"
		}
	case "ResourceNotFoundException":
		return "check the identity pool id (REGION:GUID) or identity id, and that the endpoint's region is the pool's; an identity id belongs to one pool"
	case "InvalidIdentityPoolConfigurationException":
		return "the identity pool has no role for this identity, or Cognito could not assume it: " + trustHint + "; rawsts diagnose explains a trust policy"
	case "InvalidParameterException":
		if strings.Contains(msg, "basic (classic) flow is not enabled") {
			return "use the enhanced flow (--flow enhanced), or allow the basic flow in the identity pool (AllowClassicFlow)"
		}
	case "ResourceConflictException":
		return "the login is already linked to another identity of this pool"
	case "ExternalServiceException":
		return "Cognito could not reach the login provider to check the token; try again later"
	case "TooManyRequestsException", "LimitExceededException":
		return "Cognito is throttling this pool; wait and retry"
	case "DeveloperUserAlreadyRegisteredException":
		return "this developer user id is already linked to another identity of the pool"
	}
	return ""
}
