package main

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// signingCredentials finds the AWS credentials a signed command uses. With a profile (the
// command's --profile, or --source-profile for assume-role) it reads that profile of the shared
// credentials file, which wins over the environment as the AWS CLI's --profile does; without one
// it takes awsconfig.ResolveCredentials: the environment, then AWS_PROFILE (else [default]) in the
// shared credentials file. It returns where they came from, or prints why there are none and
// returns exitUsage: nothing can be signed, so nothing is sent.
func signingCredentials(s *streams, profile string) (sigv4.Credentials, string, int) {
	var creds sigv4.Credentials
	var from string
	var err error
	if p := s.getenv("AWS_PROFILE"); profile == "" && p != "" {
		if err := checkProfileName("AWS_PROFILE", p); err != nil {
			errorf(s, "%v (nothing was sent)", err)
			return sigv4.Credentials{}, "", exitUsage
		}
	}
	if profile != "" {
		path := awsconfig.CredentialsFile(s.getenv)
		creds, err = awsconfig.LoadSharedCredentials(path, profile)
		from = "profile [" + profile + "] of " + path
	} else {
		creds, from, err = awsconfig.ResolveCredentials(s.getenv)
	}
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "awsconfig: ")
		if errors.Is(err, sigv4.ErrNoCredentials) {
			msg = strings.TrimSuffix(msg, ": "+sigv4.ErrNoCredentials.Error())
			if profile != "" {
				msg = "profile [" + profile + "]: " + msg
				if _, statErr := os.Stat(awsconfig.CredentialsFile(s.getenv)); statErr != nil {
					msg += " does not exist (AWS_SHARED_CREDENTIALS_FILE names another)"
				}
			}
			msg = "cannot sign: " + msg
		}
		errorf(s, "%s (nothing was sent)", msg)
		return sigv4.Credentials{}, "", exitUsage
	}
	s.addSecrets(creds.SecretAccessKey, creds.SessionToken)
	return creds, from, exitOK
}

// credentialsProblem says why sigv4 found no credentials, once: without the package prefix and
// without the "no AWS credentials found" the message already says in its own words.
func credentialsProblem(err error) string {
	return strings.TrimSuffix(plain(err), ": "+plain(sigv4.ErrNoCredentials))
}

// newSignedSTSClient builds the sts.Client of a signed command: newSTSClient's settings plus
// the credentials signingCredentials finds (profile as there). It returns nil and an exit code
// when either step fails; nothing has been sent then.
func newSignedSTSClient(s *streams, profile, region, endpoint string, trace bool, timeout time.Duration) (*sts.Client, int) {
	creds, _, code := signingCredentials(s, profile)
	if code != exitOK {
		return nil, code
	}
	c, code := newSTSClient(s, region, endpoint, trace, timeout)
	if c == nil {
		return nil, code
	}
	c.Credentials = &creds
	return c, exitOK
}
