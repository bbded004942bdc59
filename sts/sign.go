package sts

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/sigv4"
)

// SigningService is the service name in the SigV4 credential scope of every signed STS call.
const SigningService = "sts"

// signer returns the client's Signer, or the zero Signer the client keeps for itself (created
// once, so its derived-key cache lives as long as the client).
func (c *Client) signer() *sigv4.Signer {
	if c.Signer != nil {
		return c.Signer
	}
	if s, ok := c.defaultSigner.Load().(*sigv4.Signer); ok {
		return s
	}
	c.defaultSigner.CompareAndSwap(nil, &sigv4.Signer{})
	return c.defaultSigner.Load().(*sigv4.Signer)
}

// now returns c.Now() or the wall clock.
func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// credentials returns the signing credentials, or an [*InputError] when there are none or they
// are incomplete. Its messages never quote the secret key or the session token.
func (c *Client) credentials() (sigv4.Credentials, error) {
	if c.Credentials == nil {
		return sigv4.Credentials{}, inputErr("Credentials", "are required for signed calls (set Client.Credentials, e.g. from a creds.Provider)")
	}
	cr := *c.Credentials
	switch {
	case cr.AccessKeyID == "":
		return cr, inputErr("Credentials", "have no access key ID")
	case cr.SecretAccessKey == "":
		return cr, inputErr("Credentials", "have no secret access key (access key %s)", cr.AccessKeyID)
	}
	if err := checkEnds("Credentials", cr.AccessKeyID); err != nil {
		err.Problem = "access key ID " + err.Problem
		return cr, err
	}
	if err := checkEnds("Credentials", cr.SecretAccessKey); err != nil {
		err.Problem = "secret access key " + err.Problem
		return cr, err
	}
	if err := checkEnds("Credentials", cr.SessionToken); err != nil {
		err.Problem = "session token " + err.Problem
		return cr, err
	}
	return cr, nil
}

// signed makes one signed call: credentials and endpoint first (nothing is sent when either
// is missing), then every attempt is signed afresh with the time of that attempt, service
// "sts", the endpoint's signing region and the SHA-256 of the exact form body.
func (c *Client) signed(ctx context.Context, action string, params url.Values) (*awsquery.Result, error) {
	creds, err := c.credentials()
	if err != nil {
		return nil, err
	}
	ep, err := c.ResolveEndpoint()
	if err != nil {
		return nil, err
	}
	s := c.signer()
	q := c.query()
	q.Secrets = []string{creds.SecretAccessKey, creds.SessionToken}
	q.Sign = func(req *http.Request, body []byte) error {
		_, err := s.SignHTTP(req, creds, sigv4.HashPayload(body), SigningService, ep.SigningRegion, c.now())
		return err
	}
	return q.Do(ctx, ep.URL, action, params)
}

// unsigned makes one unsigned call (AssumeRoleWithWebIdentity, AssumeRoleWithSAML).
func (c *Client) unsigned(ctx context.Context, action string, params url.Values) (*awsquery.Result, error) {
	ep, err := c.ResolveEndpoint()
	if err != nil {
		return nil, err
	}
	return c.query().Do(ctx, ep.URL, action, params)
}
