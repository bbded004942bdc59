package ststest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
)

const (
	// exampleTokenPrefix starts every emulated session token; random base64 follows it.
	exampleTokenPrefix = "IQoJb3JpZ2luX2VjEXAMPLE"
	defaultDuration    = 3600
)

// emulator is the default STS handler over the Query protocol: the unsigned
// AssumeRoleWithWebIdentity, decided by internal/diagnose against the state, and the signed
// calls of signed.go, verified against the keys the emulator knows. It is safe for concurrent
// use.
type emulator struct{ *services }

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
		e.assumeRoleWithWebIdentity(w, r, reqID)
	case signedActions[action] != nil && version == apiVersion:
		e.signed(w, r, body, action, reqID)
	default:
		if version == "" {
			version = "(none)"
		}
		if action == "" {
			action = "(none)"
		}
		msg := fmt.Sprintf("Could not find operation %s for version %s", action, version)
		e.log(Event{Time: e.now(), Service: "sts", Action: action, Principal: accessKeyOf(r), Decision: "deny", Code: "InvalidAction", Detail: msg})
		writeError(w, http.StatusBadRequest, "Sender", "InvalidAction", msg, reqID, e.now())
	}
}

// assumeRoleWithWebIdentity answers the Query call: the parameters checked with the client's
// own rules, then the decision of webIdentitySession (internal/diagnose, as `rawsts diagnose`
// runs it), whose refusal is the error STS gives.
func (e *emulator) assumeRoleWithWebIdentity(w http.ResponseWriter, r *http.Request, reqID string) {
	now := e.now().UTC()
	form := r.Form
	in, err := inputFromForm(form)
	// Whitespace around the token is the token check's to judge, not the parameter check's:
	// whether STS trims it is not documented (jwtinspect reports it as a warning and reads the
	// token without it; the AWS SDKs send a token file's bytes as they are, trailing newline
	// included), and diagnose and the emulator must answer alike. So the parameters are
	// validated with the token trimmed, and diagnose gets the token as it came.
	var checked *sts.AssumeRoleWithWebIdentityInput
	if in != nil {
		c := *in
		c.WebIdentityToken = strings.TrimSpace(c.WebIdentityToken)
		checked = &c
	}
	if e.invalid(w, form, reqID, now, checked, err) {
		return
	}
	if in.ProviderId != "" {
		// OAuth 2.0 access tokens of Login with Amazon and Facebook are checked by asking the
		// provider, which the emulator is not: every such token is rejected as the provider
		// would reject a bad one.
		e.refuse(w, reqID, now, "AssumeRoleWithWebIdentity", in.ProviderId, &diagnose.STSError{
			Code: "IDPRejectedClaim", Message: diagnose.MsgIDPRejectedClaim, StatusCode: http.StatusForbidden, Row: 14},
			"the emulator has no OAuth 2.0 provider "+in.ProviderId)
		return
	}
	resource := roleResource(in.RoleArn)
	g, se, detail := e.webIdentitySession(r.Context(), webIdentityRequest{token: in.WebIdentityToken, roleARN: in.RoleArn,
		sessionName: in.RoleSessionName, duration: in.DurationSeconds, policy: in.Policy, policyArns: in.PolicyArns, sourceIP: remoteIP(r)})
	if se != nil {
		if g.failed != nil {
			e.refuseFailed(w, reqID, now, "AssumeRoleWithWebIdentity", resource, g.who, se, g.failed)
			return
		}
		e.refuseOn(w, reqID, now, "AssumeRoleWithWebIdentity", resource, g.who, se, detail)
		return
	}
	tok, id := g.token, g.session
	claims := tok.Claims
	detail = "session " + id.arn
	if tok.Trimmed != "" {
		// Undocumented: whether STS trims whitespace around WebIdentityToken. The AWS SDKs send
		// a token file's bytes as they are (botocore does not strip web_identity_token_file), so
		// the emulator accepts such a token, as diagnose does (a warning, surrounding-whitespace),
		// and says so here.
		detail += "; the token came with " + tok.Trimmed + ", read without it (whether STS trims it is not documented)"
	}
	e.log(Event{Time: now, Service: "sts", Action: "AssumeRoleWithWebIdentity", Resource: resource, Principal: g.who, Decision: "allow", Detail: detail})
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
	res.PackedPolicySize = packedPolicySize(len(in.Policy) + len(strings.Join(in.PolicyArns, "")))
	writeXML(w, http.StatusOK, reqID, now, &assumeRoleWithWebIdentityResponse{
		Xmlns: namespace, Result: res, RequestID: reqID,
	})
}

