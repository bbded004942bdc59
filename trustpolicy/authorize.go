package trustpolicy

import (
	"fmt"
	"strings"
)

// PolicyKind says which part of IAM's evaluation a policy takes: the principal's identity-based
// policies, its permissions boundary, or the session policies of a role session.
type PolicyKind int

const (
	// IdentityBased: the policies attached to the principal, inline and managed (for a role
	// session, the role's permission policies).
	IdentityBased PolicyKind = iota
	// PermissionsBoundary: the managed policy set as the principal's permissions boundary.
	PermissionsBoundary
	// SessionPolicy: the inline Policy and the PolicyArns passed to AssumeRole,
	// AssumeRoleWithWebIdentity or AssumeRoleWithSAML.
	SessionPolicy
)

// String returns the kind as AWS's AccessDenied messages name it: "identity-based policy",
// "permissions boundary" or "session policy".
func (k PolicyKind) String() string {
	switch k {
	case PermissionsBoundary:
		return "permissions boundary"
	case SessionPolicy:
		return "session policy"
	}
	return "identity-based policy"
}

// NamedPolicy is an identity policy with the name a decision cites: an inline policy's name
// ("TestRole/s3-read"), or a managed policy's ARN
// ("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess").
type NamedPolicy struct {
	Name   string
	Policy *Policy
}

// Policies are the policies [Authorize] evaluates for one request of one principal in its
// own account.
type Policies struct {
	// Identity holds the principal's identity-based policies, inline and managed.
	Identity []NamedPolicy
	// Boundary holds the principal's permissions boundary; nil when it has none.
	Boundary []NamedPolicy
	// Session holds the session policies the role session was created with (the inline
	// Policy and each of PolicyArns); nil when none were passed, and then the session has the
	// role's permissions. A non-nil empty list allows nothing, as would Boundary's.
	Session []NamedPolicy
}

// Authorization is the verdict of [Authorize] with its explanation.
type Authorization struct {
	// Decision is Allow, ExplicitDeny, ImplicitDeny, or Indeterminate when it depends on
	// keys listed in DependsOn.
	Decision Decision
	// Decisive lists the statements that decided. ExplicitDeny: every Deny statement that
	// matched. Allow: for each kind of policy present (identity-based, then permissions
	// boundary, then session), the first Allow statement that matched. Otherwise empty.
	Decisive []StatementRef
	// NotAllowedBy lists, for ImplicitDeny, the kinds of policy that have no matching Allow
	// (identity-based first): the "because no session policy allows …" of AWS's message.
	NotAllowedBy []PolicyKind
	// Policies explains every policy, in the order given (identity, boundary, session), and
	// every statement of each.
	Policies []PolicyResult
	// DependsOn lists, for Indeterminate, the unknown keys (and "Action" or "Resource" when
	// the context left them empty) the open statements depend on, sorted.
	DependsOn []string
}

// PolicyResult explains one policy.
type PolicyResult struct {
	Kind PolicyKind
	Name string
	// Statements explains every statement, in document order.
	Statements []StatementResult
}

// StatementRef names one statement that decided.
type StatementRef struct {
	Kind   PolicyKind
	Policy string // the NamedPolicy's Name
	Index  int    // position in the policy's Statements
	Sid    string // "" when the statement has none
	Effect string // "Allow" or "Deny"
	// Statement is the statement itself, as parsed (read it, do not change it): its Action,
	// Resource and Conditions are what an authorization message reports as matched.
	Statement *Statement
}

// String returns `Statement[1] "DenyEC2" of session policy inline` or the like.
func (r StatementRef) String() string {
	s := fmt.Sprintf("Statement[%d]", r.Index)
	if r.Sid != "" {
		s += fmt.Sprintf(" %q", r.Sid)
	}
	return s + " of " + r.Kind.String() + " " + r.Policy
}

