package ststest

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/trustpolicy"
)

// Amazon S3 over REST (PROTOCOL.md §10): ListBuckets (GET /) and ListObjectsV2 (GET
// /BUCKET?list-type=2) on the config's buckets, path style as `--endpoint-url` makes the AWS CLI
// send them, or virtual-hosted style when the Host is BUCKET.localhost:PORT. Every request is
// verified with sigv4.Verify in S3's mode (X-Amz-Content-Sha256 signed and checked against
// the body, UNSIGNED-PAYLOAD accepted, the Host as received with its port, the path encoded
// once and never normalised) with S3's 15 minutes of clock skew, and authorized with
// trustpolicy.Authorize: s3:ListAllMyBuckets for ListBuckets, s3:ListBucket on
// arn:aws:s3:::BUCKET for ListObjectsV2 (with s3:prefix, s3:delimiter and s3:max-keys).
// Failures answer with S3's Error document and codes.

// s3Namespace is the XML namespace of S3's results (errors have none).
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3MaxSkew is how far a request's X-Amz-Date may be from the server's clock: S3 answers
// RequestTimeTooSkewed with MaxAllowedSkewMilliseconds 900000.
const s3MaxSkew = 15 * time.Minute

// S3's messages (PROTOCOL.md §10.4 and public traces of S3 replies; the SigV4 failures as S3
// words them, each with its extra elements).
const (
	msgS3AccessDenied      = "Access Denied"
	msgS3NoSuchBucket      = "The specified bucket does not exist"
	msgS3SignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgS3InvalidAccessKey  = "The AWS Access Key Id you provided does not exist in our records."
	msgS3ExpiredToken      = "The provided token has expired."
	msgS3InvalidToken      = "The provided token is malformed or otherwise invalid."
	msgS3TooSkewed         = "The difference between the request time and the current time is too large."
	msgS3HashMismatch      = "The provided 'x-amz-content-sha256' header does not match what was computed."
)

// s3Emulator answers S3 requests; routed to by the credential scope's service s3, and for
// unsigned requests that are not another protocol's (isS3Request).
type s3Emulator struct{ *services }

// s3Call is one S3 request being answered.
type s3Call struct {
	evidence []string // of a refusal by the policies: the evaluator's explanation

	w           http.ResponseWriter
	r           *http.Request
	reqID, host string // x-amz-request-id and x-amz-id-2
	now         time.Time
	operation   string // ListBuckets, ListObjectsV2, or the method and path
	principal   string // the caller's ARN, "anonymous" before authentication
	resource    string // what the log names: the bucket, or "*" for ListBuckets
}

func (s *s3Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &s3Call{w: w, r: r, reqID: randomUpper(16), host: base64.StdEncoding.EncodeToString(randomBytes(56)),
		now: s.now().UTC(), principal: "anonymous"}
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	if err != nil || len(body) > httpx.MaxBodySize {
		s.s3Error(c, http.StatusBadRequest, "MaxMessageLengthExceeded", "Your request was too big.", checkRequest, "body over 1 MiB")
		return
	}
	bucket, key := s3Target(r)
	c.resource = bucket
	if bucket == "" {
		c.resource = "*" // ListBuckets: s3:ListAllMyBuckets has no resource type
	}
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && bucket == "":
		c.operation = "ListBuckets"
	case r.Method == http.MethodGet && key == "" && q.Get("list-type") == "2":
		c.operation = "ListObjectsV2"
	default:
		c.operation = r.Method + " " + r.URL.Path
	}
	caller, ok := s.s3Authenticate(c, body)
	if !ok {
		return
	}
	v := s.state.view()
	var b *Bucket
	if bucket != "" {
		if b = findBucket(v.buckets, bucket); b == nil {
			s.s3Error(c, http.StatusNotFound, "NoSuchBucket", msgS3NoSuchBucket, checkRequest, "no bucket "+bucket, "BucketName", bucket)
			return
		}
	}
	switch c.operation {
	case "ListBuckets":
		s.listBuckets(c, caller, v)
	case "ListObjectsV2":
		s.listObjectsV2(c, caller, v, b)
	default:
		// Only the listing calls are emulated; S3's own NotImplemented code, in the emulator's words.
		s.s3Error(c, http.StatusNotImplemented, "NotImplemented",
			"The emulator answers ListBuckets (GET /) and ListObjectsV2 (GET /BUCKET?list-type=2) only.", checkRequest, c.operation)
	}
}