// refuseFailed is refuseOn (below) for a refusal of a diagnose check, failed: the event
// carries its detail, evidence and fix.
func (e *emulator) refuseFailed(w http.ResponseWriter, reqID string, now time.Time, action, resource, who string, se *diagnose.STSError, failed *diagnose.Check) {
	e.log(Event{Time: now, Service: "sts", Action: action, Resource: resource, Principal: who, Decision: "deny", Code: se.Code, Check: se.Check,
		Detail: failed.Detail, Evidence: failed.Evidence, Fix: failed.Fix})
	writeError(w, se.StatusCode, "Sender", se.Code, se.Message, reqID, now)
}

// refuse answers an STS error and logs the decision.
func (e *emulator) refuse(w http.ResponseWriter, reqID string, now time.Time, action, who string, se *diagnose.STSError, detail string) {
	e.refuseOn(w, reqID, now, action, "", who, se, detail)
}

// refuseOn is refuse for an action on a resource (a role: roleResource).
func (e *emulator) refuseOn(w http.ResponseWriter, reqID string, now time.Time, action, resource, who string, se *diagnose.STSError, detail string) {
	e.log(Event{Time: now, Service: "sts", Action: action, Resource: resource, Principal: who, Decision: "deny", Code: se.Code, Check: se.Check, Detail: detail})
	writeError(w, se.StatusCode, "Sender", se.Code, se.Message, reqID, now)
}

// arnResource is the resource part of an ARN, what the log names: role/NAME,
// userpool/POOL_ID, instance/ID, a bucket's name; the text as given when it is not an ARN
// ("*" for an action without a resource type).
func arnResource(arn string) string {
	if p := strings.SplitN(arn, ":", 6); len(p) == 6 && p[0] == "arn" && p[5] != "" {
		return p[5]
	}
	return arn
}

// webIdentityRequest is an AssumeRoleWithWebIdentity to decide: one sent to STS, or one a
// Cognito identity pool makes on its caller's behalf (the enhanced flow).
type webIdentityRequest struct {
	token, roleARN, sessionName string
	duration                    int // DurationSeconds; 0 means an hour
	policy                      string
	policyArns                  []string
	sourceIP                    string
}

// webIdentityGrant is a granted request: the session issued and the token it was issued for.
// who names the token's holder for the event log, refused requests included.
type webIdentityGrant struct {
	session identity
	token   *jwtinspect.Token
	who     string
	failed  *diagnose.Check // the check a refusal failed on, nil when none did
}

// webIdentitySession decides req with the code `rawsts diagnose` runs: internal/diagnose
// checks the token (its signature verified through the in-process transport), the account's
// OIDC providers, the request and the role's trust policy, and the first failing check is the
// error STS gives for it (diagnose's STSError). A role the account does not have is refused
// with AccessDenied "Not authorized to perform sts:AssumeRoleWithWebIdentity" once the token
// has passed: STS does not reveal whether a role exists. A role in another account meets
// that account's providers, of which the emulator has none: "No OpenIDConnect provider found
// in your account for ISS". On success the session is issued. detail says why a refusal was
// made, for the event log.
func (sv *services) webIdentitySession(ctx context.Context, req webIdentityRequest) (webIdentityGrant, *diagnose.STSError, string) {
	now := sv.now().UTC()
	v := sv.state.view()
	role, exists := v.role(req.roleARN)
	din := diagnose.Input{
		Token: req.token, Providers: v.providers, RoleARN: req.roleARN,
		SessionName: req.sessionName, DurationSeconds: req.duration, At: now,
		Verify: true, Verifier: sv.verifier, SkipThumbprint: true, Complete: true, SourceIP: req.sourceIP,
	}
	if exists {
		din.TrustPolicy, din.Policy, din.MaxSessionDuration = role.trust, role.trustPolicy, role.maxSession
	}
	rep := diagnose.Run(ctx, din)
	g := webIdentityGrant{token: rep.Token, who: "a token that is not a JWT"}
	if rep.Token != nil {
		g.who = rep.Token.Claims.Issuer + " sub " + rep.Token.Claims.Subject
	}
	if se := rep.STSError(); se != nil {
		detail := ""
		if c := rep.Check(se.Check); c != nil {
			detail, g.failed = c.Detail, c
		}
		return g, se, detail
	}
	if !exists || rep.Verdict != diagnose.Allow {
		why := "role " + req.roleARN + " does not exist in account " + v.account
		if exists {
			why = "the trust policy does not allow the request (verdict " + string(rep.Verdict) + ")"
		}
		return g, &diagnose.STSError{Code: "AccessDenied", Message: diagnose.MsgAssumeRoleWithWebIdentity, StatusCode: http.StatusForbidden, Row: 1}, why
	}
	policies, serr := sessionPolicies(req.policy, req.policyArns)
	if serr != nil {
		return g, serr, ""
	}
	target := targetRole{arn: role.arn, partition: "aws", account: v.account, name: role.name, duration: duration(req.duration)}
	sess := target.session(req.sessionName, rep.Token.Claims.SourceIdentity)
	sess.sessionPolicy, sess.sessionPolicyArns, sess.sessionPolicies = req.policy, req.policyArns, policies
	sess.tags = tokenTags(rep.Token)
	g.session = sv.keys.issue(sess, now, target.expires(now))
	return g, nil, ""
}

