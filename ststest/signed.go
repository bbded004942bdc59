package ststest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/trustpolicy"
)

// STS's messages for the signed calls' own refusals.
const (
	msgChainDuration   = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	msgSessionCallsGST = "Cannot call GetSessionToken with session credentials"
)

// signedActions are the signed calls the emulator answers.
var signedActions = map[string]func(e *emulator, w http.ResponseWriter, r *http.Request, caller identity, reqID string){
	"GetCallerIdentity": (*emulator).getCallerIdentity,
	"AssumeRole":        (*emulator).assumeRole,
	"GetSessionToken":   (*emulator).getSessionToken,
	"GetAccessKeyInfo":  (*emulator).getAccessKeyInfo,
	// DecodeAuthorizationMessage is in authmsg.go, beside the messages it decodes.
	"DecodeAuthorizationMessage": (*emulator).decodeAuthorizationMessage,
}

// signed verifies the request's SigV4 signature (authenticate), answers a failure the way STS
// does, and otherwise runs the call as the identity behind the key.
func (e *emulator) signed(w http.ResponseWriter, r *http.Request, body []byte, action string, reqID string) {
	if action == "GetCallerIdentity" && isPresigned(r) { // an EKS token, sent by its cluster (eks.go)
		e.presignedCallerIdentity(w, r, body, reqID)
		return
	}
	caller, err := e.authenticate(r, body, "sts", "")
	if err != nil {
		now := e.now().UTC()
		status, code, msg := stsAuthFailure(err, r, "sts", now)
		e.log(Event{Time: now, Service: "sts", Action: action, Principal: accessKeyOf(r), Decision: "deny", Code: code, Detail: msg})
		writeError(w, status, "Sender", code, msg, reqID, now)
		return
	}
	signedActions[action](e, w, r, caller, reqID)
}

func (e *emulator) getCallerIdentity(w http.ResponseWriter, _ *http.Request, caller identity, reqID string) {
	e.log(Event{Time: e.now(), Service: "sts", Action: "GetCallerIdentity", Principal: caller.arn, Decision: "allow"})
	writeXML(w, http.StatusOK, reqID, e.now(), &getCallerIdentityResponse{
		Xmlns: namespace, RequestID: reqID,
		Result: callerIdentityResult{Arn: caller.arn, UserID: caller.userID, Account: caller.account},
	})
}

