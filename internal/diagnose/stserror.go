package diagnose

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
)

// STSError is the error STS answers for a refused AssumeRoleWithWebIdentity: the reverse of
// [ExplainError]. The emulator (package ststest) answers exactly this for the first failing
// check of its own diagnosis, so that `rawsts diagnose` and the emulator never disagree.
type STSError struct {
	// Code is the wire Code, e.g. "InvalidIdentityToken".
	Code string
	// Message is the wire Message. It never quotes the token.
	Message string
	// StatusCode is the HTTP status: 400, or 403 for AccessDenied.
	StatusCode int
	// Check is the check whose failure this is (one of the Check* constants); "" for a
	// request refused by [ValidationError] before any check ran.
	Check string
	// Row is the trust-failure catalogue's row of this error ([Catalogue]); 0 when it has
	// none.
	Row int
}

// Error returns "CODE: MESSAGE".
func (e *STSError) Error() string { return e.Code + ": " + e.Message }

// STS's messages. Sources: ANCHORS.md §(c) (the trust-failure catalogue, from issue threads
// and test fixtures), PROTOCOL.md §1.7, and the STS API model's documentation of each error
// shape; a message no source gives verbatim is marked unverified where it is used.
const (
	// MsgNotJWT is InvalidIdentityToken's message for a token that is not a JWT (catalogue
	// row 7, verbatim in issue threads).
	MsgNotJWT = "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
	// MsgIncorrectAudience is InvalidIdentityToken's message for an aud that is not in the
	// provider's ClientIDList (catalogue row 2, PROTOCOL.md §1.7).
	MsgIncorrectAudience = "Incorrect token audience"
	// MsgNoProvider starts InvalidIdentityToken's message when the role's account has no IAM
	// OIDC provider for the token's iss; the issuer follows (catalogue row 3, PROTOCOL.md §1.7).
	MsgNoProvider = "No OpenIDConnect provider found in your account for "
	// MsgNoVerificationKey is InvalidIdentityToken's message when the issuer's keys cannot be
	// fetched or hold no key for the token's kid (catalogue row 4; the two spaces after the
	// comma are on the wire, aws-sdk-rust#827, aws-sdk-php#1725).
	MsgNoVerificationKey = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	// MsgTokenNotValidated is InvalidIdentityToken's message for a signature that does not
	// verify with the issuer's key. Unverified: no source shows STS's wire text for this
	// case; this is the STS API model's documentation of InvalidIdentityTokenException.
	MsgTokenNotValidated = "The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token from the identity provider and then retry the request."
	// MsgAssumeRoleWithWebIdentity is AccessDenied's message for a trust-policy deny
	// (catalogue row 1).
	MsgAssumeRoleWithWebIdentity = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	// MsgTagSession is AccessDenied's message when the token carries session tags the trust
	// policy does not allow (catalogue row 11).
	MsgTagSession = "Not authorized to perform sts:TagSession"
	// MsgSetSourceIdentity is AccessDenied's message when the token sets a source identity
	// the trust policy does not allow. Unverified (catalogue row 12): written after row 11.
	MsgSetSourceIdentity = "Not authorized to perform sts:SetSourceIdentity"
	// MsgDurationExceedsMax is ValidationError's message for a DurationSeconds above the
	// role's MaxSessionDuration (catalogue row 9).
	MsgDurationExceedsMax = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	// MsgIDPRejectedClaim is IDPRejectedClaim's message (403, catalogue row 14). Unverified:
	// this is the STS API model's documentation of IDPRejectedClaimException.
	MsgIDPRejectedClaim = "The identity provider (IdP) reported that authentication failed. This might be because the claim is invalid."
	// MsgInvalidRoleARN is ValidationError's message for a RoleArn that is not a role's
	// (catalogue row 8).
	MsgInvalidRoleARN = "Request ARN is invalid"
)

// Causes of failing checks that are not jwtinspect codes or verify steps.
const (
	causeRoleARN = "role-arn"      // provider.arn: the role ARN itself is invalid
	causeOverMax = "over-max-role" // request.duration: above the role's MaxSessionDuration
)

