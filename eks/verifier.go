package eks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sts"
)

// DefaultTimeout bounds the request to STS of a [Verifier] whose HTTPClient sets no Timeout:
// 10 seconds, aws-iam-authenticator's.
const DefaultTimeout = 10 * time.Second

// Verifier does with a token what an EKS cluster's authenticator (aws-iam-authenticator, which
// EKS runs as the API server's webhook) does: [Verifier.Check], then the presigned
// GetCallerIdentity sent to STS with the cluster's own x-k8s-aws-id, and the identity STS
// answers. It is safe for concurrent use once its fields are set.
type Verifier struct {
	// ClusterID is the cluster's name (its id for a local cluster on AWS Outposts): the
	// x-k8s-aws-id header sent with the request. A token signed for another cluster fails
	// STS's signature check. Required by Verify.
	ClusterID string
	// Region is the cluster's region. When set, the token's host must be an STS endpoint of
	// the region's partition (sts.amazonaws.com only in aws); "" accepts any partition's.
	Region string
	// AllowLoopback lets a token whose host is a loopback address (localhost, 127.0.0.0/8,
	// ::1), over http or https, through the host and scheme steps: the exception for a local
	// emulator, which a cluster's authenticator does not make. [Request].Loopback says when
	// it was used.
	AllowLoopback bool
	// Endpoint, when set, is where the request is sent instead of the token's host (https,
	// or http to a loopback host; its scheme and host are used): the token's path and query,
	// with the token's host in the Host header, which the signature covers. It lets a token made for STS be checked
	// against a local emulator that knows the signing key.
	Endpoint string
	// HTTPClient sends the request; nil means http.DefaultClient. A redirect is never
	// followed (it would carry the token elsewhere); a client without a Timeout gets
	// DefaultTimeout; the reply is read through a 1 MiB cap.
	HTTPClient *http.Client
	// Now returns the current time for the date step; nil means time.Now.
	Now func() time.Time
}

// Identity is who signed a token, as STS said in its GetCallerIdentity answer, and what an
// authenticator derives from it.
type Identity struct {
	// Account is the 12-digit account.
	Account string
	// Arn is the caller's ARN: arn:aws:iam::ACCOUNT:user/NAME, or
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION for a role session.
	Arn string
	// UserID is the unique id: AIDA… for a user, ROLEID:SESSION for a role session.
	UserID string
	// CanonicalARN is the ARN a cluster maps to a Kubernetes user (an access entry or the
	// aws-auth ConfigMap): a role session's role, arn:aws:iam::ACCOUNT:role/ROLE (the role's
	// path is not in the session's ARN and is left out), else Arn.
	CanonicalARN string
	// SessionName is a role session's name (the part of UserID after ":"), else "".
	SessionName string
	// RequestID is STS's request id.
	RequestID string
	// Request is the presigned request the token held.
	Request *Request
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// Verify checks token as a cluster's authenticator does ([Verifier.Check]), sends its
// presigned request — GET, headers x-k8s-aws-id: ClusterID and Accept: application/json, no
// redirect followed, bounded in size and time — and returns who signed it.
//
// Errors: a [*TokenError] when a check refuses the token (nothing sent); an error starting
// "eks: sts: " otherwise, wrapping [*sts.APIError] when STS refused the request (its JSON
// error, or an XML ErrorResponse: SignatureDoesNotMatch for a token of another cluster or a
// changed URL, InvalidClientTokenId, ExpiredToken …), [*sts.ResponseError] when the reply
// was not STS's (also for an identity STS would not send, such as a role session's UserId
// without its session name), or the transport's error ([*sts.RedirectError], a timeout).
// No error quotes the token, its signature or a session token.
func (v *Verifier) Verify(ctx context.Context, token string) (*Identity, error) {
	if v.ClusterID == "" {
		return nil, errors.New("eks: the verifier has no ClusterID (the cluster's name) to send in x-k8s-aws-id")
	}
	req, err := v.Check(token)
	if err != nil {
		return nil, err
	}
	secrets := httpx.NewSecrets(token, req.URL.Query().Get("X-Amz-Signature"), req.URL.Query().Get("X-Amz-Security-Token"))
	target := *req.URL
	if v.Endpoint != "" {
		ep, err := httpx.CheckEndpoint(v.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("eks: %s: %w", StepSTS, err)
		}
		target.Scheme, target.Host = ep.Scheme, ep.Host
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("eks: %s: %w", StepSTS, secrets.ScrubError(err))
	}
	hr.Host = req.URL.Host
	hr.Header.Set(ClusterIDHeader, v.ClusterID)
	hr.Header.Set("Accept", "application/json")
	client := v.HTTPClient
	if client == nil || client.Timeout <= 0 {
		c := http.Client{}
		if client != nil {
			c = *client
		}
		c.Timeout = DefaultTimeout
		client = &c
	}
	resp, body, err := httpx.Send(client, hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = (&url.URL{Scheme: target.Scheme, Host: target.Host, Path: target.Path}).String()
		}
		return nil, fmt.Errorf("eks: %s: %w", StepSTS, secrets.ScrubError(err))
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("eks: %s: GetCallerIdentity failed: %w", StepSTS, replyError(resp, body, secrets))
	}
	id, err := decodeIdentity(resp, body, secrets)
	if err != nil {
		return nil, fmt.Errorf("eks: %s: %w", StepIdentity, err)
	}
	id.Request = req
	return id, nil
}

