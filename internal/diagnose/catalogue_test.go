package diagnose_test

import (
	"testing"

	"github.com/rawsts/rawsts/internal/diagnose"
)

// TestExplainErrorCatalogue feeds every row of ANCHORS.md §(c) as people paste it (from STS
// XML, from rawsts or the AWS CLI, with other provider URLs, times and request ids).
func TestExplainErrorCatalogue(t *testing.T) {
	for _, tt := range []struct {
		text string
		row  int
	}{
		{"An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity", 1},
		{"rawsts: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity (RequestId feed79e7-df36-4b52-9b35-10273f1da2e3, HTTP 403)", 1},
		{"InvalidIdentityToken: Incorrect token audience", 2},
		{"No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com", 3},
		{"InvalidIdentityToken: No OpenIDConnect provider found in your account for https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE (RequestId 1, HTTP 400)", 3},
		{"Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements", 4},
		{"OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint", 5},
		{"ExpiredTokenException: Token expired: current date/time 1414191623 must be before the expiration date/time 1414191300", 6},
		{"Token expired: current date/time 1767225600 must be before the expiration date/time 1767222000", 6},
		{"The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)", 7},
		{"InvalidIdentityToken: The ID Token provided is not a valid JWT.", 7},
		{"ValidationError: Request ARN is invalid", 8},
		{"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 9},
		{"1 validation error detected: Value 'gha-deploy-octo-org-octo-repo-refs-heads-feature-very-long-branch-name' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64", 10},
		{"1 validation error detected: Value 'gha deploy/main' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", 10},
		{"AccessDenied: Not authorized to perform sts:TagSession", 11},
		{"User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: sts:SetSourceIdentity", 12},
		{"PackedPolicyTooLarge: Packed size of session tags consumes 112% of allotted space.", 13},
		{"IDPRejectedClaim: The identity provider (IdP) reported that authentication failed.", 14},
		{"IDPCommunicationError: The identity provider could not be reached. Retry the request.", 15},
		{"RegionDisabledException: STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.", 16},
		{"MalformedPolicyDocument: Syntax errors in policy.", 17},
		{"NotAuthorizedException: Invalid login token. Missing a required claim: aud", 18},
		{"Error: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable", 19},
		{"Error: Could not load credentials from any providers", 19},
		{"WebIdentityErr: failed to retrieve credentials", 19},
		{"An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired", 20},
		{"An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.", 20},
		{"SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.", 20},
		{"AccessDenied", 1},
	} {
		got, ok := diagnose.ExplainError(tt.text)
		if !ok || got.Row != tt.row {
			t.Errorf("ExplainError(%q) = row %d, %v; want row %d", tt.text, got.Row, ok, tt.row)
		}
	}
	if _, ok := diagnose.ExplainError("something else entirely"); ok {
		t.Errorf("ExplainError(unrelated) matched a row")
	}
}

// TestCatalogueRows: 20 rows, each with a stage, causes, a next step, and only known check names.
func TestCatalogueRows(t *testing.T) {
	seen := map[int]bool{}
	known := map[string]bool{}
	for _, n := range diagnose.CheckNames {
		known[n] = true
	}
	for _, e := range diagnose.Catalogue {
		seen[e.Row] = true
		if e.Stage == "" || len(e.Causes) == 0 || e.Next == "" || e.Message == "" {
			t.Errorf("row %d is incomplete: %+v", e.Row, e)
		}
		for _, c := range e.Checks {
			if !known[c] {
				t.Errorf("row %d names unknown check %q", e.Row, c)
			}
		}
		// Each row's own message finds the row.
		if got, ok := diagnose.ExplainError(e.Message); !ok || got.Row != e.Row {
			t.Errorf("ExplainError(%q) = row %d, %v; want row %d", e.Message, got.Row, ok, e.Row)
		}
	}
	for i := 1; i <= 20; i++ {
		if !seen[i] {
			t.Errorf("catalogue row %d is missing", i)
		}
	}
}
