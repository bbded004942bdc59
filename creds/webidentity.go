package creds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// WebIdentity gets a role's credentials with AssumeRoleWithWebIdentity, asking Token for a
// fresh ID token at every Retrieve (a file is read again, a CI asked again), so that a
// rotated token is always the one sent. The call is unsigned: no credentials are needed.
type WebIdentity struct {
	// Token returns the ID token. Required.
	Token idtoken.Source
	// RoleARN is the role to assume. Required.
	RoleARN string
	// RoleSessionName names the session; "" means "rawsts-" and the Unix time in seconds
	// (the AWS CLI's rule, botocore-session-SECONDS, with rawsts's name, as rawsts assume
	// does), taken from Client.Now when it is set.
	RoleSessionName string
	// Duration is the session length, in whole seconds from 15 minutes to the role's maximum;
	// 0 leaves STS's default (an hour).
	Duration time.Duration
	// Policy is an inline session policy (JSON) that narrows the session's permissions.
	Policy string
	// PolicyARNs are managed policies that narrow the session's permissions.
	PolicyARNs []string
	// Client calls STS: its endpoint, region, HTTP client and retries. nil means the zero
	// sts.Client (the global endpoint, http.DefaultClient).
	Client *sts.Client
}

// Retrieve gets a token and exchanges it. Errors: the token source's (see package idtoken),
// and STS's (*sts.InputError, *sts.APIError, *sts.ResponseError, a transport error), each
// wrapped with the role; the token never appears in them.
func (w *WebIdentity) Retrieve(ctx context.Context) (Credentials, error) {
	if w.Token == nil {
		return Credentials{}, errors.New("creds: WebIdentity has no Token source")
	}
	token, err := w.Token.Token(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("creds: web identity token for %s: %w", w.RoleARN, err)
	}
	client := w.Client
	if client == nil {
		client = &sts.Client{}
	}
	out, err := client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          w.RoleARN,
		RoleSessionName:  sessionName(w.RoleSessionName, client),
		WebIdentityToken: token,
		Policy:           w.Policy,
		PolicyArns:       w.PolicyARNs,
		DurationSeconds:  int(w.Duration / time.Second),
	})
	if err != nil {
		return Credentials{}, fmt.Errorf("creds: AssumeRoleWithWebIdentity %s: %w", w.RoleARN, err)
	}
	return fromSTS(out.Credentials, out.AssumedRoleUser.Arn, "AssumeRoleWithWebIdentity "+w.RoleARN), nil
}

// sessionName returns name, or the default session name at the client's time.
func sessionName(name string, c *sts.Client) string {
	if name != "" {
		return name
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return "rawsts-" + strconv.FormatInt(now().Unix(), 10)
}

// fromSTS turns STS's credentials into Credentials, with the account of the assumed-role ARN.
func fromSTS(c sts.Credentials, arn, source string) Credentials {
	return Credentials{
		Credentials: sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		Expiration:  c.Expiration,
		AccountID:   accountOf(arn),
		Source:      source,
	}
}
