package ststest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Config is the emulator's world as JSON: one AWS account with its IAM users, OIDC providers
// and roles, Amazon Cognito user pools, S3 buckets and EC2 instances to list, and extra OIDC
// issuers. Member names follow AWS's own (the IAM API's and CloudFormation's), so a document
// copied from `aws iam get-role` or a template reads the same here.
//
// The zero Config is an empty account 123456789012 in us-east-1; [DefaultConfig] is the
// walkthrough's setup. [ParseConfig] and [LoadConfig] read a file strictly; [Server.Snapshot]
// writes the running state back as a Config (with what changed since the start: sessions,
// refresh tokens, new roles), which [WithConfig] restores.
//
// # The emulator's own URL
//
// The server listens on a port chosen at start, so a Config names its issuers with two
// placeholders, replaced wherever they appear in a provider's Url and in policy documents:
//
//	${EMULATOR}       the server's URL, http://127.0.0.1:PORT
//	${EMULATOR_HOST}  the same without the scheme, 127.0.0.1:PORT: the form IAM uses in
//	                  provider ARNs and condition keys
//
// So the provider for the user pool us-east-1_EXAMPLE is {"Url": "${EMULATOR}/us-east-1_EXAMPLE"}
// and a trust policy names it as
// "arn:aws:iam::123456789012:oidc-provider/${EMULATOR_HOST}/us-east-1_EXAMPLE", with the
// condition key "${EMULATOR_HOST}/us-east-1_EXAMPLE:aud" — AWS's shapes, with the emulator's
// host where AWS's would be cognito-idp.us-east-1.amazonaws.com. The state keeps the
// placeholders, so a snapshot works again on another port.
type Config struct {
	// Account is the 12-digit account id of everything in the config; default 123456789012.
	Account string `json:"Account,omitempty"`
	// Region is the region of the account's user pools and services; default us-east-1.
	Region string `json:"Region,omitempty"`
	// Users are the IAM users whose access keys may sign calls.
	Users []User `json:"Users,omitempty"`
	// OpenIDConnectProviders are the account's IAM OIDC identity providers.
	OpenIDConnectProviders []OIDCProvider `json:"OpenIDConnectProviders,omitempty"`
	// Roles are the account's IAM roles.
	Roles []Role `json:"Roles,omitempty"`
	// UserPools are the Amazon Cognito user pools, each with its own issuer at
	// ${EMULATOR}/POOL_ID.
	UserPools []UserPool `json:"UserPools,omitempty"`
	// IdentityPools are the Amazon Cognito identity pools (see [IdentityPool]).
	IdentityPools []IdentityPool `json:"IdentityPools,omitempty"`
	// Buckets are the S3 buckets of the account (data for the S3 side of the emulator).
	Buckets []Bucket `json:"Buckets,omitempty"`
	// Instances are the EC2 instances of the account (data for the EC2 side of the emulator).
	Instances []Instance `json:"Instances,omitempty"`
	// Issuers are OIDC issuers besides the user pools' and the default one at ${EMULATOR}/oidc,
	// minting tokens in the claim layout of a CI provider.
	Issuers []IssuerConfig `json:"Issuers,omitempty"`
	// Sessions are the STS sessions issued so far; [Server.Snapshot] writes them, so that
	// credentials handed out before a restart keep working after it. A hand-written config
	// has none.
	Sessions []Session `json:"Sessions,omitempty"`
	// SigningKeys are the issuers' private keys; [Server.Snapshot] writes them, so that a
	// server started from the snapshot signs with the same keys: tokens minted before a
	// restart still verify after it, and no key has to be made at start. A hand-written config
	// has none: each issuer makes its key when it first needs it.
	SigningKeys []SigningKey `json:"SigningKeys,omitempty"`
	// CertificateAuthority is the CA of a server started with [Server.StartTLS];
	// [Server.Snapshot] writes it, so that a server started from the snapshot presents a
	// certificate of the same CA: a CA file clients already trust (rawsts emulator --ca-out,
	// AWS_CA_BUNDLE, a profile's ca_bundle) stays good across restarts. A hand-written config
	// has none: StartTLS makes one.
	CertificateAuthority *CertificateAuthority `json:"CertificateAuthority,omitempty"`
}

