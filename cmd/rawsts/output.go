package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sts"
)

// The credential output formats shared by assume, assume-role and cognito assume.
var outputFormats = []string{"env", "json", "credential-process", "ini"}

func checkOutputFormat(f string) error {
	for _, ok := range outputFormats {
		if f == ok {
			return nil
		}
	}
	return fmt.Errorf("--output %q: want one of %s", f, strings.Join(outputFormats, ", "))
}

// credentialResult is what every credential-producing command prints: the credentials, plus
// the operation's whole result for --output json, in the AWS CLI's field order.
type credentialResult struct {
	creds sts.Credentials
	// accountID is the account of the assumed role's ARN, "" when STS sent none.
	accountID string
	// awsCLI is the value `aws sts …` prints for the same response (ordered fields).
	awsCLI any
}

// awsCLITime formats a time as the AWS CLI v2 prints timestamps: ISO 8601 with +00:00, and
// microseconds only when the value has a fraction.
func awsCLITime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() != 0 {
		return t.Format("2006-01-02T15:04:05.000000+00:00")
	}
	return t.Format("2006-01-02T15:04:05+00:00")
}

type cliCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
}

func toCLICredentials(c sts.Credentials) cliCredentials {
	return cliCredentials{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, awsCLITime(c.Expiration)}
}

type cliAssumedRoleUser struct {
	AssumedRoleID string `json:"AssumedRoleId"`
	Arn           string `json:"Arn"`
}

// cliWebIdentityOutput mirrors `aws sts assume-role-with-web-identity` output: the members of
// AssumeRoleWithWebIdentityResponse in the model's order, absent members omitted.
type cliWebIdentityOutput struct {
	Credentials                 cliCredentials      `json:"Credentials"`
	SubjectFromWebIdentityToken string              `json:"SubjectFromWebIdentityToken,omitempty"`
	AssumedRoleUser             *cliAssumedRoleUser `json:"AssumedRoleUser,omitempty"`
	PackedPolicySize            *int                `json:"PackedPolicySize,omitempty"`
	Provider                    string              `json:"Provider,omitempty"`
	Audience                    string              `json:"Audience,omitempty"`
	SourceIdentity              string              `json:"SourceIdentity,omitempty"`
}

func assumeResult(out *sts.AssumeRoleWithWebIdentityOutput) credentialResult {
	v := cliWebIdentityOutput{
		Credentials:                 toCLICredentials(out.Credentials),
		SubjectFromWebIdentityToken: out.SubjectFromWebIdentityToken,
		PackedPolicySize:            out.PackedPolicySize,
		Provider:                    out.Provider,
		Audience:                    out.Audience,
		SourceIdentity:              out.SourceIdentity,
	}
	if out.AssumedRoleUser != (sts.AssumedRoleUser{}) {
		v.AssumedRoleUser = &cliAssumedRoleUser{out.AssumedRoleUser.AssumedRoleID, out.AssumedRoleUser.Arn}
	}
	return credentialResult{creds: out.Credentials, accountID: arnAccount(out.AssumedRoleUser.Arn), awsCLI: v}
}

// arnAccount returns the account field of an ARN ("" when it has none of 12 digits).
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && accountPattern.MatchString(parts[4]) {
		return parts[4]
	}
	return ""
}

// cliAssumeRoleOutput mirrors `aws sts assume-role` output: the members of AssumeRoleResponse
// in the model's order, absent members omitted.
type cliAssumeRoleOutput struct {
	Credentials      cliCredentials      `json:"Credentials"`
	AssumedRoleUser  *cliAssumedRoleUser `json:"AssumedRoleUser,omitempty"`
	PackedPolicySize *int                `json:"PackedPolicySize,omitempty"`
	SourceIdentity   string              `json:"SourceIdentity,omitempty"`
}

func assumeRoleResult(out *sts.AssumeRoleOutput) credentialResult {
	v := cliAssumeRoleOutput{
		Credentials:      toCLICredentials(out.Credentials),
		PackedPolicySize: out.PackedPolicySize,
		SourceIdentity:   out.SourceIdentity,
	}
	if out.AssumedRoleUser != (sts.AssumedRoleUser{}) {
		v.AssumedRoleUser = &cliAssumedRoleUser{out.AssumedRoleUser.AssumedRoleID, out.AssumedRoleUser.Arn}
	}
	return credentialResult{creds: out.Credentials, accountID: arnAccount(out.AssumedRoleUser.Arn), awsCLI: v}
}

// formatCredentials renders r in one of outputFormats; the whole text is built before anything
// is written, so a failure never leaves half an output behind. A value the format cannot carry
// as it is (a newline in an ini value, a NUL in a shell word) is an *unwritableError.
func formatCredentials(format, profile string, r credentialResult) (string, error) {
	c := r.creds
	ok := notNUL // env quotes every value; JSON escapes
	if format == "ini" {
		ok = visibleASCII
	}
	if err := checkValues("STS", format, ok, [2]string{"AccessKeyId", c.AccessKeyID},
		[2]string{"SecretAccessKey", c.SecretAccessKey}, [2]string{"SessionToken", c.SessionToken}); err != nil {
		return "", err
	}
	exp := c.Expiration.UTC().Format(time.RFC3339)
	var b strings.Builder
	switch format {
	case "env":
		fmt.Fprintf(&b, "export AWS_ACCESS_KEY_ID=%s\n", shellQuote(c.AccessKeyID))
		fmt.Fprintf(&b, "export AWS_SECRET_ACCESS_KEY=%s\n", shellQuote(c.SecretAccessKey))
		fmt.Fprintf(&b, "export AWS_SESSION_TOKEN=%s\n", shellQuote(c.SessionToken))
		fmt.Fprintf(&b, "export AWS_CREDENTIAL_EXPIRATION=%s\n", exp)
	case "json":
		j, err := marshalIndent(r.awsCLI, "    ")
		if err != nil {
			return "", err
		}
		b.Write(j)
	case "credential-process":
		j, err := marshalIndent(struct {
			Version         int
			AccessKeyID     string `json:"AccessKeyId"`
			SecretAccessKey string
			SessionToken    string
			Expiration      string
		}{1, c.AccessKeyID, c.SecretAccessKey, c.SessionToken, exp}, "  ")
		if err != nil {
			return "", err
		}
		b.Write(j)
	case "ini":
		if err := checkProfileName("--ini-profile", profile); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "[%s]\n", profile)
		fmt.Fprintf(&b, "aws_access_key_id = %s\n", c.AccessKeyID)
		fmt.Fprintf(&b, "aws_secret_access_key = %s\n", c.SecretAccessKey)
		fmt.Fprintf(&b, "aws_session_token = %s\n", c.SessionToken)
		fmt.Fprintf(&b, "# expires %s\n", exp)
	default:
		return "", checkOutputFormat(format)
	}
	return b.String(), nil
}

// marshalIndent is json.MarshalIndent without HTML escaping, plus a final newline.
func marshalIndent(v any, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