// s3Target returns the bucket and key a request names: path style (/BUCKET/KEY), or
// virtual-hosted style when the Host is BUCKET.localhost[:PORT].
func s3Target(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	if b, ok := strings.CutSuffix(strings.ToLower(host), ".localhost"); ok && b != "" {
		return b, p
	}
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key
}

// isS3Request reports whether an unsigned request is for S3: not a form POST or a Query call
// (STS, EC2) and not for an issuer. Such requests are answered as S3 answers anonymous ones.
func isS3Request(r *http.Request) bool {
	if r.URL.Query().Has("Action") || r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	return r.Method != http.MethodPost || !isForm(r.Header.Get("Content-Type"))
}

func findBucket(list []Bucket, name string) *Bucket {
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

// s3Authenticate verifies the request's signature and answers a failure as S3 does. An
// unsigned request is anonymous, which nothing in the emulator's account allows (no bucket has
// a policy or ACL granting it): AccessDenied "Access Denied".
func (s *s3Emulator) s3Authenticate(c *s3Call, body []byte) (identity, bool) {
	r := c.r
	header := r.Header.Get("Authorization") != ""
	if !header && !r.URL.Query().Has("X-Amz-Algorithm") {
		s.s3Error(c, http.StatusForbidden, "AccessDenied", msgS3AccessDenied, checkPermissions, "an unsigned (anonymous) request")
		return identity{}, false
	}
	if header && r.Header.Get("X-Amz-Content-Sha256") == "" {
		s.s3Error(c, http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256", checkSignature, "")
		return identity{}, false
	}
	caller, verified, err := s.authenticateWith(r, body, sigv4.VerifyOptions{Service: "s3", MaxSkew: s3MaxSkew})
	if err == nil {
		c.principal = caller.arn
		return caller, true
	}
	reason := verifyReason(err)
	akid := credentialScope(r)[0]
	switch {
	case errors.Is(err, errSessionExpired):
		// S3 also echoes the token as Token-0; the emulator leaves it out, as it keeps every
		// secret out of error text.
		s.s3Error(c, http.StatusBadRequest, "ExpiredToken", msgS3ExpiredToken, checkSignature, "the session of "+akid+" has expired")
	case errors.Is(err, sigv4.ErrUnknownAccessKey):
		s.s3Error(c, http.StatusForbidden, "InvalidAccessKeyId", msgS3InvalidAccessKey, checkSignature, reason, "AWSAccessKeyId", akid)
	case errors.Is(err, sigv4.ErrTokenMismatch):
		s.s3Error(c, http.StatusBadRequest, "InvalidToken", msgS3InvalidToken, checkSignature, reason)
	case errors.Is(err, sigv4.ErrDateSkew):
		s.s3Error(c, http.StatusForbidden, "RequestTimeTooSkewed", msgS3TooSkewed, checkSignature, reason,
			"RequestTime", r.Header.Get("X-Amz-Date"), "ServerTime", c.now.Format("2006-01-02T15:04:05Z"),
			"MaxAllowedSkewMilliseconds", strconv.Itoa(int(s3MaxSkew/time.Millisecond)))
	case errors.Is(err, sigv4.ErrExpired):
		q := r.URL.Query()
		t, _ := time.Parse(sigv4.TimeFormat, q.Get("X-Amz-Date"))
		secs, _ := strconv.Atoi(q.Get("X-Amz-Expires"))
		s.s3Error(c, http.StatusForbidden, "AccessDenied", "Request has expired", checkSignature, reason,
			"X-Amz-Expires", q.Get("X-Amz-Expires"), "Expires", t.Add(time.Duration(secs)*time.Second).Format("2006-01-02T15:04:05Z"),
			"ServerTime", c.now.Format("2006-01-02T15:04:05Z"))
	case errors.Is(err, sigv4.ErrPayloadHashMismatch):
		s.s3Error(c, http.StatusBadRequest, "XAmzContentSHA256Mismatch", msgS3HashMismatch, checkSignature, reason,
			"ClientComputedContentSHA256", r.Header.Get("X-Amz-Content-Sha256"), "S3ComputedContentSHA256", sigv4.HashPayload(body))
	case errors.Is(err, sigv4.ErrSignatureMismatch) && verified != nil:
		// S3 sends back what it computed, so that a client can find the difference; the
		// session token in the canonical request is hidden (S3 shows it).
		sig := verified.Signature
		canonical := hideToken(sig.CanonicalRequest, r.Header.Get("X-Amz-Security-Token"))
		sent := ""
		if auth := r.Header.Get("Authorization"); auth != "" {
			if i := strings.Index(auth, "Signature="); i >= 0 {
				sent = auth[i+len("Signature="):]
			}
		} else {
			sent = r.URL.Query().Get("X-Amz-Signature")
		}
		s.s3Error(c, http.StatusForbidden, "SignatureDoesNotMatch", msgS3SignatureMismatch, checkSignature, reason,
			"AWSAccessKeyId", akid, "StringToSign", sig.StringToSign, "SignatureProvided", sent,
			"StringToSignBytes", spacedHex(sig.StringToSign), "CanonicalRequest", canonical, "CanonicalRequestBytes", spacedHex(canonical))
	case errors.Is(err, sigv4.ErrSignatureMismatch):
		s.s3Error(c, http.StatusForbidden, "SignatureDoesNotMatch", msgS3SignatureMismatch, checkSignature, reason, "AWSAccessKeyId", akid)
	case header:
		// Malformed fields, a scope that is not AKID/DATE/REGION/s3/aws4_request, host or
		// x-amz-date not signed. S3's exact message for each is not documented; its code for
		// a malformed Authorization header is AuthorizationHeaderMalformed.
		s.s3Error(c, http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed; "+reason, checkSignature, reason)
	default:
		s.s3Error(c, http.StatusBadRequest, "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; "+reason, checkSignature, reason)
	}
	return identity{}, false
}

// hideToken replaces a session token in a canonical request with a marker.
func hideToken(canonical, token string) string {
	if token == "" {
		return canonical
	}
	return strings.ReplaceAll(canonical, token, "(session token hidden by the emulator)")
}

// spacedHex is S3's …Bytes rendering: each byte as two hex digits, separated by spaces.
func spacedHex(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(hex.EncodeToString([]byte{s[i]}))
	}
	return b.String()
}

// s3Authorize authorizes a call with trustpolicy.Authorize and, when refused, answers
// AccessDenied in the words of S3's access denied messages: "User: ARN is not authorized to
// perform: s3:ListBucket on resource: "arn:aws:s3:::BUCKET" because no identity-based policy
// allows the s3:ListBucket action" (the S3 User Guide's "Troubleshoot access denied (403
// Forbidden) errors"; ListAllMyBuckets names no resource).
func (s *s3Emulator) s3Authorize(c *s3Call, caller identity, req request, onResource string) bool {
	req.region = signingRegion(c.r)
	req.keys["s3:authType"] = []string{"REST-HEADER"}
	if c.r.Header.Get("Authorization") == "" {
		req.keys["s3:authType"] = []string{"REST-QUERY-STRING"}
	}
	req.keys["s3:signatureversion"] = []string{sigv4.Algorithm}
	if h := c.r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		req.keys["s3:x-amz-content-sha256"] = []string{h}
	}
	ctx, a := s.authorize(c.r, caller, req)
	if a.Decision == trustpolicy.Allow {
		s.log(Event{Time: c.now, Service: "s3", Action: c.operation, Resource: c.resource, Principal: caller.arn, Decision: "allow", Detail: a.Reason(ctx)})
		return true
	}
	if onResource != "" {
		onResource = `"` + onResource + `"`
	}
	msg := deniedMessage(caller.arn, req.action, onResource, a)
	c.evidence = authorizationEvidence(a)
	s.s3Error(c, http.StatusForbidden, "AccessDenied", msg, checkPermissions, a.Reason(ctx))
	return false
}

// s3Owner is the bucket owner: the account's canonical user id (64 hex digits, derived from the
// account). DisplayName, optional in S3's model, is not sent: the emulator has none.
type s3Owner struct {
	ID string `xml:"ID"`
}

func ownerOf(account string) s3Owner {
	sum := sha256.Sum256([]byte("ststest canonical user " + account))
	return s3Owner{ID: hex.EncodeToString(sum[:])}
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name  `xml:"ListAllMyBucketsResult"`
	Xmlns             string    `xml:"xmlns,attr"`
	Owner             s3Owner   `xml:"Owner"`
	Buckets           s3Buckets `xml:"Buckets"`
	ContinuationToken string    `xml:"ContinuationToken,omitempty"`
	Prefix            string    `xml:"Prefix,omitempty"`
}

type s3Buckets struct {
	Bucket []s3Bucket `xml:"Bucket"`
}

type s3Bucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
}

