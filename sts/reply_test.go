package sts

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// credentialsReply is an AssumeRoleWithWebIdentity success document with the four credential
// members given as raw XML text (entities allowed), and extra elements after Credentials.
func credentialsReply(akid, secret, token, expiration, extra string) string {
	return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
		`<Credentials><AccessKeyId>` + akid + `</AccessKeyId><SecretAccessKey>` + secret + `</SecretAccessKey>` +
		`<SessionToken>` + token + `</SessionToken><Expiration>` + expiration + `</Expiration></Credentials>` + extra +
		`</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
}

const (
	goodAKID   = "ASIAIOSFODNN7EXAMPLE"
	goodSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
	goodToken  = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI=="
	goodExp    = "2019-11-09T13:34:41Z"
)

// TestRepliesSTSCannotSend checks that a success document whose values STS could not have sent
// (a newline in the session token, an access key id of the wrong shape, an absurd
// PackedPolicySize) is a *ResponseError naming the element, and never quotes the value: such
// values would otherwise reach a credentials file or a shell line as they are.
func TestRepliesSTSCannotSend(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // in Error()
		leak string // must not be in Error()
	}{
		{"newline in the session token", credentialsReply(goodAKID, goodSecret, "tok\n[prod]\ncredential_process = evil", goodExp, ""),
			"element AssumeRoleWithWebIdentityResult/Credentials/SessionToken is not a session token", "credential_process"},
		{"encoded newline in the session token", credentialsReply(goodAKID, goodSecret, "tok&#10;[prod]", goodExp, ""),
			"Credentials/SessionToken is not a session token", "[prod]"},
		{"space in the secret key", credentialsReply(goodAKID, "wJalrXUtnFEMI K7MDENG", goodToken, goodExp, ""),
			"Credentials/SecretAccessKey is not a secret key", "K7MDENG"},
		{"tab in the secret key", credentialsReply(goodAKID, "wJalrXUtnFEMI\tK7MDENG", goodToken, goodExp, ""),
			"Credentials/SecretAccessKey is not a secret key", "K7MDENG"},
		{"non-ASCII session token", credentialsReply(goodAKID, goodSecret, "AQoDYXdz\u00e9", goodExp, ""),
			"Credentials/SessionToken is not a session token", "AQoDYXdz"},
		{"short access key id", credentialsReply("ASIA", goodSecret, goodToken, goodExp, ""),
			"Credentials/AccessKeyId is not an access key id (16–128 letters, digits or _) (4 chars)", ""},
		{"access key id with a dash", credentialsReply("ASIA-IOSFODNN7EXAMPLE", goodSecret, goodToken, goodExp, ""),
			"Credentials/AccessKeyId is not an access key id", ""},
		{"access key id with a newline", credentialsReply("ASIAIOSFODNN7EXAMPLE&#10;x = y", goodSecret, goodToken, goodExp, ""),
			"Credentials/AccessKeyId is not an access key id", "x = y"},
		{"empty access key id", credentialsReply("", goodSecret, goodToken, goodExp, ""),
			"empty element AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId", ""},
		{"unparseable expiration", credentialsReply(goodAKID, goodSecret, goodToken, "tomorrow", ""),
			"Credentials/Expiration is not an RFC 3339 time", ""},
		{"negative PackedPolicySize", credentialsReply(goodAKID, goodSecret, goodToken, goodExp, "<PackedPolicySize>-1</PackedPolicySize>"),
			"element AssumeRoleWithWebIdentityResult/PackedPolicySize is not a percentage from 0 to 100", ""},
		{"PackedPolicySize over 100", credentialsReply(goodAKID, goodSecret, goodToken, goodExp, "<PackedPolicySize>900</PackedPolicySize>"),
			"PackedPolicySize is not a percentage from 0 to 100", ""},
		{"huge PackedPolicySize", credentialsReply(goodAKID, goodSecret, goodToken, goodExp, "<PackedPolicySize>99999999999999999999999</PackedPolicySize>"),
			"PackedPolicySize is not an integer", ""},
		{"AssumedRoleUser Arn with a newline", credentialsReply(goodAKID, goodSecret, goodToken, goodExp,
			"<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/x/y&#10;z</Arn><AssumedRoleId>AROA:y</AssumedRoleId></AssumedRoleUser>"),
			"element AssumeRoleWithWebIdentityResult/AssumedRoleUser/Arn is not an ARN", ""},
		{"AssumedRoleId with an escape", credentialsReply(goodAKID, goodSecret, goodToken, goodExp,
			"<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/x/y</Arn><AssumedRoleId>AROA:\u0085y</AssumedRoleId></AssumedRoleUser>"),
			"AssumedRoleUser/AssumedRoleId is not a role id", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := awsquery.Decode("sts", "AssumeRoleWithWebIdentity", 200, http.Header{}, []byte(tt.body))
			if err == nil {
				_, err = decodeAssumeRoleWithWebIdentity(res)
			}
			var re *ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decode(%q) = %v; want *ResponseError containing %q", tt.body, err, tt.want)
			}
			if re.Err == nil || tt.leak != "" && strings.Contains(re.Err.Error(), tt.leak) {
				t.Errorf("decode(%q): Err = %v; want a reason that does not quote the value", tt.body, re.Err)
			}
		})
	}
	// The same document with STS's values decodes.
	res, err := awsquery.Decode("sts", "AssumeRoleWithWebIdentity", 200, http.Header{}, []byte(credentialsReply(goodAKID, goodSecret, goodToken, goodExp,
		"<PackedPolicySize>100</PackedPolicySize><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/x/y</Arn><AssumedRoleId>AROACLKWSDQRAOEXAMPLE:y</AssumedRoleId></AssumedRoleUser>")))
	if err == nil {
		_, err = decodeAssumeRoleWithWebIdentity(res)
	}
	if err != nil {
		t.Errorf("decode(STS's shapes) = %v; want success", err)
	}
}

// TestCallerIdentitySTSCannotSend checks GetCallerIdentity's three values against what STS
// sends: a 12-digit account, an ARN, a user id, each printable ASCII on one line (whoami prints
// them as lines of text).
func TestCallerIdentitySTSCannotSend(t *testing.T) {
	reply := func(account, arn, userID string) string {
		return `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>` + arn + `</Arn><UserId>` + userID +
			`</UserId><Account>` + account + `</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`
	}
	const arn, user = "arn:aws:iam::123456789012:user/Alice", "AIDACKCEVSQ6C2EXAMPLE"
	tests := []struct {
		name, body, want string
	}{
		{"newline in the ARN", reply("123456789012", "arn:aws:iam::123456789012:user/x\nAccount  999999999999", user), "element GetCallerIdentityResult/Arn is not an ARN"},
		{"not an ARN", reply("123456789012", "user/Alice-with-a-long-name", user), "GetCallerIdentityResult/Arn is not an ARN"},
		{"account of 3 digits", reply("123", arn, user), "GetCallerIdentityResult/Account is not a 12-digit account id"},
		{"account with letters", reply("12345678901x", arn, user), "is not a 12-digit account id"},
		{"escape in the user id", reply("123456789012", arn, "AIDA\u009b31m"), "GetCallerIdentityResult/UserId is not a user id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := awsquery.Decode("sts", "GetCallerIdentity", 200, http.Header{}, []byte(tt.body))
			if err == nil {
				_, err = decodeCallerIdentity(res)
			}
			var re *ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("decode(%q) = %v; want *ResponseError containing %q", tt.body, err, tt.want)
			}
		})
	}
}
