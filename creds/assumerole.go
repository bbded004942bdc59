package creds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// AssumeRole gets a role's credentials with AssumeRole, signed with the credentials Source
// returns: role chaining (a web identity session assuming another role), cross-account
// access, a profile's role_arn with source_profile. Source is asked at every Retrieve; put a
// [Cache] in front of it to reuse its credentials.
type AssumeRole struct {
	// Source gives the credentials the call is signed with. Required.
	Source Provider
	// RoleARN is the role to assume. Required.
	RoleARN string
	// RoleSessionName names the session; "" means "rawsts-" and the Unix time in seconds, as
	// for [WebIdentity].
	RoleSessionName string
	// ExternalID is the sts:ExternalId the role's trust policy expects, if any.
	ExternalID string
	// Duration is the session length in whole seconds; 0 leaves STS's default (an hour, which
	// is also the most a chained role session may last).
	Duration time.Duration
	// Policy is an inline session policy (JSON).
	Policy string
	// PolicyARNs are managed session policies.
	PolicyARNs []string
	// SourceIdentity is the identity of the person or program behind the session.
	SourceIdentity string
	// Tags are session tags; TransitiveTagKeys the keys of those that pass on along a chain.
	Tags              []sts.Tag
	TransitiveTagKeys []string
	// SerialNumber is the MFA device the role requires (a profile's mfa_serial); with it,
	// TokenCode is asked for the device's current code at every Retrieve.
	SerialNumber string
	TokenCode    func(ctx context.Context, serialNumber string) (string, error)
	// Client calls STS: its endpoint, region, HTTP client, retries and clock. Its Credentials
	// are not used: each call signs with Source's, in a copy of Client. nil means the zero
	// sts.Client.
	Client *sts.Client
}

// Retrieve gets the source's credentials and assumes the role with them. Errors: the
// source's, wrapped; a missing MFA code; STS's (*sts.InputError, *sts.APIError …), wrapped
// with the role.
func (a *AssumeRole) Retrieve(ctx context.Context) (Credentials, error) {
	if a.Source == nil {
		return Credentials{}, errors.New("creds: AssumeRole has no Source")
	}
	src, err := a.Source.Retrieve(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("creds: credentials to assume %s: %w", a.RoleARN, err)
	}
	in := &sts.AssumeRoleInput{
		RoleArn:           a.RoleARN,
		ExternalId:        a.ExternalID,
		Policy:            a.Policy,
		PolicyArns:        a.PolicyARNs,
		SourceIdentity:    a.SourceIdentity,
		DurationSeconds:   int(a.Duration / time.Second),
		Tags:              a.Tags,
		TransitiveTagKeys: a.TransitiveTagKeys,
	}
	client := cloneClient(a.Client, &src.Credentials)
	in.RoleSessionName = sessionName(a.RoleSessionName, client)
	if a.SerialNumber != "" {
		if a.TokenCode == nil {
			return Credentials{}, fmt.Errorf("creds: %s needs the code of the MFA device %s, and no way to ask for it was given", a.RoleARN, a.SerialNumber)
		}
		code, err := a.TokenCode(ctx, a.SerialNumber)
		if err != nil {
			return Credentials{}, fmt.Errorf("creds: MFA code for %s: %w", a.SerialNumber, err)
		}
		in.SerialNumber, in.TokenCode = a.SerialNumber, code
	}
	out, err := client.AssumeRole(ctx, in)
	if err != nil {
		return Credentials{}, fmt.Errorf("creds: AssumeRole %s: %w", a.RoleARN, err)
	}
	return fromSTS(out.Credentials, out.AssumedRoleUser.Arn, "AssumeRole "+a.RoleARN), nil
}

// cloneClient returns a new sts.Client with the settings of c (nil: the zero client),
// signing with creds (nil: c's). Every exported field is copied by name (a test checks none
// is missed): copying the struct would also copy, racily, the signer it keeps for itself.
func cloneClient(c *sts.Client, creds *sigv4.Credentials) *sts.Client {
	if c == nil {
		c = &sts.Client{}
	}
	if creds == nil {
		creds = c.Credentials
	}
	return &sts.Client{
		Endpoint:          c.Endpoint,
		Region:            c.Region,
		UseFIPS:           c.UseFIPS,
		UseDualStack:      c.UseDualStack,
		UseGlobalEndpoint: c.UseGlobalEndpoint,
		HTTPClient:        c.HTTPClient,
		MaxAttempts:       c.MaxAttempts,
		Backoff:           c.Backoff,
		Now:               c.Now,
		UserAgent:         c.UserAgent,
		Signer:            c.Signer,
		Credentials:       creds,
	}
}
