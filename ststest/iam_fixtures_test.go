package ststest_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/ststest"
)

// fixtureAccount holds what the IAM fixtures' requests name: the GitHub Actions and GitLab
// providers of get-open-id-connect-provider*.txt, the role deploy of get-role.txt, and the roles
// of the IAM API's examples (S3Access, S3AccessForEC2Instances, ReadOnlyRole).
func fixtureAccount() ststest.Config {
	c := emptyAccount()
	gh := ststest.PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},` +
		`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`)
	ec2 := ststest.PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	c.OpenIDConnectProviders = []ststest.OIDCProvider{
		{Url: "https://token.actions.githubusercontent.com", ClientIDList: []string{"sts.amazonaws.com"}, ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}},
		{Url: "https://gitlab.com", ClientIDList: []string{"https://gitlab.com"}, ThumbprintList: []string{"b3dd7606d2b5a8b4a13771dbecc9ee1cecafa38a"}},
	}
	c.Roles = []ststest.Role{
		{RoleName: "deploy", AssumeRolePolicyDocument: gh},
		{RoleName: "S3Access", AssumeRolePolicyDocument: ec2},
		{RoleName: "S3AccessForEC2Instances", AssumeRolePolicyDocument: ec2},
		{RoleName: "ReadOnlyRole", AssumeRolePolicyDocument: ec2},
	}
	return c
}

// TestIAMRepliesMatchFixtures sends the request of every recorded IAM exchange
// (testdata/fixtures/iam, written from AWS's documentation) to the emulator, signed with the
// admin key, and compares the reply with the recording: the same status, for a success the same
// elements (values aside: ids, dates and request ids differ), for an error the same Code and
// Message.
func TestIAMRepliesMatchFixtures(t *testing.T) {
	paths, err := filepath.Glob("../testdata/fixtures/iam/*.txt")
	if err != nil || len(paths) < 10 {
		t.Fatalf("Glob = %d files, %v; want the IAM fixtures", len(paths), err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		t.Run(name, func(t *testing.T) {
			c, err := fixture.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			if c.Comment == "" {
				t.Errorf("%s has no comment naming its facts", name)
			}
			srv, _ := iamServer(t, fixtureAccount())
			for i, ex := range c.Exchanges {
				form, err := url.ParseQuery(string(ex.Request.Body))
				if err != nil || form.Get("Version") != "2010-05-08" || ex.Request.Header.Get("Authorization") != "*" {
					t.Fatalf("exchange %d: request is not a signed IAM form POST: %v", i, err)
				}
				action := form.Get("Action")
				form.Del("Action")
				form.Del("Version")
				got := iamCall(t, srv, &aliceKey, iamNow, action, form)
				want := ex.Response
				if got.status != want.StatusCode {
					t.Fatalf("exchange %d: %s = HTTP %d\n%s\nwant HTTP %d", i, action, got.status, got.body, want.StatusCode)
				}
				if got.header.Get("Content-Type") != want.Header.Get("Content-Type") {
					t.Errorf("exchange %d: Content-Type %q; want %q", i, got.header.Get("Content-Type"), want.Header.Get("Content-Type"))
				}
				if want.StatusCode >= 300 {
					wantReply := adminReply{status: want.StatusCode, body: want.Body}
					wc, wm := wantReply.code()
					if gc, gm := got.code(); gc != wc || gm != wm {
						t.Errorf("exchange %d: %s = %s %q; want %s %q", i, action, gc, gm, wc, wm)
					}
				}
				if diff := cmp.Diff(elements(t, want.Body), elements(t, got.body)); diff != "" {
					t.Errorf("exchange %d: %s reply elements differ from the recording (-recorded +emulator):\n%s\n%s", i, action, diff, got.body)
				}
			}
		})
	}
}

// elements lists the paths of the elements of an XML document (namespace aside), each once,
// sorted: the shape of a reply, whatever the order AWS's examples give its elements.
func elements(t *testing.T, body []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(body))
	var path []string
	seen := map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, body)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			path = append(path, e.Name.Local)
			seen[strings.Join(path, "/")] = true
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