// s3Time is S3's timestamp format, milliseconds included: 2009-10-12T17:50:30.000Z.
func s3Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// configTime is an RFC 3339 time of the config, or the server's start when empty.
func (sv *services) configTime(s string) time.Time {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	return sv.started
}

// listBuckets answers ListBuckets: every bucket of the account, sorted by name, after the
// prefix and continuation-token parameters, at most max-buckets (1–10000) of them.
func (s *s3Emulator) listBuckets(c *s3Call, caller identity, v *view) {
	if !s.s3Authorize(c, caller, request{action: "s3:ListAllMyBuckets", resource: "arn:aws:s3:::*", keys: map[string][]string{}}, "") {
		return
	}
	q := c.r.URL.Query()
	max := 10000
	if m := q.Get("max-buckets"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 10000 {
			s.s3Error(c, http.StatusBadRequest, "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.", checkRequest, "",
				"ArgumentName", "max-buckets", "ArgumentValue", m)
			return
		}
		max = n
	}
	after, ok := decodeToken(q.Get("continuation-token"))
	if !ok {
		s.s3Error(c, http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect", checkRequest, "",
			"ArgumentName", "continuation-token")
		return
	}
	names := make([]Bucket, len(v.buckets))
	copy(names, v.buckets)
	sort.Slice(names, func(i, j int) bool { return names[i].Name < names[j].Name })
	res := listAllMyBucketsResult{Xmlns: s3Namespace, Owner: ownerOf(v.account), Prefix: q.Get("prefix"), Buckets: s3Buckets{Bucket: []s3Bucket{}}}
	for _, b := range names {
		if !strings.HasPrefix(b.Name, res.Prefix) || (after != "" && b.Name <= after) {
			continue
		}
		if len(res.Buckets.Bucket) == max {
			res.ContinuationToken = encodeToken(res.Buckets.Bucket[max-1].Name)
			break
		}
		res.Buckets.Bucket = append(res.Buckets.Bucket, s3Bucket{Name: b.Name, CreationDate: s3Time(s.configTime(b.CreationDate))})
	}
	s.s3Write(c, http.StatusOK, &res)
}

