package trustpolicy

import (
	"slices"
	"sort"
	"strings"
)

// The sources the key table cites. Every key in the table names a primary AWS source; a key
// only third parties name is not in the table (see disputedKeys).
const (
	// SourceSAR is the Service Authorization Reference page for STS, which lists the condition
	// keys of sts:AssumeRoleWithWebIdentity by name (read as generated on 2026-08-11).
	SourceSAR = `Service Authorization Reference, "Actions, resources, and condition keys for AWS Security Token Service" (list_sts.html, 2026-08)`
	// SourceIAMKeys is the IAM User Guide section that defines the web identity keys and says
	// how Google's aud, azp and oaud fill them.
	SourceIAMKeys = `IAM User Guide, "Available keys for AWS OIDC federation" (reference_policies_iam-condition-keys.html#condition-keys-wif)`
	// SourceIAMKeysIntro is that section's opening sentence on custom OIDC providers: "Define
	// condition keys using the name of the OIDC provider followed by the claim (:aud, :azp,
	// :amr, sub)", with its EKS example (oidc.eks.REGION.amazonaws.com/id/ID:aud and :sub).
	SourceIAMKeysIntro = SourceIAMKeys + `, opening paragraph and EKS example`
	// SourceAnnouncement is AWS's What's New of January 2026 on the GitHub, Google, CircleCI
	// and OCI claims STS validates. Its table is known here only as third-party blogs copied
	// it; it is cited beside the SAR, never alone.
	SourceAnnouncement = `What's New 2026-01, "AWS STS now supports validation of select identity provider specific claims from Google, GitHub, CircleCI and OCI"`
	// SourceGlobalKeys is the IAM User Guide page on the global condition keys.
	SourceGlobalKeys = `IAM User Guide, "AWS global condition context keys"`
)

// Short names of the sources, for the sentences that record a disagreement.
const (
	sarShort = "the Service Authorization Reference for STS (2026-08)"
	iamShort = `the IAM User Guide's "Available keys for AWS OIDC federation"`
	annShort = "AWS's What's New of January 2026 on the claims STS validates"
)

// ProviderKey is a condition key STS sets for AssumeRoleWithWebIdentity from a token, named as
// AWS publishes it: the key is PREFIX:Name, where PREFIX is the issuer without https://.
type ProviderKey struct {
	// Name follows "PREFIX:" in the key: "sub", "repository", "oidc.circleci.com/project-id".
	Name string
	// Claims are the claims the key is filled from, in order of preference: the first one
	// the token has (Google's aud: azp, else aud).
	Claims []string
	// Source cites the primary AWS source that names the key.
	Source string
	// Assumed, when not empty, is what rawsts assumes about the key that its source does not
	// state; conditions on it carry the assumption.
	Assumed string
	// Multivalued: the key holds a set (IAM User Guide: amr "is multivalued").
	Multivalued bool
	// Unknown: which claim fills the key is not documented, so a condition on it evaluates to
	// Unknown.
	Unknown bool
}

// disputedKey is a key some sources list and others do not. Following the rule "where
// sources disagree, keep the key out", rawsts does not put it in the request context; a
// condition on it is evaluated as if it were absent, and carries the disagreement as its
// assumption (the other reading fills it from Claim).
type disputedKey struct {
	name, claim string
	// sources says what each source says; at least two.
	sources []string
	// instead is the documented key to use.
	instead string
}

// keyFamily is the keys of a set of issuers.
type keyFamily struct {
	name     string
	match    func(host string) bool
	generic  bool // gets the keys of every OIDC provider (aud, sub, amr) and their disputes
	keys     []ProviderKey
	disputed []disputedKey
	// instead maps a claim that is not a key to what to condition on instead.
	instead map[string]string
}

func pkey(name, source string, claims ...string) ProviderKey {
	if len(claims) == 0 {
		claims = []string{name}
	}
	return ProviderKey{Name: name, Claims: claims, Source: source}
}

// githubSource: the SAR lists these keys for the GitHub issuers, and the announcement's table
// names the same nine claims (actor, actor_id, job_workflow_ref, repository, repository_id,
// workflow, ref, environment, enterprise_id), "Available in session: No".
const githubSource = SourceSAR + "; " + SourceAnnouncement

