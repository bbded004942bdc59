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

// Claim-key table. For each issuer (without https://), the claims STS copies into condition
// keys named ISSUER:CLAIM besides aud and sub, which every issuer gets. This list MUST be
// checked against the IAM User Guide page "Available keys for AWS OIDC federation" (and the
// provider-specific keys AWS announced for GitHub, Google, CircleCI and OCI); the sources
// rawsts was written from disagree on some GitHub entries.
//
//	accounts.google.com                 oaud (the real aud), azp, email; :aud is azp when present
//	cognito-identity.amazonaws.com      amr (multivalued)
//	graph.facebook.com                  app_id, id
//	www.amazon.com                      app_id, user_id
//	token.actions.githubusercontent.com actor, actor_id, enterprise, enterprise_id, environment,
//	(and GHES HOST/_services/token)     event_name, job_workflow_ref, ref, ref_type, repository,
//	                                    repository_id, repository_owner, repository_owner_id,
//	                                    runner_environment, workflow
func extraClaims(host string) []string {
	switch {
	case host == "accounts.google.com":
		return []string{"azp", "email"}
	case host == "cognito-identity.amazonaws.com":
		return []string{"amr"}
	case host == "graph.facebook.com":
		return []string{"app_id", "id"}
	case host == "www.amazon.com":
		return []string{"app_id", "user_id"}
	case isGitHubIssuer(host):
		return []string{"actor", "actor_id", "enterprise", "enterprise_id", "environment",
			"event_name", "job_workflow_ref", "ref", "ref_type", "repository", "repository_id",
			"repository_owner", "repository_owner_id", "runner_environment", "workflow"}
	}
	return nil
}

func isGitHubIssuer(host string) bool {
	return host == "token.actions.githubusercontent.com" ||
		strings.HasPrefix(host, "token.actions.githubusercontent.com/") ||
		strings.HasSuffix(host, "/_services/token")
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
// token's issuer and claims (numbers as json.Number or float64). It sets ISSUER:aud and
// ISSUER:sub, the provider's extra claim keys (see the table above), the session keys
// sts:RoleSessionName, aws:RequestTag/KEY and aws:TagKeys and sts:TransitiveTagKeys from the
// https://aws.amazon.com/tags claim (principal_tags values are lists; the first is used),
// sts:SourceIdentity from https://aws.amazon.com/source_identity, aws:FederatedProvider,
// aws:TokenIssueTime (from iat), aws:SecureTransport=true, and with opts.Now
// aws:CurrentTime and aws:EpochTime. Only amr, aws:TagKeys and sts:TransitiveTagKeys are
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
	c.Set(host+":sub", claimStrings(claims["sub"])...)
	c.Set(host+":aud", claimStrings(claims["aud"])...)
	for _, name := range extraClaims(host) {
		c.Set(host+":"+name, claimStrings(claims[name])...)
	}
	if host == "accounts.google.com" {
		// Google: :aud is azp when the token has one (hybrid apps); :oaud is the real aud.
		c.Set(host+":oaud", claimStrings(claims["aud"])...)
		if azp := claimStrings(claims["azp"]); len(azp) > 0 {
			c.Set(host+":aud", azp...)
		}
	}
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
	}
	if iat := claimStrings(claims["iat"]); len(iat) == 1 {
		if t, ok := parseDate(iat[0]); ok {
			c.Set("aws:TokenIssueTime", t.UTC().Format(time.RFC3339))
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
// shortest decimal form, booleans as "true"/"false", lists element by element. Objects and
// null give nothing.
func claimStrings(v any) []string {
	switch t := v.(type) {
	case string:
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
		return append([]string(nil), t...)
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, claimStrings(e)...)
		}
		return out
	}
	return nil
}