// CertificateAuthority is the CA a TLS server issues its certificate with, as
// [Server.Snapshot] records it. Secret (the key).
type CertificateAuthority struct {
	// Certificate is the CA certificate in PEM ("CERTIFICATE").
	Certificate string `json:"Certificate"`
	// PrivateKey is its ECDSA key in PEM, PKCS #8 ("PRIVATE KEY").
	PrivateKey string `json:"PrivateKey"`
}

// User is an IAM user. Calls signed with one of its access keys (or with GetSessionToken
// credentials made from one) act as the user (arn:aws:iam::ACCOUNT:user/PATHNAME) and are
// authorized against the user's identity policies, ManagedPolicyArns and Policies, as IAM
// authorizes them: a user without policies may call only what needs no permission
// (GetCallerIdentity, GetSessionToken). Give an administrator AdministratorAccess.
type User struct {
	// UserName is the user's name: 1–64 letters, digits and _+=,.@-.
	UserName string `json:"UserName"`
	// Path is the user's path, "/" by default; it starts and ends with "/".
	Path string `json:"Path,omitempty"`
	// UserID is the unique id GetCallerIdentity reports (AIDA…); derived from the name when
	// empty.
	UserID string `json:"UserId,omitempty"`
	// AccessKeys are the user's long-term keys.
	AccessKeys []AccessKey `json:"AccessKeys,omitempty"`
	// ManagedPolicyArns are the attached AWS managed policies, by ARN or by name (see
	// trustpolicy.ManagedPolicyNames for those the emulator holds, AdministratorAccess among
	// them).
	ManagedPolicyArns []string `json:"ManagedPolicyArns,omitempty"`
	// Policies are the user's inline identity policies.
	Policies []InlinePolicy `json:"Policies,omitempty"`
}

// AccessKey is a long-term access key pair of an IAM user.
type AccessKey struct {
	// AccessKeyID is the key's id, such as AKIAIOSFODNN7EXAMPLE.
	AccessKeyID string `json:"AccessKeyId"`
	// SecretAccessKey is its secret.
	SecretAccessKey string `json:"SecretAccessKey"`
}

// OIDCProvider is an IAM OpenID Connect identity provider, as `aws iam
// get-open-id-connect-provider` shows it. Its ARN is
// arn:aws:iam::ACCOUNT:oidc-provider/ followed by Url without its scheme.
type OIDCProvider struct {
	// Url is the issuer URL, exactly the iss of the tokens it accepts (with https:// or, for
	// the emulator's own issuers, ${EMULATOR}/…).
	Url string `json:"Url"`
	// ClientIDList are the audiences the provider accepts (the tokens' aud).
	ClientIDList []string `json:"ClientIDList,omitempty"`
	// ThumbprintList are SHA-1 thumbprints (40 hex digits) of the issuer's certificate chain;
	// kept and reported, never checked (AWS checks them only for issuers whose certificate
	// does not chain to a public root CA).
	ThumbprintList []string `json:"ThumbprintList,omitempty"`
	// Tags are the provider's tags, reported by GetOpenIDConnectProvider.
	Tags []Tag `json:"Tags,omitempty"`
	// CreateDate is when the provider was created, RFC 3339; empty means the server's start.
	CreateDate string `json:"CreateDate,omitempty"`
}