func githubKeys() []ProviderKey {
	var out []ProviderKey
	for _, n := range []string{"actor", "actor_id", "enterprise_id", "environment", "job_workflow_ref", "ref", "repository", "repository_id", "workflow"} {
		out = append(out, pkey(n, githubSource))
	}
	return out
}

func sarKeys(names ...string) []ProviderKey {
	var out []ProviderKey
	for _, n := range names {
		out = append(out, pkey(n, SourceSAR))
	}
	return out
}

// isGitHubActionsHost reports the issuers the SAR lists GitHub's keys for:
// token.actions.githubusercontent.com, its enterprise-specific path
// token.actions.githubusercontent.com/${SubPath}, GHE.com's token.actions.${Domain}.ghe.com,
// and the prefix github.com/enterprises/${EnterpriseName} (copied as the SAR writes it; which
// issuer uses it was not researched). GitHub Enterprise Server (HOST/_services/token) is not
// among them: no AWS source applies GitHub's keys to it, so it gets the generic keys only.
func isGitHubActionsHost(h string) bool {
	return h == "token.actions.githubusercontent.com" ||
		(strings.HasPrefix(h, "token.actions.githubusercontent.com/") && !isGHES(h)) ||
		(strings.HasPrefix(h, "github.com/enterprises/") && len(h) > len("github.com/enterprises/")) ||
		hostBetween(h, "token.actions.", ".ghe.com")
}

func isGHES(h string) bool { return strings.HasSuffix(h, "/_services/token") }

// hostBetween reports h == prefix + X + suffix for a non-empty X without '/'.
func hostBetween(h, prefix, suffix string) bool {
	if !strings.HasPrefix(h, prefix) || !strings.HasSuffix(h, suffix) || len(h) <= len(prefix)+len(suffix) {
		return false
	}
	return !strings.Contains(h[len(prefix):len(h)-len(suffix)], "/")
}

// The advice for a claim that is not a key is a whole sentence: "use KEY instead" when a
// documented key carries the same fact, else what can be done. HOST stands for the issuer.

// noKey is the advice for a claim no key carries.
const noKey = "no condition key carries this claim, so a trust policy cannot test it: remove the condition"

// timeAdvice is the advice for the time claims.
const timeAdvice = "STS checks the token's times itself; to limit when the role may be assumed, use aws:CurrentTime or aws:EpochTime with a Date operator instead"

// commonInstead: claims of every OIDC token that are not keys.
var commonInstead = map[string]string{
	"iss":       "use Principal.Federated, which names the issuer's provider (arn:aws:iam::ACCOUNT:oidc-provider/HOST), instead",
	"exp":       timeAdvice,
	"nbf":       timeAdvice,
	"iat":       timeAdvice,
	"auth_time": timeAdvice,
	"jti":       noKey,
}

var githubInstead = map[string]string{
	"event_name":            "no condition key carries the event: GitHub's sub names pull_request jobs (repo:ORG/REPO:pull_request), and HOST:ref and HOST:job_workflow_ref tell the branch and the workflow; use those instead",
	"workflow_ref":          "use HOST:job_workflow_ref (ORG/REPO/.github/workflows/FILE@REF) or HOST:workflow (the workflow's name) instead",
	"workflow_sha":          "use HOST:job_workflow_ref (it names the ref, not the commit) instead",
	"job_workflow_sha":      "use HOST:job_workflow_ref (it names the ref, not the commit) instead",
	"repository_owner":      `use HOST:repository with StringLike "ORG/*", or HOST:sub with StringLike "repo:ORG/*" (AWS's recommended minimum for GitHub), instead`,
	"enterprise":            "use HOST:enterprise_id instead",
	"ref_type":              `use HOST:ref with StringLike "refs/heads/*" or "refs/tags/*" instead`,
	"head_ref":              "use HOST:ref, or HOST:sub (pull_request jobs get repo:ORG/REPO:pull_request), instead",
	"base_ref":              "use HOST:ref, or HOST:sub (pull_request jobs get repo:ORG/REPO:pull_request), instead",
	"run_id":                noKey,
	"run_number":            noKey,
	"run_attempt":           noKey,
	"sha":                   noKey,
	"runner_environment":    noKey,
	"repository_visibility": noKey,
	"check_run_id":          noKey,
}

