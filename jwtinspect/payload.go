package jwtinspect

import "sort"

// FromClaims returns a Token that holds only claims: the decoded payload of a token that is not
// at hand, such as what GitHub's actions-oidc-debugger prints or a payload pasted from a JWT
// viewer. Raw, Segments, Trimmed, Header and Signature are empty; Claims and RawClaims are
// filled as [Decode] fills them (numbers are best given as json.Number, as a decoder with
// UseNumber gives them). The map is used as it is, not copied.
func FromClaims(claims map[string]any) *Token {
	if claims == nil {
		claims = map[string]any{}
	}
	tok := &Token{RawClaims: claims}
	tok.Claims, tok.claimProblems = parseClaims(claims)
	return tok
}

// LintClaims runs the checks of [Lint] that need the claims alone: the claim types STS reads,
// iss, aud (and the access-token look), sub, the AWS session-tag and source-identity claims and
// GitHub's sub forms. The checks that need the token itself are not run: its shape, length and
// surrounding whitespace, the header's alg, and exp, nbf and iat, which matter at the moment of
// the call. Findings are ordered as Lint orders them.
func LintClaims(tok *Token) []Finding {
	l := linter{tok: tok, c: &tok.Claims}
	for _, p := range tok.claimProblems {
		l.add(CodeClaimType, "The %s claim is unusable: %s.", p.claim, p.reason)
	}
	l.issuer()
	l.audience()
	l.awsClaims()
	l.github()
	sort.SliceStable(l.out, func(i, j int) bool { return l.out[i].Severity > l.out[j].Severity })
	return l.out
}
