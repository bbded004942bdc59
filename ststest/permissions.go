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
