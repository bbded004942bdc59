package sts

import (
	"context"
	"net/url"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// Tag is a session tag: a key-value pair attached to the session and passed to the role's
// policies as aws:PrincipalTag/Key.
type Tag struct {
	// Key is 1–128 characters of letters, digits, spaces and _.:/=+-@. Keys are
	// case-insensitive: two tags may not differ only in case.
	Key string
	// Value is 0–256 characters of the same set.
	Value string
}

// AssumeRoleInput are the parameters of AssumeRole.
type AssumeRoleInput struct {
	// RoleArn is the role to assume: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME. Required.
	RoleArn string
	// RoleSessionName names the session (2–64 of letters, digits and _+=,.@-). Required.
	RoleSessionName string
	// ExternalId is the value a third party's trust policy expects in sts:ExternalId
	// (2–1224 of letters, digits and _+=,.@:/-).
	ExternalId string
	// SerialNumber identifies the caller's MFA device (its ARN, or a hardware device's serial
	// number); it goes with TokenCode.
	SerialNumber string
	// TokenCode is the 6-digit code the MFA device shows; it goes with SerialNumber. Secret.
	TokenCode string
	// Policy is an inline session policy (JSON, at most 2048 characters).
	Policy string
	// SourceIdentity is the identity of the person or application behind the session
	// (2–64 of letters, digits and _+=,.@-); once set it cannot change along a chain.
	SourceIdentity string
	// PolicyArns are up to 10 managed policies that narrow the session's permissions.
	PolicyArns []string
	// DurationSeconds is the session length, 900–43200 and at most the role's
	// MaxSessionDuration (at most 3600 when chaining roles); 0 omits it (STS's default 3600).
	DurationSeconds int
	// Tags are up to 50 session tags.
	Tags []Tag
	// TransitiveTagKeys are up to 50 keys of Tags that pass on to sessions this session
	// assumes in turn (role chaining).
	TransitiveTagKeys []string
}

// Form returns the request form exactly as sent, Action and Version included. Optional
// parameters left at their zero value are omitted; lists are sent as Name.member.N, N from 1
// (PolicyArns.member.N.arn, Tags.member.N.Key and .Value, TransitiveTagKeys.member.N).
func (in *AssumeRoleInput) Form() url.Values {
	f := url.Values{
		"Action":          {"AssumeRole"},
		"Version":         {Version},
		"RoleArn":         {in.RoleArn},
		"RoleSessionName": {in.RoleSessionName},
	}
	setOpt(f, "ExternalId", in.ExternalId)
	setOpt(f, "SerialNumber", in.SerialNumber)
	setOpt(f, "TokenCode", in.TokenCode)
	setOpt(f, "Policy", in.Policy)
	setOpt(f, "SourceIdentity", in.SourceIdentity)
	for i, arn := range in.PolicyArns {
		f.Set("PolicyArns.member."+itoa(i+1)+".arn", arn)
	}
	if in.DurationSeconds != 0 {
		f.Set("DurationSeconds", itoa(in.DurationSeconds))
	}
	for i, t := range in.Tags {
		n := "Tags.member." + itoa(i+1)
		f.Set(n+".Key", t.Key)
		f.Set(n+".Value", t.Value)
	}
	for i, k := range in.TransitiveTagKeys {
		f.Set("TransitiveTagKeys.member."+itoa(i+1), k)
	}
	return f
}

// setOpt sets f[name] to v unless v is empty.
func setOpt(f url.Values, name, v string) {
	if v != "" {
		f.Set(name, v)
	}
}

// AssumeRoleOutput is the result of AssumeRole.
type AssumeRoleOutput struct {
	// Credentials are the session's temporary credentials; always set on success.
	Credentials Credentials
	// AssumedRoleUser identifies the session.
	AssumedRoleUser AssumedRoleUser
	// PackedPolicySize is the packed size of session policies and tags as a percentage of
	// the limit; nil when STS did not say.
	PackedPolicySize *int
	// SourceIdentity is the source identity of the session, if any.
	SourceIdentity string
	// RequestID is the AWS request id.
	RequestID string
}

// AssumeRole returns temporary credentials for the role in.RoleArn, signed with
// c.Credentials: the way to chain roles (a session assuming another role) or to act in
// another account. It validates in first ([*InputError], nothing sent).
//
// Errors: [*InputError] for refused input, missing credentials or settings; [*APIError] when
// STS answered with an error (AccessDenied, SignatureDoesNotMatch, InvalidClientTokenId,
// ExpiredToken, MalformedPolicyDocument, PackedPolicyTooLarge, RegionDisabledException …);
// [*ResponseError] when the reply was not an STS reply; otherwise a transport or context error.
func (c *Client) AssumeRole(ctx context.Context, in *AssumeRoleInput) (*AssumeRoleOutput, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return c.assumeRole(ctx, in)
}

// assumeRole is the call without input validation, for replaying what STS answers to input
// rawsts would refuse.
func (c *Client) assumeRole(ctx context.Context, in *AssumeRoleInput) (*AssumeRoleOutput, error) {
	res, err := c.signed(ctx, "AssumeRole", in.Form())
	if err != nil {
		return nil, err
	}
	return decodeAssumeRole(res)
}

// decodeAssumeRole reads an AssumeRoleResult; Credentials and its four members are required.
func decodeAssumeRole(res *awsquery.Result) (*AssumeRoleOutput, error) {
	out := &AssumeRoleOutput{RequestID: res.RequestID}
	var err error
	if out.Credentials, err = decodeCredentials(res.Node); err != nil {
		return nil, err
	}
	if out.AssumedRoleUser, err = decodeAssumedRoleUser(res); err != nil {
		return nil, err
	}
	out.SourceIdentity = res.OptString("SourceIdentity")
	if out.PackedPolicySize, err = decodePackedPolicySize(res); err != nil {
		return nil, err
	}
	return out, nil
}
