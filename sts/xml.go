package sts

import "github.com/rawsts/rawsts/internal/awsquery"

// decodeAssumeRoleWithWebIdentity reads the result by element name; Credentials and its four
// members are required.
func decodeAssumeRoleWithWebIdentity(res *awsquery.Result) (*AssumeRoleWithWebIdentityOutput, error) {
	out := &AssumeRoleWithWebIdentityOutput{RequestID: res.RequestID}
	cr, err := decodeCredentials(res.Node)
	if err != nil {
		return nil, err
	}
	out.Credentials = cr
	out.AssumedRoleUser = decodeAssumedRoleUser(res)
	out.SubjectFromWebIdentityToken = res.OptString("SubjectFromWebIdentityToken")
	out.Audience = res.OptString("Audience")
	out.Provider = res.OptString("Provider")
	out.SourceIdentity = res.OptString("SourceIdentity")
	if out.PackedPolicySize, err = res.OptInt("PackedPolicySize"); err != nil {
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
	var err error
	if c.AccessKeyID, err = result.String("Credentials/AccessKeyId"); err != nil {
		return c, err
	}
	if c.SecretAccessKey, err = result.String("Credentials/SecretAccessKey"); err != nil {
		return c, err
	}
	if c.SessionToken, err = result.String("Credentials/SessionToken"); err != nil {
		return c, err
	}
	if c.Expiration, err = result.Time("Credentials/Expiration"); err != nil {
		return c, err
	}
	return c, nil
}

// decodeAssumedRoleUser reads the optional AssumedRoleUser element of a result.
func decodeAssumedRoleUser(res *awsquery.Result) AssumedRoleUser {
	return AssumedRoleUser{
		AssumedRoleID: res.OptString("AssumedRoleUser/AssumedRoleId"),
		Arn:           res.OptString("AssumedRoleUser/Arn"),
	}
}
