package sts

import (
	"context"
	"net/url"
	"regexp"
	"unicode/utf8"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// accessKeyChars is the model's pattern for an access key id.
var accessKeyChars = regexp.MustCompile(`^\w+$`)

// GetAccessKeyInfoOutput is the result of GetAccessKeyInfo.
type GetAccessKeyInfoOutput struct {
	// Account is the 12-digit account the access key belongs to.
	Account string
	// RequestID is the AWS request id.
	RequestID string
}

// GetAccessKeyInfo returns the account an access key id (AKIA… or ASIA…) belongs to. It
// needs no permission on that account, and the key need not be the caller's.
//
// Errors: [*InputError] for a malformed key id (16–128 letters, digits or _) or missing
// credentials; [*APIError] when STS answered with an error; [*ResponseError] when the reply
// was not an STS reply; otherwise a transport or context error.
func (c *Client) GetAccessKeyInfo(ctx context.Context, accessKeyID string) (*GetAccessKeyInfoOutput, error) {
	if err := validateAccessKeyID("AccessKeyId", accessKeyID); err != nil {
		return nil, err
	}
	return c.getAccessKeyInfo(ctx, accessKeyID)
}

func (c *Client) getAccessKeyInfo(ctx context.Context, accessKeyID string) (*GetAccessKeyInfoOutput, error) {
	res, err := c.signed(ctx, "GetAccessKeyInfo", url.Values{"AccessKeyId": {accessKeyID}})
	if err != nil {
		return nil, err
	}
	return decodeAccessKeyInfo(res)
}

// decodeAccessKeyInfo reads a GetAccessKeyInfoResult; Account is required.
func decodeAccessKeyInfo(res *awsquery.Result) (*GetAccessKeyInfoOutput, error) {
	out := &GetAccessKeyInfoOutput{RequestID: res.RequestID}
	var err error
	if out.Account, err = res.Shaped("Account", isAccountID, "a 12-digit account id"); err != nil {
		return nil, err
	}
	return out, nil
}

func validateAccessKeyID(field, id string) error {
	if id == "" {
		return inputErr(field, "is required (an access key id such as AKIAIOSFODNN7EXAMPLE)")
	}
	if err := checkEnds(field, id); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(id); n < 16 || n > 128 || !accessKeyChars.MatchString(id) {
		return inputErr(field, "%q is not an access key id (16–128 letters, digits or _, e.g. AKIAIOSFODNN7EXAMPLE)", id)
	}
	return nil
}
