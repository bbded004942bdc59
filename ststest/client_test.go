package ststest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

func noBackoff(int) time.Duration { return 0 }

func ghInput(token string) *sts.AssumeRoleWithWebIdentityInput {
	return &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          "arn:aws:iam::123456789012:role/GitHubActionsDeploy",
		RoleSessionName:  "gha-deploy",
		WebIdentityToken: token,
	}
}

// TestClientAgainstEmulator runs the real sts.Client against the default emulated STS with a
// token from the server's own issuer.
func TestClientAgainstEmulator(t *testing.T) {
	now := time.Date(2014, 10, 24, 22, 0, 23, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithConfig(testConfig()), ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client()}
	in := ghInput(tok)
	in.DurationSeconds = 900
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity = %v; want credentials", err)
	}
	if !strings.HasPrefix(out.Credentials.AccessKeyID, "ASIA") || !strings.HasSuffix(out.Credentials.AccessKeyID, "EXAMPLE") || !out.Credentials.Expiration.Equal(now.Add(15*time.Minute)) ||
		out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/GitHubActionsDeploy/gha-deploy" ||
		out.SubjectFromWebIdentityToken != "repo:octo-org/octo-repo:ref:refs/heads/main" || out.Provider != srv.Issuer.URL {
		t.Errorf("AssumeRoleWithWebIdentity = %+v; want the emulator's EXAMPLE session", out)
	}
	if !strings.HasPrefix(out.Credentials.SessionToken, "IQoJb3JpZ2luX2VjEXAMPLE") || out.RequestID == "" {
		t.Errorf("SessionToken prefix or RequestID missing: RequestID %q", out.RequestID)
	}

	// Refused by the shared validation before sending: the server sees nothing.
	before := len(srv.Requests())
	bad := ghInput(tok)
	bad.RoleSessionName = "gha deploy/main"
	var ie *sts.InputError
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), bad); !errors.As(err, &ie) || ie.Field != "RoleSessionName" {
		t.Errorf("AssumeRoleWithWebIdentity(bad session) = %v; want *sts.InputError for RoleSessionName", err)
	}
	if got := len(srv.Requests()); got != before {
		t.Errorf("server received %d requests for refused input; want 0", got-before)
	}

	// Not a JWT: the emulator answers InvalidIdentityToken, which the client does not retry.
	_, err = c.AssumeRoleWithWebIdentity(context.Background(), ghInput("gho_EXAMPLEOPAQUEACCESSTOKEN"))
	var ae *sts.APIError
	if !errors.As(err, &ae) || ae.Code != "InvalidIdentityToken" || ae.StatusCode != 400 {
		t.Errorf("AssumeRoleWithWebIdentity(opaque token) = %v; want APIError InvalidIdentityToken 400", err)
	}
}

// TestClientAgainstFixtures replays every recorded STS case to the real client and checks the
// class of outcome the file name promises.
func TestClientAgainstFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(stsFixtures, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		t.Run(name, func(t *testing.T) {
			c := fixture.MustLoad(t, p)
			last := c.Exchanges[len(c.Exchanges)-1].Response
			srv := ststest.NewServer(ststest.WithFixtureFiles(p))
			defer srv.Close()
			cl := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: len(c.Exchanges), Backoff: noBackoff,
				Credentials: &aliceKey}
			form, _ := url.ParseQuery(string(c.Exchanges[0].Request.Body))
			out, err := callAction(cl, form.Get("Action"))
			var ae *sts.APIError
			var re *sts.ResponseError
			switch group := fixtureGroup(name); {
			case group == "success", group == "retry":
				if err != nil || out == nil {
					t.Errorf("%s(%s) = %+v, %v; want a result", form.Get("Action"), name, out, err)
				}
			case group == "error", name == "broken-service-unavailable-503":
				if !errors.As(err, &ae) || ae.StatusCode != last.StatusCode || !strings.Contains(string(last.Body), "<Code>"+ae.Code+"</Code>") {
					t.Errorf("AssumeRoleWithWebIdentity(%s) = %v; want *sts.APIError with the recorded code and status %d", name, err, last.StatusCode)
				}
			case strings.HasPrefix(name, "broken-"):
				if !errors.As(err, &re) || errors.As(err, &ae) {
					t.Errorf("AssumeRoleWithWebIdentity(%s) = %v (%T); want *sts.ResponseError", name, err, err)
				} else if strings.Contains(err.Error(), "wJalrXUtnF") {
					t.Errorf("AssumeRoleWithWebIdentity(%s) error quotes part of the secret key: %v", name, err)
				}
			default:
				t.Fatalf("fixture %s has no known group prefix", name)
			}
			if u := srv.Unused(); len(u) != 0 {
				t.Errorf("Unused() = %q; want every recorded exchange used", u)
			}
		})
	}
}

// aliceKey is AWS's documented EXAMPLE key of the IAM user Alice.
var aliceKey = sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// callAction makes the call named action with valid input; the replaying server answers by
// Action alone.
func callAction(cl *sts.Client, action string) (any, error) {
	ctx := context.Background()
	switch action {
	case "AssumeRoleWithWebIdentity":
		return nilIfErr(cl.AssumeRoleWithWebIdentity(ctx, ghInput(strings.Repeat("x", 8)+".e30.x")))
	case "AssumeRoleWithSAML":
		return nilIfErr(cl.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: "arn:aws:iam::123456789012:role/TestSaml",
			PrincipalArn: "arn:aws:iam::123456789012:saml-provider/SAML-test", SAMLAssertion: "PHNhbWxwOlJlc3BvbnNlLz4="}))
	case "AssumeRole":
		return nilIfErr(cl.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "testAR"}))
	case "GetCallerIdentity":
		return nilIfErr(cl.GetCallerIdentity(ctx))
	case "GetSessionToken":
		return nilIfErr(cl.GetSessionToken(ctx, nil))
	case "DecodeAuthorizationMessage":
		return nilIfErr(cl.DecodeAuthorizationMessage(ctx, "EXAMPLE-encoded-message"))
	case "GetAccessKeyInfo":
		return nilIfErr(cl.GetAccessKeyInfo(ctx, "AKIAI44QH8DHBEXAMPLE"))
	}
	return nil, fmt.Errorf("no call for Action %q", action)
}

// nilIfErr returns out as an interface that is nil when err is set.
func nilIfErr[T any](out *T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fixtureGroup returns a case's group, the part of its name after the operation (if any) up
// to the next dash: success, error, broken or retry.
func fixtureGroup(name string) string {
	for _, op := range []string{"assume-role-with-saml-", "assume-role-", "get-caller-identity-", "get-session-token-",
		"decode-authorization-message-", "get-access-key-info-"} {
		if strings.HasPrefix(name, op) {
			name = strings.TrimPrefix(name, op)
			break
		}
	}
	group, _, _ := strings.Cut(name, "-")
	return group
}

// TestClientAgainstHandler lets the test play STS: a proxy's HTML page is a response error.
func TestClientAgainstHandler(t *testing.T) {
	srv := ststest.NewServer(ststest.WithHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
	})))
	defer srv.Close()
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 2, Backoff: noBackoff}
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), ghInput(ghToken))
	var re *sts.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("AssumeRoleWithWebIdentity = %v (%T); want *sts.ResponseError", err, err)
	}
	if got := len(srv.Requests()); got != 2 {
		t.Errorf("handler saw %d requests; want 2 (a 502 is retried)", got)
	}
	if strings.Contains(err.Error(), ghToken) {
		t.Errorf("error text contains the WebIdentityToken")
	}
}
