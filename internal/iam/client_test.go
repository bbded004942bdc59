package iam_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
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

// TestRepliesIAMCannotSend checks that values IAM could not have sent (an ARN with a newline, a
// MaxSessionDuration outside the model's range, a thumbprint that is not 40 hex digits) are a
// *ResponseError naming the element: diagnose prints these values as lines of its report.
func TestRepliesIAMCannotSend(t *testing.T) {
	role := func(arn, duration string) string {
		return `<GetRoleResponse><GetRoleResult><Role><Arn>` + arn + `</Arn><RoleName>deploy</RoleName>` +
			`<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><MaxSessionDuration>` + duration +
			`</MaxSessionDuration></Role></GetRoleResult></GetRoleResponse>`
	}
	provider := func(url, clientID, thumbprint string) string {
		return `<GetOpenIDConnectProviderResponse><GetOpenIDConnectProviderResult><Url>` + url + `</Url>` +
			`<ClientIDList><member>` + clientID + `</member></ClientIDList><ThumbprintList><member>` + thumbprint +
			`</member></ThumbprintList></GetOpenIDConnectProviderResult></GetOpenIDConnectProviderResponse>`
	}
	const arn, thumb = "arn:aws:iam::123456789012:role/deploy", "6938fd4d98bab03faadb97b34396831e3780aea1"
	tests := []struct {
		name, body, want string
	}{
		{"role ARN with a newline", role("arn:aws:iam::123456789012:role/x&#10;ok  injected", "3600"), "element GetRoleResult/Role/Arn is not an ARN"},
		{"MaxSessionDuration of 0", role(arn, "0"), "element GetRoleResult/Role/MaxSessionDuration is not a duration from 3600 to 43200 seconds"},
		{"MaxSessionDuration negative", role(arn, "-3600"), "MaxSessionDuration is not a duration"},
		{"MaxSessionDuration huge", role(arn, "9223372036854775807"), "MaxSessionDuration is not a duration"},
		{"provider URL with an escape", provider("token.actions.githubusercontent.com\u009b2J", "sts.amazonaws.com", thumb), "element GetOpenIDConnectProviderResult/Url is not an issuer URL"},
		{"empty client id", provider("gitlab.com", "", thumb), "ClientIDList/member[1] is not a client id"},
		{"client id with a newline", provider("gitlab.com", "a&#10;b", thumb), "ClientIDList/member[1] is not a client id"},
		{"short thumbprint", provider("gitlab.com", "sts.amazonaws.com", "6938fd4d"), "ThumbprintList/member[1] is not a thumbprint (40 hex digits)"},
		{"thumbprint not hex", provider("gitlab.com", "sts.amazonaws.com", strings.Repeat("z", 40)), "is not a thumbprint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/xml")
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c := &iam.Client{Credentials: creds, Endpoint: srv.URL, MaxAttempts: 1}
			var err error
			if strings.HasPrefix(tt.body, "<GetRole") {
				_, err = c.GetRole(context.Background(), "deploy")
			} else {
				_, err = c.GetOpenIDConnectProvider(context.Background(), "arn:aws:iam::123456789012:oidc-provider/gitlab.com")
			}
			var re *iam.ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("reply %q: err = %v; want *ResponseError containing %q", tt.body, err, tt.want)
			}
		})
	}
}