// stsRank orders failing checks the way STS meets them: the request's parameters first (the
// service front end validates them before anything else), then the token's shape and
// algorithm, then the IAM OIDC provider looked up by iss in the role's account and its
// audiences, then the issuer's keys and the signature, then the token's times, then the
// role's MaxSessionDuration, then the trust policy. STS does not document its order; this one
// follows the catalogue's stages (a token from an issuer the account has no provider for gets
// "No OpenIDConnect provider found" whatever its keys, catalogue row 3) and, within token
// validation, the order JWT libraries verify in (signature before claims). It matters only
// when several checks fail at once.
func stsRank(c *Check) int {
	switch c.Name {
	case CheckSessionName, CheckProviderARN:
		return 0
	case CheckDuration:
		if c.cause != causeOverMax {
			return 0
		}
		return 8
	case CheckTokenFormat:
		return 1
	case CheckTokenAlg:
		return 2
	case CheckProviderReg:
		return 3
	case CheckProviderAud:
		return 4
	case CheckTokenSignature:
		return 5
	case CheckProviderThumb:
		return 6
	case CheckTokenTimes:
		return 7
	case CheckTags:
		return 10
	case CheckSourceIdentity:
		return 11
	}
	return 9 // policy.parse … policy.deny
}

// STSError returns the error STS answers for this request: the failing check STS meets first
// (see the order above) mapped to its code, message and status, or nil when no check failed.
// A report whose verdict is not Deny has no STS error, though an Indeterminate one may still
// be refused by STS on a key a local diagnosis cannot know.
//
// The mapping, check by check (the message texts are the Msg constants):
//
//	token.format          InvalidIdentityToken 400, "The ID Token provided is not a valid JWT…" (row 7);
//	                      no iss: "Missing a required claim: iss" (unverified, row 18);
//	                      iss not https: "No OpenIDConnect provider found in your account for ISS"
//	                      (unverified: IAM registers https providers only, so none can match);
//	                      no aud: "Incorrect token audience" (unverified);
//	                      over 20000 characters: ValidationError 400 on webIdentityToken
//	token.alg             InvalidIdentityToken 400, not a valid JWT (row 7 names HS256 and none)
//	token.times           expired: ExpiredTokenException 400, "Token expired: current date/time
//	                      NOW must be before the expiration date/time EXP" in epoch seconds (row 6);
//	                      no exp, nbf or iat in the future: InvalidIdentityToken 400, the model's
//	                      "could not be validated" text (unverified)
//	token.signature       discovery, issuer, JWKS, kid, key: InvalidIdentityToken 400, "Couldn't
//	                      retrieve verification key…" (row 4); alg or signature: InvalidIdentityToken
//	                      400, the model's "could not be validated" text (unverified)
//	provider.arn          ValidationError 400, "Request ARN is invalid" (row 8)
//	provider.registered   InvalidIdentityToken 400, "No OpenIDConnect provider found in your account
//	                      for ISS" (row 3)
//	provider.audience     InvalidIdentityToken 400, "Incorrect token audience" (row 2)
//	provider.thumbprint   InvalidIdentityToken 400, row 5 (it never fails: only warns)
//	request.session-name  ValidationError 400 on roleSessionName (row 10), as [ValidationError]
//	request.duration      ValidationError 400: out of 900–43200 on durationSeconds; above the
//	                      role's maximum, "The requested DurationSeconds exceeds…" (row 9)
//	policy.*              AccessDenied 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity"
//	                      (row 1); policy.tags sts:TagSession (row 11); policy.source-identity
//	                      sts:SetSourceIdentity (row 12, unverified)
func (r *Report) STSError() *STSError {
	var first *Check
	for i := range r.Checks {
		c := &r.Checks[i]
		if c.Status == Fail && (first == nil || stsRank(c) < stsRank(first)) {
			first = c
		}
	}
	if first == nil {
		return nil
	}
	e := stsErrorFor(first.Name, first.cause, r.facts)
	e.Check = first.Name
	return e
}

