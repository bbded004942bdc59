package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

const (
	fakeRequestToken = "ghs-request-token-EXAMPLE-0123456789"
	fakeAgentToken   = "bkua-agent-token-EXAMPLE-0123456789"
)

// mintToken returns an ID token of the emulator's default issuer (aud sts.amazonaws.com,
// trusted by DemoRole) and the emulator.
func mintToken(t *testing.T) (string, *ststest.Server) {
	t.Helper()
	srv := ststest.NewServer()
	t.Cleanup(srv.Close)
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	return tok, srv
}

// fakeGitHub serves the Actions ID-token endpoint: GET with the request token as a bearer,
// the audience in the query, the token in "value". A wrong bearer gets a 403 that echoes it,
// as a careless proxy might.
func fakeGitHub(t *testing.T, token string) (*httptest.Server, *[]string) {
	t.Helper()
	var audiences []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Query().Get("api-version") != "2.0" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+fakeRequestToken {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"message":"Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable for `+strings.TrimPrefix(got, "Bearer ")+`"}`)
			return
		}
		audiences = append(audiences, r.URL.Query().Get("audience"))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"count": 1, "value": token})
	}))
	t.Cleanup(srv.Close)
	return srv, &audiences
}

func githubEnv(srv *httptest.Server) map[string]string {
	return map[string]string{"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": srv.URL + "/idtoken?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": fakeRequestToken}
}

// fakeBuildkite serves the agent API's OIDC token request.
func fakeBuildkite(t *testing.T, token string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Audience string }
		json.NewDecoder(r.Body).Decode(&body)
		if r.Method != http.MethodPost || r.URL.Path != "/jobs/0190-job-EXAMPLE/oidc/tokens" ||
			r.Header.Get("Authorization") != "Token "+fakeAgentToken || body.Audience != "sts.amazonaws.com" {
			http.Error(w, `{"message":"Forbidden"}`, http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"token": token})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTokenSources: each source through `rawsts token`, against a fake of its CI's endpoint or
// environment: the token alone on stdout, the secrets used to fetch it never on stderr.
func TestTokenSources(t *testing.T) {
	token, _ := mintToken(t)
	gh, audiences := fakeGitHub(t, token)
	bk := fakeBuildkite(t, token)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, token+"\n")
	bkEnv := map[string]string{"BUILDKITE": "true", "BUILDKITE_AGENT_ENDPOINT": bk.URL, "BUILDKITE_JOB_ID": "0190-job-EXAMPLE",
		"BUILDKITE_AGENT_ACCESS_TOKEN": fakeAgentToken}
	for _, tt := range []struct {
		name       string
		env        map[string]string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"github", githubEnv(gh), []string{"--from", "github"}, exitOK, token + "\n", ""},
		{"github missing permission", map[string]string{"GITHUB_ACTIONS": "true"}, []string{"--from", "github"}, exitUsage, "",
			"rawsts: GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN not set in this job; the workflow or job needs `permissions: id-token: write`"},
		{"github refused", merge(githubEnv(gh), map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "ghs-wrong-token-EXAMPLE-98765"}), []string{"--from", "github"}, exitRefused, "",
			"rawsts: GitHub Actions answered HTTP 403: {\"message\":\"Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable for <redacted 29 chars>\"}; the job's request token was refused: check that the job has `permissions: id-token: write`"},
		{"gitlab usual name", map[string]string{"GITLAB_CI": "true", "GITLAB_OIDC_TOKEN": token}, []string{"--from", "gitlab"}, exitOK, token + "\n", ""},
		{"gitlab named", map[string]string{"GITLAB_CI": "true", "MY_AWS_TOKEN": " " + token + "\n"}, []string{"--from", "gitlab:MY_AWS_TOKEN"}, exitOK, token + "\n", ""},
		{"gitlab none", map[string]string{"GITLAB_CI": "true"}, []string{"--from", "gitlab"}, exitUsage, "", "id_tokens"},
		{"circleci v2 first", map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN": "v1-token", "CIRCLE_OIDC_TOKEN_V2": token}, []string{"--from", "circleci"}, exitOK, token + "\n", ""},
		{"circleci v1", map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN": token}, []string{"--from", "circleci"}, exitOK, token + "\n", ""},
		{"circleci none", map[string]string{"CIRCLECI": "true"}, []string{"--from", "circleci"}, exitUsage, "", "CIRCLE_OIDC_TOKEN"},
		{"buildkite", bkEnv, []string{"--from", "buildkite"}, exitOK, token + "\n", ""},
		{"buildkite refused", merge(bkEnv, map[string]string{"BUILDKITE_JOB_ID": "other"}), []string{"--from", "buildkite"}, exitRefused, "", "rawsts: Buildkite answered HTTP 403"},
		{"buildkite missing", map[string]string{"BUILDKITE": "true"}, []string{"--from", "buildkite"}, exitUsage, "", "BUILDKITE_JOB_ID"},
		{"file", nil, []string{"--from", "file:" + tokenFile}, exitOK, token + "\n", ""},
		{"file from AWS_WEB_IDENTITY_TOKEN_FILE", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile}, []string{"--from", "file"}, exitOK, token + "\n", ""},
		{"file missing", nil, []string{"--from", "file:" + tokenFile + ".absent"}, exitUsage, "", "does not exist"},
		{"env", map[string]string{"TOK": token}, []string{"--from", "env:TOK"}, exitOK, token + "\n", ""},
		{"env unset", nil, []string{"--from", "env:TOK"}, exitUsage, "", "TOK"},
		{"command", nil, []string{"--from", "command:cat " + tokenFile}, exitOK, token + "\n", ""},
		{"command fails", nil, []string{"--from", "command:sh -c 'echo nope >&2; exit 3'"}, exitRefused, "", "exited with status 3: nope"},
		{"auto github", githubEnv(gh), nil, exitOK, token + "\n", "rawsts: token source: GitHub Actions"},
		{"auto buildkite", bkEnv, []string{"--from", "auto"}, exitOK, token + "\n", "rawsts: token source: Buildkite"},
		{"auto gitlab", map[string]string{"GITLAB_CI": "true", "ID_TOKEN": token}, nil, exitOK, token + "\n", "rawsts: token source: GitLab CI (the id_tokens variable ID_TOKEN"},
		{"auto eks", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile}, nil, exitOK, token + "\n", "rawsts: token source: the token file " + tokenFile},
		{"auto nothing", nil, nil, exitUsage, "", "no token source detected"},
		{"unknown source", nil, []string{"--from", "jenkins"}, exitUsage, "", `--from "jenkins": want one of github`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", nil, append([]string{"token"}, tt.args...)...)
			if r.code != tt.wantCode || r.stdout != tt.wantStdout || !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("rawsts token %v: exit %d, stdout %q, stderr %q; want %d, %q and %q", tt.args, r.code, r.stdout, r.stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
			for _, secret := range []string{fakeRequestToken, fakeAgentToken, token, "ghs-wrong-token-EXAMPLE-98765"} {
				if strings.Contains(r.stderr, secret) {
					t.Errorf("stderr shows a secret: %q", r.stderr)
				}
			}
		})
	}
	for _, a := range *audiences {
		if a != "sts.amazonaws.com" {
			t.Errorf("GitHub was asked for audience %q; want sts.amazonaws.com", a)
		}
	}
}

// TestTokenInspect: --inspect prints inspect's report of the token fetched, not the token.
func TestTokenInspect(t *testing.T) {
	token, _ := mintToken(t)
	gh, _ := fakeGitHub(t, token)
	r := runCLI(t, githubEnv(gh), "", nil, "token", "--from", "github", "--inspect", "--audience", "sts.amazonaws.com")
	if strings.Contains(r.stdout, token) || !strings.Contains(r.stdout, "Claims") || !strings.Contains(r.stdout, "repo:octo-org/octo-repo:ref:refs/heads/main") {
		t.Errorf("token --inspect: exit %d, stdout %q", r.code, r.stdout)
	}
	// The CLI runs at fixedNow (2014), before the token was issued: a finding that is an error.
	if r.code != exitRefused {
		t.Errorf("token --inspect of a token not yet valid: exit %d; want 1", r.code)
	}
}

// TestTokenCognito: --from cognito logs in to the emulator's pool and prints the ID token.
func TestTokenCognito(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	r := runCLI(t, nil, ststest.DefaultPassword+"\n", nil, "token", "--from", "cognito", "--endpoint", srv.URL,
		"--pool-id", ststest.DefaultPoolID, "--client-id", ststest.DefaultClientID, "--username", ststest.DefaultUsername,
		"--password-stdin", "--flow", "password")
	if r.code != exitOK || strings.Count(r.stdout, ".") != 2 || strings.Contains(r.stderr, ststest.DefaultPassword) {
		t.Errorf("token --from cognito: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// TestAssumeTokenFrom: assume --token-from gets the token from a CI (GitHub here, its endpoint
// faked) and exchanges it at the emulator; it cannot be combined with a token flag.
func TestAssumeTokenFrom(t *testing.T) {
	token, srv := mintToken(t)
	gh, _ := fakeGitHub(t, token)
	env := githubEnv(gh)
	r := runCLI(t, env, "", nil, "assume", "--endpoint", srv.URL, "--role-arn", ststest.DemoRoleArn, "--token-from", "auto", "--output", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"Arn": "arn:aws:sts::123456789012:assumed-role/DemoRole/`) ||
		!strings.Contains(r.stderr, "rawsts: token source: GitHub Actions") || strings.Contains(r.stderr, fakeRequestToken) {
		t.Errorf("assume --token-from auto: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "", nil, "assume", "--endpoint", srv.URL, "--role-arn", ststest.DemoRoleArn, "--token-from", "github", "--web-identity-token", token)
	if r.code != exitUsage || !strings.Contains(r.stderr, "give the token once: --token-from or --web-identity-token(-file), not both") {
		t.Errorf("--token-from with --web-identity-token: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, map[string]string{"GITHUB_ACTIONS": "true"}, "", nil, "assume", "--endpoint", srv.URL, "--role-arn", ststest.DemoRoleArn, "--token-from", "github")
	if r.code != exitUsage || !strings.Contains(r.stderr, "permissions: id-token: write") {
		t.Errorf("--token-from github without the permission: exit %d, stderr %q", r.code, r.stderr)
	}
	if n := countActions(srv, "AssumeRoleWithWebIdentity"); n != 1 {
		t.Errorf("exchanges = %d; want 1 (the refused ones send nothing)", n)
	}
}

// TestAssumeProfile: assume --profile takes the role, the token file and the session name of
// a web identity profile; a profile that is not one says what to use; an unknown profile
// names --ini-profile for those used to --profile's old meaning.
func TestAssumeProfile(t *testing.T) {
	srv, tokenFile := emulatorWithToken(t, func() time.Time { return fixedNow })
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	writeFile(t, config, "[profile ci]\nrole_arn = "+ststest.DemoRoleArn+"\nweb_identity_token_file = "+tokenFile+"\nrole_session_name = from-profile\n\n"+
		"[profile keys]\nregion = eu-west-1\n")
	env := map[string]string{"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials")}
	r := runCLI(t, env, "", nil, "assume", "--endpoint", srv.URL, "--profile", "ci", "--output", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, "assumed-role/DemoRole/from-profile") {
		t.Errorf("assume --profile ci: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "", nil, "assume", "--endpoint", srv.URL, "--profile", "keys")
	if r.code != exitUsage || !strings.Contains(r.stderr, "rawsts exec --profile keys") {
		t.Errorf("assume --profile keys: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, env, "", nil, "assume", "--endpoint", srv.URL, "--profile", "prod", "--output", "ini", "--web-identity-token-file", tokenFile)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--profile prod: no such profile") || !strings.Contains(r.stderr, "--ini-profile") {
		t.Errorf("assume --profile prod (the old meaning): exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestSignedCommandsTakeProfiles: whoami --profile (and assume-role --profile) use a profile
// whose role is assumed with another profile's web identity session, as the AWS CLI would.
func TestSignedCommandsTakeProfiles(t *testing.T) {
	srv, tokenFile := emulatorWithToken(t, func() time.Time { return fixedNow })
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	writeFile(t, config, "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/Deploy\nsource_profile = ci\nrole_session_name = release\n\n"+
		"[profile ci]\nrole_arn = "+ststest.DemoRoleArn+"\nweb_identity_token_file = "+tokenFile+"\nrole_session_name = ci\n\n"+
		"[profile loop]\nrole_arn = "+ststest.DemoRoleArn+"\nsource_profile = loop2\n[profile loop2]\nrole_arn = "+ststest.DemoRoleArn+"\nsource_profile = loop\n")
	env := merge(exampleEnv(), map[string]string{"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_ENDPOINT_URL_STS": srv.URL})
	r := runCLI(t, env, "", nil, "whoami", "--profile", "deploy")
	if r.code != exitOK || !strings.Contains(r.stdout, "assumed-role/Deploy/release") {
		t.Errorf("whoami --profile deploy: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "", nil, "assume-role", "--profile", "ci", "--role-arn", "arn:aws:iam::123456789012:role/Deploy", "--role-session-name", "chained", "--output", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, "assumed-role/Deploy/chained") {
		t.Errorf("assume-role --profile ci: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, env, "", nil, "whoami", "--profile", "loop")
	if r.code != exitUsage || !strings.Contains(r.stderr, "loop -> loop2 -> loop") || strings.Contains(r.stderr, "creds:") {
		t.Errorf("whoami --profile loop: exit %d, stderr %q; want 2 naming the cycle", r.code, r.stderr)
	}
	r = runCLI(t, env, "", nil, "assume-role", "--profile", "ci", "--source-profile", "deploy", "--role-arn", "arn:aws:iam::123456789012:role/Deploy")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--source-profile is the old name of --profile") {
		t.Errorf("assume-role --profile and --source-profile: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestCognitoAdminProfile: cognito --flow admin signs AdminInitiateAuth with --profile's keys,
// not the environment's (which are wrong here), as the AWS CLI's --profile does.
func TestCognitoAdminProfile(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	credsFile := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, credsFile, "[admin]\naws_access_key_id = "+ststest.UserAccessKeyID+"\naws_secret_access_key = "+ststest.UserSecretAccessKey+"\n")
	env := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": credsFile, "AWS_CONFIG_FILE": credsFile + ".absent",
		"AWS_ACCESS_KEY_ID": "AKIAWRONGWRONGEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wrongwrongwrongwrongwrongwrongwrongwrong"}
	args := []string{"cognito", "login", "--endpoint", srv.URL, "--pool-id", ststest.DefaultPoolID, "--client-id", ststest.DefaultClientID,
		"--username", ststest.DefaultUsername, "--password-stdin", "--flow", "admin"}
	if r := runCLI(t, env, ststest.DefaultPassword+"\n", nil, append(args, "--profile", "admin")...); r.code != exitOK || strings.Count(r.stdout, ".") != 2 {
		t.Errorf("cognito login --flow admin --profile admin: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, env, ststest.DefaultPassword+"\n", nil, args...); r.code != exitRefused {
		t.Errorf("cognito login --flow admin with the environment's wrong keys: exit %d, stderr %q; want 1", r.code, r.stderr)
	}
}