// keyFamilies is the table. Order matters: the first family whose match accepts the host
// wins, and the generic family accepts every host.
var keyFamilies = []keyFamily{
	{
		name: "Google", match: func(h string) bool { return h == "accounts.google.com" },
		keys: []ProviderKey{
			pkey("aud", SourceIAMKeys+` ("azp when the azp field is set", else aud)`, "azp", "aud"),
			pkey("oaud", SourceIAMKeys, "aud"),
			pkey("sub", SourceIAMKeys),
			{Name: "google/organization_number", Source: SourceSAR + " (Numeric)", Unknown: true,
				Assumed: "AWS names the key but not the claim it is read from (Google puts the number in a nested google claim)"},
		},
		disputed: []disputedKey{
			emailDispute,
			{name: "azp", claim: "azp", instead: "accounts.google.com:aud, which holds azp when the token has one", sources: []string{
				iamShort + " reads azp into accounts.google.com:aud and has no azp key of its own; " + sarShort + " lists none",
				"the same section's opening sentence names :azp among the claims keys are made of"}},
		},
		instead: map[string]string{"hd": noKey, "email_verified": noKey, "name": noKey, "picture": noKey},
	},
	{
		name: "Amazon Cognito identity pools", match: func(h string) bool { return h == "cognito-identity.amazonaws.com" },
		keys: []ProviderKey{
			pkey("aud", SourceIAMKeys+"; "+SourceSAR),
			pkey("sub", SourceIAMKeys+"; "+SourceSAR),
			{Name: "amr", Claims: []string{"amr"}, Source: SourceIAMKeys + "; " + SourceSAR, Multivalued: true},
		},
		disputed: []disputedKey{
			{name: "oaud", claim: "aud", instead: "cognito-identity.amazonaws.com:aud", sources: []string{
				sarShort + " lists aud, sub and amr for cognito-identity.amazonaws.com, no oaud",
				"a third-party reading of the current IAM User Guide (CloudArq, 2026) shows oaud in its Amazon Cognito tab"}},
		},
	},
	{
		name: "Facebook", match: func(h string) bool { return h == "graph.facebook.com" },
		keys: []ProviderKey{pkey("app_id", SourceIAMKeys+"; "+SourceSAR), pkey("id", SourceIAMKeys+"; "+SourceSAR)},
	},
	{
		name: "Login with Amazon", match: func(h string) bool { return h == "www.amazon.com" },
		keys: []ProviderKey{pkey("app_id", SourceIAMKeys+"; "+SourceSAR), pkey("user_id", SourceIAMKeys+"; "+SourceSAR)},
		disputed: []disputedKey{
			{name: "sub", claim: "user_id", instead: "www.amazon.com:user_id", sources: []string{
				iamShort + " and " + sarShort + " list app_id and user_id for www.amazon.com, no sub",
				"a third-party reading of the current IAM User Guide (CloudArq, 2026) shows sub (\"User ID\") in its Login with Amazon tab"}},
		},
	},
	{
		name: "GitHub Actions", match: isGitHubActionsHost, generic: true, keys: githubKeys(),
		disputed: []disputedKey{
			{name: "repository_owner_id", claim: "repository_owner_id", instead: `HOST:repository with StringLike "ORG/*", or HOST:sub with StringLike "repo:ORG/*"`, sources: []string{
				sarShort + " lists repository_owner_id for the GitHub issuers",
				annShort + ", as the blogs that copied its table show it, lists nine GitHub claims without repository_owner_id (and so does cloud-copilot iam-simulate)"}},
		},
		instead: githubInstead,
	},
	{
		name: "GitLab.com", match: func(h string) bool { return h == "gitlab.com" }, generic: true,
		keys: sarKeys("namespace_id", "pipeline_source", "project_id", "ref_protected", "runner_environment", "user_access_level", "user_email", "user_id", "user_login"),
		instead: map[string]string{
			"project_path":   `use HOST:sub with StringLike "project_path:GROUP/PROJECT:*", or HOST:project_id, instead`,
			"namespace_path": `use HOST:sub with StringLike "project_path:GROUP/*", or HOST:namespace_id, instead`,
			"ref":            `use HOST:sub with StringLike "project_path:GROUP/PROJECT:ref_type:branch:ref:NAME" instead`,
			"ref_type":       `use HOST:sub with StringLike "project_path:GROUP/PROJECT:ref_type:branch:*" instead`,
			"environment":    noKey,
			"pipeline_id":    noKey,
			"job_id":         noKey,
		},
	},
	{
		name: "Buildkite", generic: true,
		match: func(h string) bool {
			return h == "agent.buildkite.com" || hostBetween(h, "agent.", ".buildkite.dev") || hostBetween(h, "agent.", ".buildkite.site")
		},
		keys: sarKeys("build_branch", "cluster_id", "cluster_name", "organization_id", "organization_slug", "pipeline_id", "pipeline_slug"),
	},
	{
		name: "CircleCI", generic: true,
		match: func(h string) bool {
			rest, ok := strings.CutPrefix(h, "oidc.circleci.com/org/")
			return ok && rest != "" && !strings.Contains(rest, "/")
		},
		keys: sarKeys("oidc.circleci.com/project-id"),
	},
	{
		name: "Oracle Cloud Infrastructure", generic: true,
		match: func(h string) bool { return hostBetween(h, "idcs-", ".identity.oraclecloud.com") },
		keys:  sarKeys("rpst_id"),
	},
	{
		name: "any OIDC provider", match: func(string) bool { return true }, generic: true,
	},
}

