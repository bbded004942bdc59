package trustpolicy

import (
	"embed"
	"sort"
	"strings"
)

// managedDocs holds AWS managed policies as data, one document per file named after the
// policy. The documents are those of PROTOCOL.md §11.4, taken from the IAMTrail dump of AWS
// managed policies (zoph-io/IAMTrail @ 7fc15059b490, 2026-08-22):
//
//   - AdministratorAccess, version v1: whole (Allow "*" on "*"), for an emulated administrator.
//   - AmazonS3ReadOnlyAccess, version v3 (2023-08-10): whole.
//   - ReadOnlyAccess, version v188 (2026-07-21): the three statements with their Sids, Effect
//     and Resource as published, but each Action list keeps only the actions of the services
//     rawsts emulates or is asked about — s3, s3-object-lambda, s3express, ec2, sts, iam,
//     cognito-idp and cognito-identity. The other ~2,850 actions (every other service) are
//     omitted: the published document is 150 kB and changes almost weekly, and an action of
//     another service could only ever match a request for that service. So for the services
//     kept, decisions are the published policy's; for others, this copy denies what the real
//     one allows.
//
//go:embed managed/*.json
var managedDocs embed.FS

// managedPrefix is the ARN prefix of AWS managed policies without a path.
const managedPrefix = "arn:aws:iam::aws:policy/"

// ManagedPolicyARN returns the ARN of the AWS managed policy with this name:
// arn:aws:iam::aws:policy/NAME.
func ManagedPolicyARN(name string) string { return managedPrefix + name }

// ManagedPolicyNames lists the AWS managed policies [ManagedPolicy] knows, sorted:
// AdministratorAccess, AmazonS3ReadOnlyAccess and ReadOnlyAccess.
func ManagedPolicyNames() []string {
	entries, _ := managedDocs.ReadDir("managed") // the embedded directory always exists
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}

// ManagedPolicyDocument returns the stored JSON document of an AWS managed policy, named by
// its name (ReadOnlyAccess) or its ARN (arn:aws:iam::aws:policy/ReadOnlyAccess); ok is false
// for a policy this package does not hold. Names are case-sensitive, as in ARNs. See
// [ManagedPolicy] for what the documents hold.
func ManagedPolicyDocument(nameOrARN string) (doc []byte, ok bool) {
	name := strings.TrimPrefix(nameOrARN, managedPrefix)
	if name == "" || strings.ContainsAny(name, "/.") {
		return nil, false
	}
	doc, err := managedDocs.ReadFile("managed/" + name + ".json")
	return doc, err == nil
}

// ManagedPolicy returns a freshly parsed copy of an AWS managed policy, named as for
// [ManagedPolicyDocument], ready to pass to [Authorize] as a [NamedPolicy] (with its ARN as
// the Name). The documents are AWS's as of a snapshot: AdministratorAccess whole (Allow "*"
// on "*"); AmazonS3ReadOnlyAccess whole
// (Allow s3:Get*, s3:List*, s3:Describe*, s3-object-lambda:Get*, s3-object-lambda:List* on
// "*"); ReadOnlyAccess with the actions of s3, s3-object-lambda, s3express, ec2, sts, iam,
// cognito-idp and cognito-identity only (among them ec2:Describe*, s3:Get*, s3:List*,
// sts:GetCallerIdentity) — the actions of every other service are omitted.
func ManagedPolicy(nameOrARN string) (*Policy, bool) {
	doc, ok := ManagedPolicyDocument(nameOrARN)
	if !ok {
		return nil, false
	}
	p, err := ParseIdentity(doc)
	if err != nil {
		return nil, false // TestManagedPolicies keeps every stored document parseable
	}
	return p, true
}
