package ststest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
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
	if err == nil {
		err = in.Validate()
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "Sender", "ValidationError", validationMessage(err, form), reqID, now)
		return
	}
	account, roleName, ok := parseRoleARN(in.RoleArn)
	if !ok {
		writeError(w, http.StatusBadRequest, "Sender", "ValidationError", "Request ARN is invalid", reqID, now)
		return
	}
	claims, err := decodeClaims(in.WebIdentityToken)
	if err != nil && in.ProviderId == "" { // OAuth 2.0 access tokens (ProviderId) are opaque
		writeError(w, http.StatusBadRequest, "Sender", "InvalidIdentityToken", msgNotJWT, reqID, now)
		return
	}
	duration := in.DurationSeconds
	if duration == 0 {
		duration = defaultDuration
	}
	partition := strings.SplitN(in.RoleArn, ":", 3)[1]
	source := claimString(claims, "https://aws.amazon.com/source_identity")
	// The session is remembered, so its key can sign GetCallerIdentity and AssumeRole.
	id := e.keys.issue(identity{
		account:        account,
		arn:            fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, roleName, in.RoleSessionName),
		userID:         roleID(in.RoleArn) + ":" + in.RoleSessionName,
		roleSession:    true,
		sourceIdentity: source,
	}, now.Add(time.Duration(duration)*time.Second))
	res := assumeRoleWithWebIdentityResult{
		Credentials:                 credentialsOf(id),
		SubjectFromWebIdentityToken: claimString(claims, "sub"),
		AssumedRoleUser:             &assumedRoleUser{Arn: id.arn, AssumedRoleID: id.userID},
		Provider:                    claimString(claims, "iss"),
		Audience:                    audience(claims),
		SourceIdentity:              source,
	}
	if in.ProviderId != "" {
		res.Provider = in.ProviderId
	}
	if n := len(in.Policy) + len(strings.Join(in.PolicyArns, "")); n > 0 {
		// An approximation: STS reports the packed (compressed) size as a percentage of its
		// limit; the emulator uses the plaintext size against the 2048-character limit.
		pct := (n*100 + 2047) / 2048
		res.PackedPolicySize = &pct
	}
	writeXML(w, http.StatusOK, reqID, now, &assumeRoleWithWebIdentityResponse{
		Xmlns: namespace, Result: res, RequestID: reqID,
	})
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
	}
	for n := 1; ; n++ {
		arn, ok := form["PolicyArns.member."+strconv.Itoa(n)+".arn"]
		if !ok {
			break
		}
		in.PolicyArns = append(in.PolicyArns, arn[0])
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

// decodeClaims decodes the payload of a compact JWS (three base64url segments, the first two
// JSON objects) without verifying it.
func decodeClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not three segments")
	}
	var header, claims map[string]any
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, err
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, err
	}
	return claims, nil
}

func decodeSegment(seg string, v *map[string]any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	if *v == nil {
		return errors.New("segment is not a JSON object")
	}
	return nil
}

func claimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

// audience returns aud, or its first string element when aud is an array.
func audience(claims map[string]any) string {
	switch a := claims["aud"].(type) {
	case string:
		return a
	case []any:
		if len(a) > 0 {
			s, _ := a[0].(string)
			return s
		}
	}
	return ""
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
