package trustpolicy

import (
	"fmt"
	"strings"
)

// lintConditions checks one statement's Condition element against its Federated hosts.
func lintConditions(s *Statement, at string, hosts []string) []Finding {
	var out []Finding
	add := func(sev Severity, code, loc, msg, fix string) {
		out = append(out, Finding{sev, code, loc, msg, fix})
	}
	used := map[string]bool{} // lower-case hosts the condition keys name
	for _, c := range s.Conditions {
		loc := at + ".Condition." + c.Operator + "." + c.Key
		key, lkey := c.Key, strings.ToLower(c.Key)
		op, ok := parseOperator(c.Operator)
		if !ok {
			add(Error, CodeUnknownOperator, at+".Condition."+c.Operator,
				fmt.Sprintf("%q is not an IAM condition operator, so this statement can never match", c.Operator),
				"use a documented operator such as StringEquals or StringLike (optionally with ForAnyValue:/ForAllValues: or …IfExists)")
		}
		switch {
		case strings.HasPrefix(lkey, "https://") || strings.HasPrefix(lkey, "http://"):
			key = IssuerHost(c.Key)
			add(Error, CodeKeyHasScheme, loc,
				"condition keys name the provider without its scheme; this key never exists in the request, so the condition fails",
				fmt.Sprintf("write the key as %q", key))
		case strings.HasPrefix(lkey, "arn:"):
			if _, host, ok := splitProviderARN(c.Key[:max(strings.LastIndexByte(c.Key, ':'), 0)]); ok {
				key = host + c.Key[strings.LastIndexByte(c.Key, ':'):]
			}
			add(Error, CodeKeyIsARN, loc,
				"condition keys start with the provider URL, not the provider ARN; this key never exists in the request",
				fmt.Sprintf("write the key as %q", key))
		}
		// The remaining checks read the key as it was meant.
		prefix, claim := splitKey(key)
		if ok && op.base.fam == famString && (op.base.cmp == cmpEq || op.base.cmp == cmpFold) {
			for _, v := range c.Values {
				if hasWildcard(v) {
					add(Error, CodeWildcardNeedsLike, loc,
						fmt.Sprintf("%s compares literally, so the * or ? in %q is not a wildcard", op.base.name, v),
						fmt.Sprintf("use %s instead", op.withBase(likeOf(op.base))))
					break
				}
			}
		}
		if claim == "aud" {
			for _, v := range c.Values {
				if looksLikeSub(v) {
					add(Error, CodeAudSubSwapped, loc,
						fmt.Sprintf("%q looks like a subject (sub), but it is compared with the audience key", v),
						fmt.Sprintf("compare it with %s:sub, and compare %s:aud with the audience (for example sts.amazonaws.com)", prefix, prefix))
					break
				}
			}
		}
		if claim == "sub" {
			for _, v := range c.Values {
				if v == "sts.amazonaws.com" || strings.HasPrefix(v, "https://") {
					add(Error, CodeAudSubSwapped, loc,
						fmt.Sprintf("%q looks like an audience (aud), but it is compared with the subject key", v),
						fmt.Sprintf("compare it with %s:aud, and compare %s:sub with the subject", prefix, prefix))
					break
				}
			}
		}
		if ok && op.qualifier == "ForAllValues" && s.Effect == "Allow" && !nullGuarded(s, key) {
			add(Warning, CodeForAllValuesAllow, loc,
				`ForAllValues also matches when the key is absent or empty ("It also returns true if there are no keys in the request, or if the key values resolve to a null data set" — IAM User Guide), so this Allow also passes for tokens without the claim`,
				fmt.Sprintf("use %s, or add \"Null\": {%q: \"false\"}", operator{qualifier: "ForAnyValue", ifExists: op.ifExists}.withBase(op.base.name), key))
		}
		if ok && op.qualifier != "" && !multivaluedKey(key) {
			add(Warning, CodeSetOpOnSingleValued, loc,
				fmt.Sprintf("%s is single-valued; a set operator on it can be more permissive than intended", key),
				fmt.Sprintf("use %s", operator{ifExists: op.ifExists}.withBase(op.base.name)))
		}
		if ok && op.qualifier == "" && op.base.fam != famNull && multivaluedByType(key) {
			add(Warning, CodeMultivaluedNeedsSetOp, loc,
				fmt.Sprintf(`%s is multivalued, and AWS does not document what %s does with it without ForAnyValue or ForAllValues ("Multivalued context keys require a set operator" — IAM User Guide); rawsts reads it as ForAnyValue, an independent evaluator (iam-simulate) as never matching`, key, op.base.name),
				fmt.Sprintf("write the set operator: %s", operator{qualifier: "ForAnyValue", ifExists: op.ifExists}.withBase(op.base.name)))
		}
		if ok {
			if f, found := providerKeyFinding(key, c.Values, op, hosts); found {
				f.Location = loc
				out = append(out, f)
			}
		}
		if prefix != "" && prefix != "aws" && prefix != "sts" && len(hosts) > 0 {
			if h := matchHost(hosts, prefix); h != "" {
				used[h] = true
			} else {
				add(Error, CodeProviderKeyMismatch, loc,
					fmt.Sprintf("the key names provider %q, but the statement's Principal.Federated is %s; the key is absent from requests by that principal", prefix, quoteList(hosts)),
					fmt.Sprintf("write the key as %q", hosts[0]+":"+claim))
			}
		}
	}
	if len(used) >= 2 {
		add(Error, CodeMultiProvider, at+".Principal.Federated",
			"conditions for several providers in one statement are ANDed, and a token comes from one provider, so no token can pass",
			"split the statement: one statement per Federated provider with that provider's conditions")
	}
	if s.Effect == "Allow" {
		for _, h := range hosts {
			if sharedIssuer(h) && !hasKey(s, h+":sub") {
				add(Error, CodeMissingSub, at+".Condition",
					fmt.Sprintf("%s issues tokens to every customer; without a %s:sub condition any of them can assume this role (AWS refuses or warns about such policies)", h, h),
					fmt.Sprintf("add a StringEquals or StringLike condition on %q naming your repository/project", h+":sub"))
			}
		}
	}
	return out
}

