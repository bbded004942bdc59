package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Credentials are the AWS keys a request is signed with. SessionToken is set for temporary
// credentials (those STS returns) and empty for long-term IAM user keys.
type Credentials struct {
	// AccessKeyID names the key in the credential scope, where anyone can read it: AKIA… for
	// an IAM user's long-term key, ASIA… for temporary credentials.
	AccessKeyID string
	// SecretAccessKey derives the signing key; it is never sent. Secret.
	SecretAccessKey string
	// SessionToken is sent as X-Amz-Security-Token with temporary credentials; "" for
	// long-term keys, and then no such header is sent. Secret.
	SessionToken string
}

// EmptyPayloadHash is the hex SHA-256 of an empty body, the payload hash of a request
// without one.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// UnsignedPayload is the payload hash S3 accepts in place of the body's hash, used by
// presigned S3 URLs.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Algorithm is the SigV4 algorithm name that starts the string to sign and the
// Authorization header.
const Algorithm = "AWS4-HMAC-SHA256"

// TimeFormat is the layout of X-Amz-Date: 20150830T123600Z.
const TimeFormat = "20060102T150405Z"

// MaxPresignExpiry is the longest X-Amz-Expires AWS accepts: seven days.
const MaxPresignExpiry = 7 * 24 * time.Hour

