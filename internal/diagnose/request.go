package diagnose

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rawsts/rawsts/sts"
)

// validRoleARN stands in for the role when one request parameter is validated alone.
const validRoleARN = "arn:aws:iam::123456789012:role/diagnose"

// fieldProblem validates in with sts's rules and returns the problem STS would report for
// field, "" when there is none.
func fieldProblem(in *sts.AssumeRoleWithWebIdentityInput, field string) string {
	err := in.Validate()
	var ie *sts.InputError
	if errors.As(err, &ie) && ie.Field == field {
		return ie.Problem
	}
	return ""
}

// request runs request.session-name and request.duration with sts's validation.
func (d *run) request() {
	name := d.in.SessionName
	if name == "" {
		d.set(CheckSessionName, Skip, "no session name given (rawsts assume makes one of the allowed characters)", "")
	} else if p := fieldProblem(&sts.AssumeRoleWithWebIdentityInput{RoleArn: validRoleARN, RoleSessionName: name, WebIdentityToken: "xxxx"}, "RoleSessionName"); p != "" {
		d.set(CheckSessionName, Fail, fmt.Sprintf("RoleSessionName %q: %s (STS: 1 validation error detected … roleSessionName)", name, p),
			"use 2–64 characters of letters, digits and _+=,.@- (replace / and spaces, e.g. with -; truncate long branch names)").cause = p
	} else {
		d.set(CheckSessionName, Pass, fmt.Sprintf("RoleSessionName %q is 2–64 allowed characters", name), "")
	}

	dur := d.in.DurationSeconds
	maxDur := d.in.MaxSessionDuration
	if maxDur == 0 && d.policyDoc != nil && d.policyDoc.Role != nil {
		maxDur = d.policyDoc.Role.MaxSessionDuration
	}
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: validRoleARN, RoleSessionName: "diagnose", WebIdentityToken: "xxxx", DurationSeconds: dur}
	switch p := fieldProblem(in, "DurationSeconds"); {
	case p != "":
		d.set(CheckDuration, Fail, "DurationSeconds "+p, "ask for 900–43200 seconds, at most the role's MaxSessionDuration").cause = p
	case dur == 0:
		d.set(CheckDuration, Pass, "no DurationSeconds: STS's default of 3600 seconds", "")
	case maxDur == 0:
		d.set(CheckDuration, Warn, fmt.Sprintf("DurationSeconds %d is within 900–43200, but the role's MaxSessionDuration is unknown (default 3600)", dur),
			"pass get-role output as --trust-policy, or --fetch, to compare with MaxSessionDuration")
	case dur > maxDur:
		d.set(CheckDuration, Fail, fmt.Sprintf("%s: %d > %d", strings.TrimSuffix(MsgDurationExceedsMax, "."), dur, maxDur),
			fmt.Sprintf("ask for at most %d seconds, or raise the role's maximum: aws iam update-role --role-name %s --max-session-duration %d", maxDur, roleName(d.roleARN), dur)).cause = causeOverMax
	default:
		d.set(CheckDuration, Pass, fmt.Sprintf("DurationSeconds %d ≤ MaxSessionDuration %d", dur, maxDur), "")
	}
}

// roleName returns the name of a role ARN (the part after the last '/'), or NAME.
func roleName(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 && i < len(arn)-1 {
		return arn[i+1:]
	}
	return "NAME"
}
