package main

import (
	"net/url"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
)

// lintBeforeSending runs jwtinspect.Lint on the token assume is about to send and prints each
// error finding as a warning on stderr. It returns false when --strict forbids going on (with
// --print-curl too: --strict stops at a token STS will refuse). Without --strict, printOnly
// (--print-curl, which sends nothing) changes only the last line: it speaks of the printed
// command instead of saying the token is being sent.
//
// OAuth 2.0 access tokens sent with --provider-id are opaque, not JWTs, and are not linted.
// An http issuer on loopback (iss-http-loopback, a warning: the local emulator's exception)
// is reported only when the endpoint is not on loopback, since real STS refuses it.
func lintBeforeSending(s *streams, in *sts.AssumeRoleWithWebIdentityInput, endpoint string, strict, printOnly bool) bool {
	if in.ProviderId != "" {
		return true
	}
	_, findings := jwtinspect.Lint(in.WebIdentityToken, jwtinspect.Options{Now: s.now()})
	n := 0
	for _, f := range findings {
		emulatorOnly := f.Code == jwtinspect.CodeIssLoopbackHTTP && !loopbackURL(endpoint)
		if f.Severity != jwtinspect.Error && !emulatorOnly {
			continue
		}
		n++
		errorf(s, "warning: %s (%s) — STS will refuse it", strings.TrimSuffix(clean(f.Message), "."), f.Code)
	}
	switch {
	case n == 0:
		return true
	case strict:
		errorf(s, "--strict: not sending a token that STS will refuse; 'rawsts inspect' shows the whole report")
		return false
	case printOnly:
		errorf(s, "the curl command printed below would send a token that STS will refuse; 'rawsts inspect' shows the whole report")
		return true
	}
	errorf(s, "sending it anyway (--strict would not); 'rawsts inspect' shows the whole report")
	return true
}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "http" && httpx.IsLoopback(u.Hostname())
}
