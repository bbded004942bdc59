package sts

import (
	"context"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// AssumeRoleWithSAMLInput are the parameters of AssumeRoleWithSAML.
type AssumeRoleWithSAMLInput struct {
	// RoleArn is the role to assume: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME. Required.
	RoleArn string
	// PrincipalArn is the IAM SAML provider that describes the identity provider:
	// arn:PARTITION:iam::ACCOUNT:saml-provider/NAME. Required.
	PrincipalArn string
	// SAMLAssertion is the base64-encoded SAML response from the identity provider (4–100000
	// characters). Required. Secret.
	SAMLAssertion string
	// Policy is an inline session policy (JSON, at most 2048 characters).
	Policy string
	// PolicyArns are up to 10 managed policies that narrow the session's permissions.
	PolicyArns []string
	// DurationSeconds is the session length, 900–43200 and at most the role's
	// MaxSessionDuration; 0 omits it (STS's default is 3600, or the assertion's
	// SessionNotOnOrAfter if sooner).
	DurationSeconds int
}

// Form returns the request form exactly as sent, Action and Version included; optional
// parameters left at their zero value are omitted.
func (in *AssumeRoleWithSAMLInput) Form() url.Values {
	f := url.Values{
		"Action":        {"AssumeRoleWithSAML"},
		"Version":       {Version},
		"RoleArn":       {in.RoleArn},
		"PrincipalArn":  {in.PrincipalArn},
		"SAMLAssertion": {in.SAMLAssertion},
	}
	setOpt(f, "Policy", in.Policy)
	for i, arn := range in.PolicyArns {
		f.Set("PolicyArns.member."+itoa(i+1)+".arn", arn)
	}
	if in.DurationSeconds != 0 {
		f.Set("DurationSeconds", itoa(in.DurationSeconds))
	}
	return f
}

// Validate checks the input against STS's documented constraints before anything is sent and
// returns the first problem as an [*InputError]. Its messages never quote SAMLAssertion.
func (in *AssumeRoleWithSAMLInput) Validate() error {
	if err := validateRoleArn(in.RoleArn); err != nil {
		return err
	}
	if err := validateSAMLProviderArn(in.PrincipalArn); err != nil {
		return err
	}
	if in.SAMLAssertion == "" {
		return inputErr("SAMLAssertion", "is required (the base64-encoded SAML response)")
	}
	if err := checkEnds("SAMLAssertion", in.SAMLAssertion); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(in.SAMLAssertion); n < 4 || n > 100000 {
		return inputErr("SAMLAssertion", "is %d characters long; STS accepts 4–100000", n)
	}
	if err := validateDuration(in.DurationSeconds, 43200, 3600); err != nil {
		return err
	}
	if err := validatePolicy(in.Policy); err != nil {
		return err
	}
	return validatePolicyArns(in.PolicyArns)
}

// validateSAMLProviderArn checks the shape arn:PARTITION:iam::ACCOUNT:saml-provider/NAME.
func validateSAMLProviderArn(arn string) error {
	const want = "want arn:PARTITION:iam::ACCOUNT:saml-provider/NAME, e.g. arn:aws:iam::123456789012:saml-provider/SAML-test"
	if arn == "" {
		return inputErr("PrincipalArn", "is required (%s)", want)
	}
	if err := checkEnds("PrincipalArn", arn); err != nil {
		return err
	}
	parts := strings.SplitN(arn, ":", 6)
	if n := utf8.RuneCountInString(arn); n < 20 || n > 2048 || len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || parts[3] != "" {
		return inputErr("PrincipalArn", "%q is not an IAM ARN (%s)", arn, want)
	}
	if !accountID.MatchString(parts[4]) {
		return inputErr("PrincipalArn", "account %q is not a 12-digit account ID (%s)", parts[4], want)
	}
	kind, name, _ := strings.Cut(parts[5], "/")
	if kind == "role" {
		return inputErr("PrincipalArn", "%q is a role ARN; PrincipalArn is the SAML provider and RoleArn the role (%s)", arn, want)
	}
	if kind != "saml-provider" || name == "" {
		return inputErr("PrincipalArn", "resource %q is not a SAML provider (%s)", parts[5], want)
	}
	return nil
}

// AssumeRoleWithSAMLOutput is the result of AssumeRoleWithSAML.
type AssumeRoleWithSAMLOutput struct {
	// Credentials are the session's temporary credentials; always set on success.
	Credentials Credentials
	// AssumedRoleUser identifies the session.
	AssumedRoleUser AssumedRoleUser
	// Audience is the assertion's Recipient (usually https://signin.aws.amazon.com/saml).
	Audience string
	// Issuer is the assertion's Issuer, the identity provider.
	Issuer string
	// NameQualifier is the hash of Issuer, the account id and the provider's name; with
	// Subject it identifies a federated user.
	NameQualifier string
	// Subject is the assertion's NameID.
	Subject string
	// SubjectType is the NameID's format: "persistent", "transient", or the full URI.
	SubjectType string
	// SourceIdentity is the source identity from the assertion's
	// https://aws.amazon.com/SAML/Attributes/SourceIdentity attribute, if any.
	SourceIdentity string
	// PackedPolicySize is the packed size of session policies and tags as a percentage of
	// the limit; nil when STS did not say.
	PackedPolicySize *int
	// RequestID is the AWS request id.
	RequestID string
}

// AssumeRoleWithSAML exchanges a SAML assertion from an identity provider for temporary
// credentials of the role in.RoleArn. The call is unsigned: it needs no credentials. It
// validates in first ([*InputError], nothing sent).
//
// Errors: [*InputError] for refused input or settings; [*APIError] when STS answered with an
// error (InvalidIdentityToken, ExpiredTokenException, IDPRejectedClaim, AccessDenied …);
// [*ResponseError] when the reply was not an STS reply; otherwise a transport or context error.
func (c *Client) AssumeRoleWithSAML(ctx context.Context, in *AssumeRoleWithSAMLInput) (*AssumeRoleWithSAMLOutput, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return c.assumeRoleWithSAML(ctx, in)
}

func (c *Client) assumeRoleWithSAML(ctx context.Context, in *AssumeRoleWithSAMLInput) (*AssumeRoleWithSAMLOutput, error) {
	res, err := c.unsigned(ctx, "AssumeRoleWithSAML", in.Form())
	if err != nil {
		return nil, err
	}
	return decodeAssumeRoleWithSAML(res)
}

// decodeAssumeRoleWithSAML reads an AssumeRoleWithSAMLResult; Credentials and its four
// members are required.
func decodeAssumeRoleWithSAML(res *awsquery.Result) (*AssumeRoleWithSAMLOutput, error) {
	out := &AssumeRoleWithSAMLOutput{RequestID: res.RequestID}
	var err error
	if out.Credentials, err = decodeCredentials(res.Node); err != nil {
		return nil, err
	}
	if out.AssumedRoleUser, err = decodeAssumedRoleUser(res); err != nil {
		return nil, err
	}
	out.Audience = res.OptString("Audience")
	out.Issuer = res.OptString("Issuer")
	out.NameQualifier = res.OptString("NameQualifier")
	out.Subject = res.OptString("Subject")
	out.SubjectType = res.OptString("SubjectType")
	out.SourceIdentity = res.OptString("SourceIdentity")
	if out.PackedPolicySize, err = decodePackedPolicySize(res); err != nil {
		return nil, err
	}
	return out, nil
}
