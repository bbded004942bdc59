package trustpolicy

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// ActionAssumeRole is the action STS authorizes against a trust policy for a signed
// AssumeRole call.
const ActionAssumeRole = "sts:AssumeRole"

// CallerContextOptions carries what [ContextFromCaller] cannot read from the caller's ARN: the
// request's parameters and what the serving side knows about the caller.
type CallerContextOptions struct {
	// PrincipalArn is aws:PrincipalArn: the user's ARN, or, for a role session, the ARN of
	// the role (with its path), not the session's. Empty means the principal's own ARN.
	PrincipalArn string
	// UserID is aws:userid (AIDA… for a user, ROLEID:SESSION for a role session).
	UserID string
	// RoleSessionName, ExternalID and SourceIdentity are the request's parameters: they set
	// sts:RoleSessionName, sts:ExternalId and sts:SourceIdentity when not empty.
	RoleSessionName, ExternalID, SourceIdentity string
	// Tags are the session tags the request passes (aws:RequestTag/KEY, aws:TagKeys) and
	// TransitiveTagKeys sts:TransitiveTagKeys.
	Tags              map[string]string
	TransitiveTagKeys []string
	// SourceIP is aws:SourceIp; SecureTransport is aws:SecureTransport (https).
	SourceIP        string
	SecureTransport bool
	// Now sets aws:CurrentTime and aws:EpochTime when not zero.
	Now time.Time
}

// ContextFromCaller builds the request context STS evaluates a role's trust policy against
// for a signed AssumeRole call made by principal — an IAM user's ARN or a role session's
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION). It is complete (the serving side knows the
// whole request): Principal and Action (sts:AssumeRole) are set, and the keys aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType (User or AssumedRole), aws:userid, aws:username (for a
// user), the request's sts: keys and tags, aws:SourceIp, aws:SecureTransport and the times.
// Principal.AWS matches it as [Evaluate] describes. When the request passes tags or a source
// identity, STS also authorizes sts:TagSession or sts:SetSourceIdentity: evaluate again with
// the context's Action set to [ActionTagSession] or [ActionSetSourceIdentity].
func ContextFromCaller(principal string, opts CallerContextOptions) *Context {
	c := &Context{Principal: principal, Action: ActionAssumeRole, Complete: true}
	pa := opts.PrincipalArn
	if pa == "" {
		pa = principal
	}
	c.Set("aws:PrincipalArn", pa)
	if acct, ok := awsPrincipalAccount(principal); ok {
		c.Set("aws:PrincipalAccount", acct)
	}
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) == 6 && strings.HasPrefix(parts[5], "assumed-role/") {
		c.Set("aws:PrincipalType", "AssumedRole")
	} else if len(parts) == 6 && strings.HasPrefix(parts[5], "user/") {
		c.Set("aws:PrincipalType", "User")
		c.Set("aws:username", parts[5][strings.LastIndexByte(parts[5], '/')+1:])
	}
	c.Set("aws:userid", nonEmpty(opts.UserID)...)
	c.Set("sts:RoleSessionName", nonEmpty(opts.RoleSessionName)...)
	c.Set("sts:ExternalId", nonEmpty(opts.ExternalID)...)
	c.Set("sts:SourceIdentity", nonEmpty(opts.SourceIdentity)...)
	keys := make([]string, 0, len(opts.Tags))
	for k, v := range opts.Tags {
		keys = append(keys, k)
		c.Set("aws:RequestTag/"+k, v)
	}
	sort.Strings(keys)
	c.Set("aws:TagKeys", keys...)
	c.Set("sts:TransitiveTagKeys", opts.TransitiveTagKeys...)
	c.Set("aws:SourceIp", nonEmpty(opts.SourceIP)...)
	c.Set("aws:SecureTransport", strconv.FormatBool(opts.SecureTransport))
	if !opts.Now.IsZero() {
		c.Set("aws:CurrentTime", opts.Now.UTC().Format(time.RFC3339))
		c.Set("aws:EpochTime", strconv.FormatInt(opts.Now.Unix(), 10))
	}
	return c
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// NamesCaller reports whether the allow of r — the [Result] of [Evaluate] on p for the
// context c of a signed call ([ContextFromCaller]) — names the caller itself: whether an Allow
// statement that matched lists, in Principal.AWS, the caller's own ARN (a user's, a role
// session's), the ARN of its role (aws:PrincipalArn) or "*", and not only its account (the
// 12-digit id or arn:PARTITION:iam::ACCOUNT:root).
//
// The difference decides whether the caller's identity policies must allow the action too.
// The STS API Reference for AssumeRole and the IAM User Guide's "Policy evaluation logic"
// (identity-based and resource-based policies within one account): a trust policy is a
// resource-based policy, so within the account naming the user or role in it is enough on its
// own, while a trust policy that names the account delegates to the account's identity
// policies, which must then allow sts:AssumeRole on the role as well. An explicit deny in any
// of them refuses either way. Whether "*" counts as naming the caller is not documented for
// trust policies; it is taken to, as a wildcard principal grants every principal in other
// resource-based policies.
func NamesCaller(p *Policy, r Result, c *Context) bool {
	if p == nil || c == nil || r.Decision != Allow {
		return false
	}
	roleARN, _ := c.Lookup("aws:PrincipalArn")
	for _, sr := range r.Statements {
		if sr.Effect != "Allow" || sr.Outcome != Match || sr.Index < 0 || sr.Index >= len(p.Statements) {
			continue
		}
		pr := p.Statements[sr.Index].Principal
		if pr == nil {
			continue
		}
		if pr.All || contains(pr.AWS, "*") {
			return true
		}
		for _, e := range pr.AWS {
			if e == c.Principal || (len(roleARN) == 1 && e == roleARN[0]) {
				return true
			}
		}
	}
	return false
}
