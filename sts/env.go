package sts

import (
	"errors"
	"strconv"
	"strings"

	"github.com/rawsts/rawsts/internal/awsenv"
	"github.com/rawsts/rawsts/internal/httpx"
)

// NewFromEnv returns a Client configured from environment variables, read through getenv
// (os.Getenv, or a map lookup in tests). It reads AWS_REGION, then AWS_DEFAULT_REGION;
// AWS_STS_REGIONAL_ENDPOINTS (regional or legacy); AWS_USE_FIPS_ENDPOINT and
// AWS_USE_DUALSTACK_ENDPOINT (true or false); AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL
// (both ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true); and AWS_MAX_ATTEMPTS.
// A bad value is an [*InputError] whose Field names the variable.
func NewFromEnv(getenv func(string) string) (*Client, error) {
	c := &Client{}
	c.Region = strings.TrimSpace(getenv("AWS_REGION"))
	if c.Region == "" {
		c.Region = strings.TrimSpace(getenv("AWS_DEFAULT_REGION"))
	}
	if c.Region != "" && !hostLabel.MatchString(c.Region) {
		name := "AWS_REGION"
		if strings.TrimSpace(getenv("AWS_REGION")) == "" {
			name = "AWS_DEFAULT_REGION"
		}
		return nil, inputErr(name, "%q is not a region name (want e.g. us-east-1)", c.Region)
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("AWS_STS_REGIONAL_ENDPOINTS"))); v {
	case "", "regional":
	case "legacy":
		c.UseGlobalEndpoint = true
	default:
		return nil, inputErr("AWS_STS_REGIONAL_ENDPOINTS", "%q is neither regional nor legacy", v)
	}
	var err error
	if c.UseFIPS, err = envBool(getenv, "AWS_USE_FIPS_ENDPOINT"); err != nil {
		return nil, err
	}
	if c.UseDualStack, err = envBool(getenv, "AWS_USE_DUALSTACK_ENDPOINT"); err != nil {
		return nil, err
	}
	endpoint, from, err := awsenv.EndpointURL(getenv, "AWS_ENDPOINT_URL_STS")
	if err != nil {
		return nil, varErr(err)
	}
	if endpoint != "" {
		if _, err := httpx.CheckEndpoint(endpoint); err != nil {
			return nil, inputErr(from, "%v", err)
		}
		c.Endpoint = endpoint
	}
	if v := strings.TrimSpace(getenv("AWS_MAX_ATTEMPTS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, inputErr("AWS_MAX_ATTEMPTS", "%q is not a positive integer", v)
		}
		c.MaxAttempts = n
	}
	return c, nil
}

// envBool is awsenv.Bool with its error as an *InputError naming the variable.
func envBool(getenv func(string) string, name string) (bool, error) {
	b, err := awsenv.Bool(getenv, name)
	if err != nil {
		return false, varErr(err)
	}
	return b, nil
}

// varErr turns an *awsenv.VarError into the *InputError NewFromEnv documents.
func varErr(err error) error {
	var ve *awsenv.VarError
	if errors.As(err, &ve) {
		return inputErr(ve.Name, "%s", ve.Problem)
	}
	return err
}
