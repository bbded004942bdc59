package trustpolicy

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Policy is a parsed policy document: a role trust policy (from [Parse]) or an identity policy
// (from [ParseIdentity]); both share the one grammar of the IAM policy language.
type Policy struct {
	// Version is the policy language version, "2012-10-17" or "2008-10-17"; empty when the
	// document has none. Policy variables are substituted only under "2012-10-17".
	Version string
	// ID is the optional Id element.
	ID string
	// Statements holds the statements in document order (a single Statement object becomes
	// a one-element list).
	Statements []Statement
	// Duplicates lists the paths of JSON keys that appeared more than once in one object,
	// such as "Statement[0].Condition.StringLike". The last value is the one kept (as
	// encoding/json does; what IAM does is not documented); [Lint] reports each one.
	Duplicates []string
	// Role is set when the document came from `aws iam get-role` output.
	Role *Role
}

// Role is what Parse reports from `aws iam get-role` output besides the trust policy.
type Role struct {
	// Arn is the role's ARN, arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME; its partition and
	// account are those of the provider ARN the trust policy should name.
	Arn string
	// RoleName is the role's name without its path.
	RoleName string
	// MaxSessionDuration is the longest session the role allows, in seconds; 0 when absent.
	MaxSessionDuration int
}

// Statement is one statement of a policy.
type Statement struct {
	// Sid is the statement's optional id, as written; "" when absent. Locations in
	// findings use the statement's index, not the Sid.
	Sid    string
	Effect string // "Allow" or "Deny"
	// Principal is who the statement applies to. In a trust policy exactly one of Principal
	// and NotPrincipal is non-nil; in an identity policy both are nil (the policy applies to
	// the identity it is attached to).
	Principal *Principal
	// NotPrincipal, the rarely right inverse, applies the statement to everyone except the
	// principals it lists.
	NotPrincipal *Principal
	// Action lists the actions, such as "sts:AssumeRoleWithWebIdentity"; wildcards as
	// written. Exactly one of Action and NotAction is non-nil.
	Action []string
	// NotAction applies the statement to every action except those listed.
	NotAction []string
	// Resource lists the resources an identity-policy statement applies to: ARNs with * and
	// ? wildcards, or "*". In an identity policy exactly one of Resource and NotResource is
	// non-nil. A trust policy has none (its resource is the role): [Evaluate] ignores both,
	// and [Lint] reports them.
	Resource []string
	// NotResource applies an identity-policy statement to every resource except those listed.
	NotResource []string
	// Conditions holds one entry per operator and key, in document order.
	Conditions []Condition
}

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	// All is true for the bare string "*" (everyone).
	All bool
	// AWS lists accounts, users and roles: account ids, arn:aws:iam::ACCOUNT:root or
	// role/user ARNs. A single string in the document becomes a list of one.
	AWS []string
	// Federated lists identity providers: IAM OIDC provider ARNs
	// (arn:aws:iam::ACCOUNT:oidc-provider/HOST) or built-in names such as
	// "cognito-identity.amazonaws.com" and "accounts.google.com". Web identity federation
	// matches here.
	Federated []string
	// Service lists AWS service principals, such as "ec2.amazonaws.com".
	Service []string
	// CanonicalUser lists S3 canonical user ids; parsed, never matched by a web identity.
	CanonicalUser []string
}

// Condition is one key of one operator block: "StringLike": {"KEY": ["v1", "v2"]}.
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringLike"
	Key      string // as written; keys compare case-insensitively
	// Values are the policy's values; numbers and booleans keep their JSON text.
	Values []string
}

// ParseError is a document that is not a trust policy. Path points at the offending element,
// for example "Statement[1].Condition.StringLike".
type ParseError struct {
	// Path locates the element in JSON terms, e.g. "Statement[1].Condition.StringLike"; ""
	// when the document as a whole is wrong (not JSON, not an object).
	Path string
	// Msg says what is wrong with the element, e.g. "missing Effect".
	Msg string
}

// Error returns "trustpolicy: PATH: MESSAGE".
func (e *ParseError) Error() string {
	if e.Path == "" {
		return "trustpolicy: " + e.Msg
	}
	return "trustpolicy: " + e.Path + ": " + e.Msg
}

// invalidUTF8At returns the offset of the first byte of data that does not start a valid
// UTF-8 sequence.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// utf8BOM is the UTF-8 encoding of U+FEFF, the byte-order mark.
var utf8BOM = []byte("\xef\xbb\xbf")

