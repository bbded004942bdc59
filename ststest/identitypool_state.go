package ststest

import (
	"sort"
	"strings"
	"sync"

	"github.com/rawsts/rawsts/trustpolicy"
)

// identityPoolView is an identity pool as the handlers read it: placeholders expanded, the
// providers it accepts by name.
type identityPoolView struct {
	id, region, arn string
	allowGuest      bool
	classic         bool
	// userPools are the user pool providers accepted, by provider name, with their app
	// clients; oidc the IAM OIDC providers', with their ClientIDList.
	userPools map[string][]string
	oidc      map[string][]string
	developer string
	roles     map[string]string // authenticated, unauthenticated
	mappings  map[string]RoleMapping
}

// identityPoolViews parses the identity pools of c for the server at serverURL.
func identityPoolViews(c *Config, serverURL string) map[string]*identityPoolView {
	out := map[string]*identityPoolView{}
	clientIDs := map[string][]string{}
	for _, pr := range c.OpenIDConnectProviders {
		clientIDs[trustpolicy.IssuerHost(expand(pr.Url, serverURL))] = pr.ClientIDList
	}
	for _, p := range c.IdentityPools {
		region, _, _ := strings.Cut(p.IdentityPoolID, ":")
		pv := &identityPoolView{id: p.IdentityPoolID, region: region, allowGuest: p.AllowUnauthenticatedIdentities,
			classic: p.AllowClassicFlow == nil || *p.AllowClassicFlow, developer: p.DeveloperProviderName,
			arn:       "arn:aws:cognito-identity:" + region + ":" + c.Account + ":identitypool/" + p.IdentityPoolID,
			userPools: map[string][]string{}, oidc: map[string][]string{}, roles: map[string]string{}, mappings: map[string]RoleMapping{}}
		for _, cp := range p.CognitoIdentityProviders {
			name := expand(cp.ProviderName, serverURL)
			pv.userPools[name] = append(pv.userPools[name], cp.ClientID)
		}
		for _, arn := range p.OpenIdConnectProviderARNs {
			_, host, _ := strings.Cut(expand(arn, serverURL), ":oidc-provider/")
			pv.oidc[host] = clientIDs[host]
		}
		for k, arn := range p.Roles {
			pv.roles[k] = expand(arn, serverURL)
		}
		for k, m := range p.RoleMappings {
			pv.mappings[expand(k, serverURL)] = m
		}
		out[p.IdentityPoolID] = pv
	}
	return out
}

// identityBook holds the identities the identity pools made, outside the Config (they change
// at every GetId): by id, and by pool and login (PROVIDER:SUBJECT). [Server.Snapshot] writes
// them back into the pools' Identities. It is safe for concurrent use.
type identityBook struct {
	mu      sync.Mutex
	byID    map[string]*poolIdentity
	byLogin map[string]string // pool + " " + login → identity id
}

// poolIdentity is one identity: its pool and its logins.
type poolIdentity struct {
	pool   string
	logins []string
}

// restore replaces the identities with those the pools of a config record.
func (b *identityBook) restore(pools []IdentityPool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.byID, b.byLogin = map[string]*poolIdentity{}, map[string]string{}
	for _, p := range pools {
		for _, id := range p.Identities {
			b.byID[id.IdentityID] = &poolIdentity{pool: p.IdentityPoolID, logins: append([]string(nil), id.Logins...)}
			for _, l := range id.Logins {
				b.byLogin[p.IdentityPoolID+" "+l] = id.IdentityID
			}
		}
	}
}

// lookup returns the identity id of pool, a copy.
func (b *identityBook) lookup(pool, id string) (poolIdentity, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	rec, ok := b.byID[id]
	if !ok || rec.pool != pool {
		return poolIdentity{}, false
	}
	return poolIdentity{pool: rec.pool, logins: append([]string(nil), rec.logins...)}, true
}

// pool returns the pool an identity id belongs to, "" for an unknown one.
func (b *identityBook) pool(id string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if rec, ok := b.byID[id]; ok {
		return rec.pool
	}
	return ""
}

// identify returns the identity of logins in pool — the one a login of them is linked to, with
// the others linked to it too — or, when none is linked (or there are no logins: a guest), a
// new identity with newID. into, when not "", is the identity the logins must join (a
// developer's IdentityId); conflict is true when a login belongs to another identity than
// into or than another login's.
func (b *identityBook) identify(pool string, logins []string, into string, newID func() string) (id string, conflict bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id = into
	for _, l := range logins {
		found, ok := b.byLogin[pool+" "+l]
		switch {
		case !ok:
		case id == "":
			id = found
		case id != found:
			return "", true
		}
	}
	rec := b.byID[id]
	if rec == nil {
		if id == "" {
			id = newID()
		}
		rec = &poolIdentity{pool: pool}
		b.byID[id] = rec
	}
	for _, l := range logins {
		if _, ok := b.byLogin[pool+" "+l]; !ok {
			b.byLogin[pool+" "+l] = id
			rec.logins = append(rec.logins, l)
		}
	}
	return id, false
}

// fill adds the identities to the pools of a snapshot, sorted by id.
func (b *identityBook) fill(pools []IdentityPool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range pools {
		var ids []PoolIdentity
		for id, rec := range b.byID {
			if rec.pool == pools[i].IdentityPoolID {
				ids = append(ids, PoolIdentity{IdentityID: id, Logins: append([]string(nil), rec.logins...)})
			}
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a].IdentityID < ids[b].IdentityID })
		pools[i].Identities = ids
	}
}
