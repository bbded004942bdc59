package sts

import (
	"context"
	"net/url"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// GetSessionTokenInput are the parameters of GetSessionToken; all are optional.
type GetSessionTokenInput struct {
	// DurationSeconds is the session length, 900–129600 (36 hours; sessions of the root user
	// at most 3600); 0 omits it (STS's default is 43200).
	DurationSeconds int
	// SerialNumber identifies the user's MFA device; it goes with TokenCode.
	SerialNumber string
	// TokenCode is the 6-digit code the MFA device shows; it goes with SerialNumber. Secret.
	TokenCode string
}

// Form returns the request form exactly as sent, Action and Version included; empty fields
// are omitted.
func (in *GetSessionTokenInput) Form() url.Values {
	f := url.Values{"Action": {"GetSessionToken"}, "Version": {Version}}
	if in.DurationSeconds != 0 {
		f.Set("DurationSeconds", itoa(in.DurationSeconds))
	}
	setOpt(f, "SerialNumber", in.SerialNumber)
	setOpt(f, "TokenCode", in.TokenCode)
	return f
}

// GetSessionTokenOutput is the result of GetSessionToken.
type GetSessionTokenOutput struct {
	// Credentials are the session's temporary credentials; always set on success.
	Credentials Credentials
	// RequestID is the AWS request id.
	RequestID string
}

// GetSessionToken returns temporary credentials for the IAM user behind c.Credentials,
// typically to prove MFA (SerialNumber and TokenCode) before calls whose policies require
// aws:MultiFactorAuthPresent. A nil in means no parameters.
//
// Errors: [*InputError] for refused input or missing credentials; [*APIError] when STS
// answered with an error (AccessDenied when called with session credentials,
// RegionDisabledException …); [*ResponseError] when the reply was not an STS reply; otherwise
// a transport or context error.
func (c *Client) GetSessionToken(ctx context.Context, in *GetSessionTokenInput) (*GetSessionTokenOutput, error) {
	if in == nil {
		in = &GetSessionTokenInput{}
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return c.getSessionToken(ctx, in)
}

func (c *Client) getSessionToken(ctx context.Context, in *GetSessionTokenInput) (*GetSessionTokenOutput, error) {
	res, err := c.signed(ctx, "GetSessionToken", in.Form())
	if err != nil {
		return nil, err
	}
	return decodeSessionToken(res)
}

// decodeSessionToken reads a GetSessionTokenResult; Credentials is required.
func decodeSessionToken(res *awsquery.Result) (*GetSessionTokenOutput, error) {
	out := &GetSessionTokenOutput{RequestID: res.RequestID}
	var err error
	if out.Credentials, err = decodeCredentials(res.Node); err != nil {
		return nil, err
	}
	return out, nil
}
