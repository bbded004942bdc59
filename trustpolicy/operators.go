package trustpolicy

import (
	"bytes"
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type family int

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

type cmpKind int

const (
	cmpEq cmpKind = iota
	cmpFold
	cmpLike
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

// opSpec describes a base condition operator: its family, its comparison and whether it is
// the negation of that comparison (StringNotEquals is "not StringEquals").
type opSpec struct {
	name    string
	fam     family
	cmp     cmpKind
	negated bool
}

// operator is a parsed operator: optional set qualifier, base operator, optional IfExists.
type operator struct {
	qualifier string // "", "ForAnyValue" or "ForAllValues"
	base      opSpec
	ifExists  bool
}

// parseOperator reads "ForAnyValue:StringLikeIfExists" and the like. Operator names compare
// case-insensitively so that a diagnosis never blames spelling IAM accepts.
func parseOperator(op string) (operator, bool) {
	var o operator
	rest := op
	if i := strings.IndexByte(op, ':'); i >= 0 {
		switch strings.ToLower(op[:i]) {
		case "foranyvalue":
			o.qualifier = "ForAnyValue"
		case "forallvalues":
			o.qualifier = "ForAllValues"
		default:
			return o, false
		}
		rest = op[i+1:]
	}
	lower := strings.ToLower(rest)
	if strings.HasSuffix(lower, "ifexists") {
		o.ifExists = true
		lower = strings.TrimSuffix(lower, "ifexists")
	}
	spec, ok := baseOperator(lower)
	if !ok || (spec.fam == famNull && (o.ifExists || o.qualifier != "")) {
		return o, false
	}
	o.base = spec
	return o, true
}

// baseOperator is the table of operators from the IAM User Guide page "IAM JSON policy
// elements: Condition operators".
func baseOperator(lower string) (opSpec, bool) {
	s := func(name string, fam family, cmp cmpKind, neg bool) (opSpec, bool) {
		return opSpec{name, fam, cmp, neg}, true
	}
	switch lower {
	case "stringequals":
		return s("StringEquals", famString, cmpEq, false)
	case "stringnotequals":
		return s("StringNotEquals", famString, cmpEq, true)
	case "stringequalsignorecase":
		return s("StringEqualsIgnoreCase", famString, cmpFold, false)
	case "stringnotequalsignorecase":
		return s("StringNotEqualsIgnoreCase", famString, cmpFold, true)
	case "stringlike":
		return s("StringLike", famString, cmpLike, false)
	case "stringnotlike":
		return s("StringNotLike", famString, cmpLike, true)
	case "numericequals":
		return s("NumericEquals", famNumeric, cmpEq, false)
	case "numericnotequals":
		return s("NumericNotEquals", famNumeric, cmpEq, true)
	case "numericlessthan":
		return s("NumericLessThan", famNumeric, cmpLT, false)
	case "numericlessthanequals":
		return s("NumericLessThanEquals", famNumeric, cmpLE, false)
	case "numericgreaterthan":
		return s("NumericGreaterThan", famNumeric, cmpGT, false)
	case "numericgreaterthanequals":
		return s("NumericGreaterThanEquals", famNumeric, cmpGE, false)
	case "dateequals":
		return s("DateEquals", famDate, cmpEq, false)
	case "datenotequals":
		return s("DateNotEquals", famDate, cmpEq, true)
	case "datelessthan":
		return s("DateLessThan", famDate, cmpLT, false)
	case "datelessthanequals":
		return s("DateLessThanEquals", famDate, cmpLE, false)
	case "dategreaterthan":
		return s("DateGreaterThan", famDate, cmpGT, false)
	case "dategreaterthanequals":
		return s("DateGreaterThanEquals", famDate, cmpGE, false)
	case "bool":
		return s("Bool", famBool, cmpEq, false)
	case "binaryequals":
		return s("BinaryEquals", famBinary, cmpEq, false)
	case "ipaddress":
		return s("IpAddress", famIP, cmpEq, false)
	case "notipaddress":
		return s("NotIpAddress", famIP, cmpEq, true)
	case "arnequals":
		return s("ArnEquals", famARN, cmpLike, false)
	case "arnlike":
		return s("ArnLike", famARN, cmpLike, false)
	case "arnnotequals":
		return s("ArnNotEquals", famARN, cmpLike, true)
	case "arnnotlike":
		return s("ArnNotLike", famARN, cmpLike, true)
	case "null":
		return s("Null", famNull, cmpEq, false)
	}
	return opSpec{}, false
}

// usesVariables reports whether policy variables are substituted in the operator's values.
// The Condition operators page says it family by family: "You can use a policy variable with
// the String condition operator", "… with the ARN condition operator", "You can use a policy
// variable with the Boolean condition operator"; and "You can not use a policy variable with"
// the Numeric, Date, Binary, IpAddress and Null operators.
func (s opSpec) usesVariables() bool {
	return s.fam == famString || s.fam == famARN || s.fam == famBool
}

// compare applies the positive form of the operator to one policy value and one context
// value. problem is non-empty when the policy value itself is invalid for the operator.
func (s opSpec) compare(p pattern, v string) (match bool, problem string) {
	ps := p.String()
	if !utf8.ValidString(v) {
		// The policy side went through runes (each invalid byte became U+FFFD); so must the
		// context side, or a value would not equal itself. JSON inputs are always valid UTF-8.
		v = string([]rune(v))
	}
	switch s.fam {
	case famString:
		switch s.cmp {
		case cmpFold:
			return strings.EqualFold(ps, v), ""
		case cmpLike:
			return p.like([]rune(v)), ""
		}
		return ps == v, ""
	case famBool:
		if !strings.EqualFold(ps, "true") && !strings.EqualFold(ps, "false") {
			return false, "is not true or false"
		}
		return strings.EqualFold(ps, v), ""
	case famNumeric:
		pv, ok := parseNumber(ps)
		if !ok {
			return false, "is not a number"
		}
		cv, ok := parseNumber(v)
		return ok && order(s.cmp, compareFloat(cv, pv)), ""
	case famDate:
		pv, ok := parseDate(ps)
		if !ok {
			return false, "is not a date (ISO 8601 or epoch seconds)"
		}
		cv, ok := parseDate(v)
		return ok && order(s.cmp, cv.Compare(pv)), ""
	case famBinary:
		pb, err1 := base64.StdEncoding.DecodeString(ps)
		cb, err2 := base64.StdEncoding.DecodeString(v)
		if err1 != nil || err2 != nil {
			return ps == v, ""
		}
		return bytes.Equal(pb, cb), ""
	case famIP:
		prefix, ok := parsePrefix(ps)
		if !ok {
			return false, "is not an IP address or CIDR block"
		}
		addr, err := netip.ParseAddr(v)
		return err == nil && prefix.Contains(addr.Unmap()), ""
	case famARN:
		return p.arnLike(v), ""
	}
	return false, "has no comparison"
}

// order turns a three-way comparison (cv against pv) into the operator's answer.
func order(c cmpKind, sign int) bool {
	switch c {
	case cmpLT:
		return sign < 0
	case cmpLE:
		return sign <= 0
	case cmpGT:
		return sign > 0
	case cmpGE:
		return sign >= 0
	}
	return sign == 0
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// parseDate accepts the forms the Date operators document: ISO 8601 date-times (with or
// without seconds or fraction), plain dates, and epoch (UNIX) seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func parsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, false
		}
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()).Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}
