package idtoken

import (
	"net/http"
	"strings"
)

// Detect picks the token source of the environment getenv describes and says in words which
// it chose and where the token's audience comes from. It looks, in this order, for:
//
//  1. GitHub Actions (GITHUB_ACTIONS=true): [GitHubActions] with audience;
//  2. GitLab CI (GITLAB_CI=true): [GitLabFromEnv], the variable found among the usual names;
//  3. CircleCI (CIRCLECI=true): [CircleCIFromEnv];
//  4. Buildkite (BUILDKITE=true): [Buildkite] with audience;
//  5. a token file named by AWS_WEB_IDENTITY_TOKEN_FILE (EKS, any Kubernetes pod with a
//     projected service-account token): [File].
//
// A CI job comes before a token file, so that a self-hosted runner in a pod uses the job's
// identity rather than the pod's. When a CI is recognised but its token is not available (a
// GitHub job without `permissions: id-token: write`) Detect returns that error rather than
// trying the next. Nothing recognised is an error wrapping [ErrNoToken]. hc sends the
// requests of the HTTP sources (nil: http.DefaultClient through rawsts's rules).
func Detect(getenv func(string) string, audience string, hc *http.Client) (src Source, description string, err error) {
	aud := "audience " + audience
	if audience == "" {
		aud = "the service's default audience"
	}
	switch {
	case isTrue(getenv("GITHUB_ACTIONS")):
		g, err := GitHubActionsFromEnv(getenv, audience)
		if err != nil {
			return nil, "", err
		}
		g.HTTPClient = hc
		return g, "GitHub Actions (the runtime's ID-token endpoint, " + aud + ")", nil
	case isTrue(getenv("GITLAB_CI")):
		s, name, err := GitLabFromEnv(getenv, "", audience)
		if err != nil {
			return nil, "", err
		}
		return s, "GitLab CI (the id_tokens variable " + name + "; its audience is the aud .gitlab-ci.yml gives it)", nil
	case isTrue(getenv("CIRCLECI")):
		s, name, err := CircleCIFromEnv(getenv)
		if err != nil {
			return nil, "", err
		}
		return s, "CircleCI (" + name + "; its audience is the organization ID)", nil
	case isTrue(getenv("BUILDKITE")):
		b, err := BuildkiteFromEnv(getenv, audience)
		if err != nil {
			return nil, "", err
		}
		b.HTTPClient = hc
		return b, "Buildkite (the agent's OIDC token for job " + b.JobID + ", " + aud + ")", nil
	}
	if path := strings.TrimSpace(getenv("AWS_WEB_IDENTITY_TOKEN_FILE")); path != "" {
		return File(path), "the token file " + path + " (AWS_WEB_IDENTITY_TOKEN_FILE, as on EKS; its audience is the projected token's)", nil
	}
	return nil, "", missing("no token source detected: not GitHub Actions (GITHUB_ACTIONS), GitLab CI (GITLAB_CI), CircleCI (CIRCLECI) or Buildkite (BUILDKITE), and AWS_WEB_IDENTITY_TOKEN_FILE is not set")
}
