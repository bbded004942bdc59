// Package cognitoauth gets tokens from an Amazon Cognito user pool by speaking its JSON 1.1
// wire protocol by hand: InitiateAuth and RespondToAuthChallenge (unsigned), their Admin
// variants (signed with SigV4), the SRP-6a math of USER_SRP_AUTH, SECRET_HASH, and the
// challenges a login can meet (new password, TOTP, SMS and email codes, MFA choice).
//
// [Client.Login] runs a whole flow and returns [Tokens]. The lower-level calls
// ([Client.InitiateAuth], [Client.RespondToAuthChallenge], [Client.AdminInitiateAuth],
// [Client.AdminRespondToAuthChallenge]) and the SRP pieces ([NewSRP], [SRP.PasswordVerifier],
// [SecretHash], [Timestamp]) let a learner drive each step and see what travels.
// [SRPServer] is the user pool's side of the SRP math, for emulators and tests only (package
// ststest uses it).
//
// To get AWS credentials with STS's AssumeRoleWithWebIdentity, pass [Tokens.IdToken], not
// the access token: only the ID token carries the aud claim (the app client id) that an IAM
// OIDC trust policy checks. The access token has client_id instead of aud and is refused.
//
// It is not a Cognito SDK: no sign-up, no user administration, no device tracking
// (DEVICE_SRP_AUTH), no hosted-UI OAuth flows, no identity pools, no token verification (see
// package jwtinspect for that). It never reads environment variables by itself; the CLI calls
// [EndpointFromEnv]. Passwords, codes, tokens, sessions and the client secret never appear
// in its errors.
package cognitoauth
