package awsquery

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/rawsts/rawsts/internal/httpx"
)

// Result is a decoded success reply: the {Action}Result element, the request id and the HTTP
// metadata. Its embedded [Node] reads the result's fields.
type Result struct {
	// Node is the {Action}Result element. A document without one gives an empty Node whose
	// required readers report the missing element.
	Node
	// RequestID is ResponseMetadata/RequestId, or the x-amzn-RequestId header when the
	// document has none.
	RequestID string
	// StatusCode is the HTTP status of the reply.
	StatusCode int
	// Header holds the reply's headers.
	Header http.Header
}

// reply is what a Node needs to build a ResponseError about the body it came from.
type reply struct {
	service     string
	statusCode  int
	contentType string
	body        []byte
	// secrets are hidden from error text: the request's, and those the body carries.
	secrets *httpx.Secrets
}

func (r *reply) responseError(err error) *ResponseError {
	return &ResponseError{
		Service:     r.service,
		StatusCode:  r.statusCode,
		ContentType: r.contentType,
		Snippet:     r.secrets.Snippet(r.contentType, r.body, SnippetSize),
		Err:         err,
	}
}

// Decode decodes the reply to action: an {Action}Response document becomes a [*Result]; an
// ErrorResponse (with or without namespace, or the older Response/Errors/Error shape) becomes
// an [*APIError]; anything else (not XML, empty, truncated, another root, two roots, a success
// document with an error status, a repeated element or one mixing text and elements) becomes a
// [*ResponseError]. service prefixes error texts ("sts").
// Every error Decode returns is one of those two types. Their text hides the secrets the body
// carries (a reply's SessionToken …) wherever the body repeats them; [Client.Do] also hides
// those of the request.
func Decode(service, action string, statusCode int, header http.Header, body []byte) (*Result, error) {
	return decode(service, action, statusCode, header, body, &httpx.Secrets{})
}

// decode is Decode with the secrets of the request, which error text hides too.
func decode(service, action string, statusCode int, header http.Header, body []byte, secrets *httpx.Secrets) (*Result, error) {
	rp := &reply{service: service, statusCode: statusCode, contentType: header.Get("Content-Type"), body: body, secrets: secrets}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, rp.responseError(nil)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil {
		return nil, rp.responseError(fmt.Errorf("malformed XML: %w", err))
	}
	root := doc.Root()
	if root == nil {
		return nil, rp.responseError(errors.New("no XML element"))
	}
	if err := checkDocument(doc); err != nil {
		return nil, rp.responseError(err)
	}
	switch root.Tag {
	case "ErrorResponse":
		return nil, decodeError(rp, header, root.SelectElement("Error"), child(root, "RequestId"))
	case "Response":
		if errs := root.SelectElement("Errors"); errs != nil {
			rid := child(root, "RequestID")
			if rid == nil {
				rid = child(root, "RequestId")
			}
			return nil, decodeError(rp, header, errs.SelectElement("Error"), rid)
		}
	case action + "Response":
		if statusCode < 200 || statusCode > 299 {
			return nil, rp.responseError(fmt.Errorf("%s with an error status", root.Tag))
		}
		if err := checkShape(root, root.Tag); err != nil {
			return nil, rp.responseError(err)
		}
		res := &Result{
			Node:       Node{el: child(root, action+"Result"), path: action + "Result", reply: rp},
			RequestID:  text(child(child(root, "ResponseMetadata"), "RequestId")),
			StatusCode: statusCode,
			Header:     header,
		}
		if res.RequestID == "" {
			res.RequestID = header.Get("X-Amzn-Requestid")
		}
		return res, nil
	}
	return nil, rp.responseError(fmt.Errorf("root element <%s>, want <%sResponse> or <ErrorResponse>", root.Tag, action))
}

// checkDocument refuses what an XML parser accepts but no Query API sends: a second root
// element (`<XResponse>…</XResponse><Other/>`) or text outside the root. Either means the body
// is not one reply, and which part to believe is a guess.
func checkDocument(doc *etree.Document) error {
	if n := len(doc.ChildElements()); n > 1 {
		return fmt.Errorf("%d root elements; a reply has one", n)
	}
	for _, tok := range doc.Child {
		if cd, ok := tok.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			return errors.New("text outside the root element")
		}
	}
	return nil
}

// checkShape refuses a success document that repeats an element (other than the "member" and
// "entry" items of lists and maps), mixes text and elements in one element, or holds a
// processing instruction or a directive inside the root: Query APIs send none of them, and a
// reader would otherwise pick one of two values silently (which AccessKeyId, the first or the
// second?) or a part of one (etree's Text stops at a processing instruction: "ASIA<?x?>B" would
// read "ASIA"). path names e in the error.
func checkShape(e *etree.Element, path string) error {
	for _, tok := range e.Child {
		switch tok.(type) {
		case *etree.ProcInst, *etree.Directive:
			return fmt.Errorf("element %s holds a processing instruction or a directive", path)
		}
	}
	seen := map[string]bool{}
	children := e.ChildElements()
	for _, c := range children {
		if seen[c.Tag] && c.Tag != "member" && c.Tag != "entry" {
			return fmt.Errorf("element %s/%s appears more than once", path, c.Tag)
		}
		seen[c.Tag] = true
	}
	if len(children) == 0 {
		return nil
	}
	for _, tok := range e.Child {
		if cd, ok := tok.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			return fmt.Errorf("element %s holds both text and elements", path)
		}
	}
	for _, c := range children {
		if err := checkShape(c, path+"/"+c.Tag); err != nil {
			return err
		}
	}
	return nil
}

