package awsconfig

import (
	"errors"
	"fmt"
	"os"

	"github.com/rawsts/rawsts/sigv4"
)

// LoadSharedCredentials reads the static keys of one profile of the shared credentials file at
// path: aws_access_key_id, aws_secret_access_key and aws_session_token. A missing file, a
// missing profile or a profile with neither key is an error wrapping sigv4.ErrNoCredentials;
// errors name the file, the profile and the missing key, never a value.
//
// It is what the signed commands of cmd/rawsts read today (moved here from sigv4, which is a
// leaf and cannot share this package's reader). Package creds reads whole profiles —
// role_arn, source_profile, credential_process, web_identity_token_file — in the AWS CLI's
// order.
func LoadSharedCredentials(path, profile string) (sigv4.Credentials, error) {
	sections, err := parseFile(path)
	if err != nil {
		return sigv4.Credentials{}, err
	}
	var s *sigv4.Credentials
	for _, sec := range sections.Sections {
		if sec.Name == profile {
			id, _ := sec.Get("aws_access_key_id")
			secret, _ := sec.Get("aws_secret_access_key")
			token, _ := sec.Get("aws_session_token")
			s = &sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}
		}
	}
	switch {
	case s == nil && len(sections.Sections) == 0 && !exists(path):
		return sigv4.Credentials{}, fmt.Errorf("awsconfig: shared credentials file %s: %w", path, sigv4.ErrNoCredentials)
	case s == nil:
		return sigv4.Credentials{}, fmt.Errorf("awsconfig: %s has no [%s] profile: %w", path, profile, sigv4.ErrNoCredentials)
	case s.AccessKeyID == "" && s.SecretAccessKey == "":
		return sigv4.Credentials{}, fmt.Errorf("awsconfig: profile [%s] in %s has no aws_access_key_id or aws_secret_access_key: %w", profile, path, sigv4.ErrNoCredentials)
	case s.AccessKeyID == "":
		return sigv4.Credentials{}, fmt.Errorf("awsconfig: profile [%s] in %s has no aws_access_key_id", profile, path)
	case s.SecretAccessKey == "":
		return sigv4.Credentials{}, fmt.Errorf("awsconfig: profile [%s] in %s has no aws_secret_access_key", profile, path)
	}
	return *s, nil
}

// ResolveCredentials finds static credentials the way the AWS CLI does for these two sources:
// the environment first (sigv4.CredentialsFromEnv), then the profile named by AWS_PROFILE
// (else "default") in the shared credentials file. It returns where they came from, for
// messages such as "signed with the credentials of profile [ci]".
func ResolveCredentials(getenv func(string) string) (sigv4.Credentials, string, error) {
	c, err := sigv4.CredentialsFromEnv(getenv)
	if err == nil {
		return c, "environment", nil
	}
	if !errors.Is(err, sigv4.ErrNoCredentials) {
		return sigv4.Credentials{}, "", err
	}
	profile := getenv("AWS_PROFILE")
	if profile == "" {
		profile = "default"
	}
	path := CredentialsFile(getenv)
	if path == "" {
		return sigv4.Credentials{}, "", fmt.Errorf("awsconfig: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_SHARED_CREDENTIALS_FILE (or HOME, for ~/.aws/credentials): %w", sigv4.ErrNoCredentials)
	}
	c, err = LoadSharedCredentials(path, profile)
	if err != nil {
		if errors.Is(err, sigv4.ErrNoCredentials) {
			return sigv4.Credentials{}, "", fmt.Errorf("awsconfig: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put a [%s] profile in %s (AWS_PROFILE and AWS_SHARED_CREDENTIALS_FILE choose others): %w", profile, path, sigv4.ErrNoCredentials)
		}
		return sigv4.Credentials{}, "", err
	}
	return c, "profile [" + profile + "] of " + path, nil
}

// exists reports whether path names something on disk.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
