// Package trustpolicy is rawsts's IAM policy engine: it parses, evaluates, explains and lints
// role trust policies the way AWS STS applies them to AssumeRoleWithWebIdentity, and it
// evaluates identity (permissions) policies the way IAM authorizes a role session's calls.
//
// # Trust policies
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
// # Identity policies
//
// [ParseIdentity] reads a permissions policy (inline, managed, or a session policy) with the
// same parser and IAM's rules for that kind: no Principal, a Resource or NotResource in every
// statement. [Authorize] decides a request — [Context] with Action, Resource and condition
// keys — against a role's identity-based policies, intersected with a permissions boundary and
// session policies when there are any, and returns an [Authorization]: the decision, the
// statements that decided (or the kind of policy that allowed nothing), and every statement
// explained, Resource included. Its conditions are evaluated by the very code [Evaluate] uses.
// [ManagedPolicy] holds the AWS managed policies the emulator offers (AdministratorAccess,
// AmazonS3ReadOnlyAccess, and ReadOnlyAccess trimmed to the emulated services) as data.
//
// Why both live here: IAM has one policy language. A trust policy and a permissions policy
// share the grammar, the Action matching, the condition operators, the policy variables and
// the Allow/Deny logic; they differ in which elements a statement must and must not have and
// in what is matched against the request (Principal or Resource). A sibling package for
// identity policies would either import this one — and stop being a leaf that the emulator
// and embedders can take alone — or copy the condition engine, and two copies of a rule
// drift. So the package keeps its name (internal/diagnose, cmd/rawsts and the emulator import
// it) and reads "trust" as where it started, not as a limit.
//
// The package is a leaf: it imports nothing else from rawsts and does no I/O. The CLI's
// `rawsts diagnose` (through internal/diagnose) evaluates trust policies with it, and the
// ststest emulator is meant to decide both its trust policies and its permissions with it.
//
// It is not a complete IAM policy engine and not an authority. It does not evaluate
// resource-based policies, SCPs or RCPs, or cross-account requests, and it knows only the
// condition keys that matter at AssumeRoleWithWebIdentity time and those a caller sets.
// Which provider-specific claim keys STS exposes changes over time; the key table
// ([ProviderKeys], [TokenKeys], keys.go) holds only keys a primary AWS source names — the
// IAM User Guide's "Available keys for AWS OIDC federation" and the Service Authorization
// Reference for STS — each with its source, and keeps out, with both sources recorded, the
// keys AWS's sources disagree on. Where AWS's behaviour is not documented (duplicate JSON
// keys, a plain operator on a multivalued key, a key set at assume time without a source),
// the package makes a choice, says so in the doc comment of the function concerned, and marks
// the clause it decides with ClauseResult.Assumption.
package trustpolicy
