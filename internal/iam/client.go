package iam

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/retry"
	"github.com/rawsts/rawsts/sigv4"
)

// Version is the IAM API version every call sends.
const Version = "2010-05-08"

// APIError is an IAM error reply (AccessDenied, NoSuchEntity, …); compare Code.
type APIError = awsquery.APIError

// ResponseError is a reply that is not an IAM reply.
type ResponseError = awsquery.ResponseError

// Endpoint returns IAM's endpoint and signing region in a partition: IAM is a global service
// with one endpoint per partition. "" means "aws".
func Endpoint(partition string) (endpoint, region string, err error) {
	switch partition {
	case "", "aws":
		return "https://iam.amazonaws.com/", "us-east-1", nil
	case "aws-cn":
		return "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1", nil
	case "aws-us-gov":
		return "https://iam.us-gov.amazonaws.com/", "us-gov-west-1", nil
	}
	return "", "", fmt.Errorf("iam: partition %q: rawsts knows IAM's endpoint only for aws, aws-cn and aws-us-gov; pass an endpoint", partition)
}

// Client calls IAM. Set Credentials; the zero value of every other field is usable.
type Client struct {
	// Credentials sign every call. Secret.
	Credentials sigv4.Credentials
	// Partition selects the endpoint and signing region ("" means "aws").
	Partition string
	// Endpoint overrides the partition's endpoint (https, or http to a loopback host); the
	// signing region stays the partition's.
	Endpoint string
	// HTTPClient sends the requests; nil means http.DefaultClient. A redirect is never
	// followed (the client is used through a copy whose CheckRedirect refuses it; a 3xx reply
	// is an *httpx.RedirectError), and a client without a Timeout gets 30 s per request.
	HTTPClient *http.Client
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
	// MaxAttempts is the number of attempts in all; 0 means 3.
	MaxAttempts int
	// Backoff is the wait after a failed attempt; nil means full-jitter exponential backoff.
	Backoff func(attempt int) time.Duration
	// UserAgent is the User-Agent header; "" means "rawsts".
	UserAgent string
}

