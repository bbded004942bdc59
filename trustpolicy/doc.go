// Package trustpolicy parses, evaluates, explains and lints IAM role trust policies the way
// AWS STS applies them to AssumeRoleWithWebIdentity: a federated principal (an IAM OIDC
// provider ARN or a built-in provider such as accounts.google.com), an action, and condition
// keys built from the web identity token's claims.
//
// [Parse] accepts a policy document as written, URL-encoded as the IAM API returns it, or
// inside `aws iam get-role` output. [Evaluate] applies IAM's logic (an explicit Deny wins,
// then any Allow, otherwise an implicit deny) with the documented condition-operator
// semantics, and returns a [Result] that explains every statement clause by clause. Keys a
// local evaluation cannot know (aws:SourceIp, aws:PrincipalOrgID, …; see
// [LocallyUnknownKey]) evaluate to Unknown, so a decision may be [Indeterminate] and names
// the keys it depends on. [ContextFromToken] builds the request context STS would build from
// a token's claims, and [Lint] finds the mistakes that most often make STS answer
// AccessDenied.
//
// The package is a leaf: it imports nothing else from rawsts and does no I/O. The CLI's
// `rawsts diagnose` (through internal/diagnose) evaluates with it; it is written so that the
// ststest emulator can evaluate trust policies with it too, which the emulator does not do yet.
//
// It is not a complete IAM policy engine and not an authority. It does not evaluate identity
// policies, permission boundaries, session policies, SCPs or RCPs, and it knows only the
// condition keys that matter at AssumeRoleWithWebIdentity time. Which provider-specific claim
// keys STS exposes changes over time; the table in [ContextFromToken] must be checked against
// AWS's "Available keys for AWS OIDC federation" page. Where AWS's behaviour is not
// documented (duplicate JSON keys, a plain operator on a multivalued key), the package makes a
// choice and says so in the doc comment of the function concerned.
package trustpolicy
