package trustpolicy

import "strings"

// pchar is one character of a policy value. lit marks characters that can never be wildcards:
// the ${*} ${?} ${$} escapes and text a policy variable was replaced with.
type pchar struct {
	r   rune
	lit bool
}

// pattern is a policy value after policy-variable substitution.
type pattern []pchar

func literal(s string) pattern {
	p := make(pattern, 0, len(s))
	for _, r := range s {
		p = append(p, pchar{r: r})
	}
	return p
}

// String returns the value after substitution as plain text for explanations; a literal * or
// ? (from ${*}, ${?} or a variable's value) looks the same as a wildcard there.
func (p pattern) String() string {
	var b strings.Builder
	for _, c := range p {
		b.WriteRune(c.r)
	}
	return b.String()
}

// like matches s against p, where an unescaped * matches any run of characters (also none)
// and ? exactly one, case-sensitively ("IAM JSON policy elements: Condition operators",
// StringLike).
func (p pattern) like(s []rune) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && !p[pi].lit && p[pi].r == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && ((!p[pi].lit && p[pi].r == '?') || p[pi].r == s[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && !p[pi].lit && p[pi].r == '*' {
		pi++
	}
	return pi == len(p)
}

// arnLike compares an ARN the way ArnEquals and ArnLike do: each of the six colon-separated
// parts separately, each part allowing * and ? wildcards, so a wildcard never crosses a
// colon of the first five separators.
func (p pattern) arnLike(v string) bool {
	vparts := strings.SplitN(v, ":", 6)
	var pparts []pattern
	start := 0
	for i, c := range p {
		if c.r == ':' && len(pparts) < 5 {
			pparts = append(pparts, p[start:i])
			start = i + 1
		}
	}
	pparts = append(pparts, p[start:])
	if len(vparts) != 6 || len(pparts) != 6 {
		return false
	}
	for i := range vparts {
		if !pparts[i].like([]rune(vparts[i])) {
			return false
		}
	}
	return true
}

// varStatus says how substitution went.
type varStatus int

const (
	varOK         varStatus = iota
	varUnresolved           // a variable's key is absent or multivalued and has no default
	varUnknown              // a variable's key cannot be known locally
)

// substitute replaces policy variables in a condition value ("IAM policy elements: Variables
// and tags"): ${key} takes the value of a single-valued context key (names case-insensitive);
// ${key, 'default'} falls back to the quoted default (a doubled single quote inside it stands for one); ${*}, ${?}
// and ${$} stand for the literal characters. The replacement is done once: text a variable
// yields is never scanned again. key reports the variable that failed or was unknown.
func substitute(v string, c *Context) (p pattern, status varStatus, key string) {
	p = make(pattern, 0, len(v))
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			return append(p, literal(v)...), status, key
		}
		j := strings.IndexByte(v[i:], '}')
		if j < 0 {
			return append(p, literal(v)...), status, key
		}
		p = append(p, literal(v[:i])...)
		inner := v[i+2 : i+j]
		v = v[i+j+1:]
		switch inner {
		case "*", "?", "$":
			p = append(p, pchar{r: rune(inner[0]), lit: true})
			continue
		}
		name, def, hasDef := splitDefault(inner)
		if c.IsUnknown(name) {
			status, key = varUnknown, name
			continue
		}
		vals, ok := c.Lookup(name)
		switch {
		case ok && len(vals) == 1:
			p = appendLit(p, vals[0])
		case hasDef:
			p = appendLit(p, def)
		default:
			if status == varOK {
				status, key = varUnresolved, name
			}
		}
	}
}

func appendLit(p pattern, s string) pattern {
	for _, r := range s {
		p = append(p, pchar{r: r, lit: true})
	}
	return p
}

// splitDefault splits "aws:username, 'anonymous'" into the key and the unquoted default.
func splitDefault(inner string) (key, def string, ok bool) {
	i := strings.IndexByte(inner, ',')
	if i < 0 {
		return strings.TrimSpace(inner), "", false
	}
	key = strings.TrimSpace(inner[:i])
	d := strings.TrimSpace(inner[i+1:])
	if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
		return key, "", false
	}
	return key, strings.ReplaceAll(d[1:len(d)-1], "''", "'"), true
}

// MatchLike reports whether value matches pattern the way StringLike compares one policy value
// with one context value: * matches any run of characters (also none), ? exactly one,
// case-sensitively. Policy variables are not substituted.
func MatchLike(pattern, value string) bool {
	return literal(pattern).like([]rune(value))
}
