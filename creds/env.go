package creds

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// MaxCABundleSize is the most read of a CA bundle (AWS_CA_BUNDLE, a profile's ca_bundle):
// 1 MiB; every public root CA together is about 200 KiB.
const MaxCABundleSize = 1 << 20

// Options adjust what FromEnvironment, FromProfile and Resolve build. A nil *Options is the
// zero Options, the defaults.
type Options struct {
	// Profile names the profile, as the AWS CLI's --profile does: "" means AWS_PROFILE, else
	// AWS_DEFAULT_PROFILE, else "default". Naming one also makes Resolve skip the
	// environment's keys, as the AWS CLI does for --profile (but not for AWS_PROFILE).
	// FromEnvironment ignores it.
	Profile string
	// STS is the client every STS call starts from (each AssumeRole signs in a copy), for a
	// caller that has read the environment and flags of its own (the CLI's --region,
	// --endpoint, --trace, --timeout): it is used as it is, except that an empty Region takes
	// the profile's region. nil means sts.NewFromEnv(getenv) — AWS_REGION or
	// AWS_DEFAULT_REGION, AWS_STS_REGIONAL_ENDPOINTS, AWS_USE_FIPS_ENDPOINT,
	// AWS_USE_DUALSTACK_ENDPOINT, AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL, AWS_MAX_ATTEMPTS —
	// with an HTTP client that trusts the PEM bundle AWS_CA_BUNDLE names; for a profile, its
	// region, sts_regional_endpoints and ca_bundle fill what the environment leaves unset.
	STS *sts.Client
	// MFA returns the current code of the MFA device serialNumber, for a profile with
	// mfa_serial (the CLI prompts for it); nil makes such a profile fail when used.
	MFA func(ctx context.Context, serialNumber string) (string, error)
	// Stdin and Stderr are given to a profile's credential_process; nil means no input and a
	// standard error kept to quote when the program fails.
	Stdin  io.Reader
	Stderr io.Writer
	// ProcessTimeout bounds one run of a credential_process; 0 means a minute.
	ProcessTimeout time.Duration
}

// ConfigError is a setting that cannot be used: a profile's key, or an environment variable.
// Nothing was sent. It never quotes a secret.
type ConfigError struct {
	// Profile is the profile, "" for an environment variable.
	Profile string
	// Key is the key or the variable, e.g. "role_arn" or "AWS_ROLE_ARN".
	Key string
	// Where is the file and line of the key, "" for a variable.
	Where string
	// Problem says what is wrong and what to do.
	Problem string
}

// Error returns "creds: profile [ci]: role_arn (/home/me/.aws/config line 4): PROBLEM" or
// "creds: AWS_ROLE_ARN: PROBLEM".
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("creds: ")
	if e.Profile != "" {
		b.WriteString("profile [" + e.Profile + "]: ")
	}
	b.WriteString(e.Key)
	if e.Where != "" {
		b.WriteString(" (" + e.Where + ")")
	}
	return b.String() + ": " + e.Problem
}

// FromEnvironment returns the provider the environment describes, as an EKS pod or a CI job
// sets it up:
//
//   - AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN, and
//     AWS_ACCOUNT_ID for Credentials.AccountID): [Static] credentials;
//   - else AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE: a [*WebIdentity] reading the file at
//     every Retrieve (the kubelet rotates it), session named AWS_ROLE_SESSION_NAME (default
//     "rawsts-SECONDS"), calling STS as [Options].STS says.
//
// Only one of a pair set is a [*ConfigError] naming the other; neither pair is an error
// wrapping [ErrNoCredentials]. Put a [Cache] in front of the result to reuse the credentials.
func FromEnvironment(getenv func(string) string, o *Options) (Provider, error) {
	if o == nil {
		o = &Options{}
	}
	if p, err := envKeys(getenv); !errors.Is(err, ErrNoCredentials) {
		return p, err
	}
	w, err := envWebIdentity(getenv, nil)
	if err != nil {
		return nil, err
	}
	if w != nil {
		if w.Client, err = stsClient(getenv, o, nil); err != nil {
			return nil, err
		}
		return w, nil
	}
	return nil, fmt.Errorf("creds: no credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE: %w", ErrNoCredentials)
}

// envKeys returns the environment's static keys as a provider, or an error wrapping
// ErrNoCredentials when there are none.
func envKeys(getenv func(string) string) (Provider, error) {
	c, err := sigv4.CredentialsFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return Static{Credentials: c, AccountID: strings.TrimSpace(getenv("AWS_ACCOUNT_ID")), Source: "environment"}, nil
}

