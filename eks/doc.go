// Package eks makes and verifies Amazon EKS authentication tokens, the bearer tokens kubectl
// shows an EKS cluster: [NewToken] builds one exactly as `aws eks get-token` does, [Token.ExecCredential]
// prints it as kubectl's exec plugins answer, and [Verifier] checks one as the cluster's
// authenticator (aws-iam-authenticator) does, then asks STS who signed it.
//
// It is the token and nothing else: credentials come from the caller (package creds finds them
// as the AWS CLI does), the kubeconfig is the CLI's, and no Kubernetes API is spoken. It is not
// EKS Pod Identity, nor the EKS API (DescribeCluster, access entries).
//
// # The token on the wire
//
// A token is a presigned STS request that the cluster, not the client, sends. The client signs
//
//	GET https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15
//	x-k8s-aws-id: CLUSTER
//
// with SigV4 in query form ([sigv4.Signer.PresignHTTP]) for service sts in the endpoint's
// region: X-Amz-Algorithm=AWS4-HMAC-SHA256, X-Amz-Credential=AKID/DATE/REGION/sts/aws4_request,
// X-Amz-Date, X-Amz-Expires=60, X-Amz-SignedHeaders=host;x-k8s-aws-id, X-Amz-Security-Token
// for temporary credentials (signed, part of the canonical query), and X-Amz-Signature last.
// The payload hash is that of the empty body (e3b0c442…), not UNSIGNED-PAYLOAD. The endpoint is
// the STS endpoint rules' (package sts): regional by default (sts.us-east-1.amazonaws.com,
// sts.cn-north-1.amazonaws.com.cn), FIPS or dual-stack when asked, sts.amazonaws.com in the
// legacy global mode or with no region. The token is "k8s-aws-v1." followed by the whole URL in
// base64url without "=" padding.
//
// The plugin prints it in an ExecCredential whose status.expirationTimestamp is the signing
// time plus 14 minutes (%Y-%m-%dT%H:%M:%SZ) and whose apiVersion is the one the
// KUBERNETES_EXEC_INFO variable asks for, v1beta1 when it asks for none ([ExecAPIVersion]).
// kubectl keeps the token until then. STS itself accepts the presigned request for 15 minutes
// after X-Amz-Date, whatever X-Amz-Expires says ([ValidFor]; not in AWS's documentation,
// stated in aws-iam-authenticator's source).
//
// # The cluster's side
//
// The authenticator refuses, in this order and before sending anything ([Verifier.Check],
// [TokenError] names the step): a token over 4096 characters; one without the prefix; one
// that is not unpadded base64url; a scheme other than https; a host that is not an STS
// endpoint of its partition (since July 2025: one the endpoint rules give for the host's
// region, FIPS and dual-stack included, or sts.amazonaws.com in aws); a path other than "/";
// a query parameter outside Action, Version, X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-Expires, X-Amz-Security-Token, X-Amz-Signature and X-Amz-SignedHeaders (compared
// without case), one given twice in any case, or with two values; an Action other than
// GetCallerIdentity; x-k8s-aws-id missing from the signed headers; X-Amz-Expires outside
// 0..900; X-Amz-Date missing, malformed or more than 15 minutes old. Then it sends the URL,
// with its own cluster's name in x-k8s-aws-id and Accept: application/json, following no
// redirect, with a 10 second timeout. The cluster id is never compared locally: a token
// signed for another cluster fails STS's signature check (SignatureDoesNotMatch).
//
// Asked for JSON, STS answers
//
//	{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012","Arn":"arn:aws:sts::123456789012:assumed-role/Dev/s","UserId":"AROAEXAMPLE:s"},"ResponseMetadata":{"RequestId":"…"}}}
//
// and refuses with {"Error":{"Code":"SignatureDoesNotMatch","Message":"…","Type":"Sender"},"RequestId":"…"}.
// A role session's UserId is ROLEID:SESSION; the cluster maps the session's role,
// arn:aws:iam::ACCOUNT:role/NAME ([Identity].CanonicalARN), to a Kubernetes user.
//
// The local emulator (package ststest) answers the presigned request as STS does, and is an
// http host on loopback: [Verifier].AllowLoopback lets such a token through the scheme and
// host steps, an exception no cluster makes.
package eks
