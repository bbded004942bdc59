package trustpolicy

import (
	"fmt"
	"strings"
)

// Severity ranks a lint finding.
type Severity int

const (
	// Warning: legal and sometimes intended, but often a mistake.
	Warning Severity = iota
	// Error: STS will deny (or AWS refuse the policy), or the policy is unsafe.
	Error
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Lint codes. They are stable: tools may match on them.
const (
	CodeWildcardNeedsLike   = "wildcard-needs-like"
	CodeKeyHasScheme        = "key-has-scheme"
	CodeKeyIsARN            = "key-is-arn"
	CodeAudSubSwapped       = "aud-sub-swapped"
	CodeMissingSub          = "missing-sub"
	CodeForAllValuesAllow   = "forallvalues-allow"
	CodeMultiProvider       = "multi-provider-conditions"
	CodeProviderKeyMismatch = "provider-key-mismatch"
	CodeProviderAccount     = "provider-account-mismatch"
	CodeMissingAssumeAction = "missing-assume-action"
	CodeMissingTagSession   = "missing-tag-session"
	CodeMissingSourceIdent  = "missing-source-identity"
	CodeUnknownOperator     = "unknown-operator"
	CodeDuplicateKey        = "duplicate-key"
	CodeSetOpOnSingleValued = "set-operator-single-valued"
	CodeResourceInTrust     = "resource-in-trust-policy"
	// CodeNotPrincipal: a statement uses NotPrincipal, which a role trust policy does not
	// support (IAM User Guide, "AWS JSON policy elements: NotPrincipal"). [error]
	CodeNotPrincipal = "not-principal-in-trust-policy"
	// CodeKeyNotProvided: a condition on PROVIDER:CLAIM, a key STS does not provide (no AWS
	// source names it for that provider: …:iss, …:event_name, any custom claim), so the
	// condition never matches (or, negated, always does). [error]
	CodeKeyNotProvided = "key-not-provided"
	// CodeKeyDisputed: a condition on a key AWS's sources disagree on (listed by one, absent
	// from another); rawsts evaluates it as absent. [warning]
	CodeKeyDisputed = "key-disputed"
	// CodeMultivaluedNeedsSetOp: a plain operator on a multivalued key (amr, aws:TagKeys,
	// sts:TransitiveTagKeys), whose result AWS does not document. [warning]
	CodeMultivaluedNeedsSetOp = "multivalued-needs-set-operator"
)

// Finding is one lint result.
type Finding struct {
	// Severity is Error when STS will deny, AWS will refuse the policy, or the policy is
	// unsafe; Warning when it is legal but often a mistake.
	Severity Severity
	// Code is one of the Code constants, stable for tools to match on.
	Code     string
	Location string // e.g. "Statement[0].Condition.StringEquals.token.actions.githubusercontent.com:sub"
	// Message says what is wrong, for a person; its wording may change between versions.
	Message string
	// Fix says what to change in the policy.
	Fix string
}

// String renders the finding on one line: location, severity, code, message and fix.
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s [%s]: %s; fix: %s", f.Location, f.Severity, f.Code, f.Message, f.Fix)
}

// LintOptions are hints Lint cannot find in the policy.
type LintOptions struct {
	// ExpectedAccount is the role's account; OIDC provider ARNs in another account cannot
	// work (the role and its provider must be in the same account).
	ExpectedAccount string
	// TokenHasTags: the token carries https://aws.amazon.com/tags, so sts:TagSession is needed.
	TokenHasTags bool
	// TokenHasSourceIdentity: the token carries https://aws.amazon.com/source_identity, so
	// sts:SetSourceIdentity is needed.
	TokenHasSourceIdentity bool
}

// sharedIssuer reports issuers that sign tokens for many unrelated customers, where a role
// without a sub condition trusts everybody's pipelines; AWS refuses or warns about such trust
// policies (ANCHORS.md §(d)).
func sharedIssuer(host string) bool {
	switch host {
	case "token.actions.githubusercontent.com", "gitlab.com", "agent.buildkite.com", "app.terraform.io":
		return true
	}
	return strings.HasPrefix(host, "oidc.circleci.com/org/")
}