// roleResource is the resource part of a role ARN, role/PATH/NAME, for the log; the ARN as
// given when it is not one.
func roleResource(arn string) string {
	if p := strings.SplitN(arn, ":", 6); len(p) == 6 && strings.HasPrefix(p[5], "role/") {
		return p[5]
	}
	return arn
}

// tokenTags returns the session tags of a token's https://aws.amazon.com/tags claim (the first
// value of each principal tag), nil when it has none.
func tokenTags(tok *jwtinspect.Token) map[string]string {
	if tok == nil || tok.Claims.Tags == nil || len(tok.Claims.Tags.PrincipalTags) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range tok.Claims.Tags.PrincipalTags {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

// remoteIP is the address a request came from, aws:SourceIp.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// invalid reports whether a request's input is invalid, and then writes STS's
// ValidationError. in was built from form (buildErr is the builder's error) and is checked with
// the client's own Validate, so that the emulator and the client cannot disagree; the message
// is diagnose.ValidationError's.
func (e *emulator) invalid(w http.ResponseWriter, form url.Values, reqID string, now time.Time, in interface{ Validate() error }, buildErr error) bool {
	err := buildErr
	if err == nil {
		err = in.Validate()
	}
	if err == nil {
		return false
	}
	se := diagnose.ValidationError(err, form.Get)
	e.refuse(w, reqID, now, form.Get("Action"), "", se, "")
	return true
}

// targetRole is the role a validated AssumeRole or AssumeRoleWithWebIdentity names, and how long
// its session lasts.
type targetRole struct {
	arn, partition, account, name string
	duration                      time.Duration // the request's DurationSeconds, or an hour
}

// duration is a request's DurationSeconds (0 = not given, an hour) as a time.Duration.
func duration(seconds int) time.Duration {
	if seconds == 0 {
		seconds = defaultDuration
	}
	return time.Duration(seconds) * time.Second
}

// session is the identity of a session of r named sessionName.
func (r targetRole) session(sessionName, sourceIdentity string) identity {
	return identity{
		account:        r.account,
		arn:            fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", r.partition, r.account, r.name, sessionName),
		userID:         roleID(r.arn) + ":" + sessionName,
		roleARN:        r.arn,
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

// errNotInteger is a DurationSeconds that is not a whole number, as STS words it.
var errNotInteger = &sts.InputError{Field: "DurationSeconds", Problem: "Member must be an integer"}

// roleID derives a stable role id of the documented shape (AROA + 10 characters + EXAMPLE).
func roleID(roleARN string) string { return stableID("AROA", roleARN) }

// stableID derives a stable unique id of the documented shape: prefix (AROA for a role, AIDA
// for a user), 10 characters from a hash of name, EXAMPLE.
func stableID(prefix, name string) string {
	sum := sha256.Sum256([]byte(name))
	return prefix + base32.StdEncoding.EncodeToString(sum[:])[:10] + "EXAMPLE"
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
