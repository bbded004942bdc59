package sts

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// knownPartitions are the ARN partitions a role can live in.
var knownPartitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

var (
	accountID   = regexp.MustCompile(`^[0-9]{12}$`)
	nameChars   = regexp.MustCompile(`^[\w+=,.@-]+$`)
	arnShape    = regexp.MustCompile(`^arn:[a-z0-9-]+:[a-zA-Z0-9-]+:[a-z0-9-]*:[0-9a-z-]*:.+$`)
	pathSegment = regexp.MustCompile("^[\x21-\x7e]+$")
)

// Validate checks the input against STS's documented constraints before anything is sent and
// returns the first problem as an [*InputError] naming the field and the rule. Its messages
// never quote WebIdentityToken.
func (in *AssumeRoleWithWebIdentityInput) Validate() error {
	if err := validateRoleArn(in.RoleArn); err != nil {
		return err
	}
	if err := validateSessionName("RoleSessionName", in.RoleSessionName); err != nil {
		return err
	}
	if err := validateToken(in.WebIdentityToken); err != nil {
		return err
	}
	if in.DurationSeconds != 0 && (in.DurationSeconds < 900 || in.DurationSeconds > 43200) {
		return inputErr("DurationSeconds", "%d is outside 900–43200 seconds (15 minutes to 12 hours; the role's MaxSessionDuration may be lower); use 0 for STS's default of 3600", in.DurationSeconds)
	}
	if err := validatePolicy(in.Policy); err != nil {
		return err
	}
	if err := validatePolicyArns(in.PolicyArns); err != nil {
		return err
	}
	return validateProviderID(in.ProviderId)
}

// describeSpace names the whitespace at one end of s, e.g. "a trailing newline".
func describeSpace(s string, leading bool) string {
	var r rune
	if leading {
		r, _ = utf8.DecodeRuneInString(s)
	} else {
		r, _ = utf8.DecodeLastRuneInString(s)
	}
	name := map[rune]string{'\n': "newline", '\r': "carriage return", '\t': "tab", ' ': "space"}[r]
	if name == "" {
		name = fmt.Sprintf("whitespace character %U", r)
	}
	if leading {
		return "a leading " + name
	}
	return "a trailing " + name
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f'
}

