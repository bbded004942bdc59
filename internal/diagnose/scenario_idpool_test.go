package diagnose_test

import "github.com/rawsts/rawsts/internal/diagnose"

// identityPoolScenarios are the roles of Cognito identity pools (issue 13): the documented
// trust policy of the Cognito Developer Guide ("Role trust and permissions") and its classic
// mistakes — aud set to the user pool's app client id, the amr conditions of the
// authenticated and unauthenticated roles swapped, amr without ForAnyValue, no aud at all, the
// user pool's provider named where cognito-identity.amazonaws.com belongs.
func identityPoolScenarios() []scenario {
	const iss = "https://cognito-identity.amazonaws.com"
	const identity = "us-east-1:0b41ab8e-27a5-4c5f-9c3b-0e5d1a7b2f10"
	signedIn := []any{"authenticated", poolHost, poolHost + ":CognitoSignIn:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}
	token := func(amr []any) map[string]any {
		return claims(iss, identity, idPool, "amr", amr, iss+"/identity-pool-arn", "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/"+idPool)
	}
	role := func(cond string) string { return policy(allowFor("cognito-identity.amazonaws.com", cond)) }
	aud := func(v string) string { return `"StringEquals": {"cognito-identity.amazonaws.com:aud": "` + v + `"}` }
	amr := func(op, v string) string { return `"` + op + `": {"cognito-identity.amazonaws.com:amr": "` + v + `"}` }
	return []scenario{
		{name: "identity pool documented trust, user pool login", src: srcCognitoRole, claims: token(signedIn),
			policy: role(`{` + aud(idPool) + `, ` + amr("ForAnyValue:StringLike", "authenticated") + `}`), verdict: diagnose.Allow},
		{name: "identity pool documented trust, developer login", src: srcCognitoRole, claims: token([]any{"authenticated", "login.example.app", "login.example.app:us-east-1:12345678-1234-1234-1234-123456789012:user-42"}),
			policy: role(`{` + aud(idPool) + `, ` + amr("ForAnyValue:StringLike", "authenticated") + `}`), verdict: diagnose.Allow},
		{name: "identity pool guest role", src: srcCognitoRole, claims: token([]any{"unauthenticated"}),
			policy: role(`{` + aud(idPool) + `, ` + amr("ForAnyValue:StringLike", "unauthenticated") + `}`), verdict: diagnose.Allow},
		{name: "identity pool aud is the user pool client id", src: srcCognitoRole, claims: token(signedIn),
			policy:  role(`{` + aud(clientID) + `, ` + amr("ForAnyValue:StringLike", "authenticated") + `}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition,
			want: []string{`aud is the identity pool id "` + idPool + `"`, `"` + clientID + `" is not an identity pool id`, "not the user pool's app client id",
				`compare cognito-identity.amazonaws.com:aud with the identity pool id: "StringEquals": {"cognito-identity.amazonaws.com:aud": "` + idPool + `"}`}},
		{name: "identity pool unauthenticated role trusting authenticated", src: srcCognitoRole, claims: token([]any{"unauthenticated"}),
			policy:  role(`{` + aud(idPool) + `, ` + amr("ForAnyValue:StringLike", "authenticated") + `}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition,
			want: []string{`amr is "unauthenticated": a guest (unauthenticated) identity`, "the pool's authenticated role", `"cognito-identity.amazonaws.com:amr": "unauthenticated"`}},
		{name: "identity pool authenticated role trusting unauthenticated", src: srcCognitoRole, claims: token(signedIn),
			policy:  role(`{` + aud(idPool) + `, ` + amr("ForAnyValue:StringLike", "unauthenticated") + `}`),
			verdict: diagnose.Deny, first: diagnose.CheckCondition,
			want: []string{"a signed-in (authenticated) identity", "unauthenticated (guest) role", `"cognito-identity.amazonaws.com:amr": "authenticated"`, "get-identity-pool-roles"}},
		{name: "identity pool amr without ForAnyValue", src: srcCognitoRole + "; " + srcSetOps + " (a plain operator on a multivalued key is undocumented: read as ForAnyValue)", claims: token(signedIn),
			policy: role(`{` + aud(idPool) + `, ` + amr("StringLike", "authenticated") + `}`), verdict: diagnose.Allow,
			want: []string{"multivalued-needs-set-operator", "ForAnyValue:StringLike"}},
		{name: "identity pool without an aud condition", src: srcCognitoRole + " (the aud condition is required)", claims: token(signedIn),
			policy: role(`{` + amr("ForAnyValue:StringLike", "authenticated") + `}`), verdict: diagnose.Allow,
			want: []string{"identity-pool-no-aud", "every identity pool"}},
		{name: "identity pool token for the user pool's provider", src: srcCognitoRole + "; " + srcPrincipal, claims: token(signedIn),
			policy:  policy(allowFor("arn:aws:iam::123456789012:oidc-provider/"+poolHost, `{"StringEquals": {"`+poolHost+`:aud": "`+clientID+`"}}`)),
			verdict: diagnose.Deny, first: diagnose.CheckPrincipal,
			want: []string{`"Federated": "cognito-identity.amazonaws.com"`}},
	}
}
