package sts

import (
	"net/url"
	"time"
)

// AssumeRoleWithWebIdentityInput are the parameters of AssumeRoleWithWebIdentity.
type AssumeRoleWithWebIdentityInput struct {
	// RoleArn is the role to assume: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME. Required.
	RoleArn string
	// RoleSessionName names the session (2–64 of letters, digits and _+=,.@-); it appears in
	// the assumed-role ARN and in CloudTrail. Required.
	RoleSessionName string
	// WebIdentityToken is the OIDC ID token (a JWT, 4–20000 characters). Required. Secret.
	WebIdentityToken string
	// ProviderId is only for OAuth 2.0 access tokens from www.amazon.com or
	// graph.facebook.com; leave it empty for OIDC ID tokens.
	ProviderId string
	// Policy is an inline session policy (JSON, at most 2048 characters) that narrows the
	// role's permissions for this session.
	Policy string
	// PolicyArns are up to 10 managed policies that narrow the session's permissions.
	PolicyArns []string
	// DurationSeconds is the session length, 900–43200 and at most the role's
	// MaxSessionDuration; 0 omits it (STS's default is 3600).
	DurationSeconds int
}

// Form returns the request form exactly as sent, Action and Version included. Optional
// parameters left at their zero value are omitted; PolicyArns are sent as
// PolicyArns.member.N.arn, N from 1.
func (in *AssumeRoleWithWebIdentityInput) Form() url.Values {
	f := url.Values{
		"Action":           {"AssumeRoleWithWebIdentity"},
		"Version":          {Version},
		"RoleArn":          {in.RoleArn},
		"RoleSessionName":  {in.RoleSessionName},
		"WebIdentityToken": {in.WebIdentityToken},
	}
	if in.ProviderId != "" {
		f.Set("ProviderId", in.ProviderId)
	}
	if in.Policy != "" {
		f.Set("Policy", in.Policy)
	}
	for i, arn := range in.PolicyArns {
		f.Set("PolicyArns.member."+itoa(i+1)+".arn", arn)
	}
	if in.DurationSeconds != 0 {
		f.Set("DurationSeconds", itoa(in.DurationSeconds))
	}
	return f
}

// Credentials are temporary AWS credentials.
type Credentials struct {
	// AccessKeyID is the access key id, e.g. "ASIA…".
	AccessKeyID string
	// SecretAccessKey is the secret key. Secret.
	SecretAccessKey string
	// SessionToken must accompany the key pair on every call. Secret.
	SessionToken string
	// Expiration is when the credentials stop working, in UTC.
	Expiration time.Time
}

// AssumedRoleUser identifies the session the credentials belong to.
type AssumedRoleUser struct {
	// AssumedRoleID is "ROLEID:SESSIONNAME", e.g. "AROACLKWSDQRAOEXAMPLE:app1".
	AssumedRoleID string
	// Arn is the session's ARN, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
	Arn string
}

// AssumeRoleWithWebIdentityOutput is the result of AssumeRoleWithWebIdentity.
type AssumeRoleWithWebIdentityOutput struct {
	// Credentials are the session's temporary credentials; always set on success.
	Credentials Credentials
	// AssumedRoleUser identifies the session.
	AssumedRoleUser AssumedRoleUser
	// SubjectFromWebIdentityToken is the token's sub claim as STS read it.
	SubjectFromWebIdentityToken string
	// Audience is the token's aud (the client id) that STS matched.
	Audience string
	// Provider is the token's issuer (for OIDC) or the ProviderId (for OAuth 2.0).
	Provider string
	// PackedPolicySize is the packed size of session policies and tags as a percentage of
	// the limit; nil when STS did not say.
	PackedPolicySize *int
	// SourceIdentity is the source identity from the token's
	// https://aws.amazon.com/source_identity claim, if any.
	SourceIdentity string
	// RequestID is the AWS request id.
	RequestID string
}
