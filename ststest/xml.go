package ststest

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"
)

const (
	namespace  = "https://sts.amazonaws.com/doc/2011-06-15/"
	apiVersion = "2011-06-15"
)

// The documented STS response shapes (PROTOCOL.md 1.2 and 1.7), as encoding/xml writes them.

type assumeRoleWithWebIdentityResponse struct {
	XMLName   xml.Name                        `xml:"AssumeRoleWithWebIdentityResponse"`
	Xmlns     string                          `xml:"xmlns,attr"`
	Result    assumeRoleWithWebIdentityResult `xml:"AssumeRoleWithWebIdentityResult"`
	RequestID string                          `xml:"ResponseMetadata>RequestId"`
}

type assumeRoleWithWebIdentityResult struct {
	Credentials                 *credentials     `xml:"Credentials"`
	SubjectFromWebIdentityToken string           `xml:"SubjectFromWebIdentityToken,omitempty"`
	AssumedRoleUser             *assumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize            *int             `xml:"PackedPolicySize,omitempty"`
	Provider                    string           `xml:"Provider,omitempty"`
	Audience                    string           `xml:"Audience,omitempty"`
	SourceIdentity              string           `xml:"SourceIdentity,omitempty"`
}

type credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumedRoleUser struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeError answers an STS ErrorResponse (writeQueryError in STS's namespace).
func writeError(w http.ResponseWriter, status int, typ, code, msg, reqID string, now time.Time) {
	writeQueryError(w, namespace, status, typ, code, msg, reqID, now)
}

// writeQueryError answers the ErrorResponse of a Query-protocol service whose XML namespace is
// ns (STS's, IAM's): RequestId beside Error, namespace present, as the real services send it
// (PROTOCOL.md 1.7, 11.3).
func writeQueryError(w http.ResponseWriter, ns string, status int, typ, code, msg, reqID string, now time.Time) {
	writeXML(w, status, reqID, now, &errorResponse{
		Xmlns: ns, Type: typ, Code: code, Message: msg, RequestID: reqID,
	})
}

// writeXML writes v with the headers the Query services send: text/xml, X-Amzn-Requestid, Date
// and the length.
func writeXML(w http.ResponseWriter, status int, reqID string, now time.Time, v any) {
	b, err := xml.Marshal(v)
	if err != nil { // only our own fixed types are marshalled
		http.Error(w, "ststest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeReply(w, status, reqID, now, "text/xml", awsEntities(b))
}

// writeReply writes body with the headers the Query services send: its Content-Type,
// X-Amzn-Requestid, Date and the length.
func writeReply(w http.ResponseWriter, status int, reqID string, now time.Time, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Amzn-Requestid", reqID)
	h.Set("Date", now.UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

type getCallerIdentityResponse struct {
	XMLName   xml.Name             `xml:"GetCallerIdentityResponse"`
	Xmlns     string               `xml:"xmlns,attr"`
	Result    callerIdentityResult `xml:"GetCallerIdentityResult"`
	RequestID string               `xml:"ResponseMetadata>RequestId"`
}

type callerIdentityResult struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

type assumeRoleResponse struct {
	XMLName   xml.Name         `xml:"AssumeRoleResponse"`
	Xmlns     string           `xml:"xmlns,attr"`
	Result    assumeRoleResult `xml:"AssumeRoleResult"`
	RequestID string           `xml:"ResponseMetadata>RequestId"`
}

type assumeRoleResult struct {
	SourceIdentity   string           `xml:"SourceIdentity,omitempty"`
	AssumedRoleUser  *assumedRoleUser `xml:"AssumedRoleUser"`
	Credentials      *credentials     `xml:"Credentials"`
	PackedPolicySize *int             `xml:"PackedPolicySize,omitempty"`
}

type getSessionTokenResponse struct {
	XMLName   xml.Name              `xml:"GetSessionTokenResponse"`
	Xmlns     string                `xml:"xmlns,attr"`
	Result    getSessionTokenResult `xml:"GetSessionTokenResult"`
	RequestID string                `xml:"ResponseMetadata>RequestId"`
}

type getSessionTokenResult struct {
	Credentials *credentials `xml:"Credentials"`
}

type getAccessKeyInfoResponse struct {
	XMLName   xml.Name            `xml:"GetAccessKeyInfoResponse"`
	Xmlns     string              `xml:"xmlns,attr"`
	Result    accessKeyInfoResult `xml:"GetAccessKeyInfoResult"`
	RequestID string              `xml:"ResponseMetadata>RequestId"`
}

type accessKeyInfoResult struct {
	Account string `xml:"Account"`
}

// awsEntities rewrites encoding/xml's numeric escapes of the double quote and the apostrophe
// (&#34; &#39;) as the named entities AWS's services send (&quot; &apos;): the same XML, the
// same bytes as a recording. encoding/xml writes "&#" only for those two and for control
// characters, which are left as they are.
func awsEntities(b []byte) []byte {
	if !bytes.Contains(b, []byte("&#")) {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("&#34;"), []byte("&quot;"))
	return bytes.ReplaceAll(b, []byte("&#39;"), []byte("&apos;"))
}
