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
		if ok && op.qualifier == "ForAllValues" && s.Effect == "Allow" {
			add(Warning, CodeForAllValuesAllow, loc,
				"ForAllValues matches when the key is absent, so this Allow also passes for tokens without the claim",
				fmt.Sprintf("use %s, or add \"Null\": {%q: \"false\"}", operator{qualifier: "ForAnyValue", ifExists: op.ifExists}.withBase(op.base.name), key))
		}
		if ok && op.qualifier != "" && !multivaluedKey(key) {
			add(Warning, CodeSetOpOnSingleValued, loc,
				fmt.Sprintf("%s is single-valued; a set operator on it can be more permissive than intended", key),
				fmt.Sprintf("use %s", operator{ifExists: op.ifExists}.withBase(op.base.name)))
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
