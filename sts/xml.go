package sts

import (
	"regexp"

	"github.com/rawsts/rawsts/internal/awsquery"
)

// decodeAssumeRoleWithWebIdentity reads the result by element name; Credentials and its four
// members are required.
func decodeAssumeRoleWithWebIdentity(res *awsquery.Result) (*AssumeRoleWithWebIdentityOutput, error) {
	out := &AssumeRoleWithWebIdentityOutput{RequestID: res.RequestID}
	cr, err := decodeCredentials(res.Node)
	if err != nil {
		return nil, err
	}
	out.Credentials = cr
	if out.AssumedRoleUser, err = decodeAssumedRoleUser(res); err != nil {
		return nil, err
	}
	out.SubjectFromWebIdentityToken = res.OptString("SubjectFromWebIdentityToken")
	out.Audience = res.OptString("Audience")
	out.Provider = res.OptString("Provider")
	out.SourceIdentity = res.OptString("SourceIdentity")
	if out.PackedPolicySize, err = decodePackedPolicySize(res); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeCredentials reads the required Credentials element of a result; AssumeRole and
// GetSessionToken results share it.
func decodeCredentials(result awsquery.Node) (Credentials, error) {
	var c Credentials
	if err := result.Child("Credentials").Require(); err != nil {
		return c, err
	}
	// The model gives SecretAccessKey and SessionToken no pattern, but STS sends base64 text:
	// anything else (a newline, a space) is refused rather than written into a credentials
	// file or a shell line (awsquery.VisibleASCII).
	var err error
	if c.AccessKeyID, err = result.Shaped("Credentials/AccessKeyId", isAccessKeyID, "an access key id (16–128 letters, digits or _)"); err != nil {
		return c, err
	}
	if c.SecretAccessKey, err = result.Shaped("Credentials/SecretAccessKey", awsquery.VisibleASCII, "a secret key (printable ASCII without spaces)"); err != nil {
		return c, err
	}
	if c.SessionToken, err = result.Shaped("Credentials/SessionToken", awsquery.VisibleASCII, "a session token (printable ASCII without spaces)"); err != nil {
		return c, err
	}
	if c.Expiration, err = result.Time("Credentials/Expiration"); err != nil {
		return c, err
	}
	return c, nil
}

// accessKeyID is the model's accessKeyIdType: [\w]*, 16–128 characters.
var accessKeyID = regexp.MustCompile(`^\w{16,128}$`)

func isAccessKeyID(s string) bool { return accessKeyID.MatchString(s) }

// isAccountID reports whether s is an AWS account id: 12 digits.
func isAccountID(s string) bool { return accountID.MatchString(s) }

// decodePackedPolicySize reads the optional PackedPolicySize: a percentage of the packed
// limit, 0–100 in a success reply (STS fails a request whose policies and tags pack to more,
// with PackedPolicyTooLarge).
func decodePackedPolicySize(res *awsquery.Result) (*int, error) {
	n, err := res.OptInt("PackedPolicySize")
	if err == nil && n != nil && (*n < 0 || *n > 100) {
		return nil, res.Child("PackedPolicySize").Invalid("a percentage from 0 to 100")
	}
	return n, err
}

// decodeAssumedRoleUser reads the optional AssumedRoleUser element of a result.
func decodeAssumedRoleUser(res *awsquery.Result) (AssumedRoleUser, error) {
	u := AssumedRoleUser{
		AssumedRoleID: res.OptString("AssumedRoleUser/AssumedRoleId"),
		Arn:           res.OptString("AssumedRoleUser/Arn"),
	}
	if u.AssumedRoleID != "" && !awsquery.VisibleASCII(u.AssumedRoleID) {
		return u, res.Child("AssumedRoleUser/AssumedRoleId").Invalid("a role id and session name (printable ASCII)")
	}
	if u.Arn != "" && !awsquery.IsARN(u.Arn) {
		return u, res.Child("AssumedRoleUser/Arn").Invalid("an ARN")
	}
	return u, nil
}
