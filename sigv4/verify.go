package sigv4

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The sentinel errors of Verify, usable with errors.Is. Verify returns them inside a
// *VerifyError whose Reason says what differed.
var (
	ErrNotSigned           = errors.New("sigv4: request is not signed")
	ErrMalformed           = errors.New("sigv4: malformed signature fields")
	ErrUnknownAccessKey    = errors.New("sigv4: unknown access key")
	ErrScopeMismatch       = errors.New("sigv4: credential scope mismatch")
	ErrHeaderNotSigned     = errors.New("sigv4: required header not signed")
	ErrDateSkew            = errors.New("sigv4: request time too skewed")
	ErrExpired             = errors.New("sigv4: presigned request expired")
	ErrTokenMismatch       = errors.New("sigv4: security token mismatch")
	ErrPayloadHashMismatch = errors.New("sigv4: payload hash mismatch")
	ErrSignatureMismatch   = errors.New("sigv4: signature does not match")
)

// VerifyError is the error Verify returns: one of the sentinels above (Err) and what
// differed (Reason). Reason never holds a secret key or a session token.
type VerifyError struct {
	Err    error  // one of the Err* sentinels
	Reason string // what differed, e.g. "canonical request line 5 (header my-header1) differs: …"
	Cause  error  // the lookup function's error, for ErrUnknownAccessKey
}

// Error returns the sentinel's text and the reason.
func (e *VerifyError) Error() string {
	return e.Err.Error() + ": " + e.Reason
}

