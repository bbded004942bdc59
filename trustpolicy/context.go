package trustpolicy

import (
	"sort"
	"strings"
)

// ActionAssumeRoleWithWebIdentity is the action STS authorizes against a trust policy when a
// web identity token is exchanged; sts:TagSession and sts:SetSourceIdentity are authorized
// too when the token carries session tags or a source identity.
const (
	ActionAssumeRoleWithWebIdentity = "sts:AssumeRoleWithWebIdentity"
	ActionTagSession                = "sts:TagSession"
	ActionSetSourceIdentity         = "sts:SetSourceIdentity"
)

// Context is the request context a policy is evaluated against: a trust policy by [Evaluate],
// identity policies by [Authorize]. The zero value is an empty context; use Set to add
// condition keys.
//
// Condition key names compare case-insensitively (IAM User Guide, "IAM JSON policy elements:
// Condition": key names are not case-sensitive); values are kept exactly.
type Context struct {
	// Principal is the federated principal making the request: an IAM OIDC provider ARN
	// (arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com) or a
	// built-in provider name (accounts.google.com, cognito-identity.amazonaws.com,
	// graph.facebook.com, www.amazon.com). Empty means unknown.
	Principal string
	// Action is the action being authorized, such as sts:AssumeRoleWithWebIdentity or
	// s3:ListBucket. Empty means unknown.
	Action string
	// Resource is the ARN of the resource the action is on, such as arn:aws:s3:::BUCKET, or
	// "*" for an action that has no resource type (ec2:DescribeInstances). Only [Authorize]
	// reads it (a trust policy's resource is the role). Empty means unknown. Which string a
	// service puts here for a given call is the caller's knowledge, not this package's; see
	// the doc of [Authorize] for the S3 and EC2 calls the emulator answers.
	Resource string
	// Complete says the context holds every key the request has, as when the party that
	// serves the request (the ststest emulator) builds it: a key it does not hold is absent,
	// never unknown, so [LocallyUnknownKey] no longer applies. Keys marked with SetUnknown
	// stay unknown. A local diagnosis from a token leaves it false.
	Complete bool

	keys    map[string]ctxKey     // by lower-case name
	unknown map[string]string     // lower-case name → name, marked by the caller
	assumed map[string]Assumption // lower-case name → what its values rest on
}

// Assumption says that a key's presence or values rest on a rule AWS does not document
// (rawsts's reading of an undocumented or disputed point), and what the key would hold under
// the other reading. [Evaluate] evaluates a clause on such a key both ways; when the answers
// differ, the clause's ClauseResult.Assumption names the rule, so the outcome is never passed
// off as AWS's documented behaviour.
type Assumption struct {
	// Rule says, for a person, what was assumed and why (with the sources that disagree).
	Rule string
	// Alt are the key's values under the other reading; nil means the key would be absent.
	Alt []string
}

type ctxKey struct {
	name   string
	values []string
}

// Set sets a condition key's values, replacing earlier ones. Several values make a
// multivalued key (amr, aws:TagKeys). Setting no values removes the key: IAM treats a key
// with no values as absent.
func (c *Context) Set(key string, values ...string) {
	lk := strings.ToLower(key)
	if len(values) == 0 {
		delete(c.keys, lk)
		return
	}
	if c.keys == nil {
		c.keys = map[string]ctxKey{}
	}
	c.keys[lk] = ctxKey{name: key, values: append([]string(nil), values...)}
	delete(c.unknown, lk)
	delete(c.assumed, lk)
}

// Assume records that key's current state (its values, or its absence) rests on an
// assumption; a later Set or SetUnknown of the key clears it.
func (c *Context) Assume(key string, a Assumption) {
	if c.assumed == nil {
		c.assumed = map[string]Assumption{}
	}
	a.Alt = append([]string(nil), a.Alt...)
	c.assumed[strings.ToLower(key)] = a
}

// Assumed returns the assumption a key rests on, if any.
func (c *Context) Assumed(key string) (Assumption, bool) {
	a, ok := c.assumed[strings.ToLower(key)]
	return a, ok
}

// SetUnknown marks a key whose value cannot be known here; conditions on it evaluate to
// Unknown. It removes any value the key had.
func (c *Context) SetUnknown(key string) {
	lk := strings.ToLower(key)
	delete(c.keys, lk)
	delete(c.assumed, lk)
	if c.unknown == nil {
		c.unknown = map[string]string{}
	}
	c.unknown[lk] = key
}

// Lookup returns a key's values and whether the key is present.
func (c *Context) Lookup(key string) ([]string, bool) {
	k, ok := c.keys[strings.ToLower(key)]
	return k.values, ok
}

// IsUnknown reports whether a key evaluates to Unknown: it was marked with SetUnknown, or it
// is absent, the context is not Complete, and [LocallyUnknownKey] says a local evaluation
// cannot know it.
func (c *Context) IsUnknown(key string) bool {
	lk := strings.ToLower(key)
	if _, ok := c.unknown[lk]; ok {
		return true
	}
	if _, ok := c.keys[lk]; ok || c.Complete {
		return false
	}
	return LocallyUnknownKey(key)
}

// Keys returns the names of the keys that have values, sorted case-insensitively.
func (c *Context) Keys() []string {
	out := make([]string, 0, len(c.keys))
	for _, k := range c.keys {
		out = append(out, k.name)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// LocallyUnknownKey reports whether key is one that STS knows at request time but a local
// evaluation from a token does not: the network origin of the request (aws:SourceIp,
// aws:SourceVpc, aws:SourceVpce, aws:VpcSourceIp), AWS Organizations membership
// (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:ResourceOrgID, aws:ResourceOrgPaths,
// aws:SourceOrgID, aws:SourceOrgPaths), the resource (aws:ResourceAccount, aws:ResourceTag/…,
// aws:RequestedRegion), the caller's client (aws:UserAgent, aws:Referer), service-to-service
// calls (aws:CalledVia, aws:CalledViaFirst, aws:CalledViaLast, aws:ViaAWSService,
// aws:SourceArn, aws:SourceAccount, aws:PrincipalIsAWSService) and aws:PrincipalAccount.
// A caller that does know one of these sets it on the Context, which overrides this list.
func LocallyUnknownKey(key string) bool {
	lk := strings.ToLower(key)
	if strings.HasPrefix(lk, "aws:resourcetag/") {
		return true
	}
	switch lk {
	case "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip",
		"aws:principalorgid", "aws:principalorgpaths", "aws:resourceorgid", "aws:resourceorgpaths",
		"aws:sourceorgid", "aws:sourceorgpaths", "aws:resourceaccount", "aws:requestedregion",
		"aws:useragent", "aws:referer", "aws:calledvia", "aws:calledviafirst", "aws:calledvialast",
		"aws:viaawsservice", "aws:sourcearn", "aws:sourceaccount", "aws:principalisawsservice",
		"aws:principalaccount":
		return true
	}
	return false
}