// envWebIdentity returns the web identity provider of AWS_ROLE_ARN and
// AWS_WEB_IDENTITY_TOKEN_FILE, each falling back to the profile's role_arn and
// web_identity_token_file when p is not nil; nil, nil when there is no token file. Its
// Client is for the caller to set.
func envWebIdentity(getenv func(string) string, p *awsconfig.Profile) (*WebIdentity, error) {
	file, role := strings.TrimSpace(getenv("AWS_WEB_IDENTITY_TOKEN_FILE")), strings.TrimSpace(getenv("AWS_ROLE_ARN"))
	session := strings.TrimSpace(getenv("AWS_ROLE_SESSION_NAME"))
	var duration time.Duration
	if p != nil {
		if file == "" {
			file = p.Get("web_identity_token_file")
		}
		if file == "" {
			return nil, nil
		}
		if role == "" {
			role = p.Get("role_arn")
		}
		if session == "" {
			session = p.Get("role_session_name")
		}
		var err error
		if duration, err = durationOf(p); err != nil {
			return nil, err
		}
		if role == "" {
			return nil, &ConfigError{Profile: p.Name, Key: "web_identity_token_file", Where: p.Where("web_identity_token_file"),
				Problem: "is set but there is no role to assume with it: add role_arn, or set AWS_ROLE_ARN"}
		}
	}
	switch {
	case file == "" && role == "":
		return nil, nil
	case file == "":
		return nil, &ConfigError{Key: "AWS_ROLE_ARN", Problem: "is set but AWS_WEB_IDENTITY_TOKEN_FILE is not: set it to the file holding the ID token"}
	case role == "":
		return nil, &ConfigError{Key: "AWS_WEB_IDENTITY_TOKEN_FILE", Problem: "is set but AWS_ROLE_ARN is not: set it to the role to assume"}
	}
	return &WebIdentity{Token: idtoken.File(file), RoleARN: role, RoleSessionName: session, Duration: duration}, nil
}

// stsClient returns the client the providers of one call share: Options.STS, or one built
// from the environment with the profile (when not nil) filling what it leaves unset.
func stsClient(getenv func(string) string, o *Options, p *awsconfig.Profile) (*sts.Client, error) {
	region := ""
	if p != nil {
		region = p.Get("region")
		if region != "" {
			if _, err := sts.ResolveEndpoint(region, sts.EndpointOptions{}); err != nil {
				return nil, &ConfigError{Profile: p.Name, Key: "region", Where: p.Where("region"), Problem: fmt.Sprintf("%q is not a region name (want e.g. us-east-1)", region)}
			}
		}
	}
	if o.STS != nil {
		c := cloneClient(o.STS, nil)
		if c.Region == "" {
			c.Region = region
		}
		return c, nil
	}
	c, err := sts.NewFromEnv(getenv)
	if err != nil {
		return nil, fmt.Errorf("creds: %w", err)
	}
	if c.Region == "" {
		c.Region = region
	}
	if p != nil && strings.TrimSpace(getenv("AWS_STS_REGIONAL_ENDPOINTS")) == "" {
		switch v := strings.ToLower(p.Get("sts_regional_endpoints")); v {
		case "", "regional":
		case "legacy":
			c.UseGlobalEndpoint = true
		default:
			return nil, &ConfigError{Profile: p.Name, Key: "sts_regional_endpoints", Where: p.Where("sts_regional_endpoints"), Problem: fmt.Sprintf("%q is neither regional nor legacy", v)}
		}
	}
	bundle, key := strings.TrimSpace(getenv("AWS_CA_BUNDLE")), "AWS_CA_BUNDLE"
	if bundle == "" && p != nil {
		bundle, key = p.Get("ca_bundle"), "ca_bundle"
	}
	if bundle != "" {
		if c.HTTPClient, err = caClient(bundle); err != nil {
			e := &ConfigError{Key: key, Problem: err.Error()}
			if key == "ca_bundle" {
				e.Profile, e.Where = p.Name, p.Where(key)
			}
			return nil, e
		}
	}
	return c, nil
}

// caClient returns an http.Client that trusts only the certificates of the PEM file at path.
func caClient(path string) (*http.Client, error) {
	pem, err := bounded.ReadFile(path, MaxCABundleSize)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t}, nil
}
