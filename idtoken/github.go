package idtoken

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
)

// STSAudience is the audience AWS's documentation and aws-actions/configure-aws-credentials
// use for tokens meant for STS; an IAM OIDC provider lists it as a client ID.
const STSAudience = "sts.amazonaws.com"

// permissionHint is what a GitHub job without the ID-token variables must change.
const permissionHint = "the workflow or job needs `permissions: id-token: write` (GitHub sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN only then)"

// GitHubActions gets a job's ID token from the GitHub Actions runtime: GET RequestURL with
// "&audience=…" added and "Authorization: Bearer RequestToken"; the reply is JSON whose
// "value" is the token (what @actions/core's getIDToken does). Every call asks again.
type GitHubActions struct {
	// RequestURL is ACTIONS_ID_TOKEN_REQUEST_URL: https (or http to a loopback test server),
	// already carrying a query string.
	RequestURL string
	// RequestToken is ACTIONS_ID_TOKEN_REQUEST_TOKEN, the job's bearer token for that URL.
	// Secret: it never appears in an error.
	RequestToken string
	// Audience becomes the token's aud; "" leaves GitHub's default (https://github.com/OWNER).
	// STS wants the audience the IAM OIDC provider lists, usually [STSAudience].
	Audience string
	// HTTPClient sends the request; nil means http.DefaultClient, used, as by every rawsts
	// client, through a copy that follows no redirect and gives up after 30 s.
	HTTPClient *http.Client
}

// GitHubActionsFromEnv returns the GitHub Actions source of the job getenv describes. When
// ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set the error wraps
// [ErrNoToken] and says the workflow needs `permissions: id-token: write`.
func GitHubActionsFromEnv(getenv func(string) string, audience string) (*GitHubActions, error) {
	v, unset := lookup(getenv, "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	if unset == "" {
		return &GitHubActions{RequestURL: v[0], RequestToken: v[1], Audience: audience}, nil
	}
	where := "this job"
	if !isTrue(getenv("GITHUB_ACTIONS")) {
		where = "this environment (GITHUB_ACTIONS is not true: is this a GitHub Actions job?)"
	}
	return nil, missing("GitHub Actions: %s not set in %s; %s", unset, where, permissionHint)
}

// String describes the source without its request token, so that printing it leaks nothing.
func (g GitHubActions) String() string {
	return fmt.Sprintf("idtoken.GitHubActions{RequestURL: %s, RequestToken: %s, Audience: %s}", g.RequestURL, hidden(g.RequestToken), g.Audience)
}

// GoString is String, for %#v.
func (g GitHubActions) GoString() string { return g.String() }

// Token asks the Actions runtime for a token.
func (g *GitHubActions) Token(ctx context.Context) (string, error) {
	if g.RequestURL == "" || g.RequestToken == "" {
		return "", missing("GitHub Actions: no request URL or request token; %s", permissionHint)
	}
	if _, err := httpx.CheckEndpoint(g.RequestURL); err != nil {
		return "", fmt.Errorf("idtoken: GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL: %w", err)
	}
	u := g.RequestURL
	if g.Audience != "" {
		sep := "&"
		if !strings.Contains(u, "?") {
			sep = "?"
		}
		u += sep + "audience=" + url.QueryEscape(g.Audience)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("idtoken: GitHub Actions: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+g.RequestToken)
	req.Header.Set("Accept", "application/json")
	return fetchJSON(g.HTTPClient, req, "GitHub Actions", "value", g.RequestToken)
}

// lookup reads the named variables, trimmed, and names those not set ("A and B"), "" when all
// are.
func lookup(getenv func(string) string, names ...string) (values []string, unset string) {
	var missing []string
	for _, n := range names {
		v := strings.TrimSpace(getenv(n))
		if v == "" {
			missing = append(missing, n)
		}
		values = append(values, v)
	}
	return values, strings.Join(missing, " and ")
}

// isTrue reports whether a CI's flag variable says true.
func isTrue(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }
