package trustpolicy

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TokenContextOptions carries what ContextFromToken cannot read from the token.
type TokenContextOptions struct {
	// Principal is the provider ARN the request is made as. When empty, a built-in provider
	// (accounts.google.com, cognito-identity.amazonaws.com, graph.facebook.com,
	// www.amazon.com) is named directly, and any other issuer becomes
	// arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH] when Account is set; otherwise
	// the principal stays unknown.
	Principal string
	// Account is the 12-digit account of the role (and so of its OIDC provider).
	Account string
	// Partition defaults to "aws".
	Partition string
	// Action defaults to sts:AssumeRoleWithWebIdentity.
	Action string
	// RoleSessionName sets sts:RoleSessionName when not empty.
	RoleSessionName string
	// Now sets aws:CurrentTime and aws:EpochTime when not zero.
	Now time.Time
}

// BuiltinProvider reports whether name is a provider IAM knows without an OIDC provider object:
// accounts.google.com, cognito-identity.amazonaws.com, graph.facebook.com, www.amazon.com.
func BuiltinProvider(name string) bool {
	switch name {
	case "accounts.google.com", "cognito-identity.amazonaws.com", "graph.facebook.com", "www.amazon.com":
		return true
	}
	return false
}

// ProviderARN returns the IAM OIDC provider ARN for an issuer:
// arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER-WITHOUT-https://. partition "" means "aws".
func ProviderARN(issuer, partition, account string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::" + account + ":oidc-provider/" + IssuerHost(issuer)
}

// IssuerHost strips the scheme from an issuer: the prefix of its condition keys.
func IssuerHost(issuer string) string {
	return strings.TrimPrefix(strings.TrimPrefix(issuer, "https://"), "http://")
}

// ContextFromToken builds the request context STS builds for AssumeRoleWithWebIdentity from a
// token's issuer and claims (numbers as json.Number or float64).
//
// The issuer's keys come from the key table ([ProviderKeys], [TokenKeys]), which lists only
// keys a primary AWS source names, each with its source. A key rawsts sets on a reading AWS
// does not state (the generic ISSUER:amr; ISSUER:aud of a custom provider's token whose azp
// differs from its aud) carries an [Assumption]; a key AWS's sources disagree on
// (token.actions.githubusercontent.com:repository_owner_id, ISSUER:email, …) is left out and
// carries the disagreement as its assumption; a key whose claim AWS does not name
// (accounts.google.com:google/organization_number) is unknown. Empty strings and empty lists
// are no value (the IAM User Guide counts "an empty string" as a "null data set").
//
// Besides, it sets the session keys sts:RoleSessionName, aws:RequestTag/KEY, aws:TagKeys and
// sts:TransitiveTagKeys from the https://aws.amazon.com/tags claim (principal_tags values are
// lists; the first is used), sts:SourceIdentity from https://aws.amazon.com/source_identity
// (all listed for sts:AssumeRoleWithWebIdentity by the Service Authorization Reference),
// aws:SecureTransport=true ("always present"), with opts.Now aws:CurrentTime and
// aws:EpochTime, and marks sts:RoleAuthorizedByIdp unknown (a token cannot tell). It also sets
// aws:FederatedProvider (the principal) and aws:TokenIssueTime (from iat) as assumptions: the
// IAM User Guide describes both for requests made with a federated session, not for the
// AssumeRoleWithWebIdentity call itself. Only amr, aws:TagKeys and sts:TransitiveTagKeys are
// multivalued (and aud when the token has several audiences).
func ContextFromToken(issuer string, claims map[string]any, opts TokenContextOptions) *Context {
	host := IssuerHost(issuer)
	c := &Context{Principal: opts.Principal, Action: opts.Action}
	if c.Action == "" {
		c.Action = ActionAssumeRoleWithWebIdentity
	}
	if c.Principal == "" {
		switch {
		case BuiltinProvider(host):
			c.Principal = host
		case opts.Account != "":
			c.Principal = ProviderARN(issuer, opts.Partition, opts.Account)
		}
	}
	for _, tk := range tokenKeys(host, claims) {
		switch tk.Status {
		case KeyProvided, KeyAssumed:
			c.Set(tk.Key, tk.Values...)
		case KeyUnknown:
			c.SetUnknown(tk.Key)
		}
		if tk.assume != nil {
			c.Assume(tk.Key, *tk.assume)
		}
	}
	c.SetUnknown("sts:RoleAuthorizedByIdp")
	if opts.RoleSessionName != "" {
		c.Set("sts:RoleSessionName", opts.RoleSessionName)
	}
	if tags, ok := claims["https://aws.amazon.com/tags"].(map[string]any); ok {
		setTags(c, tags)
	}
	if si := claimStrings(claims["https://aws.amazon.com/source_identity"]); len(si) == 1 {
		c.Set("sts:SourceIdentity", si[0])
	}
	if c.Principal != "" {
		c.Set("aws:FederatedProvider", c.Principal)
		c.Assume("aws:FederatedProvider", Assumption{Rule: "rawsts sets aws:FederatedProvider at AssumeRoleWithWebIdentity time, though the IAM User Guide describes it only for requests made with a federated role session (\"present when the principal is a role session principal\")"})
	}
	if iat := claimStrings(claims["iat"]); len(iat) == 1 {
		if t, ok := parseDate(iat[0]); ok {
			c.Set("aws:TokenIssueTime", t.UTC().Format(time.RFC3339))
			c.Assume("aws:TokenIssueTime", Assumption{Rule: "rawsts sets aws:TokenIssueTime from the token's iat, though the IAM User Guide describes the key only for requests made with temporary credentials (\"present in the request context only when the principal uses temporary credentials\")"})
		}
	}
	c.Set("aws:SecureTransport", "true")
	if !opts.Now.IsZero() {
		c.Set("aws:CurrentTime", opts.Now.UTC().Format(time.RFC3339))
		c.Set("aws:EpochTime", strconv.FormatInt(opts.Now.Unix(), 10))
	}
	return c
}

// setTags reads {"principal_tags": {"K": ["v"]}, "transitive_tag_keys": ["K"]}.
func setTags(c *Context, tags map[string]any) {
	pt, _ := tags["principal_tags"].(map[string]any)
	keys := make([]string, 0, len(pt))
	for k := range pt {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := claimStrings(pt[k]); len(v) > 0 {
			c.Set("aws:RequestTag/"+k, v[0])
		}
	}
	c.Set("aws:TagKeys", keys...)
	c.Set("sts:TransitiveTagKeys", claimStrings(tags["transitive_tag_keys"])...)
}

// claimStrings turns a claim into condition values: strings as they are, numbers in their
// shortest decimal form, booleans as "true"/"false", lists element by element. Objects, null
// and empty strings give nothing: "it is possible to include an empty string. In this case,
// the value in the request context is null" (IAM User Guide, "IAM JSON policy elements:
// Condition"), and ForAllValues "also returns true if … the key values resolve to a null data
// set, such as an empty string" ("Single-valued vs. multivalued context keys").
func claimStrings(v any) []string {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	case json.Number:
		return []string{t.String()}
	case float64:
		return []string{strconv.FormatFloat(t, 'f', -1, 64)}
	case int:
		return []string{strconv.Itoa(t)}
	case int64:
		return []string{strconv.FormatInt(t, 10)}
	case bool:
		return []string{strconv.FormatBool(t)}
	case []string:
		var out []string
		for _, e := range t {
			out = append(out, claimStrings(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, claimStrings(e)...)
		}
		return out
	}
	return nil
}
