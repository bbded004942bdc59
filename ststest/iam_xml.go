package ststest

import "encoding/xml"

// The IAM reply shapes (PROTOCOL.md §11.2; the element order of the IAM API reference's
// samples, as testdata/fixtures/iam records them), as encoding/xml writes them.

// iamResponse is <ACTIONResponse>: the Result element, already written, then ResponseMetadata.
type iamResponse struct {
	XMLName   xml.Name
	Xmlns     string `xml:"xmlns,attr"`
	Result    string `xml:",innerxml"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// marshalXML writes a Result element.
func marshalXML(v any) ([]byte, error) { return xml.Marshal(v) }

type iamTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// iamTags is a list of tags, <Tags><member>…</member></Tags>, left out when empty.
type iamTags struct {
	Members []iamTag `xml:"member"`
}

func tagsXML(tags []Tag) *iamTags {
	if len(tags) == 0 {
		return nil
	}
	out := &iamTags{}
	for _, t := range tags {
		out.Members = append(out.Members, iamTag(t))
	}
	return out
}

// iamStrings is a list of strings, <NAME><member>…</member></NAME>, written even when empty.
type iamStrings struct {
	Members []string `xml:"member"`
}

type iamRole struct {
	Path                     string   `xml:"Path"`
	AssumeRolePolicyDocument string   `xml:"AssumeRolePolicyDocument,omitempty"`
	MaxSessionDuration       int      `xml:"MaxSessionDuration,omitempty"`
	RoleID                   string   `xml:"RoleId"`
	RoleName                 string   `xml:"RoleName"`
	Description              string   `xml:"Description,omitempty"`
	Arn                      string   `xml:"Arn"`
	CreateDate               string   `xml:"CreateDate"`
	Tags                     *iamTags `xml:"Tags,omitempty"`
}

type createRoleResult struct {
	XMLName xml.Name `xml:"CreateRoleResult"`
	Role    iamRole  `xml:"Role"`
}

type getRoleResult struct {
	XMLName xml.Name `xml:"GetRoleResult"`
	Role    iamRole  `xml:"Role"`
}

type listRolesResult struct {
	XMLName     xml.Name `xml:"ListRolesResult"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
	Roles       struct {
		Members []iamRole `xml:"member"`
	} `xml:"Roles"`
}

type getRolePolicyResult struct {
	XMLName        xml.Name `xml:"GetRolePolicyResult"`
	PolicyName     string   `xml:"PolicyName"`
	RoleName       string   `xml:"RoleName"`
	PolicyDocument string   `xml:"PolicyDocument"`
}

type createOpenIDConnectProviderResult struct {
	XMLName                  xml.Name `xml:"CreateOpenIDConnectProviderResult"`
	OpenIDConnectProviderArn string   `xml:"OpenIDConnectProviderArn"`
	Tags                     *iamTags `xml:"Tags,omitempty"`
}

type getOpenIDConnectProviderResult struct {
	XMLName        xml.Name   `xml:"GetOpenIDConnectProviderResult"`
	ThumbprintList iamStrings `xml:"ThumbprintList"`
	CreateDate     string     `xml:"CreateDate"`
	ClientIDList   iamStrings `xml:"ClientIDList"`
	Url            string     `xml:"Url"`
	Tags           *iamTags   `xml:"Tags,omitempty"`
}

type listOpenIDConnectProvidersResult struct {
	XMLName   xml.Name `xml:"ListOpenIDConnectProvidersResult"`
	Providers struct {
		Members []iamArn `xml:"member"`
	} `xml:"OpenIDConnectProviderList"`
}

type iamArn struct {
	Arn string `xml:"Arn"`
}