// ErrEmpty is returned by Parse for an empty or all-blank input.
var ErrEmpty = errors.New("trustpolicy: empty document")

// Parse reads a trust policy in any of the forms people paste: the JSON document itself; the
// document URL-encoded as the IAM API returns it (starting "%7B"); or `aws iam get-role`
// output, {"Role": {..., "AssumeRolePolicyDocument": ...}}, where the document is an object or
// an (encoded) string. Role.Arn and Role.MaxSessionDuration are reported when present. Errors
// are *ParseError naming the element, or ErrEmpty.
func Parse(data []byte) (*Policy, error) {
	root, dups, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	var p *Policy
	switch {
	case root.get("Role") != nil && root.get("Statement") == nil:
		p, err = parseRole(root.get("Role"), "Role")
	case root.get("AssumeRolePolicyDocument") != nil:
		p, err = parseRole(root, "")
	default:
		p, err = parseDocument(root, trustPolicy)
	}
	if err != nil {
		return nil, err
	}
	p.Duplicates = append(dups, p.Duplicates...)
	return p, nil
}

// ParseIdentity reads an identity (permissions) policy: the document as written, or URL-encoded
// as the IAM API returns it. It is the grammar [Parse] reads, with the rules IAM applies to
// identity policies ("IAM JSON policy elements reference"): a statement names no Principal or
// NotPrincipal (IAM refuses it with MalformedPolicyDocument, "Policy document should not
// specify a principal"), and each statement has exactly one of Resource and NotResource
// besides Effect and Action or NotAction. Errors are *ParseError naming the element, or
// ErrEmpty. Session policies (the Policy parameter of AssumeRole*) are identity policies too.
func ParseIdentity(data []byte) (*Policy, error) {
	root, dups, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	p, err := parseDocument(root, identityPolicy)
	if err != nil {
		return nil, err
	}
	p.Duplicates = dups
	return p, nil
}

// decodeDocument trims, URL-decodes when the input starts with "%7B", and decodes the JSON
// object shared by both policy kinds.
func decodeDocument(data []byte) (*jnode, []string, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil, ErrEmpty
	}
	if bytes.HasPrefix(data, utf8BOM) {
		// JSON has no byte-order mark (RFC 8259 §8.1); editors on Windows add one. Whether IAM
		// accepts a document that starts with one is not documented: refuse it in words rather
		// than as "invalid character 'ï'".
		return nil, nil, &ParseError{Msg: "the document starts with a UTF-8 byte-order mark (bytes EF BB BF), which is not JSON; save it as UTF-8 without a BOM"}
	}
	if hasFoldPrefix(data, "%7b") {
		s, err := url.PathUnescape(string(data))
		if err != nil {
			return nil, nil, &ParseError{Msg: "URL-encoded document does not decode: " + err.Error()}
		}
		data = []byte(s)
	}
	if !utf8.Valid(data) {
		// Go's JSON decoder would turn the bytes into U+FFFD and go on; JSON exchanged between
		// systems is UTF-8 (RFC 8259 §8.1), and the AWS CLI cannot even read such a file.
		return nil, nil, &ParseError{Msg: fmt.Sprintf("the document is not UTF-8 text (byte %d is not); save it as UTF-8", invalidUTF8At(data))}
	}
	root, dups, err := decodeJSON(data)
	if err != nil {
		return nil, nil, &ParseError{Msg: err.Error()}
	}
	if root.kind != jObject {
		return nil, nil, &ParseError{Msg: "document is a " + root.kind.String() + ", want an object"}
	}
	return root, dups, nil
}

// policyKind selects the statement rules of a trust policy or an identity policy.
type policyKind int

const (
	trustPolicy policyKind = iota
	identityPolicy
)

func hasFoldPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// parseRole reads a get-role Role object. Paths in errors about the document itself are
// relative to the document, as a person reading the trust policy expects.
func parseRole(r *jnode, path string) (*Policy, error) {
	if r.kind != jObject {
		return nil, &ParseError{Path: path, Msg: "is a " + r.kind.String() + ", want an object"}
	}
	role := &Role{}
	if v := r.get("Arn"); v != nil && v.kind == jString {
		role.Arn = v.text
	}
	if v := r.get("RoleName"); v != nil && v.kind == jString {
		role.RoleName = v.text
	}
	if v := r.get("MaxSessionDuration"); v != nil {
		n, err := strconv.Atoi(v.text)
		if v.kind != jNumber || err != nil {
			return nil, &ParseError{Path: join(path, "MaxSessionDuration"), Msg: "want an integer number of seconds"}
		}
		role.MaxSessionDuration = n
	}
	doc := r.get("AssumeRolePolicyDocument")
	var p *Policy
	var err error
	switch {
	case doc == nil:
		return nil, &ParseError{Path: path, Msg: "no AssumeRolePolicyDocument"}
	case doc.kind == jString:
		p, err = Parse([]byte(doc.text))
		if err == nil && p.Role != nil {
			err = &ParseError{Path: join(path, "AssumeRolePolicyDocument"), Msg: "holds another role"}
		}
	default:
		p, err = parseDocument(doc, trustPolicy)
	}
	if err != nil {
		return nil, err
	}
	p.Role = role
	return p, nil
}