// genericKeys are the keys of every IAM OIDC provider (not the four built-in providers).
var genericKeys = []ProviderKey{
	pkey("aud", SourceIAMKeysIntro),
	pkey("sub", SourceIAMKeysIntro),
	{Name: "amr", Claims: []string{"amr"}, Source: SourceIAMKeysIntro, Multivalued: true,
		Assumed: "the IAM User Guide's opening sentence names :amr among the keys of an OIDC provider, but its amr entry describes Amazon Cognito only, and the Service Authorization Reference lists amr for cognito-identity.amazonaws.com alone"},
}

// azpAssumption: which claim fills a custom provider's :aud when the token has an azp.
const azpAssumption = "AWS's sources disagree on which claim fills ISSUER:aud when the token has an azp: the IAM User Guide of 2023 reads azp into :aud for Google only and names :aud after the aud claim for other providers, which rawsts follows; a third-party reading of the current guide (CloudArq, 2026) says azp, when present, for every provider"

// emailDispute: :email, which only third parties reading the current guide list.
var emailDispute = disputedKey{name: "email", claim: "email", instead: "HOST:sub (the user's stable ID)", sources: []string{
	"neither " + sarShort + " nor the 2023 text of " + iamShort + " lists an email key",
	"two third-party readings of the current IAM User Guide (CloudArq, cloud-copilot iam-simulate, 2026) list email among the default keys"}}

// genericDisputed are the keys of every OIDC provider that only some sources list.
var genericDisputed = []disputedKey{
	{name: "azp", claim: "azp", instead: "HOST:aud", sources: []string{
		"the opening sentence of " + iamShort + " names :azp among the claims keys are made of",
		sarShort + " lists no azp key, and a third-party reading of the current guide (CloudArq, 2026) reads azp into :aud instead"}},
	emailDispute,
	{name: "oaud", claim: "aud", instead: "HOST:aud", sources: []string{
		iamShort + " and " + sarShort + " list oaud for accounts.google.com only",
		"a third-party reading of the current IAM User Guide (CloudArq, 2026) lists oaud among the default keys"}},
}

// familyOf returns the key family of an issuer host.
func familyOf(host string) *keyFamily {
	h := strings.ToLower(host)
	for i := range keyFamilies {
		if keyFamilies[i].match(h) {
			return &keyFamilies[i]
		}
	}
	return nil // unreachable: the last family matches every host
}

// ProviderKeys returns the condition keys STS sets from a token of issuer (with or without
// https://) for AssumeRoleWithWebIdentity, as AWS publishes them, each with its source: the
// built-in providers' own keys (accounts.google.com, cognito-identity.amazonaws.com,
// graph.facebook.com, www.amazon.com), and for every other issuer :aud, :sub and :amr plus the
// keys AWS lists for that provider (GitHub Actions on github.com and GHE.com, GitLab.com,
// Buildkite, CircleCI, Oracle Cloud). Keys only some of AWS's sources list are left out.
func ProviderKeys(issuer string) []ProviderKey {
	f := familyOf(IssuerHost(issuer))
	var out []ProviderKey
	if f.generic {
		out = append(out, genericKeys...)
	}
	return append(out, f.keys...)
}

