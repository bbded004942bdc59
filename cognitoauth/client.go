package cognitoauth

import (
	"context"
	"fmt"
	"io"
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

// Client talks to one app client of one Cognito user pool. The zero value is not usable: set
// UserPoolID and ClientID. A Client is safe for concurrent use when its fields are not changed.
type Client struct {
	// UserPoolID is the pool, such as "eu-west-2_eYpv1mFHB". The part before "_" is the
	// region, the part after it the pool name that SRP hashes.
	UserPoolID string
	// ClientID is the app client id.
	ClientID string
	// ClientSecret is the app client's secret, if it has one; then every request carries a
	// SECRET_HASH (see [SecretHash]). It is a secret.
	ClientSecret string

	// Region overrides the region taken from UserPoolID.
	Region string
	// Endpoint overrides https://cognito-idp.REGION.amazonaws.com/. It must be https, or http to
	// a loopback host (a test server, an emulator). See [EndpointFromEnv].
	Endpoint string

	// HTTPClient sends the requests; nil means http.DefaultClient. A redirect is never
	// followed: the client is used through a copy whose CheckRedirect refuses it, and a 3xx
	// reply is a [*RedirectError] (it would carry the password or the client secret to another
	// host). A client without a Timeout gets 30 s per request.
	HTTPClient *http.Client
	// MaxAttempts is the number of attempts per request, the first included; zero means 3.
	// Only TooManyRequestsException, InternalErrorException, 5xx replies and connection
	// resets are retried.
	MaxAttempts int
	// Backoff is the wait after failed attempt n; nil means exponential backoff with full
	// jitter (internal/retry). Tests set func(int) time.Duration { return 0 }.
	Backoff func(attempt int) time.Duration

	// Now is the clock for SRP's TIMESTAMP and for signing; nil means time.Now.
	Now func() time.Time
	// Rand is the source of SRP's secret a; nil means crypto/rand.
	Rand io.Reader

	// Credentials sign the Admin calls (AdminInitiateAuth, AdminRespondToAuthChallenge) with
	// SigV4, service cognito-idp. The caller needs cognito-idp:AdminInitiateAuth on the pool.
	Credentials *sigv4.Credentials

	// UserAgent, if set, is sent as the User-Agent header.
	UserAgent string
}

// EndpointFromEnv returns the endpoint override the AWS SDKs honour, given an environment
// lookup such as os.Getenv: AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, then AWS_ENDPOINT_URL,
// neither when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, and "" for none. The only error
// is an AWS_IGNORE_CONFIGURED_ENDPOINT_URLS that is neither true nor false.
func EndpointFromEnv(getenv func(string) string) (string, error) {
	v, _, err := awsenv.EndpointURL(getenv, "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
	if err != nil {
		return "", fmt.Errorf("cognitoauth: %w", err)
	}
	return v, nil
}

const (
	targetPrefix  = "AWSCognitoIdentityProviderService."
	jsonType      = json11.ContentType
	signingName   = "cognito-idp"
	maxStepsLogin = 10
)

var (
	poolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// region returns the signing region: Region, else the prefix of UserPoolID.
func (c *Client) region() (string, error) {
	r := c.Region
	if r == "" {
		if !poolIDPattern.MatchString(c.UserPoolID) {
			return "", &InvalidInputError{Field: "UserPoolID", Rule: `must look like REGION_ID, such as "eu-west-2_eYpv1mFHB" (or set Region)`}
		}
		r, _, _ = strings.Cut(c.UserPoolID, "_")
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
		raw = "https://cognito-idp." + region + ".amazonaws.com/"
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

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// call POSTs in as JSON to operation op and decodes the reply into out, retrying transient
// failures, through the JSON 1.1 transport cognitoidentity shares (internal/json11). Signed
// calls are signed anew on every attempt.
func (c *Client) call(ctx context.Context, op string, signed bool, in, out any) error {
	region, err := c.region()
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
	// Cognito's message or a proxy's page in between may echo a secret of the request (the
	// password, a refresh token, a code, the session token and signature of a signed call), or
	// of the reply; error text hides them all, by value, before any of it is cut.
	secrets := httpx.NewSecrets(c.ClientSecret)
	if login, ok := ctx.Value(loginSecretsKey{}).(*httpx.Secrets); ok {
		login.Add(c.ClientSecret)
		secrets = login // the secrets of the login's earlier calls too
	}
	r := json11.Request{Op: op, In: in, Out: out, Secrets: secrets}
	if ch, ok := out.(interface{ check() error }); ok {
		r.Check = ch.check
	}
	if signed {
		secrets.Add(c.Credentials.SecretAccessKey, c.Credentials.SessionToken)
		r.Sign = func(req *http.Request, body []byte) error {
			return signRequest(req, body, *c.Credentials, region, c.now())
		}
	}
	t := json11.Client{Service: "cognitoauth", TargetPrefix: targetPrefix, HTTPClient: c.HTTPClient, UserAgent: c.UserAgent,
		Retry: retry.Policy{MaxAttempts: c.MaxAttempts, Backoff: c.Backoff}}
	return publicError(t.Do(ctx, u.String(), r))
}
