package ststest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sigv4"
)

// services is what every emulated protocol shares: the clock, the state (IAM, Cognito,
// resources), the sessions issued, the issuers and the verifier that reaches them in process.
// A protocol's handler embeds it (emulator for STS, cognitoEmulator for Cognito user pools).
type services struct {
	now      func() time.Time
	state    *state
	keys     *keyring
	issuers  *issuerRegistry
	verifier *jwtinspect.Verifier
	logEvent func(Event)    // WithEventLog's function, or nil
	exchange *exchangeState // collects the events of the request at hand for WithExchanges, or nil
	messages messageBox     // seals the encoded authorization messages of refusals (authmsg.go)
	started  time.Time      // when the server was made: the time of config objects that name none
}

// errSessionExpired is authenticate's error for a session past its expiry.
var errSessionExpired = errors.New("ststest: the session has expired")

// authenticate verifies a signed request with sigv4.Verify against every key the emulator
// knows — the IAM users' long-term keys in the state and the sessions it issued — for
// service (sts, iam, ec2, s3, cognito-idp …) and, when not empty, region, and returns the
// caller. body is the request body, already read. A failure is sigv4's error (wrapping an
// Err* sentinel) or errSessionExpired; stsAuthFailure words it as STS and IAM do, and a
// protocol with other words (Cognito) maps it itself. Every signed call of every protocol
// goes through here, so an expired session gets ExpiredToken everywhere.
func (sv *services) authenticate(r *http.Request, body []byte, service, region string) (identity, error) {
	caller, _, err := sv.authenticateWith(r, body, sigv4.VerifyOptions{Service: service, Region: region})
	return caller, err
}

// authenticateWith is authenticate with sigv4's options in full (S3 and EC2 allow 15 minutes of
// clock skew, not five) and sigv4's account of the signature: on ErrSignatureMismatch the
// *Verified holds the string to sign and canonical request the emulator computed, which S3
// sends back in its SignatureDoesNotMatch.
func (sv *services) authenticateWith(r *http.Request, body []byte, opts sigv4.VerifyOptions) (identity, *sigv4.Verified, error) {
	now := sv.now().UTC()
	v := sv.state.view()
	var caller identity
	lookup := func(akid string) (sigv4.Credentials, error) {
		if u, ok := v.users[akid]; ok {
			caller = identity{creds: sigv4.Credentials{AccessKeyID: akid, SecretAccessKey: u.secret},
				account: v.account, arn: u.arn, userID: u.id}
			return caller.creds, nil
		}
		id, ok := sv.keys.lookup(akid)
		if !ok {
			return sigv4.Credentials{}, errors.New("ststest: no such key")
		}
		caller = id
		return id.creds, nil
	}
	verified, err := sigv4.Verify(r, body, lookup, now, opts)
	if err != nil {
		return identity{}, verified, err
	}
	if !caller.expires.IsZero() && !now.Before(caller.expires) {
		return identity{}, verified, errSessionExpired
	}
	return caller, verified, nil
}

// AWS's messages for the signature and key failures of signed Query calls (PROTOCOL.md 1.7,
// ANCHORS.md (c) row 20).
const (
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgInvalidToken      = "The security token included in the request is invalid."
	msgExpiredToken      = "The security token included in the request is expired"
	msgMissingAuth       = "Request is missing Authentication Token"
)

// stsAuthFailure words an authenticate error as STS (and the other Query services, IAM and
// EC2's Query front end) answer it: status, code and message.
func stsAuthFailure(err error, r *http.Request, service string, now time.Time) (int, string, string) {
	reason := verifyReason(err)
	switch {
	case errors.Is(err, errSessionExpired):
		return http.StatusBadRequest, "ExpiredToken", msgExpiredToken
	case errors.Is(err, sigv4.ErrNotSigned):
		return http.StatusForbidden, "MissingAuthenticationToken", msgMissingAuth
	case errors.Is(err, sigv4.ErrUnknownAccessKey), errors.Is(err, sigv4.ErrTokenMismatch):
		return http.StatusForbidden, "InvalidClientTokenId", msgInvalidToken
	case errors.Is(err, sigv4.ErrDateSkew):
		date := r.Header.Get("X-Amz-Date")
		if date == "" {
			date = r.URL.Query().Get("X-Amz-Date") // presigned
		}
		return http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)",
			date, now.Add(-sigv4.DefaultMaxSkew).Format(sigv4.TimeFormat), now.Format(sigv4.TimeFormat))
	case errors.Is(err, sigv4.ErrScopeMismatch):
		return http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to correct service: '" + service + "'. (" + reason + ")"
	case errors.Is(err, sigv4.ErrMalformed), errors.Is(err, sigv4.ErrHeaderNotSigned):
		return http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to AWS standards: " + reason
	}
	return http.StatusForbidden, "SignatureDoesNotMatch", msgSignatureMismatch
}

// verifyReason is what differed in a failed authentication: sigv4's Reason, or the error.
func verifyReason(err error) string {
	var ve *sigv4.VerifyError
	if errors.As(err, &ve) {
		return ve.Reason
	}
	return err.Error()
}

// signingService returns the service of a request's SigV4 credential scope (the Authorization
// header's Credential=AKID/DATE/REGION/SERVICE/aws4_request, or X-Amz-Credential in the
// query), "" for an unsigned request. The server routes signed requests by it.
func signingService(r *http.Request) string { return credentialScope(r)[3] }

// signingRegion returns the region of a request's credential scope, "" for an unsigned request:
// aws:RequestedRegion.
func signingRegion(r *http.Request) string { return credentialScope(r)[2] }

// credentialScope returns the five parts of a request's credential scope, all "" when the
// request has none.
func credentialScope(r *http.Request) [5]string {
	cred := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		if i := strings.Index(auth, "Credential="); i >= 0 {
			cred, _, _ = strings.Cut(auth[i+len("Credential="):], ",")
		}
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	var out [5]string
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) == 5 {
		copy(out[:], parts)
	}
	return out
}

// accessKeyOf returns the access key id a request is signed with (the Credential of its
// Authorization header or X-Amz-Credential), "" for an unsigned request: who asked, for the
// log, when the signature did not verify.
func accessKeyOf(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		if i := strings.Index(auth, "Credential="); i >= 0 {
			cred, _, _ = strings.Cut(auth[i+len("Credential="):], ",")
		}
	}
	akid, _, _ := strings.Cut(strings.TrimSpace(cred), "/")
	return akid
}
