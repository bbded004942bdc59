package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rawsts/rawsts/creds"
	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/internal/process"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// signingCredentials finds the AWS credentials a signed command uses, as the AWS CLI v2 does
// (creds.Resolve): the environment's keys first unless --profile names a profile, then the
// profile (--profile, else AWS_PROFILE, else [default]) of the shared config and credentials
// files, with its role_arn (source_profile, credential_source = Environment,
// web_identity_token_file), credential_process or keys. sc is the STS client a profile's role
// is assumed with (nil: one from the environment); what starts the message when there are
// none ("cannot sign"). It prints why there are none and returns
// exitUsage (a setting, nothing found: nothing was sent) or the exit code of the STS call or
// program that failed.
func signingCredentials(ctx context.Context, s *streams, profile string, sc *sts.Client, what string) (creds.Credentials, int) {
	if p := s.getenv("AWS_PROFILE"); profile == "" && p != "" {
		if err := checkProfileName("AWS_PROFILE", p); err != nil {
			errorf(s, "%v (nothing was sent)", err)
			return creds.Credentials{}, exitUsage
		}
	}
	if sc == nil {
		var code int
		if sc, code = newSTSClient(s, "", "", false, 30*time.Second); sc == nil {
			return creds.Credentials{}, code
		}
	}
	p, err := creds.Resolve(s.getenv, &creds.Options{Profile: profile, STS: sc, MFA: s.mfaCode})
	var c creds.Credentials
	if err == nil {
		c, err = p.Retrieve(ctx)
	}
	if err != nil {
		return creds.Credentials{}, reportCredsError(s, sc, what, err)
	}
	s.addSecrets(c.SecretAccessKey, c.SessionToken)
	return c, exitOK
}

// mfaCode asks for the code of the MFA device serial (a profile's mfa_serial) on the terminal,
// as the AWS CLI does; without a terminal there is no one to ask.
func (s *streams) mfaCode(ctx context.Context, serial string) (string, error) {
	if !s.stdinIsTerminal {
		return "", fmt.Errorf("the profile's role needs the code of the MFA device %s, and standard input is not a terminal to ask for it", serial)
	}
	t := &terminal{in: bufio.NewReader(s.stdin), out: s.stderr}
	code, err := t.readVisible(ctx, "Enter MFA code for "+serial+": ")
	if err != nil {
		return "", err
	}
	s.addSecrets(code)
	return strings.TrimSpace(code), nil
}

// reportCredsError prints why credentials could not be had, for people, and returns the exit
// code: 2 for a setting that cannot be used or nothing configured (what prefixes that
// message: "cannot sign"), 1 when STS or a credential_process said no, 3 for a failure on
// the way. sc names the STS endpoint.
func reportCredsError(s *streams, sc *sts.Client, what string, err error) int {
	var cfg *creds.ConfigError
	var apiErr *sts.APIError
	var exitErr *process.ExitError
	var timeout *process.TimeoutError
	var tooLarge *bounded.TooLargeError
	switch {
	case errors.As(err, &cfg):
		msg := cfg.Key
		if cfg.Profile != "" {
			msg = "profile [" + cfg.Profile + "]: " + cfg.Key
		}
		if cfg.Where != "" {
			msg += " (" + cfg.Where + ")"
		}
		errorf(s, "%s %s (nothing was sent)", msg, cfg.Problem)
		return exitUsage
	case errors.Is(err, sigv4.ErrNoCredentials):
		errorf(s, "%s: %s (nothing was sent)", what, credentialsProblem(err))
		return exitUsage
	case errors.As(err, &apiErr):
		return reportSTSError(s, sc, err)
	case errors.As(err, &exitErr):
		errorf(s, "%s", plain(err))
		return exitRefused
	case errors.As(err, &timeout):
		errorf(s, "%s", plain(err))
		return exitTransport
	case errors.As(err, &tooLarge):
		errorf(s, "%s", plain(err))
		return exitUsage
	}
	var inErr *sts.InputError
	var respErr *sts.ResponseError
	if errors.As(err, &inErr) || errors.As(err, &respErr) || transportFailure(err) {
		return reportSTSError(s, sc, err)
	}
	errorf(s, "%s (nothing was sent)", plain(err))
	return exitUsage
}

// credentialsProblem says why no credentials were found, once: without the package prefix and
// without the "no AWS credentials" the message already says in its own words.
func credentialsProblem(err error) string {
	return strings.TrimSuffix(plain(err), ": "+plain(sigv4.ErrNoCredentials))
}

// newSignedSTSClient builds the sts.Client of a signed command: newSTSClient's settings plus
// the credentials signingCredentials finds (profile as there), in the profile's region when
// neither region nor the environment names one. It returns nil and an exit code when either
// step fails; nothing has been sent then.
func newSignedSTSClient(ctx context.Context, s *streams, profile, region, endpoint string, trace bool, timeout time.Duration) (*sts.Client, int) {
	region = profileRegion(s, profile, region)
	c, code := newSTSClient(s, region, endpoint, trace, timeout)
	if c == nil {
		return nil, code
	}
	cr, code := signingCredentials(ctx, s, profile, c, "cannot sign")
	if code != exitOK {
		return nil, code
	}
	c.Credentials = &cr.Credentials
	return c, exitOK
}

// profileRegion is region when it is set, else "" when the environment names one (the
// clients read it), else the region of profile (or AWS_PROFILE's), as the AWS CLI takes a
// profile's region.
func profileRegion(s *streams, profile, region string) string {
	if region != "" || s.getenv("AWS_REGION") != "" || s.getenv("AWS_DEFAULT_REGION") != "" {
		return region
	}
	files, err := awsconfig.Load(s.getenv)
	if err != nil {
		return "" // reported when the credentials are read
	}
	if profile == "" {
		profile = awsconfig.ProfileName(s.getenv)
	}
	if p := files.Profile(profile); p != nil {
		return p.Get("region")
	}
	return ""
}
