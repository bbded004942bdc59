package iam_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/iam"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/trustpolicy"
)

var creds = sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

func client(t *testing.T, names ...string) (*iam.Client, *fixture.Transport) {
	t.Helper()
	var cases []*fixture.Case
	for _, n := range names {
		cases = append(cases, fixture.MustLoad(t, filepath.Join("..", "..", "testdata", "fixtures", "iam", n+".txt")))
	}
	tr := fixture.NewTransport(t, cases...)
	return &iam.Client{Credentials: creds, HTTPClient: tr.Client(), MaxAttempts: 1,
		Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }}, tr
}

func TestGetRole(t *testing.T) {
	c, tr := client(t, "get-role")
	r, err := c.GetRole(context.Background(), "deploy")
	if err != nil {
		t.Fatal(err)
	}
	if r.Arn != "arn:aws:iam::123456789012:role/deploy" || r.RoleName != "deploy" || r.MaxSessionDuration != 3600 {
		t.Errorf("GetRole(deploy) = %+v", r)
	}
	p, err := trustpolicy.Parse([]byte(r.AssumeRolePolicyDocument))
	if err != nil || len(p.Statements) != 1 || p.Statements[0].Principal.Federated[0] != "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("GetRole(deploy) document %q: %v", r.AssumeRolePolicyDocument, err)
	}
	// Signed for iam in us-east-1, with the example key.
	authz := tr.Sent()[0].Header.Get("Authorization")
	if want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/iam/aws4_request"; !strings.HasPrefix(authz, want) {
		t.Errorf("Authorization = %q; want prefix %q", authz, want)
	}
}

func TestGetRoleNoSuchEntity(t *testing.T) {
	c, _ := client(t, "error-get-role-no-such-entity")
	_, err := c.GetRole(context.Background(), "missing")
	var apiErr *iam.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "NoSuchEntity" || apiErr.StatusCode != 404 || !strings.HasPrefix(err.Error(), "iam: ") {
		t.Fatalf("GetRole(missing) = %v; want iam: NoSuchEntity (HTTP 404)", err)
	}
}

func TestProviders(t *testing.T) {
	c, _ := client(t, "list-open-id-connect-providers", "get-open-id-connect-provider", "get-open-id-connect-provider-gitlab")
	arns, err := c.ListOpenIDConnectProviders(context.Background())
	if err != nil || len(arns) != 2 {
		t.Fatalf("ListOpenIDConnectProviders() = %q, %v; want 2 ARNs", arns, err)
	}
	want := []iam.OpenIDConnectProvider{
		{ARN: arns[0], URL: "token.actions.githubusercontent.com", ClientIDs: []string{"sts.amazonaws.com"}, Thumbprints: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}},
		{ARN: arns[1], URL: "gitlab.com", ClientIDs: []string{"https://gitlab.com"}, Thumbprints: []string{"b3dd7606d2b5a8b4a13771dbecc9ee1cecafa38a"}},
	}
	for i, arn := range arns {
		p, err := c.GetOpenIDConnectProvider(context.Background(), arn)
		if err != nil || p.URL != want[i].URL || strings.Join(p.ClientIDs, ",") != strings.Join(want[i].ClientIDs, ",") || strings.Join(p.Thumbprints, ",") != strings.Join(want[i].Thumbprints, ",") {
			t.Errorf("GetOpenIDConnectProvider(%q) = %+v, %v; want %+v", arn, p, err, want[i])
		}
	}
}

func TestEndpoint(t *testing.T) {
	for _, tt := range []struct{ partition, url, region string }{
		{"", "https://iam.amazonaws.com/", "us-east-1"},
		{"aws-cn", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"},
		{"aws-us-gov", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"},
	} {
		u, r, err := iam.Endpoint(tt.partition)
		if u != tt.url || r != tt.region || err != nil {
			t.Errorf("Endpoint(%q) = %q, %q, %v; want %q, %q", tt.partition, u, r, err, tt.url, tt.region)
		}
	}
	if _, _, err := iam.Endpoint("aws-iso"); err == nil {
		t.Errorf("Endpoint(aws-iso) = nil error")
	}
}

// TestRedirectsAreNeverFollowed: a signed IAM call answered with a redirect is refused; the
// Authorization header never reaches the host the Location names.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	target := fixture.NewLanding(t)
	for _, status := range []int{301, 302, 303, 307, 308} {
		c := &iam.Client{Credentials: creds, Endpoint: fixture.Redirector(t, status, target.URL)}
		_, err := c.GetRole(context.Background(), "deploy")
		var re *httpx.RedirectError
		if !errors.As(err, &re) || re.StatusCode != status || re.Location != target.URL || !strings.HasPrefix(err.Error(), "iam: ") {
			t.Errorf("GetRole(HTTP %d redirect) = %v; want an iam: *httpx.RedirectError to %s", status, err, target.URL)
		}
	}
	if n := target.Contacted(); n != 0 {
		t.Errorf("the redirect target was contacted %d times; want never", n)
	}
}
