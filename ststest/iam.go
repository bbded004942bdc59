package ststest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/trustpolicy"
)

// IAM's Query API (2010-05-08, PROTOCOL.md §11) over the emulator's state: the OIDC providers
// and roles a setup script creates as the walkthrough does in the console, and the reads
// `rawsts diagnose --fetch` makes. Every call is signed (authenticate, service iam) and
// authorized (allowed, action iam:OPERATION on the entity's ARN); every change goes through
// state.update, so the roles and providers made here are the ones STS evaluates next.

const (
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
	iamVersion   = "2010-05-08"
)

// iamEmulator answers IAM's Query protocol. It is safe for concurrent use.
type iamEmulator struct {
	*services
	// started is the CreateDate of the roles and providers whose config gives none.
	started time.Time
}

// iamError is an IAM ErrorResponse: its status, Code and Message (PROTOCOL.md §11.3).
type iamError struct {
	status        int
	code, message string
}

func (e *iamError) Error() string { return e.code + ": " + e.message }

// The IAM error codes the emulator answers, with the statuses of IAM's model.
func noSuchEntity(format string, args ...any) *iamError {
	return &iamError{http.StatusNotFound, "NoSuchEntity", fmt.Sprintf(format, args...)}
}

func alreadyExists(format string, args ...any) *iamError {
	return &iamError{http.StatusConflict, "EntityAlreadyExists", fmt.Sprintf(format, args...)}
}

func limitExceeded(format string, args ...any) *iamError {
	return &iamError{http.StatusConflict, "LimitExceeded", fmt.Sprintf(format, args...)}
}

func invalidInput(format string, args ...any) *iamError {
	return &iamError{http.StatusBadRequest, "InvalidInput", fmt.Sprintf(format, args...)}
}

func iamValidation(format string, args ...any) *iamError {
	return &iamError{http.StatusBadRequest, "ValidationError", "1 validation error detected: " + fmt.Sprintf(format, args...)}
}

// iamCall is one call being served: its parameters, its verified caller and the
// authorization step every operation takes once it knows the entity it acts on.
type iamCall struct {
	e          *iamEmulator
	r          *http.Request
	form       url.Values
	action     string
	caller     identity
	now        time.Time
	authorized bool   // set by authorize; a reply without it is a bug of the operation
	resource   string // what the log names: role/NAME, oidc-provider/HOST, "*" (set by authorize)
	detail     string // what the call did, for the event log (never a secret)
}

// iamOps are the operations the emulator answers. Each validates its parameters, calls
// authorize with the ARN of the entity it acts on, and returns its Result element (nil for an
// operation without output).
var iamOps = map[string]func(q *iamCall) (any, *iamError){
	"CreateOpenIDConnectProvider":           (*iamCall).createOpenIDConnectProvider,
	"GetOpenIDConnectProvider":              (*iamCall).getOpenIDConnectProvider,
	"ListOpenIDConnectProviders":            (*iamCall).listOpenIDConnectProviders,
	"UpdateOpenIDConnectProviderThumbprint": (*iamCall).updateOpenIDConnectProviderThumbprint,
	"DeleteOpenIDConnectProvider":           (*iamCall).deleteOpenIDConnectProvider,
	"CreateRole":                            (*iamCall).createRole,
	"GetRole":                               (*iamCall).getRole,
	"ListRoles":                             (*iamCall).listRoles,
	"DeleteRole":                            (*iamCall).deleteRole,
	"UpdateAssumeRolePolicy":                (*iamCall).updateAssumeRolePolicy,
	"PutRolePolicy":                         (*iamCall).putRolePolicy,
	"GetRolePolicy":                         (*iamCall).getRolePolicy,
	"DeleteRolePolicy":                      (*iamCall).deleteRolePolicy,
	"AttachRolePolicy":                      (*iamCall).attachRolePolicy,
	"DetachRolePolicy":                      (*iamCall).detachRolePolicy,
}

