package ststest

import (
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/trustpolicy"
)

// IAM's OpenID Connect provider operations.

// IAM's quotas for OIDC providers and the messages it answers at them.
const (
	maxProviders   = 100 // LimitExceeded "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100" (seen on the wire)
	maxClientIDs   = 100 // LimitExceeded, the same form for ClientIdsPerOpenIdConnectProvider (the quota's name is inferred: unverified)
	maxThumbprints = 5   // InvalidInput "Thumbprint list must contain fewer than 5 entries." (seen on the wire for a sixth)
)

// providerARN is the ARN of a provider of the state: arn:aws:iam::ACCOUNT:oidc-provider/ and
// its URL, placeholders expanded, without the scheme.
func providerARN(account string, p OIDCProvider, serverURL string) string {
	return trustpolicy.ProviderARN(expand(p.Url, serverURL), "aws", account)
}

// findProvider returns the index in c of the provider arn names; serverURL expands the
// placeholders (the caller reads it before taking the state's lock).
func findProvider(c *Config, arn, serverURL string) (int, *iamError) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "oidc-provider/") {
		return -1, invalidInput("ARN %s is not valid.", arn) // IAM's wording unverified
	}
	for i, p := range c.OpenIDConnectProviders {
		if providerARN(c.Account, p, serverURL) == arn {
			return i, nil
		}
	}
	// IAM's wording for an unknown provider is not documented (PROTOCOL.md §11.3).
	return -1, noSuchEntity("OpenIDConnect Provider not found for arn %s", arn)
}

// providerURL checks CreateOpenIDConnectProvider's Url and returns it as the state keeps it.
// IAM takes https URLs without port, query or fragment; the emulator takes its own issuers'
// plain-http loopback URLs too (http://127.0.0.1:PORT/PATH, or ${EMULATOR}/PATH), stored with
// the placeholder — the same exception jwtinspect, diagnose and STS make for them.
func (q *iamCall) providerURL() (string, *iamError) {
	raw, ierr := q.get(pURL, true)
	if ierr != nil {
		return "", ierr
	}
	if stored := placeholders(raw, q.e.state.view().url); strings.HasPrefix(stored, placeholderURL+"/") {
		return stored, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Port() != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		// IAM refuses such a URL; its code and wording are not documented.
		return "", iamValidation("Value '%s' at 'url' failed to satisfy constraint: Member must be an https URL without port, query or fragment "+
			"(the emulator also takes its own issuers' URLs, %s/PATH; IAM's exact wording is not documented)", raw, q.e.state.view().url)
	}
	return raw, nil
}

// thumbprints reads ThumbprintList: each 40 characters (the model), hexadecimal, at most 5.
func (q *iamCall) thumbprints() ([]string, *iamError) {
	list, ierr := q.list(pThumbprint)
	if ierr != nil {
		return nil, ierr
	}
	for _, t := range list {
		if !thumbPattern.MatchString(t) {
			return nil, invalidInput("Thumbprint %s is not a hexadecimal SHA-1 fingerprint.", t) // IAM's wording unverified
		}
	}
	if len(list) > maxThumbprints {
		return nil, invalidInput("Thumbprint list must contain fewer than 5 entries.")
	}
	return list, nil
}