// nullGuarded reports a Null: false condition on key in the statement: the guard that makes
// ForAllValues in an Allow require the key.
func nullGuarded(s *Statement, key string) bool {
	for _, c := range s.Conditions {
		if strings.EqualFold(c.Operator, "Null") && strings.EqualFold(c.Key, key) && len(c.Values) == 1 && strings.EqualFold(c.Values[0], "false") {
			return true
		}
	}
	return false
}

// providerKeyFinding checks a condition key that names an identity provider (a prefix with a
// dot: a host) against the key table: a key STS does not provide is an error, a disputed one a
// warning. Keys of providers other than the statement's are left to provider-key-mismatch.
func providerKeyFinding(key string, values []string, op operator, hosts []string) (Finding, bool) {
	host, name := providerOfKey(key, hosts)
	if host == "" || (len(hosts) > 0 && matchHost(hosts, host) == "") {
		return Finding{}, false
	}
	state, _, d := lookupKey(host, name)
	switch state {
	case keyDisputed:
		return Finding{Severity: Warning, Code: CodeKeyDisputed,
			Message: disputedNote(host, *d) + "; this condition is evaluated as if the key were absent",
			Fix:     "use " + strings.ReplaceAll(d.instead, "HOST", host) + " instead, which AWS documents"}, true
	case keyNotProvided:
		why := fmt.Sprintf("no AWS source lists %s:%s among the keys of this provider", host, name)
		if isGHES(strings.ToLower(host)) && familyOf("token.actions.githubusercontent.com").keyNamed(name) {
			why = "AWS lists GitHub's extended keys for token.actions.githubusercontent.com and GHE.com issuers, not for GitHub Enterprise Server"
		}
		msg := "STS does not provide this key; this condition can never match"
		if absentMatches(op, values) {
			msg = "STS does not provide this key; this condition always matches (" + op.withBase(op.base.name) + " matches an absent key), so it restricts nothing"
		}
		return Finding{Severity: Error, Code: CodeKeyNotProvided, Message: msg + " (" + why + ")", Fix: insteadOf(host, name)}, true
	}
	return Finding{}, false
}

// absentMatches reports whether the operator matches a key that is absent: negated
// operators, …IfExists, ForAllValues, Null "true".
func absentMatches(op operator, values []string) bool {
	if op.base.fam == famNull {
		return len(values) > 0 && strings.EqualFold(values[0], "true")
	}
	return op.qualifier == "ForAllValues" || (op.qualifier == "" && (op.ifExists || op.base.negated))
}

// providerOfKey splits a condition key into the provider host and the key's name: after the
// statement's Federated host it starts with, if any (a host may hold a colon, with a port),
// else at the last colon. host is "" for keys that name no identity provider (aws:, sts:,
// saml:, service keys): their prefix has no dot.
func providerOfKey(key string, hosts []string) (host, name string) {
	for _, h := range hosts {
		if len(key) > len(h)+1 && strings.EqualFold(key[:len(h)], h) && key[len(h)] == ':' {
			return key[:len(h)], key[len(h)+1:]
		}
	}
	i := strings.LastIndexByte(key, ':')
	if i < 0 || !strings.Contains(key[:i], ".") {
		return "", ""
	}
	return key[:i], key[i+1:]
}

func splitKey(key string) (prefix, claim string) {
	i := strings.LastIndexByte(key, ':')
	if i < 0 {
		return "", key
	}
	return key[:i], strings.ToLower(key[i+1:])
}

func matchHost(hosts []string, prefix string) string {
	for _, h := range hosts {
		if strings.EqualFold(h, prefix) {
			return strings.ToLower(h)
		}
	}
	return ""
}

func hasKey(s *Statement, key string) bool {
	for _, c := range s.Conditions {
		if strings.EqualFold(c.Key, key) {
			return true
		}
	}
	return false
}

// hasWildcard reports an unescaped * or ? (the ${*} and ${?} escapes are literal).
func hasWildcard(v string) bool {
	v = strings.ReplaceAll(strings.ReplaceAll(v, "${*}", ""), "${?}", "")
	return strings.ContainsAny(v, "*?")
}

// withBase spells the operator with another base operator, keeping qualifier and IfExists.
func (o operator) withBase(base string) string {
	if o.ifExists {
		base += "IfExists"
	}
	if o.qualifier != "" {
		base = o.qualifier + ":" + base
	}
	return base
}

func likeOf(s opSpec) string {
	if s.negated {
		return "StringNotLike"
	}
	return "StringLike"
}

// looksLikeSub recognises the subject forms of the common CI issuers (PROTOCOL.md §5).
func looksLikeSub(v string) bool {
	for _, p := range []string{"repo:", "system:serviceaccount:", "project_path:", "organization:", "org/", "sc://", "p://"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// multivaluedKey: the keys that really carry several values at AssumeRoleWithWebIdentity
// time, and aud (a token may have several audiences).
func multivaluedKey(key string) bool {
	_, claim := splitKey(key)
	lk := strings.ToLower(key)
	return claim == "amr" || claim == "aud" || lk == "aws:tagkeys" || lk == "sts:transitivetagkeys"
}