func parseDocument(n *jnode, kind policyKind) (*Policy, error) {
	if n.kind != jObject {
		return nil, &ParseError{Msg: "policy document is a " + n.kind.String() + ", want an object"}
	}
	p := &Policy{}
	for i, key := range n.keys {
		v := n.vals[i]
		switch key {
		case "Version":
			if v.kind != jString || (v.text != "2012-10-17" && v.text != "2008-10-17") {
				return nil, &ParseError{Path: key, Msg: fmt.Sprintf("want \"2012-10-17\" or \"2008-10-17\", got %s", describe(v))}
			}
			p.Version = v.text
		case "Id":
			if v.kind != jString {
				return nil, &ParseError{Path: key, Msg: "want a string, got " + describe(v)}
			}
			p.ID = v.text
		case "Statement":
			switch v.kind {
			case jObject:
				s, err := parseStatement(v, "Statement", kind)
				if err != nil {
					return nil, err
				}
				p.Statements = []Statement{s}
			case jArray:
				p.Statements = []Statement{}
				for j, e := range v.elems {
					s, err := parseStatement(e, fmt.Sprintf("Statement[%d]", j), kind)
					if err != nil {
						return nil, err
					}
					p.Statements = append(p.Statements, s)
				}
			default:
				return nil, &ParseError{Path: key, Msg: "want an object or a list of objects, got " + describe(v)}
			}
		default:
			return nil, &ParseError{Path: key, Msg: "unknown top-level element (elements are case-sensitive: Version, Id, Statement)"}
		}
	}
	if p.Statements == nil {
		return nil, &ParseError{Path: "Statement", Msg: "missing"}
	}
	return p, nil
}

func parseStatement(n *jnode, path string, kind policyKind) (Statement, error) {
	var s Statement
	if n.kind != jObject {
		return s, &ParseError{Path: path, Msg: "want an object, got " + describe(n)}
	}
	var err error
	for i, key := range n.keys {
		v, at := n.vals[i], join(path, key)
		switch key {
		case "Sid":
			if v.kind != jString {
				return s, &ParseError{Path: at, Msg: "want a string, got " + describe(v)}
			}
			s.Sid = v.text
		case "Effect":
			if v.kind != jString || (v.text != "Allow" && v.text != "Deny") {
				return s, &ParseError{Path: at, Msg: "want \"Allow\" or \"Deny\", got " + describe(v)}
			}
			s.Effect = v.text
		case "Principal":
			s.Principal, err = parsePrincipal(v, at)
		case "NotPrincipal":
			s.NotPrincipal, err = parsePrincipal(v, at)
		case "Action":
			s.Action, err = stringList(v, at)
		case "NotAction":
			s.NotAction, err = stringList(v, at)
		case "Resource":
			s.Resource, err = stringList(v, at)
		case "NotResource":
			s.NotResource, err = stringList(v, at)
		case "Condition":
			s.Conditions, err = parseConditions(v, at)
		default:
			err = &ParseError{Path: at, Msg: "unknown statement element (elements are case-sensitive)"}
		}
		if err != nil {
			return s, err
		}
	}
	if s.Effect == "" {
		return s, &ParseError{Path: path, Msg: "missing Effect"}
	}
	if kind == identityPolicy {
		return s, identityRules(s, path)
	}
	switch {
	case s.Principal != nil && s.NotPrincipal != nil:
		return s, &ParseError{Path: path, Msg: "has both Principal and NotPrincipal"}
	case s.Principal == nil && s.NotPrincipal == nil:
		return s, &ParseError{Path: path, Msg: "missing Principal (a trust policy statement names who may assume the role)"}
	}
	return s, actionRules(s, path)
}

// actionRules requires exactly one of Action and NotAction, in every kind of policy.
func actionRules(s Statement, path string) error {
	switch {
	case s.Action != nil && s.NotAction != nil:
		return &ParseError{Path: path, Msg: "has both Action and NotAction"}
	case s.Action == nil && s.NotAction == nil:
		return &ParseError{Path: path, Msg: "missing Action"}
	}
	return nil
}

