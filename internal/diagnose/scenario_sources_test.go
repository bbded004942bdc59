package diagnose_test

// The sources the scenario table cites, short. The research notes of issue 11
// (notes/issue11-research.md §0) list where each was read and how far it can be trusted.
const (
	srcAWSGitHub       = "IAM User Guide, Create a role for OpenID Connect federation: Configuring a role for GitHub OIDC identity provider (StringEquals aud/sub; StringLike repo:ORG/REPO:*; repo:ORG/* as the minimum)"
	srcGitHubSub       = "GitHub docs, OpenID Connect reference: example subject claims (ref, environment, pull_request, tag forms)"
	srcGitHubAud       = "GitHub docs: the default aud is the repository owner's URL; configure-aws-credentials requests sts.amazonaws.com"
	srcImmutable       = "aws-actions/configure-aws-credentials README (2026-08): immutable sub repo:ORG@ID/REPO@ID"
	srcReusable        = "GitHub docs, Using OpenID Connect with reusable workflows (job_workflow_ref); " + srcSARGitHub
	srcSARGitHub       = "Service Authorization Reference, AWS STS: token.actions.githubusercontent.com:{actor, actor_id, enterprise_id, environment, job_workflow_ref, ref, repository, repository_id, repository_owner_id, workflow}; repository_owner_id, which the January 2026 announcement does not list, is disputed and kept out (srcDisputedOwnerID)"
	srcNotAKey         = "IAM User Guide, Available keys for AWS OIDC federation, and the Service Authorization Reference: STS provides no key for this claim, so the key is absent and the condition cannot match (IAM: an absent key does not match)"
	srcWIFKeys         = "IAM User Guide, Available keys for AWS OIDC federation: keys are the provider's URL without https:// followed by :aud, :sub …"
	srcLike            = "IAM User Guide, Condition operators: String condition operators (StringEquals literal; StringLike * and ? anywhere, no separator rule)"
	srcFold            = "IAM User Guide, Condition operators: StringEqualsIgnoreCase; condition key names are not case-sensitive"
	srcAbsent          = "IAM User Guide, Condition operators: a key absent from the request context does not match; a negated operator on an absent key matches; …IfExists matches an absent key"
	srcNull            = "IAM User Guide, Condition operators: Null (true: the key is absent; false: present and not null)"
	srcDate            = "IAM User Guide, Condition operators: Date (W3C ISO 8601 or epoch time), aws:CurrentTime, aws:EpochTime"
	srcNumeric         = "IAM User Guide, Condition operators: Numeric"
	srcBool            = "IAM User Guide, Condition operators: Bool; aws:SecureTransport"
	srcVariables       = "IAM User Guide, IAM policy elements: Variables and tags (single-valued keys as ${key})"
	srcMultiValues     = "IAM User Guide, Condition with multiple context keys or values (several values of one key are ORed)"
	srcSetOps          = "IAM User Guide, Single-valued vs. multivalued context keys (ForAnyValue: at least one value; ForAllValues: every value, true for an absent key or an empty value)"
	srcForAnyIfExists  = "IAM User Guide, Single-valued vs. multivalued context keys: ForAnyValue returns false when the key does not exist; iam.cloudcopilot.io ForAnyValue:StringEqualsIfExists (IfExists is ignored by ForAnyValue); no public report of a real refused request was found"
	srcPlainMulti      = "IAM User Guide, Single-valued vs. multivalued context keys (\"Multivalued context keys require a set operator\"; what a plain operator does on one, and whether :aud holds the matched audience or all of them, is not documented: rawsts reads ForAnyValue, assumed)"
	srcCognitoAmr      = "IAM User Guide, Available keys for AWS OIDC federation: cognito-identity.amazonaws.com:amr \"is multivalued, meaning that you test it in a policy using condition set operators\"; " + srcPlainMulti
	srcDisputedOwnerID = "Service Authorization Reference, AWS STS lists token.actions.githubusercontent.com:repository_owner_id; AWS's January 2026 announcement of the claims STS validates does not: the sources disagree, so the key is kept out (trustpolicy/keys.go)"
	srcDisputedEmail   = "neither the Service Authorization Reference for STS nor the IAM User Guide's Available keys for AWS OIDC federation (2023 text) lists an email key; third-party readings of the current guide do: the sources disagree, so the key is kept out (trustpolicy/keys.go)"
	srcAzp             = "IAM User Guide (2023), Available keys for AWS OIDC federation: :aud is named after the aud claim, azp read into :aud for Google only; a third-party reading of the current guide says azp for every provider: rawsts follows the primary text, assumed"
	srcGlobalKeys      = "IAM User Guide, AWS global condition context keys (aws:SourceIp is the request's origin, unknown to a token)"
	srcSTSAction       = "IAM User Guide, Create a role for OpenID Connect federation: the trust policy allows sts:AssumeRoleWithWebIdentity"
	srcSTSAPI          = "STS API Reference, AssumeRoleWithWebIdentity: parameters (RoleArn, RoleSessionName 2-64 [\\w+=,.@-], DurationSeconds 900-43200 and at most MaxSessionDuration) and errors"
	srcSTSKeys         = "Service Authorization Reference, AWS STS: sts:RoleSessionName, sts:SourceIdentity, sts:TransitiveTagKeys, aws:RequestTag/${TagKey}, aws:TagKeys for AssumeRoleWithWebIdentity"
	srcOIDCProvider    = "IAM User Guide, Create an OpenID Connect (OIDC) identity provider in IAM (URL = iss exactly, in the role's account; 1-100 client IDs)"
	srcPrincipal       = "IAM User Guide, AWS JSON policy elements: Principal (Federated: the provider ARN in the role's account)"
	srcNotPrincipal    = "IAM User Guide, AWS JSON policy elements: NotPrincipal (\"You cannot use the NotPrincipal element in an IAM identity-based policy or in an IAM role trust policy\"); IAM Access Analyzer: Role trust policies do not support NotPrincipal"
	srcEval            = "IAM User Guide, Policy evaluation logic: an explicit Deny overrides any Allow"
	srcSessionTags     = "IAM User Guide, Passing session tags using AssumeRoleWithWebIdentity (the trust policy must allow sts:TagSession)"
	srcSourceIdentity  = "IAM User Guide, Monitor and control actions taken with assumed roles: sts:SetSourceIdentity in the trust policy"
	srcSkew            = "no AWS source states STS's clock skew for exp/nbf (notes §8); rawsts assumes 5 minutes"
	srcIDToken         = "STS API Reference, AssumeRoleWithWebIdentity: tokens signed with RS256/384/512 or ES256/384/512, integer times; an OIDC ID token with iss, aud and sub"
	srcGoogle          = "IAM User Guide, Available keys for AWS web identity federation: accounts.google.com:aud is azp when set, :oaud the aud"
	srcUserPool        = "Cognito Developer Guide: a user pool as an OIDC IdP (the ID token's aud is the app client id, iss https://cognito-idp.REGION.amazonaws.com/POOL); " + srcWIFKeys
	srcCognitoRole     = "Cognito Developer Guide, Role trust and permissions: cognito-identity.amazonaws.com:aud (the identity pool) and ForAnyValue:StringLike cognito-identity.amazonaws.com:amr"
	srcEKS             = "EKS User Guide, Configuring a Kubernetes service account to assume an IAM role (StringEquals …:sub system:serviceaccount:NS:SA and …:aud sts.amazonaws.com; StringLike for a whole namespace)"
	srcGitLab          = "GitLab docs, Configure OpenID Connect in AWS (sub project_path:GROUP/PROJECT:ref_type:branch:ref:BRANCH; aud the GitLab URL); no AWS page"
	srcGitLabKeys      = "Service Authorization Reference, AWS STS: gitlab.com:{namespace_id, pipeline_source, project_id, ref_protected, runner_environment, user_access_level, user_email, user_id, user_login}"
	srcCatalogue       = "ANCHORS.md §(c), the STS failure catalogue"
)
