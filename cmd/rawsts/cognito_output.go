package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/cognitoauth"
)

// cliAuthenticationResult mirrors AuthenticationResultType as `aws cognito-idp initiate-auth`
// prints it: the model's member order, absent members omitted.
type cliAuthenticationResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int    `json:"ExpiresIn"`
	TokenType    string `json:"TokenType"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	IdToken      string `json:"IdToken"`
}

// cliInitiateAuthOutput mirrors the InitiateAuth response of a finished login as the AWS CLI
// prints it.
type cliInitiateAuthOutput struct {
	ChallengeParameters  map[string]string       `json:"ChallengeParameters"`
	AuthenticationResult cliAuthenticationResult `json:"AuthenticationResult"`
}

// formatTokens renders a login's tokens as --output asks: the ID token alone (for a pipe into
// rawsts assume), KEY=value lines, or the AWS CLI's JSON. After a refresh the JSON carries no
// RefreshToken, as Cognito's reply does not. A token the output cannot carry as it is (a
// newline would add a line) is an *unwritableError.
func formatTokens(format string, t *cognitoauth.Tokens, refreshed bool) (string, error) {
	ok := visibleASCII
	if format == "json" {
		ok = notNUL
	}
	if err := checkValues("Cognito", format, ok, [2]string{"IdToken", t.IdToken}, [2]string{"AccessToken", t.AccessToken},
		[2]string{"RefreshToken", t.RefreshToken}); err != nil {
		return "", err
	}
	if t.IdToken == "" {
		return "", errors.New("Cognito's reply has no IdToken, which Cognito always sends with tokens; nothing was written")
	}
	switch format {
	case "tokens":
		var b strings.Builder
		fmt.Fprintf(&b, "ID_TOKEN=%s\nACCESS_TOKEN=%s\n", t.IdToken, t.AccessToken)
		if t.RefreshToken != "" {
			fmt.Fprintf(&b, "REFRESH_TOKEN=%s\n", t.RefreshToken)
		}
		return b.String(), nil
	case "json":
		r := cliAuthenticationResult{AccessToken: t.AccessToken, ExpiresIn: t.ExpiresIn, TokenType: t.TokenType, IdToken: t.IdToken}
		if !refreshed {
			r.RefreshToken = t.RefreshToken
		}
		j, err := marshalIndent(cliInitiateAuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: r}, "    ")
		return string(j), err
	default:
		return t.IdToken + "\n", nil
	}
}
