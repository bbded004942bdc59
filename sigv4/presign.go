package sigv4

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// presignParams are the query parameters presigning adds; any the request already has are
// replaced.
var presignParams = [...]string{
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature",
}

// PresignHTTP returns the presigned URL (query form, X-Amz-Expires) without changing r.
//
// The URL carries X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders (host and every signable header r carries, which the user of the URL
// must then send unchanged), X-Amz-Security-Token when creds has one (signed unless
// UnsignedSessionToken), and X-Amz-Signature last; the request's own query parameters come
// first, in canonical order. expires must be between one second and [MaxPresignExpiry];
// it is truncated to whole seconds. An empty payloadHash means [UnsignedPayload] for S3 and
// the rules of [Signer.SignHTTP] otherwise.
func (s *Signer) PresignHTTP(r *http.Request, creds Credentials, payloadHash, service, region string, t time.Time, expires time.Duration) (*url.URL, *Signature, error) {
	if err := checkInputs(r, creds, service, region); err != nil {
		return nil, nil, err
	}
	if expires < time.Second || expires > MaxPresignExpiry {
		return nil, nil, fmt.Errorf("sigv4: presign expiry %v is outside 1s..%v", expires, MaxPresignExpiry)
	}
	if payloadHash == "" && service == "s3" {
		payloadHash = UnsignedPayload
	}
	payloadHash, err := defaultPayloadHash(r, payloadHash, false)
	if err != nil {
		return nil, nil, err
	}
	var date [16]byte
	appendAmzDate(date[:0], t)
	hasToken := creds.SessionToken != ""

	var arr [16]headerEntry
	h, size := collectHeaders(arr[:0], r, hasToken, false)
	sortHeaders(h)

	q := make([]byte, 0, len(r.URL.RawQuery)+256+len(creds.AccessKeyID)+3*len(creds.SessionToken)+2*size)
	q = appendWithout(q, r.URL.RawQuery)
	if len(q) > 0 {
		q = append(q, '&')
	}
	q = append(q, "X-Amz-Algorithm="+Algorithm+"&X-Amz-Credential="...)
	q = appendEscape(q, creds.AccessKeyID, false)
	q = append(q, "%2F"...)
	scope := appendScope(nil, date[:8], region, service)
	q = appendEscape(q, string(scope), false)
	q = append(q, "&X-Amz-Date="...)
	q = append(q, date[:]...)
	q = append(q, "&X-Amz-Expires="...)
	q = strconv.AppendInt(q, int64(expires/time.Second), 10)
	q = append(q, "&X-Amz-SignedHeaders="...)
	for i := range h {
		if i > 0 && equalFold(h[i].name, h[i-1].name) {
			continue
		}
		if i > 0 {
			q = append(q, "%3B"...)
		}
		q = appendLowerEscaped(q, h[i].name)
	}
	if hasToken && !s.UnsignedSessionToken {
		q = append(q, "&X-Amz-Security-Token="...)
		q = appendEscape(q, creds.SessionToken, false)
	}

	sd := s.build(r, creds, h, size, string(q), "", payloadHash, service, region, &date, false)
	sig := &sd.Signature

	// The canonical query is the third line of the canonical request.
	_, rest, _ := strings.Cut(sig.CanonicalRequest, "\n")
	_, rest, _ = strings.Cut(rest, "\n")
	cq, _, _ := strings.Cut(rest, "\n")
	out := make([]byte, 0, len(cq)+len(creds.SessionToken)*3+100)
	out = append(out, cq...)
	if hasToken && s.UnsignedSessionToken {
		out = append(out, "&X-Amz-Security-Token="...)
		out = appendEscape(out, creds.SessionToken, false)
	}
	out = append(out, "&X-Amz-Signature="...)
	out = append(out, sig.Signature...)

	u := *r.URL
	u.RawQuery = string(out)
	u.ForceQuery = false
	return &u, sig, nil
}

// appendLowerEscaped appends a header name lower-cased and percent-encoded for a query: a name
// is an HTTP token, which may hold '&', '%', '+' and other characters that cannot stand bare
// in X-Amz-SignedHeaders (an '&' would end the parameter).
func appendLowerEscaped(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		if !unreserved(lower(name[i])) {
			return appendEscape(dst, string(appendLower(nil, name)), false)
		}
	}
	return appendLower(dst, name)
}

// appendWithout appends raw without the pairs named in presignParams.
func appendWithout(dst []byte, raw string) []byte {
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		name, _, _ := strings.Cut(part, "=")
		if part == "" || isPresignParam(name) {
			continue
		}
		if len(dst) > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, part...)
	}
	return dst
}

func isPresignParam(name string) bool {
	for _, p := range presignParams {
		if equalFold(name, p) {
			return true
		}
	}
	return false
}
