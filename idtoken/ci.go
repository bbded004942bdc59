package idtoken

import (
	"strings"
)

// GitLabVariables are the variables [GitLabFromEnv] tries when it is given no name: a GitLab
// job gets its token in the variable its `id_tokens:` keyword names, which the user chooses.
// GITLAB_OIDC_TOKEN is the name of GitLab's own AWS guide, ID_TOKEN_1 the first name of the
// `id_tokens` reference's example; AWS_ID_TOKEN and ID_TOKEN are common choices.
var GitLabVariables = []string{"GITLAB_OIDC_TOKEN", "AWS_ID_TOKEN", "ID_TOKEN", "ID_TOKEN_1"}

// GitLabFromEnv returns a source reading a GitLab CI job's ID token from the variable name,
// or, when name is "", from the one variable set among [GitLabVariables] and, when audience
// is not "", the name the ci-id convention derives from it (AUD_ID_TOKEN, the audience
// upper-cased with everything but letters and digits turned into "_":
// STS_AMAZONAWS_COM_ID_TOKEN for sts.amazonaws.com). The token's audience is the `aud:` of
// that `id_tokens:` entry in .gitlab-ci.yml; it cannot be chosen here. It also returns the
// variable it reads. None set, or several set (their audiences may differ), is an error
// wrapping [ErrNoToken] that says what to write.
func GitLabFromEnv(getenv func(string) string, name, audience string) (Source, string, error) {
	if name != "" {
		if strings.TrimSpace(getenv(name)) == "" {
			return nil, "", missing("GitLab CI: %s is not set; give the job `id_tokens: {%s: {aud: %s}}` in .gitlab-ci.yml", name, name, STSAudience)
		}
		return Env(getenv, name), name, nil
	}
	names := GitLabVariables
	if audience != "" {
		names = append([]string{audienceVariable(audience)}, names...)
	}
	var set []string
	for _, v := range names {
		if strings.TrimSpace(getenv(v)) != "" {
			set = append(set, v)
		}
	}
	switch len(set) {
	case 0:
		return nil, "", missing("GitLab CI: none of %s is set; give the job `id_tokens: {GITLAB_OIDC_TOKEN: {aud: %s}}` in .gitlab-ci.yml, or name the variable your id_tokens entry uses",
			strings.Join(names, ", "), STSAudience)
	case 1:
		return Env(getenv, set[0]), set[0], nil
	}
	return nil, "", missing("GitLab CI: %s are all set and their audiences may differ; name the one whose aud is for AWS", strings.Join(set, " and "))
}

// CircleCIFromEnv returns a source reading a CircleCI job's ID token: CIRCLE_OIDC_TOKEN_V2
// (its sub claim carries the VCS origin and ref), else CIRCLE_OIDC_TOKEN. The audience is
// the organization's ID; only the circleci CLI can ask for another. It also returns the
// variable it reads. Neither set is an error wrapping [ErrNoToken].
func CircleCIFromEnv(getenv func(string) string) (Source, string, error) {
	for _, v := range []string{"CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN"} {
		if strings.TrimSpace(getenv(v)) != "" {
			return Env(getenv, v), v, nil
		}
	}
	return nil, "", missing("CircleCI: neither CIRCLE_OIDC_TOKEN_V2 nor CIRCLE_OIDC_TOKEN is set; CircleCI's older documentation sets them only in jobs that use at least one context")
}

// audienceVariable is the ci-id convention's variable for an audience: AUD_ID_TOKEN with the
// audience upper-cased and every character but ASCII letters and digits turned into "_".
func audienceVariable(audience string) string {
	b := []byte(strings.ToUpper(audience))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b) + "_ID_TOKEN"
}
