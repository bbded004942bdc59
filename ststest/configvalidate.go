package ststest

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rawsts/rawsts/trustpolicy"
)

var (
	accountPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	iamNamePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPathPattern  = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
	accessKeyChars  = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
	poolIDPattern   = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	clientIDPattern = regexp.MustCompile(`^[\w+]{1,128}$`)
	thumbPattern    = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	bucketPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	instancePattern = regexp.MustCompile(`^i-[0-9a-f]{8,17}$`)
	issuerNameSeg   = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	etagPattern     = regexp.MustCompile(`^"?[0-9a-fA-F]{32}(-[0-9]{1,5})?"?$`)
	zonePattern     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$`)
)

// The values of the closed lists a config may hold.
var (
	authFlows      = []string{"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}
	userStatuses   = []string{"CONFIRMED", StatusForceChangePassword, "UNCONFIRMED", "RESET_REQUIRED"}
	instanceStates = []string{"pending", "running", "stopping", "stopped", "shutting-down", "terminated"}
	issuerKinds    = []string{"generic", "github", "gitlab", "eks"}
)

// validationHost stands in for the server's address while a config is checked before the
// server listens.
const validationHost = "http://127.0.0.1:1"

// Validate checks a config as IAM and Cognito would check the same objects: names, ids and
// their uniqueness, policy documents (with trustpolicy's parser), the AWS managed policies
// named, the auth flows and statuses. It returns the first problem as a [*ConfigError] naming
// the element.
func (c *Config) Validate() error {
	v := validator{}
	if c.Account != "" && !accountPattern.MatchString(c.Account) {
		v.fail("Account", "%q is not a 12-digit account id; omit it for 123456789012", c.Account)
	}
	if c.Region != "" && !regionPattern.MatchString(c.Region) {
		v.fail("Region", "%q is not a region name such as us-east-1", c.Region)
	}
	keys := map[string]string{}
	users := map[string]bool{}
	for i, u := range c.Users {
		p := fmt.Sprintf("Users[%d]", i)
		v.name(p+".UserName", u.UserName, users, "user")
		v.path(p+".Path", u.Path)
		for j, k := range u.AccessKeys {
			kp := fmt.Sprintf("%s.AccessKeys[%d]", p, j)
			switch {
			case !accessKeyChars.MatchString(k.AccessKeyID):
				v.fail(kp+".AccessKeyId", "%q is not an access key id (16–128 upper-case letters and digits, such as AKIAIOSFODNN7EXAMPLE)", k.AccessKeyID)
			case keys[k.AccessKeyID] != "":
				v.fail(kp+".AccessKeyId", "%s is also %s; every key belongs to one user", k.AccessKeyID, keys[k.AccessKeyID])
			case k.SecretAccessKey == "":
				v.fail(kp+".SecretAccessKey", "is empty; give the key its secret")
			}
			keys[k.AccessKeyID] = kp
		}
		v.permissions(p, u.ManagedPolicyArns, u.Policies)
	}
	providers := map[string]string{}
	for i, pr := range c.OpenIDConnectProviders {
		p := fmt.Sprintf("OpenIDConnectProviders[%d]", i)
		host, problem := providerHost(pr.Url)
		switch {
		case problem != "":
			v.fail(p+".Url", "%s", problem)
		case providers[host] != "":
			v.fail(p+".Url", "%q is also %s; an account has one provider per URL", pr.Url, providers[host])
		}
		providers[host] = p
		if len(pr.ClientIDList) > 100 {
			v.fail(p+".ClientIDList", "has %d client ids; IAM allows 100", len(pr.ClientIDList))
		}
		for j, id := range pr.ClientIDList {
			if id == "" || len(id) > 255 {
				v.fail(fmt.Sprintf("%s.ClientIDList[%d]", p, j), "a client id has 1–255 characters")
			}
		}
		if len(pr.ThumbprintList) > 5 {
			v.fail(p+".ThumbprintList", "has %d thumbprints; IAM allows 5", len(pr.ThumbprintList))
		}
		for j, t := range pr.ThumbprintList {
			if !thumbPattern.MatchString(t) {
				v.fail(fmt.Sprintf("%s.ThumbprintList[%d]", p, j), "%q is not a thumbprint (40 hex digits, the SHA-1 of a certificate)", t)
			}
		}
		v.tags(p+".Tags", pr.Tags)
		v.date(p+".CreateDate", pr.CreateDate)
	}
	roles := map[string]bool{}
	for i, r := range c.Roles {
		v.role(fmt.Sprintf("Roles[%d]", i), r, roles)
	}
	v.pools(c.UserPools)
	v.identityPools(c)
	buckets := map[string]bool{}
	for i, b := range c.Buckets {
		p := fmt.Sprintf("Buckets[%d]", i)
		v.unique(p+".Name", b.Name, bucketPattern, buckets, "bucket", "a bucket name (3–63 lower-case letters, digits, '.' and '-')")
		v.date(p+".CreationDate", b.CreationDate)
		for j, o := range b.Objects {
			op := fmt.Sprintf("%s.Objects[%d]", p, j)
			if o.Key == "" || len(o.Key) > 1024 {
				v.fail(op+".Key", "an object key has 1–1024 characters")
			}
			if o.Size < 0 {
				v.fail(op+".Size", "is negative")
			}
			v.date(op+".LastModified", o.LastModified)
			if o.ETag != "" && !etagPattern.MatchString(o.ETag) {
				v.fail(op+".ETag", "%q is not an entity tag (32 hex digits, optionally with -PARTS and in double quotes)", o.ETag)
			}
		}
	}
	instances := map[string]bool{}
	for i, in := range c.Instances {
		p := fmt.Sprintf("Instances[%d]", i)
		v.unique(p+".InstanceId", in.InstanceID, instancePattern, instances, "instance", "an instance id (i- and 8 or 17 hex digits, such as i-1234567890abcdef0)")
		v.oneOf(p+".State", in.State, instanceStates)
		if in.AvailabilityZone != "" && !zonePattern.MatchString(in.AvailabilityZone) {
			v.fail(p+".AvailabilityZone", "%q is not an availability zone (a region and a letter, such as us-east-1a)", in.AvailabilityZone)
		}
		v.date(p+".LaunchTime", in.LaunchTime)
	}
	v.issuers(c.Issuers, c.UserPools)
	for i, s := range c.Sessions {
		p := fmt.Sprintf("Sessions[%d]", i)
		if !accessKeyChars.MatchString(s.AccessKeyID) || s.SecretAccessKey == "" || s.SessionToken == "" || s.Arn == "" {
			v.fail(p, "a session needs AccessKeyId, SecretAccessKey, SessionToken and Arn (sessions are written by Server.Snapshot)")
		}
		if _, err := time.Parse(time.RFC3339, s.Expiration); err != nil {
			v.fail(p+".Expiration", "%q is not an RFC 3339 time", s.Expiration)
		}
		if keys[s.AccessKeyID] != "" {
			v.fail(p+".AccessKeyId", "%s is also %s", s.AccessKeyID, keys[s.AccessKeyID])
		}
		keys[s.AccessKeyID] = p
	}
	signers := map[string]bool{}
	for i, k := range c.SigningKeys {
		p := fmt.Sprintf("SigningKeys[%d]", i)
		switch _, err := parseSigningKey(k.PrivateKey); {
		case k.Issuer == "":
			v.fail(p+".Issuer", "is empty; name the issuer the key belongs to (oidc, a user pool id, an extra issuer's Name)")
		case signers[k.Issuer]:
			v.fail(p+".Issuer", "issuer %q has two keys; keep one", k.Issuer)
		case err != nil:
			v.fail(p+".PrivateKey", "%v", err)
		}
		signers[k.Issuer] = true
	}
	if ca := c.CertificateAuthority; ca != nil {
		if _, err := parseCA(ca); err != nil {
			v.fail("CertificateAuthority", "%v (it is written by Server.Snapshot; remove it to have a new CA made)", err)
		}
	}
	if v.err == nil {
		return nil // not a nil *ConfigError in a non-nil error
	}
	return v.err
}

// validator keeps the first problem found.
type validator struct{ err *ConfigError }

func (v *validator) fail(path, format string, args ...any) {
	if v.err == nil {
		v.err = &ConfigError{Path: path, Problem: fmt.Sprintf(format, args...)}
	}
}

// name checks an IAM name and its uniqueness (IAM names are unique regardless of case).
func (v *validator) name(path, name string, seen map[string]bool, what string) {
	switch {
	case !iamNamePattern.MatchString(name):
		v.fail(path, "%q is not a %s name (1–64 letters, digits and _+=,.@-)", name, what)
	case seen[strings.ToLower(name)]:
		v.fail(path, "a %s named %q is listed twice (IAM names ignore case)", what, name)
	}
	seen[strings.ToLower(name)] = true
}

// unique checks an id against its pattern and the ids seen before it.
func (v *validator) unique(path, id string, pattern *regexp.Regexp, seen map[string]bool, what, want string) {
	switch {
	case !pattern.MatchString(id):
		v.fail(path, "%q is not %s", id, want)
	case seen[id]:
		v.fail(path, "%s %q is listed twice", what, id)
	}
	seen[id] = true
}

func (v *validator) path(path, p string) {
	if p != "" && (!iamPathPattern.MatchString(p) || len(p) > 512) {
		v.fail(path, "%q is not an IAM path (it starts and ends with '/', e.g. /ci/)", p)
	}
}

func (v *validator) oneOf(path, value string, allowed []string) {
	if value == "" {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.fail(path, "%q is not one of %s", value, strings.Join(allowed, ", "))
}

func (v *validator) date(path, s string) {
	if s == "" {
		return
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		v.fail(path, "%q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", s)
	}
}

// tags checks IAM tags: at most 50, keys 1–128 characters and unique, values up to 256.
func (v *validator) tags(path string, tags []Tag) {
	if len(tags) > 50 {
		v.fail(path, "has %d tags; IAM allows 50", len(tags))
	}
	keys := map[string]bool{}
	for i, t := range tags {
		tp := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128:
			v.fail(tp+".Key", "a tag key has 1–128 characters")
		case keys[strings.ToLower(t.Key)]:
			v.fail(tp+".Key", "tag key %q is listed twice (tag keys ignore case)", t.Key)
		case utf8.RuneCountInString(t.Value) > 256:
			v.fail(tp+".Value", "a tag value has at most 256 characters")
		}
		keys[strings.ToLower(t.Key)] = true
	}
}

func (v *validator) role(p string, r Role, seen map[string]bool) {
	v.name(p+".RoleName", r.RoleName, seen, "role")
	v.path(p+".Path", r.Path)
	if utf8.RuneCountInString(r.Description) > 1000 {
		v.fail(p+".Description", "has more than 1000 characters")
	}
	v.tags(p+".Tags", r.Tags)
	v.date(p+".CreateDate", r.CreateDate)
	if d := r.MaxSessionDuration; d != 0 && (d < 3600 || d > 43200) {
		v.fail(p+".MaxSessionDuration", "%d is outside 3600–43200 seconds", d)
	}
	if r.AssumeRolePolicyDocument != "" {
		if _, err := trustpolicy.Parse([]byte(expand(string(r.AssumeRolePolicyDocument), validationHost))); err != nil {
			v.fail(p+".AssumeRolePolicyDocument", "%v", strings.TrimPrefix(err.Error(), "trustpolicy: "))
		}
	}
	v.permissions(p, r.ManagedPolicyArns, r.Policies)
}

// permissions checks the identity policies of a role or a user: the AWS managed policies
// named and the inline ones.
func (v *validator) permissions(p string, managed []string, inline []InlinePolicy) {
	for j, m := range managed {
		if _, ok := trustpolicy.ManagedPolicy(m); !ok {
			v.fail(fmt.Sprintf("%s.ManagedPolicyArns[%d]", p, j), "%q is not an AWS managed policy the emulator holds (%s)", m, strings.Join(trustpolicy.ManagedPolicyNames(), ", "))
		}
	}
	names := map[string]bool{}
	for j, ip := range inline {
		pp := fmt.Sprintf("%s.Policies[%d]", p, j)
		v.name(pp+".PolicyName", ip.PolicyName, names, "policy")
		if _, err := trustpolicy.ParseIdentity([]byte(expand(string(ip.PolicyDocument), validationHost))); err != nil {
			v.fail(pp+".PolicyDocument", "%v", strings.TrimPrefix(err.Error(), "trustpolicy: "))
		}
	}
}

func (v *validator) pools(pools []UserPool) {
	ids, clients := map[string]bool{}, map[string]string{}
	for i, pool := range pools {
		p := fmt.Sprintf("UserPools[%d]", i)
		v.unique(p+".Id", pool.ID, poolIDPattern, ids, "pool", "a user pool id (REGION_SUFFIX, such as us-east-1_EXAMPLE)")
		v.date(p+".CreationDate", pool.CreationDate)
		if pool.Policies != nil && pool.Policies.PasswordPolicy != nil {
			pp := pool.Policies.PasswordPolicy
			if n := pp.MinimumLength; n != 0 && (n < 6 || n > 99) {
				v.fail(p+".Policies.PasswordPolicy.MinimumLength", "%d is outside 6–99", n)
			}
			if n := pp.TemporaryPasswordValidityDays; n < 0 || n > 365 {
				v.fail(p+".Policies.PasswordPolicy.TemporaryPasswordValidityDays", "%d is outside 0–365", n)
			}
		}
		for j, c := range pool.Clients {
			cp := fmt.Sprintf("%s.Clients[%d]", p, j)
			switch {
			case !clientIDPattern.MatchString(c.ClientID):
				v.fail(cp+".ClientId", "%q is not an app client id (1–128 letters, digits, _ and +)", c.ClientID)
			case clients[c.ClientID] != "":
				v.fail(cp+".ClientId", "%s is also %s; an app client belongs to one pool", c.ClientID, clients[c.ClientID])
			}
			clients[c.ClientID] = cp
			for k, f := range c.ExplicitAuthFlows {
				v.oneOf(fmt.Sprintf("%s.ExplicitAuthFlows[%d]", cp, k), f, authFlows)
			}
			v.date(cp+".CreationDate", c.CreationDate)
		}
		users := map[string]bool{}
		for j, u := range pool.Users {
			up := fmt.Sprintf("%s.Users[%d]", p, j)
			switch {
			case u.Username == "" || len(u.Username) > 128:
				v.fail(up+".Username", "a username has 1–128 characters")
			case users[u.Username]:
				v.fail(up+".Username", "user %q is listed twice", u.Username)
			case u.Password == "":
				v.fail(up+".Password", "is empty; give the user a password")
			}
			users[u.Username] = true
			v.oneOf(up+".Status", u.Status, userStatuses)
			v.date(up+".UserCreateDate", u.UserCreateDate)
			for k := range u.Attributes {
				if k == "sub" || strings.HasPrefix(k, "cognito:") {
					v.fail(up+".Attributes."+k, "is set by the pool itself; leave it out")
				}
			}
		}
		for j, rt := range pool.RefreshTokens {
			rp := fmt.Sprintf("%s.RefreshTokens[%d]", p, j)
			if rt.Token == "" || !users[rt.Username] || !strings.HasPrefix(clients[rt.ClientID], p+".") {
				v.fail(rp, "a refresh token needs a Token and a ClientId and Username of this pool")
			}
		}
	}
}

func (v *validator) issuers(list []IssuerConfig, pools []UserPool) {
	names := []string{strings.TrimPrefix(issuerPath, "/"), cognitoIdentityIssuerName}
	for _, p := range pools {
		names = append(names, p.ID)
	}
	// taken reports whether a path is another issuer's, or one of them is a directory of the
	// other (oidc and oidc/x): the server could not tell their documents apart.
	taken := func(n string) bool {
		for _, e := range names {
			if n == e || strings.HasPrefix(n, e+"/") || strings.HasPrefix(e, n+"/") {
				return true
			}
		}
		return false
	}
	for i, is := range list {
		p := fmt.Sprintf("Issuers[%d]", i)
		ok := is.Name != ""
		for _, seg := range strings.Split(is.Name, "/") {
			ok = ok && issuerNameSeg.MatchString(seg) && seg != "." && seg != ".."
		}
		switch {
		case !ok:
			v.fail(p+".Name", "%q is not an issuer name (segments of letters, digits and ._- separated by '/')", is.Name)
		case taken(is.Name):
			v.fail(p+".Name", "%q is, or is below or above, the path of another issuer (oidc, a user pool id or an issuer listed before); choose another name", is.Name)
		}
		names = append(names, is.Name)
		v.oneOf(p+".Kind", is.Kind, issuerKinds)
		if is.URL != "" {
			u, err := url.Parse(is.URL)
			if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				v.fail(p+".URL", "%q is not an https issuer URL without query (leave URL out to serve the issuer at ${EMULATOR}/%s)", is.URL, is.Name)
			}
			if strings.TrimSuffix(is.URL, "/") == CognitoIdentityIssuer {
				v.fail(p+".URL", "%s is the emulator's own identity pool issuer (Server.LookupIssuer(%q)); leave it out", is.URL, cognitoIdentityIssuerName)
			}
		}
	}
}

// providerHost returns the provider's URL as IAM stores it (no scheme), or a problem.
func providerHost(raw string) (host, problem string) {
	u, err := url.Parse(expand(raw, validationHost))
	switch {
	case raw == "":
		return "", "is empty; give the issuer URL, e.g. https://token.actions.githubusercontent.com or ${EMULATOR}/us-east-1_EXAMPLE"
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return "", fmt.Sprintf("%q is not an issuer URL (https://HOST[/PATH], or ${EMULATOR}/PATH for the emulator's own issuers)", raw)
	case u.Scheme == "http" && !strings.HasPrefix(raw, placeholderURL):
		return "", fmt.Sprintf("%q is plain http; IAM accepts https only (the emulator's own issuers are ${EMULATOR}/PATH)", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Sprintf("%q has a query or fragment; an issuer URL has neither", raw)
	}
	return trustpolicy.IssuerHost(raw), ""
}
