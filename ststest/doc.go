// Package ststest runs a local AWS STS on a loopback port, for tests and demos, the way
// net/http/httptest runs an HTTP server. A [Server] answers the STS Query protocol at its root
// and plays an OpenID Connect issuer under /oidc ([Issuer]) that mints ID tokens the emulated
// STS accepts, and plays Amazon Cognito user pools ([WithCognitoUser]): requests whose
// X-Amz-Target starts with AWSCognitoIdentityProviderService. go to the emulated pools. Each
// protocol lives in its own file behind one mux.
//
// The emulated user pools answer InitiateAuth (USER_SRP_AUTH, USER_PASSWORD_AUTH,
// REFRESH_TOKEN_AUTH), RespondToAuthChallenge (PASSWORD_VERIFIER, checked with
// [cognitoauth.SRPServer]) and AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH, its SigV4 signature
// checked with [sigv4.Verify] against AWS's EXAMPLE key AKIAIOSFODNN7EXAMPLE), enforce
// SECRET_HASH for clients with a secret ([WithCognitoClientSecret]), and mint ID tokens (aud =
// the app client id, token_use id, cognito:username, sub) and access tokens (client_id,
// token_use access) with the server's [Issuer]. They have no MFA, no new-password challenge, no
// sign-up and no user administration.
//
// By default the server emulates AssumeRoleWithWebIdentity: it checks the form with the same
// validation the client runs before sending ([sts.AssumeRoleWithWebIdentityInput.Validate]),
// so the emulator and the client cannot disagree about what is valid, decodes the token's
// claims with [jwtinspect.Decode] and answers the documented response shape with fresh session credentials in the
// shape of AWS's EXAMPLE keys (ASIA…EXAMPLE, a secret ending in EXAMPLEKEY), unique per session.
//
// It also answers the signed calls GetCallerIdentity, AssumeRole (role chaining included, capped
// at an hour as STS caps it), GetSessionToken and GetAccessKeyInfo. Each request's signature
// is checked with sigv4.Verify against the keys the emulator knows: every session it issued
// (access key, secret, session token, identity, expiry) and the documented long-term key of
// the IAM user Alice ([UserAccessKeyID], [UserSecretAccessKey]). Failures get STS's codes and
// messages: SignatureDoesNotMatch (also for a clock more than five minutes off),
// InvalidClientTokenId (unknown key or wrong session token), ExpiredToken (a session past its
// expiry), MissingAuthenticationToken (no signature). Tests can instead
// supply their own STS handler ([WithHandler]) or replay recorded exchanges from
// testdata/fixtures/sts ([WithFixtureFiles]).
//
// The emulated STS does not verify token signatures yet, nor check expiry, audience or a trust
// policy: any well-formed JWT is accepted. A later version checks the token against the issuer
// and a trust policy, reusing jwtinspect and trustpolicy.
//
// A server may run for long (rawsts emulator runs until interrupted), so it remembers little:
// [Server.Requests] keeps the last 1000 requests, and a session's key is forgotten an hour after
// the session expires (until then a call with it gets ExpiredToken, afterwards
// InvalidClientTokenId, as for any unknown key).
//
// ststest is not a security boundary and not a complete AWS: the credentials it returns are
// random per session in the shape of AWS's documented EXAMPLE keys (an access key id
// ASIA…EXAMPLE, a secret ending in EXAMPLEKEY) and open nothing anywhere, only the operations
// named here exist, and the server listens on 127.0.0.1 over plain HTTP. Do not use it outside
// tests, examples and demos.
package ststest
