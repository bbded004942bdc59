package idtoken_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/rawsts/rawsts/idtoken"
)

// A GitHub Actions job asks the Actions runtime for a token with the audience STS expects.
// Here a fake runtime on loopback stands in for GitHub's.
func ExampleGitHubActions() {
	runtime := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("runtime got:", r.Method, r.URL.Query().Get("audience"), r.Header.Get("Authorization") != "")
		json.NewEncoder(w).Encode(map[string]any{"count": 1, "value": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"})
	}))
	defer runtime.Close()
	env := map[string]string{ // what GitHub sets in a job with `permissions: id-token: write`
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   runtime.URL + "/_apis/idtoken?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "ghs_EXAMPLE",
	}
	src, err := idtoken.GitHubActionsFromEnv(func(k string) string { return env[k] }, idtoken.STSAudience)
	if err != nil {
		fmt.Println(err)
		return
	}
	token, err := src.Token(context.Background())
	fmt.Println(token, err)
	// Output:
	// runtime got: GET sts.amazonaws.com true
	// eyJhbGciOiJSUzI1NiJ9.e30.c2ln <nil>
}

// Without `permissions: id-token: write` GitHub does not set the request variables, and the
// error says what to add to the workflow.
func ExampleGitHubActionsFromEnv_missingPermission() {
	env := map[string]string{"GITHUB_ACTIONS": "true"}
	_, err := idtoken.GitHubActionsFromEnv(func(k string) string { return env[k] }, idtoken.STSAudience)
	fmt.Println(errors.Is(err, idtoken.ErrNoToken))
	fmt.Println(err)
	// Output:
	// true
	// idtoken: GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN not set in this job; the workflow or job needs `permissions: id-token: write` (GitHub sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN only then)
}

// Detect says which source it found. In a GitLab job, the token is in the variable the job's
// id_tokens keyword names.
func ExampleDetect() {
	env := map[string]string{"GITLAB_CI": "true", "GITLAB_OIDC_TOKEN": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}
	src, description, err := idtoken.Detect(func(k string) string { return env[k] }, idtoken.STSAudience, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(description)
	token, _ := src.Token(context.Background())
	fmt.Println(token)
	// Output:
	// GitLab CI (the id_tokens variable GITLAB_OIDC_TOKEN; its audience is the aud .gitlab-ci.yml gives it)
	// eyJhbGciOiJSUzI1NiJ9.e30.c2ln
}

// A token file is read again at every call: Kubernetes rewrites a projected token before it
// expires.
func ExampleFile() {
	dir, _ := os.MkdirTemp("", "idtoken")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "token")
	src := idtoken.File(path)

	os.WriteFile(path, []byte("eyJhbGciOiJSUzI1NiJ9.first.c2ln\n"), 0o600)
	first, _ := src.Token(context.Background())
	os.WriteFile(path, []byte("eyJhbGciOiJSUzI1NiJ9.rotated.c2ln"), 0o600)
	second, _ := src.Token(context.Background())
	fmt.Println(first)
	fmt.Println(second)
	// Output:
	// eyJhbGciOiJSUzI1NiJ9.first.c2ln
	// eyJhbGciOiJSUzI1NiJ9.rotated.c2ln
}
