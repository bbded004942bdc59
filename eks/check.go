package eks

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// The steps of [Verifier.Check] and [Verifier.Verify], in the order aws-iam-authenticator
// takes them; a [TokenError]'s Step is one of the first eleven, and the errors of the last two
// start with theirs.
const (
	StepSize          = "size"           // at most MaxTokenSize characters
	StepPrefix        = "prefix"         // starts with "k8s-aws-v1."
	StepDecode        = "decode"         // unpadded base64url of a URL
	StepScheme        = "scheme"         // https (http only to a loopback host, with AllowLoopback)
	StepHost          = "host"           // an STS endpoint of the verifier's partition
	StepPath          = "path"           // exactly "/"
	StepQuery         = "query"          // whitelisted parameters, each once, one value each
	StepAction        = "action"         // Action=GetCallerIdentity
	StepSignedHeaders = "signed-headers" // x-k8s-aws-id among X-Amz-SignedHeaders
	StepExpires       = "expires"        // X-Amz-Expires a whole number in 0..900
	StepDate          = "date"           // X-Amz-Date present, valid, at most ValidFor old
	StepSTS           = "sts"            // the presigned request sent: STS said who signed it
	StepIdentity      = "identity"       // STS's answer has the shape of an identity
)

// TokenError is a token refused before anything was sent: the step that refused it and the
// text aws-iam-authenticator gives for it (after its "input token was not properly
// formatted: "). It never quotes the token, the signature or a session token.
type TokenError struct {
	// Step is the check that failed: one of the Step constants.
	Step string
	// Message is what the cluster's authenticator says, e.g. `token is missing expected
	// "k8s-aws-v1." prefix`.
	Message string
}

// Error returns "eks: STEP: input token was not properly formatted: MESSAGE".
func (e *TokenError) Error() string {
	return "eks: " + e.Step + ": input token was not properly formatted: " + e.Message
}

func tokenErr(step, format string, a ...any) *TokenError {
	return &TokenError{Step: step, Message: fmt.Sprintf(format, a...)}
}

// queryWhitelist are the query parameters a token's URL may have, lower-cased.
var queryWhitelist = map[string]bool{
	"action": true, "version": true, "x-amz-algorithm": true, "x-amz-credential": true,
	"x-amz-date": true, "x-amz-expires": true, "x-amz-security-token": true,
	"x-amz-signature": true, "x-amz-signedheaders": true,
}

// maxURLExpires is the largest X-Amz-Expires aws-iam-authenticator accepts: 900 seconds.
const maxURLExpires = 900

// Request is a token's presigned request, as the checks read it. URL carries the signature
// and, for temporary credentials, the session token: treat it as the token itself.
type Request struct {
	// URL is the decoded presigned URL.
	URL *url.URL
	// Host is the URL's host (and port).
	Host string
	// Loopback is true when Host is a loopback address the verifier let through
	// ([Verifier].AllowLoopback): an emulator, never a cluster's STS.
	Loopback bool
	// AccessKeyID, Region and Service are read from X-Amz-Credential (not checked: STS
	// checks the signature); "" when it is not AKID/DATE/REGION/SERVICE/aws4_request.
	AccessKeyID, Region, Service string
	// Date is X-Amz-Date; the token is good until Date plus [ValidFor].
	Date time.Time
	// Expires is X-Amz-Expires, which STS does not enforce.
	Expires time.Duration
	// SignedHeaders are X-Amz-SignedHeaders, lower-cased, e.g. [host x-k8s-aws-id].
	SignedHeaders []string
	// SessionToken is true when the URL carries X-Amz-Security-Token (temporary credentials).
	SessionToken bool
}

