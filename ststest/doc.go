// Package ststest runs a local AWS — STS, an IAM account, Amazon Cognito user pools and identity
// pools, and OpenID Connect issuers — on a loopback port, for tests and demos, the way net/http/httptest runs an
// HTTP server. It says no where AWS says no, with AWS's errors, so that what passes here passes
// on AWS and what fails here fails there the same way.
//
//	srv := ststest.NewServer()                       // the walkthrough's setup (DefaultConfig)
//	srv := ststest.NewServer(ststest.WithConfig(cfg)) // an account of one's own
//	defer srv.Close()
//
// # The state
//
// A server emulates one AWS account described by a [Config]: IAM users with access keys, IAM
// OIDC providers, roles (trust policy, maximum session, permission policies inline or AWS
// managed), user pools (app clients with or without a secret and their allowed auth flows,
// users with passwords, attributes and a status), buckets and instances to list, and extra
// issuers shaped like GitHub Actions, GitLab CI or EKS. [ParseConfig] and [LoadConfig] read one
// from JSON strictly; [DefaultConfig] is the walkthrough's: the pool us-east-1_EXAMPLE, its app
// client and user demo, an OIDC provider for the pool and TestRole trusting it, an identity
// pool accepting the pool's ID tokens and its two roles. A config names
// the server's own issuers with the placeholders ${EMULATOR} and ${EMULATOR_HOST}, since the
// port is chosen at start.
//
// The state changes while the server runs — [Server.AddRole], [Server.AddProvider],
// [Server.AddIssuer], a user choosing a new password — and [Server.Snapshot] returns it, with the
// sessions and refresh tokens issued and the issuers' keys, as a Config that [WithConfig] or
// [Server.Restore] brings back ([WithOnChange] says when it changed: rawsts emulator --state
// saves it then). [ParseConfig] reads // line comments.
//
// # HTTPS, the log
//
// [NewTLSServer] (or [Server.StartTLS]) serves HTTPS with a CA made for the server
// ([Server.CACertificate]; [Server.Client] trusts it and never follows a redirect): its URL and
// its issuers are then https://127.0.0.1:PORT/…, as Cognito's are. [WithLog] writes one line per
// decision, secrets scrubbed; [WithEventLog] hands the same events to a function; [WithExchanges]
// hands each request with its answer and its events (the live view of rawsts emulator --ui).
//
// # The issuers
//
// Every issuer has its own RSA key, made when first needed (or taken from the config's
// SigningKeys, which a snapshot records): the default one at URL + "/oidc"
// ([Server.Issuer]), one per user pool at URL + "/POOL_ID" serving
// /POOL_ID/.well-known/openid-configuration and /POOL_ID/.well-known/jwks.json as Cognito does
// (the pool's ID tokens carry that iss), and the extra ones ([Server.LookupIssuer] finds them
// all; [Issuer.Mint] signs a token with the claim layout of the issuer's kind). An extra issuer
// may take an outside URL (https://token.actions.githubusercontent.com): it is then served only
// to the emulator's own verification, in process ([Server.Transport], [Server.Verifier]).
//
// # STS
//
// AssumeRoleWithWebIdentity is decided by the very code `rawsts diagnose` runs: the emulator
// builds an internal/diagnose Input from its state — the role's trust policy and maximum
// session, the account's OIDC providers, the request — with the token's signature verified
// against its issuers through the in-process transport, and answers the first failing check
// with the error STS gives for it (diagnose's Report.STSError: InvalidIdentityToken,
// ExpiredTokenException, AccessDenied, ValidationError, with STS's messages and statuses). The
// request's parameters are checked first with the client's own validation
// ([sts.AssumeRoleWithWebIdentityInput.Validate]). A role the account does not have is refused
// like a trust policy that says no; a role in another account meets that account's providers,
// of which there are none. OAuth 2.0 access tokens (ProviderId) are rejected: the emulator is
// no Login with Amazon.
//
// The signed calls — GetCallerIdentity, AssumeRole, GetSessionToken, GetAccessKeyInfo,
// DecodeAuthorizationMessage — are
// verified with [sigv4.Verify] against the keys the emulator knows: the IAM users' and every
// session it issued. Failures get STS's codes and messages: SignatureDoesNotMatch (also for a
// clock more than five minutes off), InvalidClientTokenId, ExpiredToken (a session past its
// expiry, on every signed call), MissingAuthenticationToken. AssumeRole evaluates the target
// role's trust policy for the caller with package trustpolicy (Principal.AWS: the account, its
// root, the user's or the role's ARN) and, when the trust policy names only the account, the
// caller's own identity policies as well (they must allow sts:AssumeRole on the role, as
// within one account on AWS; an explicit deny in them refuses in any case), caps role
// chaining at an hour and refuses with AccessDenied "User: ARN is not authorized to perform:
// sts:AssumeRole on resource: ROLE" (with "because no identity-based policy allows the
// sts:AssumeRole action" when the identity policies said no).
//
// An EKS token's request — GetCallerIdentity presigned in the query, sent by the cluster with
// x-k8s-aws-id and Accept: application/json — is verified the same way, good for 15 minutes
// after its X-Amz-Date as STS has it, and answered in STS's JSON; POST /eks/CLUSTER/authenticate
// is that cluster's authenticator (a TokenReview in, the user out), package eks's Verifier
// sending the token's request to this server in process.
//
// Every session remembers its role and the session policies it was made with, so that the
// permission side can authorize its calls with trustpolicy.Authorize (the role's permission
// policies are looked up at each call, as IAM does).
//
// # Permissions, S3 and EC2
//
// The resource side answers Amazon S3 ListBuckets and ListObjectsV2 (REST, path style as
// --endpoint-url makes the AWS CLI send them, or Host BUCKET.localhost) on the config's
// buckets, and Amazon EC2 DescribeInstances, StartInstances and StopInstances (Query protocol)
// on its instances. Each call is SigV4-verified (S3's rules for S3; 15 minutes of clock skew,
// as both services allow) and authorized with trustpolicy.Authorize against the caller's
// identity policies — a role session's role policies intersected with its session policies,
// an IAM user's own inline and managed policies — in a request context built as IAM builds it
// (aws:PrincipalArn, aws:userid, aws:SourceIp, aws:RequestedRegion, s3:prefix …). Refusals are
// the services': S3's AccessDenied "User: ARN is not authorized to perform: s3:ListBucket on
// resource: "arn:aws:s3:::BUCKET" because no identity-based policy allows the s3:ListBucket
// action", its signature errors (SignatureDoesNotMatch with the string to sign,
// InvalidAccessKeyId, ExpiredToken, RequestTimeTooSkewed), NoSuchBucket; EC2's
// UnauthorizedOperation "You are not authorized to perform this operation. User: …",
// AuthFailure and RequestExpired. StartInstances and StopInstances refusals carry an encoded
// authorization failure message, sealed with a key of the server's own, which STS
// DecodeAuthorizationMessage decodes for a caller allowed sts:DecodeAuthorizationMessage (the
// default user Alice is, through her policy [AdminPolicy]).
//
// Tests can instead supply their own STS handler ([WithHandler]) or replay recorded exchanges
// from testdata/fixtures/sts ([WithFixtureFiles]).
//
// # IAM
//
// Signed requests whose credential scope names the service iam go to the account's IAM (Query
// API 2010-05-08, replies in IAM's namespace, policy documents URL-encoded as IAM returns
// them): CreateOpenIDConnectProvider, GetOpenIDConnectProvider, ListOpenIDConnectProviders,
// UpdateOpenIDConnectProviderThumbprint, DeleteOpenIDConnectProvider, CreateRole (Path,
// AssumeRolePolicyDocument, MaxSessionDuration, Description, Tags), GetRole, ListRoles,
// DeleteRole, UpdateAssumeRolePolicy, PutRolePolicy, GetRolePolicy, DeleteRolePolicy,
// AttachRolePolicy and DetachRolePolicy (the AWS managed policies trustpolicy holds; another
// ARN is NoSuchEntity). They change the state STS decides with, so a setup script, the AWS CLI
// or `rawsts diagnose --fetch` work against the emulator as against IAM. Parameters are
// checked with the constraints of IAM's model (ValidationError), trust and permission
// policies with package trustpolicy (MalformedPolicyDocument: a trust policy with Resource is
// "Has prohibited field Resource"), names against the state (EntityAlreadyExists,
// NoSuchEntity "The role with name X cannot be found.") and IAM's quotas (LimitExceeded, and
// InvalidInput for a sixth thumbprint). A provider's URL is https without port, query or
// fragment, or the URL of one of the emulator's own issuers (http://127.0.0.1:PORT/…), kept as
// ${EMULATOR}/… so that a snapshot works on another port; trust policies naming the server's
// host keep ${EMULATOR_HOST} likewise. IAM takes signatures for us-east-1 only; the emulator
// takes any region, since a client given --endpoint-url signs with its own.
//
// The IAM and Cognito admin calls are authorized with trustpolicy.Authorize after the
// signature: a role session may do what its role's permission policies (intersected with its
// session policies) allow — ReadOnlyAccess allows iam:Get*, iam:List* and cognito-idp:List*,
// AmazonS3ReadOnlyAccess nothing of IAM's or Cognito's — and is otherwise refused with
// AccessDenied (IAM) or AccessDeniedException (Cognito), "User: ARN is not authorized to
// perform: ACTION on resource: ARN because no identity-based policy allows the ACTION action".
// The identity policies of IAM users are not modelled: the users of a config are its
// administrators, allowed every call. Every admin call is an [Event] of the event log (service,
// action, principal, decision), never with a password, secret or token.
//
// # Cognito user pools
//
// Requests whose X-Amz-Target starts with AWSCognitoIdentityProviderService. go to the pools:
// InitiateAuth (USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH), RespondToAuthChallenge
// (PASSWORD_VERIFIER checked with [cognitoauth.SRPServer], NEW_PASSWORD_REQUIRED for a user in
// FORCE_CHANGE_PASSWORD) and AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH, SigV4-verified
// against the IAM users' keys), as far as the app client's ExplicitAuthFlows allow, with
// SECRET_HASH enforced for clients with a secret. They mint ID tokens (aud the app client id,
// token_use id, cognito:username, sub, the user's attributes) and access tokens with the pool's
// issuer.
//
// The pools are also built and changed with the calls a setup script makes, signed (service
// cognito-idp) and authorized as IAM's are: CreateUserPool (PoolName; Policies.PasswordPolicy,
// Cognito's default when absent, enforced on every password set afterwards, the new password
// of NEW_PASSWORD_REQUIRED included; UsernameAttributes and AliasAttributes are refused, users
// sign in with their username), CreateUserPoolClient (GenerateSecret returns the ClientSecret;
// ExplicitAuthFlows, Cognito's default ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH and
// ALLOW_CUSTOM_AUTH when none are given, enforced at login), AdminCreateUser (a user in
// FORCE_CHANGE_PASSWORD; MessageAction SUPPRESS or RESEND — the emulator sends no message
// either way), AdminSetUserPassword (Permanent), AdminConfirmSignUp, AdminGetUser and
// ListUsers (Filter, Limit, PaginationToken). Unsigned, as on AWS: SignUp (an UNCONFIRMED user;
// SecretHash for a client with a secret), ConfirmSignUp, whose code is always
// [ConfirmationCode] since the emulator delivers no email, and GetUser (a pool's access token,
// verified with the pool's key). Refusals are Cognito's: UsernameExistsException,
// InvalidPasswordException "Password did not conform with password policy: …",
// UserNotFoundException, ResourceNotFoundException, InvalidParameterException,
// CodeMismatchException, NotAuthorizedException "Invalid Access Token".
//
// # Cognito identity pools
//
// Requests whose X-Amz-Target starts with AWSCognitoIdentityService. go to the identity pools
// of the config ([IdentityPool]: the user pool app clients and IAM OIDC providers they accept,
// a developer provider, the authenticated and unauthenticated roles, role mappings by rules on
// the token's claims or by its cognito:preferred_role and cognito:roles). GetId verifies each
// login as Cognito does — the Logins key is the token's iss without its scheme (for the
// emulator's pools ${EMULATOR_HOST}/POOL_ID, where Cognito's are
// cognito-idp.REGION.amazonaws.com/POOL_ID), the signature against the issuer's keys in
// process, not expired, the aud an app client the pool lists — and gives the same identity to
// the same login (the identities are in [Server.Snapshot]); without a login, a guest identity
// when the pool allows them. GetOpenIdToken (the basic flow; refused when AllowClassicFlow is
// false) mints a 10-minute token with the issuer [CognitoIdentityIssuer], served in process
// like the outside-URL issuers, so the emulator's STS verifies it as AWS's does: aud the pool,
// sub the identity, amr "authenticated" and the login's provider, or "unauthenticated"; the
// role trusts cognito-identity.amazonaws.com, a provider IAM knows without an OIDC provider
// object. GetCredentialsForIdentity (the enhanced flow) chooses the role and assumes it with
// the decision STS makes for AssumeRoleWithWebIdentity on such a token (the same evaluator),
// so a trust policy with the identity pools' classic mistakes — aud the user pool's client id,
// amr of the other kind of identity — is refused with InvalidIdentityPoolConfigurationException
// as Cognito refuses it. GetOpenIdTokenForDeveloperIdentity is signed (cognito-identity) and
// authorized (cognito-identity:GetOpenIdTokenForDeveloperIdentity on the pool's ARN). The
// messages are those seen in public reports (see package cognitoidentity), the few without
// one marked unverified in the code. Every identity call is an [Event].
//
// # How the package is built (for those who extend it)
//
// One file per concept: config.go (the Config types), configload.go and configvalidate.go
// (reading and checking one), state.go (the state behind one mutex: a Config as the truth, an
// immutable parsed view rebuilt after each change, every change through one validated update),
// issuer.go and transport.go (issuers and the in-process transport), auth.go (the services
// every protocol shares and the SigV4 authentication of every signed call), permissions.go (the
// policies a session's calls are authorized against: services.authorize for S3 and EC2, and
// allowed, the authorization step of an IAM or Cognito admin call), keys.go (sessions), tls.go
// (the certificates of StartTLS), log.go (WithLog's lines and scrub), then one file per
// protocol: sts.go, signed.go, cognito.go, cognito_auth.go, cognito_admin.go and
// cognito_users.go, identitypool.go (with identitypool_config.go and identitypool_state.go),
// iam.go (with iam_providers.go, iam_roles.go, iam_xml.go), replay.go, s3.go,
// ec2.go and authmsg.go (encoded authorization messages and DecodeAuthorizationMessage). The
// server routes a request by its X-Amz-Target prefix (JSON protocols), by its path (issuers),
// then by the service of its SigV4 credential scope (sts, iam, s3, ec2); unsigned S3 and EC2
// requests go to those services, which refuse them. A new protocol is a handler that embeds the
// shared services and is added to those routes; it authorizes with services.authorize or
// services.allowed (permissions.go).
//
// # Bounds
//
// A server may run for long (rawsts emulator runs until interrupted), so it remembers little:
// [Server.Requests] keeps the last 1000 requests, and a session's key is forgotten an hour after
// the session expires (until then a call with it gets ExpiredToken, afterwards
// InvalidClientTokenId, as for any unknown key).
//
// ststest is not a security boundary and not a complete AWS: the credentials it returns are
// random per session in the shape of AWS's documented EXAMPLE keys (an access key id
// ASIA…EXAMPLE, a secret ending in EXAMPLEKEY) and open nothing anywhere, only the operations
// named here exist, and the server listens on 127.0.0.1 (plain HTTP unless started with TLS).
// Plain-http issuers on loopback are what AWS would refuse; jwtinspect, diagnose and the
// emulator accept them alike as the local emulator's exception, with a warning
// (iss-http-loopback); a TLS server needs no exception. Do not use it outside tests, examples
// and demos, and never where others can reach it.
package ststest