// identityRules checks what IAM requires of an identity-policy statement: no principal (the
// message is IAM's MalformedPolicyDocument text, PROTOCOL.md §11.3), an Action or NotAction,
// and exactly one of Resource and NotResource.
func identityRules(s Statement, path string) error {
	const noPrincipal = "Policy document should not specify a principal (an identity policy applies to the identity it is attached to; IAM answers MalformedPolicyDocument)"
	switch {
	case s.Principal != nil:
		return &ParseError{Path: join(path, "Principal"), Msg: noPrincipal}
	case s.NotPrincipal != nil:
		return &ParseError{Path: join(path, "NotPrincipal"), Msg: noPrincipal}
	}
	if err := actionRules(s, path); err != nil {
		return err
	}
	switch {
	case s.Resource != nil && s.NotResource != nil:
		return &ParseError{Path: path, Msg: "has both Resource and NotResource"}
	case s.Resource == nil && s.NotResource == nil:
		return &ParseError{Path: path, Msg: `missing Resource (an identity policy statement names the resources it applies to; "*" for all)`}
	}
	return nil
}

func parsePrincipal(n *jnode, path string) (*Principal, error) {
	if n.kind == jString {
		if n.text != "*" {
			return nil, &ParseError{Path: path, Msg: fmt.Sprintf("a string principal must be \"*\", got %q; use {\"Federated\": ...}", n.text)}
		}
		return &Principal{All: true}, nil
	}
	if n.kind != jObject {
		return nil, &ParseError{Path: path, Msg: "want \"*\" or an object, got " + describe(n)}
	}
	p := &Principal{}
	for i, key := range n.keys {
		list, err := stringList(n.vals[i], join(path, key))
		if err != nil {
			return nil, err
		}
		switch key {
		case "AWS":
			p.AWS = list
		case "Federated":
			p.Federated = list
		case "Service":
			p.Service = list
		case "CanonicalUser":
			p.CanonicalUser = list
		default:
			return nil, &ParseError{Path: join(path, key), Msg: "unknown principal type (want AWS, Federated, Service or CanonicalUser)"}
		}
	}
	return p, nil
}

// stringList reads a string or a list of strings; the result is never nil.
func stringList(n *jnode, path string) ([]string, error) {
	switch n.kind {
	case jString:
		return []string{n.text}, nil
	case jArray:
		out := make([]string, 0, len(n.elems))
		for i, e := range n.elems {
			if e.kind != jString {
				return nil, &ParseError{Path: fmt.Sprintf("%s[%d]", path, i), Msg: "want a string, got " + describe(e)}
			}
			out = append(out, e.text)
		}
		return out, nil
	}
	return nil, &ParseError{Path: path, Msg: "want a string or a list of strings, got " + describe(n)}
}

func parseConditions(n *jnode, path string) ([]Condition, error) {
	if n.kind != jObject {
		return nil, &ParseError{Path: path, Msg: "want an object of operators, got " + describe(n)}
	}
	out := []Condition{}
	for i, op := range n.keys {
		block, at := n.vals[i], join(path, op)
		if block.kind != jObject {
			return nil, &ParseError{Path: at, Msg: "want an object of condition keys, got " + describe(block)}
		}
		for j, key := range block.keys {
			vals, err := conditionValues(block.vals[j], join(at, key))
			if err != nil {
				return nil, err
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vals})
		}
	}
	return out, nil
}

func conditionValues(n *jnode, path string) ([]string, error) {
	scalar := func(e *jnode) bool { return e.kind == jString || e.kind == jNumber || e.kind == jBool }
	if scalar(n) {
		return []string{n.text}, nil
	}
	if n.kind != jArray {
		return nil, &ParseError{Path: path, Msg: "want a string, number, boolean or a list of them, got " + describe(n)}
	}
	out := make([]string, 0, len(n.elems))
	for i, e := range n.elems {
		if !scalar(e) {
			return nil, &ParseError{Path: fmt.Sprintf("%s[%d]", path, i), Msg: "want a string, number or boolean, got " + describe(e)}
		}
		out = append(out, e.text)
	}
	return out, nil
}

// describe names a JSON value for an error message without echoing long input.
func describe(n *jnode) string {
	switch n.kind {
	case jString:
		s := n.text
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return strconv.Quote(s)
	case jNumber, jBool:
		return n.text
	}
	return "a " + n.kind.String()
}