func (f *keyFamily) disputes() []disputedKey {
	if !f.generic {
		return f.disputed
	}
	var out []disputedKey
	for _, d := range genericDisputed {
		if !containsDispute(f.disputed, d.name) {
			out = append(out, d)
		}
	}
	return append(out, f.disputed...)
}

// keyNamed reports whether the family's own keys include name.
func (f *keyFamily) keyNamed(name string) bool {
	for _, pk := range f.keys {
		if strings.EqualFold(pk.Name, name) {
			return true
		}
	}
	return containsDispute(f.disputed, name)
}

func containsDispute(list []disputedKey, name string) bool {
	for _, d := range list {
		if strings.EqualFold(d.name, name) {
			return true
		}
	}
	return false
}

// keyState is what the table says about one key of one issuer.
type keyState int

const (
	keyNotProvided keyState = iota
	keyProvided
	keyDisputed
)

// lookupKey finds name among the keys of host.
func lookupKey(host, name string) (keyState, *ProviderKey, *disputedKey) {
	f := familyOf(host)
	for _, pk := range ProviderKeys(host) {
		if strings.EqualFold(pk.Name, name) {
			return keyProvided, &pk, nil
		}
	}
	for _, d := range f.disputes() {
		if strings.EqualFold(d.name, name) {
			d := d
			return keyDisputed, nil, &d
		}
	}
	return keyNotProvided, nil, nil
}

// insteadOf says what to do instead of a condition on HOST:claim, a key STS does not provide,
// as a sentence.
func insteadOf(host, claim string) string {
	f := familyOf(host)
	lc := strings.ToLower(claim)
	if f.generic && isGHES(strings.ToLower(host)) {
		if _, ok := githubInstead[lc]; ok || familyOf("token.actions.githubusercontent.com").keyNamed(lc) {
			return "use " + host + ":sub instead (AWS lists GitHub's extended keys for token.actions.githubusercontent.com and GHE.com issuers, not for GitHub Enterprise Server)"
		}
	}
	if s, ok := f.instead[lc]; ok {
		return strings.ReplaceAll(s, "HOST", host)
	}
	if s, ok := commonInstead[lc]; ok {
		return strings.ReplaceAll(s, "HOST", host)
	}
	var keys []string
	for _, pk := range ProviderKeys(host) {
		if pk.Assumed == "" && !pk.Unknown {
			keys = append(keys, host+":"+pk.Name)
		}
	}
	return "use a key STS provides for this issuer (" + strings.Join(keys, ", ") + ") instead"
}

// TokenKey is one condition key of a token, or one claim that is not a key, as [TokenKeys]
// lists them.
type TokenKey struct {
	// Key is the full condition key, "token.actions.githubusercontent.com:sub"; for a claim
	// that is not a key, the key a policy would (wrongly) write for it.
	Key string
	// Claim is the claim the key is filled from ("" for Google's aud, which is azp or aud).
	Claim string
	// Values are the key's values for this token; nil when the token lacks the claim.
	Values []string
	// Status is KeyProvided, KeyAssumed, KeyDisputed, KeyUnknown or KeyNotProvided.
	Status string
	// Source cites the primary AWS source (for a disputed key, what each source says).
	Source string
	// Note says what is assumed, disputed or unknown, or, for a claim that is not a key, what
	// to condition on instead.
	Note string
}

// The statuses of a [TokenKey].
const (
	KeyProvided    = "provided"     // a primary AWS source names the key
	KeyAssumed     = "assumed"      // rawsts sets the key on a reading AWS does not state (Note)
	KeyDisputed    = "disputed"     // AWS's sources disagree; rawsts leaves the key out
	KeyUnknown     = "unknown"      // AWS names the key but not the claim that fills it
	KeyNotProvided = "not provided" // no source names it: a condition on it never matches
)

