package creds

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// Credentials are AWS credentials and what is known about them. The keys are the
// sigv4.Credentials embedded, so that c.Credentials is what sigv4 signs with and what an
// sts.Client's Credentials points to, with no conversion.
type Credentials struct {
	sigv4.Credentials
	// Expiration is when the credentials stop working; zero for long-term keys, which do not
	// expire.
	Expiration time.Time
	// AccountID is the 12-digit account the credentials belong to, when known: from the
	// assumed-role ARN STS returned, a credential_process's AccountId, a profile's
	// aws_account_id or AWS_ACCOUNT_ID. "" when unknown.
	AccountID string
	// Source says in words where the credentials came from, for messages such as "signed
	// with the credentials of …": "environment", "profile [ci] of /home/me/.aws/credentials",
	// "AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/ci" …
	Source string
}

// CanExpire reports whether the credentials have an expiry (temporary credentials do).
func (c Credentials) CanExpire() bool { return !c.Expiration.IsZero() }

// String describes the credentials without their secrets, so that printing them with %v by
// mistake leaks nothing: the access key ID, the expiry, the account and the source.
func (c Credentials) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "creds.Credentials{AccessKeyID: %s, SecretAccessKey: %s", c.AccessKeyID, hidden(c.SecretAccessKey))
	if c.SessionToken != "" {
		fmt.Fprintf(&b, ", SessionToken: %s", hidden(c.SessionToken))
	}
	if c.CanExpire() {
		fmt.Fprintf(&b, ", Expiration: %s", c.Expiration.UTC().Format(time.RFC3339))
	}
	if c.AccountID != "" {
		fmt.Fprintf(&b, ", AccountID: %s", c.AccountID)
	}
	if c.Source != "" {
		fmt.Fprintf(&b, ", Source: %s", c.Source)
	}
	return b.String() + "}"
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

func hidden(s string) string {
	if s == "" {
		return `""`
	}
	return fmt.Sprintf("<redacted %d chars>", len(s))
}

// Provider returns AWS credentials. Retrieve may call a service each time (the providers of
// this package do); put a [Cache] in front to reuse credentials until they are due for
// renewal. Implementations are safe for concurrent use.
type Provider interface {
	// Retrieve returns credentials with at least an access key ID and a secret key, or an
	// error.
	Retrieve(ctx context.Context) (Credentials, error)
}

// ProviderFunc adapts a function to a [Provider].
type ProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f.
func (f ProviderFunc) Retrieve(ctx context.Context) (Credentials, error) { return f(ctx) }

// Static is a Provider that always returns the same credentials: long-term keys, or a
// session a caller already holds.
type Static Credentials

// Retrieve returns the credentials.
func (s Static) Retrieve(context.Context) (Credentials, error) { return Credentials(s), nil }

// String is Credentials.String: the secrets hidden.
func (s Static) String() string {
	return "creds.Static" + strings.TrimPrefix(Credentials(s).String(), "creds.Credentials")
}

// GoString is String, for %#v.
func (s Static) GoString() string { return s.String() }

// ErrNoCredentials is wrapped by the errors of FromEnvironment, FromProfile and Resolve when
// the place they look holds no credentials at all (no keys, no role, no profile). It is
// sigv4.ErrNoCredentials, so either name matches.
var ErrNoCredentials = sigv4.ErrNoCredentials

// accountOf returns the account of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:…), "" when
// arn is not one.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}
