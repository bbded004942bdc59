package awsquery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/retry"
)

// ContentType is the Content-Type of every Query-protocol request.
const ContentType = "application/x-www-form-urlencoded; charset=utf-8"

// DefaultUserAgent is the User-Agent sent when [Client.UserAgent] is empty.
const DefaultUserAgent = "rawsts"

// Client sends Query-protocol calls to one service. The zero value is not usable: set at
// least Service and Version.
type Client struct {
	// Service names the service in error texts ("sts", "iam").
	Service string
	// Version is the API version sent with every call, e.g. "2011-06-15".
	Version string
	// HTTPClient sends the requests; nil means http.DefaultClient. It is used through
	// httpx.Client: a copy that never follows a redirect, with a 30 s Timeout if it has none.
	HTTPClient *http.Client
	// UserAgent is the User-Agent header; "" means DefaultUserAgent.
	UserAgent string
	// Retry is the retry policy; the zero value means three attempts with full jitter.
	Retry retry.Policy
	// Sign, when set, is called on every attempt's request just before it is sent, with the
	// exact body, so it can add Authorization and X-Amz-* headers. Unsigned calls
	// (AssumeRoleWithWebIdentity) leave it nil.
	Sign func(req *http.Request, body []byte) error
	// Secrets are values error text must never show besides those each call carries, which
	// Do finds itself (the form's secret fields, the session token and signature Sign adds):
	// the secret access key Sign signs with, for one.
	Secrets []string
}

// Do POSTs action with params (Action and Version are added to a copy) to endpoint, retrying
// transient failures, and decodes the reply. Errors are a [*APIError], a [*ResponseError], an
// [*httpx.RedirectError] (a 3xx reply, never followed), an [*httpx.TimeoutError], the context's
// error, or a transport error, each prefixed with the service name.
//
// A service may echo a secret the request carried (a validation message quoting the token),
// and so may a proxy's error page. The text of an APIError and a ResponseError — including one
// that the [Result]'s readers return later — hides, by value and in any encoding (see
// [httpx.Secrets]), the secret fields of the form, the X-Amz-Security-Token and signature of
// the signed request, c.Secrets, and the secrets the reply itself carries; a body is scrubbed
// before it is cut to [SnippetSize]. So does the text of the other errors.
func (c *Client) Do(ctx context.Context, endpoint, action string, params url.Values) (*Result, error) {
	if _, err := httpx.CheckEndpoint(endpoint); err != nil {
		return nil, fmt.Errorf("%s%w", prefix(c.Service), err)
	}
	form := make(url.Values, len(params)+2)
	for k, v := range params {
		form[k] = v
	}
	form.Set("Action", action)
	form.Set("Version", c.Version)
	body := []byte(form.Encode())
	secrets := httpx.NewSecrets(c.Secrets...)
	secrets.AddForm(form)

	var res *Result
	err := retry.Do(ctx, c.Retry, func(attempt int) (bool, error) {
		r, err := c.once(ctx, endpoint, action, body, secrets)
		if err != nil {
			if ctx.Err() != nil {
				return false, err
			}
			return Retryable(err), err
		}
		res = r
		return false, nil
	})
	if err != nil {
		if err == ctx.Err() {
			err = fmt.Errorf("%s%s: %w", prefix(c.Service), action, err)
		}
		return nil, err
	}
	return res, nil
}

// once makes one attempt.
func (c *Client) once(ctx context.Context, endpoint, action string, body []byte, secrets *httpx.Secrets) (*Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s%w", prefix(c.Service), err)
	}
	req.Header.Set("Content-Type", ContentType)
	ua := c.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	if c.Sign != nil {
		if err := c.Sign(req, body); err != nil {
			return nil, fmt.Errorf("%ssigning %s: %w", prefix(c.Service), action, err)
		}
		secrets.AddHeader(req.Header)
	}
	resp, data, err := httpx.Send(c.HTTPClient, req)
	var redirect *httpx.RedirectError
	var timeout *httpx.TimeoutError
	if err != nil && (resp == nil || errors.As(err, &redirect) || errors.As(err, &timeout)) {
		// *url.Error carries the method and URL (no secrets: the form is the body), and Go's
		// text may quote what the server sent ("malformed HTTP status code …").
		return nil, fmt.Errorf("%s%s: %w", prefix(c.Service), action, secrets.ScrubError(err))
	}
	if err != nil {
		return nil, &ResponseError{
			Service:     c.Service,
			StatusCode:  resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"),
			Snippet:     secrets.Snippet(resp.Header.Get("Content-Type"), data, SnippetSize),
			Err:         err,
		}
	}
	return decode(c.Service, action, resp.StatusCode, resp.Header, data, secrets)
}

// Retryable reports whether err, from one attempt, is worth another: a 5xx reply, a
// throttling code, IDPCommunicationError, or a connection reset or closed before any
// response. AccessDenied, InvalidIdentityToken, ExpiredTokenException, validation errors,
// other 4xx replies and local errors are not.
func Retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.Code {
		case "Throttling", "ThrottlingException", "TooManyRequestsException", "IDPCommunicationError":
			return true
		}
		return apiErr.StatusCode >= 500
	}
	var respErr *ResponseError
	if errors.As(err, &respErr) {
		return respErr.StatusCode >= 500 && !errors.Is(err, httpx.ErrBodyTooLarge)
	}
	return retry.ConnectionReset(err)
}