// listBucketResult is ListObjectsV2's result, its elements in the order of the S3 API
// Reference's ListObjectsV2 examples (Name, Prefix, StartAfter, ContinuationToken,
// NextContinuationToken, KeyCount, MaxKeys, Delimiter, IsTruncated, Contents, CommonPrefixes;
// EncodingType's place is not shown there).
type listBucketResult struct {
	XMLName               xml.Name         `xml:"ListBucketResult"`
	Xmlns                 string           `xml:"xmlns,attr"`
	Name                  string           `xml:"Name"`
	Prefix                string           `xml:"Prefix"`
	StartAfter            string           `xml:"StartAfter,omitempty"`
	ContinuationToken     string           `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string           `xml:"NextContinuationToken,omitempty"`
	KeyCount              int              `xml:"KeyCount"`
	MaxKeys               int              `xml:"MaxKeys"`
	Delimiter             string           `xml:"Delimiter,omitempty"`
	EncodingType          string           `xml:"EncodingType,omitempty"`
	IsTruncated           bool             `xml:"IsTruncated"`
	Contents              []s3Object       `xml:"Contents"`
	CommonPrefixes        []s3CommonPrefix `xml:"CommonPrefixes"`
}

type s3Object struct {
	Key          string   `xml:"Key"`
	LastModified string   `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
	Size         int64    `xml:"Size"`
	StorageClass string   `xml:"StorageClass"`
	Owner        *s3Owner `xml:"Owner,omitempty"`
}

