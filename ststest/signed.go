package ststest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// AWS's messages for the signature and key failures of signed calls (PROTOCOL.md 1.7,
// ANCHORS.md (c) row 20).
const (
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidToken      = "The security token included in the request is invalid."
	msgExpiredToken      = "The security token included in the request is expired"
	msgMissingAuth       = "Request is missing Authentication Token"
	msgChainDuration     = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	msgSessionCallsGST   = "Cannot call GetSessionToken with session credentials"
)

// signedActions are the signed calls the emulator answers.
var signedActions = map[string]func(e *emulator, w http.ResponseWriter, form url.Values, caller identity, reqID string){
	"GetCallerIdentity": (*emulator).getCallerIdentity,
	"AssumeRole":        (*emulator).assumeRole,
	"GetSessionToken":   (*emulator).getSessionToken,
	"GetAccessKeyInfo":  (*emulator).getAccessKeyInfo,
}

// signed verifies the request's SigV4 signature with sigv4.Verify against the keys the
// emulator knows, answers a failure the way STS does, and otherwise runs the call as the
// identity behind the key.
func (e *emulator) signed(w http.ResponseWriter, r *http.Request, body []byte, action string, reqID string) {
	now := e.now().UTC()
	var caller identity
	lookup := func(akid string) (sigv4.Credentials, error) {
		id, ok := e.keys.lookup(akid)
		if !ok {
			return sigv4.Credentials{}, errors.New("ststest: no such key")
		}
		caller = id
		return id.creds, nil
	}
	_, err := sigv4.Verify(r, body, lookup, now, sigv4.VerifyOptions{Service: "sts"})
	if err != nil {
		status, code, msg := verifyFailure(err, r, now)
		writeError(w, status, "Sender", code, msg, reqID, now)
		return
	}
	if !caller.expires.IsZero() && !now.Before(caller.expires) {
		writeError(w, http.StatusBadRequest, "Sender", "ExpiredToken", msgExpiredToken, reqID, now)
		return
	}
	signedActions[action](e, w, r.Form, caller, reqID)
}

// verifyFailure maps a sigv4.Verify error to STS's status, code and message.
func verifyFailure(err error, r *http.Request, now time.Time) (int, string, string) {
	var ve *sigv4.VerifyError
	reason := err.Error()
	if errors.As(err, &ve) {
		reason = ve.Reason
	}
	switch {
	case errors.Is(err, sigv4.ErrNotSigned):
		return http.StatusForbidden, "MissingAuthenticationToken", msgMissingAuth
	case errors.Is(err, sigv4.ErrUnknownAccessKey), errors.Is(err, sigv4.ErrTokenMismatch):
		return http.StatusForbidden, "InvalidClientTokenId", msgInvalidToken
	case errors.Is(err, sigv4.ErrDateSkew):
		date := r.Header.Get("X-Amz-Date")
		return http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)",
			date, now.Add(-sigv4.DefaultMaxSkew).Format(sigv4.TimeFormat), now.Format(sigv4.TimeFormat))
	case errors.Is(err, sigv4.ErrScopeMismatch):
		return http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. (" + reason + ")"
	case errors.Is(err, sigv4.ErrMalformed), errors.Is(err, sigv4.ErrHeaderNotSigned):
		return http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to AWS standards: " + reason
	}
	return http.StatusForbidden, "SignatureDoesNotMatch", msgSignatureMismatch
}

func (e *emulator) getCallerIdentity(w http.ResponseWriter, _ url.Values, caller identity, reqID string) {
	writeXML(w, http.StatusOK, reqID, e.now(), &getCallerIdentityResponse{
		Xmlns: namespace, RequestID: reqID,
		Result: callerIdentityResult{Arn: caller.arn, UserID: caller.userID, Account: caller.account},
	})
}

func (e *emulator) assumeRole(w http.ResponseWriter, form url.Values, caller identity, reqID string) {
	now := e.now().UTC()
	in, err := assumeRoleInputFromForm(form)
	if e.invalid(w, form, reqID, now, in, err) {
		return
	}
	role, ok := e.resolveRole(w, reqID, now, in.RoleArn, in.DurationSeconds)
	if !ok {
		return
	}
	if caller.roleSession && role.duration > time.Hour {
		writeError(w, http.StatusBadRequest, "Sender", "ValidationError", msgChainDuration, reqID, now)
		return
	}
	source := caller.sourceIdentity
	if source == "" {
		source = in.SourceIdentity
	}
	id := e.keys.issue(role.session(in.RoleSessionName, source), now, role.expires(now))
	res := assumeRoleResult{
		Credentials:     credentialsOf(id),
		AssumedRoleUser: &assumedRoleUser{Arn: id.arn, AssumedRoleID: id.userID},
		SourceIdentity:  source,
	}
	n := len(in.Policy) + len(strings.Join(in.PolicyArns, ""))
	for _, t := range in.Tags {
		n += len(t.Key) + len(t.Value)
	}
	res.PackedPolicySize = packedPolicySize(n)
	writeXML(w, http.StatusOK, reqID, now, &assumeRoleResponse{Xmlns: namespace, Result: res, RequestID: reqID})
}

