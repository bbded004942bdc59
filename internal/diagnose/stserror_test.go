package diagnose_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/sts"
)

// TestSTSError: the error STS answers for each scenario's first failure, by code, status and
// catalogue row, and the row ExplainError finds for the message is the same row.
func TestSTSError(t *testing.T) {
	want := map[string]struct {
		code   string
		status int
		row    int
	}{
		diagnose.CheckTokenFormat:    {"InvalidIdentityToken", 400, 7},
		diagnose.CheckTokenAlg:       {"InvalidIdentityToken", 400, 7},
		diagnose.CheckTokenTimes:     {"", 400, 0}, // expired or not yet valid: see below
		diagnose.CheckProviderARN:    {"ValidationError", 400, 8},
		diagnose.CheckProviderReg:    {"InvalidIdentityToken", 400, 3},
		diagnose.CheckProviderAud:    {"InvalidIdentityToken", 400, 2},
		diagnose.CheckSessionName:    {"ValidationError", 400, 10},
		diagnose.CheckDuration:       {"ValidationError", 400, 9},
		diagnose.CheckPrincipal:      {"AccessDenied", 403, 1},
		diagnose.CheckAction:         {"AccessDenied", 403, 1},
		diagnose.CheckCondition:      {"AccessDenied", 403, 1},
		diagnose.CheckDeny:           {"AccessDenied", 403, 1},
		diagnose.CheckTags:           {"AccessDenied", 403, 11},
		diagnose.CheckSourceIdentity: {"AccessDenied", 403, 12},
	}
	// Scenarios whose STS answer is another catalogue row than their check's usual one, as
	// STSError maps the cause.
	rowOf := map[string]int{
		"duration below 900":   0, // STS's range message; row 9 is "exceeds the MaxSessionDuration"
		"duration above 43200": 0,
		"iss over http":        3, // no provider can have an http:// URL
		"no aud":               2, // no aud matches the ClientIDList
		"exp with a fraction":  7, // not a valid JWT
	}
	seen := map[string]bool{}
	for _, sc := range scenarios() {
		rep := runScenario(t, sc)
		e := rep.STSError()
		if sc.verdict != diagnose.Deny {
			if e != nil {
				t.Errorf("%s: STSError() = %v for a %s verdict; want nil", sc.name, e, sc.verdict)
			}
			continue
		}
		if e == nil {
			t.Errorf("%s: STSError() = nil for a deny; want an error", sc.name)
			continue
		}
		seen[e.Check] = true
		w := want[e.Check]
		if e.Check == diagnose.CheckTokenTimes {
			w.code = "InvalidIdentityToken"
			if sc.name == "expired token" {
				w.code, w.row = "ExpiredTokenException", 6
			}
		}
		if r, ok := rowOf[sc.name]; ok {
			w.row = r
		}
		if e.Check != sc.first || e.Code != w.code || e.StatusCode != w.status || e.Row != w.row {
			t.Errorf("%s: STSError() = %s %d %s row %d; want %s %d %s row %d", sc.name, e.Check, e.StatusCode, e.Code, e.Row, sc.first, w.status, w.code, w.row)
		}
		if known, ok := diagnose.ExplainError(e.Code + ": " + e.Message); e.Row != 0 && (!ok || known.Row != e.Row) {
			t.Errorf("%s: ExplainError(%q) = row %d; want row %d (the two directions agree)", sc.name, e.Message, known.Row, e.Row)
		}
	}
	for check := range want {
		if !seen[check] && check != diagnose.CheckAction && check != diagnose.CheckDeny {
			t.Logf("no scenario fails %s first", check)
		}
	}
}

// TestSTSErrorMessages: the texts with values in them.
func TestSTSErrorMessages(t *testing.T) {
	expired := diagnose.Run(context.Background(), diagnose.Input{At: at,
		Token: mint(t, "", claims("https://issuer.example.com", "s", "a", "iat", at.Add(-2*time.Hour).Unix(), "exp", at.Add(-time.Hour).Unix()))})
	e := expired.STSError()
	if want := "Token expired: current date/time 1772366400 must be before the expiration date/time 1772362800"; e == nil || e.Code != "ExpiredTokenException" || e.Message != want {
		t.Errorf("STSError(expired) = %v; want ExpiredTokenException %q", e, want)
	}
	unregistered := diagnose.Run(context.Background(), diagnose.Input{At: at, RoleARN: roleARN, Providers: []diagnose.Provider{},
		Token: mint(t, "", claims("https://issuer.example.com", "s", "a"))})
	if e := unregistered.STSError(); e == nil || e.Message != "No OpenIDConnect provider found in your account for https://issuer.example.com" {
		t.Errorf("STSError(unregistered) = %v; want No OpenIDConnect provider found … for the iss", e)
	}
}

// TestSTSErrorOrder: when several checks fail, the error is the one STS meets first — the
// provider lookup before the keys, the keys before the times — not the report's order.
func TestSTSErrorOrder(t *testing.T) {
	// An expired token of an issuer the account has no provider for: token.times fails first in
	// the report, but STS looks the provider up by iss before anything else.
	rep := diagnose.Run(context.Background(), diagnose.Input{At: at, RoleARN: roleARN, Providers: []diagnose.Provider{},
		Token: mint(t, "", claims("https://issuer.example.com", "s", "a", "exp", at.Add(-time.Hour).Unix()))})
	if f := rep.FirstFailure(); f == nil || f.Name != diagnose.CheckTokenTimes {
		t.Fatalf("FirstFailure() = %v; want token.times (report order)", f)
	}
	if e := rep.STSError(); e == nil || e.Check != diagnose.CheckProviderReg {
		t.Errorf("STSError() = %v; want provider.registered's error (STS's order)", e)
	}
	// A bad session name is refused before the token is looked at.
	rep = diagnose.Run(context.Background(), diagnose.Input{At: at, SessionName: "a b", Token: "not-a-jwt"})
	if e := rep.STSError(); e == nil || e.Check != diagnose.CheckSessionName || e.Code != "ValidationError" {
		t.Errorf("STSError(bad session name and not a JWT) = %v; want the session name's ValidationError", e)
	}
}

// TestValidationError: request errors are worded as STS words them, quoting only values that
// hold no secret.
func TestValidationError(t *testing.T) {
	value := func(field string) string {
		return map[string]string{"RoleSessionName": "a b", "DurationSeconds": "7"}[field]
	}
	for _, tt := range []struct {
		err  error
		want string
		row  int
	}{
		{&sts.InputError{Field: "RoleSessionName", Problem: "character ' ' at position 2 is not allowed"},
			"1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: character ' ' at position 2 is not allowed", 10},
		{&sts.InputError{Field: "DurationSeconds", Problem: "Member must have value greater than or equal to 900"},
			"1 validation error detected: Value '7' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", 0},
		{&sts.InputError{Field: "RoleArn", Problem: "is required"}, "Request ARN is invalid (is required)", 8},
		{&sts.InputError{Field: "WebIdentityToken", Problem: "is 3 characters long; STS accepts 4–20000"},
			"1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: is 3 characters long; STS accepts 4–20000", 0},
		{errors.New("odd"), "1 validation error detected: odd", 0},
	} {
		e := diagnose.ValidationError(tt.err, value)
		if e.Code != "ValidationError" || e.StatusCode != 400 || e.Message != tt.want || e.Row != tt.row {
			t.Errorf("ValidationError(%v) = %d %s %q row %d; want 400 ValidationError %q row %d", tt.err, e.StatusCode, e.Code, e.Message, e.Row, tt.want, tt.row)
		}
	}
}