// Tag is an IAM tag.
type Tag struct {
	// Key is 1–128 characters, Value 0–256.
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Role is an IAM role, in the shape of CloudFormation's AWS::IAM::Role.
type Role struct {
	// RoleName is the role's name: 1–64 letters, digits and _+=,.@-.
	RoleName string `json:"RoleName"`
	// Path is the role's path, "/" by default; the ARN is arn:aws:iam::ACCOUNT:role/PATHNAME.
	Path string `json:"Path,omitempty"`
	// AssumeRolePolicyDocument is the trust policy. A role without one trusts nobody.
	AssumeRolePolicyDocument PolicyDocument `json:"AssumeRolePolicyDocument,omitempty"`
	// MaxSessionDuration is the longest session, in seconds (3600–43200); default 3600.
	MaxSessionDuration int `json:"MaxSessionDuration,omitempty"`
	// ManagedPolicyArns are the attached AWS managed policies, by ARN or by name (see
	// trustpolicy.ManagedPolicyNames for those the emulator holds).
	ManagedPolicyArns []string `json:"ManagedPolicyArns,omitempty"`
	// Policies are the role's inline permission policies.
	Policies []InlinePolicy `json:"Policies,omitempty"`
	// Description and Tags are reported by GetRole.
	Description string `json:"Description,omitempty"`
	Tags        []Tag  `json:"Tags,omitempty"`
	// CreateDate is when the role was created, RFC 3339; empty means the server's start.
	CreateDate string `json:"CreateDate,omitempty"`
}

// InlinePolicy is a named inline permission policy of a role or a user.
type InlinePolicy struct {
	// PolicyName names the policy within the role.
	PolicyName string `json:"PolicyName"`
	// PolicyDocument is the permission policy.
	PolicyDocument PolicyDocument `json:"PolicyDocument"`
}

// PolicyDocument is an IAM policy document. In JSON it is the document itself (an object) or
// a string holding it, URL-encoded or not, as the IAM API returns it; Go code converts a
// string: PolicyDocument(`{"Version": …}`).
type PolicyDocument string

// MarshalJSON writes the document as a JSON object when it is one, else as a string.
func (p PolicyDocument) MarshalJSON() ([]byte, error) {
	if json.Valid([]byte(p)) && strings.HasPrefix(strings.TrimSpace(string(p)), "{") {
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(p)); err == nil {
			return b.Bytes(), nil
		}
	}
	return json.Marshal(string(p))
}

// UnmarshalJSON reads an object (kept as written) or a string (URL-decoded when it is
// URL-encoded, as IAM returns policies).
func (p *PolicyDocument) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		*p = PolicyDocument(b)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a policy document (a JSON object, or a string holding one)")
	}
	if t := strings.TrimSpace(s); t != "" && t[0] == '%' {
		if d, err := url.QueryUnescape(s); err == nil {
			s = d
		}
	}
	*p = PolicyDocument(s)
	return nil
}

// UserPool is an Amazon Cognito user pool. Its issuer is ${EMULATOR}/ID, serving
// /ID/.well-known/openid-configuration and /ID/.well-known/jwks.json as Cognito does; its ID
// tokens carry that iss.
type UserPool struct {
	// ID is the pool id, REGION_SUFFIX, e.g. us-east-1_EXAMPLE.
	ID string `json:"Id"`
	// Name is the pool's name; informative.
	Name string `json:"Name,omitempty"`
	// Clients are the app clients.
	Clients []UserPoolClient `json:"Clients,omitempty"`
	// Users are the pool's users.
	Users []PoolUser `json:"Users,omitempty"`
	// RefreshTokens are the refresh tokens issued so far; [Server.Snapshot] writes them.
	RefreshTokens []RefreshToken `json:"RefreshTokens,omitempty"`
	// Policies holds the pool's password policy, which AdminCreateUser, AdminSetUserPassword,
	// SignUp and a new password chosen at NEW_PASSWORD_REQUIRED must satisfy; without it the
	// pool has Cognito's default policy (8 characters, upper and lower case, a number and a
	// symbol). The passwords a config gives its users are not checked against it.
	Policies *UserPoolPolicies `json:"Policies,omitempty"`
	// CreationDate is when the pool was created, RFC 3339; empty means the server's start.
	CreationDate string `json:"CreationDate,omitempty"`
}

// UserPoolPolicies are a user pool's policies, as CreateUserPool takes them.
type UserPoolPolicies struct {
	// PasswordPolicy is the pool's password policy.
	PasswordPolicy *PasswordPolicy `json:"PasswordPolicy,omitempty"`
}

