package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rawsts/rawsts/trustpolicy"
)

// clauseFix explains one failing condition clause of statement s and says what to change.
func (d *run) clauseFix(s trustpolicy.StatementResult, cl trustpolicy.ClauseResult) (detail, fix string) {
	loc := fmt.Sprintf("Statement[%d].Condition.%s.%s", s.Index, cl.Operator, cl.Key)
	if msg, lfix := d.lintFix(loc, trustpolicy.CodeWildcardNeedsLike); msg != "" {
		like := strings.TrimSuffix(strings.TrimPrefix(lfix, "use "), " instead")
		return fmt.Sprintf("%s is %s; %s", cl.Key, quoteList(cl.ContextValues), msg),
			fmt.Sprintf("use %s: \"%s\": {\"%s\": %s}", like, like, cl.Key, jsonList(cl.PolicyValues))
	}
	if msg, lfix := d.lintFix(loc, trustpolicy.CodeKeyHasScheme, trustpolicy.CodeKeyIsARN, trustpolicy.CodeAudSubSwapped, trustpolicy.CodeUnknownOperator,
		trustpolicy.CodeKeyNotProvided, trustpolicy.CodeKeyDisputed); msg != "" {
		return fmt.Sprintf("%s %s: %s", cl.Operator, cl.Key, msg), lfix
	}
	host := trustpolicy.IssuerHost(d.tok.Claims.Issuer)
	prefix, claim, _ := strings.Cut(cl.Key, ":")
	if i := strings.LastIndexByte(cl.Key, ':'); i >= 0 {
		prefix, claim = cl.Key[:i], cl.Key[i+1:]
	}
	want := quoteList(cl.PolicyValues)
	if cl.ContextValues == nil {
		lop := strings.ToLower(cl.Operator)
		switch {
		case strings.HasPrefix(lop, "foranyvalue:") && strings.HasSuffix(lop, "ifexists"):
			plain := cl.Operator[strings.IndexByte(cl.Operator, ':')+1:]
			return fmt.Sprintf("%s (IAM User Guide: for ForAnyValue, \"if the key does not exist, the condition returns false\")", cl.Reason),
				fmt.Sprintf("for a single-valued key, drop the set operator: %q; to require the key, keep ForAnyValue and have the token carry the %s claim", plain, claim)
		case strings.Contains(cl.Key, ":") && !strings.Contains(prefix, ":") && strings.Contains(prefix, ".") && !strings.EqualFold(prefix, host):
			return fmt.Sprintf("%s names provider %q, but the token's issuer is %q, so the key is absent", cl.Key, prefix, host),
				fmt.Sprintf("write the key as %q, or move this condition to the statement for %s", host+":"+claim, prefix)
		case strings.EqualFold(prefix, host):
			return fmt.Sprintf("%s is absent from the request: the token has no %s claim; %s wants %s", cl.Key, claim, cl.Operator, want),
				fmt.Sprintf("condition on a key the token carries (%s), or have the issuer add the %s claim", strings.Join(d.tokenKeys(), ", "), claim)
		default:
			return fmt.Sprintf("%s is absent from the request; %s wants %s", cl.Key, cl.Operator, want),
				fmt.Sprintf("condition on a key the request carries (%s), or remove this condition", strings.Join(d.tokenKeys(), ", "))
		}
	}
	got := quoteList(cl.ContextValues)
	negated := strings.Contains(cl.Operator, "Not") && !strings.HasPrefix(cl.Operator, "Null")
	if negated {
		return fmt.Sprintf("%s is %s, which the policy's %s excludes (%s)", claim, got, cl.Operator, want),
			fmt.Sprintf("this token is excluded on purpose; if it should be allowed, remove %s from %s %s", got, cl.Operator, cl.Key)
	}
	if claim == "sub" && isGitHub(d.tok.Claims.Issuer) && len(cl.ContextValues) == 1 {
		return githubSubFix(cl.ContextValues[0], cl.PolicyValues, cl.Operator, cl.Key)
	}
	if claim == "aud" {
		return d.audFix(cl, host)
	}
	if claim == "amr" && host == cognitoIdentityHost {
		if detail, fix := amrFix(cl); detail != "" {
			return detail, fix
		}
	}
	return fmt.Sprintf("%s is %s; the policy's %s wants %s", claim, got, cl.Operator, want),
		fmt.Sprintf("if this token should be allowed, add %s to %s %s", got, cl.Operator, cl.Key)
}

// tokenKeys lists the condition keys of the token's issuer that STS provides (the key table,
// trustpolicy.TokenKeys) and this token has a value for.
func (d *run) tokenKeys() []string {
	var out []string
	for _, k := range trustpolicy.TokenKeys(d.tok.Claims.Issuer, d.tok.RawClaims) {
		if k.Status == trustpolicy.KeyProvided && len(k.Values) > 0 {
			out = append(out, k.Key)
		}
	}
	return out
}