// TokenKeys lists what STS makes of a token's claims for AssumeRoleWithWebIdentity: the
// condition keys of its issuer (see [ProviderKeys]) with this token's values, in table order,
// then every other claim of the token, sorted, as a key that is not provided or disputed
// (with what to use instead). Empty strings and empty lists count as no value (IAM User Guide,
// "Single-valued vs. multivalued context keys": an empty string is a null data set).
func TokenKeys(issuer string, claims map[string]any) []TokenKey {
	var out []TokenKey
	for _, tk := range tokenKeys(IssuerHost(issuer), claims) {
		if tk.Status == KeyDisputed && !strings.EqualFold(tk.Claim, strings.TrimPrefix(tk.Key, IssuerHost(issuer)+":")) {
			continue // a disputed key read from a claim another key shows (oaud from aud)
		}
		out = append(out, tk.TokenKey)
	}
	return out
}

// tokenKey is a TokenKey with what ContextFromToken needs.
type tokenKey struct {
	TokenKey
	assume *Assumption // for KeyAssumed and KeyDisputed
}

func tokenKeys(host string, claims map[string]any) []tokenKey {
	f := familyOf(host)
	var out []tokenKey
	used := map[string]bool{}
	for _, pk := range ProviderKeys(host) {
		tk := tokenKey{TokenKey: TokenKey{Key: host + ":" + pk.Name, Status: KeyProvided, Source: pk.Source}}
		for _, c := range pk.Claims {
			used[c] = true
		}
		for _, c := range pk.Claims {
			if v := claimStrings(claims[c]); len(v) > 0 {
				tk.Values, tk.Claim = v, c
				break
			}
		}
		if len(pk.Claims) == 1 {
			tk.Claim = pk.Claims[0]
		}
		switch {
		case pk.Unknown:
			tk.Status, tk.Values, tk.Claim, tk.Note = KeyUnknown, nil, "", pk.Assumed
		case pk.Assumed != "":
			tk.Status, tk.Note = KeyAssumed, pk.Assumed
			tk.assume = &Assumption{Rule: "rawsts sets " + tk.Key + " although " + pk.Assumed}
		case f.generic && pk.Name == "aud":
			// A custom provider's token with an azp other than its aud: which claim fills
			// :aud is disputed (see azpAssumption).
			if azp := claimStrings(claims["azp"]); len(azp) > 0 && !slices.Equal(azp, tk.Values) {
				rule := strings.ReplaceAll(azpAssumption, "ISSUER:", host+":")
				tk.Status, tk.Note = KeyAssumed, rule
				tk.assume = &Assumption{Rule: rule, Alt: azp}
			}
		}
		out = append(out, tk)
	}
	for _, d := range f.disputes() {
		used[d.claim] = used[d.claim] || d.claim == d.name
		tk := tokenKey{TokenKey: TokenKey{Key: host + ":" + d.name, Claim: d.claim, Values: claimStrings(claims[d.claim]),
			Status: KeyDisputed, Source: strings.Join(d.sources, "; "),
			Note: disputedNote(host, d) + "; use " + strings.ReplaceAll(d.instead, "HOST", host) + " instead"}}
		tk.assume = &Assumption{Rule: disputedNote(host, d), Alt: tk.Values}
		if len(tk.Values) > 0 {
			out = append(out, tk)
		}
	}
	var rest []string
	for c := range claims {
		if !used[c] && !awsClaim(c) {
			rest = append(rest, c)
		}
	}
	sort.Strings(rest)
	for _, c := range rest {
		out = append(out, tokenKey{TokenKey: TokenKey{Key: host + ":" + c, Claim: c, Values: claimStrings(claims[c]),
			Status: KeyNotProvided, Note: "STS does not provide this key; " + insteadOf(host, c)}})
	}
	return out
}

// awsClaim: the claims STS reads for the session rather than as keys (session tags and the
// source identity become aws:RequestTag/…, aws:TagKeys, sts:TransitiveTagKeys and
// sts:SourceIdentity).
func awsClaim(c string) bool {
	return c == "https://aws.amazon.com/tags" || c == "https://aws.amazon.com/source_identity"
}

func disputedNote(host string, d disputedKey) string {
	return "AWS's sources disagree on whether STS provides " + host + ":" + d.name + " (" + strings.Join(d.sources, "; ") +
		"); rawsts keeps it out, as if STS did not provide it"
}
