package ststest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/trustpolicy"
)

// state is the emulator's world — IAM, Cognito, buckets and instances — behind one mutex. Its
// truth is a [Config] (placeholders kept), so that [Server.Snapshot] is a copy and a restart
// from a snapshot is [WithConfig]. Every protocol reads it through view(): an immutable,
// parsed picture of the Config (policies parsed, placeholders expanded, maps by id), rebuilt
// on the first read after a change and shared until the next one. Every change goes through
// update(), which validates the changed Config as a whole before it becomes the state.
//
// Things that change at every login or exchange do not live in the Config: issued refresh
// tokens (refresh, below) and STS sessions (the keyring) are added by Snapshot.
type state struct {
	issuers *issuerRegistry // the pools' and extra issuers' keys outlive every view

	// changed, when set, is called after every change, with no lock held (Server.notify);
	// configChanged is false when only a refresh token was added.
	changed func(configChanged bool)

	mu      sync.Mutex
	cfg     Config
	url     string                  // the server's URL once it listens, for the placeholders
	current *view                   // nil when cfg changed since the last view
	refresh map[string]refreshGrant // issued refresh tokens, by token
	// identities are the identities the identity pools made, outside the Config too.
	identities identityBook
}

// refreshGrant is an issued refresh token: who it logs in, through which client.
type refreshGrant struct {
	pool, clientID, username string
}

// view is the parsed state. It is never modified once built: readers use it without a lock.
type view struct {
	account, region, url string
	users                map[string]*iamUser // by access key id
	// userPolicies are the IAM users' identity policies, parsed, by user ARN (the managed
	// ones under their ARN, the inline ones as USERNAME/POLICYNAME).
	userPolicies map[string][]trustpolicy.NamedPolicy
	providers    []diagnose.Provider // with ARNs, placeholders expanded
	roles        map[string]*roleView
	pools        map[string]*poolView
	clients      map[string]*poolView // by app client id
	// identityPools are the Cognito identity pools, by id.
	identityPools map[string]*identityPoolView
	buckets       []Bucket
	instances     []Instance
}

// iamUser is an IAM user with the one access key that was looked up.
type iamUser struct {
	arn, id, name string
	secret        string
}

// roleView is a role as the evaluators need it.
type roleView struct {
	name, path, arn string
	// trust is the trust policy with the placeholders expanded (nil when the role has none),
	// as diagnose reads it; trustPolicy is the same parsed, for AssumeRole.
	trust       []byte
	trustPolicy *trustpolicy.Policy
	maxSession  int // seconds
	// permissions are the role's identity-based policies, parsed: the managed ones under
	// their ARN, the inline ones as ROLENAME/POLICYNAME.
	permissions []trustpolicy.NamedPolicy
}

// poolView is a user pool.
type poolView struct {
	id      string
	clients map[string]UserPoolClient
	users   map[string]PoolUser
	issuer  *Issuer
}

// newState makes the state of cfg, which must be valid.
func newState(cfg Config, issuers *issuerRegistry) *state {
	st := &state{issuers: issuers, refresh: map[string]refreshGrant{}}
	st.restore(cfg)
	return st
}