// Authorize decides whether a principal may perform c.Action on c.Resource, following the
// IAM User Guide's "Policy evaluation logic" for a request within one account, without
// resource-based policies, SCPs or RCPs:
//
//   - an explicit Deny in any policy (identity-based, boundary or session) denies;
//   - otherwise the request must be allowed by an identity-based policy and, when present,
//     by the permissions boundary and by a session policy: the effective permissions are the
//     intersection ("Permissions for AssumeRole, AssumeRoleWithSAML, and
//     AssumeRoleWithWebIdentity": the session's permissions are the intersection of the role's
//     identity-based policies and the session policies; "Permissions boundaries for IAM
//     entities" likewise);
//   - otherwise the request is implicitly denied.
//
// Each statement matches when its Action (or NotAction), its Resource (or NotResource) and
// every condition clause match; conditions are evaluated exactly as for trust policies (see
// [Evaluate]), including absent keys, …IfExists, ForAnyValue/ForAllValues and policy
// variables. Three-valued: a statement that depends on a key the context cannot know may
// leave the decision Indeterminate; a context built by the serving side sets Complete, so
// that absent keys are absent and not unknown.
//
// The resource is the caller's to name, as the service would: arn:aws:s3:::BUCKET for S3
// ListObjectsV2 (action s3:ListBucket, with the s3:prefix, s3:delimiter and s3:max-keys keys
// when the request has them); "*" for ec2:DescribeInstances, which has no resource type.
// For S3 ListBuckets (action s3:ListAllMyBuckets, no resource type either) AWS does not
// document the string it evaluates; AWS's own S3 walkthroughs grant it with Resource
// "arn:aws:s3:::*", so callers (the emulator) should pass Resource arn:aws:s3:::*, which "*"
// and arn:aws:s3:::* match and a bucket's ARN does not.
func Authorize(c *Context, p Policies) Authorization {
	if c == nil {
		c = &Context{}
	}
	var a Authorization
	var denies, allows []StatementRef
	var notAllowed []PolicyKind
	deny, allow := NoMatch, Match
	all := tally{}
	for _, set := range []struct {
		kind PolicyKind
		list []NamedPolicy
	}{{IdentityBased, p.Identity}, {PermissionsBoundary, p.Boundary}, {SessionPolicy, p.Session}} {
		if set.list == nil && set.kind != IdentityBased {
			continue // no boundary, no session policy: nothing to intersect with
		}
		var t tally
		var first *StatementRef
		for _, np := range set.list {
			pr := PolicyResult{Kind: set.kind, Name: np.Name}
			if np.Policy != nil {
				pr.Statements = t.add(np.Policy, c, identityPolicy)
			}
			for _, sr := range pr.Statements {
				if sr.Outcome != Match {
					continue
				}
				ref := StatementRef{Kind: set.kind, Policy: np.Name, Index: sr.Index, Sid: sr.Sid, Effect: sr.Effect,
					Statement: &np.Policy.Statements[sr.Index]}
				switch {
				case sr.Effect == "Deny":
					denies = append(denies, ref)
				case first == nil:
					first = &ref
				}
			}
			a.Policies = append(a.Policies, pr)
		}
		deny, allow = or3(deny, t.deny), and3(allow, t.allow)
		if t.allow == NoMatch {
			notAllowed = append(notAllowed, set.kind)
		}
		if first != nil {
			allows = append(allows, *first)
		}
		all.merge(&t)
	}
	a.Decision = decide(deny, allow)
	switch a.Decision {
	case ExplicitDeny:
		a.Decisive = denies
	case Allow:
		a.Decisive = allows
	case ImplicitDeny:
		a.NotAllowedBy = notAllowed
	case Indeterminate:
		a.DependsOn = all.dependsOn()
	}
	return a
}

// Reason says in one sentence why the request was decided so, in the words of AWS's
// AccessDenied messages where it is denied: "no identity-based policy allows the
// ec2:DescribeInstances action", "explicit deny in a session policy: Statement[0] … of …",
// "allowed by Statement[0] of identity-based policy …".
func (a Authorization) Reason(c *Context) string {
	action := "the request"
	if c != nil && c.Action != "" {
		action = "the " + c.Action + " action"
	}
	switch a.Decision {
	case ExplicitDeny:
		return "explicit deny in " + article(a.Decisive[0].Kind) + ": " + a.Decisive[0].String()
	case ImplicitDeny:
		return "no " + a.NotAllowedBy[0].String() + " allows " + action
	case Indeterminate:
		return "the decision depends on " + strings.Join(a.DependsOn, ", ")
	}
	refs := make([]string, len(a.Decisive))
	for i, r := range a.Decisive {
		refs[i] = r.String()
	}
	return "allowed by " + strings.Join(refs, " and ")
}

func article(k PolicyKind) string {
	if k == IdentityBased {
		return "an " + k.String()
	}
	return "a " + k.String()
}