// assumeRole lets caller assume a role of the state when the role's trust policy allows
// caller (trustpolicy.Evaluate with the context trustpolicy.ContextFromCaller builds; also
// sts:TagSession when tags are passed and sts:SetSourceIdentity for a source identity), the
// duration fits the role's MaxSessionDuration and, for a role session, the one-hour cap on
// role chaining. A refusal is AccessDenied "User: CALLER is not authorized to perform:
// ACTION on resource: ROLE" (403), for a role that does not exist as well: STS does not tell
// them apart. The caller's own identity policies (policiesOf) must allow the action on the
// role too when the trust policy trusts only the account (trustpolicy.NamesCaller), and must
// not deny it explicitly: "… because no identity-based policy allows the sts:AssumeRole
// action" (deniedMessage).
func (e *emulator) assumeRole(w http.ResponseWriter, r *http.Request, caller identity, reqID string) {
	now := e.now().UTC()
	form := r.Form
	in, err := assumeRoleInputFromForm(form)
	if e.invalid(w, form, reqID, now, in, err) {
		return
	}
	v := e.state.view()
	role, exists := v.role(in.RoleArn)
	source := caller.sourceIdentity
	if source == "" {
		source = in.SourceIdentity
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	denied := func(action string) {
		e.refuseOn(w, reqID, now, "AssumeRole", roleResource(in.RoleArn), caller.arn, &diagnose.STSError{Code: "AccessDenied", StatusCode: http.StatusForbidden,
			Message: fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", caller.arn, action, in.RoleArn)}, "")
	}
	if !exists || role.trustPolicy == nil {
		denied(trustpolicy.ActionAssumeRole)
		return
	}
	principalArn := caller.arn
	if caller.roleARN != "" {
		principalArn = caller.roleARN
	}
	ctx := trustpolicy.ContextFromCaller(caller.arn, trustpolicy.CallerContextOptions{
		PrincipalArn: principalArn, UserID: caller.userID, RoleSessionName: in.RoleSessionName,
		ExternalID: in.ExternalId, SourceIdentity: in.SourceIdentity, Tags: tags, TransitiveTagKeys: in.TransitiveTagKeys,
		SourceIP: remoteIP(r), SecureTransport: r.TLS != nil, Now: now,
	})
	actions := []string{trustpolicy.ActionAssumeRole}
	if len(in.Tags) > 0 {
		actions = append(actions, trustpolicy.ActionTagSession)
	}
	if in.SourceIdentity != "" {
		actions = append(actions, trustpolicy.ActionSetSourceIdentity)
	}
	for _, a := range actions {
		ctx.Action = a
		trust := trustpolicy.Evaluate(role.trustPolicy, ctx)
		if trust.Decision != trustpolicy.Allow {
			denied(a)
			return
		}
		// The caller's own identity policies (STS API Reference, AssumeRole; IAM User Guide,
		// "Policy evaluation logic"): a trust policy that names the caller is enough on its own
		// within the account; one that trusts only the account needs an identity-policy allow
		// of the action on the role as well; an explicit deny refuses either way.
		ic, auth := e.authorize(r, caller, request{action: a, resource: role.arn, region: signingRegion(r)})
		if auth.Decision == trustpolicy.ExplicitDeny || (auth.Decision != trustpolicy.Allow && !trustpolicy.NamesCaller(role.trustPolicy, trust, ctx)) {
			e.refuseOn(w, reqID, now, "AssumeRole", roleResource(in.RoleArn), caller.arn, &diagnose.STSError{Code: "AccessDenied", StatusCode: http.StatusForbidden,
				Check: checkPermissions, Message: deniedMessage(caller.arn, a, in.RoleArn, auth)}, "the trust policy trusts the account only, and "+auth.Reason(ic))
			return
		}
	}
	d := duration(in.DurationSeconds)
	switch {
	case caller.roleSession && d > time.Hour:
		e.refuse(w, reqID, now, "AssumeRole", caller.arn, &diagnose.STSError{Code: "ValidationError", StatusCode: http.StatusBadRequest, Message: msgChainDuration}, "")
		return
	case in.DurationSeconds > role.maxSession:
		e.refuse(w, reqID, now, "AssumeRole", caller.arn, &diagnose.STSError{Code: "ValidationError", StatusCode: http.StatusBadRequest, Row: 9,
			Message: diagnose.MsgDurationExceedsMax}, "")
		return
	}
	policies, serr := sessionPolicies(in.Policy, in.PolicyArns)
	if serr != nil {
		e.refuse(w, reqID, now, "AssumeRole", caller.arn, serr, "")
		return
	}
	target := targetRole{arn: role.arn, partition: "aws", account: v.account, name: role.name, duration: d}
	sess := target.session(in.RoleSessionName, source)
	sess.sessionPolicy, sess.sessionPolicyArns, sess.sessionPolicies = in.Policy, in.PolicyArns, policies
	if len(tags) > 0 {
		sess.tags = tags
	}
	id := e.keys.issue(sess, now, target.expires(now))
	e.log(Event{Time: now, Service: "sts", Action: "AssumeRole", Resource: roleResource(in.RoleArn), Principal: caller.arn, Decision: "allow", Detail: "session " + id.arn})
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

func (e *emulator) getSessionToken(w http.ResponseWriter, r *http.Request, caller identity, reqID string) {
	now := e.now().UTC()
	form := r.Form
	if !caller.expires.IsZero() {
		e.refuse(w, reqID, now, "GetSessionToken", caller.arn, &diagnose.STSError{Code: "AccessDenied", StatusCode: http.StatusForbidden, Message: msgSessionCallsGST}, "")
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
	e.log(Event{Time: now, Service: "sts", Action: "GetSessionToken", Principal: caller.arn, Decision: "allow"})
	writeXML(w, http.StatusOK, reqID, now, &getSessionTokenResponse{
		Xmlns: namespace, RequestID: reqID, Result: getSessionTokenResult{Credentials: credentialsOf(id)},
	})
}

func (e *emulator) getAccessKeyInfo(w http.ResponseWriter, r *http.Request, caller identity, reqID string) {
	now := e.now().UTC()
	form := r.Form
	akid := form.Get("AccessKeyId")
	if len(akid) < 16 || len(akid) > 128 || strings.Trim(akid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		e.log(Event{Time: now, Service: "sts", Action: "GetAccessKeyInfo", Principal: caller.arn, Decision: "deny", Code: "ValidationError", Detail: "AccessKeyId is not an access key id"})
		writeError(w, http.StatusBadRequest, "Sender", "ValidationError",
			"1 validation error detected: Value at 'accessKeyId' failed to satisfy constraint: Member must have length between 16 and 128 and match pattern [\\w]*", reqID, now)
		return
	}
	// A key the emulator did not issue belongs to the emulator's one account, too.
	account := e.state.view().account
	if id, ok := e.keys.lookup(akid); ok {
		account = id.account
	}
	e.log(Event{Time: now, Service: "sts", Action: "GetAccessKeyInfo", Resource: akid, Principal: caller.arn, Decision: "allow"})
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
