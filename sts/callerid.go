package sts

import (
	"context"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// GetCallerIdentityOutput says who the credentials belong to.
type GetCallerIdentityOutput struct {
	// Account is the 12-digit account the identity belongs to.
	Account string
	// Arn is the identity's ARN: arn:aws:iam::ACCOUNT:user/NAME for an IAM user,
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION for a role session.
	Arn string
	// UserID is the unique id: the user's id (AIDA…) for an IAM user, ROLEID:SESSION for a
	// role session, ACCOUNT:NAME for a federated user.
	UserID string
	// RequestID is the AWS request id.
	RequestID string
}

// GetCallerIdentity returns the account, ARN and user id behind c.Credentials (the AWS CLI's
// `aws sts get-caller-identity`). It needs no permission: a valid signature is enough, so it
// is the way to check that credentials work.
//
// Errors: [*InputError] when c.Credentials is nil or incomplete; [*APIError] when STS refused
// the signature or the key (SignatureDoesNotMatch, InvalidClientTokenId, ExpiredToken …);
// [*ResponseError] when the reply was not an STS reply; otherwise a transport or context error.
func (c *Client) GetCallerIdentity(ctx context.Context) (*GetCallerIdentityOutput, error) {
	res, err := c.signed(ctx, "GetCallerIdentity", nil)
	if err != nil {
		return nil, err
	}
	return decodeCallerIdentity(res)
}

// decodeCallerIdentity reads a GetCallerIdentityResult; all three members are required.
func decodeCallerIdentity(res *awsquery.Result) (*GetCallerIdentityOutput, error) {
	out := &GetCallerIdentityOutput{RequestID: res.RequestID}
	var err error
	if out.Account, err = res.Shaped("Account", isAccountID, "a 12-digit account id"); err != nil {
		return nil, err
	}
	if out.Arn, err = res.Shaped("Arn", awsquery.IsARN, "an ARN"); err != nil {
		return nil, err
	}
	if out.UserID, err = res.Shaped("UserId", awsquery.VisibleASCII, "a user id (printable ASCII)"); err != nil {
		return nil, err
	}
	return out, nil
}
