package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/internal/awsenv"
	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/iam"
)

// fetchFromIAM fills in.TrustPolicy (unless --trust-policy gave one), the role's
// MaxSessionDuration and in.Providers (unless --provider gave some) from IAM, signed with the
// caller's credentials. It returns an exit code other than exitOK when it could not.
func fetchFromIAM(ctx context.Context, s *streams, o *diagnoseOptions, in *diagnose.Input) int {
	const name = "diagnose"
	if in.RoleARN == "" {
		return usageError(s, name, "--fetch needs the role: pass --role-arn or set AWS_ROLE_ARN")
	}
	parts := strings.SplitN(in.RoleARN, ":", 6)
	if len(parts) != 6 || !strings.HasPrefix(parts[5], "role/") {
		return usageError(s, name, "--fetch: %q is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)", in.RoleARN)
	}
	roleName := parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	if o.profile != "" {
		if err := checkProfileName("--profile", o.profile); err != nil {
			return usageError(s, name, "%v", err)
		}
	}
	cr, code := signingCredentials(ctx, s, o.profile, nil, "--fetch reads the role from IAM and needs AWS credentials")
	if code != exitOK {
		return code
	}
	creds, from := cr.Credentials, cr.Source
	var err error
	endpoint := o.endpointIAM
	if endpoint == "" {
		if endpoint, _, err = awsenv.EndpointURL(s.getenv, "AWS_ENDPOINT_URL_IAM"); err != nil {
			errorf(s, "--fetch: %s (nothing was sent)", plain(err))
			return exitUsage
		}
	}
	maxAttempts, err := envMaxAttempts(s)
	if err != nil {
		return usageError(s, name, "%v", err)
	}
	c := &iam.Client{Credentials: creds, Partition: parts[1], Endpoint: endpoint, MaxAttempts: maxAttempts,
		HTTPClient: s.httpClient(o.trace, o.timeout), Now: s.now, UserAgent: "rawsts/" + buildVersion()}
	where := endpoint
	if endpoint == "" {
		if where, _, err = iam.Endpoint(parts[1]); err != nil {
			return usageError(s, name, "--fetch: %s (use --endpoint-iam)", plain(err))
		}
	}
	if len(in.TrustPolicy) == 0 {
		role, err := c.GetRole(ctx, roleName)
		if err != nil {
			return reportIAMError(s, where, err)
		}
		doc, _ := json.Marshal(map[string]any{"Role": map[string]any{
			"RoleName": role.RoleName, "Arn": role.Arn, "MaxSessionDuration": role.MaxSessionDuration,
			"AssumeRolePolicyDocument": json.RawMessage(role.AssumeRolePolicyDocument),
		}})
		if !json.Valid([]byte(role.AssumeRolePolicyDocument)) {
			doc, _ = json.Marshal(map[string]any{"Role": map[string]any{"AssumeRolePolicyDocument": role.AssumeRolePolicyDocument}})
		}
		in.TrustPolicy = doc
		if in.MaxSessionDuration == 0 {
			in.MaxSessionDuration = role.MaxSessionDuration
		}
	}
	if in.Providers == nil {
		arns, err := c.ListOpenIDConnectProviders(ctx)
		if err != nil {
			return reportIAMError(s, where, err)
		}
		in.Providers = []diagnose.Provider{}
		for _, arn := range arns {
			p, err := c.GetOpenIDConnectProvider(ctx, arn)
			if err != nil {
				return reportIAMError(s, where, err)
			}
			in.Providers = append(in.Providers, diagnose.Provider{ARN: p.ARN, URL: p.URL, ClientIDs: p.ClientIDs, Thumbprints: p.Thumbprints})
		}
	}
	if o.trace {
		errorf(s, "--fetch: read the role and %d OIDC provider(s) from IAM with the credentials of the %s", len(in.Providers), from)
	}
	return exitOK
}

// reportIAMError prints an IAM failure: 1 when IAM said no, 3 for everything on the way.
// where names the IAM endpoint.
func reportIAMError(s *streams, where string, err error) int {
	var apiErr *iam.APIError
	var respErr *iam.ResponseError
	onTheWay := transportProblem(err, "IAM", where, "--endpoint-iam and AWS_ENDPOINT_URL_IAM")
	switch {
	case errors.As(err, &apiErr):
		errorf(s, "--fetch: %s (RequestId %s, HTTP %d); pass --trust-policy and --provider files instead",
			strings.TrimPrefix(fmt.Sprintf("%s: %s", apiErr.Code, apiErr.Message), ": "), orNone(apiErr.RequestID), apiErr.StatusCode)
		return exitRefused
	case errors.As(err, &respErr):
		errorf(s, "--fetch: %s", describeQueryReply("IAM", where, "--endpoint-iam", respErr))
	case onTheWay != "":
		errorf(s, "--fetch: %s", onTheWay)
	default:
		errorf(s, "--fetch: %s", plain(err))
	}
	return exitTransport
}
