package json11

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/retry"
)

// ContentType is the Content-Type of every JSON 1.1 request.
const ContentType = "application/x-amz-json-1.1"

// Client sends JSON 1.1 calls to one service. The zero value is not usable: set Service and
// TargetPrefix.
type Client struct {
	// Service is the prefix of error texts: the public package's name ("cognitoauth").
	Service string
	// TargetPrefix starts every X-Amz-Target, up to and including the dot:
	// "AWSCognitoIdentityProviderService.".
	TargetPrefix string
	// HTTPClient sends the requests; nil means http.DefaultClient. It is used through
	// httpx.Client: a copy that never follows a redirect, with a 30 s Timeout if it has none.
	HTTPClient *http.Client
	// UserAgent, if set, is sent as the User-Agent header.
	UserAgent string
	// Retry is the retry policy; the zero value means three attempts with full jitter.
	Retry retry.Policy
}

// Request is one call.
type Request struct {
	// Op is the operation, the part of X-Amz-Target after the prefix: "InitiateAuth".
	Op string
	// In is marshalled as the JSON body.
	In any
	// Out receives the decoded reply (see [DecodeReply]).
	Out any
	// Check, when set, is called once Out is decoded and refuses a reply the service could
	// not have sent; its error becomes a [*ResponseError].
	Check func() error
	// Sign, when set, is called on every attempt's request just before it is sent, with the
	// exact body, to add Authorization and X-Amz-* headers. Unsigned calls leave it nil.
	Sign func(req *http.Request, body []byte) error
	// Secrets is the set whose values error text hides; nil means a new one. Do adds the
	// body's secret members by name (PASSWORD, IdToken …) and the headers Sign adds; the
	// caller adds what the body carries under names no rule knows (a Logins map's tokens)
	// and the signing keys.
	Secrets *httpx.Secrets
}

// Do POSTs r.In to endpoint (a URL the caller checked with httpx.CheckEndpoint) as r.Op,
// retrying transient failures ([Retryable]), and decodes the reply into r.Out. Errors are an
// [*APIError], a [*ResponseError] (both bare, never wrapped), or an error whose text starts
// "SERVICE: OP: " wrapping an [*httpx.RedirectError], an [*httpx.TimeoutError], the
// context's error or a transport error. Signed calls are signed anew on every attempt.
func (c *Client) Do(ctx context.Context, endpoint string, r Request) error {
	body, err := json.Marshal(r.In)
	if err != nil {
		return fmt.Errorf("%s: encoding %s: %w", c.Service, r.Op, err)
	}
	// The service's message, or a proxy's page in between, may echo a secret of the request
	// (a password, a token, the session token and signature of a signed call) or of the reply;
	// error text hides them all, by value, before any of it is cut.
	secrets := r.Secrets
	if secrets == nil {
		secrets = &httpx.Secrets{}
	}
	secrets.AddBody(ContentType, body)
	return retry.Do(ctx, c.Retry, func(int) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
		if err != nil {
			return false, fmt.Errorf("%s: %s: %w", c.Service, r.Op, err)
		}
		req.Header.Set("Content-Type", ContentType)
		req.Header.Set("X-Amz-Target", c.TargetPrefix+r.Op)
		if c.UserAgent != "" {
			req.Header.Set("User-Agent", c.UserAgent)
		}
		if r.Sign != nil {
			if err := r.Sign(req, body); err != nil {
				return false, err
			}
			secrets.AddHeader(req.Header)
		}
		resp, data, err := httpx.Send(c.HTTPClient, req)
		// Go's text may quote what the server sent ("malformed HTTP status code …"), and a
		// redirect's Location what the request carried.
		err = secrets.ScrubError(err)
		var redirect *httpx.RedirectError
		switch {
		case err != nil && resp == nil:
			// A reset before any reply is worth another try; nothing else local is.
			return ctx.Err() == nil && retry.ConnectionReset(err), fmt.Errorf("%s: %s: %w", c.Service, r.Op, err)
		case errors.As(err, &redirect):
			return false, fmt.Errorf("%s: %s: %w", c.Service, r.Op, err)
		case err != nil:
			return false, fmt.Errorf("%s: %s: reading reply: %w", c.Service, r.Op, err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			err := DecodeError(resp.StatusCode, resp.Header, data, secrets)
			return Retryable(resp.StatusCode, err), err
		}
		if err := DecodeReply(r.Op, data, r.Out); err == nil && r.Check != nil {
			if cerr := r.Check(); cerr != nil {
				return false, &ResponseError{StatusCode: resp.StatusCode, Snippet: secrets.Snippet(ContentType, data, SnippetSize), Err: fmt.Errorf("%s reply %w", r.Op, cerr)}
			}
		} else if err != nil {
			return false, &ResponseError{StatusCode: resp.StatusCode, Snippet: secrets.Snippet(ContentType, data, SnippetSize), Err: err}
		}
		return false, nil
	})
}

// Retryable reports whether a failed reply may be tried again: a 5xx status, or the JSON 1.1
// services' throttling and internal error types (TooManyRequestsException,
// InternalErrorException).
func Retryable(status int, err error) bool {
	if status >= 500 {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Type == "TooManyRequestsException" || ae.Type == "InternalErrorException"
	}
	return false
}
