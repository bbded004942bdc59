// Package bench holds side-by-side checks and benchmarks of rawsts against the AWS SDK for
// Go v2: sigv4's signer beside the SDK's v4 signer, sts's AssumeRoleWithWebIdentity beside the
// SDK's, creds.Cache beside aws.CredentialsCache. It is its own module so that the SDK is a
// dependency of these tests only, never of rawsts itself. It is not for import and has no API;
// its one library package, sdkv2, is the adapter that lets the SDK use a rawsts credential
// provider, kept here because only this module may import the SDK.
package bench