type s3CommonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// listObjectsV2 answers ListObjectsV2 on bucket b: its keys in UTF-8 binary order after
// start-after and the continuation token, under prefix, rolled up into CommonPrefixes at the
// delimiter, at most max-keys (default and cap 1000) keys and prefixes together; with
// encoding-type=url the keys and prefixes are URL-encoded (botocore asks for it and decodes
// them only when the reply says EncodingType url, PROTOCOL.md §16.4 gotcha 5).
func (s *s3Emulator) listObjectsV2(c *s3Call, caller identity, v *view, b *Bucket) {
	q := c.r.URL.Query()
	keys := map[string][]string{}
	for _, k := range []string{"prefix", "delimiter", "max-keys"} {
		if q.Has(k) {
			keys["s3:"+k] = []string{q.Get(k)}
		}
	}
	resource := "arn:aws:s3:::" + b.Name
	if !s.s3Authorize(c, caller, request{action: "s3:ListBucket", resource: resource, keys: keys}, resource) {
		return
	}
	invalid := func(msg, name, value string) {
		s.s3Error(c, http.StatusBadRequest, "InvalidArgument", msg, checkRequest, "", "ArgumentName", name, "ArgumentValue", value)
	}
	maxKeys := 1000
	if m := q.Get("max-keys"); q.Has("max-keys") {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 {
			invalid("Provided max-keys not an integer or within integer range", "max-keys", m)
			return
		}
		maxKeys = min(n, 1000)
	}
	enc := q.Get("encoding-type")
	if q.Has("encoding-type") && enc != "url" {
		invalid("Invalid Encoding Method specified in Request", "encoding-type", enc)
		return
	}
	marker, ok := decodeToken(q.Get("continuation-token"))
	if !ok {
		invalid("The continuation token provided is incorrect", "continuation-token", q.Get("continuation-token"))
		return
	}
	prefix, delim, startAfter := q.Get("prefix"), q.Get("delimiter"), q.Get("start-after")
	if startAfter > marker {
		marker = startAfter
	}
	objs := make([]Object, len(b.Objects))
	copy(objs, b.Objects)
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
	encode := func(s string) string {
		if enc != "url" {
			return s
		}
		// S3's exact set of escaped characters is not documented; botocore decodes with
		// unquote_plus, which reads this encoding. The slash is left as it is.
		return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
	}
	res := listBucketResult{Xmlns: s3Namespace, Name: b.Name, Prefix: encode(prefix), Delimiter: encode(delim),
		StartAfter: encode(startAfter), ContinuationToken: q.Get("continuation-token"), MaxKeys: maxKeys, EncodingType: enc}
	var owner *s3Owner
	if q.Get("fetch-owner") == "true" {
		o := ownerOf(v.account)
		owner = &o
	}
	// A marker that is a common prefix (the delimiter ends it, after the prefix) skips every
	// key under it, listed as that one prefix already.
	markerPrefix := ""
	if rest, ok := strings.CutPrefix(marker, prefix); ok && delim != "" {
		if i := strings.Index(rest, delim); i >= 0 && i == len(rest)-len(delim) {
			markerPrefix = marker
		}
	}
	last := "" // the last key or common prefix listed
	for _, o := range objs {
		if !strings.HasPrefix(o.Key, prefix) || o.Key <= marker || (markerPrefix != "" && strings.HasPrefix(o.Key, markerPrefix)) {
			continue
		}
		item, isPrefix := o.Key, false
		if delim != "" {
			if i := strings.Index(o.Key[len(prefix):], delim); i >= 0 {
				item, isPrefix = o.Key[:len(prefix)+i+len(delim)], true
			}
		}
		if item == last {
			continue // another key under the common prefix just listed
		}
		if res.KeyCount == maxKeys {
			// Another item follows: the listing is truncated. With max-keys 0 nothing is ever
			// listed, so the emulator says not truncated rather than hand out a token that
			// would make a paginating client loop (what S3 does there is not documented).
			if maxKeys > 0 {
				res.IsTruncated, res.NextContinuationToken = true, encodeToken(last)
			}
			break
		}
		last = item
		res.KeyCount++
		if isPrefix {
			res.CommonPrefixes = append(res.CommonPrefixes, s3CommonPrefix{Prefix: encode(item)})
			continue
		}
		res.Contents = append(res.Contents, s3Object{Key: encode(o.Key), LastModified: s3Time(s.configTime(o.LastModified)),
			ETag: etagOf(o), Size: o.Size, Owner: owner, StorageClass: "STANDARD"})
	}
	s.s3Write(c, http.StatusOK, &res)
}