// HashPayload returns the lower-case hex SHA-256 of body.
func HashPayload(body []byte) string {
	sum := sha256.Sum256(body)
	var out [64]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// HashReadSeeker returns the lower-case hex SHA-256 of what r holds from its current
// position on, then seeks r back to that position.
func HashReadSeeker(r io.ReadSeeker) (string, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", fmt.Errorf("sigv4: hashing body: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("sigv4: hashing body: %w", err)
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return "", fmt.Errorf("sigv4: rewinding body: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Signer signs requests. Its exported fields are options; the zero value is ready to use.
// A Signer caches derived signing keys per (secret, date, region, service) and is safe for
// concurrent use once its options are set. Do not copy a Signer after first use.
type Signer struct {
	// DisableURIPathEscaping encodes the URI path once (S3's rule) instead of encoding the
	// already escaped wire path again. Service "s3" always behaves so.
	DisableURIPathEscaping bool

	// DisableURIPathNormalization keeps "." and ".." segments and empty segments in the
	// path (S3's rule). Service "s3" always behaves so.
	DisableURIPathNormalization bool

	// AddPayloadHashHeader sets and signs X-Amz-Content-Sha256 in header signing for
	// every service. Service "s3" always gets it.
	AddPayloadHashHeader bool

	// UnsignedSessionToken adds X-Amz-Security-Token after the signature is computed
	// instead of signing it, for the few services that want it so. STS and Cognito sign it:
	// leave this false for them.
	UnsignedSessionToken bool

	mu      sync.Mutex
	keys    map[keyID]*cachedKey      // guarded by mu
	last    atomic.Pointer[cachedKey] // the key used last, read without mu
	digests sync.Pool
}

// Signature is the outcome of signing, step by step. Its strings may contain the session
// token: do not log them.
type Signature struct {
	// CanonicalRequest is SigV4's first step: method, path, query, headers, signed header
	// names and payload hash, newline-separated. Compare it with the one a server reports
	// to find why a signature does not match.
	CanonicalRequest string
	// StringToSign is the second step: Algorithm, the X-Amz-Date time, the Scope and the
	// hex SHA-256 of CanonicalRequest, newline-separated.
	StringToSign  string
	Signature     string // lower-case hex
	SignedHeaders string // "host;x-amz-date"
	Scope         string // "20150830/us-east-1/service/aws4_request"
	Authorization string // the full header value (empty when presigning)
}

// SignHTTP signs r in header form: it sets X-Amz-Date, X-Amz-Security-Token (when creds
// has one; signed unless UnsignedSessionToken), X-Amz-Content-Sha256 for service "s3" (or
// with AddPayloadHashHeader), and Authorization. Host comes from r.Host, else r.URL.Host.
//
// payloadHash is the hex SHA-256 of the body ([HashPayload], [HashReadSeeker]) or
// [UnsignedPayload]. When it is empty, a request without a body gets [EmptyPayloadHash]
// and one whose GetBody is set is hashed through GetBody; any other body is an error.
func (s *Signer) SignHTTP(r *http.Request, creds Credentials, payloadHash, service, region string, t time.Time) (*Signature, error) {
	if err := checkInputs(r, creds, service, region); err != nil {
		return nil, err
	}
	payloadHash, err := defaultPayloadHash(r, payloadHash, false)
	if err != nil {
		return nil, err
	}
	var date [16]byte
	appendAmzDate(date[:0], t)
	addHash := service == "s3" || s.AddPayloadHashHeader
	signToken := creds.SessionToken != "" && !s.UnsignedSessionToken

	var arr [16]headerEntry
	h, size := collectHeaders(arr[:0], r, creds.SessionToken != "", addHash)
	h = append(h, headerEntry{name: "x-amz-date", src: fromDate})
	size += entrySize("x-amz-date", len(date))
	if signToken {
		h = append(h, headerEntry{name: "x-amz-security-token", value: creds.SessionToken, src: fromSigner})
		size += entrySize("x-amz-security-token", len(creds.SessionToken))
	}
	if addHash {
		h = append(h, headerEntry{name: "x-amz-content-sha256", value: payloadHash, src: fromSigner})
		size += entrySize("x-amz-content-sha256", len(payloadHash))
	}
	sortHeaders(h)

	sd := s.build(r, creds, h, size, r.URL.RawQuery, "", payloadHash, service, region, &date, true)

	// The header values share one allocation with the Signature; the full slice
	// expressions keep an append to one from writing into the next.
	v := sd.values[:]
	v[0], v[1], v[2], v[3] = sd.StringToSign[len(Algorithm)+1:len(Algorithm)+17], creds.SessionToken, payloadHash, sd.Authorization
	if r.Header == nil {
		r.Header = make(http.Header, 4)
	}
	r.Header["X-Amz-Date"] = v[0:1:1]
	if creds.SessionToken != "" {
		r.Header["X-Amz-Security-Token"] = v[1:2:2]
	}
	if addHash {
		r.Header["X-Amz-Content-Sha256"] = v[2:3:3]
	}
	r.Header["Authorization"] = v[3:4:4]
	return &sd.Signature, nil
}

// signed is a Signature and the header values SignHTTP sets, allocated together.
type signed struct {
	Signature
	values [4]string
}

// build writes the four steps into one buffer and slices the results out of one string.
// h must be sorted; size is what h takes (entrySize; an estimate, 0 is allowed); query is
// the raw query to canonicalise, without the pairs named skip.
func (s *Signer) build(r *http.Request, creds Credentials, h []headerEntry, size int, query, skip, payloadHash, service, region string, date *[16]byte, authz bool) *signed {
	path := wirePath(r.URL)
	s3 := service == "s3"
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	// The text's size, estimated so that a common request needs no second allocation and
	// no larger size class than it needs (every byte allocated is also a byte the garbage
	// collector is paid for): the fixed text is the canonical request's five newlines, the
	// string to sign without its scope (17+16+1+1+64), the scope without region and service
	// (23, written twice), Authorization's fixed parts (28+1+16+12) and the signature (64),
	// which is also where mac keeps its inner sum. Escaping can triple a path; doubling the
	// query covers the usual few escapes.
	est := 5 + 99 + 2*23 + 57 + 64 + len(method) + len(payloadHash) + 3*len(path) + 2*len(query) + size +
		len(creds.AccessKeyID) + 2*(len(region)+len(service))
	sd, buf := new(signed), make([]byte, 0, est)

	buf = append(buf, method...)
	buf = append(buf, '\n')
	buf = appendCanonicalURI(buf, path, s3 || s.DisableURIPathEscaping, !(s3 || s.DisableURIPathNormalization))
	buf = append(buf, '\n')
	buf = appendCanonicalQuery(buf, query, skip)
	buf = append(buf, '\n')
	buf, shStart, shEnd := appendCanonicalHeaders(buf, h, date[:], r.ContentLength)
	buf = append(buf, '\n')
	buf = append(buf, payloadHash...)
	crEnd := len(buf)
	crSum := sha256.Sum256(buf)

	buf = append(buf, Algorithm+"\n"...)
	buf = append(buf, date[:]...)
	buf = append(buf, '\n')
	scStart := len(buf)
	buf = appendScope(buf, date[:8], region, service)
	scEnd := len(buf)
	buf = append(buf, '\n')
	buf = hex.AppendEncode(buf, crSum[:])
	stsEnd := len(buf)

	// Authorization ends with the signature, so the signature is written once, at its end.
	if authz {
		buf = append(buf, Algorithm+" Credential="...)
		buf = append(buf, creds.AccessKeyID...)
		buf = append(buf, '/')
		buf = append(buf, buf[scStart:scEnd]...)
		buf = append(buf, ", SignedHeaders="...)
		buf = append(buf, buf[shStart:shEnd]...)
		buf = append(buf, ", Signature="...)
	}
	sigStart := len(buf)
	key := s.signingKey(creds.SecretAccessKey, [8]byte(date[:8]), region, service)
	mac := s.mac(key, buf, buf[crEnd:stsEnd])
	buf = hex.AppendEncode(buf, mac[:])
	// Nothing writes buf's bytes after this point and no []byte view of them leaves this
	// call, so they become the strings without a copy, as strings.Builder.String does.
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	sd.Signature = Signature{
		CanonicalRequest: all[:crEnd],
		StringToSign:     all[crEnd:stsEnd],
		Signature:        all[sigStart:],
		SignedHeaders:    all[shStart:shEnd],
		Scope:            all[scStart:scEnd],
	}
	if authz {
		sd.Authorization = all[stsEnd:]
	}
	return sd
}

// collectHeaders appends the request's signable headers: host, content-length (from
// r.ContentLength when the header map lacks it) and every header not in the unsigned list.
// X-Amz-Date and Authorization are always skipped (the signer sets them); so are
// X-Amz-Security-Token when the signer sets it (hasToken) and X-Amz-Content-Sha256 when
// the signer sets it (hasHash). It returns the entries and their total entrySize.
func collectHeaders(h []headerEntry, r *http.Request, hasToken, hasHash bool) ([]headerEntry, int) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	h = append(h, headerEntry{name: "host", value: host, src: fromSigner})
	size := entrySize("host", len(host))
	hasLength := false
	for k, v := range r.Header {
		if skipHeader(k, hasToken, hasHash) {
			continue
		}
		if len(k) == len("Content-Length") && equalFold(k, "Content-Length") {
			hasLength = true
		}
		h = append(h, headerEntry{name: k, values: v, src: fromRequest})
		n := 0
		for _, x := range v {
			n += len(x) + 1
		}
		size += entrySize(k, n)
	}
	if !hasLength && r.ContentLength > 0 {
		h = append(h, headerEntry{name: "content-length", src: fromContentLength})
		digits := 1
		for n := r.ContentLength; n >= 10; n /= 10 {
			digits++
		}
		size += entrySize("content-length", digits)
	}
	return h, size
}

// entrySize is the most a header entry adds to the signing text: its name three times (the
// canonical line and two signed-header lists), four separators and n bytes of values.
func entrySize(name string, n int) int {
	return 3*len(name) + 4 + n
}

// appendScope appends date/region/service/aws4_request.
func appendScope(dst []byte, date []byte, region, service string) []byte {
	dst = append(dst, date...)
	dst = append(dst, '/')
	dst = append(dst, region...)
	dst = append(dst, '/')
	dst = append(dst, service...)
	return append(dst, "/aws4_request"...)
}

// appendAmzDate appends t in UTC as 20060102T150405Z without going through fmt.
func appendAmzDate(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	hh, mm, ss := t.Clock()
	dst = append(dst, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	dst = append(dst, byte('0'+int(mo)/10), byte('0'+int(mo)%10), byte('0'+d/10), byte('0'+d%10), 'T')
	dst = append(dst, byte('0'+hh/10), byte('0'+hh%10), byte('0'+mm/10), byte('0'+mm%10))
	return append(dst, byte('0'+ss/10), byte('0'+ss%10), 'Z')
}

// checkInputs rejects what cannot be signed.
func checkInputs(r *http.Request, creds Credentials, service, region string) error {
	switch {
	case r == nil || r.URL == nil:
		return errors.New("sigv4: nil request or URL")
	case r.Host == "" && r.URL.Host == "":
		return errors.New("sigv4: request has no host (set r.Host or r.URL.Host)")
	case creds.AccessKeyID == "" || creds.SecretAccessKey == "":
		return errors.New("sigv4: credentials need an access key ID and a secret access key")
	case service == "" || region == "":
		return errors.New("sigv4: service and region must not be empty")
	}
	return nil
}

// defaultPayloadHash fills in an empty payload hash: UNSIGNED-PAYLOAD for presigning,
// the empty hash without a body, the hash of GetBody's copy with one.
func defaultPayloadHash(r *http.Request, payloadHash string, presign bool) (string, error) {
	if payloadHash != "" {
		return payloadHash, nil
	}
	if r.Body == nil || r.Body == http.NoBody {
		return EmptyPayloadHash, nil
	}
	if presign {
		return UnsignedPayload, nil
	}
	if r.GetBody == nil {
		return "", errors.New("sigv4: payload hash is empty and the body cannot be re-read (no GetBody)")
	}
	body, err := r.GetBody()
	if err != nil {
		return "", fmt.Errorf("sigv4: reading body for its hash: %w", err)
	}
	defer body.Close()
	hh := sha256.New()
	if _, err := io.Copy(hh, body); err != nil {
		return "", fmt.Errorf("sigv4: reading body for its hash: %w", err)
	}
	return hex.EncodeToString(hh.Sum(nil)), nil
}

// equalFold is an ASCII case-insensitive comparison.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
