package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
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
		errorf(s, "%s (nothing was sent)", plain(err))
		return nil, exitUsage
	}
	if code := s.checkCABundle(); code != exitOK {
		return nil, code
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
// client (nil when there is none yet) names the endpoint.
func reportSTSError(s *streams, client *sts.Client, err error) int {
	var apiErr *sts.APIError
	var inErr *sts.InputError
	var respErr *sts.ResponseError
	where := "the endpoint"
	if client != nil {
		if ep, epErr := client.ResolveEndpoint(); epErr == nil {
			where = ep.URL
		}
	}
	onTheWay := transportProblem(err, "STS", where, "--endpoint and AWS_ENDPOINT_URL_STS")
	switch {
	case errors.As(err, &apiErr):
		errorf(s, "%s", describeAPIError(apiErr))
		if strings.Contains(apiErr.Message, encodedPrefix) {
			errorf(s, "see why with: rawsts decode-authorization-message 'THE ENCODED MESSAGE' (or - and paste it)")
		}
		return exitRefused
	case errors.As(err, &inErr):
		errorf(s, "%s (nothing was sent)", unchain(describeInputError(inErr)))
		return exitUsage
	case errors.As(err, &respErr):
		errorf(s, "%s", describeQueryReply("STS", where, "--endpoint", respErr))
		return exitTransport
	case onTheWay != "":
		errorf(s, "%s", onTheWay)
		return exitTransport
	default:
		errorf(s, "%s", plain(err))
		return exitTransport
	}
}

// fieldProblem joins a field's name and what is wrong with it: "--role-arn is 3 characters
// long", "--endpoint: endpoint … uses plain http".
func fieldProblem(field, problem string) string {
	for _, verb := range []string{"is ", "has ", "must ", "are ", "cannot "} {
		if strings.HasPrefix(problem, verb) {
			return field + " " + problem
		}
	}
	return field + ": " + problem
}

// stsFlags names the CLI flag of each sts input field, for messages.
var stsFlags = map[string]string{
	"RoleArn": "--role-arn", "RoleSessionName": "--role-session-name", "WebIdentityToken": "the token",
	"ProviderId": "--provider-id", "Policy": "--policy", "PolicyArns": "--policy-arn",
	"DurationSeconds": "--duration-seconds", "ExternalId": "--external-id", "SerialNumber": "--serial-number",
	"TokenCode": "--token-code", "SourceIdentity": "--source-identity", "Tags": "--tag",
	"TransitiveTagKeys": "--transitive-tag-key", "EncodedMessage": "the encoded message",
	"Region": "--region", "Endpoint": "--endpoint",
}

// describeInputError renders an sts.InputError with the flag the user typed in place of the
// library's field name: "--role-arn: is 3 characters long; …".
func describeInputError(e *sts.InputError) string {
	field := e.Field
	if f, ok := stsFlags[field]; ok {
		field = f
	} else if i := strings.IndexAny(field, ".["); i > 0 { // Tags.member.1.Key, PolicyArns[0]
		if f, ok := stsFlags[field[:i]]; ok {
			field = f
		}
	}
	return fieldProblem(field, e.Problem)
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

// envMaxAttempts reads AWS_MAX_ATTEMPTS for the clients the CLI builds itself (Cognito, IAM;
// sts.NewFromEnv reads it for STS): 0 when unset, meaning the client's default.
func envMaxAttempts(s *streams) (int, error) {
	v := strings.TrimSpace(s.getenv("AWS_MAX_ATTEMPTS"))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("AWS_MAX_ATTEMPTS=%q is not a positive integer", v)
	}
	return n, nil
}