// etagOf is an object's ETag in S3's quotes: the config's, or the MD5 of its key and size.
func etagOf(o Object) string {
	if o.ETag != "" {
		return `"` + strings.Trim(o.ETag, `"`) + `"`
	}
	sum := md5.Sum([]byte(o.Key + "\x00" + strconv.FormatInt(o.Size, 10)))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// encodeToken and decodeToken make the opaque continuation tokens of the listings: the last
// name listed, base64. "" decodes to "".
func encodeToken(after string) string {
	return base64.StdEncoding.EncodeToString([]byte("ststest\x00" + after))
}

func decodeToken(tok string) (string, bool) {
	if tok == "" {
		return "", true
	}
	b, err := base64.StdEncoding.DecodeString(tok)
	after, ok := strings.CutPrefix(string(b), "ststest\x00")
	return after, err == nil && ok
}

// s3Headers sets the headers S3 answers with: the request id and host id, Date, Server.
func s3Headers(c *s3Call) {
	h := c.w.Header()
	h.Set("X-Amz-Request-Id", c.reqID)
	h.Set("X-Amz-Id-2", c.host)
	h.Set("Date", c.now.Format(http.TimeFormat))
	h.Set("Server", "AmazonS3")
	h.Set("Content-Type", "application/xml")
}

// s3Write answers a result document: the XML declaration, then the document on one line, as
// S3 sends it.
func (s *s3Emulator) s3Write(c *s3Call, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil { // only our own fixed types are marshalled
		http.Error(c.w, "ststest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s3Send(c, status, append([]byte(xml.Header), awsEntities(b)...))
}

func s3Send(c *s3Call, status int, body []byte) {
	s3Headers(c)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		c.w.Write(body)
	}
}

// s3Error answers S3's Error document — Code, Message, the code's own elements (extra: name,
// value pairs, in order), RequestId, HostId; no namespace — and logs the refusal.
func (s *s3Emulator) s3Error(c *s3Call, status int, code, msg, check, detail string, extra ...string) {
	s.log(Event{Time: c.now, Service: "s3", Action: c.operation, Resource: c.resource, Principal: c.principal, Decision: "deny", Code: code, Check: check, Detail: detail, Evidence: c.evidence})
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Error>")
	element(&b, "Code", code)
	element(&b, "Message", msg)
	for i := 0; i+1 < len(extra); i += 2 {
		element(&b, extra[i], extra[i+1])
	}
	element(&b, "RequestId", c.reqID)
	element(&b, "HostId", c.host)
	b.WriteString("</Error>")
	s3Send(c, status, b.Bytes())
}

// element writes <name>text</name>, escaping text as AWS does: newlines kept (S3's
// StringToSign and CanonicalRequest span lines), & < > " ' as entities, a carriage return as
// a character reference, and a control character XML 1.0 cannot carry as U+FFFD.
func element(b *bytes.Buffer, name, text string) {
	fmt.Fprintf(b, "<%s>", name)
	for _, r := range text {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&apos;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\r':
			b.WriteString("&#xD;")
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			b.WriteRune('\uFFFD') // not a character XML 1.0 can carry

		default:
			b.WriteRune(r)
		}
	}
	fmt.Fprintf(b, "</%s>", name)
}
