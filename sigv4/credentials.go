package sigv4

import (
	"errors"
	"strings"
)

// ErrNoCredentials is returned when a source holds no AWS credentials at all.
var ErrNoCredentials = errors.New("sigv4: no AWS credentials found")

// CredentialsFromEnv returns the credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN (optional), as the AWS CLI and SDKs read them. With neither key set it
// returns ErrNoCredentials; with only one of the two it returns an error naming the other.
//
// It is the only source of credentials in this package: the shared config and credentials
// files, profiles, roles and refreshing are package creds's.
func CredentialsFromEnv(getenv func(string) string) (Credentials, error) {
	c := Credentials{
		AccessKeyID:     strings.TrimSpace(getenv("AWS_ACCESS_KEY_ID")),
		SecretAccessKey: strings.TrimSpace(getenv("AWS_SECRET_ACCESS_KEY")),
		SessionToken:    strings.TrimSpace(getenv("AWS_SESSION_TOKEN")),
	}
	switch {
	case c.AccessKeyID == "" && c.SecretAccessKey == "":
		return Credentials{}, ErrNoCredentials
	case c.AccessKeyID == "":
		return Credentials{}, errors.New("sigv4: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
	case c.SecretAccessKey == "":
		return Credentials{}, errors.New("sigv4: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
	}
	return c, nil
}