// Unwrap returns the sentinel and, when there is one, the lookup error.
func (e *VerifyError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// DefaultMaxSkew is how far X-Amz-Date may be from the verifier's clock: five minutes,
// as AWS allows.
const DefaultMaxSkew = 5 * time.Minute

// VerifyOptions tune Verify. The zero value accepts any region and service.
type VerifyOptions struct {
	// Region and Service, when set, must equal the credential scope's.
	Region, Service string

	// MaxSkew is the allowed distance between X-Amz-Date and now; 0 means DefaultMaxSkew.
	MaxSkew time.Duration

	// PresignedValidity, when set, is how long a presigned request is accepted after its
	// X-Amz-Date, whatever its X-Amz-Expires says (which must still be a number of seconds
	// in 1..604800). STS treats a presigned GetCallerIdentity so: it accepts one for 15
	// minutes from X-Amz-Date (the EKS token's X-Amz-Expires=60 notwithstanding; AWS does not
	// document it, aws-iam-authenticator's source says so). 0 means X-Amz-Expires decides.
	PresignedValidity time.Duration

	// RequiredHeaders are lower-case header names that must be signed, besides host and
	// (in header form) x-amz-date, e.g. "content-type" or "x-amz-security-token".
	RequiredHeaders []string

	// AllowUnsignedPayload accepts X-Amz-Content-Sha256: UNSIGNED-PAYLOAD. Service "s3"
	// always accepts it.
	AllowUnsignedPayload bool

	// ClientCanonicalRequest, when the caller has it (a test, or a client that reports
	// it), lets a signature mismatch name the first line that differs.
	ClientCanonicalRequest string

	// Signer supplies the path rules (DisableURIPathEscaping, ...) and the key cache; nil
	// means a zero Signer.
	Signer *Signer
}

// Verified describes a request whose signature checked out.
type Verified struct {
	// AccessKeyID is the key the request was signed with, from its credential scope; the
	// lookup function returned its secret.
	AccessKeyID string
	// Region is the credential scope's region, e.g. "us-east-1".
	Region string
	// Service is the credential scope's service, e.g. "sts".
	Service       string
	SignedHeaders string        // as the client listed them: "host;x-amz-date"
	Time          time.Time     // X-Amz-Date
	Presigned     bool          // query form
	Expires       time.Duration // X-Amz-Expires, for presigned requests
	Signature     *Signature    // what the verifier computed
}

// authFields are the parts of a signature, from the Authorization header or the query.
type authFields struct {
	algorithm, credential, signedHeaders, signature, date, token, expires string
	presigned                                                             bool
}

// Verify recomputes and checks a signed request in header or query (presigned) form: the
// signature, the date within MaxSkew of now, the credential scope (its date matches
// X-Amz-Date, it ends in aws4_request, optional expected region and service), host and
// x-amz-date among the signed headers, the session token against the one lookup returns,
// X-Amz-Content-Sha256 against body, and a presigned URL's expiry. body is the request
// body, already read (r.Body is not touched).
//
// A failure is a *VerifyError wrapping one of the Err* sentinels. When the recomputed
// signature differs from the client's (ErrSignatureMismatch), the returned *Verified is also
// set, holding what the verifier computed, so a server can answer the way AWS does. On every
// other error it is nil — including ErrSignatureMismatch for a header the client says it signed
// but the request lacks, where there is nothing to compare.
func Verify(r *http.Request, body []byte, lookup func(accessKeyID string) (Credentials, error), now time.Time, opts VerifyOptions) (*Verified, error) {
	if r == nil || r.URL == nil {
		return nil, fail(ErrNotSigned, "nil request")
	}
	f, err := readAuth(r)
	if err != nil {
		return nil, err
	}
	if f.algorithm != Algorithm {
		return nil, fail(ErrMalformed, fmt.Sprintf("algorithm %q is not %s", f.algorithm, Algorithm))
	}
	parts := strings.Split(f.credential, "/")
	if len(parts) != 5 || parts[0] == "" {
		return nil, fail(ErrMalformed, "credential is not AKID/date/region/service/aws4_request")
	}
	v := &Verified{AccessKeyID: parts[0], Region: parts[2], Service: parts[3], SignedHeaders: f.signedHeaders, Presigned: f.presigned}
	if v.Time, err = time.Parse(TimeFormat, f.date); err != nil || len(f.date) != len(TimeFormat) {
		return nil, fail(ErrMalformed, fmt.Sprintf("X-Amz-Date %q is not in the form 20060102T150405Z", f.date))
	}
	if err := checkScope(parts, f.date, opts); err != nil {
		return nil, err
	}
	if err := checkSignedHeaders(f, opts.RequiredHeaders); err != nil {
		return nil, err
	}
	if err := checkTime(v, f, now, opts.MaxSkew, opts.PresignedValidity); err != nil {
		return nil, err
	}
	creds, err := lookup(v.AccessKeyID)
	if err != nil {
		return nil, &VerifyError{Err: ErrUnknownAccessKey, Reason: "access key " + v.AccessKeyID + " is not known", Cause: err}
	}
	if err := checkToken(creds.SessionToken, f.token); err != nil {
		return nil, err
	}
	payloadHash, err := verifyPayload(r, body, v.Service, f.presigned, opts.AllowUnsignedPayload)
	if err != nil {
		return nil, err
	}
	h, err := signedEntries(r, f.signedHeaders)
	if err != nil {
		return nil, err
	}
	s := opts.Signer
	if s == nil {
		s = &Signer{}
	}
	creds.AccessKeyID = v.AccessKeyID
	skip := ""
	if f.presigned {
		skip = "X-Amz-Signature"
	}
	var date [16]byte
	copy(date[:], f.date)
	v.Signature = &s.build(r, creds, h, 0, r.URL.RawQuery, skip, payloadHash, v.Service, v.Region, &date, !f.presigned).Signature
	if subtle.ConstantTimeCompare([]byte(v.Signature.Signature), []byte(f.signature)) != 1 {
		return v, fail(ErrSignatureMismatch, explainMismatch(opts.ClientCanonicalRequest, v.Signature.CanonicalRequest))
	}
	return v, nil
}

func fail(sentinel error, reason string) error {
	return &VerifyError{Err: sentinel, Reason: reason}
}

// readAuth finds the signature fields in the Authorization header or the query.
func readAuth(r *http.Request) (authFields, error) {
	var f authFields
	if auth := r.Header.Get("Authorization"); auth != "" {
		alg, rest, _ := strings.Cut(auth, " ")
		f.algorithm = alg
		for _, kv := range strings.Split(rest, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(kv), "=")
			switch k {
			case "Credential":
				f.credential = val
			case "SignedHeaders":
				f.signedHeaders = val
			case "Signature":
				f.signature = val
			}
		}
		f.date = r.Header.Get("X-Amz-Date")
		f.token = r.Header.Get("X-Amz-Security-Token")
		if f.date == "" {
			return f, fail(ErrMalformed, "no X-Amz-Date header")
		}
	} else {
		q := r.URL.Query()
		if !q.Has("X-Amz-Algorithm") {
			return f, fail(ErrNotSigned, "no Authorization header and no X-Amz-Algorithm query parameter")
		}
		f.presigned = true
		f.algorithm, f.credential = q.Get("X-Amz-Algorithm"), q.Get("X-Amz-Credential")
		f.signedHeaders, f.signature = q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature")
		f.date, f.token, f.expires = q.Get("X-Amz-Date"), q.Get("X-Amz-Security-Token"), q.Get("X-Amz-Expires")
	}
	switch {
	case f.credential == "":
		return f, fail(ErrMalformed, "no Credential")
	case f.signedHeaders == "":
		return f, fail(ErrMalformed, "no SignedHeaders")
	case len(f.signature) != 64:
		return f, fail(ErrMalformed, "Signature is not 64 hex digits")
	}
	return f, nil
}

