package ststest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/trustpolicy"
)

// Amazon EC2 over its Query protocol (PROTOCOL.md §9): DescribeInstances, and StartInstances and
// StopInstances on the config's instances. Requests are form POSTs (or GETs) with Action and
// Version, verified with sigv4.Verify for service ec2 and the config's region (EC2 endpoints
// are regional) with 15 minutes of clock skew (EC2's RequestExpired), and authorized with
// trustpolicy.Authorize: ec2:DescribeInstances on "*" (it has no resource type),
// ec2:StartInstances and ec2:StopInstances on arn:aws:ec2:REGION:ACCOUNT:instance/ID. Replies
// use the namespace of the Version asked for; errors are EC2's <Response><Errors> document with
// RequestID.

// ec2MaxSkew is how far X-Amz-Date may be from the clock: the AWS API references' common
// errors, RequestExpired ("more than 15 minutes after the date stamp … or … in the future").
const ec2MaxSkew = 15 * time.Minute

// EC2's messages. UnauthorizedOperation's first sentence and AuthFailure's text are in public
// traces (PROTOCOL.md §9.3); "Request has expired." is what the AWS CLI shows for RequestExpired
// (public traces, expired session credentials). The others are the emulator's wording of the
// documented codes (unverified).
const (
	msgEC2Unauthorized = "You are not authorized to perform this operation."
	msgEC2AuthFailure  = "AWS was not able to validate the provided access credentials"
	msgEC2Expired      = "Request has expired."
	msgEC2DryRun       = "Request would have succeeded, but DryRun flag is set."
)

// ec2Emulator answers EC2 requests; routed to by the credential scope's service ec2, and for
// unsigned form requests with EC2's Version (queryVersion).
type ec2Emulator struct{ *services }

// ec2Call is one EC2 request being answered.
type ec2Call struct {
	w                 http.ResponseWriter
	r                 *http.Request
	reqID, action     string
	version           string // the API version asked for: the reply's namespace
	principal, region string
	resource          string // what the log names: instance/ID, or "*" for all (arnResource)
	now               time.Time
	evidence          []string // of a refusal by the policies: the evaluator's explanation
}

// ec2Actions are the EC2 operations the emulator answers.
var ec2Actions = map[string]func(e *ec2Emulator, c *ec2Call, caller identity){
	"DescribeInstances": (*ec2Emulator).describeInstances,
	"StartInstances":    (*ec2Emulator).startInstances,
	"StopInstances":     (*ec2Emulator).stopInstances,
}

// ec2Version is the API version the AWS CLI and SDKs send (the 2016-11-15 model).
const ec2Version = "2016-11-15"

