// Package sts gets temporary AWS credentials from AWS Security Token Service by speaking its
// Query protocol (form POST in, XML out) directly, without the AWS SDK.
//
// The call it makes today is [Client.AssumeRoleWithWebIdentity]: exchange an OIDC ID token
// (from GitHub Actions, GitLab, Kubernetes, Cognito …) for a role's credentials. That call is
// unsigned, so it needs no credentials at all. Inputs are checked before anything is sent
// ([AssumeRoleWithWebIdentityInput.Validate], errors of type [*InputError]); the endpoint is
// resolved with the rules of the SDKs' STS rule set ([ResolveEndpoint]); replies decode into
// typed results or errors: [*APIError] when STS said no (compare its Code), [*ResponseError]
// when the reply was not an STS reply at all (a proxy's page, a truncated body). Transient
// failures (5xx, Throttling, IDPCommunicationError, a reset connection) are retried with
// backoff.
//
// It is not an SDK: there is no credential chain, no caching or refreshing of credentials, no
// shared config file, and no environment reading unless you call [NewFromEnv]. Signed calls
// (AssumeRole, GetCallerIdentity) are not here yet.
package sts
