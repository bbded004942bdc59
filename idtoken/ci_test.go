package idtoken

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/httpx"
)

// requestToken is the Actions runtime's (or Buildkite agent's) bearer token in these tests.
const requestToken = "ghs_EXAMPLErequestTOKEN0123456789"

// githubRuntime is a fake of the Actions runtime's ID-token endpoint: it checks what GitHub
// checks and answers {"count":…,"value":TOKEN} with a token whose claims name the audience.
func githubRuntime(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/_apis/idtoken" || r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, "wrong request "+r.Method+" "+r.URL.String(), http.StatusBadRequest)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+requestToken {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"bad token `+r.Header.Get("Authorization")+`"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"count": 1, "value": "eyJhbGciOiJSUzI1NiJ9.aud-" + r.URL.Query().Get("audience") + ".c2ln"})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func githubEnv(srv *httptest.Server) map[string]string {
	return map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   srv.URL + "/_apis/idtoken?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": requestToken,
	}
}

func TestGitHubActions(t *testing.T) {
	ctx := context.Background()
	srv := githubRuntime(t)
	g, err := GitHubActionsFromEnv(envOf(githubEnv(srv)), STSAudience)
	if err != nil {
		t.Fatal(err)
	}
	got, err := g.Token(ctx)
	if want := "eyJhbGciOiJSUzI1NiJ9.aud-sts.amazonaws.com.c2ln"; err != nil || got != want {
		t.Fatalf("GitHubActions.Token = %q, %v; want %q", got, err, want)
	}
	g.Audience = ""
	if got, err := g.Token(ctx); err != nil || got != "eyJhbGciOiJSUzI1NiJ9.aud-.c2ln" {
		t.Errorf("GitHubActions{Audience: \"\"}.Token = %q, %v; want no audience parameter", got, err)
	}

	g.RequestToken = "ghs_wrongTOKENwrongTOKEN"
	_, err = g.Token(ctx)
	var re *ResponseError
	if !errors.As(err, &re) || re.StatusCode != 401 || re.Source != "GitHub Actions" {
		t.Fatalf("GitHubActions(wrong token).Token = %v; want a ResponseError 401", err)
	}
	if strings.Contains(err.Error(), g.RequestToken) || !strings.Contains(err.Error(), "bad token Bearer <redacted") {
		t.Errorf("GitHubActions(wrong token) error %q: want the echoed request token scrubbed", err)
	}
}

// TestGitHubActionsMissingPermission: a job without `permissions: id-token: write` has no
// request variables, and the error says so.
func TestGitHubActionsMissingPermission(t *testing.T) {
	for _, env := range []map[string]string{
		{"GITHUB_ACTIONS": "true"},
		{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": "https://example.com/x?a=1"},
		nil,
	} {
		_, err := GitHubActionsFromEnv(envOf(env), STSAudience)
		if !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "permissions: id-token: write") || !strings.Contains(err.Error(), "ACTIONS_ID_TOKEN_REQUEST_TOKEN") {
			t.Errorf("GitHubActionsFromEnv(%v) = %v; want ErrNoToken naming the variable and the permission", env, err)
		}
	}
	_, err := GitHubActionsFromEnv(envOf(nil), "")
	if err == nil || !strings.Contains(err.Error(), "GITHUB_ACTIONS is not true") {
		t.Errorf("GitHubActionsFromEnv(outside Actions) = %v; want it to say this is not an Actions job", err)
	}
	_, _, err = Detect(envOf(map[string]string{"GITHUB_ACTIONS": "true", "AWS_WEB_IDENTITY_TOKEN_FILE": "/x"}), STSAudience, nil)
	if !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "id-token: write") {
		t.Errorf("Detect(GitHub without permission) = %v; want the permission error, not the token file", err)
	}
}