// stsErrorFor maps a failing check and its cause to STS's error.
func stsErrorFor(check, cause string, f facts) *STSError {
	invalidToken := func(msg string, row int) *STSError {
		return &STSError{Code: "InvalidIdentityToken", Message: msg, StatusCode: http.StatusBadRequest, Row: row}
	}
	denied := func(msg string, row int) *STSError {
		return &STSError{Code: "AccessDenied", Message: msg, StatusCode: http.StatusForbidden, Row: row}
	}
	switch check {
	case CheckTokenFormat:
		switch cause {
		case jwtinspect.CodeNoIss:
			return invalidToken("Missing a required claim: iss", 18)
		case jwtinspect.CodeIssNotHTTPS:
			return invalidToken(MsgNoProvider+f.issuer, 3)
		case jwtinspect.CodeNoAud:
			return invalidToken(MsgIncorrectAudience, 2)
		case jwtinspect.CodeTokenTooLong:
			return ValidationError(&sts.InputError{Field: "WebIdentityToken", Problem: "Member must have length less than or equal to 20000"}, nil)
		}
		return invalidToken(MsgNotJWT, 7)
	case CheckTokenAlg:
		return invalidToken(MsgNotJWT, 7)
	case CheckTokenTimes:
		if cause == jwtinspect.CodeExpired {
			return &STSError{Code: "ExpiredTokenException", StatusCode: http.StatusBadRequest, Row: 6,
				Message: fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d", f.at.Unix(), f.exp.Unix())}
		}
		if cause == jwtinspect.CodeNonIntegerTime || cause == jwtinspect.CodeClaimType {
			return invalidToken(MsgNotJWT, 7)
		}
		return invalidToken(MsgTokenNotValidated, 0)
	case CheckTokenSignature:
		if cause == jwtinspect.StepAlg || cause == jwtinspect.StepSignature {
			return invalidToken(MsgTokenNotValidated, 0)
		}
		return invalidToken(MsgNoVerificationKey, 4)
	case CheckProviderARN:
		return &STSError{Code: "ValidationError", Message: MsgInvalidRoleARN, StatusCode: http.StatusBadRequest, Row: 8}
	case CheckProviderReg:
		return invalidToken(MsgNoProvider+f.issuer, 3)
	case CheckProviderAud:
		return invalidToken(MsgIncorrectAudience, 2)
	case CheckProviderThumb:
		return invalidToken("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint", 5)
	case CheckSessionName:
		return ValidationError(&sts.InputError{Field: "RoleSessionName", Problem: cause}, func(string) string { return f.sessionName })
	case CheckDuration:
		if cause == causeOverMax {
			return &STSError{Code: "ValidationError", Message: MsgDurationExceedsMax, StatusCode: http.StatusBadRequest, Row: 9}
		}
		return ValidationError(&sts.InputError{Field: "DurationSeconds", Problem: cause}, func(string) string { return strconv.Itoa(f.duration) })
	case CheckTags:
		return denied(MsgTagSession, 11)
	case CheckSourceIdentity:
		return denied(MsgSetSourceIdentity, 12)
	}
	return denied(MsgAssumeRoleWithWebIdentity, 1)
}

// ValidationError renders a request that STS refuses before it looks at the token or the role
// — err is what sts's Validate returned for the same input, usually an [*sts.InputError] — as
// STS's ValidationError (400). value returns the value sent for a field; it is quoted only for
// fields that hold no secret (RoleSessionName, DurationSeconds, ProviderId), as STS quotes
// them. The wording is STS's "1 validation error detected: Value 'V' at 'field' failed to
// satisfy constraint: …" (catalogue row 10), with the constraint in rawsts's words, and
// "Request ARN is invalid" for RoleArn (row 8) with rawsts's reason after it.
func ValidationError(err error, value func(field string) string) *STSError {
	e := &STSError{Code: "ValidationError", StatusCode: http.StatusBadRequest}
	var ie *sts.InputError
	if !errors.As(err, &ie) {
		e.Message = "1 validation error detected: " + err.Error()
		return e
	}
	field, member := ie.Field, "input"
	if field != "" {
		member = strings.ToLower(field[:1]) + field[1:]
	}
	switch field {
	case "RoleArn":
		e.Message, e.Row = MsgInvalidRoleARN+" ("+ie.Problem+")", 8
		return e
	case "RoleSessionName", "DurationSeconds", "ProviderId":
		v := ""
		if value != nil {
			v = value(field)
		}
		e.Message = fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", v, member, ie.Problem)
		if field == "RoleSessionName" {
			e.Row = 10
		}
		return e
	}
	e.Message = fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: %s", member, ie.Problem)
	return e
}
