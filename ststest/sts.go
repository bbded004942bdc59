package ststest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
)

const (
	// exampleTokenPrefix starts every emulated session token; random base64 follows it.
	exampleTokenPrefix = "IQoJb3JpZ2luX2VjEXAMPLE"
	defaultDuration    = 3600
)

// msgNotJWT is STS's message for a WebIdentityToken that is not a JWT (ANCHORS.md (c) row 7).
const msgNotJWT = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"

// emulator is the default STS handler over the Query protocol: the unsigned
// AssumeRoleWithWebIdentity, and the signed calls of signed.go, verified against the keys it
// issued. It is safe for concurrent use.
type emulator struct {
	now  func() time.Time
	keys keyring
}

// ServeHTTP answers one STS Query-protocol request: it reads the body under the 1 MiB cap,
// dispatches on Action and Version, and answers anything else with InvalidAction.
func (e *emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	if r.URL.Path != "/" {
		writeError(w, http.StatusNotFound, "Sender", "InvalidAction",
			fmt.Sprintf("Could not find operation at path %s", r.URL.Path), reqID, e.now())
		return
	}
	// The body is read once for the signature check and handed back to ParseForm.
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	if err != nil || len(body) > httpx.MaxBodySize {
		writeError(w, http.StatusRequestEntityTooLarge, "Sender", "RequestEntityTooLarge",
			"Request body unreadable or over 1 MiB", reqID, e.now())
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "Sender", "MalformedQueryString",
			"The query string or form body is not valid form encoding", reqID, e.now())
		return
	}
	action, version := r.Form.Get("Action"), r.Form.Get("Version")
	switch {
	case action == "AssumeRoleWithWebIdentity" && version == apiVersion:
		e.assumeRoleWithWebIdentity(w, r.Form, reqID)
	case signedActions[action] != nil && version == apiVersion:
		e.signed(w, r, body, action, reqID)
	default:
		if version == "" {
			version = "(none)"
		}
		if action == "" {
			action = "(none)"
		}
		writeError(w, http.StatusBadRequest, "Sender", "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", action, version), reqID, e.now())
	}
}

func (e *emulator) assumeRoleWithWebIdentity(w http.ResponseWriter, form url.Values, reqID string) {
	now := e.now().UTC()
	in, err := inputFromForm(form)
	if e.invalid(w, form, reqID, now, in, err) {
		return
	}
	role, ok := e.resolveRole(w, reqID, now, in.RoleArn, in.DurationSeconds)
	if !ok {
		return
	}
	// jwtinspect reads the token as STS does, without checking its signature. STS does not
	// trim, so a token jwtinspect had to trim is not a JWT either.
	var claims jwtinspect.Claims
	if tok, err := jwtinspect.Decode(in.WebIdentityToken); err == nil && tok.Trimmed == "" {
		claims = tok.Claims
	} else if in.ProviderId == "" { // OAuth 2.0 access tokens (ProviderId) are opaque
		writeError(w, http.StatusBadRequest, "Sender", "InvalidIdentityToken", msgNotJWT, reqID, now)
		return
	}
	// The session is remembered, so its key can sign GetCallerIdentity and AssumeRole.
	id := e.keys.issue(role.session(in.RoleSessionName, claims.SourceIdentity), now, role.expires(now))
	res := assumeRoleWithWebIdentityResult{
		Credentials:                 credentialsOf(id),
		SubjectFromWebIdentityToken: claims.Subject,
		AssumedRoleUser:             &assumedRoleUser{Arn: id.arn, AssumedRoleID: id.userID},
		Provider:                    claims.Issuer,
		SourceIdentity:              claims.SourceIdentity,
	}
	if len(claims.Audience) > 0 {
		res.Audience = claims.Audience[0]
	}
	if in.ProviderId != "" {
		res.Provider = in.ProviderId
	}
	res.PackedPolicySize = packedPolicySize(len(in.Policy) + len(strings.Join(in.PolicyArns, "")))
	writeXML(w, http.StatusOK, reqID, now, &assumeRoleWithWebIdentityResponse{
		Xmlns: namespace, Result: res, RequestID: reqID,
	})
}

// invalid reports whether a request's input is invalid, and then writes STS's
// ValidationError. in was built from form (buildErr is the builder's error) and is checked with
// the client's own Validate, so that the emulator and the client cannot disagree.
func (e *emulator) invalid(w http.ResponseWriter, form url.Values, reqID string, now time.Time, in interface{ Validate() error }, buildErr error) bool {
	err := buildErr
	if err == nil {
		err = in.Validate()
	}
	if err == nil {
		return false
	}
	writeError(w, http.StatusBadRequest, "Sender", "ValidationError", validationMessage(err, form), reqID, now)
	return true
}