// PasswordPolicy is what a user pool requires of passwords (Cognito's PasswordPolicyType).
type PasswordPolicy struct {
	// MinimumLength is 6–99; 0 means Cognito's default, 8.
	MinimumLength int `json:"MinimumLength,omitempty"`
	// RequireUppercase, RequireLowercase, RequireNumbers and RequireSymbols require at least
	// one character of each kind (symbols: ^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + - and space).
	RequireUppercase bool `json:"RequireUppercase,omitempty"`
	RequireLowercase bool `json:"RequireLowercase,omitempty"`
	RequireNumbers   bool `json:"RequireNumbers,omitempty"`
	RequireSymbols   bool `json:"RequireSymbols,omitempty"`
	// TemporaryPasswordValidityDays is reported, not enforced; 0–365, default 7.
	TemporaryPasswordValidityDays int `json:"TemporaryPasswordValidityDays,omitempty"`
}

// UserPoolClient is an app client of a user pool.
type UserPoolClient struct {
	// ClientID is the app client id (the aud of the pool's ID tokens).
	ClientID string `json:"ClientId"`
	// ClientName is informative.
	ClientName string `json:"ClientName,omitempty"`
	// ClientSecret, when set, makes every request of the client carry SECRET_HASH.
	ClientSecret string `json:"ClientSecret,omitempty"`
	// ExplicitAuthFlows are the flows the client allows: ALLOW_USER_SRP_AUTH,
	// ALLOW_USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH.
	// A login with another flow is refused as Cognito refuses it. Empty allows every flow
	// the emulator implements (a convenience for tests; Cognito's own default differs).
	ExplicitAuthFlows []string `json:"ExplicitAuthFlows,omitempty"`
	// CreationDate is when the client was created, RFC 3339; empty means the server's start.
	CreationDate string `json:"CreationDate,omitempty"`
}

// PoolUser is a user of a user pool.
type PoolUser struct {
	// Username is the user's name (also cognito:username and USER_ID_FOR_SRP).
	Username string `json:"Username"`
	// Password is the user's password (or temporary password, for FORCE_CHANGE_PASSWORD).
	Password string `json:"Password"`
	// Attributes become claims of the user's ID tokens: email, name, email_verified …
	Attributes map[string]string `json:"Attributes,omitempty"`
	// Status is the user's UserStatus: CONFIRMED (the default), FORCE_CHANGE_PASSWORD (the
	// first login answers NEW_PASSWORD_REQUIRED), UNCONFIRMED, RESET_REQUIRED.
	Status string `json:"Status,omitempty"`
	// UserCreateDate is when the user was created, RFC 3339; empty means the server's start.
	UserCreateDate string `json:"UserCreateDate,omitempty"`
}

// RefreshToken is a refresh token a user pool issued: secret, it works like a password.
type RefreshToken struct {
	// Token is the refresh token itself.
	Token string `json:"Token"`
	// ClientID is the app client it was issued to, Username the user it logs in.
	ClientID string `json:"ClientId"`
	Username string `json:"Username"`
}

// Bucket is an S3 bucket of the account, with objects to list.
type Bucket struct {
	// Name is the bucket's name.
	Name string `json:"Name"`
	// CreationDate is when the bucket was created, RFC 3339; empty means the server's start.
	CreationDate string `json:"CreationDate,omitempty"`
	// Objects are the bucket's objects.
	Objects []Object `json:"Objects,omitempty"`
}

// Object is an object in a bucket.
type Object struct {
	// Key is the object's key; Size its length in bytes.
	Key  string `json:"Key"`
	Size int64  `json:"Size,omitempty"`
	// LastModified is RFC 3339; empty means the server's start.
	LastModified string `json:"LastModified,omitempty"`
	// ETag is the entity tag S3 lists, 32 hex digits (the MD5 of a single-part object's
	// content), with or without the quotes S3 puts around it; empty means one derived from
	// the key and size, since the emulator holds no content.
	ETag string `json:"ETag,omitempty"`
}

