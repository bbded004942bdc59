package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sts"
)

// addSTSFlags defines the flags every STS command shares.
func addSTSFlags(fs *flag.FlagSet, region, endpoint *string, trace *bool, timeout *time.Duration) {
	fs.StringVar(region, "region", "", "")
	fs.StringVar(endpoint, "endpoint", "", "")
	fs.BoolVar(trace, "trace", false, "")
	fs.DurationVar(timeout, "timeout", 30*time.Second, "")
}

// newSTSClient builds an sts.Client from the AWS environment variables, then the flags.
func newSTSClient(s *streams, region, endpoint string, trace bool, timeout time.Duration) (*sts.Client, int) {
	c, err := sts.NewFromEnv(s.getenv)
	if err != nil {
		errorf(s, "%v", err)
		return nil, exitUsage
	}
	if region != "" {
		c.Region = region
	}
	if endpoint != "" {
		c.Endpoint = endpoint
	}
	c.HTTPClient = s.httpClient(trace, timeout)
	c.Now = s.now
	c.UserAgent = "rawsts/" + buildVersion()
	return c, exitOK
}

// reportSTSError prints err as the CLI reports STS failures and returns the exit code:
// 1 when STS said no, 2 when the input was refused locally, 3 for everything on the way.
func reportSTSError(s *streams, err error) int {
	var apiErr *sts.APIError
	var inErr *sts.InputError
	onTheWay := transportMessage(err, "STS", "--endpoint and AWS_ENDPOINT_URL_STS")
	switch {
	case errors.As(err, &apiErr):
		errorf(s, "%s", describeAPIError(apiErr))
		if strings.Contains(apiErr.Message, encodedPrefix) {
			errorf(s, "see why with: rawsts decode-authorization-message 'THE ENCODED MESSAGE' (or - and paste it)")
		}
		return exitRefused
	case errors.As(err, &inErr):
		errorf(s, "%s: %s (nothing was sent)", inErr.Field, inErr.Problem)
		return exitUsage
	case onTheWay != "":
		errorf(s, "%s", onTheWay)
		return exitTransport
	default:
		errorf(s, "%v", err)
		return exitTransport
	}
}

// describeAPIError renders "Code: Message (RequestId …, HTTP n)".
func describeAPIError(e *sts.APIError) string {
	msg := e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return fmt.Sprintf("%s (RequestId %s, HTTP %d)", msg, orNone(e.RequestID), e.StatusCode)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