// TestHTTPSourcesRefuse: replies that carry no token are ResponseErrors; redirects are never
// followed; transport errors that echo the request token are scrubbed.
func TestHTTPSourcesRefuse(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"not JSON", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>proxy</html>") }, "not a JSON object"},
		{"no value", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"count":0}`) }, `no "value" string`},
		{"value not a string", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"value":7}`) }, `no "value" string`},
		{"500 echoing the token in JSON", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, `{"error":"`+r.Header.Get("Authorization")+`"}`)
		}, "HTTP 500"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			g := &GitHubActions{RequestURL: srv.URL + "/?x=1", RequestToken: requestToken}
			_, err := g.Token(ctx)
			var re *ResponseError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), requestToken) {
				t.Errorf("Token = %v; want a ResponseError containing %q, without the request token", err, tt.want)
			}
		})
	}

	var followed bool
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed = true }))
	defer target.Close()
	redirector := httptest.NewServer(http.RedirectHandler(target.URL+"/steal", http.StatusTemporaryRedirect))
	defer redirector.Close()
	_, err := (&GitHubActions{RequestURL: redirector.URL + "/?x=1", RequestToken: requestToken}).Token(ctx)
	var redirect *httpx.RedirectError
	if !errors.As(err, &redirect) || followed {
		t.Errorf("Token(redirect) = %v, followed %v; want a RedirectError and nothing sent on", err, followed)
	}

	// A server that answers with a broken status line quoting the Authorization header: Go's
	// transport quotes that line in its error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		io.WriteString(c, strings.ReplaceAll(req.Header.Get("Authorization"), " ", "")+"\r\n\r\n")
	}()
	_, err = (&GitHubActions{RequestURL: "http://" + ln.Addr().String() + "/?x=1", RequestToken: requestToken}).Token(ctx)
	if err == nil || strings.Contains(err.Error(), requestToken) || !strings.Contains(err.Error(), "malformed HTTP response") {
		t.Errorf("Token(broken status line) = %v; want the transport error with the token scrubbed", err)
	}

	if _, err := (&GitHubActions{RequestURL: "http://example.com/?x=1", RequestToken: requestToken}).Token(ctx); err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("Token(plain http to a remote host) = %v; want it refused before sending", err)
	}
}

func TestGitLab(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, variable, audience string
		env                      map[string]string
		want, wantErr            string
	}{
		{"named", "MY_TOKEN", "", map[string]string{"MY_TOKEN": jwt}, "MY_TOKEN", ""},
		{"named but unset", "MY_TOKEN", "", nil, "", "MY_TOKEN is not set; give the job `id_tokens: {MY_TOKEN: {aud: sts.amazonaws.com}}`"},
		{"usual name", "", "", map[string]string{"GITLAB_OIDC_TOKEN": jwt}, "GITLAB_OIDC_TOKEN", ""},
		{"ci-id name from the audience", "", "sts.amazonaws.com", map[string]string{"STS_AMAZONAWS_COM_ID_TOKEN": jwt}, "STS_AMAZONAWS_COM_ID_TOKEN", ""},
		{"none", "", "", nil, "", "none of GITLAB_OIDC_TOKEN, AWS_ID_TOKEN, ID_TOKEN, ID_TOKEN_1 is set"},
		{"several", "", "", map[string]string{"GITLAB_OIDC_TOKEN": jwt, "ID_TOKEN_1": jwt}, "", "GITLAB_OIDC_TOKEN and ID_TOKEN_1 are all set"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, name, err := GitLabFromEnv(envOf(tt.env), tt.variable, tt.audience)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("GitLabFromEnv = %v; want ErrNoToken containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || name != tt.want {
				t.Fatalf("GitLabFromEnv = %q, %v; want %q", name, err, tt.want)
			}
			if got, err := src.Token(ctx); err != nil || got != jwt {
				t.Errorf("Token = %q, %v", got, err)
			}
		})
	}
}

func TestCircleCI(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"CIRCLE_OIDC_TOKEN": "v1", "CIRCLE_OIDC_TOKEN_V2": "v2"}, "CIRCLE_OIDC_TOKEN_V2"},
		{map[string]string{"CIRCLE_OIDC_TOKEN": "v1"}, "CIRCLE_OIDC_TOKEN"},
	} {
		_, name, err := CircleCIFromEnv(envOf(tt.env))
		if err != nil || name != tt.want {
			t.Errorf("CircleCIFromEnv(%v) = %q, %v; want %q", tt.env, name, err, tt.want)
		}
	}
	if _, _, err := CircleCIFromEnv(envOf(nil)); !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "CIRCLE_OIDC_TOKEN_V2") {
		t.Errorf("CircleCIFromEnv(nothing) = %v; want ErrNoToken naming the variables", err)
	}
}

