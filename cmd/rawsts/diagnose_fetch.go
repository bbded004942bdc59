package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/internal/awsconfig"
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
	creds, from, err := awsconfig.ResolveCredentials(s.getenv)
	if err != nil {
		errorf(s, "--fetch: %v", err)
		return exitUsage
	}
	endpoint := o.endpointIAM
	if endpoint == "" {
		if endpoint, _, err = awsenv.EndpointURL(s.getenv, "AWS_ENDPOINT_URL_IAM"); err != nil {
			errorf(s, "--fetch: %v", err)
			return exitUsage
		}
	}
	c := &iam.Client{Credentials: creds, Partition: parts[1], Endpoint: endpoint,
		HTTPClient: s.httpClient(o.trace, o.timeout), Now: s.now, UserAgent: "rawsts/" + buildVersion()}
	if endpoint == "" {
		if _, _, err := iam.Endpoint(parts[1]); err != nil {
			return usageError(s, name, "--fetch: %v (use --endpoint-iam)", err)
		}
	}
	if len(in.TrustPolicy) == 0 {
		role, err := c.GetRole(ctx, roleName)
		if err != nil {
			return reportIAMError(s, err)
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
			return reportIAMError(s, err)
		}
		in.Providers = []diagnose.Provider{}
		for _, arn := range arns {
			p, err := c.GetOpenIDConnectProvider(ctx, arn)
			if err != nil {
				return reportIAMError(s, err)
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
func reportIAMError(s *streams, err error) int {
	var apiErr *iam.APIError
	if errors.As(err, &apiErr) {
		errorf(s, "--fetch: %s (RequestId %s, HTTP %d); pass --trust-policy and --provider files instead",
			strings.TrimPrefix(fmt.Sprintf("%s: %s", apiErr.Code, apiErr.Message), ": "), orNone(apiErr.RequestID), apiErr.StatusCode)
		return exitRefused
	}
	if msg := transportMessage(err, "IAM", "--endpoint-iam and AWS_ENDPOINT_URL_IAM"); msg != "" {
		errorf(s, "--fetch: %s", msg)
		return exitTransport
	}
	errorf(s, "--fetch: %v", err)
	return exitTransport
}