func decodeError(rp *reply, header http.Header, errEl, requestID *etree.Element) error {
	code := text(child(errEl, "Code"))
	if code == "" {
		return rp.responseError(errors.New("error document without Error/Code"))
	}
	// The message may quote what the request sent, or what the reply itself carries.
	rp.secrets.AddBody(rp.contentType, rp.body)
	e := &APIError{
		Service:    rp.service,
		Type:       rp.secrets.Scrub(text(child(errEl, "Type"))),
		Code:       rp.secrets.Scrub(code),
		Message:    rp.secrets.Scrub(text(child(errEl, "Message"))),
		RequestID:  text(requestID),
		StatusCode: rp.statusCode,
	}
	if e.RequestID == "" {
		e.RequestID = header.Get("X-Amzn-Requestid")
	}
	e.RequestID = rp.secrets.Scrub(e.RequestID)
	return e
}

// child returns the first child element of e with the local name tag, whatever its
// namespace prefix; nil when e is nil or has none.
func child(e *etree.Element, tag string) *etree.Element {
	if e == nil {
		return nil
	}
	for _, c := range e.ChildElements() {
		if c.Tag == tag {
			return c
		}
	}
	return nil
}

// text returns the trimmed character data of e, "" for nil.
func text(e *etree.Element) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text())
}

// Node is an element of a decoded success reply, with readers for its descendants. The
// name given to a reader is a slash-separated path of local element names relative to the
// node, e.g. "Credentials/AccessKeyId"; namespaces are ignored. Readers of required values
// return a [*ResponseError] naming the full path when the element is missing or empty.
type Node struct {
	el    *etree.Element
	path  string
	reply *reply
}

// Exists reports whether the element is present in the document.
func (n Node) Exists() bool { return n.el != nil }

// Path returns the element's path from the result element, e.g.
// "AssumeRoleResult/Credentials".
func (n Node) Path() string { return n.path }

// Child returns the descendant at path; it may not exist (see [Node.Exists]).
func (n Node) Child(path string) Node {
	el := n.el
	for _, name := range strings.Split(path, "/") {
		el = child(el, name)
	}
	return Node{el: el, path: n.path + "/" + path, reply: n.reply}
}

// Members returns the "member" children of the node, the items of a Query-protocol list.
func (n Node) Members() []Node {
	if n.el == nil {
		return nil
	}
	var out []Node
	for i, c := range n.el.ChildElements() {
		if c.Tag == "member" {
			out = append(out, Node{el: c, path: fmt.Sprintf("%s/member[%d]", n.path, i+1), reply: n.reply})
		}
	}
	return out
}

// Require returns nil when the node exists and a [*ResponseError] naming its path when it
// does not, for structures whose presence matters more than any one member's.
func (n Node) Require() error {
	if n.el != nil {
		return nil
	}
	return n.missing()
}

// Text returns the trimmed text of the node itself, "" when it does not exist.
func (n Node) Text() string { return text(n.el) }

// String returns the trimmed text at path; missing or empty is a [*ResponseError].
func (n Node) String(path string) (string, error) {
	c := n.Child(path)
	if s := c.Text(); s != "" {
		return s, nil
	}
	return "", c.missing()
}

// OptString returns the trimmed text at path, "" when absent.
func (n Node) OptString(path string) string { return n.Child(path).Text() }

// Int returns the decimal integer at path; missing or not an integer is a [*ResponseError].
func (n Node) Int(path string) (int, error) {
	c := n.Child(path)
	if !c.Exists() || c.Text() == "" {
		return 0, c.missing()
	}
	return c.int()
}

// OptInt returns the decimal integer at path, nil when absent; present but not an integer is
// a [*ResponseError].
func (n Node) OptInt(path string) (*int, error) {
	c := n.Child(path)
	if !c.Exists() || c.Text() == "" {
		return nil, nil
	}
	v, err := c.int()
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Time returns the RFC 3339 time at path (fractional seconds optional) in UTC; missing or
// malformed is a [*ResponseError].
func (n Node) Time(path string) (time.Time, error) {
	c := n.Child(path)
	if !c.Exists() || c.Text() == "" {
		return time.Time{}, c.missing()
	}
	return c.time()
}

func (n Node) int() (int, error) {
	v, err := strconv.Atoi(n.Text())
	if err != nil {
		return 0, n.invalid("an integer")
	}
	return v, nil
}

func (n Node) time() (time.Time, error) {
	// time.RFC3339 also accepts a fractional second when parsing.
	t, err := time.Parse(time.RFC3339, n.Text())
	if err != nil {
		return time.Time{}, n.invalid("an RFC 3339 time")
	}
	return t.UTC(), nil
}

// Invalid returns the [*ResponseError] for a node whose value is present but not what the
// service sends, in the words "element PATH is not WANT (N chars)"; like every reader's error
// it quotes the value's length, never the value (it might be a secret).
func (n Node) Invalid(want string) error { return n.invalid(want) }

func (n Node) missing() error {
	err := fmt.Errorf("missing element %s", n.path)
	if n.el != nil {
		err = fmt.Errorf("empty element %s", n.path)
	}
	if n.reply == nil {
		return &ResponseError{Err: err}
	}
	return n.reply.responseError(err)
}

// invalid reports a present element whose text is not what it should be; the value itself is
// not quoted (it might be a secret), only its length.
func (n Node) invalid(want string) error {
	err := fmt.Errorf("element %s is not %s (%d chars)", n.path, want, len(n.Text()))
	if n.reply == nil {
		return &ResponseError{Err: err}
	}
	return n.reply.responseError(err)
}