// Instance is an EC2 instance of the account, to be listed.
type Instance struct {
	// InstanceID is the id, i-….
	InstanceID string `json:"InstanceId"`
	// InstanceType (t3.micro …) and ImageID (ami-…) are reported as they are.
	InstanceType string `json:"InstanceType,omitempty"`
	ImageID      string `json:"ImageId,omitempty"`
	// State is pending, running, stopping, stopped, shutting-down or terminated; default
	// running.
	State string `json:"State,omitempty"`
	// PrivateIPAddress and Tags are reported as they are.
	PrivateIPAddress string            `json:"PrivateIpAddress,omitempty"`
	Tags             map[string]string `json:"Tags,omitempty"`
	// AvailabilityZone is the instance's zone, such as us-east-1a; default the config's
	// region followed by "a".
	AvailabilityZone string `json:"AvailabilityZone,omitempty"`
	// LaunchTime is RFC 3339; empty means the server's start.
	LaunchTime string `json:"LaunchTime,omitempty"`
}

// IssuerConfig is an extra OIDC issuer: it mints tokens in the claim layout of Kind and is
// served at ${EMULATOR}/NAME (discovery and JWKS at the paths that provider uses), or, with
// URL, answers as that URL to the emulator's own token verification only.
type IssuerConfig struct {
	// Name names the issuer ([Server.LookupIssuer]) and is its path under the server:
	// letters, digits and ._- in segments separated by "/" (eks/id/EXAMPLED539D4633E53DE1B71EXAMPLE).
	Name string `json:"Name"`
	// Kind is the claim layout of the minted tokens: "github" (GitHub Actions), "gitlab"
	// (GitLab CI), "eks" (an EKS service account) or "generic" (iss, aud, sub and times only);
	// default generic. See [Issuer.Mint].
	Kind string `json:"Kind,omitempty"`
	// URL, when set, is the issuer's URL instead of ${EMULATOR}/NAME — for instance
	// https://token.actions.githubusercontent.com, so that tokens carry the real provider's
	// iss and condition keys. Such an issuer is never served on the network: only the
	// emulator's own verification (and [Server.Verifier]) reaches it, in process. For tests.
	URL string `json:"URL,omitempty"`
}

// Session is an STS session the emulator issued, as [Server.Snapshot] records it. Secret.
type Session struct {
	// AccessKeyID, SecretAccessKey and SessionToken are the session's credentials.
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	// Expiration is RFC 3339.
	Expiration string `json:"Expiration"`
	// Arn is the session's identity: an assumed-role ARN, or a user's for GetSessionToken.
	Arn string `json:"Arn"`
	// UserID is what GetCallerIdentity reports as UserId.
	UserID string `json:"UserId"`
	// RoleArn is the role assumed ("" for GetSessionToken credentials).
	RoleArn string `json:"RoleArn,omitempty"`
	// Chained is true for a session of an assumed role, whose AssumeRole calls are capped at
	// an hour.
	Chained bool `json:"Chained,omitempty"`
	// SourceIdentity is the session's source identity, carried along role chains.
	SourceIdentity string `json:"SourceIdentity,omitempty"`
	// Policy and PolicyArns are the session policies passed to the assume call.
	Policy     PolicyDocument `json:"Policy,omitempty"`
	PolicyArns []string       `json:"PolicyArns,omitempty"`
	// Tags are the session tags.
	Tags map[string]string `json:"Tags,omitempty"`
}

// SigningKey is the private key of one issuer, as [Server.Snapshot] records it. Secret.
type SigningKey struct {
	// Issuer is the issuer's name: "oidc", a user pool's id or an extra issuer's Name.
	Issuer string `json:"Issuer"`
	// PrivateKey is the RSA key (2048 bits or more) in PEM: PKCS #8 ("PRIVATE KEY") or
	// PKCS #1 ("RSA PRIVATE KEY").
	PrivateKey string `json:"PrivateKey"`
}

// The placeholders a Config may use for the server's own URL.
const (
	placeholderURL  = "${EMULATOR}"
	placeholderHost = "${EMULATOR_HOST}"
)

// expand replaces the placeholders with the server's URL (http://HOST:PORT).
func expand(s, serverURL string) string {
	if !strings.Contains(s, "${EMULATOR") {
		return s
	}
	host := strings.TrimPrefix(strings.TrimPrefix(serverURL, "http://"), "https://")
	return strings.NewReplacer(placeholderHost, host, placeholderURL, serverURL).Replace(s)
}

