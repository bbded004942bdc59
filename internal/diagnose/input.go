package diagnose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
)

// Claims are a token's claims without the token, for a diagnosis when the token itself cannot
// be handed over (it is short-lived and secret): the JSON object GitHub's actions-oidc-debugger
// prints or any decoded payload ([ParseClaims]), or what a CloudTrail AssumeRoleWithWebIdentity
// event shows of the request ([CloudTrailEvent.Claims]). The checks that need the token itself
// — its shape, length and surrounding whitespace, alg, exp/nbf/iat, the signature — are
// skipped, each with its reason.
type Claims struct {
	// Values are the claims, numbers as json.Number.
	Values map[string]any
	// From names where the claims come from, for the report: "the claims given", "CloudTrail
	// event EVENTID of TIME".
	From string
	// Partial says Values holds only some of the token's claims (a CloudTrail event shows iss,
	// sub and aud, the session tags and the source identity): a condition on a key STS fills
	// from any other claim is unknown, not absent.
	Partial bool
}

// ErrNotClaims is matched by every error of [ParseClaims].
var ErrNotClaims = errors.New("diagnose: not a token's claims")

// logStamp is the timestamp GitHub Actions puts before every line of a job's log
// ("2024-05-01T10:00:00.1234567Z ").
var logStamp = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ?`)

// ParseClaims reads a JSON object of claims: what GitHub's actions-oidc-debugger prints (the
// decoded payload, indented, keys sorted) or any decoded JWT payload. Text around the object is
// tolerated — a log line before it, GitHub Actions' timestamp at the start of each line — as
// long as the object starts a line. The object must have iss, sub or aud. Errors wrap
// [ErrNotClaims].
func ParseClaims(data []byte) (map[string]any, error) {
	m, err := decodeObject(bytes.TrimSpace(data))
	if err != nil {
		m, err = claimsInLog(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotClaims, err)
	}
	for _, c := range []string{"iss", "sub", "aud"} {
		if _, ok := m[c]; ok {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w: the object has no iss, sub or aud claim", ErrNotClaims)
}

// claimsInLog finds the JSON object that starts a line of a log (after spaces or tabs), its
// lines' timestamps removed.
func claimsInLog(data []byte) (map[string]any, error) {
	text := logStamp.ReplaceAll(data, nil)
	at := -1
	lineStart := true // only spaces and tabs since the start of the line
	for i := 0; i < len(text) && at < 0; i++ {
		switch c := text[i]; {
		case c == '{' && lineStart:
			at = i
		case c == '\n':
			lineStart = true
		case c != ' ' && c != '\t':
			lineStart = false
		}
	}
	if at < 0 {
		return nil, errors.New("no JSON object starts a line")
	}
	dec := json.NewDecoder(bytes.NewReader(text[at:]))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, errors.New(describeJSON(err))
	}
	return m, nil
}

// decodeObject decodes exactly one JSON object, numbers as json.Number.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, errors.New(describeJSON(err))
	}
	if m == nil {
		return nil, errors.New("the document is null, not an object")
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	return m, nil
}

// InputKind names what a diagnose input holds.
type InputKind string

// The kinds of input [Detect] tells apart.
const (
	KindToken      InputKind = "token"      // a JWT, or a CI service's JSON reply around one
	KindClaims     InputKind = "claims"     // a JSON object of claims (ParseClaims)
	KindCloudTrail InputKind = "cloudtrail" // CloudTrail events (ParseCloudTrail)
)

// Detect tells what data holds by its shape: CloudTrail events (an object with eventName,
// userIdentity or eventVersion, a {"Records": […]} log file, `aws cloudtrail lookup-events`
// output, or a list of events), a JSON object of claims (with iss, sub or aud, maybe inside log
// lines), or else a token — which is also what a CI service's {"value": "<JWT>"} reply is.
func Detect(data []byte) InputKind {
	s := bytes.TrimSpace(data)
	if _, _, ok := jwtinspect.Unwrap(string(s)); ok {
		return KindToken
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(s))
	if dec.Decode(&v) == nil && !dec.More() {
		switch t := v.(type) {
		case map[string]any:
			if isEvent(t) || t["Records"] != nil || t["Events"] != nil {
				return KindCloudTrail
			}
		case []any:
			if len(t) > 0 {
				if e, ok := t[0].(map[string]any); ok && isEvent(e) {
					return KindCloudTrail
				}
			}
		}
	}
	if _, err := ParseClaims(s); err == nil {
		return KindClaims
	}
	return KindToken
}

func isEvent(m map[string]any) bool {
	return m["eventName"] != nil || m["userIdentity"] != nil || m["eventVersion"] != nil
}

// CloudTrailEvent is what diagnose reads from a CloudTrail AssumeRoleWithWebIdentity event.
// The field names follow the CloudTrail User Guide ("CloudTrail userIdentity element", "Values
// for AWS STS APIs with SAML and Web Identity Federation") and the IAM User Guide's example web
// identity event; for an IAM OIDC provider (not a built-in one) AWS documents no example, and
// the shape read here — identityProvider the provider's ARN, principalId
// "<provider ARN>:<aud>:<sub>" — is that of events recorded by third parties.
type CloudTrailEvent struct {
	// ID is eventID.
	ID string
	// Time is eventTime, the time of the call; zero when absent.
	Time time.Time
	// RoleARN, SessionName and DurationSeconds are requestParameters' roleArn,
	// roleSessionName and durationSeconds (0 when absent).
	RoleARN, SessionName string
	DurationSeconds      int
	// Provider is userIdentity.identityProvider (else responseElements.provider): the IAM OIDC
	// provider's ARN, or a built-in provider's name such as accounts.google.com.
	Provider string
	// Issuer is the token's iss as STS matched it: https:// and the provider's host and path.
	Issuer string
	// Subject is the token's sub: responseElements.subjectFromWebIdentityToken, else
	// requestParameters.subjectFromWebIdentityToken, else userIdentity.userName.
	Subject string
	// Audience is the token's aud as STS matched it: responseElements.audience, else the middle
	// of userIdentity.principalId between "<identityProvider>:" and ":<sub>"; "" when neither
	// tells.
	Audience string
	// SourceIdentity is requestParameters.sourceIdentity, the token's source identity claim.
	SourceIdentity string
	// PrincipalTags and TransitiveTagKeys are requestParameters' principalTags and
	// transitiveTagKeys: the session tags the token carried.
	PrincipalTags     map[string]string
	TransitiveTagKeys []string
	// ErrorCode and ErrorMessage are the refusal STS logged, "" for a call that succeeded.
	ErrorCode, ErrorMessage string
	// SourceIP is sourceIPAddress when it is an IP address (aws:SourceIp); "" otherwise (an
	// AWS service's name).
	SourceIP string
}

// ErrNotCloudTrail is matched by every error of [ParseCloudTrail].
var ErrNotCloudTrail = errors.New("diagnose: not a CloudTrail AssumeRoleWithWebIdentity event")

// ParseCloudTrail reads the AssumeRoleWithWebIdentity events of data: one event object, a
// CloudTrail log file ({"Records": […]}), `aws cloudtrail lookup-events` output ({"Events":
// [{"CloudTrailEvent": "<the event as a JSON string>"}…]}), or a JSON list of events. Events of
// other names are left out; none left is an error. Errors wrap [ErrNotCloudTrail].
func ParseCloudTrail(data []byte) ([]CloudTrailEvent, error) {
	var root any
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimSpace(data)))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotCloudTrail, describeJSON(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the JSON value", ErrNotCloudTrail)
	}
	var raw []map[string]any
	add := func(v any, where string) error {
		switch t := v.(type) {
		case map[string]any:
			raw = append(raw, t)
		case string: // lookup-events: the event is a JSON string
			m, err := decodeObject([]byte(t))
			if err != nil {
				return fmt.Errorf("%w: %s is not a JSON event: %s", ErrNotCloudTrail, where, err)
			}
			raw = append(raw, m)
		default:
			return fmt.Errorf("%w: %s is not an event object", ErrNotCloudTrail, where)
		}
		return nil
	}
	list := func(v any, name string) ([]any, error) {
		l, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%w: %s is not a list", ErrNotCloudTrail, name)
		}
		return l, nil
	}
	switch t := root.(type) {
	case map[string]any:
		switch {
		case t["Records"] != nil:
			l, err := list(t["Records"], "Records")
			if err != nil {
				return nil, err
			}
			for i, e := range l {
				if err := add(e, fmt.Sprintf("Records[%d]", i)); err != nil {
					return nil, err
				}
			}
		case t["Events"] != nil:
			l, err := list(t["Events"], "Events")
			if err != nil {
				return nil, err
			}
			for i, e := range l {
				m, _ := e.(map[string]any)
				if err := add(m["CloudTrailEvent"], fmt.Sprintf("Events[%d].CloudTrailEvent", i)); err != nil {
					return nil, err
				}
			}
		default:
			raw = append(raw, t)
		}
	case []any:
		for i, e := range t {
			if err := add(e, fmt.Sprintf("item %d", i)); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("%w: the document is not an object or a list", ErrNotCloudTrail)
	}
	var out []CloudTrailEvent
	other := map[string]bool{}
	for _, m := range raw {
		name := str(m, "eventName")
		if name != "AssumeRoleWithWebIdentity" {
			other[orStr(name, "(no eventName)")] = true
			continue
		}
		e, err := readEvent(m)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		names := make([]string, 0, len(other))
		for n := range other {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("%w: no AssumeRoleWithWebIdentity event among %d event(s) (%s)", ErrNotCloudTrail, len(raw), strings.Join(names, ", "))
	}
	return out, nil
}

// readEvent reads one AssumeRoleWithWebIdentity event (see the parsing rules on CloudTrailEvent).
func readEvent(m map[string]any) (CloudTrailEvent, error) {
	ui, _ := m["userIdentity"].(map[string]any)
	req, _ := m["requestParameters"].(map[string]any)
	resp, _ := m["responseElements"].(map[string]any)
	e := CloudTrailEvent{
		ID: str(m, "eventID"), RoleARN: str(req, "roleArn"), SessionName: str(req, "roleSessionName"),
		Provider: orStr(str(ui, "identityProvider"), str(resp, "provider")),
		Subject:  orStr(str(resp, "subjectFromWebIdentityToken"), orStr(str(req, "subjectFromWebIdentityToken"), str(ui, "userName"))),
		Audience: str(resp, "audience"), SourceIdentity: str(req, "sourceIdentity"),
		ErrorCode: str(m, "errorCode"), ErrorMessage: str(m, "errorMessage"),
	}
	if ip, err := netip.ParseAddr(str(m, "sourceIPAddress")); err == nil {
		e.SourceIP = ip.String()
	}
	if t, err := time.Parse(time.RFC3339, str(m, "eventTime")); err == nil {
		e.Time = t
	}
	if n, ok := req["durationSeconds"].(json.Number); ok {
		d, err := strconv.Atoi(n.String())
		if err != nil {
			return e, fmt.Errorf("%w: requestParameters.durationSeconds %s is not a whole number", ErrNotCloudTrail, n)
		}
		e.DurationSeconds = d
	}
	if e.RoleARN == "" {
		if rs, ok := m["resources"].([]any); ok && len(rs) > 0 {
			if r, ok := rs[0].(map[string]any); ok && str(r, "type") == "AWS::IAM::Role" {
				e.RoleARN = str(r, "ARN")
			}
		}
	}
	if tags, ok := req["principalTags"].(map[string]any); ok {
		e.PrincipalTags = map[string]string{}
		for k, v := range tags {
			s, _ := v.(string)
			e.PrincipalTags[k] = s
		}
	}
	if keys, ok := req["transitiveTagKeys"].([]any); ok {
		for _, k := range keys {
			if s, ok := k.(string); ok {
				e.TransitiveTagKeys = append(e.TransitiveTagKeys, s)
			}
		}
	}
	host := e.Provider
	if i := strings.Index(host, ":oidc-provider/"); strings.HasPrefix(host, "arn:") && i >= 0 {
		host = host[i+len(":oidc-provider/"):]
	}
	if host == "cognito-identity.amazon.com" {
		// The CloudTrail User Guide's list of identityProvider values spells Cognito's built-in
		// provider this way; its name everywhere else (principals, condition keys) is this:
		host = "cognito-identity.amazonaws.com"
	}
	if host == "" {
		return e, fmt.Errorf("%w: event %s names no identity provider (userIdentity.identityProvider)", ErrNotCloudTrail, orStr(e.ID, "without eventID"))
	}
	e.Issuer = "https://" + trustpolicy.IssuerHost(host)
	if e.Audience == "" {
		// principalId is "<identityProvider>:<aud>:<sub>"; a Cognito pool ID and many subs
		// hold ':', so the audience is what lies between the known ends, never a split on ':'.
		pid := str(ui, "principalId")
		pre, suf := e.Provider+":", ":"+e.Subject
		if e.Subject != "" && len(pid) > len(pre)+len(suf) && strings.HasPrefix(pid, pre) && strings.HasSuffix(pid, suf) {
			e.Audience = pid[len(pre) : len(pid)-len(suf)]
		}
	}
	if e.Subject == "" {
		return e, fmt.Errorf("%w: event %s shows no subject (responseElements.subjectFromWebIdentityToken, userIdentity.userName)", ErrNotCloudTrail, orStr(e.ID, "without eventID"))
	}
	return e, nil
}

// str returns m[key] when it is a string.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// Claims returns the claims the event shows: iss, sub, aud (when known), the session tags and
// the source identity; Partial, since the token's other claims are not logged.
func (e *CloudTrailEvent) Claims() *Claims {
	v := map[string]any{"iss": e.Issuer, "sub": e.Subject}
	if e.Audience != "" {
		v["aud"] = e.Audience
	}
	if e.SourceIdentity != "" {
		v[jwtinspect.ClaimSourceIdentity] = e.SourceIdentity
	}
	if e.PrincipalTags != nil {
		pt := map[string]any{}
		for k, val := range e.PrincipalTags {
			pt[k] = []any{val}
		}
		keys := make([]any, len(e.TransitiveTagKeys))
		for i, k := range e.TransitiveTagKeys {
			keys[i] = k
		}
		v[jwtinspect.ClaimTags] = map[string]any{"principal_tags": pt, "transitive_tag_keys": keys}
	}
	from := "CloudTrail event " + orStr(e.ID, "(no eventID)")
	if !e.Time.IsZero() {
		from += " of " + stamp(e.Time)
	}
	return &Claims{Values: v, From: from, Partial: true}
}

// PickEvent chooses the event to diagnose among events: the one whose eventID is id when id is
// set; else, of the events for roleARN (all when it is ""), the latest. note says which was
// chosen when there was a choice. An error names the roles the events are for when roleARN
// leaves several, and says so when nothing matches.
func PickEvent(events []CloudTrailEvent, roleARN, id string) (e *CloudTrailEvent, note string, err error) {
	if id != "" {
		for i := range events {
			if events[i].ID == id {
				return &events[i], "", nil
			}
		}
		return nil, "", fmt.Errorf("%w: no AssumeRoleWithWebIdentity event has eventID %q", ErrNotCloudTrail, id)
	}
	var cands []*CloudTrailEvent
	roles := map[string]bool{}
	for i := range events {
		roles[events[i].RoleARN] = true
		if roleARN == "" || events[i].RoleARN == roleARN {
			cands = append(cands, &events[i])
		}
	}
	names := make([]string, 0, len(roles))
	for r := range roles {
		names = append(names, orStr(r, "(no roleArn)"))
	}
	sort.Strings(names)
	switch {
	case len(cands) == 0:
		return nil, "", fmt.Errorf("%w: no AssumeRoleWithWebIdentity event for %s; the events are for %s", ErrNotCloudTrail, roleARN, strings.Join(names, ", "))
	case roleARN == "" && len(roles) > 1:
		return nil, "", fmt.Errorf("%w: the AssumeRoleWithWebIdentity events are for %d roles (%s); pass --role-arn to choose", ErrNotCloudTrail, len(roles), strings.Join(names, ", "))
	case len(cands) == 1:
		return cands[0], "", nil
	}
	best := cands[0]
	for _, c := range cands[1:] {
		if c.Time.After(best.Time) {
			best = c
		}
	}
	return best, fmt.Sprintf("%d AssumeRoleWithWebIdentity events for %s; diagnosing the latest, %s of %s (--event-id chooses another)",
		len(cands), orStr(best.RoleARN, "the role"), orStr(best.ID, "(no eventID)"), stamp(best.Time)), nil
}

// fromClaims runs the token checks on claims without the token: token.format judges the claims
// alone, and the checks that need the token itself are skipped, each saying why.
func (d *run) fromClaims() {
	cl := d.in.Claims
	from := orStr(cl.From, "the claims given")
	d.tok = jwtinspect.FromClaims(cl.Values)
	for _, f := range jwtinspect.LintClaims(d.tok) {
		if cl.Partial && (f.Code == jwtinspect.CodeNoAud || f.Code == jwtinspect.CodeAccessToken) {
			continue // the event does not say the audience; the token had one or STS says so
		}
		d.findings = append(d.findings, f)
	}
	c := d.tok.Claims
	d.fromFindings(CheckTokenFormat, "")
	if f := d.checks[CheckTokenFormat]; f.Status != Fail {
		f.Status = Skip
		f.Detail = fmt.Sprintf("without the token, from %s: iss %s, sub %q, aud %s; the token's three-part shape, length and surrounding whitespace need the token itself",
			from, orQuote(c.Issuer, "none"), c.Subject, quoteList(c.Audience))
	}
	d.set(CheckTokenAlg, Skip, "needs the token: the header (alg, kid) is not part of "+from, "")
	times := "needs the token at the moment of the call: " + from + " may be older than the call"
	if cl.Partial {
		times = "needs the token: " + from + " does not show exp, nbf or iat"
	}
	var ev []string
	if c.ExpiresAt != nil {
		ev = append(ev, "exp "+stamp(c.ExpiresAt.Time))
	}
	d.set(CheckTokenTimes, Skip, times, "", ev...)
	d.set(CheckTokenSignature, Skip, "needs the token: the signature is not part of "+from, "")
}

// markUnknownClaims makes the condition keys STS fills from claims a partial claim set does not
// show (a CloudTrail event logs iss, sub, aud, session tags and source identity only) unknown
// instead of absent: the token had them or not, and the event cannot say which. Which keys
// those are is trustpolicy's table: a context built with every claim the policy's keys name
// shows which keys a claim fills.
func (d *run) markUnknownClaims(ctx *trustpolicy.Context, opts trustpolicy.TokenContextOptions) {
	if d.in.Token != "" || d.in.Claims == nil || !d.in.Claims.Partial || d.policyDoc == nil {
		return
	}
	iss := d.tok.Claims.Issuer
	host := strings.ToLower(trustpolicy.IssuerHost(iss))
	probe := map[string]any{}
	for k, v := range d.tok.RawClaims {
		probe[k] = v
	}
	for _, s := range d.policyDoc.Statements {
		for _, c := range s.Conditions {
			i := strings.LastIndexByte(c.Key, ':')
			if i < 0 || strings.ToLower(c.Key[:i]) != host {
				continue
			}
			if _, ok := probe[c.Key[i+1:]]; !ok {
				probe[c.Key[i+1:]] = "unknown"
			}
		}
	}
	if _, ok := probe["iat"]; !ok {
		probe["iat"] = json.Number("0")
	}
	full := trustpolicy.ContextFromToken(iss, probe, opts)
	for _, k := range full.Keys() {
		if _, ok := ctx.Lookup(k); !ok {
			ctx.SetUnknown(k)
		}
	}
}
