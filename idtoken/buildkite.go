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
	b := &Buildkite{
		Endpoint:    strings.TrimSpace(getenv("BUILDKITE_AGENT_ENDPOINT")),
		JobID:       strings.TrimSpace(getenv("BUILDKITE_JOB_ID")),
		AccessToken: strings.TrimSpace(getenv("BUILDKITE_AGENT_ACCESS_TOKEN")),
		Audience:    audience,
	}
	var unset []string
	if b.JobID == "" {
		unset = append(unset, "BUILDKITE_JOB_ID")
	}
	if b.AccessToken == "" {
		unset = append(unset, "BUILDKITE_AGENT_ACCESS_TOKEN")
	}
	if len(unset) > 0 {
		return nil, missing("Buildkite: %s not set; run inside a Buildkite job (the agent sets them for each job's command)", strings.Join(unset, " and "))
	}
	return b, nil
}

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