// checkEnds reports leading or trailing whitespace in a value copied from a file or a
// secret store.
func checkEnds(field, s string) *InputError {
	if s == "" {
		return nil
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	switch {
	case isSpace(first):
		return inputErr(field, "has %s; remove it (values copied from files and secrets often carry one)", describeSpace(s, true))
	case isSpace(last):
		return inputErr(field, "has %s; remove it (values copied from files and secrets often carry one)", describeSpace(s, false))
	}
	return nil
}

func validateRoleArn(arn string) error {
	const want = "want arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME, e.g. arn:aws:iam::123456789012:role/deploy"
	if arn == "" {
		return inputErr("RoleArn", "is required (%s)", want)
	}
	if err := checkEnds("RoleArn", arn); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(arn); n < 20 || n > 2048 {
		return inputErr("RoleArn", "is %d characters long; an ARN has 20–2048 (%s)", n, want)
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return inputErr("RoleArn", "%q is not an ARN (%s)", arn, want)
	}
	part, service, region, account, resource := parts[1], parts[2], parts[3], parts[4], parts[5]
	known := false
	for _, p := range knownPartitions {
		known = known || p == part
	}
	if !known {
		return inputErr("RoleArn", "partition %q is not an AWS partition (want one of %s)", part, strings.Join(knownPartitions, ", "))
	}
	if service == "sts" && strings.HasPrefix(resource, "assumed-role/") {
		role, _, _ := strings.Cut(strings.TrimPrefix(resource, "assumed-role/"), "/")
		return inputErr("RoleArn", "%q is the ARN of an assumed-role session, not of a role; use the role's ARN, e.g. arn:%s:iam::%s:role/%s (add the role's path if it has one)", arn, part, account, role)
	}
	if service != "iam" {
		return inputErr("RoleArn", "service is %q; a role ARN has iam (%s)", service, want)
	}
	if region != "" {
		return inputErr("RoleArn", "has region %q; IAM ARNs have an empty region field (%s)", region, want)
	}
	if !accountID.MatchString(account) {
		return inputErr("RoleArn", "account %q is not a 12-digit account ID (%s)", account, want)
	}
	kind, rest, _ := strings.Cut(resource, "/")
	switch {
	case kind == "oidc-provider":
		return inputErr("RoleArn", "%q is an OIDC identity provider ARN, not a role ARN; name the provider in the role's trust policy and pass the role's ARN here (%s)", arn, want)
	case kind == "saml-provider":
		return inputErr("RoleArn", "%q is a SAML provider ARN, not a role ARN (%s)", arn, want)
	case kind != "role":
		return inputErr("RoleArn", "resource %q is not a role (%s)", kind, want)
	}
	segs := strings.Split(rest, "/")
	name := segs[len(segs)-1]
	for _, seg := range segs[:len(segs)-1] {
		if !pathSegment.MatchString(seg) {
			return inputErr("RoleArn", "role path %q has an empty segment or a character outside printable ASCII", strings.Join(segs[:len(segs)-1], "/"))
		}
	}
	if name == "" || utf8.RuneCountInString(name) > 64 || !nameChars.MatchString(name) {
		return inputErr("RoleArn", "role name %q must be 1–64 characters of letters, digits and _+=,.@-", name)
	}
	return nil
}

func validateSessionName(field, name string) error {
	if name == "" {
		return inputErr(field, "is required (2–64 characters of letters, digits and _+=,.@-)")
	}
	for i, r := range []rune(name) {
		if !(r < utf8.RuneSelf && nameChars.MatchString(string(r))) {
			return inputErr(field, "character %q at position %d is not allowed (letters, digits and _+=,.@- only; no spaces or slashes)", r, i+1)
		}
	}
	if n := utf8.RuneCountInString(name); n < 2 || n > 64 {
		return inputErr(field, "is %d characters long; want 2–64", n)
	}
	return nil
}

func validateToken(tok string) error {
	if tok == "" {
		return inputErr("WebIdentityToken", "is required (the OIDC ID token, a JWT)")
	}
	if err := checkEnds("WebIdentityToken", tok); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(tok); n < 4 || n > 20000 {
		return inputErr("WebIdentityToken", "is %d characters long; STS accepts 4–20000", n)
	}
	return nil
}

func validatePolicy(policy string) error {
	if policy == "" {
		return nil
	}
	if n := utf8.RuneCountInString(policy); n > 2048 {
		return inputErr("Policy", "is %d characters long; an inline session policy has at most 2048", n)
	}
	for i, r := range []rune(policy) {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xFF)) {
			return inputErr("Policy", "character %U at position %d is outside the allowed range (tab, newline, carriage return, U+0020–U+00FF)", r, i+1)
		}
	}
	if !json.Valid([]byte(policy)) {
		var v any
		err := json.Unmarshal([]byte(policy), &v)
		return inputErr("Policy", "is not valid JSON: %v", err)
	}
	return nil
}

func validatePolicyArns(arns []string) error {
	if len(arns) > 10 {
		return inputErr("PolicyArns", "has %d ARNs; at most 10 managed session policies are allowed", len(arns))
	}
	for i, a := range arns {
		if err := checkEnds("PolicyArns", a); err != nil {
			err.Problem = fmt.Sprintf("ARN #%d %s", i+1, err.Problem)
			return err
		}
		if n := utf8.RuneCountInString(a); n < 20 || n > 2048 || !arnShape.MatchString(a) {
			return inputErr("PolicyArns", "ARN #%d %q is not an ARN of 20–2048 characters (want e.g. arn:aws:iam::aws:policy/ReadOnlyAccess)", i+1, a)
		}
	}
	return nil
}

func validateProviderID(id string) error {
	switch id {
	case "", "www.amazon.com", "graph.facebook.com":
		return nil
	}
	if err := checkEnds("ProviderId", id); err != nil {
		return err
	}
	if strings.Contains(id, "://") {
		return inputErr("ProviderId", "%q has a scheme; give the host only (www.amazon.com or graph.facebook.com)", id)
	}
	return inputErr("ProviderId", "%q is not allowed: ProviderId is only for OAuth 2.0 access tokens from www.amazon.com or graph.facebook.com; omit it for OIDC ID tokens", id)
}
