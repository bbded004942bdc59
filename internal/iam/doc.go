// Package iam is the small IAM client `rawsts diagnose --fetch` uses: three read-only Query
// API calls (GetRole, ListOpenIDConnectProviders, GetOpenIDConnectProvider), signed with SigV4
// through the Sign hook of internal/awsquery, which does the form POST, the retries, the 1 MiB
// body cap and the ErrorResponse decoding.
//
// It is not an IAM SDK: no writes, no pagination (an account has at most 100 OIDC providers,
// which ListOpenIDConnectProviders returns in one reply), no credential chain (the caller passes
// credentials, e.g. from a creds.Provider).
package iam
