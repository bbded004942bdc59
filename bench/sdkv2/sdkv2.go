// Package sdkv2 lets the AWS SDK for Go v2 use any rawsts credential provider: a
// [CredentialsProvider] is an aws.CredentialsProvider, to put in aws.Config.Credentials or a
// service client's Options.Credentials.
//
// It lives in bench/, a module of its own, because the main rawsts module never imports the
// SDK. It is three lines of conversion; a program that uses both copies it, or imports this
// package with a replace directive. It is not for production use as it stands: the module is
// a test bed and makes no compatibility promise.
//
// Put a creds.Cache under it (the SDK calls Retrieve before every request): the Cache returns
// kept credentials without allocating, renews them before they expire and serves still-valid
// ones while a renewal fails. Wrapping it in aws.CredentialsCache as well is harmless but
// unnecessary.
package sdkv2

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rawsts/rawsts/creds"
)

// CredentialsProvider adapts a creds.Provider to aws.CredentialsProvider.
type CredentialsProvider struct {
	// Provider gets the credentials; usually a *creds.Cache.
	Provider creds.Provider
}

// Retrieve returns the provider's credentials in the SDK's shape; errors are the provider's.
func (p CredentialsProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.Provider.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	return aws.Credentials{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Source:          c.Source,
		CanExpire:       c.CanExpire(),
		Expires:         c.Expiration,
		AccountID:       c.AccountID,
	}, nil
}