// Check runs the checks aws-iam-authenticator runs on a token before it sends anything, in its
// order — size, prefix, decode, scheme, host, path, query, action, signed-headers, expires,
// date — and returns the presigned request. The first failure is a [*TokenError] naming
// its step. The host must be an STS endpoint (see [Verifier]); the cluster id is not compared
// here: only STS can tell, from the signature, which one the token was signed for.
func (v *Verifier) Check(token string) (*Request, error) {
	if len(token) > MaxTokenSize {
		return nil, tokenErr(StepSize, "token is too large")
	}
	if !strings.HasPrefix(token, Prefix) {
		return nil, tokenErr(StepPrefix, "token is missing expected %q prefix", Prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(token[len(Prefix):])
	if err != nil {
		// The decoder's own message names only a position.
		return nil, tokenErr(StepDecode, "%v (the token must be unpadded base64url)", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		// url.Parse's message quotes the URL, signature included: say it without.
		return nil, tokenErr(StepDecode, "the decoded token is not a URL")
	}
	req := &Request{URL: u, Host: u.Host}
	loopback := v.AllowLoopback && httpx.IsLoopback(u.Hostname())
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return nil, tokenErr(StepScheme, "unexpected scheme %q in pre-signed URL", u.Scheme)
	}
	switch {
	case loopback:
		req.Loopback = true
	default:
		if err := v.checkHost(u.Host); err != nil {
			return nil, err
		}
	}
	if u.Path != "/" {
		return nil, tokenErr(StepPath, "unexpected path in pre-signed URL")
	}
	q, err := lowerQuery(u.RawQuery)
	if err != nil {
		return nil, err
	}
	if q["action"] != "GetCallerIdentity" {
		return nil, tokenErr(StepAction, "unexpected action parameter in pre-signed URL")
	}
	for _, h := range strings.Split(q["x-amz-signedheaders"], ";") {
		req.SignedHeaders = append(req.SignedHeaders, strings.ToLower(h))
	}
	if !containsString(req.SignedHeaders, ClusterIDHeader) {
		return nil, tokenErr(StepSignedHeaders, "client did not sign the %s header in the pre-signed URL", ClusterIDHeader)
	}
	expires, err := strconv.Atoi(q["x-amz-expires"])
	if err != nil || expires < 0 || expires > maxURLExpires {
		return nil, tokenErr(StepExpires, "invalid X-Amz-Expires parameter in pre-signed URL: %s", strconv.Quote(q["x-amz-expires"]))
	}
	req.Expires = time.Duration(expires) * time.Second
	date := q["x-amz-date"]
	if date == "" {
		return nil, tokenErr(StepDate, "X-Amz-Date parameter must be present in pre-signed URL")
	}
	if req.Date, err = time.Parse(sigv4.TimeFormat, date); err != nil || len(date) != len(sigv4.TimeFormat) {
		return nil, tokenErr(StepDate, "X-Amz-Date parameter %s is not in the form %s", strconv.Quote(date), sigv4.TimeFormat)
	}
	if v.now().After(req.Date.Add(ValidFor)) {
		return nil, tokenErr(StepDate, "X-Amz-Date parameter is expired (15 minute expiration) %s", date)
	}
	if scope := strings.Split(q["x-amz-credential"], "/"); len(scope) == 5 && scope[4] == "aws4_request" {
		req.AccessKeyID, req.Region, req.Service = scope[0], scope[2], scope[3]
	}
	_, req.SessionToken = q["x-amz-security-token"]
	return req, nil
}

// lowerQuery parses a token's query as aws-iam-authenticator does: every parameter
// whitelisted (case-insensitively), one value each, no name twice in any case. The map is
// keyed by the lower-cased name. Names are taken in sorted order, so that a query with
// several faults always fails on the same one.
func lowerQuery(raw string) (map[string]string, error) {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return nil, tokenErr(StepQuery, "the query string is not valid form encoding")
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]string, len(values))
	for _, name := range names {
		lower := strings.ToLower(name)
		switch {
		case !queryWhitelist[lower]:
			return nil, tokenErr(StepQuery, "non-whitelisted query parameter %q", name)
		case len(values[name]) != 1:
			return nil, tokenErr(StepQuery, "query parameter with multiple values not supported")
		}
		if _, dup := out[lower]; dup {
			return nil, tokenErr(StepQuery, "duplicate query parameter found: %q", name)
		}
		out[lower] = values[name][0]
	}
	return out, nil
}

// checkHost accepts the hosts aws-iam-authenticator accepts (its rule since July 2025): one
// the STS endpoint rules give for the region the host names, with FIPS and dual-stack on or
// off, in the verifier's partition (any partition when the verifier has no Region); and
// sts.amazonaws.com, the global endpoint, in the aws partition only. No port.
func (v *Verifier) checkHost(host string) error {
	bad := tokenErr(StepHost, "unexpected hostname %q in pre-signed URL", host)
	partition := ""
	if v.Region != "" {
		partition = sts.Partition(v.Region)
	}
	if host == "sts.amazonaws.com" {
		if partition == "" || partition == "aws" {
			return nil
		}
		return bad
	}
	labels := strings.SplitN(host, ".", 3)
	if len(labels) != 3 || (labels[0] != "sts" && labels[0] != "sts-fips") {
		return bad
	}
	region := labels[1]
	if partition != "" && sts.Partition(region) != partition {
		return bad
	}
	for _, opts := range []sts.EndpointOptions{{}, {UseFIPS: true}, {UseDualStack: true}, {UseFIPS: true, UseDualStack: true}} {
		ep, err := sts.ResolveEndpoint(region, opts)
		if err == nil && ep.URL == "https://"+host {
			return nil
		}
	}
	return bad
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
