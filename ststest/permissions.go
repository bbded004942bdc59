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
// credentials, as the state holds them now (IAM applies a change of policies to live sessions):
// for a role session, the role's permission policies and the session policies fixed when the
// session was made; for an IAM user (its long-term key, or GetSessionToken credentials made
// from it), the user's identity policies. ok is false for a caller the state no longer knows
// (a role or user removed since): the Policies returned then allow nothing.
func (sv *services) policiesOf(caller identity) (p trustpolicy.Policies, ok bool) {
	v := sv.state.view()
	nothing := trustpolicy.Policies{Identity: []trustpolicy.NamedPolicy{}}
	if caller.roleARN == "" {
		policies, exists := v.userPolicies[caller.arn]
		if !exists {
			return nothing, false
		}
		return trustpolicy.Policies{Identity: policies}, true
	}
	role, exists := v.role(caller.roleARN)
	if !exists {
		return nothing, false
	}
	return trustpolicy.Policies{Identity: role.permissions, Session: caller.sessionPolicies}, true
}

// The Check of an Event that refuses a call of the permission side: what failed.
const (
	checkSignature   = "signature"   // SigV4: the signature, the key, the session, the clock
	checkPermissions = "permissions" // trustpolicy.Authorize on the caller's policies
	checkRequest     = "request"     // the request's parameters, or what it names
)

// request is one call the permission side authorizes: the action IAM evaluates (s3:ListBucket),
// the resource it names ("*" for an action without a resource type), the region the request
// was signed for, and the keys the service adds (s3:prefix, ec2:Region …).
type request struct {
	action, resource, region string
	keys                     map[string][]string
}

// authorize decides a signed call of caller with trustpolicy.Authorize on policiesOf(caller)
// and the request context IAM builds for it (requestContext). Nothing here decides.
func (sv *services) authorize(r *http.Request, caller identity, req request) (*trustpolicy.Context, trustpolicy.Authorization) {
	ctx := sv.requestContext(r, caller, req)
	p, _ := sv.policiesOf(caller)
	return ctx, trustpolicy.Authorize(ctx, p)
}

// requestContext builds the request context IAM evaluates a signed call against, with the
// global condition keys the IAM User Guide's "AWS global condition context keys" page
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
// says are present for such a request: aws:PrincipalArn (for a role session the role's ARN,
// with its path, not the session's), aws:PrincipalAccount, aws:PrincipalType (User or
// AssumedRole), aws:userid (AIDA… for a user, ROLEID:SESSION for a role session),
// aws:username (users only), aws:PrincipalTag/KEY (a session's tags), aws:SourceIdentity,
// aws:PrincipalIsAWSService (false), aws:SourceIp (the connection's address),
// aws:SecureTransport, aws:CurrentTime and aws:EpochTime, aws:RequestedRegion (the signing
// region), aws:ResourceAccount (the one account holds every resource), aws:UserAgent and
// aws:Referer when the request has those headers, and the service's keys in req.keys. It is
// Complete: a key it does not set is absent, as it is on AWS (no aws:MultiFactorAuthPresent for
// access keys and web identity sessions, no VPC or organization keys on loopback).
// aws:TokenIssueTime, which AWS sets for temporary credentials, is not set: the emulator does
// not keep when a session was issued.
func (sv *services) requestContext(r *http.Request, caller identity, req request) *trustpolicy.Context {
	now := sv.now().UTC()
	principalArn := caller.arn
	if caller.roleARN != "" {
		principalArn = caller.roleARN
	}
	c := trustpolicy.ContextFromCaller(caller.arn, trustpolicy.CallerContextOptions{
		PrincipalArn: principalArn, UserID: caller.userID, SourceIP: remoteIP(r), SecureTransport: r.TLS != nil, Now: now,
	})
	c.Action, c.Resource = req.action, req.resource
	c.Set("aws:PrincipalAccount", caller.account)
	c.Set("aws:PrincipalIsAWSService", "false")
	c.Set("aws:RequestedRegion", req.region)
	c.Set("aws:ResourceAccount", sv.state.view().account)
	c.Set("aws:SourceIdentity", nonEmpty(caller.sourceIdentity)...)
	c.Set("aws:UserAgent", nonEmpty(r.Header.Get("User-Agent"))...)
	c.Set("aws:Referer", nonEmpty(r.Header.Get("Referer"))...)
	for k, v := range caller.tags {
		c.Set("aws:PrincipalTag/"+k, v)
	}
	for k, v := range req.keys {
		c.Set(k, v...)
	}
	return c
}

// authorizationEvidence is the evidence of a refusal by the policies: the evaluator's own
// explanation of every policy and statement (trustpolicy.Authorization.String), its decision
// line left out (the event's Detail says it), one line per element.
func authorizationEvidence(a trustpolicy.Authorization) []string {
	lines := strings.Split(strings.TrimRight(a.String(), "\n"), "\n")
	if len(lines) > 0 && strings.HasPrefix(lines[0], "decision: ") {
		lines = lines[1:]
	}
	return lines
}

// nonEmpty returns s as a one-value list, or nil when it is empty (the key is then absent).
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// deniedMessage words a refusal as AWS's access denied messages do (IAM User Guide,
// "Troubleshoot access denied error messages"): "User: ARN is not authorized to perform:
// ACTION[ on resource: RESOURCE] because no identity-based policy allows the ACTION action",
// or "… with an explicit deny in an identity-based policy" (or session policy). onResource is
// the resource as the service names it ("" for an action without a resource type; S3 puts it
// in double quotes, EC2 does not). A decision that depends on an unknown key (the emulator
// sets none) is worded as the implicit deny it is treated as.
func deniedMessage(callerARN, action, onResource string, a trustpolicy.Authorization) string {
	msg := "User: " + callerARN + " is not authorized to perform: " + action
	if onResource != "" {
		msg += " on resource: " + onResource
	}
	switch {
	case a.Decision == trustpolicy.ExplicitDeny:
		return msg + " with an explicit deny in " + kindWithArticle(a.Decisive[0].Kind)
	case len(a.NotAllowedBy) > 0:
		return msg + " because no " + a.NotAllowedBy[0].String() + " allows the " + action + " action"
	}
	return msg + " because no identity-based policy allows the " + action + " action"
}

func kindWithArticle(k trustpolicy.PolicyKind) string {
	if k == trustpolicy.IdentityBased {
		return "an " + k.String()
	}
	return "a " + k.String()
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

// allowed is the authorization step of an IAM or Cognito admin call: may caller perform action
// (such as iam:CreateRole) on resource (an ARN, or "*" for an action without a resource type)?
// It is [services.authorize] — trustpolicy.Authorize on policiesOf(caller) in the request
// context IAM builds — so a role session is allowed what its role's permission policies,
// intersected with its session policies, allow, and an IAM user what its own policies allow.
// reason is the decision in the words of AWS's AccessDenied messages ("no identity-based policy
// allows the iam:CreateRole action").
func (sv *services) allowed(r *http.Request, caller identity, action, resource string) (ok bool, reason string) {
	c, a := sv.authorize(r, caller, request{action: action, resource: resource, region: signingRegion(r)})
	return a.Decision == trustpolicy.Allow, a.Reason(c)
}
