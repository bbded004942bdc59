package jwtinspect

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Claim names AWS defines for web identity tokens.
const (
	// ClaimTags is the claim that carries session tags: {"principal_tags": {KEY: [VALUE]},
	// "transitive_tag_keys": [KEY …]}. A trust policy must allow sts:TagSession to accept it.
	ClaimTags = "https://aws.amazon.com/tags"
	// ClaimSourceIdentity is the claim that sets the session's source identity. A trust policy
	// must allow sts:SetSourceIdentity to accept it.
	ClaimSourceIdentity = "https://aws.amazon.com/source_identity"
)

// NumericTime is a JWT NumericDate (exp, nbf, iat) as the token carries it.
type NumericTime struct {
	// Time is the instant, in UTC, with any fraction of a second kept.
	Time time.Time
	// Raw is the number exactly as written in the token.
	Raw json.Number
	// Integer reports whether Raw is a plain integer. STS refuses times that are not
	// (1632493867.5, 1.6e9).
	Integer bool
}

// SessionTags is the value of the https://aws.amazon.com/tags claim.
type SessionTags struct {
	// PrincipalTags maps each tag key to its values (STS uses a single value per key).
	PrincipalTags map[string][]string
	// TransitiveTagKeys lists the keys that persist through role chaining.
	TransitiveTagKeys []string
}

// Claims is a typed view of the claims STS, IAM trust policies and the common token issuers
// use. A claim that is absent, or present with another JSON type, leaves its field zero;
// [Token.RawClaims] always has the claim as sent.
type Claims struct {
	// Registered claims (RFC 7519).

	// Issuer is iss, the issuer URL STS matches against an IAM OIDC provider.
	Issuer string
	// Subject is sub, which STS returns as SubjectFromWebIdentityToken.
	Subject string
	// ID is jti, the token's unique id; "" when the issuer sets none.
	ID string
	// Audience is aud, always a list, whether aud was a string or an array; nil when aud is
	// absent or is not a string or an array of strings.
	Audience []string
	// ExpiresAt is exp; nil when absent, not a number, or out of range.
	ExpiresAt *NumericTime
	// NotBefore is nbf; nil when absent, not a number, or out of range.
	NotBefore *NumericTime
	// IssuedAt is iat; nil when absent, not a number, or out of range.
	IssuedAt *NumericTime

	// OIDC and OAuth claims.

	// AuthorizedParty is azp, the client the token was issued to. For accounts.google.com
	// tokens that carry it, IAM's accounts.google.com:aud key is azp and :oaud is aud.
	AuthorizedParty string
	// AMR is amr, the authentication methods; nil when absent.
	AMR []string
	// Scope is scope, the space-separated OAuth scopes of an access token.
	Scope string

	// Amazon Cognito user pools.

	// TokenUse is token_use: "id" for an ID token, "access" for an access token.
	TokenUse string
	// ClientID is client_id, the app client id, in access tokens (ID tokens carry it in aud).
	ClientID string
	// CognitoUsername is cognito:username, in ID tokens.
	CognitoUsername string
	// Username is username, the user's name in access tokens.
	Username string
	// Email is email, the user's address, in ID tokens that carry it.
	Email string
	// CognitoGroups is cognito:groups, the user's groups in the pool; nil when in none.
	CognitoGroups []string

	// AWS claims.

	// SourceIdentity is https://aws.amazon.com/source_identity, which becomes the session's
	// source identity; "" when absent or not a string.
	SourceIdentity string
	// Tags is https://aws.amazon.com/tags, which becomes the session's tags; nil when
	// absent or not an object.
	Tags *SessionTags

	// GitHub Actions claims. GitLab CI shares ref, ref_type, sha and environment. IDs are
	// kept as the strings GitHub sends; a JSON number from another issuer is kept as written.

	// Repository is repository, "OWNER/REPO".
	Repository string
	// RepositoryOwner is repository_owner, the user or organisation.
	RepositoryOwner string
	// RepositoryID is repository_id, which survives renames, unlike Repository.
	RepositoryID string
	// RepositoryOwnerID is repository_owner_id, which survives renames, unlike
	// RepositoryOwner.
	RepositoryOwnerID string
	// Ref is ref, the git ref the job runs for, e.g. "refs/heads/main".
	Ref string
	// RefType is ref_type: "branch" or "tag".
	RefType string
	// SHA is sha, the commit the job runs for.
	SHA string
	// Environment is environment, the deployment environment; "" for a job without one.
	Environment string
	// EventName is event_name, the event that started the workflow, e.g. "push",
	// "pull_request".
	EventName string
	// Workflow is workflow, the workflow's name.
	Workflow string
	// JobWorkflowRef is job_workflow_ref, "OWNER/REPO/.github/workflows/FILE@REF"; for a
	// reusable workflow it names the called workflow, not the caller.
	JobWorkflowRef string
	// Actor is actor, the account that started the run.
	Actor string
	// ActorID is actor_id, the numeric id of Actor as a string.
	ActorID string
	// RunnerEnvironment is runner_environment: "github-hosted" or "self-hosted".
	RunnerEnvironment string

	// GitLab CI.

	// ProjectPath is project_path, "GROUP/PROJECT".
	ProjectPath string
	// NamespacePath is namespace_path, the group or user owning the project.
	NamespacePath string

	// CircleCI.

	// CircleCIProjectID is oidc.circleci.com/project-id.
	CircleCIProjectID string

	// Kubernetes service-account tokens (EKS IRSA).

	// KubernetesNamespace is kubernetes.io.namespace, the service account's namespace.
	KubernetesNamespace string
	// KubernetesServiceAccount is kubernetes.io.serviceaccount.name.
	KubernetesServiceAccount string
}

