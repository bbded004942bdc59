// Package idtoken gets OpenID Connect ID tokens — the JWTs STS's AssumeRoleWithWebIdentity
// exchanges for credentials — from wherever a job or a pod finds them, behind one interface
// shaped like oauth2's TokenSource: [Source], whose Token returns a fresh token each call.
//
// The sources:
//
//   - [File]: a file read at every call (Kubernetes and EKS rotate the projected token file).
//   - [Env] and [Static]: a variable read at every call, or a token given once.
//   - [Command]: the standard output of a program run without a shell, bounded, with a
//     timeout.
//   - [GitHubActions]: the Actions runtime's ID-token endpoint
//     (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, which GitHub sets only
//     for jobs with `permissions: id-token: write`), with the audience asked for.
//   - [GitLabFromEnv]: the variable a job's `id_tokens:` names.
//   - [CircleCIFromEnv]: CIRCLE_OIDC_TOKEN_V2, else CIRCLE_OIDC_TOKEN.
//   - [Buildkite]: the agent API's OIDC token request for the running job, with the audience
//     asked for.
//   - [Cognito]: a login to an Amazon Cognito user pool, then its refresh token.
//   - [Detect] picks one of these from the environment (which CI runs the job, or an EKS
//     token file) and says which it chose.
//
// Every HTTP request goes through the rules of rawsts's other clients: no redirect followed,
// a timeout, a bounded reply. Tokens and the secrets that fetch them (the Actions request
// token, the Buildkite agent token, passwords and refresh tokens) never appear in an error:
// a reply or a transport error that echoes one is scrubbed first. Local failures — a variable
// not set, a file missing — wrap [ErrNoToken] and say what to set; a service's refusal or a
// reply that is not the service's is a [*ResponseError].
//
// Tokens are trimmed of surrounding blanks and line ends (a JWT never holds any, and a file
// written with echo ends in a newline that STS would refuse); the AWS SDKs send a token file's
// bytes as they are.
//
// It is not an OIDC client: it does not verify tokens (package jwtinspect decodes and checks
// them), cache them (package creds caches the credentials bought with them), or speak OAuth
// flows such as device code or client credentials.
package idtoken