// targetRole is the role a validated AssumeRole or AssumeRoleWithWebIdentity names, and how long
// its session lasts.
type targetRole struct {
	arn, partition, account, name string
	duration                      time.Duration // the request's DurationSeconds, or an hour
}

// resolveRole splits a validated role ARN and defaults the session duration (seconds, 0 = not
// given). On a role ARN STS would refuse it writes STS's ValidationError and returns false.
func (e *emulator) resolveRole(w http.ResponseWriter, reqID string, now time.Time, roleARN string, durationSeconds int) (targetRole, bool) {
	account, name, ok := parseRoleARN(roleARN)
	if !ok {
		writeError(w, http.StatusBadRequest, "Sender", "ValidationError", "Request ARN is invalid", reqID, now)
		return targetRole{}, false
	}
	if durationSeconds == 0 {
		durationSeconds = defaultDuration
	}
	return targetRole{
		arn: roleARN, partition: strings.SplitN(roleARN, ":", 3)[1], account: account, name: name,
		duration: time.Duration(durationSeconds) * time.Second,
	}, true
}

// session is the identity of a session of r named sessionName.
func (r targetRole) session(sessionName, sourceIdentity string) identity {
	return identity{
		account:        r.account,
		arn:            fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", r.partition, r.account, r.name, sessionName),
		userID:         roleID(r.arn) + ":" + sessionName,
		roleSession:    true,
		sourceIdentity: sourceIdentity,
	}
}

// expires is when a session of r started at now ends.
func (r targetRole) expires(now time.Time) time.Time { return now.Add(r.duration) }

// packedPolicySize approximates STS's PackedPolicySize for n characters of session policies
// and tags, or returns nil when there are none. STS reports the packed (compressed) size as a
// percentage of its limit; the emulator uses the plaintext size against the 2048-character
// limit.
func packedPolicySize(n int) *int {
	if n == 0 {
		return nil
	}
	pct := (n*100 + 2047) / 2048
	return &pct
}

// inputFromForm builds the client's input type from a request form, so that the emulator
// validates with the client's own rules.
func inputFromForm(form url.Values) (*sts.AssumeRoleWithWebIdentityInput, error) {
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          form.Get("RoleArn"),
		RoleSessionName:  form.Get("RoleSessionName"),
		WebIdentityToken: form.Get("WebIdentityToken"),
		ProviderId:       form.Get("ProviderId"),
		Policy:           form.Get("Policy"),
		PolicyArns:       listMembers(form, "PolicyArns.member.", ".arn"),
	}
	if d := form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return nil, errNotInteger
		}
		in.DurationSeconds = n
	}
	return in, nil
}

var errNotInteger = errors.New("DurationSeconds is not an integer")

// validationMessage renders a validation failure the way STS words its ValidationError. The
// offending value is quoted only for fields that hold no secret.
func validationMessage(err error, form url.Values) string {
	if errors.Is(err, errNotInteger) {
		return fmt.Sprintf("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be an integer",
			form.Get("DurationSeconds"))
	}
	var ie *sts.InputError
	if !errors.As(err, &ie) {
		return "1 validation error detected: " + err.Error()
	}
	field, member := ie.Field, "input"
	if field != "" {
		member = strings.ToLower(field[:1]) + field[1:]
	}
	switch field {
	case "RoleArn": // STS's own wording, with the client's reason after it
		return "Request ARN is invalid (" + ie.Problem + ")"
	case "RoleSessionName", "DurationSeconds", "ProviderId":
		return fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s",
			form.Get(field), member, ie.Problem)
	}
	return fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: %s", member, ie.Problem)
}

// parseRoleARN splits arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME.
func parseRoleARN(arn string) (account, name string, ok bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] != "iam" || p[3] != "" || len(p[4]) != 12 {
		return "", "", false
	}
	for _, c := range p[4] {
		if c < '0' || c > '9' {
			return "", "", false
		}
	}
	res, ok := strings.CutPrefix(p[5], "role/")
	if !ok || res == "" || strings.HasSuffix(res, "/") {
		return "", "", false
	}
	return p[4], res[strings.LastIndexByte(res, '/')+1:], true
}

// roleID derives a stable role id of the documented shape (AROA + 10 characters + EXAMPLE).
func roleID(roleARN string) string {
	sum := sha256.Sum256([]byte(roleARN))
	return "AROA" + base32.StdEncoding.EncodeToString(sum[:])[:10] + "EXAMPLE"
}

func newSessionToken() string {
	b := make([]byte, 96)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("ststest: crypto/rand: %v", err))
	}
	return exampleTokenPrefix + base64.StdEncoding.EncodeToString(b)
}

// newRequestID returns a random UUID (version 4) in the usual text form.
func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("ststest: crypto/rand: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func isForm(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/x-www-form-urlencoded"
}