func (c *Client) do(ctx context.Context, action string, params url.Values) (*awsquery.Result, error) {
	ep, region, err := Endpoint(c.Partition)
	if err != nil {
		return nil, err
	}
	if c.Endpoint != "" {
		ep = c.Endpoint
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	signer := &sigv4.Signer{}
	q := &awsquery.Client{
		Service:    "iam",
		Version:    Version,
		HTTPClient: c.HTTPClient,
		UserAgent:  c.UserAgent,
		Retry:      retry.Policy{MaxAttempts: c.MaxAttempts, Backoff: c.Backoff},
		Secrets:    []string{c.Credentials.SecretAccessKey, c.Credentials.SessionToken},
		Sign: func(req *http.Request, body []byte) error {
			_, err := signer.SignHTTP(req, c.Credentials, sigv4.HashPayload(body), "iam", region, now())
			return err
		},
	}
	return q.Do(ctx, ep, action, params)
}

// Role is what GetRole returns that a diagnosis needs.
type Role struct {
	// Arn is the role's ARN, path included: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME.
	Arn string
	// RoleName is the role's name as IAM returned it, without the path; "" if the reply
	// lacked it.
	RoleName string
	// AssumeRolePolicyDocument is the trust policy, URL-decoded.
	AssumeRolePolicyDocument string
	// MaxSessionDuration is in seconds (3600–43200).
	MaxSessionDuration int
}

// GetRole returns a role's ARN, trust policy and MaxSessionDuration.
func (c *Client) GetRole(ctx context.Context, name string) (*Role, error) {
	res, err := c.do(ctx, "GetRole", url.Values{"RoleName": {name}})
	if err != nil {
		return nil, err
	}
	return readRole(res)
}

// CreateRole creates the role name with the trust policy trustPolicy (a JSON document) and
// returns it as IAM answers. IAM refuses a name the account has (EntityAlreadyExists).
func (c *Client) CreateRole(ctx context.Context, name, trustPolicy string) (*Role, error) {
	res, err := c.do(ctx, "CreateRole", url.Values{"RoleName": {name}, "AssumeRolePolicyDocument": {trustPolicy}})
	if err != nil {
		return nil, err
	}
	return readRole(res)
}

// UpdateAssumeRolePolicy replaces the trust policy of the role name with trustPolicy (a JSON
// document).
func (c *Client) UpdateAssumeRolePolicy(ctx context.Context, name, trustPolicy string) error {
	_, err := c.do(ctx, "UpdateAssumeRolePolicy", url.Values{"RoleName": {name}, "PolicyDocument": {trustPolicy}})
	return err
}

// readRole reads the Role element of a GetRole or CreateRole result.
func readRole(res *awsquery.Result) (*Role, error) {
	var err error
	r := &Role{}
	if r.Arn, err = res.Shaped("Role/Arn", awsquery.IsARN, "an ARN"); err != nil {
		return nil, err
	}
	r.RoleName = res.OptString("Role/RoleName")
	doc, err := res.String("Role/AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	// IAM percent-encodes the document (RFC 3986); PathUnescape keeps a literal '+'.
	if r.AssumeRolePolicyDocument, err = url.PathUnescape(doc); err != nil {
		return nil, &ResponseError{Service: "iam", StatusCode: res.StatusCode, Err: fmt.Errorf("Role/AssumeRolePolicyDocument is not percent-encoded: %w", err)}
	}
	if d, err := res.OptInt("Role/MaxSessionDuration"); err != nil {
		return nil, err
	} else if d != nil {
		// The model's roleMaxSessionDurationType: 3600–43200 seconds.
		if *d < 3600 || *d > 43200 {
			return nil, res.Child("Role/MaxSessionDuration").Invalid("a duration from 3600 to 43200 seconds")
		}
		r.MaxSessionDuration = *d
	}
	return r, nil
}

// ListOpenIDConnectProviders returns the ARNs of the account's IAM OIDC providers.
func (c *Client) ListOpenIDConnectProviders(ctx context.Context) ([]string, error) {
	res, err := c.do(ctx, "ListOpenIDConnectProviders", nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range res.Child("OpenIDConnectProviderList").Members() {
		arn, err := m.Shaped("Arn", awsquery.IsARN, "an ARN")
		if err != nil {
			return nil, err
		}
		out = append(out, arn)
	}
	return out, nil
}

// OpenIDConnectProvider is an IAM OIDC provider.
type OpenIDConnectProvider struct {
	// ARN is the ARN it was asked for.
	ARN string
	// URL is the issuer without https://, as IAM stores it.
	URL string
	// ClientIDs and Thumbprints are ClientIDList and ThumbprintList.
	ClientIDs, Thumbprints []string
}

// GetOpenIDConnectProvider returns one provider's URL, client IDs and thumbprints.
func (c *Client) GetOpenIDConnectProvider(ctx context.Context, arn string) (*OpenIDConnectProvider, error) {
	res, err := c.do(ctx, "GetOpenIDConnectProvider", url.Values{"OpenIDConnectProviderArn": {arn}})
	if err != nil {
		return nil, err
	}
	p := &OpenIDConnectProvider{ARN: arn}
	// Values diagnose prints: each on one line, of the shape IAM stores (the model's
	// OpenIDConnectProviderUrlType, clientIDType 1–255 characters, thumbprintType 40 hex digits).
	if p.URL, err = res.Shaped("Url", awsquery.VisibleASCII, "an issuer URL (printable ASCII)"); err != nil {
		return nil, err
	}
	for _, m := range res.Child("ClientIDList").Members() {
		if !awsquery.VisibleASCII(m.Text()) || len(m.Text()) > 255 {
			return nil, m.Invalid("a client id (1–255 printable ASCII characters)")
		}
		p.ClientIDs = append(p.ClientIDs, m.Text())
	}
	for _, m := range res.Child("ThumbprintList").Members() {
		if !isThumbprint(m.Text()) {
			return nil, m.Invalid("a thumbprint (40 hex digits)")
		}
		p.Thumbprints = append(p.Thumbprints, m.Text())
	}
	return p, nil
}

// isThumbprint reports whether s is 40 hex digits, a SHA-1 in hex as IAM stores thumbprints.
func isThumbprint(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}