func checkScope(parts []string, date string, opts VerifyOptions) error {
	switch {
	case parts[4] != "aws4_request":
		return fail(ErrScopeMismatch, fmt.Sprintf("scope ends in %q, not aws4_request", parts[4]))
	case parts[1] != date[:8]:
		return fail(ErrScopeMismatch, fmt.Sprintf("scope date %s is not the date of X-Amz-Date %s", parts[1], date))
	case opts.Region != "" && parts[2] != opts.Region:
		return fail(ErrScopeMismatch, fmt.Sprintf("scope region %q; this endpoint is %q", parts[2], opts.Region))
	case opts.Service != "" && parts[3] != opts.Service:
		return fail(ErrScopeMismatch, fmt.Sprintf("scope service %q; this endpoint is %q", parts[3], opts.Service))
	}
	return nil
}

func checkSignedHeaders(f authFields, required []string) error {
	need := []string{"host"}
	if !f.presigned {
		need = append(need, "x-amz-date")
	}
	for _, name := range append(need, required...) {
		found := false
		for _, s := range strings.Split(f.signedHeaders, ";") {
			found = found || s == name
		}
		if !found {
			return fail(ErrHeaderNotSigned, fmt.Sprintf("%s is not among the signed headers %q", name, f.signedHeaders))
		}
	}
	return nil
}

func checkTime(v *Verified, f authFields, now time.Time, skew, validity time.Duration) error {
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	if f.presigned {
		secs, err := strconv.Atoi(f.expires)
		if err != nil || secs < 1 || time.Duration(secs)*time.Second > MaxPresignExpiry {
			return fail(ErrMalformed, fmt.Sprintf("X-Amz-Expires %q is not a number of seconds in 1..604800", f.expires))
		}
		v.Expires = time.Duration(secs) * time.Second
		if now.Before(v.Time.Add(-skew)) {
			return fail(ErrDateSkew, fmt.Sprintf("X-Amz-Date %s is %v ahead of the verifier's clock", f.date, v.Time.Sub(now)))
		}
		life := v.Expires
		if validity > 0 {
			life = validity
		}
		if end := v.Time.Add(life); now.After(end) {
			return fail(ErrExpired, fmt.Sprintf("it expired at %s, %v ago", end.UTC().Format(TimeFormat), now.Sub(end)))
		}
		return nil
	}
	if d := now.Sub(v.Time); d > skew || d < -skew {
		return fail(ErrDateSkew, fmt.Sprintf("X-Amz-Date %s is %v from the verifier's clock %s (allowed %v)",
			f.date, d.Abs(), now.UTC().Format(TimeFormat), skew))
	}
	return nil
}

func checkToken(want, got string) error {
	switch {
	case want == "" && got != "":
		return fail(ErrTokenMismatch, "the request carries X-Amz-Security-Token but the access key has no session")
	case want != "" && got == "":
		return fail(ErrTokenMismatch, "the access key belongs to a session but the request has no X-Amz-Security-Token")
	case subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1:
		return fail(ErrTokenMismatch, "X-Amz-Security-Token is not the access key's session token")
	}
	return nil
}

// verifyPayload returns the payload hash to recompute with, checking a sent
// X-Amz-Content-Sha256 against the body.
func verifyPayload(r *http.Request, body []byte, service string, presigned, allowUnsigned bool) (string, error) {
	sent := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case sent == UnsignedPayload:
		if service != "s3" && !allowUnsigned {
			return "", fail(ErrPayloadHashMismatch, "X-Amz-Content-Sha256 is UNSIGNED-PAYLOAD, which this verifier does not accept")
		}
		return sent, nil
	case sent != "":
		if got := HashPayload(body); got != sent {
			return "", fail(ErrPayloadHashMismatch, "X-Amz-Content-Sha256 "+sent+" is not the SHA-256 of the body received, "+got)
		}
		return sent, nil
	case presigned && service == "s3":
		return UnsignedPayload, nil
	}
	return HashPayload(body), nil
}

// signedEntries gathers the values of the headers the client says it signed.
func signedEntries(r *http.Request, list string) ([]headerEntry, error) {
	names := strings.Split(list, ";")
	h := make([]headerEntry, 0, len(names))
	for _, name := range names {
		name = strings.ToLower(name)
		switch vals := r.Header.Values(name); {
		case name == "host":
			host := r.Host
			if host == "" {
				host = r.URL.Host
			}
			h = append(h, headerEntry{name: name, value: host, src: fromSigner})
		case len(vals) > 0:
			h = append(h, headerEntry{name: name, values: vals, src: fromRequest})
		case name == "content-length" && r.ContentLength > 0:
			h = append(h, headerEntry{name: name, src: fromContentLength})
		default:
			return nil, fail(ErrSignatureMismatch, "signed header "+name+" is not in the request")
		}
	}
	sortHeaders(h)
	return h, nil
}