// Lint checks a trust policy statically for the mistakes behind most AccessDenied answers
// to AssumeRoleWithWebIdentity (ANCHORS.md §(c) #1, #11, #12). Findings come in statement
// order.
func Lint(p *Policy, opts LintOptions) []Finding {
	var out []Finding
	add := func(sev Severity, code, loc, msg, fix string) {
		out = append(out, Finding{sev, code, loc, msg, fix})
	}
	for _, d := range p.Duplicates {
		add(Warning, CodeDuplicateKey, d, "this key appears more than once in the same object; only the last one is used",
			"merge the duplicates into one key (for condition operators, put all keys under one operator block)")
	}
	var fedAllows []int
	for i := range p.Statements {
		s := &p.Statements[i]
		at := fmt.Sprintf("Statement[%d]", i)
		hosts := federatedHosts(s)
		if s.NotPrincipal != nil {
			add(Error, CodeNotPrincipal, at+".NotPrincipal",
				`a role trust policy does not support NotPrincipal ("You cannot use the NotPrincipal element in an IAM identity-based policy or in an IAM role trust policy." — IAM User Guide, "AWS JSON policy elements: NotPrincipal"; IAM Access Analyzer: "Role trust policies do not support NotPrincipal")`,
				`use a Principal element instead: name the providers that may assume the role in "Principal": {"Federated": …}, and narrow them with conditions`)
		}
		if s.Resource != nil || s.NotResource != nil {
			add(Error, CodeResourceInTrust, at+".Resource",
				"a trust policy's resource is the role itself; IAM refuses trust policies with Resource or NotResource (MalformedPolicyDocument)",
				"delete the Resource element")
		}
		if s.Effect == "Allow" && len(hosts) > 0 {
			fedAllows = append(fedAllows, i)
			if !actionCovers(s, ActionAssumeRoleWithWebIdentity) {
				add(Error, CodeMissingAssumeAction, at+".Action",
					"a Federated principal assumes the role with sts:AssumeRoleWithWebIdentity, which this statement's Action does not allow",
					`set "Action": "sts:AssumeRoleWithWebIdentity"`)
			}
		}
		if s.Principal != nil && opts.ExpectedAccount != "" {
			for _, f := range s.Principal.Federated {
				if acct, _, ok := splitProviderARN(f); ok && acct != opts.ExpectedAccount {
					add(Error, CodeProviderAccount, at+".Principal.Federated",
						fmt.Sprintf("the provider %s is in account %s, but the role is in %s; a role can only trust a provider in its own account", f, acct, opts.ExpectedAccount),
						fmt.Sprintf("create the OIDC provider in account %s and name arn:aws:iam::%s:oidc-provider/… here", opts.ExpectedAccount, opts.ExpectedAccount))
				}
			}
		}
		out = append(out, lintConditions(s, at, hosts)...)
		out = append(out, lintIdentityPool(s, at, hosts)...)
	}
	for _, need := range []struct {
		on           bool
		action, code string
		why          string
	}{
		{opts.TokenHasTags, ActionTagSession, CodeMissingTagSession, "the token carries session tags (https://aws.amazon.com/tags)"},
		{opts.TokenHasSourceIdentity, ActionSetSourceIdentity, CodeMissingSourceIdent, "the token carries a source identity (https://aws.amazon.com/source_identity)"},
	} {
		if !need.on || len(fedAllows) == 0 {
			continue
		}
		covered := false
		for _, i := range fedAllows {
			covered = covered || actionCovers(&p.Statements[i], need.action)
		}
		if !covered {
			add(Error, need.code, fmt.Sprintf("Statement[%d].Action", fedAllows[0]),
				need.why+", so STS also authorizes "+need.action+", which no Allow statement grants",
				fmt.Sprintf(`add %q to the Action list: ["sts:AssumeRoleWithWebIdentity", %q]`, need.action, need.action))
		}
	}
	return out
}

// federatedHosts returns the condition-key prefixes of a statement's Federated principals:
// the URL part of oidc-provider ARNs, and built-in provider names as written.
func federatedHosts(s *Statement) []string {
	if s.Principal == nil {
		return nil
	}
	var out []string
	for _, f := range s.Principal.Federated {
		if _, host, ok := splitProviderARN(f); ok {
			out = append(out, host)
		} else if !strings.HasPrefix(f, "arn:") {
			out = append(out, f)
		}
	}
	return out
}

// splitProviderARN splits arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH].
func splitProviderARN(arn string) (account, host string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "oidc-provider/") {
		return "", "", false
	}
	return parts[4], strings.TrimPrefix(parts[5], "oidc-provider/"), true
}

// actionCovers reports whether a statement's Action (or NotAction) lets action through.
func actionCovers(s *Statement, action string) bool {
	return checkAction(s, action).Outcome == Match
}
