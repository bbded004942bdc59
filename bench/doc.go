// Package bench holds side-by-side checks and benchmarks of rawsts's sigv4 against the
// AWS SDK for Go v2's v4 signer. It is its own module so that the SDK is a dependency of
// these tests only, never of rawsts itself. It is not for import: it has no API.
package bench