// claimProblem is a claim STS reads whose value STS will refuse.
type claimProblem struct {
	claim, reason string
}

// parseClaims builds the typed view. Claims STS reads (iss, sub, aud, exp, nbf, iat and the
// AWS claims) with the wrong JSON type are reported as problems; others are read leniently.
func parseClaims(m map[string]any) (Claims, []claimProblem) {
	r := claimReader{m: m}
	c := Claims{
		Issuer:          r.strictString("iss"),
		Subject:         r.strictString("sub"),
		ID:              r.loose("jti"),
		Audience:        r.strictList("aud"),
		ExpiresAt:       r.time("exp"),
		NotBefore:       r.time("nbf"),
		IssuedAt:        r.time("iat"),
		AuthorizedParty: r.loose("azp"),
		AMR:             r.looseList("amr"),
		Scope:           r.loose("scope"),
		TokenUse:        r.loose("token_use"),
		ClientID:        r.loose("client_id"),
		CognitoUsername: r.loose("cognito:username"),
		Username:        r.loose("username"),
		Email:           r.loose("email"),
		CognitoGroups:   r.looseList("cognito:groups"),
		SourceIdentity:  r.strictString(ClaimSourceIdentity),
		Tags:            r.tags(),

		Repository:        r.loose("repository"),
		RepositoryOwner:   r.loose("repository_owner"),
		RepositoryID:      r.loose("repository_id"),
		RepositoryOwnerID: r.loose("repository_owner_id"),
		Ref:               r.loose("ref"),
		RefType:           r.loose("ref_type"),
		SHA:               r.loose("sha"),
		Environment:       r.loose("environment"),
		EventName:         r.loose("event_name"),
		Workflow:          r.loose("workflow"),
		JobWorkflowRef:    r.loose("job_workflow_ref"),
		Actor:             r.loose("actor"),
		ActorID:           r.loose("actor_id"),
		RunnerEnvironment: r.loose("runner_environment"),
		ProjectPath:       r.loose("project_path"),
		NamespacePath:     r.loose("namespace_path"),
		CircleCIProjectID: r.loose("oidc.circleci.com/project-id"),
	}
	if k8s, ok := m["kubernetes.io"].(map[string]any); ok {
		c.KubernetesNamespace, _ = k8s["namespace"].(string)
		if sa, ok := k8s["serviceaccount"].(map[string]any); ok {
			c.KubernetesServiceAccount, _ = sa["name"].(string)
		}
	}
	return c, r.problems
}

