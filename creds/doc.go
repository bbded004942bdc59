// Package creds provides AWS credentials to programs that embed rawsts: one small interface,
// [Provider], whose Retrieve returns [Credentials]; providers that get them from STS with a
// web identity token ([WebIdentity]) or by assuming a role with other credentials
// ([AssumeRole]), from a program ([Process], credential_process), or as given ([Static]); a
// [Cache] that keeps them and renews them before they expire, one renewal at a time, serving
// still-valid credentials while a renewal fails; and the places the AWS CLI looks:
// [FromEnvironment] (what an EKS pod or a CI job sets), [FromProfile] (the shared config and
// credentials files) and [Resolve] (both, in the AWS CLI v2's order).
//
// A typical embedder, in a pod with IRSA or a CI job that wrote its token to a file:
//
//	p, err := creds.FromEnvironment(os.Getenv, nil)
//	if err != nil { … }
//	cache := creds.NewCache(p)
//	c, err := cache.Retrieve(ctx) // cheap and allocation-free until renewal is due
//	client := &sts.Client{Credentials: &c.Credentials} // or sigv4.Signer.SignHTTP(req, c.Credentials, …)
//
// Tokens for WebIdentity come from package idtoken (a file re-read at each renewal, GitHub
// Actions, GitLab, CircleCI, Buildkite, Cognito, a program). The AWS SDK for Go v2 can use any
// Provider through a three-line adapter (bench/sdkv2 shows one and tests it).
//
// Credentials embed [sigv4.Credentials], which is what signers and sts.Client take; their
// String method hides the secret key and the session token, so that logging them with %v by
// mistake leaks nothing. Errors name the profile, the file and line, the variable or the role,
// never a secret; a setting that cannot be used is a [*ConfigError], nothing configured wraps
// [ErrNoCredentials], and STS's own errors (*sts.APIError …) are wrapped unchanged.
//
// It is not the AWS SDK's credential chain: it does not read EC2 instance metadata or the
// container credentials endpoint, does not speak IAM Identity Center (SSO), and keeps nothing
// on disk (the AWS CLI's ~/.aws/cli/cache is not read or written). It never reads the
// environment or the files unless asked through one of the From functions, with the lookup
// the caller passes.
package creds
