package cognitoidentity

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/awsenv"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/json11"
	"github.com/rawsts/rawsts/internal/retry"
	"github.com/rawsts/rawsts/sigv4"
)

// Client talks to Amazon Cognito identity pools (the Cognito Identity service,
// cognito-identity). The zero value is usable: the region of each call is the prefix of the
// identity pool id or identity id it names. A Client is safe for concurrent use when its
// fields are not changed.
type Client struct {
	// Region overrides the region taken from the identity pool id or identity id.
	Region string
	// Endpoint overrides https://cognito-identity.REGION.amazonaws.com/. It must be https, or
	// http to a loopback host (a test server, an emulator). See [EndpointFromEnv].
	Endpoint string

	// HTTPClient sends the requests; nil means http.DefaultClient. A redirect is never
	// followed: the client is used through a copy whose CheckRedirect refuses it, and a 3xx
	// reply is a [*RedirectError] (it would carry the login tokens to another host). A client
	// without a Timeout gets 30 s per request.
	HTTPClient *http.Client
	// MaxAttempts is the number of attempts per request, the first included; zero means 3.
	// Only TooManyRequestsException, InternalErrorException, 5xx replies and connection
	// resets are retried.
	MaxAttempts int
	// Backoff is the wait after failed attempt n; nil means exponential backoff with full
	// jitter (internal/retry). Tests set func(int) time.Duration { return 0 }.
	Backoff func(attempt int) time.Duration

	// Now is the clock for signing; nil means time.Now.
	Now func() time.Time
	// Credentials sign GetOpenIdTokenForDeveloperIdentity with SigV4, service
	// cognito-identity: a developer's back end calls it with its own AWS credentials. The
	// other calls are unsigned and ignore them.
	Credentials *sigv4.Credentials

	// UserAgent, if set, is sent as the User-Agent header.
	UserAgent string
}

// EndpointFromEnv returns the endpoint override the AWS SDKs honour, given an environment
// lookup such as os.Getenv: AWS_ENDPOINT_URL_COGNITO_IDENTITY, then AWS_ENDPOINT_URL, neither
// when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, and "" for none. The only error is an
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS that is neither true nor false.
func EndpointFromEnv(getenv func(string) string) (string, error) {
	v, _, err := awsenv.EndpointURL(getenv, "AWS_ENDPOINT_URL_COGNITO_IDENTITY")
	if err != nil {
		return "", fmt.Errorf("cognitoidentity: %w", err)
	}
	return v, nil
}

const (
	targetPrefix = "AWSCognitoIdentityService."
	signingName  = "cognito-identity"
)

var (
	// idPattern is the shape of identity pool ids and identity ids: REGION:GUID (the model's
	// IdentityPoolId and IdentityId patterns, [\w-]+:[0-9a-f-]+, at most 55 characters).
	idPattern     = regexp.MustCompile(`^[\w-]+:[0-9a-f-]+$`)
	regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// accountPattern is the model's AccountId: digits, at most 15.
	accountPattern = regexp.MustCompile(`^\d{1,15}$`)
)

// maxIDLen is the longest identity pool id and identity id the model allows.
const maxIDLen = 55

// Region returns the region an identity pool id or identity id names, the part before ":"
// (us-east-1 for us-east-1:12345678-1234-1234-1234-123456789012); an id of another shape is
// an [*InvalidInputError] for the field IdentityPoolID.
func Region(id string) (string, error) { return checkID("IdentityPoolID", id) }

// checkID checks an identity pool id or identity id (field names it) and returns its region.
func checkID(field, id string) (string, error) {
	if len(id) > maxIDLen || !idPattern.MatchString(id) {
		return "", &InvalidInputError{Field: field, Rule: fmt.Sprintf(`must look like REGION:GUID, such as "us-east-1:12345678-1234-1234-1234-123456789012" (%d characters given)`, len(id))}
	}
	region, _, _ := strings.Cut(id, ":")
	return region, nil
}

// region returns the signing region: Region, else the one the id names.
func (c *Client) region(fromID string) (string, error) {
	r := c.Region
	if r == "" {
		r = fromID
	}
	if !regionPattern.MatchString(r) {
		return "", &InvalidInputError{Field: "Region", Rule: fmt.Sprintf("%q is not a region name", r)}
	}
	return r, nil
}

// endpoint returns the URL requests go to, checked.
func (c *Client) endpoint(region string) (*url.URL, error) {
	raw := c.Endpoint
	if raw == "" {
		raw = "https://cognito-identity." + region + ".amazonaws.com/"
	}
	u, err := httpx.CheckEndpoint(raw)
	if err != nil {
		return nil, &InvalidInputError{Field: "Endpoint", Rule: err.Error()}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// ResolveEndpoint returns the URL a call for an identity pool or identity in region goes to
// (Endpoint, or the regional endpoint), as --print-curl shows it.
func (c *Client) ResolveEndpoint(region string) (string, error) {
	r, err := c.region(region)
	if err != nil {
		return "", err
	}
	u, err := c.endpoint(r)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// call POSTs in as JSON to operation op for the id's region and decodes the reply into out,
// through the JSON 1.1 transport it shares with cognitoauth, retrying transient failures.
// logins are the Logins map's tokens, hidden in error text by value. A signed call is signed
// anew on every attempt.
func (c *Client) call(ctx context.Context, op, idRegion string, signed bool, logins map[string]string, in, out interface{ check() error }) error {
	region, err := c.region(idRegion)
	if err != nil {
		return err
	}
	u, err := c.endpoint(region)
	if err != nil {
		return err
	}
	if signed && c.Credentials == nil {
		return &InvalidInputError{Field: "Credentials", Rule: "are required to sign " + op}
	}
	if err := in.check(); err != nil {
		return err
	}
	// A Logins value is a token under a key no redaction rule knows (the provider's name):
	// add every one by value. Cognito's "Invalid login token" messages, or a proxy's page,
	// could echo it.
	secrets := &httpx.Secrets{}
	for _, v := range logins {
		secrets.Add(v)
	}
	r := json11.Request{Op: op, In: in, Out: out, Check: out.check, Secrets: secrets}
	if signed {
		secrets.Add(c.Credentials.SecretAccessKey, c.Credentials.SessionToken)
		creds := *c.Credentials
		r.Sign = func(req *http.Request, body []byte) error {
			var s sigv4.Signer
			if _, err := s.SignHTTP(req, creds, sigv4.HashPayload(body), signingName, region, c.now()); err != nil {
				return fmt.Errorf("cognitoidentity: signing: %w", err)
			}
			return nil
		}
	}
	t := json11.Client{Service: "cognitoidentity", TargetPrefix: targetPrefix, HTTPClient: c.HTTPClient, UserAgent: c.UserAgent,
		Retry: retry.Policy{MaxAttempts: c.MaxAttempts, Backoff: c.Backoff}}
	return publicError(t.Do(ctx, u.String(), r))
}

// ProviderName returns the name Cognito gives the OpenID Connect provider of a token with
// issuer iss, the key of its Logins entry: the issuer without its scheme. For a user pool's ID
// token (iss https://cognito-idp.REGION.amazonaws.com/POOL_ID) it is
// cognito-idp.REGION.amazonaws.com/POOL_ID; for Google's, accounts.google.com; for an IAM OIDC
// provider, its URL without https:// (as IAM names it). Facebook's and Login with Amazon's
// tokens are not JWTs: their keys (graph.facebook.com, www.amazon.com) are written by hand.
func ProviderName(iss string) string {
	return strings.TrimPrefix(strings.TrimPrefix(iss, "https://"), "http://")
}