// placeholders is expand's inverse: the server's URL and host in s become ${EMULATOR} and
// ${EMULATOR_HOST}, so that what a client creates naming the server (a provider for one of its
// issuers, a trust policy naming that provider) is stored as a config would write it and
// survives a restart on another port.
func placeholders(s, serverURL string) string {
	if serverURL == "" {
		return s
	}
	host := strings.TrimPrefix(strings.TrimPrefix(serverURL, "http://"), "https://")
	return strings.NewReplacer(serverURL, placeholderURL, host, placeholderHost).Replace(s)
}

// The walkthrough's names, which [DefaultConfig] uses.
const (
	// DefaultPoolID is the default user pool.
	DefaultPoolID = "us-east-1_EXAMPLE"
	// DefaultClientID is its app client, without a secret.
	DefaultClientID = "1example23456789"
	// DefaultUsername and DefaultPassword are its confirmed user.
	DefaultUsername = "demo"
	DefaultPassword = "Demo-Passw0rd!"
	// DefaultRoleArn is TestRole, which trusts the pool's ID tokens and reads S3.
	DefaultRoleArn = "arn:aws:iam::123456789012:role/TestRole"
	// DemoRoleArn is DemoRole, which trusts tokens of the default issuer (${EMULATOR}/oidc)
	// with aud sts.amazonaws.com, as [Issuer.Mint] makes them.
	DemoRoleArn = "arn:aws:iam::123456789012:role/DemoRole"
)

// DefaultConfig returns the walkthrough's setup, the configuration of a server made without
// [WithConfig]:
//
//   - account 123456789012 in us-east-1; the IAM user Alice with AWS's documented EXAMPLE
//     key ([UserAccessKeyID], [UserSecretAccessKey]) and the inline policy walkthrough-admin
//     ([AdminPolicy]: what the walkthrough's administrator does — IAM, Cognito user pools,
//     STS, listing S3 and describing EC2);
//   - the user pool us-east-1_EXAMPLE with the app client 1example23456789 (no secret; SRP,
//     password, admin and refresh flows), the user demo (password Demo-Passw0rd!, email
//     demo@example.com) and the user newcomer in FORCE_CHANGE_PASSWORD (temporary password
//     Temp-Passw0rd1!);
//   - IAM OIDC providers for the pool's issuer (audience 1example23456789) and for the
//     default issuer ${EMULATOR}/oidc (audience sts.amazonaws.com);
//   - TestRole, trusting the pool's provider for sts:AssumeRoleWithWebIdentity when
//     ISSUER:aud is the app client id, with AmazonS3ReadOnlyAccess attached; DemoRole,
//     trusting the default issuer's provider when its aud is sts.amazonaws.com, with
//     AmazonS3ReadOnlyAccess; Deploy, which sessions of TestRole and DemoRole may assume
//     (role chaining, sts:AssumeRole), with ReadOnlyAccess;
//   - the bucket amzn-s3-demo-bucket with two objects, and one running instance;
//   - the identity pool [DefaultIdentityPoolID], accepting ID tokens of the pool's app client
//     (provider ${EMULATOR_HOST}/us-east-1_EXAMPLE), basic and enhanced flows, no guests; its
//     roles CognitoAuthRole (AmazonS3ReadOnlyAccess) and CognitoGuestRole trust
//     cognito-identity.amazonaws.com with the pool as aud and amr authenticated, respectively
//     unauthenticated.
//
// Each call returns a new Config, which the caller may change.
func DefaultConfig() Config {
	idPool, idRoles := defaultIdentityPool()
	c := Config{
		Account: Account,
		Region:  "us-east-1",
		Users: []User{{UserName: "Alice", UserID: UserID,
			AccessKeys: []AccessKey{{AccessKeyID: UserAccessKeyID, SecretAccessKey: UserSecretAccessKey}},
			Policies:   []InlinePolicy{{PolicyName: "walkthrough-admin", PolicyDocument: AdminPolicy}}}},
		OpenIDConnectProviders: []OIDCProvider{
			{Url: placeholderURL + "/" + DefaultPoolID, ClientIDList: []string{DefaultClientID}},
			{Url: placeholderURL + issuerPath, ClientIDList: []string{"sts.amazonaws.com"}},
		},
		Roles: []Role{
			{RoleName: "TestRole", AssumeRolePolicyDocument: webIdentityTrust(DefaultPoolID, DefaultClientID),
				ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
			{RoleName: "DemoRole", AssumeRolePolicyDocument: webIdentityTrust(strings.TrimPrefix(issuerPath, "/"), "sts.amazonaws.com"),
				ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}},
			{RoleName: "Deploy", AssumeRolePolicyDocument: PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",` +
				`"Principal": {"AWS": ["arn:aws:iam::` + Account + `:role/TestRole", "arn:aws:iam::` + Account + `:role/DemoRole"]},` +
				`"Action": "sts:AssumeRole"}]}`),
				ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		},
		UserPools: []UserPool{{
			ID: DefaultPoolID, Name: "walkthrough",
			Clients: []UserPoolClient{{ClientID: DefaultClientID, ClientName: "walkthrough-app",
				ExplicitAuthFlows: []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}},
			Users: []PoolUser{
				{Username: DefaultUsername, Password: DefaultPassword, Attributes: map[string]string{"email": "demo@example.com", "email_verified": "true"}},
				{Username: "newcomer", Password: "Temp-Passw0rd1!", Status: StatusForceChangePassword, Attributes: map[string]string{"email": "newcomer@example.com"}},
			},
		}},
		Buckets: []Bucket{{Name: "amzn-s3-demo-bucket", Objects: []Object{
			{Key: "photos/2006/January/sample.jpg", Size: 11},
			{Key: "reports/summary.txt", Size: 42},
		}}},
		Instances: []Instance{{InstanceID: "i-1234567890abcdef0", InstanceType: "t3.micro", ImageID: "ami-0abcdef1234567890",
			State: "running", PrivateIPAddress: "10.0.0.157", Tags: map[string]string{"Name": "walkthrough"}, AvailabilityZone: "us-east-1a"}},
		IdentityPools: []IdentityPool{idPool},
	}
	c.Roles = append(c.Roles, idRoles...)
	return c
}

