package ststest_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/ststest"
)

// Minimal request helpers for the admin APIs, which the repository has no client for: an IAM
// Query call and a Cognito JSON 1.1 call, signed with SigV4 as the AWS CLI signs them.

// adminReply is the answer to an admin call.
type adminReply struct {
	status int
	header http.Header
	body   []byte
}

// code returns the Code and Message of an ErrorResponse ("" for a success).
func (r adminReply) code() (code, msg string) {
	var e struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
	}
	if r.status < 300 || xml.Unmarshal(r.body, &e) != nil {
		return "", ""
	}
	return e.Code, e.Message
}

// jsonError returns the __type and message of a JSON 1.1 error ("" for a success).
func (r adminReply) jsonError() (typ, msg string) {
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if r.status < 300 || json.Unmarshal(r.body, &e) != nil {
		return "", ""
	}
	return e.Type, e.Message
}

// send signs (when creds is not nil) and sends a request to the server.
func send(t *testing.T, srv *ststest.Server, req *http.Request, body []byte, creds *sigv4.Credentials, service, region string, at time.Time) adminReply {
	t.Helper()
	if creds != nil {
		if _, err := (&sigv4.Signer{}).SignHTTP(req, *creds, sigv4.HashPayload(body), service, region, at); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return adminReply{resp.StatusCode, resp.Header, b}
}

// iamCall sends an IAM Query call signed with creds (service iam, us-east-1) at the time at.
func iamCall(t *testing.T, srv *ststest.Server, creds *sigv4.Credentials, at time.Time, action string, params url.Values) adminReply {
	t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2010-05-08"}}
	for k, v := range params {
		form[k] = v
	}
	body := []byte(form.Encode())
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return send(t, srv, req, body, creds, "iam", "us-east-1", at)
}

// cognitoCall sends a Cognito JSON 1.1 call, signed with creds (service cognito-idp,
// us-east-1) unless creds is nil.
func cognitoCall(t *testing.T, srv *ststest.Server, creds *sigv4.Credentials, at time.Time, op string, in any) adminReply {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	return send(t, srv, req, body, creds, "cognito-idp", "us-east-1", at)
}

// decode decodes a JSON adminReply into out, failing the test on an error adminReply.
func (r adminReply) decode(t *testing.T, out any) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		t.Fatalf("reply is not JSON: %v\n%s", err, r.body)
	}
}

// emptyAccount is DefaultConfig without its OIDC providers and roles: the account a setup
// script starts from, with the user pool and the IAM user Alice.
func emptyAccount() ststest.Config {
	c := ststest.DefaultConfig()
	c.OpenIDConnectProviders, c.Roles = nil, nil
	return c
}

// contains reports whether s holds every one of subs.
func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