// callerIdentityJSON is STS's GetCallerIdentity answer to Accept: application/json.
type callerIdentityJSON struct {
	GetCallerIdentityResponse struct {
		GetCallerIdentityResult struct {
			Account string
			Arn     string
			UserID  string `json:"UserId"`
		}
		ResponseMetadata struct {
			RequestID string `json:"RequestId"`
		}
	}
}

// decodeIdentity reads STS's JSON answer and derives what an authenticator derives: a role
// session's role and session name. A value STS would not send is a *sts.ResponseError.
// (Duplicate keys are not looked for: encoding/json keeps the last.)
func decodeIdentity(resp *http.Response, body []byte, secrets *httpx.Secrets) (*Identity, error) {
	bad := func(err error) error {
		return &sts.ResponseError{Service: "sts", StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
			Snippet: secrets.Snippet(resp.Header.Get("Content-Type"), body, awsquery.SnippetSize), Err: err}
	}
	var doc callerIdentityJSON
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, bad(errors.New("not the JSON GetCallerIdentityResponse asked for with Accept: application/json"))
	}
	r := doc.GetCallerIdentityResponse.GetCallerIdentityResult
	id := &Identity{Account: r.Account, Arn: r.Arn, UserID: r.UserID, CanonicalARN: r.Arn,
		RequestID: doc.GetCallerIdentityResponse.ResponseMetadata.RequestID}
	switch {
	case !isAccountID(r.Account):
		return nil, bad(errors.New("Account is not a 12-digit account id"))
	case !awsquery.IsARN(r.Arn):
		return nil, bad(errors.New("Arn is not an ARN"))
	case r.UserID == "" || !awsquery.VisibleASCII(r.UserID):
		return nil, bad(errors.New("UserId is empty or not printable ASCII"))
	case !awsquery.VisibleASCII(id.RequestID):
		return nil, bad(errors.New("RequestId is not printable ASCII"))
	}
	parts := strings.Split(r.UserID, ":")
	if len(parts) > 2 {
		return nil, bad(fmt.Errorf("malformed UserID %q", r.UserID))
	}
	if len(parts) == 2 {
		id.SessionName = parts[1]
	}
	// arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION -> arn:PARTITION:iam::ACCOUNT:role/ROLE
	f := strings.SplitN(r.Arn, ":", 6)
	if f[2] == "sts" && strings.HasPrefix(f[5], "assumed-role/") {
		role := strings.Split(strings.TrimPrefix(f[5], "assumed-role/"), "/")
		if len(role) != 2 || len(parts) != 2 || role[1] != id.SessionName {
			return nil, bad(fmt.Errorf("malformed UserID %q for the role session %s (want ROLEID:SESSION)", r.UserID, r.Arn))
		}
		id.CanonicalARN = "arn:" + f[1] + ":iam::" + f[4] + ":role/" + role[0]
	}
	return id, nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// replyError turns an answer other than 200 into STS's error: its JSON error document (the
// answer to Accept: application/json), an XML ErrorResponse (a server that ignores Accept),
// or a *sts.ResponseError for anything else. Secrets are hidden from every quoted text.
func replyError(resp *http.Response, body []byte, secrets *httpx.Secrets) error {
	var doc struct {
		Error *struct {
			Code, Message, Type string
		}
		RequestID string `json:"RequestId"`
	}
	if json.Unmarshal(body, &doc) == nil && doc.Error != nil && doc.Error.Code != "" {
		return &sts.APIError{Service: "sts", Type: doc.Error.Type, Code: doc.Error.Code,
			Message: secrets.Scrub(doc.Error.Message), RequestID: doc.RequestID, StatusCode: resp.StatusCode}
	}
	_, err := awsquery.Decode("sts", "GetCallerIdentity", resp.StatusCode, resp.Header, body)
	var apiErr *sts.APIError
	if errors.As(err, &apiErr) {
		apiErr.Message = secrets.Scrub(apiErr.Message)
		return apiErr
	}
	return &sts.ResponseError{Service: "sts", StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		Snippet: secrets.Snippet(resp.Header.Get("Content-Type"), body, awsquery.SnippetSize)}
}
