// Package cognitoidentity gets AWS credentials from an Amazon Cognito identity pool by speaking
// the Cognito Identity JSON 1.1 protocol by hand: GetId, GetCredentialsForIdentity and
// GetOpenIdToken (unsigned), and GetOpenIdTokenForDeveloperIdentity (signed with SigV4). It
// shares the JSON 1.1 transport of package cognitoauth (internal/json11): the same retries,
// bounded bodies, redirect refusal, error decoding and secret scrubbing.
//
// An identity pool turns a login — a user pool ID token, a Google ID token, a developer's
// user id — or no login at all (a guest) into an identity id, and the identity into AWS
// credentials, two ways:
//
//   - the enhanced flow ([Client.EnhancedFlow]): GetId, then GetCredentialsForIdentity; Cognito
//     picks the role (authenticated, unauthenticated, or by a role-mapping rule) and assumes it
//     for the caller;
//   - the basic, or classic, flow ([Client.BasicFlow]): GetId, then GetOpenIdToken, whose
//     token the caller exchanges with STS's AssumeRoleWithWebIdentity (package sts) for a role
//     of its choice. The pool must allow it (AllowClassicFlow).
//
// Either way the role's trust policy must trust cognito-identity.amazonaws.com, a provider
// IAM knows without an OIDC provider object:
//
//	{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
//	 "Action": "sts:AssumeRoleWithWebIdentity",
//	 "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "IDENTITY_POOL_ID"},
//	               "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}
//
// # The wire (PROTOCOL.md §12)
//
// Every call is POST / to https://cognito-identity.REGION.amazonaws.com/ with
// Content-Type application/x-amz-json-1.1 and X-Amz-Target AWSCognitoIdentityService.OP; the
// region is the prefix of the identity pool id or identity id (us-east-1:GUID). GetId,
// GetOpenIdToken and GetCredentialsForIdentity carry no Authorization and no X-Amz-Date;
// GetOpenIdTokenForDeveloperIdentity is signed for service cognito-identity (content-type,
// host, x-amz-date, x-amz-target). A session:
//
//	→ GetId                     {"IdentityPoolId": "us-east-1:…", "Logins": {"cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE": "ID TOKEN"}}
//	← 200                       {"IdentityId": "us-east-1:…"}
//	→ GetCredentialsForIdentity {"IdentityId": "us-east-1:…", "Logins": {…the same…}}
//	← 200                       {"IdentityId": "us-east-1:…", "Credentials": {"AccessKeyId": "ASIA…",
//	                             "SecretKey": "…", "SessionToken": "…", "Expiration": 1.716243263E9}}
//
// Three things differ from STS: the secret is "SecretKey", not "SecretAccessKey"; Expiration
// is a JSON number of epoch seconds, which may be written with a fraction or an exponent
// ([ParseEpoch]); and the Logins keys are provider names — a user pool's is
// cognito-idp.REGION.amazonaws.com/POOL_ID, the ID token's iss without https:// (see
// [ProviderName]), Google's accounts.google.com, Facebook's graph.facebook.com, Login with
// Amazon's www.amazon.com, an IAM OIDC provider's its URL without https://, a developer
// provider's the name the pool gives it.
//
// GetOpenIdToken's token (valid 10 minutes; GetOpenIdTokenForDeveloperIdentity's 15 minutes
// by default, TokenDuration up to a day) has iss https://cognito-identity.amazonaws.com, aud
// the identity pool id, sub the identity id, and amr ["unauthenticated"] or ["authenticated",
// PROVIDER, PROVIDER:…] (a user pool login adds
// "cognito-idp.REGION.amazonaws.com/POOL_ID:CognitoSignIn:USER_SUB"); the trust policy reads
// aud and amr as cognito-identity.amazonaws.com:aud and :amr. The amr strings beyond
// authenticated/unauthenticated, the sub and the header (one public example shows RS512) are
// from public examples, not AWS documentation.
//
// # Errors
//
// An error body is JSON 1.1's, {"__type": "NotAuthorizedException", "message": "…"}; its type
// decides, not its status (NotAuthorizedException comes with 400 on the wire, 403 in the
// model). [APIError] carries it with a hint. Messages seen in public reports:
//
//	NotAuthorizedException  Unauthenticated access is not supported for this identity pool.
//	                        Invalid login token. Missing a required claim: aud   (an access token)
//	                        Invalid login token. Issuer doesn't match providerName
//	                        Invalid login token. Token expired: NOW >= EXP
//	                        Invalid login token. Couldn't verify signed token.
//	                        Token is not from a supported provider of this identity pool.
//	                        Logins don't match. Please include at least one valid login for this identity or identity pool.
//	InvalidIdentityPoolConfigurationException  Invalid identity pool configuration. Check assigned IAM roles for this pool.
//	InvalidParameterException  Basic (classic) flow is not enabled, please use enhanced flow.
//
// ResourceNotFoundException's wording ("IdentityPool 'ID' not found.") is unverified.
//
// It is not a Cognito SDK: no identity pool administration (CreateIdentityPool,
// SetIdentityPoolRoles …), no Cognito Sync, no caching of identity ids or credentials (package
// creds caches). It never reads environment variables by itself; the CLI calls
// [EndpointFromEnv]. Login tokens, secret keys and session tokens never appear in its errors.
package cognitoidentity