// restore replaces the state with cfg (already validated), moving the refresh tokens it holds
// into the refresh map.
func (st *state) restore(cfg Config) {
	cfg = cfg.clone()
	if cfg.Account == "" {
		cfg.Account = Account
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for i := range cfg.UserPools {
		p := &cfg.UserPools[i]
		for _, rt := range p.RefreshTokens {
			st.refresh[rt.Token] = refreshGrant{pool: p.ID, clientID: rt.ClientID, username: rt.Username}
		}
		p.RefreshTokens = nil
	}
	cfg.Sessions = nil             // the keyring holds them
	cfg.SigningKeys = nil          // the issuers hold them
	cfg.CertificateAuthority = nil // the server holds it
	st.identities.restore(cfg.IdentityPools)
	for i := range cfg.IdentityPools {
		cfg.IdentityPools[i].Identities = nil // the identity book holds them
	}
	st.cfg, st.current = cfg, nil
}

// setURL sets the server's URL, which the placeholders stand for.
func (st *state) setURL(u string) {
	st.mu.Lock()
	st.url, st.current = u, nil
	st.mu.Unlock()
}

// view returns the current parsed state.
func (st *state) view() *view {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.current == nil {
		st.current = st.build()
	}
	return st.current
}

// update applies change to a copy of the Config and, when the result is valid, makes it the
// state. change's error, or the validation's [*ConfigError], leaves the state as it was. This
// is how every run-time change is made (Server.AddRole, the IAM and Cognito admin APIs).
func (st *state) update(change func(c *Config) error) error {
	st.mu.Lock()
	c := st.cfg.clone()
	err := change(&c)
	if err == nil {
		err = c.Validate()
	}
	if err == nil {
		st.cfg, st.current = c, nil
	}
	st.mu.Unlock()
	if err != nil {
		return err // a nil *ConfigError never gets here: Validate returns a nil error then
	}
	st.notify(true)
	return nil
}

// notify calls changed, if set.
func (st *state) notify(configChanged bool) {
	if st.changed != nil {
		st.changed(configChanged)
	}
}

// config returns a copy of the Config, without the refresh tokens and sessions.
func (st *state) config() Config {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.cfg.clone()
}

// read calls f with the current Config under the lock, for reads the parsed view does not
// carry (dates, tags, descriptions). f must neither keep nor change c.
func (st *state) read(f func(c *Config)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(&st.cfg)
}

// snapshot returns the Config with the issued refresh tokens; the caller adds the sessions.
func (st *state) snapshot() Config {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.cfg.clone()
	for _, t := range sortedKeys(st.refresh) {
		g := st.refresh[t]
		for i := range c.UserPools {
			if c.UserPools[i].ID == g.pool {
				c.UserPools[i].RefreshTokens = append(c.UserPools[i].RefreshTokens, RefreshToken{Token: t, ClientID: g.clientID, Username: g.username})
			}
		}
	}
	st.identities.fill(c.IdentityPools)
	return c
}

// addRefresh remembers an issued refresh token.
func (st *state) addRefresh(token string, g refreshGrant) {
	st.mu.Lock()
	st.refresh[token] = g
	st.mu.Unlock()
	st.notify(false)
}

// lookupRefresh returns the grant of a refresh token.
func (st *state) lookupRefresh(token string) (refreshGrant, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.refresh[token]
	return g, ok
}

// build parses cfg; st.mu is held. cfg was validated, so parsing cannot fail; a policy that
// still does (a placeholder expanded into something odd) leaves the role without it.
func (st *state) build() *view {
	c := &st.cfg
	u := st.url
	if u == "" {
		u = validationHost
	}
	// providers is never nil: diagnose reads nil as "unknown" and skips the provider checks,
	// while an account without providers has none for any issuer.
	v := &view{account: c.Account, region: c.Region, url: st.url, providers: []diagnose.Provider{},
		users: map[string]*iamUser{}, userPolicies: map[string][]trustpolicy.NamedPolicy{},
		roles: map[string]*roleView{}, pools: map[string]*poolView{}, clients: map[string]*poolView{},
		buckets: c.Buckets, instances: c.Instances}
	for _, usr := range c.Users {
		arn := "arn:aws:iam::" + c.Account + ":user" + orRoot(usr.Path) + usr.UserName
		id := usr.UserID
		if id == "" {
			id = stableID("AIDA", arn)
		}
		for _, k := range usr.AccessKeys {
			v.users[k.AccessKeyID] = &iamUser{arn: arn, id: id, name: usr.UserName, secret: k.SecretAccessKey}
		}
		v.userPolicies[arn] = identityPolicies(usr.UserName, usr.ManagedPolicyArns, usr.Policies, u)
	}
	for _, p := range c.OpenIDConnectProviders {
		host := trustpolicy.IssuerHost(expand(p.Url, u))
		v.providers = append(v.providers, diagnose.Provider{
			ARN: "arn:aws:iam::" + c.Account + ":oidc-provider/" + host, URL: host,
			ClientIDs: p.ClientIDList, Thumbprints: p.ThumbprintList,
		})
	}
	for _, r := range c.Roles {
		rv := &roleView{name: r.RoleName, path: orRoot(r.Path), maxSession: r.MaxSessionDuration}
		rv.arn = "arn:aws:iam::" + c.Account + ":role" + rv.path + r.RoleName
		if rv.maxSession == 0 {
			rv.maxSession = 3600
		}
		if r.AssumeRolePolicyDocument != "" {
			rv.trust = []byte(expand(string(r.AssumeRolePolicyDocument), u))
			rv.trustPolicy, _ = trustpolicy.Parse(rv.trust)
		}
		rv.permissions = identityPolicies(r.RoleName, r.ManagedPolicyArns, r.Policies, u)
		v.roles[strings.ToLower(r.RoleName)] = rv
	}
	for _, p := range c.UserPools {
		pv := &poolView{id: p.ID, clients: map[string]UserPoolClient{}, users: map[string]PoolUser{}}
		for _, cl := range p.Clients {
			pv.clients[cl.ClientID] = cl
			v.clients[cl.ClientID] = pv
		}
		for _, usr := range p.Users {
			pv.users[usr.Username] = usr
		}
		aud := ""
		if len(p.Clients) > 0 {
			aud = p.Clients[0].ClientID
		}
		pv.issuer = st.issuers.pool(p.ID, aud)
		v.pools[p.ID] = pv
	}
	for _, is := range c.Issuers {
		st.issuers.extra(is)
	}
	v.identityPools = identityPoolViews(c, u)
	return v
}

// identityPolicies parses the identity policies of the role or user named owner: the managed
// ones under their ARN, the inline ones as OWNER/POLICYNAME, with the placeholders expanded
// for the server at serverURL. Never nil: an identity without policies has an empty list
// (trustpolicy.Authorize then allows nothing).
func identityPolicies(owner string, managed []string, inline []InlinePolicy, serverURL string) []trustpolicy.NamedPolicy {
	out := []trustpolicy.NamedPolicy{}
	for _, m := range managed {
		if p, ok := trustpolicy.ManagedPolicy(m); ok {
			out = append(out, trustpolicy.NamedPolicy{Name: trustpolicy.ManagedPolicyARN(strings.TrimPrefix(m, "arn:aws:iam::aws:policy/")), Policy: p})
		}
	}
	for _, ip := range inline {
		if p, err := trustpolicy.ParseIdentity([]byte(expand(string(ip.PolicyDocument), serverURL))); err == nil {
			out = append(out, trustpolicy.NamedPolicy{Name: owner + "/" + ip.PolicyName, Policy: p})
		}
	}
	return out
}

// role returns the role a role ARN names in the view's account, by name (IAM role names
// ignore case) and path.
func (v *view) role(arn string) (*roleView, bool) {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 || p[1] != "aws" || p[4] != v.account || !strings.HasPrefix(p[5], "role/") {
		return nil, false
	}
	res := strings.TrimPrefix(p[5], "role")
	i := strings.LastIndexByte(res, '/')
	r, ok := v.roles[strings.ToLower(res[i+1:])]
	if !ok || r.path != res[:i+1] {
		return nil, false
	}
	return r, true
}

func orRoot(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

// clone returns a deep copy of c (through JSON: every member of a Config is JSON).
func (c Config) clone() Config {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("ststest: copying the config: %v", err)) // every member marshals
	}
	var out Config
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("ststest: copying the config: %v", err))
	}
	return out
}
