package eks

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

const (
	// Prefix starts every token: the version of the token's format.
	Prefix = "k8s-aws-v1."
	// ClusterIDHeader is the header the presigned request signs with the cluster's name (or,
	// for a local cluster on AWS Outposts, its id). The cluster's authenticator sends its own
	// cluster's value, so a token signed for another cluster fails STS's signature check.
	ClusterIDHeader = "x-k8s-aws-id"
	// URLExpiry is the presigned URL's X-Amz-Expires: 60 seconds, as `aws eks get-token`
	// asks. STS does not hold the URL to it (see [ValidFor]).
	URLExpiry = 60 * time.Second
	// Lifetime is how long after signing the token's expirationTimestamp lies: 14 minutes,
	// a minute inside [ValidFor], as the AWS CLI and aws-iam-authenticator set it. kubectl
	// (client-go) keeps the token until then and runs the plugin again after.
	Lifetime = 14 * time.Minute
	// ValidFor is how long after its X-Amz-Date STS accepts a presigned GetCallerIdentity,
	// whatever X-Amz-Expires says, and how old a token aws-iam-authenticator accepts: 15
	// minutes. AWS does not document it; aws-iam-authenticator's source says it.
	ValidFor = 15 * time.Minute
	// MaxTokenSize is the longest token aws-iam-authenticator accepts: 4096 characters.
	MaxTokenSize = 4096
)

// callerIdentityQuery is the query of the presigned request before signing.
const callerIdentityQuery = "Action=GetCallerIdentity&Version=" + sts.Version

// Token is an EKS authentication token: a bearer credential, valid for [ValidFor] after
// Signed, that anyone holding it can present to the cluster as the identity that signed it.
// Its String method hides Value.
type Token struct {
	// Value is "k8s-aws-v1." followed by the presigned URL in unpadded base64url.
	Value string
	// Signed is the signing time, the URL's X-Amz-Date (whole seconds, UTC).
	Signed time.Time
	// Expiration is Signed plus [Lifetime]: the ExecCredential's expirationTimestamp.
	Expiration time.Time
}

// String describes the token without its value, so that logging it by mistake leaks nothing.
func (t Token) String() string {
	return fmt.Sprintf("eks.Token{Value: <redacted %d chars>, Signed: %s, Expiration: %s}",
		len(t.Value), t.Signed.Format(time.RFC3339), t.Expiration.Format(time.RFC3339))
}

// GoString is String, for %#v.
func (t Token) GoString() string { return t.String() }

// NewToken builds the token `aws eks get-token` builds, without sending anything: the STS
// request GET ENDPOINT/?Action=GetCallerIdentity&Version=2011-06-15 with the header
// x-k8s-aws-id: clusterID, presigned with creds for service sts in ep's signing region at
// time at ([sigv4.Signer.PresignHTTP]: X-Amz-Expires=60, signed headers host;x-k8s-aws-id,
// the payload hash of an empty body, a session token as a signed X-Amz-Security-Token),
// then "k8s-aws-v1." and the URL in unpadded base64url.
//
// ep is where the token's request goes and is signed for: [sts.ResolveEndpoint] gives the
// regional endpoint (https://sts.us-east-1.amazonaws.com for us-east-1, as the AWS CLI
// uses), the global one (aws-global, https://sts.amazonaws.com, signed for us-east-1) or a
// custom URL. An endpoint without a path gets "/", the only path a cluster accepts.
//
// Errors: an empty or unprintable clusterID, an endpoint that is not a URL, or sigv4's
// refusal of the credentials (none, or incomplete); nothing is sent in any case.
func NewToken(creds sigv4.Credentials, clusterID string, ep sts.Endpoint, at time.Time) (Token, error) {
	if clusterID == "" {
		return Token{}, errors.New("eks: the cluster name (or id) is empty")
	}
	if !textsafe.Printable(clusterID) || strings.TrimSpace(clusterID) != clusterID {
		return Token{}, fmt.Errorf("eks: cluster name %s has a control character or surrounding blanks, which an HTTP header cannot carry", textsafe.OneLine(fmt.Sprintf("%q", clusterID)))
	}
	u, err := url.Parse(ep.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Token{}, fmt.Errorf("eks: STS endpoint %q is not an http(s) URL", ep.URL)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery, u.Fragment = callerIdentityQuery, ""
	r := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}
	r.Header.Set(ClusterIDHeader, clusterID)
	at = at.UTC().Truncate(time.Second)
	signed, _, err := new(sigv4.Signer).PresignHTTP(r, creds, sigv4.HashPayload(nil), sts.SigningService, ep.SigningRegion, at, URLExpiry)
	if err != nil {
		return Token{}, fmt.Errorf("eks: %w", err)
	}
	return Token{
		Value:      Prefix + base64.RawURLEncoding.EncodeToString([]byte(signed.String())),
		Signed:     at,
		Expiration: at.Add(Lifetime),
	}, nil
}