func (q *iamCall) createOpenIDConnectProvider() (any, *iamError) {
	stored, ierr := q.providerURL()
	if ierr != nil {
		return nil, ierr
	}
	clients, ierr := q.list(pClientID)
	if ierr != nil {
		return nil, ierr
	}
	if len(clients) > maxClientIDs {
		return nil, limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: %d", maxClientIDs)
	}
	thumbs, ierr := q.thumbprints()
	if ierr != nil {
		return nil, ierr
	}
	tags, ierr := q.tags()
	if ierr != nil {
		return nil, ierr
	}
	v := q.e.state.view()
	arn := providerARN(v.account, OIDCProvider{Url: stored}, v.url)
	if ierr := q.authorize(arn); ierr != nil {
		return nil, ierr
	}
	ierr = q.update(func(c *Config) *iamError {
		for _, p := range c.OpenIDConnectProviders {
			if providerARN(c.Account, p, v.url) == arn {
				return alreadyExists("Provider with url %s already exists.", q.form.Get("Url"))
			}
		}
		if len(c.OpenIDConnectProviders) >= maxProviders {
			return limitExceeded("Cannot exceed quota for OpenIdConnectProvidersPerAccount: %d", maxProviders)
		}
		c.OpenIDConnectProviders = append(c.OpenIDConnectProviders, OIDCProvider{Url: stored, ClientIDList: clients,
			ThumbprintList: thumbs, Tags: tags, CreateDate: q.now.Format(time.RFC3339)})
		return nil
	})
	if ierr != nil {
		return nil, ierr
	}
	q.detail = "created " + arn
	return &createOpenIDConnectProviderResult{OpenIDConnectProviderArn: arn, Tags: tagsXML(tags)}, nil
}

func (q *iamCall) getOpenIDConnectProvider() (any, *iamError) {
	arn, ierr := q.get(pProviderArn, true)
	if ierr != nil {
		return nil, ierr
	}
	if ierr := q.authorize(arn); ierr != nil {
		return nil, ierr
	}
	var out *getOpenIDConnectProviderResult
	u := q.e.state.view().url
	q.e.state.read(func(c *Config) {
		var i int
		if i, ierr = findProvider(c, arn, u); ierr != nil {
			return
		}
		p := c.OpenIDConnectProviders[i]
		out = &getOpenIDConnectProviderResult{Url: trustpolicy.IssuerHost(expand(p.Url, u)), CreateDate: q.date(p.CreateDate),
			ClientIDList: iamStrings{append([]string(nil), p.ClientIDList...)}, ThumbprintList: iamStrings{append([]string(nil), p.ThumbprintList...)},
			Tags: tagsXML(p.Tags)}
	})
	if ierr != nil {
		return nil, ierr
	}
	return out, nil
}

func (q *iamCall) listOpenIDConnectProviders() (any, *iamError) {
	if ierr := q.authorize("*"); ierr != nil {
		return nil, ierr
	}
	out := &listOpenIDConnectProvidersResult{}
	v := q.e.state.view()
	for _, p := range v.providers {
		out.Providers.Members = append(out.Providers.Members, iamArn{p.ARN})
	}
	return out, nil
}

func (q *iamCall) updateOpenIDConnectProviderThumbprint() (any, *iamError) {
	arn, ierr := q.get(pProviderArn, true)
	if ierr != nil {
		return nil, ierr
	}
	if !q.form.Has("ThumbprintList") && !q.form.Has("ThumbprintList.member.1") {
		return nil, iamValidation("Value null at 'thumbprintList' failed to satisfy constraint: Member must not be null")
	}
	thumbs, ierr := q.thumbprints()
	if ierr != nil {
		return nil, ierr
	}
	if ierr := q.authorize(arn); ierr != nil {
		return nil, ierr
	}
	q.detail = "thumbprints of " + arn
	return nil, q.updateProvider(arn, func(c *Config, i int) {
		c.OpenIDConnectProviders[i].ThumbprintList = thumbs
	})
}

func (q *iamCall) deleteOpenIDConnectProvider() (any, *iamError) {
	arn, ierr := q.get(pProviderArn, true)
	if ierr != nil {
		return nil, ierr
	}
	if ierr := q.authorize(arn); ierr != nil {
		return nil, ierr
	}
	q.detail = "deleted " + arn
	return nil, q.updateProvider(arn, func(c *Config, i int) {
		c.OpenIDConnectProviders = append(c.OpenIDConnectProviders[:i], c.OpenIDConnectProviders[i+1:]...)
	})
}

// updateProvider changes the state's provider arn, the i-th of c (NoSuchEntity when the state
// has none).
func (q *iamCall) updateProvider(arn string, change func(c *Config, i int)) *iamError {
	u := q.e.state.view().url
	return q.update(func(c *Config) *iamError {
		i, ierr := findProvider(c, arn, u)
		if ierr == nil {
			change(c, i)
		}
		return ierr
	})
}