// cognitoIdentityHost is the built-in provider of Cognito identity pools' tokens.
const cognitoIdentityHost = "cognito-identity.amazonaws.com"

// identityPoolID is the shape of an identity pool id, REGION:GUID.
var identityPoolID = regexp.MustCompile(`^[\w-]+:[0-9a-f-]+$`)

// identityPoolAudFix explains an identity pool token's aud that the policy does not match
// (Cognito Developer Guide, "Role trust and permissions"): the aud is the identity pool id, and
// the classic mistake is the user pool's app client id in its place.
func identityPoolAudFix(cl trustpolicy.ClauseResult) (string, string) {
	got := quoteList(cl.ContextValues)
	detail := fmt.Sprintf("aud is the identity pool id %s; the policy's %s wants %s", got, cl.Operator, quoteList(cl.PolicyValues))
	for _, v := range cl.PolicyValues {
		if !identityPoolID.MatchString(v) && !strings.ContainsAny(v, "*?") {
			return detail + fmt.Sprintf(" — %q is not an identity pool id (REGION:GUID): an identity pool's token carries the identity pool id as aud, not the user pool's app client id", v),
				fmt.Sprintf("compare %s:aud with the identity pool id: \"%s\": {\"%s:aud\": %s}", cognitoIdentityHost, cl.Operator, cognitoIdentityHost, jsonList(cl.ContextValues))
		}
	}
	return detail + " — the token comes from another identity pool than the one the role trusts",
		fmt.Sprintf("if identity pool %s should use this role, add %s to %s %s (or give that pool a role of its own)", got, got, cl.Operator, cl.Key)
}

// amrFix explains an identity pool token's amr that the policy does not match: an
// authenticated identity meeting the unauthenticated role's condition, or a guest meeting the
// authenticated role's; "" when neither is the case.
func amrFix(cl trustpolicy.ClauseResult) (string, string) {
	has := func(list []string, v string) bool {
		for _, e := range list {
			if e == v {
				return true
			}
		}
		return false
	}
	got, want := quoteList(cl.ContextValues), quoteList(cl.PolicyValues)
	switch {
	case has(cl.ContextValues, "unauthenticated") && has(cl.PolicyValues, "authenticated"):
		return fmt.Sprintf("amr is %s: a guest (unauthenticated) identity, and the policy's %s wants %s, the condition of the pool's authenticated role", got, cl.Operator, want),
			fmt.Sprintf("guests get the identity pool's unauthenticated role, whose trust policy compares amr with \"unauthenticated\"; if this role is meant for guests, its condition must be \"ForAnyValue:StringLike\": {\"%s:amr\": \"unauthenticated\"}", cognitoIdentityHost)
	case has(cl.ContextValues, "authenticated") && has(cl.PolicyValues, "unauthenticated"):
		return fmt.Sprintf("amr is %s: a signed-in (authenticated) identity, and the policy's %s wants %s, the condition of the pool's unauthenticated (guest) role", got, cl.Operator, want),
			fmt.Sprintf("the identity pool's authenticated role must compare amr with \"authenticated\": \"ForAnyValue:StringLike\": {\"%s:amr\": \"authenticated\"}; check which role is which with aws cognito-identity get-identity-pool-roles", cognitoIdentityHost)
	}
	return "", ""
}

func (d *run) audFix(cl trustpolicy.ClauseResult, host string) (string, string) {
	got, want := quoteList(cl.ContextValues), quoteList(cl.PolicyValues)
	c := d.tok.Claims
	if host == "accounts.google.com" && c.AuthorizedParty != "" {
		for _, v := range cl.PolicyValues {
			for _, a := range c.Audience {
				if v == a {
					return fmt.Sprintf("for Google, accounts.google.com:aud is the azp claim %q when the token has one; the policy's %s wants %s, which is the token's aud (accounts.google.com:oaud)", c.AuthorizedParty, cl.Operator, want),
						fmt.Sprintf("compare accounts.google.com:aud with the azp value %q, or compare accounts.google.com:oaud with %s", c.AuthorizedParty, want)
				}
			}
		}
	}
	if host == cognitoIdentityHost {
		return identityPoolAudFix(cl)
	}
	detail := fmt.Sprintf("aud is %s; the policy's %s wants %s", got, cl.Operator, want)
	if isGitHub(c.Issuer) {
		return detail, fmt.Sprintf("request the token with audience %s (configure-aws-credentials' audience input), or add %s to %s %s", firstOr(cl.PolicyValues), got, cl.Operator, cl.Key)
	}
	return detail, fmt.Sprintf("request the token for audience %s, or add %s to %s %s", firstOr(cl.PolicyValues), got, cl.Operator, cl.Key)
}