func (e *emulator) getSessionToken(w http.ResponseWriter, form url.Values, caller identity, reqID string) {
	now := e.now().UTC()
	if !caller.expires.IsZero() {
		writeError(w, http.StatusForbidden, "Sender", "AccessDenied", msgSessionCallsGST, reqID, now)
		return
	}
	in := &sts.GetSessionTokenInput{SerialNumber: form.Get("SerialNumber"), TokenCode: form.Get("TokenCode")}
	var err error
	if d := form.Get("DurationSeconds"); d != "" {
		if in.DurationSeconds, err = strconv.Atoi(d); err != nil {
			err = errNotInteger
		}
	}
	if e.invalid(w, form, reqID, now, in, err) {
		return
	}
	duration := in.DurationSeconds
	if duration == 0 {
		duration = 43200
	}
	// Credentials from GetSessionToken act as the user: GetCallerIdentity shows the user's ARN.
	id := e.keys.issue(identity{account: caller.account, arn: caller.arn, userID: caller.userID},
		now, now.Add(time.Duration(duration)*time.Second))
	writeXML(w, http.StatusOK, reqID, now, &getSessionTokenResponse{
		Xmlns: namespace, RequestID: reqID, Result: getSessionTokenResult{Credentials: credentialsOf(id)},
	})
}

func (e *emulator) getAccessKeyInfo(w http.ResponseWriter, form url.Values, _ identity, reqID string) {
	now := e.now().UTC()
	akid := form.Get("AccessKeyId")
	if len(akid) < 16 || len(akid) > 128 || strings.Trim(akid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		writeError(w, http.StatusBadRequest, "Sender", "ValidationError",
			"1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint: Member must have length between 16 and 128 and match pattern [\\w]*", reqID, now)
		return
	}
	// A key the emulator did not issue belongs to the emulator's one account, too.
	account := Account
	if id, ok := e.keys.lookup(akid); ok {
		account = id.account
	}
	writeXML(w, http.StatusOK, reqID, now, &getAccessKeyInfoResponse{
		Xmlns: namespace, RequestID: reqID, Result: accessKeyInfoResult{Account: account},
	})
}

// credentialsOf renders an issued identity's credentials.
func credentialsOf(id identity) *credentials {
	return &credentials{
		AccessKeyID:     id.creds.AccessKeyID,
		SecretAccessKey: id.creds.SecretAccessKey,
		SessionToken:    id.creds.SessionToken,
		Expiration:      id.expires.UTC().Format(time.RFC3339),
	}
}

// assumeRoleInputFromForm builds the client's input type from a request form, so that the
// emulator validates with the client's own rules.
func assumeRoleInputFromForm(form url.Values) (*sts.AssumeRoleInput, error) {
	in := &sts.AssumeRoleInput{
		RoleArn: form.Get("RoleArn"), RoleSessionName: form.Get("RoleSessionName"),
		ExternalId: form.Get("ExternalId"), SerialNumber: form.Get("SerialNumber"), TokenCode: form.Get("TokenCode"),
		Policy: form.Get("Policy"), SourceIdentity: form.Get("SourceIdentity"),
		PolicyArns:        listMembers(form, "PolicyArns.member.", ".arn"),
		TransitiveTagKeys: listMembers(form, "TransitiveTagKeys.member.", ""),
	}
	for n := 1; form.Has("Tags.member." + strconv.Itoa(n) + ".Key"); n++ {
		p := "Tags.member." + strconv.Itoa(n)
		in.Tags = append(in.Tags, sts.Tag{Key: form.Get(p + ".Key"), Value: form.Get(p + ".Value")})
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

// listMembers returns the values of the Query list prefix+N+suffix, N = 1, 2, ….
func listMembers(form url.Values, prefix, suffix string) []string {
	var out []string
	for n := 1; form.Has(prefix + strconv.Itoa(n) + suffix); n++ {
		out = append(out, form.Get(prefix+strconv.Itoa(n)+suffix))
	}
	return out
}
