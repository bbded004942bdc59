// Package awsenv reads the AWS settings every rawsts client shares from an environment lookup
// (os.Getenv, or a map in tests), the way the AWS SDKs and CLI read them, so that STS, Cognito
// and IAM cannot come to disagree about the same variable.
//
// It is not a configuration loader: it reads no files and knows no profiles (internal/awsconfig
// reads the shared config and credentials files), and each client package still decides which
// settings it takes.
package awsenv

import (
	"fmt"
	"strings"
)

// VarError is a variable with a value that cannot be used.
type VarError struct {
	Name    string // the variable, e.g. "AWS_USE_FIPS_ENDPOINT"
	Problem string // what is wrong with its value
}

// Error returns "NAME: PROBLEM", without a package prefix: sts and cognitoauth wrap it in
// their own errors.
func (e *VarError) Error() string { return e.Name + ": " + e.Problem }

// Bool reads a boolean setting such as AWS_USE_FIPS_ENDPOINT: unset or "false" is false,
// "true" is true (any case, surrounding space ignored); anything else is a *VarError.
func Bool(getenv func(string) string, name string) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, &VarError{Name: name, Problem: fmt.Sprintf("%q is neither true nor false", v)}
	}
}

// EndpointURL returns the endpoint override for one service as the SDKs find it:
// AWS_ENDPOINT_URL_<SERVICE> (serviceVar, e.g. "AWS_ENDPOINT_URL_STS"), else AWS_ENDPOINT_URL,
// and neither when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. It returns the value and the
// variable it came from ("" and "" for none). The URL itself is not checked here.
func EndpointURL(getenv func(string) string, serviceVar string) (value, from string, err error) {
	ignore, err := Bool(getenv, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
	if err != nil || ignore {
		return "", "", err
	}
	for _, name := range []string{serviceVar, "AWS_ENDPOINT_URL"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v, name, nil
		}
	}
	return "", "", nil
}
