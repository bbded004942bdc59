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
	externalID  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	serialChars = regexp.MustCompile(`^[\w+=/:,.@-]+$`)
	sixDigits   = regexp.MustCompile(`^[0-9]{6}$`)
	tagChars    = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
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
	if err := validateDuration(in.DurationSeconds, 43200, 3600); err != nil {
		return err
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

// validateDuration checks DurationSeconds against 900..max; 0 means "not sent" and STS's
// default, def, applies.
func validateDuration(d, max, def int) error {
	if d != 0 && (d < 900 || d > max) {
		limit := "the role's MaxSessionDuration may be lower"
		if max > 43200 {
			limit = "root user sessions at most 3600"
		}
		return inputErr("DurationSeconds", "%d is outside 900–%d seconds (15 minutes to %d hours; %s); use 0 for STS's default of %d", d, max, max/3600, limit, def)
	}
	return nil
}

// validateMFA checks an MFA device and code, which go together.
func validateMFA(serial, code string) error {
	switch {
	case serial == "" && code == "":
		return nil
	case serial == "":
		return inputErr("SerialNumber", "is required with TokenCode (the MFA device's ARN, e.g. arn:aws:iam::123456789012:mfa/user)")
	case code == "":
		return inputErr("TokenCode", "is required with SerialNumber (the 6-digit code the MFA device shows)")
	}
	if err := checkEnds("SerialNumber", serial); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(serial); n < 9 || n > 256 || !serialChars.MatchString(serial) {
		return inputErr("SerialNumber", "%q is not an MFA device serial number or ARN (9–256 of letters, digits and _+=/:,.@-)", serial)
	}
	if !sixDigits.MatchString(code) {
		// The code is a one-time secret: say what is wrong without quoting it.
		return inputErr("TokenCode", "must be exactly 6 digits (got %d characters)", utf8.RuneCountInString(code))
	}
	return nil
}

// validateTags checks session tags and transitive tag keys.
func validateTags(tags []Tag, transitive []string) error {
	if len(tags) > 50 {
		return inputErr("Tags", "has %d tags; at most 50 session tags are allowed", len(tags))
	}
	seen := make(map[string]int, len(tags))
	for i, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > 128 || !tagChars.MatchString(t.Key) {
			return inputErr("Tags", "tag #%d key %q must be 1–128 characters of letters, digits, spaces and _.:/=+-@", i+1, t.Key)
		}
		if n := utf8.RuneCountInString(t.Value); n > 256 || !tagChars.MatchString(t.Value) {
			return inputErr("Tags", "tag #%d (%s) value must be 0–256 characters of letters, digits, spaces and _.:/=+-@", i+1, t.Key)
		}
		k := strings.ToLower(t.Key)
		if j, dup := seen[k]; dup {
			return inputErr("Tags", "tag #%d key %q repeats tag #%d's; tag keys are case-insensitive", i+1, t.Key, j)
		}
		seen[k] = i + 1
	}
	if len(transitive) > 50 {
		return inputErr("TransitiveTagKeys", "has %d keys; at most 50 are allowed", len(transitive))
	}
	for i, k := range transitive {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 || !tagChars.MatchString(k) {
			return inputErr("TransitiveTagKeys", "key #%d %q must be 1–128 characters of letters, digits, spaces and _.:/=+-@", i+1, k)
		}
	}
	return nil
}

// Validate checks the input against STS's documented constraints (PROTOCOL.md §1.3) before
// anything is sent and returns the first problem as an [*InputError] naming the field and the
// rule. Its messages never quote TokenCode.
func (in *AssumeRoleInput) Validate() error {
	if err := validateRoleArn(in.RoleArn); err != nil {
		return err
	}
	if err := validateSessionName("RoleSessionName", in.RoleSessionName); err != nil {
		return err
	}
	if in.ExternalId != "" {
		if err := checkEnds("ExternalId", in.ExternalId); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(in.ExternalId); n < 2 || n > 1224 || !externalID.MatchString(in.ExternalId) {
			return inputErr("ExternalId", "must be 2–1224 characters of letters, digits and _+=,.@:/- (got %d characters)", n)
		}
	}
	if err := validateMFA(in.SerialNumber, in.TokenCode); err != nil {
		return err
	}
	if in.SourceIdentity != "" {
		if err := validateSessionName("SourceIdentity", in.SourceIdentity); err != nil {
			return err
		}
	}
	if err := validateDuration(in.DurationSeconds, 43200, 3600); err != nil {
		return err
	}
	if err := validatePolicy(in.Policy); err != nil {
		return err
	}
	if err := validatePolicyArns(in.PolicyArns); err != nil {
		return err
	}
	return validateTags(in.Tags, in.TransitiveTagKeys)
}

// Validate checks the input against STS's documented constraints (PROTOCOL.md §1.6) and
// returns the first problem as an [*InputError]. Its messages never quote TokenCode.
func (in *GetSessionTokenInput) Validate() error {
	if err := validateDuration(in.DurationSeconds, 129600, 43200); err != nil {
		return err
	}
	return validateMFA(in.SerialNumber, in.TokenCode)
}
