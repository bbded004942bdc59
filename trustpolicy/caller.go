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