type claimReader struct {
	m        map[string]any
	problems []claimProblem
}

func (r *claimReader) problem(claim, format string, args ...any) {
	r.problems = append(r.problems, claimProblem{claim: claim, reason: fmt.Sprintf(format, args...)})
}

// strictString reads a claim STS needs as a JSON string.
func (r *claimReader) strictString(name string) string {
	v, ok := r.m[name]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.problem(name, "%s is a JSON %s; STS needs a string", name, jsonType(v))
	}
	return s
}

// strictList reads a claim that may be a string or an array of strings (aud).
func (r *claimReader) strictList(name string) []string {
	v, ok := r.m[name]
	if !ok {
		return nil
	}
	l, ok := stringList(v)
	if !ok {
		r.problem(name, "%s is a JSON %s; STS needs a string or an array of strings", name, jsonType(v))
	}
	return l
}

// loose reads a claim as a string, accepting numbers (GitHub's IDs are strings, others send
// numbers) and ignoring other types.
func (r *claimReader) loose(name string) string {
	switch v := r.m[name].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

func (r *claimReader) looseList(name string) []string {
	l, _ := stringList(r.m[name])
	return l
}

// time reads a NumericDate claim.
func (r *claimReader) time(name string) *NumericTime {
	v, ok := r.m[name]
	if !ok {
		return nil
	}
	n, ok := v.(json.Number)
	if !ok {
		r.problem(name, "%s is a JSON %s; STS needs an integer number of seconds since 1970", name, jsonType(v))
		return nil
	}
	t, integer, err := parseNumericDate(n)
	if err != nil {
		r.problem(name, "%s = %s is out of range", name, n)
		return nil
	}
	return &NumericTime{Time: t, Raw: n, Integer: integer}
}

// parseNumericDate turns a JSON number of seconds since the epoch into a time.
func parseNumericDate(n json.Number) (t time.Time, integer bool, err error) {
	if isInteger(string(n)) {
		sec, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || sec > maxUnix || sec < -maxUnix {
			return time.Time{}, true, fmt.Errorf("out of range")
		}
		return time.Unix(sec, 0).UTC(), true, nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > maxUnix {
		return time.Time{}, false, fmt.Errorf("out of range")
	}
	sec := math.Floor(f)
	nsec := math.Round((f - sec) * 1e9)
	return time.Unix(int64(sec), int64(nsec)).UTC(), false, nil
}

// maxUnix bounds the seconds we turn into a time.Time (year 5138), far beyond any real token.
const maxUnix = 1 << 37

func isInteger(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tags reads the https://aws.amazon.com/tags claim.
func (r *claimReader) tags() *SessionTags {
	v, ok := r.m[ClaimTags]
	if !ok {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		r.problem(ClaimTags, "%s is a JSON %s; STS needs an object with principal_tags and transitive_tag_keys", ClaimTags, jsonType(v))
		return nil
	}
	st := &SessionTags{PrincipalTags: map[string][]string{}}
	if pt, present := obj["principal_tags"]; present {
		ptm, ok := pt.(map[string]any)
		if !ok {
			r.problem(ClaimTags, "principal_tags in %s is a JSON %s; STS needs an object", ClaimTags, jsonType(pt))
		}
		for k, val := range ptm {
			l, ok := stringList(val)
			if !ok {
				r.problem(ClaimTags, "the value of tag %q is a JSON %s; STS needs an array of strings", k, jsonType(val))
				continue
			}
			st.PrincipalTags[k] = l
		}
	}
	if tk, present := obj["transitive_tag_keys"]; present {
		l, ok := stringList(tk)
		if !ok {
			r.problem(ClaimTags, "transitive_tag_keys in %s is a JSON %s; STS needs an array of strings", ClaimTags, jsonType(tk))
		}
		st.TransitiveTagKeys = l
	}
	return st
}

// stringList accepts a string or an array of strings.
func stringList(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
