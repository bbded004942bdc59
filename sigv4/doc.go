// Package sigv4 signs, presigns and verifies HTTP requests with AWS Signature Version 4
// (AWS4-HMAC-SHA256), using only the standard library.
//
// Signing takes four steps, and [Signature] keeps the result of each so that a failed
// signature can be debugged line by line:
//
//  1. The canonical request: the method, the canonical URI, the canonical query string, the
//     canonical headers (lower-case names, sorted, values trimmed with inner runs of spaces
//     folded to one, repeated headers joined by "," in arrival order), the list of signed
//     header names joined by ";", and the hex SHA-256 of the payload, one per line.
//  2. The string to sign: "AWS4-HMAC-SHA256", the time as 20060102T150405Z, the credential
//     scope date/region/service/aws4_request, and the hex SHA-256 of the canonical request.
//  3. The signing key: HMAC-SHA256 chained from "AWS4"+secret over the date, the region, the
//     service and "aws4_request". [Signer] caches it per (secret, date, region, service).
//  4. The signature: the lower-case hex HMAC-SHA256 of the string to sign under that key,
//     sent in the Authorization header ([Signer.SignHTTP]) or as the X-Amz-Signature query
//     parameter of a presigned URL ([Signer.PresignHTTP]).
//
// [Verify] is the server side of the same algorithm: it recomputes the signature of a
// received request and says what differed when it does not match. The rawsts emulator uses
// it; so can any test server.
//
// # The URI path
//
// The canonical URI starts from the path as it goes on the wire: r.URL.Opaque when set
// (net/http sends it verbatim), else r.URL.EscapedPath(). For every service but S3 that
// wire path is normalised (empty and "." segments dropped, ".." applied, a trailing slash
// kept) and then percent-encoded again, so a wire path /a%20b canonicalises to /a%2520b.
// For S3 the path is encoded exactly once and never normalised: each segment is
// percent-decoded and re-encoded with the unreserved set A-Z a-z 0-9 - _ . ~. Service "s3"
// selects the S3 rules by itself; [Signer.DisableURIPathEscaping] and
// [Signer.DisableURIPathNormalization] select them for any other service.
//
// # Which headers are signed
//
// Host and X-Amz-Date always; X-Amz-Security-Token when the credentials carry one (unless
// [Signer.UnsignedSessionToken]); X-Amz-Content-Sha256 for S3 (or with
// [Signer.AddPayloadHashHeader]); Content-Length when r.ContentLength > 0; and every other
// header the request carries except User-Agent, X-Amzn-Trace-Id, Expect, Authorization and
// Transfer-Encoding, which proxies and transports are known to add or rewrite. This is the
// same choice aws-sdk-go-v2 makes, so both sign the same request the same way.
//
// # What it is not for
//
// This package does not send requests, read the shared config or credentials files, refresh
// or assume credentials ([CredentialsFromEnv] reads the environment's static keys, when the
// caller passes it a getenv; package creds does the rest), sign streaming (chunked) S3
// uploads, or implement SigV4a (ECDSA). The Signature and
// Verified values include the canonical request, which contains the session token when one
// was signed: treat them as secret and do not log them.
package sigv4
