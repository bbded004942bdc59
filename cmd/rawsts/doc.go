// Command rawsts gets temporary AWS credentials from OIDC tokens by speaking AWS STS and Amazon
// Cognito user pools over the raw wire protocol, without the AWS SDK, and explains locally why
// STS refuses a token.
//
// Usage:
//
//	rawsts COMMAND [flags] [arguments]
//	rawsts help [COMMAND]
//
// The documentation of each command is written once, in help/COMMAND.txt beside this file; the
// files are embedded in the binary and printed by `rawsts help COMMAND` and `rawsts COMMAND -h`.
//
// Exit codes: 0 success; 1 the service or the check said no; 2 usage or local validation error
// (nothing was sent); 3 transport failure.
//
// The program is a thin face over the packages of this module: flags → library → wire → typed
// result → output. main calls run with its streams, so that tests run every command in-process.
package main
