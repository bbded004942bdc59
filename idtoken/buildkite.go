package idtoken

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
)

// BuildkiteEndpoint is the agent API the Buildkite agent talks to when
// BUILDKITE_AGENT_ENDPOINT does not name another.
const BuildkiteEndpoint = "https://agent.buildkite.com/v3"

// Buildkite gets a job's ID token from the Buildkite agent API, as `buildkite-agent oidc
// request-token` does: POST Endpoint/jobs/JobID/oidc/tokens with "Authorization: Token
// AccessToken" and the JSON {"audience": Audience}; the reply is JSON whose "token" is the
// token. Every call asks again.
type Buildkite struct {
	// Endpoint is the agent API, BUILDKITE_AGENT_ENDPOINT; "" means [BuildkiteEndpoint].
	Endpoint string
	// JobID is BUILDKITE_JOB_ID, the running job.
	JobID string
	// AccessToken is BUILDKITE_AGENT_ACCESS_TOKEN, the agent's token for this job. Secret: it
	// never appears in an error.
	AccessToken string
	// Audience becomes the token's aud; "" leaves Buildkite's default (the organization's
	// URL). STS wants the audience the IAM OIDC provider lists, usually [STSAudience].
	Audience string
	// HTTPClient sends the request; nil means http.DefaultClient, used through a copy that
	// follows no redirect and gives up after 30 s.
	HTTPClient *http.Client
}

// BuildkiteFromEnv returns the Buildkite source of the job getenv describes. When
// BUILDKITE_JOB_ID or BUILDKITE_AGENT_ACCESS_TOKEN is not set the error wraps [ErrNoToken].
func BuildkiteFromEnv(getenv func(string) string, audience string) (*Buildkite, error) {
	v, unset := lookup(getenv, "BUILDKITE_JOB_ID", "BUILDKITE_AGENT_ACCESS_TOKEN")
	if unset != "" {
		return nil, missing("Buildkite: %s not set; run inside a Buildkite job (the agent sets them for each job's command)", unset)
	}
	return &Buildkite{Endpoint: strings.TrimSpace(getenv("BUILDKITE_AGENT_ENDPOINT")), JobID: v[0], AccessToken: v[1], Audience: audience}, nil
}

// String describes the source without its access token, so that printing it leaks nothing.
func (b Buildkite) String() string {
	return fmt.Sprintf("idtoken.Buildkite{Endpoint: %s, JobID: %s, AccessToken: %s, Audience: %s}", b.Endpoint, b.JobID, hidden(b.AccessToken), b.Audience)
}

// GoString is String, for %#v.
func (b Buildkite) GoString() string { return b.String() }

// Token asks the agent API for a token.
func (b *Buildkite) Token(ctx context.Context) (string, error) {
	if b.JobID == "" || b.AccessToken == "" {
		return "", missing("Buildkite: no job ID or agent access token")
	}
	endpoint := b.Endpoint
	if endpoint == "" {
		endpoint = BuildkiteEndpoint
	}
	if _, err := httpx.CheckEndpoint(endpoint); err != nil {
		return "", fmt.Errorf("idtoken: Buildkite: BUILDKITE_AGENT_ENDPOINT: %w", err)
	}
	body, err := json.Marshal(struct {
		Audience string `json:"audience,omitempty"`
	}{b.Audience})
	if err != nil {
		return "", fmt.Errorf("idtoken: Buildkite: %w", err)
	}
	u := strings.TrimRight(endpoint, "/") + "/jobs/" + url.PathEscape(b.JobID) + "/oidc/tokens"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("idtoken: Buildkite: %w", err)
	}
	req.Header.Set("Authorization", "Token "+b.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return fetchJSON(b.HTTPClient, req, "Buildkite", "token", b.AccessToken)
}
