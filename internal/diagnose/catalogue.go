package diagnose

import (
	"strings"
)

// The stages an STS error can come from.
const (
	StageToken    = "token validation (before the trust policy)"
	StagePolicy   = "trust-policy evaluation"
	StageRequest  = "request validation (before the token is looked at)"
	StageIdP      = "the identity provider"
	StageEndpoint = "the STS endpoint"
	StageClient   = "the client, before anything reached STS"
	StageSigned   = "a later signed call with the session's credentials"
)

// KnownError is one row of the trust-failure catalogue (ANCHORS.md §(c)): an STS message, the
// stage it comes from, why it usually happens, which checks explain it and what to run next.
type KnownError struct {
	// Row is the row number in the catalogue, 1–20.
	Row int `json:"row"`
	// Code is the STS error code ("" for messages from clients).
	Code string `json:"code"`
	// Message is the message as STS (or the client) prints it, or its start.
	Message string `json:"message"`
	// Stage is one of the Stage* constants.
	Stage string `json:"stage"`
	// Causes are the usual root causes.
	Causes []string `json:"causes"`
	// Checks are the diagnose checks that explain it.
	Checks []string `json:"checks,omitempty"`
	// Next says what to pass to rawsts diagnose (or do) next.
	Next string `json:"next"`

	// match are lower-case substrings; any one identifies the row.
	match []string
}

// Catalogue is every known STS refusal, in the catalogue's order.
var Catalogue = []KnownError{
	{Row: 11, Code: "AccessDenied", Message: "Not authorized to perform sts:TagSession", Stage: StagePolicy,
		Causes: []string{"the token carries session tags (https://aws.amazon.com/tags) and the trust policy does not allow sts:TagSession"},
		Checks: []string{CheckTags}, Next: "pass the token and --trust-policy; add sts:TagSession to the Action list",
		match: []string{"sts:tagsession"}},
	{Row: 12, Code: "AccessDenied", Message: "Not authorized to perform sts:SetSourceIdentity", Stage: StagePolicy,
		Causes: []string{"the token carries https://aws.amazon.com/source_identity and the trust policy does not allow sts:SetSourceIdentity"},
		Checks: []string{CheckSourceIdentity}, Next: "pass the token and --trust-policy; add sts:SetSourceIdentity to the Action list",
		match: []string{"sts:setsourceidentity", "source identity", "sourceidentity"}},
	{Row: 1, Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", Stage: StagePolicy,
		Causes: []string{
			"the sub condition expects another GitHub form (ref vs environment vs pull_request, or the immutable repo:ORG@ID/REPO@ID form)",
			"a wildcard under StringEquals (needs StringLike)",
			"a condition key written with https:// or as an ARN, or :aud and :sub swapped",
			"a condition on a claim STS provides no key for (…:iss, GitHub's :event_name or :repository_owner), which never matches",
			"Principal.Federated names another provider or account; the role and the provider are in different accounts",
			"Action is not sts:AssumeRoleWithWebIdentity, or a Deny statement matches",
		},
		Checks: []string{CheckPrincipal, CheckAction, CheckCondition, CheckDeny},
		Next:   "pass the token, --role-arn and --trust-policy (or --fetch); CloudTrail's subjectFromWebIdentityToken shows the sub STS saw",
		match:  []string{"not authorized to perform sts:assumerolewithwebidentity", "not authorized to perform"}},
	{Row: 2, Code: "InvalidIdentityToken", Message: "Incorrect token audience", Stage: StageToken,
		Causes: []string{"the token's aud is not in the IAM provider's ClientIDList (GitHub's default aud is the owner's URL unless sts.amazonaws.com is requested; a typo such as sts.amazon.com)"},
		Checks: []string{CheckProviderAud}, Next: "pass the token and --provider (get-open-id-connect-provider output) or --fetch",
		match: []string{"incorrect token audience"}},
	{Row: 3, Code: "InvalidIdentityToken", Message: "No OpenIDConnect provider found in your account for <issuer>", Stage: StageToken,
		Causes: []string{"no IAM OIDC provider whose URL is exactly the token's iss in the role's account", "a trailing '/' or a path that differs", "the provider is in another account", "the issuer changed (GHES, enterprise issuer)"},
		Checks: []string{CheckProviderARN, CheckProviderReg}, Next: "pass the token, --role-arn and --provider FILE for each provider of the account (or --fetch)",
		match: []string{"no openidconnect provider found"}},
	{Row: 4, Code: "InvalidIdentityToken", Message: "Couldn't retrieve verification key from your identity provider", Stage: StageToken,
		Causes: []string{"the discovery document or jwks_uri is not publicly reachable or takes over ~5 s", "the token's kid is not in the key set (rotation, stale copy)", "the discovery document lacks fields STS expects"},
		Checks: []string{CheckTokenSignature}, Next: "pass the token with --verify from a machine outside your network",
		match: []string{"couldn't retrieve verification key", "could not retrieve verification key", "retrieve verification key"}},
	{Row: 5, Code: "InvalidIdentityToken", Message: "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint", Stage: StageToken,
		Causes: []string{"the IdP's certificate does not chain to a public root CA and the provider's ThumbprintList is stale"},
		Checks: []string{CheckProviderThumb}, Next: "pass the token, --provider (or --fetch) and --verify to compute the current thumbprint",
		match: []string{"configured thumbprint", "thumbprint"}},
	{Row: 6, Code: "ExpiredTokenException", Message: "Token expired: current date/time … must be before the expiration date/time …", Stage: StageToken,
		Causes: []string{"a stale token (copied file, cached variable, long queue before use)", "clock skew (AWS documents no leeway; rawsts allows 5 minutes)"},
		Checks: []string{CheckTokenTimes}, Next: "pass the token with --at set to the time of the failed call; fetch a fresh token instead of retrying",
		match: []string{"token expired", "expiredtokenexception"}},
	{Row: 7, Code: "InvalidIdentityToken", Message: "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)", Stage: StageToken,
		Causes: []string{"an access token or opaque token instead of the ID token", "whitespace, a newline or a JSON wrapper around the token", "an alg STS does not accept (HS256, none)"},
		Checks: []string{CheckTokenFormat, CheckTokenAlg}, Next: "pass the token file exactly as it was sent",
		match: []string{"not a valid jwt"}},
	{Row: 8, Code: "ValidationError", Message: "Request ARN is invalid", Stage: StageRequest,
		Causes: []string{"RoleArn is not a role ARN: an OIDC-provider ARN pasted, an empty secret, a trailing newline or space, a bad partition"},
		Checks: []string{CheckProviderARN}, Next: "pass --role-arn exactly as it was sent",
		match: []string{"request arn is invalid"}},
	{Row: 9, Code: "ValidationError", Message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", Stage: StageRequest,
		Causes: []string{"DurationSeconds is above the role's MaxSessionDuration (default 3600)"},
		Checks: []string{CheckDuration}, Next: "pass --duration-seconds and get-role output as --trust-policy (or --fetch)",
		match: []string{"exceeds the maxsessionduration"}},
	{Row: 10, Code: "ValidationError", Message: "1 validation error detected: Value '…' at 'roleSessionName' failed to satisfy constraint", Stage: StageRequest,
		Causes: []string{"a session name longer than 64 characters, or with / or spaces (branch names, usernames)"},
		Checks: []string{CheckSessionName}, Next: "pass --session-name as it was sent",
		match: []string{"'rolesessionname'", "rolesessionname"}},
	{Row: 13, Code: "PackedPolicyTooLarge", Message: "Packed size of session tags consumes …% of allotted space", Stage: StageRequest,
		Causes: []string{"session tags from the token plus session policies exceed the packed limit, even under 50 tags"},
		Checks: []string{CheckTags}, Next: "pass the token to see its tags; drop tags or shorten their keys and values",
		match: []string{"packedpolicytoolarge", "packed size"}},
	{Row: 14, Code: "IDPRejectedClaim", Message: "The identity provider (IdP) reported that authentication failed", Stage: StageIdP,
		Causes: []string{"the IdP rejected the claim (invalid, expired or revoked), mostly SAML and OAuth 2.0 providers"},
		Next:   "re-authenticate with the identity provider and get a new token",
		match:  []string{"idprejectedclaim", "reported that authentication failed"}},
	{Row: 15, Code: "IDPCommunicationError", Message: "The identity provider could not be reached", Stage: StageIdP,
		Causes: []string{"a transient network problem or IdP outage"},
		Checks: []string{CheckTokenSignature}, Next: "retry with backoff (rawsts assume does); pass the token with --verify if it persists",
		match: []string{"idpcommunicationerror", "could not be reached"}},
	{Row: 16, Code: "RegionDisabledException", Message: "STS is not activated in this region for account", Stage: StageEndpoint,
		Causes: []string{"a regional endpoint for an opt-in or disabled region"},
		Next:   "use another --region or the global endpoint, or activate STS in that region in the IAM console",
		match:  []string{"regiondisabledexception", "not activated in this region"}},
	{Row: 17, Code: "MalformedPolicyDocument", Message: "Syntax errors in policy.", Stage: StageRequest,
		Causes: []string{"the inline session policy (--policy) is not valid policy JSON"},
		Next:   "check the --policy document; the trust policy is not involved",
		match:  []string{"malformedpolicydocument", "syntax errors in policy"}},
	{Row: 18, Code: "", Message: "Missing a required claim", Stage: StageToken,
		Causes: []string{"a token without iss, sub, aud or exp, usually an access token sent instead of the ID token"},
		Checks: []string{CheckTokenFormat}, Next: "pass the token; send the ID token",
		match: []string{"missing a required claim", "missing claim"}},
	{Row: 19, Code: "", Message: "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable (and other client-side errors)", Stage: StageClient,
		Causes: []string{"the workflow lacks permissions: id-token: write", "the token file path is wrong or unreadable", "AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE is not set"},
		Next:   "in GitHub Actions add `permissions: id-token: write`; check the token file and AWS_ROLE_ARN",
		match:  []string{"actions_id_token_request", "could not load credentials from any providers", "webidentityerr", "failed to retrieve jwt", "unable to read file at", "role arn is not set"}},
	{Row: 20, Code: "ExpiredToken", Message: "The security token included in the request is expired (also InvalidClientTokenId, SignatureDoesNotMatch)", Stage: StageSigned,
		Causes: []string{"the session's credentials expired (ExpiredToken is not ExpiredTokenException)", "clock skew", "a wrong secret key"},
		Next:   "assume the role again; for SignatureDoesNotMatch check the secret key and the clock",
		match:  []string{"security token included in the request is expired", "invalidclienttokenid", "signaturedoesnotmatch", "security token included in the request is invalid", "expiredtoken"}},
}

// ExplainError finds the catalogue row of an STS message (or CLI output quoting one): it
// matches stable substrings case-insensitively, so the provider URL, times and request ids may
// be anything. ok is false for a message it does not know.
func ExplainError(text string) (KnownError, bool) {
	t := strings.ToLower(text)
	for _, e := range Catalogue {
		for _, m := range e.match {
			if strings.Contains(t, m) {
				return e, true
			}
		}
	}
	// A bare code.
	for _, e := range Catalogue {
		if e.Code != "" && e.Code != "AccessDenied" && e.Code != "InvalidIdentityToken" && e.Code != "ValidationError" && strings.Contains(t, strings.ToLower(e.Code)) {
			return e, true
		}
	}
	if strings.Contains(t, "accessdenied") {
		return row(1), true
	}
	return KnownError{}, false
}

// row returns catalogue row n.
func row(n int) KnownError {
	for _, e := range Catalogue {
		if e.Row == n {
			return e
		}
	}
	return KnownError{}
}