// versionPattern is the shape of a Query API version.
var versionPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// queryVersion returns the Version of a Query call — from the query string, else from a
// form body — or "" for a request that has none. The server routes unsigned calls by it (EC2's
// 2016-11-15, IAM's 2010-05-08), to be refused as those services refuse unsigned calls. The
// body (already read under its cap by the server's recorder) is handed back as it was.
func queryVersion(r *http.Request) string {
	if v := r.URL.Query().Get("Version"); v != "" {
		return v
	}
	if r.Method != http.MethodPost || !isForm(r.Header.Get("Content-Type")) {
		return ""
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, perr := url.ParseQuery(string(body))
	if err != nil || perr != nil {
		return ""
	}
	return form.Get("Version")
}

func (e *ec2Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := e.state.view()
	c := &ec2Call{w: w, r: r, reqID: newRequestID(), now: e.now().UTC(), principal: "anonymous", region: v.region}
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
	if err != nil || len(body) > httpx.MaxBodySize {
		e.ec2Error(c, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "Request body over 1 MiB", checkRequest, "")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := r.ParseForm(); err != nil {
		e.ec2Error(c, http.StatusBadRequest, "MalformedQueryString", "The query string or form body is not valid form encoding", checkRequest, "")
		return
	}
	c.action, c.version = r.Form.Get("Action"), r.Form.Get("Version")
	caller, ok := e.ec2Authenticate(c, body)
	if !ok {
		return
	}
	switch {
	case c.action == "":
		e.ec2Error(c, http.StatusBadRequest, "MissingAction", "The request must contain the parameter Action", checkRequest, "")
	case c.version == "":
		e.ec2Error(c, http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Version", checkRequest, "")
	case !versionPattern.MatchString(c.version):
		e.ec2Error(c, http.StatusBadRequest, "InvalidParameterValue", "Value ("+c.version+") for parameter Version is invalid.", checkRequest, "")
	case ec2Actions[c.action] == nil:
		e.ec2Error(c, http.StatusBadRequest, "InvalidAction", "The action "+c.action+" is not valid for this web service.", checkRequest,
			"the emulator answers DescribeInstances, StartInstances and StopInstances")
	default:
		ec2Actions[c.action](e, c, caller)
	}
}

// ec2Authenticate verifies the signature and answers a failure as EC2 does: AuthFailure (401)
// for a key or session token it does not know, SignatureDoesNotMatch (403), RequestExpired
// (400) for a clock more than 15 minutes off and for an expired session, and — unverified, the
// emulator's reading of EC2's codes — MissingParameter for an unsigned call,
// IncompleteSignature for malformed signature fields, SignatureDoesNotMatch "Credential should
// be scoped to a valid region." for a scope of another region.
func (e *ec2Emulator) ec2Authenticate(c *ec2Call, body []byte) (identity, bool) {
	r := c.r
	if r.Header.Get("Authorization") == "" && !r.URL.Query().Has("X-Amz-Algorithm") {
		e.ec2Error(c, http.StatusBadRequest, "MissingParameter", "The request must contain the parameter AWSAccessKeyId", checkSignature, "an unsigned request")
		return identity{}, false
	}
	caller, _, err := e.authenticateWith(r, body, sigv4.VerifyOptions{Service: "ec2", Region: c.region, MaxSkew: ec2MaxSkew})
	if err == nil {
		c.principal = caller.arn
		return caller, true
	}
	reason := verifyReason(err)
	switch {
	case errors.Is(err, errSessionExpired):
		e.ec2Error(c, http.StatusBadRequest, "RequestExpired", msgEC2Expired, checkSignature, "the session has expired")
	case errors.Is(err, sigv4.ErrDateSkew), errors.Is(err, sigv4.ErrExpired):
		e.ec2Error(c, http.StatusBadRequest, "RequestExpired", msgEC2Expired, checkSignature, reason)
	case errors.Is(err, sigv4.ErrUnknownAccessKey), errors.Is(err, sigv4.ErrTokenMismatch):
		e.ec2Error(c, http.StatusUnauthorized, "AuthFailure", msgEC2AuthFailure, checkSignature, reason)
	case errors.Is(err, sigv4.ErrScopeMismatch) && credentialScope(r)[2] != c.region && credentialScope(r)[3] == "ec2":
		e.ec2Error(c, http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to a valid region.", checkSignature, reason)
	case errors.Is(err, sigv4.ErrMalformed), errors.Is(err, sigv4.ErrHeaderNotSigned), errors.Is(err, sigv4.ErrScopeMismatch):
		e.ec2Error(c, http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to AWS standards: "+reason, checkSignature, reason)
	default:
		e.ec2Error(c, http.StatusForbidden, "SignatureDoesNotMatch", msgSignatureMismatch, checkSignature, reason)
	}
	return identity{}, false
}

// ec2Authorize authorizes one action on one resource and, when refused, answers
// UnauthorizedOperation (403) as EC2 does: "You are not authorized to perform this operation.
// User: ARN is not authorized to perform: ec2:ACTION[ on resource: ARN] because no
// identity-based policy allows the ec2:ACTION action" and, for the actions that carry one
// (encoded), ". Encoded authorization failure message: …" (STS DecodeAuthorizationMessage
// decodes it). Public traces of DescribeInstances (and the other Describe calls) end without
// an encoded message and without a final period; those of the mutating calls (RunInstances,
// CreateSecurityGroup …) name the resource and end with the encoded message (PROTOCOL.md §9.3).
func (e *ec2Emulator) ec2Authorize(c *ec2Call, caller identity, action, resource string, keys map[string][]string, encoded bool) bool {
	keys["ec2:Region"] = []string{c.region}
	c.resource = arnResource(resource)
	ctx, a := e.authorize(c.r, caller, request{action: action, resource: resource, region: signingRegion(c.r), keys: keys})
	if a.Decision == trustpolicy.Allow {
		if c.r.Form.Get("DryRun") == "true" {
			e.ec2Error(c, http.StatusPreconditionFailed, "DryRunOperation", msgEC2DryRun, "", a.Reason(ctx))
			return false
		}
		e.log(Event{Time: c.now, Service: "ec2", Action: c.action, Resource: c.resource, Principal: caller.arn, Decision: "allow", Detail: a.Reason(ctx)})
		return true
	}
	onResource := ""
	if resource != "*" {
		onResource = resource
	}
	msg := msgEC2Unauthorized + " " + deniedMessage(caller.arn, action, onResource, a)
	if encoded {
		msg += ". Encoded authorization failure message: " + e.messages.seal(newAuthzDocument(caller, c.action, ctx, a))
	}
	c.evidence = authorizationEvidence(a)
	e.ec2Error(c, http.StatusForbidden, "UnauthorizedOperation", msg, checkPermissions, a.Reason(ctx))
	return false
}

type ec2ErrorResponse struct {
	XMLName   xml.Name     `xml:"Response"`
	Errors    []ec2ErrItem `xml:"Errors>Error"`
	RequestID string       `xml:"RequestID"`
}

type ec2ErrItem struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// ec2Error answers EC2's error document (PROTOCOL.md §9.3: root Response, Errors/Error, then
// RequestID with a capital ID) with the headers of the recorded traces (Date and Server
// AmazonEC2, no Content-Type), and logs the refusal.
func (e *ec2Emulator) ec2Error(c *ec2Call, status int, code, msg, check, detail string) {
	action := c.action
	if action == "" {
		action = "(none)"
	}
	decision := "deny"
	if code == "DryRunOperation" {
		decision = "allow"
	}
	e.log(Event{Time: c.now, Service: "ec2", Action: action, Resource: c.resource, Principal: c.principal, Decision: decision, Code: code, Check: check, Detail: detail, Evidence: c.evidence})
	b, _ := xml.Marshal(&ec2ErrorResponse{Errors: []ec2ErrItem{{Code: code, Message: msg}}, RequestID: c.reqID}) // fixed types
	body := append([]byte(xml.Header), awsEntities(b)...)
	h := c.w.Header()
	h["Content-Type"] = nil // EC2's error replies carry none; nil keeps net/http from sniffing one
	h.Set("Date", c.now.Format(http.TimeFormat))
	h.Set("Server", "AmazonEC2")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	c.w.Write(body)
}

// ec2Write answers a result: the XML declaration and the document indented by four spaces, as
// the EC2 API Reference's examples show replies, in the namespace of the version asked for.
func (e *ec2Emulator) ec2Write(c *ec2Call, v any) {
	b, err := xml.MarshalIndent(v, "", "    ")
	if err != nil { // only our own fixed types are marshalled
		http.Error(c.w, "ststest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	b = bytes.ReplaceAll(awsEntities(b), []byte("<reservationSet></reservationSet>"), []byte("<reservationSet/>"))
	body := append([]byte(xml.Header), b...)
	h := c.w.Header()
	h.Set("Content-Type", "text/xml;charset=UTF-8")
	h.Set("Date", c.now.Format(http.TimeFormat))
	h.Set("Server", "AmazonEC2")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(body)
}

func (c *ec2Call) namespace() string { return "http://ec2.amazonaws.com/doc/" + c.version + "/" }

type describeInstancesResponse struct {
	XMLName      xml.Name          `xml:"DescribeInstancesResponse"`
	Xmlns        string            `xml:"xmlns,attr"`
	RequestID    string            `xml:"requestId"`
	Reservations ec2ReservationSet `xml:"reservationSet"`
}

type ec2ReservationSet struct {
	Items []ec2Reservation `xml:"item"`
}

type ec2Reservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Instances     []ec2Instance `xml:"instancesSet>item"`
}

// ec2Instance has the wire names of PROTOCOL.md §9.2, in the order of the EC2 API Reference's
// DescribeInstances example; elements the emulator has no value for are left out.
type ec2Instance struct {
	InstanceID       string       `xml:"instanceId"`
	ImageID          string       `xml:"imageId,omitempty"`
	State            ec2State     `xml:"instanceState"`
	PrivateDNSName   string       `xml:"privateDnsName,omitempty"`
	AmiLaunchIndex   int          `xml:"amiLaunchIndex"`
	InstanceType     string       `xml:"instanceType,omitempty"`
	LaunchTime       string       `xml:"launchTime"`
	Placement        ec2Placement `xml:"placement"`
	Monitoring       string       `xml:"monitoring>state"`
	PrivateIPAddress string       `xml:"privateIpAddress,omitempty"`
	Tags             []ec2Tag     `xml:"tagSet>item"`
}

type ec2State struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type ec2Placement struct {
	AvailabilityZone string `xml:"availabilityZone"`
	Tenancy          string `xml:"tenancy"`
}

type ec2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// stateCodes are EC2's instance state codes.
var stateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func stateOf(name string) ec2State {
	if name == "" {
		name = "running"
	}
	return ec2State{Code: stateCodes[name], Name: name}
}

// zoneOf is an instance's availability zone: the config's, or the region's first.
func zoneOf(in Instance, region string) string {
	if in.AvailabilityZone != "" {
		return in.AvailabilityZone
	}
	return region + "a"
}

// describe renders an instance as DescribeInstances lists it.
func (e *ec2Emulator) describe(in Instance, region string) ec2Instance {
	out := ec2Instance{
		InstanceID: in.InstanceID, ImageID: in.ImageID, State: stateOf(in.State), InstanceType: in.InstanceType,
		LaunchTime: e.configTime(in.LaunchTime).UTC().Format("2006-01-02T15:04:05.000Z"),
		Placement:  ec2Placement{AvailabilityZone: zoneOf(in, region), Tenancy: "default"}, Monitoring: "disabled",
		PrivateIPAddress: in.PrivateIPAddress,
	}
	if in.PrivateIPAddress != "" {
		domain := region + ".compute.internal"
		if region == "us-east-1" {
			domain = "ec2.internal"
		}
		out.PrivateDNSName = "ip-" + strings.ReplaceAll(in.PrivateIPAddress, ".", "-") + "." + domain
	}
	for _, k := range sortedKeys(in.Tags) {
		out.Tags = append(out.Tags, ec2Tag{Key: k, Value: in.Tags[k]})
	}
	return out
}

// reservationID derives a stable reservation id for an instance: r- and 17 hex digits.
func reservationID(instanceID string) string {
	sum := sha256.Sum256([]byte(instanceID))
	return "r-" + hex.EncodeToString(sum[:])[:17]
}

// describeInstances answers DescribeInstances: ec2:DescribeInstances authorized on "*", then
// the instances named by InstanceId.N (each must exist) that match every Filter.N (values
// with * and ? wildcards; instance-id, instance-state-name, instance-state-code,
// instance-type, image-id, availability-zone, private-ip-address, tag:KEY, tag-key,
// tag-value), one reservation each. MaxResults and NextToken are accepted and ignored: every
// instance fits in one page.
func (e *ec2Emulator) describeInstances(c *ec2Call, caller identity) {
	if !e.ec2Authorize(c, caller, "ec2:DescribeInstances", "*", map[string][]string{}, false) {
		return
	}
	v := e.state.view()
	instances, ok := e.namedInstances(c, v.instances, false)
	if !ok {
		return
	}
	filters, ok := e.filters(c)
	if !ok {
		return
	}
	res := describeInstancesResponse{Xmlns: c.namespace(), RequestID: c.reqID}
	for _, in := range instances {
		if matchesFilters(in, v.region, filters) {
			res.Reservations.Items = append(res.Reservations.Items, ec2Reservation{
				ReservationID: reservationID(in.InstanceID), OwnerID: v.account, Instances: []ec2Instance{e.describe(in, v.region)}})
		}
	}
	e.ec2Write(c, &res)
}

var instanceIDPattern = regexp.MustCompile(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)

// namedInstances returns the instances of InstanceId.N, in the order named, or all of them
// (sorted by id) when none is named and required is false. A malformed id is
// InvalidInstanceID.Malformed, an unknown one InvalidInstanceID.NotFound, none when required
// MissingParameter (400 each).
func (e *ec2Emulator) namedInstances(c *ec2Call, all []Instance, required bool) ([]Instance, bool) {
	ids := listMembers(c.r.Form, "InstanceId.", "")
	if len(ids) == 0 {
		if required {
			e.ec2Error(c, http.StatusBadRequest, "MissingParameter", "The request must contain the parameter InstanceId", checkRequest, "")
			return nil, false
		}
		out := append([]Instance(nil), all...)
		sort.Slice(out, func(i, j int) bool { return out[i].InstanceID < out[j].InstanceID })
		return out, true
	}
	var out []Instance
	var missing []string
	for _, id := range ids {
		if !instanceIDPattern.MatchString(id) {
			e.ec2Error(c, http.StatusBadRequest, "InvalidInstanceID.Malformed", `Invalid id: "`+id+`"`, checkRequest, "")
			return nil, false
		}
		found := false
		for _, in := range all {
			if in.InstanceID == id {
				out, found = append(out, in), true
				break
			}
		}
		if !found {
			missing = append(missing, id)
		}
	}
	switch len(missing) {
	case 0:
		return out, true
	case 1:
		e.ec2Error(c, http.StatusBadRequest, "InvalidInstanceID.NotFound", "The instance ID '"+missing[0]+"' does not exist", checkRequest, "")
	default:
		e.ec2Error(c, http.StatusBadRequest, "InvalidInstanceID.NotFound", "The instance IDs '"+strings.Join(missing, ", ")+"' do not exist", checkRequest, "")
	}
	return nil, false
}

// ec2Filter is one Filter.N: a name and its values (any may match).
type ec2Filter struct {
	name   string
	values []string
}

// filters reads Filter.N.Name and Filter.N.Value.M; a name the emulator does not know is
// InvalidParameterValue "The filter 'NAME' is invalid".
func (e *ec2Emulator) filters(c *ec2Call) ([]ec2Filter, bool) {
	var out []ec2Filter
	for n := 1; c.r.Form.Has("Filter." + strconv.Itoa(n) + ".Name"); n++ {
		p := "Filter." + strconv.Itoa(n)
		f := ec2Filter{name: c.r.Form.Get(p + ".Name"), values: listMembers(c.r.Form, p+".Value.", "")}
		switch f.name {
		case "instance-id", "instance-state-name", "instance-state-code", "instance-type", "image-id",
			"availability-zone", "private-ip-address", "tag-key", "tag-value":
		default:
			if !strings.HasPrefix(f.name, "tag:") {
				e.ec2Error(c, http.StatusBadRequest, "InvalidParameterValue", "The filter '"+f.name+"' is invalid", checkRequest, "")
				return nil, false
			}
		}
		out = append(out, f)
	}
	return out, true
}

// matchesFilters reports whether an instance matches every filter.
func matchesFilters(in Instance, region string, filters []ec2Filter) bool {
	for _, f := range filters {
		var have []string
		st := stateOf(in.State)
		switch {
		case f.name == "instance-id":
			have = []string{in.InstanceID}
		case f.name == "instance-state-name":
			have = []string{st.Name}
		case f.name == "instance-state-code":
			have = []string{strconv.Itoa(st.Code)}
		case f.name == "instance-type":
			have = []string{in.InstanceType}
		case f.name == "image-id":
			have = []string{in.ImageID}
		case f.name == "availability-zone":
			have = []string{zoneOf(in, region)}
		case f.name == "private-ip-address":
			have = []string{in.PrivateIPAddress}
		case f.name == "tag-key":
			have = sortedKeys(in.Tags)
		case f.name == "tag-value":
			for _, k := range sortedKeys(in.Tags) {
				have = append(have, in.Tags[k])
			}
		default: // tag:KEY
			if v, ok := in.Tags[strings.TrimPrefix(f.name, "tag:")]; ok {
				have = []string{v}
			}
		}
		if !anyLike(f.values, have) {
			return false
		}
	}
	return true
}

func anyLike(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if trustpolicy.MatchLike(p, v) {
				return true
			}
		}
	}
	return false
}

type changeInstancesResponse struct {
	XMLName   xml.Name
	Xmlns     string           `xml:"xmlns,attr"`
	RequestID string           `xml:"requestId"`
	Instances []ec2StateChange `xml:"instancesSet>item"`
}

type ec2StateChange struct {
	InstanceID    string   `xml:"instanceId"`
	CurrentState  ec2State `xml:"currentState"`
	PreviousState ec2State `xml:"previousState"`
}

// startInstances answers StartInstances: a stopped instance answers currentState pending and
// is running from then on; a running one answers running.
func (e *ec2Emulator) startInstances(c *ec2Call, caller identity) {
	e.changeInstances(c, caller, "ec2:StartInstances", "started", map[string][2]string{
		"stopped": {"pending", "running"}, "running": {"running", "running"}, "pending": {"pending", "running"}})
}

// stopInstances answers StopInstances: a running instance answers currentState stopping and
// is stopped from then on; a stopped one answers stopped.
func (e *ec2Emulator) stopInstances(c *ec2Call, caller identity) {
	e.changeInstances(c, caller, "ec2:StopInstances", "stopped", map[string][2]string{
		"running": {"stopping", "stopped"}, "stopped": {"stopped", "stopped"}, "stopping": {"stopping", "stopped"}, "pending": {"stopping", "stopped"}})
}

// changeInstances authorizes action on each instance named (refusals carry an encoded
// authorization message), moves each to its next state (transitions: from state → the state
// answered, the state kept) and answers the changes. An instance in a state with no
// transition (terminated, shutting-down) is IncorrectInstanceState and changes nothing.
func (e *ec2Emulator) changeInstances(c *ec2Call, caller identity, action, verb string, transitions map[string][2]string) {
	v := e.state.view()
	instances, ok := e.namedInstances(c, v.instances, true)
	if !ok {
		return
	}
	for _, in := range instances {
		keys := map[string][]string{
			"ec2:InstanceID": {in.InstanceID}, "ec2:InstanceType": nonEmpty(in.InstanceType),
			"ec2:AvailabilityZone": {zoneOf(in, v.region)}, "ec2:Tenancy": {"default"},
		}
		for k, val := range in.Tags {
			keys["aws:ResourceTag/"+k] = []string{val}
			keys["ec2:ResourceTag/"+k] = []string{val}
		}
		arn := "arn:aws:ec2:" + v.region + ":" + v.account + ":instance/" + in.InstanceID
		if !e.ec2Authorize(c, caller, action, arn, keys, true) {
			return
		}
	}
	res := changeInstancesResponse{XMLName: xml.Name{Local: c.action + "Response"}, Xmlns: c.namespace(), RequestID: c.reqID}
	err := e.state.update(func(cfg *Config) error {
		res.Instances = nil
		for _, want := range instances {
			for i := range cfg.Instances {
				in := &cfg.Instances[i]
				if in.InstanceID != want.InstanceID {
					continue
				}
				prev := stateOf(in.State)
				next, ok := transitions[prev.Name]
				if !ok {
					return &ConfigError{Path: in.InstanceID, Problem: "The instance '" + in.InstanceID + "' is not in a state from which it can be " + verb + "."}
				}
				res.Instances = append(res.Instances, ec2StateChange{InstanceID: in.InstanceID, CurrentState: stateOf(next[0]), PreviousState: prev})
				in.State = next[1]
			}
		}
		return nil
	})
	var ce *ConfigError
	if errors.As(err, &ce) {
		e.ec2Error(c, http.StatusBadRequest, "IncorrectInstanceState", ce.Problem, checkRequest, "")
		return
	}
	e.ec2Write(c, &res)
}