// buildkiteAgent is a fake of the agent API's OIDC token endpoint.
func buildkiteAgent(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v3/jobs/0190-job-EXAMPLE/oidc/tokens" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "wrong request", http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Token "+requestToken {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"Unauthorized: `+r.Header.Get("Authorization")+`"}`)
			return
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		aud, _ := body["audience"].(string)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{"token": "eyJhbGciOiJSUzI1NiJ9.aud-" + aud + ".c2ln"})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBuildkite(t *testing.T) {
	ctx := context.Background()
	srv := buildkiteAgent(t)
	env := map[string]string{"BUILDKITE": "true", "BUILDKITE_AGENT_ENDPOINT": srv.URL + "/v3/", "BUILDKITE_JOB_ID": "0190-job-EXAMPLE", "BUILDKITE_AGENT_ACCESS_TOKEN": requestToken}
	b, err := BuildkiteFromEnv(envOf(env), STSAudience)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Token(ctx); err != nil || got != "eyJhbGciOiJSUzI1NiJ9.aud-sts.amazonaws.com.c2ln" {
		t.Errorf("Buildkite.Token = %q, %v", got, err)
	}
	b.AccessToken = "bkaWRONGwrongWRONG"
	_, err = b.Token(ctx)
	var re *ResponseError
	if !errors.As(err, &re) || re.StatusCode != 401 || strings.Contains(err.Error(), b.AccessToken) {
		t.Errorf("Buildkite(wrong token).Token = %v; want a 401 ResponseError without the token", err)
	}
	delete(env, "BUILDKITE_AGENT_ACCESS_TOKEN")
	if _, err := BuildkiteFromEnv(envOf(env), STSAudience); !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "BUILDKITE_AGENT_ACCESS_TOKEN") {
		t.Errorf("BuildkiteFromEnv(no access token) = %v; want ErrNoToken naming it", err)
	}
	if b, err := BuildkiteFromEnv(envOf(map[string]string{"BUILDKITE_JOB_ID": "j", "BUILDKITE_AGENT_ACCESS_TOKEN": "t"}), ""); err != nil || b.Endpoint != "" {
		t.Errorf("BuildkiteFromEnv(no endpoint) = %+v, %v; want the default endpoint", b, err)
	}
}

func TestDetect(t *testing.T) {
	gh := githubRuntime(t)
	bk := buildkiteAgent(t)
	for _, tt := range []struct {
		name     string
		env      map[string]string
		wantDesc string
		wantTok  string
	}{
		{"GitHub", githubEnv(gh), "GitHub Actions (the runtime's ID-token endpoint, audience sts.amazonaws.com)", "eyJhbGciOiJSUzI1NiJ9.aud-sts.amazonaws.com.c2ln"},
		{"GitLab", map[string]string{"GITLAB_CI": "true", "GITLAB_OIDC_TOKEN": jwt}, "GitLab CI (the id_tokens variable GITLAB_OIDC_TOKEN; its audience is the aud .gitlab-ci.yml gives it)", jwt},
		{"CircleCI", map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN_V2": jwt}, "CircleCI (CIRCLE_OIDC_TOKEN_V2; its audience is the organization ID)", jwt},
		{"Buildkite", map[string]string{"BUILDKITE": "true", "BUILDKITE_AGENT_ENDPOINT": bk.URL + "/v3", "BUILDKITE_JOB_ID": "0190-job-EXAMPLE", "BUILDKITE_AGENT_ACCESS_TOKEN": requestToken},
			"Buildkite (the agent's OIDC token for job 0190-job-EXAMPLE, audience sts.amazonaws.com)", "eyJhbGciOiJSUzI1NiJ9.aud-sts.amazonaws.com.c2ln"},
		{"a CI wins over a token file", map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN": jwt, "AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent"}, "CircleCI (CIRCLE_OIDC_TOKEN; its audience is the organization ID)", jwt},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, desc, err := Detect(envOf(tt.env), STSAudience, nil)
			if err != nil || desc != tt.wantDesc {
				t.Fatalf("Detect = %q, %v; want %q", desc, err, tt.wantDesc)
			}
			if got, err := src.Token(context.Background()); err != nil || got != tt.wantTok {
				t.Errorf("Detect's source Token = %q, %v; want %q", got, err, tt.wantTok)
			}
		})
	}
	src, desc, err := Detect(envOf(map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}), STSAudience, nil)
	if err != nil || src == nil || !strings.HasPrefix(desc, "the token file /var/run/secrets/eks.amazonaws.com/serviceaccount/token") {
		t.Errorf("Detect(EKS) = %q, %v", desc, err)
	}
	if _, _, err := Detect(envOf(nil), STSAudience, nil); !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "no token source detected") {
		t.Errorf("Detect(nothing) = %v; want ErrNoToken", err)
	}
}

// TestPrintingHidesSecrets: a source printed by mistake (a log line, %+v in a test) shows no
// request token, access token or password.
func TestPrintingHidesSecrets(t *testing.T) {
	const secret = "s3cr3t-EXAMPLE-value"
	for _, v := range []any{
		&GitHubActions{RequestURL: "https://x/?a=1", RequestToken: secret},
		GitHubActions{RequestToken: secret},
		&Buildkite{JobID: "j", AccessToken: secret},
		&Cognito{Login: cognitoauth.LoginInput{Username: "alice", Password: secret}},
	} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, secret) || !strings.Contains(got, "redacted") {
				t.Errorf("Sprintf(%q, %T) = %s", verb, v, got)
			}
		}
	}
}
