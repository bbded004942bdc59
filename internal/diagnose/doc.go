// Package diagnose says why AWS STS refuses (or would refuse) a web identity token for a role,
// locally and in the order STS checks: the token's shape, algorithm and times, its signature
// (optionally, over the network), the IAM OIDC provider it maps to and that provider's
// audiences and thumbprints, the request's session name and duration, and finally the role's
// trust policy, principal, action, conditions, Deny statements, sts:TagSession and
// sts:SetSourceIdentity. [Run] returns a [Report]: one [Check] per stage under a stable name
// (token.format … policy.source-identity), each with its evidence and, when it fails, the fix
// in concrete terms, and a [Verdict].
//
// [ExplainError] maps a message STS returned (every row of the trust-failure catalogue) to the
// stage it comes from, its usual causes and the checks that explain it.
//
// The package does no I/O of its own except through the [jwtinspect.Verifier] it is given when
// Input.Verify is set. It reuses jwtinspect for everything about the token, trustpolicy for
// everything about the policy and sts for the request's parameter rules, and re-implements none
// of them. It is not an authority: STS, IAM and CloudTrail are. It knows nothing of SCPs,
// RCPs, permission boundaries or identity policies, and a verdict of "allow" means only that
// no check it knows of would refuse.
package diagnose
