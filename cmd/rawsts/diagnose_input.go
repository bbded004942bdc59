package main

import (
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/textsafe"
)

// diagnoseSource is what diagnose looks at: the token, or the token's claims without it (from
// --claims, --cloudtrail, or a --file whose shape says so).
type diagnoseSource struct {
	token  string
	claims *diagnose.Claims
	event  *diagnose.CloudTrailEvent
	kind   diagnose.InputKind
}

// readDiagnoseSource reads the token, --claims or --cloudtrail. A token argument or --file
// holding claims or CloudTrail events is read as such, and standard error says so.
func readDiagnoseSource(s *streams, name string, pos []string, o *diagnoseOptions) (diagnoseSource, int) {
	given := 0
	for _, set := range []bool{len(pos) > 0 || o.file != "", o.claimsFile != "", o.cloudtrailFile != ""} {
		if set {
			given++
		}
	}
	if given > 1 {
		return diagnoseSource{}, usageError(s, name, "give one input: TOKEN, --file FILE or -, --claims FILE or --cloudtrail FILE")
	}
	switch {
	case o.claimsFile != "":
		b, err := readFileOrStdin(s, o.claimsFile, maxTokenFile)
		if err != nil {
			return diagnoseSource{}, usageError(s, name, "--claims: %v", err)
		}
		return claimsSource(s, name, "--claims "+displayPath(o.claimsFile), displayPath(o.claimsFile), dropBOM(s, "--claims "+displayPath(o.claimsFile), b))
	case o.cloudtrailFile != "":
		b, err := readFileOrStdin(s, o.cloudtrailFile, maxEventFile)
		if err != nil {
			return diagnoseSource{}, usageError(s, name, "--cloudtrail: %v", err)
		}
		return eventSource(s, name, o, "--cloudtrail "+displayPath(o.cloudtrailFile), dropBOM(s, "--cloudtrail "+displayPath(o.cloudtrailFile), b))
	}
	token, code := diagnoseToken(s, name, pos, o.file)
	if code != exitOK {
		return diagnoseSource{}, code
	}
	where := "the argument"
	switch {
	case o.file != "":
		where = displayPath(o.file)
	case len(pos) == 1 && pos[0] == "-":
		where = "standard input"
	}
	switch diagnose.Detect([]byte(token)) {
	case diagnose.KindClaims:
		errorf(s, "%s holds a JSON object of claims, not a token: diagnosing without the token (as --claims does)", where)
		return claimsSource(s, name, where, where, []byte(token))
	case diagnose.KindCloudTrail:
		errorf(s, "%s holds CloudTrail events, not a token: diagnosing without the token (as --cloudtrail does)", where)
		return eventSource(s, name, o, where, []byte(token))
	}
	s.addSecrets(token)
	return diagnoseSource{token: token, kind: diagnose.KindToken}, exitOK
}

// claimsSource reads claims; where names the input in errors, file in the report.
func claimsSource(s *streams, name, where, file string, b []byte) (diagnoseSource, int) {
	m, err := diagnose.ParseClaims(b)
	if err != nil {
		return diagnoseSource{}, usageError(s, name, "%s: %s (want the token's decoded payload, as actions-oidc-debugger prints it)", where, plain(err))
	}
	return diagnoseSource{claims: &diagnose.Claims{Values: m, From: "the claims in " + file}, kind: diagnose.KindClaims}, exitOK
}

func eventSource(s *streams, name string, o *diagnoseOptions, where string, b []byte) (diagnoseSource, int) {
	events, err := diagnose.ParseCloudTrail(b)
	if err != nil {
		return diagnoseSource{}, usageError(s, name, "%s: %s", where, plain(err))
	}
	role := o.roleArn
	if role == "" {
		role = s.getenv("AWS_ROLE_ARN")
	}
	e, note, err := diagnose.PickEvent(events, role, o.eventID)
	if err != nil {
		return diagnoseSource{}, usageError(s, name, "%s: %s", where, plain(err))
	}
	if note != "" {
		errorf(s, "%s", textsafe.OneLine(note))
	}
	outcome := "succeeded"
	if e.ErrorCode != "" {
		outcome = "was refused: " + strings.TrimPrefix(e.ErrorCode+": "+e.ErrorMessage, ": ")
	}
	errorf(s, "%s", textsafe.OneLine(fmt.Sprintf("CloudTrail event %s: a token from %s for %s, sub %q, aud %q; the call %s",
		orNone(e.ID), e.Issuer, orNone(e.RoleARN), e.Subject, e.Audience, outcome)))
	return diagnoseSource{claims: e.Claims(), event: e, kind: diagnose.KindCloudTrail}, exitOK
}

// applyEvent takes from the CloudTrail event what the flags left unset: the role, the session
// name, the duration, the time of the call (for --at), the source address (aws:SourceIp) and
// STS's refusal (for --error).
func applyEvent(o *diagnoseOptions, in *diagnose.Input, e *diagnose.CloudTrailEvent) {
	if o.roleArn == "" && e.RoleARN != "" {
		in.RoleARN = e.RoleARN
	}
	if o.sessionName == "" {
		in.SessionName = e.SessionName
	}
	if o.duration == 0 {
		in.DurationSeconds = e.DurationSeconds
	}
	if o.at == "" && !e.Time.IsZero() {
		in.At = e.Time
	}
	if in.SourceIP == "" {
		in.SourceIP = e.SourceIP
	}
	if o.errText == "" && e.ErrorCode != "" {
		o.errText = strings.TrimPrefix(e.ErrorCode+": "+e.ErrorMessage, ": ")
	}
}