// AdminPolicy is the inline policy walkthrough-admin of the default IAM user Alice: what the
// walkthrough's administrator does with her key — set up IAM (OIDC providers, roles and their
// policies) and Cognito user pools (pools, clients, users, AdminInitiateAuth), be the
// developer back end of identity pools (GetOpenIdTokenForDeveloperIdentity), use STS
// (DecodeAuthorizationMessage among it), list S3 and describe EC2. Not AdministratorAccess, so
// that a refusal of anything else can be seen with her key too; a config that wants an
// administrator attaches AdministratorAccess instead.
const AdminPolicy = PolicyDocument(`{"Version": "2012-10-17", "Statement": [` +
	`{"Sid": "WalkthroughSetup", "Effect": "Allow", "Action": ["iam:*", "cognito-idp:*", "cognito-identity:*", "sts:*"], "Resource": "*"},` +
	`{"Sid": "WalkthroughRead", "Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:ListBucket", "ec2:Describe*"], "Resource": "*"}]}`)

// webIdentityTrust is the trust policy AWS's console writes for a web identity role: the
// provider of the emulator's issuer at /path as Principal.Federated, and its aud condition.
func webIdentityTrust(path, aud string) PolicyDocument {
	host := placeholderHost + "/" + path
	return PolicyDocument(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",` +
		`"Principal": {"Federated": "arn:aws:iam::` + Account + `:oidc-provider/` + host + `"},` +
		`"Action": "sts:AssumeRoleWithWebIdentity",` +
		`"Condition": {"StringEquals": {"` + host + `:aud": "` + aud + `"}}}]}`)
}

// StatusForceChangePassword is the UserStatus of a user who must choose a new password at
// the first login.
const StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
