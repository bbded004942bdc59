// Package json11 is the one small layer every rawsts client of an AWS JSON 1.1 service
// shares (Cognito user pools in cognitoauth, Cognito identity pools in cognitoidentity): it
// POSTs a JSON body with Content-Type application/x-amz-json-1.1 and the X-Amz-Target
// PREFIX.Operation header, signs it through a hook when the call is signed, retries transient
// failures with internal/retry, reads the reply through the 1 MiB cap of internal/httpx, and
// decodes it strictly ([DecodeReply]) or as the protocol's error ([DecodeError]): an
// [*APIError] for a body with an error type, a [*ResponseError] for a reply that is not the
// protocol's shape.
//
// The error rules are those of the awsJson1_1 protocol (PROTOCOL.md §4.1): the type is the
// X-Amzn-Errortype header, else the body's __type, else its code, with any namespace
// ("aws.cognito#") and suffix (":http://internal…") removed; the message is "message", else
// "Message". A caller keys on the type, never on the status, since Cognito answers
// NotAuthorizedException with 400 where its model says 403.
//
// Every error's text hides the secrets the request and the reply carried, by value and in
// any encoding (see [httpx.Secrets]), before anything is cut to [SnippetSize]; server text is
// kept as sent (the public error types escape it onto one line).
//
// It is internal because its types are only useful through the public types of the packages
// that speak a JSON 1.1 API (cognitoauth.APIError, cognitoidentity.APIError), which add their
// own advice. It is not an SDK: no endpoint resolution, no shape model, no pagination.
package json11
