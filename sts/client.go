package sts

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/retry"
	"github.com/rawsts/rawsts/sigv4"
)

// Version is the STS API version every call sends.
const Version = "2011-06-15"

// Client calls STS. The zero value calls the global endpoint https://sts.amazonaws.com with
// http.DefaultClient (never following a redirect, 30 s per request), three attempts and
// full-jitter backoff. A Client is safe for concurrent use once its fields are set.
type Client struct {
	// Endpoint is a full URL that overrides endpoint resolution (https, or http only to a
	// loopback host such as a local emulator).
	Endpoint string
	// Region selects the regional endpoint, e.g. "eu-west-1". "" means the global endpoint
	// sts.amazonaws.com (signing region us-east-1).
	Region string
	// UseFIPS selects the region's FIPS endpoint.
	UseFIPS bool
	// UseDualStack selects the region's dual-stack (IPv6) endpoint.
	UseDualStack bool
	// UseGlobalEndpoint is the legacy global mode (AWS_STS_REGIONAL_ENDPOINTS=legacy): the 16
	// regions that once used sts.amazonaws.com keep using it.
	UseGlobalEndpoint bool
	// HTTPClient sends the requests; nil means http.DefaultClient. Its Transport is where
	// tests install a replaying RoundTripper and the CLI its --trace. A redirect is never
	// followed: the client is used through a copy whose CheckRedirect refuses it, and a 3xx
	// reply is a [*RedirectError]. A client without a Timeout gets 30 s per request (a context
	// deadline, when shorter, still wins); a request that runs out of time is not retried.
	HTTPClient *http.Client
	// MaxAttempts is the number of attempts in all, the first included; 0 means 3, 1 means
	// no retry.
	MaxAttempts int
	// Backoff returns the wait after the given failed attempt (1-based); nil means exponential
	// backoff with full jitter (100 ms base, 5 s cap).
	Backoff func(attempt int) time.Duration
	// Now returns the current time for signed calls; nil means time.Now.
	// AssumeRoleWithWebIdentity is unsigned and does not read it.
	Now func() time.Time
	// UserAgent is the User-Agent header; "" means "rawsts".
	UserAgent string
	// Credentials sign the signed calls (AssumeRole, GetCallerIdentity, GetSessionToken,
	// DecodeAuthorizationMessage, GetAccessKeyInfo); a session token is sent as
	// X-Amz-Security-Token and signed. nil makes those calls fail with an [*InputError]
	// (Field "Credentials") before any I/O. The unsigned calls never read it.
	Credentials *sigv4.Credentials
	// Signer signs requests with service "sts", the endpoint's signing region, the time
	// Now returns and the SHA-256 of the form body. nil means a zero Signer the client keeps
	// for itself, so its derived-key cache lives as long as the client.
	Signer *sigv4.Signer

	// defaultSigner holds the *sigv4.Signer used when Signer is nil.
	defaultSigner atomic.Value
}

// ResolveEndpoint returns the endpoint the client's calls go to: Endpoint if set, else the
// rule-set endpoint of Region and the options, with an empty Region meaning aws-global.
func (c *Client) ResolveEndpoint() (Endpoint, error) {
	region := c.Region
	if region == "" && c.Endpoint == "" {
		if c.UseFIPS || c.UseDualStack {
			return Endpoint{}, inputErr("Region", "is required with FIPS or dual-stack endpoints, which are regional")
		}
		region = "aws-global"
	}
	return ResolveEndpoint(region, EndpointOptions{
		UseFIPS:           c.UseFIPS,
		UseDualStack:      c.UseDualStack,
		UseGlobalEndpoint: c.UseGlobalEndpoint,
		URL:               c.Endpoint,
	})
}

// query returns the Query-protocol client for STS with the client's settings.
func (c *Client) query() *awsquery.Client {
	return &awsquery.Client{
		Service:    "sts",
		Version:    Version,
		HTTPClient: c.HTTPClient,
		UserAgent:  c.UserAgent,
		Retry:      retry.Policy{MaxAttempts: c.MaxAttempts, Backoff: c.Backoff},
	}
}

// AssumeRoleWithWebIdentity exchanges a web identity token (an OIDC ID token) for temporary
// credentials of the role in.RoleArn. It validates in first ([*InputError], nothing sent),
// then POSTs the unsigned form to the resolved endpoint, retrying transient failures.
//
// Errors: [*InputError] for refused input or settings; [*APIError] when STS answered with an
// error (AccessDenied, InvalidIdentityToken, ExpiredTokenException …); [*ResponseError] when
// the reply was not an STS reply; otherwise a transport or context error.
func (c *Client) AssumeRoleWithWebIdentity(ctx context.Context, in *AssumeRoleWithWebIdentityInput) (*AssumeRoleWithWebIdentityOutput, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return c.assumeRoleWithWebIdentity(ctx, in)
}

// assumeRoleWithWebIdentity is the call without input validation, so tests can replay what
// STS answers to input rawsts itself would refuse.
func (c *Client) assumeRoleWithWebIdentity(ctx context.Context, in *AssumeRoleWithWebIdentityInput) (*AssumeRoleWithWebIdentityOutput, error) {
	res, err := c.unsigned(ctx, "AssumeRoleWithWebIdentity", in.Form())
	if err != nil {
		return nil, err
	}
	return decodeAssumeRoleWithWebIdentity(res)
}

// itoa is strconv.Itoa, named for the form builders.
func itoa(n int) string { return strconv.Itoa(n) }
