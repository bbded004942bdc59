package ststest

import (
	"net/http"
	"strings"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/trustpolicy"
)

// What a session may do. The permission side of the emulator (S3, EC2, DecodeAuthorizationMessage)
// decides each signed call with trustpolicy.Authorize on policiesOf(caller); nothing here
// decides.

// policiesOf returns the policies trustpolicy.Authorize evaluates for a call made with caller's
// credentials: for a role session, the role's permission policies as the state holds them now
// (IAM applies a change of a role's policies to its live sessions) and the session policies
// fixed when the session was made; ok is false for a caller that is not a role session (an IAM
// user, whose identity policies the emulator does not model) or whose role no longer exists
// (then nothing is allowed).
func (sv *services) policiesOf(caller identity) (p trustpolicy.Policies, ok bool) {
	if caller.roleARN == "" {
		return trustpolicy.Policies{}, false
	}
	role, exists := sv.state.view().role(caller.roleARN)
	if !exists {
		return trustpolicy.Policies{Identity: []trustpolicy.NamedPolicy{}}, true
	}
	return trustpolicy.Policies{Identity: role.permissions, Session: caller.sessionPolicies}, true
}

// sessionPolicies parses the session policies of an assume call — the inline Policy and the
// managed PolicyArns — as trustpolicy.Authorize takes them: nil when none were passed (the
// session then has the role's permissions). A policy STS would refuse is its error: an inline
// policy that is not an identity policy gets MalformedPolicyDocument (catalogue row 17); an
// ARN of a managed policy the emulator does not hold gets InvalidParameterValue (unverified:
// STS's answer to a PolicyArns entry that does not exist is not documented).
func sessionPolicies(policy string, arns []string) ([]trustpolicy.NamedPolicy, *diagnose.STSError) {
	if policy == "" && len(arns) == 0 {
		return nil, nil
	}
	out := []trustpolicy.NamedPolicy{}
	if policy != "" {
		p, err := trustpolicy.ParseIdentity([]byte(policy))
		if err != nil {
			return nil, &diagnose.STSError{Code: "MalformedPolicyDocument", StatusCode: http.StatusBadRequest, Row: 17,
				Message: "Syntax errors in policy. (" + strings.TrimPrefix(err.Error(), "trustpolicy: ") + ")"}
		}
		out = append(out, trustpolicy.NamedPolicy{Name: "inline session policy", Policy: p})
	}
	for _, arn := range arns {
		p, ok := trustpolicy.ManagedPolicy(arn)
		if !ok {
			return nil, &diagnose.STSError{Code: "InvalidParameterValue", StatusCode: http.StatusBadRequest,
				Message: "Policy " + arn + " does not exist or is not attachable."}
		}
		out = append(out, trustpolicy.NamedPolicy{Name: arn, Policy: p})
	}
	return out, nil
}

// allowed is the authorization step of a signed call: may caller perform action (such as
// iam:CreateRole) on resource (an ARN, or "*" for an action without a resource type)? It is
// trustpolicy.Authorize on policiesOf(caller), with the context of a signed request
// (trustpolicy.ContextFromCaller: the caller's ARN, account, user id, source IP, transport,
// time). The answer follows policiesOf: a role session is allowed what its role's permission
// policies, intersected with its session policies, allow; an IAM user, whose identity
// policies the emulator does not model, is allowed everything (ok, with reason saying so) —
// the users of a config are its administrators. reason is the decision in the words of AWS's
// AccessDenied messages ("no identity-based policy allows the iam:CreateRole action").
func (sv *services) allowed(r *http.Request, caller identity, action, resource string) (ok bool, reason string) {
	p, modelled := sv.policiesOf(caller)
	if !modelled {
		return true, "IAM user " + caller.arn + ": identity policies are not modelled, allowed"
	}
	principal := caller.arn
	if caller.roleARN != "" {
		principal = caller.roleARN
	}
	c := trustpolicy.ContextFromCaller(caller.arn, trustpolicy.CallerContextOptions{
		PrincipalArn: principal, UserID: caller.userID, SourceIP: remoteIP(r), SecureTransport: r.TLS != nil, Now: sv.now(),
	})
	c.Action, c.Resource = action, resource
	a := trustpolicy.Authorize(c, p)
	return a.Decision == trustpolicy.Allow, a.Reason(c)
}