// githubSub matches a GitHub Actions sub: repo:ORG[@ORGID]/REPO[@REPOID]:REST. Policy values
// may carry * and ? wildcards anywhere.
var githubSub = regexp.MustCompile(`^repo:([^/:@]+)(@[0-9*?]+)?/([^/:@]+)(@[0-9*?]+)?:(.*)$`)

type ghSub struct {
	org, orgID, repo, repoID, rest string
}

func parseGHSub(s string) (ghSub, bool) {
	m := githubSub.FindStringSubmatch(s)
	if m == nil {
		return ghSub{}, false
	}
	return ghSub{m[1], m[2], m[3], m[4], m[5]}, true
}

// form names the kind of sub: environment, branch, tag, pull_request or custom.
func (g ghSub) form() string {
	switch {
	case strings.HasPrefix(g.rest, "environment:"):
		return "environment"
	case strings.HasPrefix(g.rest, "ref:refs/heads/"):
		return "branch"
	case strings.HasPrefix(g.rest, "ref:refs/tags/"):
		return "tag"
	case g.rest == "pull_request":
		return "pull_request"
	case g.rest == "*":
		return "any"
	}
	return "custom"
}

func (g ghSub) repoPart() string { return g.org + g.orgID + "/" + g.repo + g.repoID }

var formSentence = map[string]string{
	"environment":  "a job that names an environment gets the environment form",
	"branch":       "a job that names no environment gets the ref form of its branch",
	"tag":          "a job run for a tag gets the ref form with refs/tags/",
	"pull_request": "a job triggered by pull_request without an environment gets the pull_request form, which names no branch",
	"custom":       "the repository or organisation customised its sub template",
}

// githubSubFix explains a GitHub sub that the policy's values do not match, knowing GitHub's
// sub forms: ref (branch, tag), environment, pull_request, immutable IDs, custom templates.
func githubSubFix(sub string, want []string, op, key string) (detail, fix string) {
	base := fmt.Sprintf("sub is %q; the policy's %s wants %s", sub, op, quoteList(want))
	tok, ok := parseGHSub(sub)
	if !ok {
		return base + " — " + formSentence["custom"], fmt.Sprintf("add %q to %s %s", sub, op, key)
	}
	add := fmt.Sprintf("add %q to %s %s", sub, op, key)
	var pol []ghSub
	for _, w := range want {
		if p, ok := parseGHSub(w); ok {
			pol = append(pol, p)
		}
	}
	if len(pol) == 0 {
		return base, add
	}
	// The immutable form: the token has owner and repository IDs, the policy does not.
	if tok.orgID != "" && pol[0].orgID == "" {
		legacy := "repo:" + tok.org + "/" + tok.repo + ":" + tok.rest
		return base + " — the token has GitHub's immutable form repo:ORG@ORGID/REPO@REPOID:… (repositories created from 15 July 2026, or opted in), the policy the name-only form" + sameRest(legacy, want),
			fmt.Sprintf("%s (or, for every ref of this repository, StringLike %q)", add, "repo:"+tok.repoPart()+":*")
	}
	if !strings.EqualFold(tok.repoPart(), pol[0].repoPart()) && !strings.ContainsAny(pol[0].repoPart(), "*?") {
		return base + fmt.Sprintf(" — the token comes from repository %s, the policy names %s", tok.org+"/"+tok.repo, pol[0].org+"/"+pol[0].repo),
			fmt.Sprintf("%s if %s may assume this role (or run the workflow in %s)", add, tok.org+"/"+tok.repo, pol[0].org+"/"+pol[0].repo)
	}
	tf, pf := tok.form(), pol[0].form()
	switch {
	case tf != pf && formSentence[tf] != "":
		extra := ""
		if tf == "environment" && pf == "branch" {
			extra = " even when it runs on the branch the policy names"
		}
		return base + " — " + formSentence[tf] + extra, add
	case tf == "branch":
		return base + fmt.Sprintf(" — the workflow ran on branch %s", strings.TrimPrefix(tok.rest, "ref:refs/heads/")), add + " if that branch may assume this role"
	case tf == "tag":
		return base + fmt.Sprintf(" — the workflow ran for tag %s", strings.TrimPrefix(tok.rest, "ref:refs/tags/")), add + fmt.Sprintf(" (or StringLike %q for every tag)", "repo:"+tok.repoPart()+":ref:refs/tags/*")
	case tf == "environment":
		return base + fmt.Sprintf(" — the job names environment %s", strings.TrimPrefix(tok.rest, "environment:")), add + " if that environment may assume this role"
	}
	return base, add
}

// sameRest notes when the policy would match the legacy form of the token's sub.
func sameRest(legacy string, want []string) string {
	for _, w := range want {
		if w == legacy || trustpolicy.MatchLike(w, legacy) {
			return fmt.Sprintf(", which it would match as %q", legacy)
		}
	}
	return ""
}

// jsonList renders values as a JSON string or list, as a policy writes them.
func jsonList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "[" + strings.Join(q, ", ") + "]"
}