// ServeHTTP answers one IAM Query request: the body read under the 1 MiB cap, the Action and
// Version dispatched, the signature verified, then the operation.
func (e *iamEmulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	now := e.now().UTC()
	fail := func(q *iamCall, err *iamError) {
		ev := Event{Time: now, Service: "iam", Action: q.action, Resource: q.resource, Principal: q.caller.arn, Decision: "deny", Code: err.code, Detail: err.message}
		e.log(ev)
		writeQueryError(w, iamNamespace, err.status, "Sender", err.code, err.message, reqID, now)
	}
	q := &iamCall{e: e, r: r, now: now}
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	if err != nil || len(body) > httpx.MaxBodySize {
		fail(q, &iamError{http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body unreadable or over 1 MiB"})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if r.URL.Path != "/" || r.ParseForm() != nil {
		fail(q, &iamError{http.StatusBadRequest, "MalformedQueryString", "The query string or form body is not valid form encoding"})
		return
	}
	q.form, q.action = r.Form, r.Form.Get("Action")
	op := iamOps[q.action]
	if op == nil || q.form.Get("Version") != iamVersion {
		fail(q, &iamError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("Could not find operation %s for version %s", orNone(q.action), orNone(q.form.Get("Version")))})
		return
	}
	// IAM is global: AWS's endpoint takes signatures for us-east-1 only, but a client given
	// --endpoint-url signs with its configured region (botocore's endpoint rules set no
	// signing region for a custom endpoint), so the emulator takes any region.
	if q.caller, err = e.authenticate(r, body, "iam", ""); err != nil {
		status, code, msg := stsAuthFailure(err, r, "iam", now)
		fail(q, &iamError{status, code, msg})
		return
	}
	result, ierr := op(q)
	if ierr == nil && !q.authorized {
		ierr = &iamError{http.StatusInternalServerError, "ServiceFailure", "ststest: " + q.action + " answered without authorizing the call"}
	}
	if ierr != nil {
		fail(q, ierr)
		return
	}
	e.log(Event{Time: now, Service: "iam", Action: q.action, Resource: q.resource, Principal: q.caller.arn, Decision: "allow", Detail: q.detail})
	writeIAM(w, reqID, now, q.action, result)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// authorize is the call's authorization step: iam:ACTION on resource, decided by allowed. A
// refusal is IAM's AccessDenied (403) "User: ARN is not authorized to perform: iam:ACTION on
// resource: RESOURCE because no identity-based policy allows the iam:ACTION action".
func (q *iamCall) authorize(resource string) *iamError {
	q.authorized, q.resource = true, arnResource(resource)
	action := "iam:" + q.action
	ok, reason := q.e.allowed(q.r, q.caller, action, resource)
	if ok {
		return nil
	}
	return &iamError{http.StatusForbidden, "AccessDenied",
		fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because %s", q.caller.arn, action, resource, reason)}
}

// The model's constraints on the parameters (botocore iam/2010-05-08/service-2.json), checked
// as IAM checks them, with its ValidationError wording: "1 validation error detected: Value
// 'X' at 'member' failed to satisfy constraint: Member must …".
type iamParam struct {
	name     string // as sent: RoleName
	min, max int    // length in characters; max 0 means no limit
	pattern  string // the model's pattern, matched against the whole value; "" for none
}

var (
	pRoleName      = iamParam{"RoleName", 1, 64, `[\w+=,.@-]+`}
	pPolicyName    = iamParam{"PolicyName", 1, 128, `[\w+=,.@-]+`}
	pPath          = iamParam{"Path", 1, 512, `(\x{002F})|(\x{002F}[\x{0021}-\x{007F}]+\x{002F})`}
	pPathPrefix    = iamParam{"PathPrefix", 1, 512, `\x{002F}[\x{0021}-\x{007F}]*`}
	pDocument      = iamParam{"PolicyDocument", 1, 131072, `[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`}
	pTrustDocument = iamParam{"AssumeRolePolicyDocument", 1, 131072, pDocument.pattern}
	pDescription   = iamParam{"Description", 0, 1000, `[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*`}
	pPolicyArn     = iamParam{"PolicyArn", 20, 2048, ""}
	pProviderArn   = iamParam{"OpenIDConnectProviderArn", 20, 2048, ""}
	pURL           = iamParam{"Url", 1, 255, ""}
	pMarker        = iamParam{"Marker", 1, 320, `[\x{0020}-\x{00FF}]+`}
	pClientID      = iamParam{"ClientIDList", 1, 255, ""}
	pThumbprint    = iamParam{"ThumbprintList", 40, 40, ""}
	pTagKey        = iamParam{"Tags", 1, 128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`}
	pTagValue      = iamParam{"Tags", 0, 256, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`}
)

// compiledPattern returns the parameters' patterns compiled, by pattern: compiled when first
// needed, since every rawsts command links the emulator and compiling them (Unicode classes
// among them) at start-up cost each one milliseconds.
var compiledPattern = sync.OnceValue(func() map[string]*regexp.Regexp {
	m := map[string]*regexp.Regexp{}
	for _, p := range []iamParam{pRoleName, pPolicyName, pPath, pPathPrefix, pDocument, pDescription, pMarker, pTagKey, pTagValue} {
		m[p.pattern] = regexp.MustCompile(`^(?:` + p.pattern + `)$`)
	}
	return m
})

// member is the name IAM's messages give a parameter: RoleName → roleName.
func member(name string) string { return strings.ToLower(name[:1]) + name[1:] }

// check validates one value of p; at is the member path of the message (roleName,
// clientIDList.2.member).
func (p iamParam) check(v, at string) *iamError {
	n := utf8.RuneCountInString(v)
	switch {
	case n < p.min:
		return iamValidation("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", v, at, p.min)
	case p.max > 0 && n > p.max:
		return iamValidation("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, at, p.max)
	case p.pattern != "" && !compiledPattern()[p.pattern].MatchString(v):
		return iamValidation("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, at, p.pattern)
	}
	return nil
}

// get returns the parameter p, checked; a missing one is "" unless required.
func (q *iamCall) get(p iamParam, required bool) (string, *iamError) {
	if !q.form.Has(p.name) {
		if required {
			return "", iamValidation("Value null at '%s' failed to satisfy constraint: Member must not be null", member(p.name))
		}
		return "", nil
	}
	v := q.form.Get(p.name)
	return v, p.check(v, member(p.name))
}

// list returns the list parameter p (P.member.N), each member checked.
func (q *iamCall) list(p iamParam) ([]string, *iamError) {
	values := listMembers(q.form, p.name+".member.", "")
	for i, v := range values {
		if err := p.check(v, fmt.Sprintf("%s.%d.member", member(p.name), i+1)); err != nil {
			return nil, err
		}
	}
	return values, nil
}

// tags returns the Tags.member.N.Key/Value parameters, checked (at most 50, IAM's quota).
func (q *iamCall) tags() ([]Tag, *iamError) {
	var out []Tag
	for n := 1; q.form.Has(fmt.Sprintf("Tags.member.%d.Key", n)); n++ {
		t := Tag{Key: q.form.Get(fmt.Sprintf("Tags.member.%d.Key", n)), Value: q.form.Get(fmt.Sprintf("Tags.member.%d.Value", n))}
		if err := pTagKey.check(t.Key, fmt.Sprintf("tags.%d.member.key", n)); err != nil {
			return nil, err
		}
		if err := pTagValue.check(t.Value, fmt.Sprintf("tags.%d.member.value", n)); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if len(out) > 50 {
		return nil, iamValidation("Value '%d' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50", len(out))
	}
	return out, nil
}

// update changes the state and maps a config the change made invalid (which the checks
// before should have caught) to InvalidInput with the emulator's own words.
func (q *iamCall) update(change func(c *Config) *iamError) *iamError {
	var ierr *iamError
	err := q.e.state.update(func(c *Config) error {
		if ierr = change(c); ierr != nil {
			return ierr
		}
		return nil
	})
	var ce *ConfigError
	switch {
	case ierr != nil:
		return ierr
	case errors.As(err, &ce):
		return invalidInput("%s (the emulator's check; IAM's message for this case is not known)", ce.Problem)
	case err != nil:
		return invalidInput("%v", err)
	}
	return nil
}

// date is the IAM form of a config date (RFC 3339, no fraction), or of the server's start.
func (q *iamCall) date(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.RFC3339)
	}
	return q.e.started.UTC().Format(time.RFC3339)
}

// iamEscape percent-encodes a policy document as IAM returns it: every byte but the RFC 3986
// unreserved characters (a space is %20, a newline %0A, a colon %3A; PROTOCOL.md §11.2).
func iamEscape(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// malformedPolicy words a policy trustpolicy refuses as IAM's MalformedPolicyDocument (400).
// IAM's own messages are known for a few cases only (PROTOCOL.md §11.3); the rest say
// "Syntax errors in policy." (unverified) with trustpolicy's located reason.
func malformedPolicy(err error) *iamError {
	return &iamError{http.StatusBadRequest, "MalformedPolicyDocument",
		"Syntax errors in policy. (" + strings.TrimPrefix(err.Error(), "trustpolicy: ") + ")"}
}

// trustDocument reads a trust policy parameter as IAM checks it: trustpolicy.Parse, and no
// Resource or NotResource (trustpolicy.Lint's resource-in-trust-policy; IAM's message
// "Has prohibited field Resource"). It returns the document to store: URL-decoded when sent
// encoded, the server's own URL and host as placeholders.
func (q *iamCall) trustDocument(p iamParam) (string, *iamError) {
	doc, ierr := q.get(p, true)
	if ierr != nil {
		return "", ierr
	}
	policy, err := trustpolicy.Parse([]byte(doc))
	if err != nil {
		return "", malformedPolicy(err)
	}
	for _, f := range trustpolicy.Lint(policy, trustpolicy.LintOptions{}) {
		if f.Code == trustpolicy.CodeResourceInTrust {
			return "", &iamError{http.StatusBadRequest, "MalformedPolicyDocument", "Has prohibited field Resource"}
		}
	}
	return q.stored(doc), nil
}

// stored is a policy document as the state keeps it: URL-decoded when it came encoded, the
// server's own URL and host as placeholders.
func (q *iamCall) stored(doc string) string {
	if t := strings.TrimSpace(doc); len(t) >= 3 && strings.EqualFold(t[:3], "%7b") {
		if d, err := url.PathUnescape(t); err == nil {
			doc = d
		}
	}
	return placeholders(doc, q.e.state.view().url)
}

// writeIAM answers a successful call: <ACTIONResponse> with the Result element (always, even
// empty, for an operation with output: botocore fails on a reply without it) and
// ResponseMetadata/RequestId.
func writeIAM(w http.ResponseWriter, reqID string, now time.Time, action string, result any) {
	resp := &iamResponse{Xmlns: iamNamespace, RequestID: reqID}
	resp.XMLName.Local = action + "Response"
	if result != nil {
		b, err := marshalXML(result)
		if err != nil { // only our own fixed types are marshalled
			http.Error(w, "ststest: "+err.Error(), http.StatusInternalServerError)
			return
		}
		resp.Result = string(b)
	}
	writeXML(w, http.StatusOK, reqID, now, resp)
}

// atoi reads an integer parameter; ok is false when it is present and not a whole number.
func (q *iamCall) atoi(name string) (n int, present bool, err *iamError) {
	if !q.form.Has(name) {
		return 0, false, nil
	}
	n, cerr := strconv.Atoi(q.form.Get(name))
	if cerr != nil {
		// IAM's answer to a value that is not a number is not documented.
		return 0, true, iamValidation("Value '%s' at '%s' failed to satisfy constraint: Member must be an integer", q.form.Get(name), member(name))
	}
	return n, true, nil
}
