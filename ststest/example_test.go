package ststest_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

type exampleReply struct {
	AccessKeyID string `xml:"AssumeRoleWithWebIdentityResult>Credentials>AccessKeyId"`
	Expiration  string `xml:"AssumeRoleWithWebIdentityResult>Credentials>Expiration"`
	Arn         string `xml:"AssumeRoleWithWebIdentityResult>AssumedRoleUser>Arn"`
	Subject     string `xml:"AssumeRoleWithWebIdentityResult>SubjectFromWebIdentityToken"`
	Code        string `xml:"Error>Code"`
}

func assume(endpoint string, form url.Values) (int, *exampleReply, error) {
	resp, err := http.PostForm(endpoint, form)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var r exampleReply
	if err := xml.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, &r, nil
}

// A token minted by the server's issuer, exchanged at the emulated STS for EXAMPLE credentials.
func ExampleNewServer() {
	now := time.Date(2014, 10, 24, 22, 0, 23, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()

	token, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		fmt.Println(err)
		return
	}
	status, r, err := assume(srv.URL, url.Values{
		"Action":           {"AssumeRoleWithWebIdentity"},
		"Version":          {"2011-06-15"},
		"RoleArn":          {"arn:aws:iam::123456789012:role/GitHubActionsDeploy"},
		"RoleSessionName":  {"gha-deploy"},
		"WebIdentityToken": {token},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(status, r.AccessKeyID, r.Expiration)
	fmt.Println(r.Arn)
	fmt.Println(r.Subject)
	// Output:
	// 200 ASIAIOSFODNN7EXAMPLE 2014-10-24T23:00:23Z
	// arn:aws:sts::123456789012:assumed-role/GitHubActionsDeploy/gha-deploy
	// repo:octo-org/octo-repo:ref:refs/heads/main
}

// Replaying recorded exchanges: a throttled call, then the retry that succeeds.
func ExampleWithFixtureFiles() {
	srv := ststest.NewServer(ststest.WithFixtureFiles("../testdata/fixtures/sts/retry-throttling-then-success.txt"))
	defer srv.Close()

	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}}
	for i := 0; i < 3; i++ {
		status, r, err := assume(srv.URL, form)
		if err != nil {
			fmt.Println(err)
			return
		}
		if r.Code != "" {
			fmt.Println(status, r.Code)
		} else {
			fmt.Println(status, r.AccessKeyID)
		}
	}
	fmt.Println("unused:", len(srv.Unused()))
	// Output:
	// 400 Throttling
	// 200 ASIAIOSFODNN7EXAMPLE
	// 400 InvalidAction
	// unused: 0
}
