package trustpolicy

import (
	"fmt"
	"regexp"
	"strings"
)

// Lint codes of identity-pool roles, whose trust policy the Cognito Developer Guide ("Role
// trust and permissions") writes as Principal.Federated cognito-identity.amazonaws.com,
// StringEquals cognito-identity.amazonaws.com:aud = the identity pool id, and
// ForAnyValue:StringLike cognito-identity.amazonaws.com:amr = "authenticated" (or
// "unauthenticated"). amr compared with a plain operator (no ForAnyValue:) is
// CodeMultivaluedNeedsSetOp's, which covers every multivalued key.
const (
	// CodeIdentityPoolAud: cognito-identity.amazonaws.com:aud compared with a value that is
	// not an identity pool id (REGION:GUID), typically the user pool's app client id: the
	// token's aud is the identity pool id, so the condition never matches. [error]
	CodeIdentityPoolAud = "identity-pool-aud"
	// CodeIdentityPoolNoAud: an Allow for cognito-identity.amazonaws.com without an aud
	// condition trusts the identities of every identity pool, in every account; AWS's guide
	// requires the condition. [error]
	CodeIdentityPoolNoAud = "identity-pool-no-aud"
)

const cognitoIdentity = "cognito-identity.amazonaws.com"

// identityPoolID is the shape of an identity pool id (the model's IdentityPoolId pattern),
// with the wildcards a StringLike value may use.
var identityPoolID = regexp.MustCompile(`^[\w*?-]+:[0-9a-f*?-]+$`)

// lintIdentityPool checks an Allow statement for cognito-identity.amazonaws.com.
func lintIdentityPool(s *Statement, at string, hosts []string) []Finding {
	trusts := false
	for _, h := range hosts {
		trusts = trusts || strings.EqualFold(h, cognitoIdentity)
	}
	if !trusts || s.Effect != "Allow" {
		return nil
	}
	var out []Finding
	hasAud := false
	for _, c := range s.Conditions {
		loc := at + ".Condition." + c.Operator + "." + c.Key
		op, ok := parseOperator(c.Operator)
		prefix, claim := splitKey(c.Key)
		if !ok || !strings.EqualFold(prefix, cognitoIdentity) {
			continue
		}
		if claim == "aud" {
			hasAud = hasAud || (!op.base.negated && op.base.fam != famNull)
			if op.base.fam != famString || op.base.negated {
				continue
			}
			for _, v := range c.Values {
				if !identityPoolID.MatchString(v) {
					out = append(out, Finding{Error, CodeIdentityPoolAud, loc,
						fmt.Sprintf("%q is not an identity pool id: the aud of an identity pool's token is the identity pool id (REGION:GUID, such as us-east-1:12345678-1234-1234-1234-123456789012), not the user pool's app client id", v),
						"compare " + cognitoIdentity + ":aud with the identity pool id (aws cognito-identity list-identity-pools shows it)"})
					break
				}
			}
		}
	}
	if !hasAud {
		out = append(out, Finding{Error, CodeIdentityPoolNoAud, at + ".Condition",
			"without a " + cognitoIdentity + ":aud condition the role trusts the identities of every identity pool, in every AWS account (IAM and Cognito refuse such trust policies)",
			`add "StringEquals": {"` + cognitoIdentity + `:aud": "IDENTITY_POOL_ID"}`})
	}
	return out
}
