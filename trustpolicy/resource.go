package trustpolicy

import (
	"fmt"
	"strings"
)

// checkResource matches the request's resource against Resource or NotResource ("IAM JSON
// policy elements: Resource" and "…: NotResource"). Resource ARNs compare case-sensitively.
// Under Version 2012-10-17 policy variables in a value are substituted first ("IAM policy
// elements: Variables and tags"); a value whose variable has no single value matches
// nothing, and one whose variable cannot be known here makes the element Unknown. key names
// what an Unknown outcome depends on.
func checkResource(s *Statement, c *Context, vars bool) (chk Check, key string) {
	list, not, elem := s.Resource, false, "Resource"
	if s.Resource == nil {
		list, not, elem = s.NotResource, true, "NotResource"
	}
	if list == nil {
		return Check{NoMatch, "the statement has no Resource"}, ""
	}
	res := c.Resource
	if res == "" {
		switch {
		case not && len(list) == 0:
			return Check{Match, "NotResource is empty, so every resource matches"}, ""
		case !not && contains(list, "*"):
			return Check{Match, `Resource is "*" (every resource)`}, ""
		}
		return Check{Unknown, "the request's resource is not known"}, "Resource"
	}
	hit, outcome := "", NoMatch
	var notes []string
	for _, v := range list {
		m, why, k := matchResource(v, res, c, vars)
		if why != "" {
			notes = append(notes, why)
		}
		if m == Match {
			hit, outcome = v, Match
			break
		}
		if m == Unknown && outcome == NoMatch {
			outcome, key = Unknown, k
		}
	}
	var chk0 Check
	switch {
	case outcome == Unknown:
		chk0 = Check{Unknown, fmt.Sprintf("whether %s matches %s %s depends on %s", res, elem, quoteFew(list), key)}
	case not && hit != "":
		chk0 = Check{NoMatch, fmt.Sprintf("%s is excluded by NotResource %q", res, hit)}
	case not:
		chk0 = Check{Match, fmt.Sprintf("%s is not in NotResource", res)}
	case hit != "":
		chk0 = Check{Match, fmt.Sprintf("%s matches Resource %q", res, hit)}
	default:
		chk0 = Check{NoMatch, fmt.Sprintf("%s is not in Resource %s", res, quoteFew(list))}
	}
	if chk0.Outcome != Unknown {
		key = ""
	}
	if len(notes) > 0 && hit == "" {
		chk0.Reason += "; " + strings.Join(dedupe(notes), "; ")
	}
	return chk0, key
}

// matchResource matches one Resource value. why explains a value that could not be used;
// key names the unknown key of an Unknown outcome.
func matchResource(v, res string, c *Context, vars bool) (m Outcome, why, key string) {
	if !vars || !strings.Contains(v, "${") {
		if literal(v).resourceLike([]rune(res)) {
			return Match, "", ""
		}
		return NoMatch, "", ""
	}
	p, st, k := substitute(v, c)
	switch st {
	case varUnknown:
		return Unknown, "", k
	case varUnresolved:
		return NoMatch, fmt.Sprintf("the value %q uses ${%s}, which has no single value here, so it matches nothing", v, k), ""
	}
	if p.resourceLike([]rune(res)) {
		return Match, "", ""
	}
	return NoMatch, "", ""
}

// resourceLike matches a resource ARN against a Resource value, case-sensitively. An ARN is
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, and the RESOURCE part may itself hold colons
// (S3 object keys, arn:aws:logs:…:log-group:NAME:log-stream:…), so the colons that separate
// segments are the first five. The IAM User Guide page "IAM JSON policy elements: Resource"
// (section "Using wildcards in resource ARNs") says: * and ? are wildcards within the
// individual segments of an ARN — * any run of characters, ? any one character — and "if the *
// wildcard is the last character of a resource ARN segment, it can expand to match beyond the
// colon boundaries". Hence:
//
//   - in the first five segments, a * that ends its segment (followed by a colon or the end of
//     the value) matches any run, colons included, as in arn:aws:iam::* or arn:aws:s3:*; any
//     other * there matches a run without a colon, and ? never matches a colon;
//   - in the RESOURCE segment (after the value's fifth colon) * and ? match any character, a
//     colon too: the segment is one, whatever it holds;
//   - "*" alone is the last character of its only segment and so matches every resource.
//
// The page does not say what ? does at a colon; "within the individual segments" is our
// reading. It also says no wildcard may stand for the service segment; IAM's policy validator
// reports that, and this match does not enforce it. Wildcards from ${*} and ${?}, and text a
// policy variable yielded, are literal.
func (p pattern) resourceLike(s []rune) bool {
	// prev[j] reports whether p[:i] matches s[:j]; one row per pattern character.
	prev := make([]bool, len(s)+1)
	cur := make([]bool, len(s)+1)
	prev[0] = true
	colons := 0 // colons in p[:i]
	for i, c := range p {
		inResource := colons >= 5
		switch {
		case !c.lit && c.r == '*':
			crosses := inResource || i == len(p)-1 || p[i+1].r == ':'
			cur[0] = prev[0]
			for j := 1; j <= len(s); j++ {
				cur[j] = prev[j] || (cur[j-1] && (crosses || s[j-1] != ':'))
			}
		case !c.lit && c.r == '?':
			cur[0] = false
			for j := 1; j <= len(s); j++ {
				cur[j] = prev[j-1] && (inResource || s[j-1] != ':')
			}
		default:
			cur[0] = false
			for j := 1; j <= len(s); j++ {
				cur[j] = prev[j-1] && s[j-1] == c.r
			}
		}
		if c.r == ':' {
			colons++
		}
		prev, cur = cur, prev
		if !anyTrue(prev) {
			return false // no prefix of s matches p[:i+1]; nothing longer will
		}
	}
	return prev[len(s)]
}

// MatchResource reports whether a resource ARN matches one value of a Resource element the
// way [Authorize] compares them: case-sensitively; * and ? wildcards within the segments of
// the ARN; a * that ends a segment also across colons; in the resource segment (after the
// fifth colon) wildcards match colons too; "*" alone matches everything. Policy variables are
// not substituted.
func MatchResource(pattern, resource string) bool {
	return literal(pattern).resourceLike([]rune(resource))
}

func anyTrue(b []bool) bool {
	for _, v := range b {
		if v {
			return true
		}
	}
	return false
}
