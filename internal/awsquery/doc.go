// Package awsquery is the one small layer every AWS Query-protocol client in rawsts shares
// (STS, and the IAM calls that diagnose makes): it POSTs a form with Action and Version,
// retries transient failures with internal/retry, reads the reply through the 1 MiB cap of
// internal/httpx, and decodes it with etree into a [Result] (the {Action}Result element and
// the request id) or a typed error: [*APIError] for an ErrorResponse, [*ResponseError] for a
// reply that is not the protocol's shape.
//
// Signing is a hook ([Client.Sign]); this package knows nothing about SigV4. Operation
// parameters and result fields are the caller's business: [Node] offers small typed readers
// (required and optional strings, ints and times) that turn a missing element into a
// [*ResponseError] naming the element path.
//
// It is not a general AWS SDK: there is no endpoint resolution, no credential chain, no
// paginator and no shape model. It is internal because its types are only useful through the
// public aliases of the packages that speak a Query API (sts.APIError, sts.ResponseError).
package awsquery
