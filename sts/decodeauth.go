package sts

import (
	"context"
	"net/url"
	"unicode/utf8"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// DecodeAuthorizationMessageOutput is the result of DecodeAuthorizationMessage.
type DecodeAuthorizationMessageOutput struct {
	// DecodedMessage is the decoded message, a JSON document (allowed, explicitDeny,
	// matchedStatements, failures, context), as STS returned it.
	DecodedMessage string
	// RequestID is the AWS request id.
	RequestID string
}

// DecodeAuthorizationMessage decodes the encoded message of an AccessDenied error ("Encoded
// authorization failure message: …") into the JSON document saying which request was denied
// and why. The caller needs permission for sts:DecodeAuthorizationMessage.
//
// Errors: [*InputError] for an empty or over-long message (1–10240 characters) or missing
// credentials; [*APIError] when STS answered with an error
// (InvalidAuthorizationMessageException, AccessDenied …); [*ResponseError] when the reply was
// not an STS reply; otherwise a transport or context error.
func (c *Client) DecodeAuthorizationMessage(ctx context.Context, encodedMessage string) (*DecodeAuthorizationMessageOutput, error) {
	if err := validateEncodedMessage(encodedMessage); err != nil {
		return nil, err
	}
	return c.decodeAuthorizationMessage(ctx, encodedMessage)
}

func (c *Client) decodeAuthorizationMessage(ctx context.Context, encodedMessage string) (*DecodeAuthorizationMessageOutput, error) {
	res, err := c.signed(ctx, "DecodeAuthorizationMessage", url.Values{"EncodedMessage": {encodedMessage}})
	if err != nil {
		return nil, err
	}
	return decodeAuthorizationResult(res)
}

// decodeAuthorizationResult reads a DecodeAuthorizationMessageResult; DecodedMessage is
// required.
func decodeAuthorizationResult(res *awsquery.Result) (*DecodeAuthorizationMessageOutput, error) {
	out := &DecodeAuthorizationMessageOutput{RequestID: res.RequestID}
	var err error
	if out.DecodedMessage, err = res.String("DecodedMessage"); err != nil {
		return nil, err
	}
	return out, nil
}

func validateEncodedMessage(m string) error {
	if m == "" {
		return inputErr("EncodedMessage", "is required (the text after \"Encoded authorization failure message: \")")
	}
	if err := checkEnds("EncodedMessage", m); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(m); n > 10240 {
		return inputErr("EncodedMessage", "is %d characters long; STS accepts at most 10240", n)
	}
	return nil
}
