package awsquery

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/rawsts/rawsts/internal/fixture"
)

// FuzzDecode checks the decoder's contract on arbitrary bodies: it either returns a result or
// one of the two documented error types, an APIError always has a Code, and a ResponseError
// quotes at most SnippetSize bytes of the body. A body it accepts agrees with a second reading
// by encoding/xml: the same elements, in the same order, each with the same text (all of its
// character data, trimmed), so no reader of a Result sees a value other than the document's.
func FuzzDecode(f *testing.F) {
	// Every recorded STS reply: successes, ErrorResponses, and the broken bodies (HTML, empty,
	// truncated, wrong root, S3-style <Error>).
	for _, c := range fixture.Glob(f, "../../testdata/fixtures/sts/*.txt") {
		for _, ex := range c.Exchanges {
			f.Add(ex.Response.StatusCode, ex.Response.Body)
		}
	}
	f.Add(200, []byte(sampleSuccess))                                                                                                                                                                                                                                              // pretty-printed, fractional Expiration
	f.Add(400, []byte(`<Response><Errors><Error><Code>X</Code></Error></Errors><RequestID>r</RequestID></Response>`))                                                                                                                                                              // older error shape
	f.Add(400, []byte(`<q:ErrorResponse xmlns:q="urn:x"><q:Error><q:Code>C</q:Code></q:Error></q:ErrorResponse>`))                                                                                                                                                                 // prefixed namespace
	f.Add(200, []byte(`<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><SecretAccessKey>`))                                                                                                                                                       // truncated in a secret
	f.Add(200, []byte(`<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><SessionToken>AB<?x y?>CD</SessionToken></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`))                                            // a processing instruction inside a value
	f.Add(200, []byte(`<?xml version="1.0"?><AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId> A<!-- c -->B<![CDATA[<C>]]>&#x44; </AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`)) // a comment, CDATA and a character reference inside a value
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		res, err := Decode("sts", "AssumeRoleWithWebIdentity", status, http.Header{"Content-Type": {"text/xml"}}, body)
		if err == nil {
			if res == nil {
				t.Fatalf("Decode(%q) = nil, nil", body)
			}
			second, err := readXML(body)
			if err != nil {
				t.Fatalf("Decode(%q) accepted what encoding/xml refuses: %v", body, err)
			}
			if res.el != nil {
				if diff := sameTree(res.el.Parent(), second); diff != "" {
					t.Fatalf("Decode(%q) and encoding/xml disagree: %s", body, diff)
				}
			}
			// The readers must not panic and must return only ResponseErrors.
			for _, read := range []func() error{
				func() error { _, err := res.String("Credentials/AccessKeyId"); return err },
				func() error { _, err := res.Time("Credentials/Expiration"); return err },
				func() error { _, err := res.OptInt("PackedPolicySize"); return err },
			} {
				if err := read(); err != nil {
					var re *ResponseError
					if !errors.As(err, &re) {
						t.Fatalf("reader error %T %v; want *ResponseError", err, err)
					}
				}
			}
			return
		}
		var apiErr *APIError
		var respErr *ResponseError
		switch {
		case errors.As(err, &apiErr):
			if apiErr.Code == "" {
				t.Fatalf("Decode(%q) = APIError without Code", body)
			}
		case errors.As(err, &respErr):
			if n := len(respErr.Snippet); n > SnippetSize+utf8.UTFMax {
				t.Fatalf("Decode(%q): snippet of %d bytes", body, n)
			}
		default:
			t.Fatalf("Decode(%q) error %T %v; want *APIError or *ResponseError", body, err, err)
		}
		_ = err.Error()
	})
}

// xmlNode is an element as encoding/xml reads it: its local name, all of its own character
// data (CDATA included, comments and processing instructions left out), and its child elements.
type xmlNode struct {
	name     string
	text     strings.Builder
	children []*xmlNode
}

// readXML reads body with encoding/xml into a tree of xmlNodes and returns the root element.
func readXML(body []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err != nil {
			if root != nil && len(stack) == 0 && err.Error() == "EOF" {
				return root, nil
			}
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: tok.Name.Local}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tok)
			}
		}
	}
}

// sameTree compares an etree element with encoding/xml's reading of it, returning "" when they
// agree and what differs otherwise.
func sameTree(e *etree.Element, n *xmlNode) string {
	if e == nil || n == nil {
		return ""
	}
	if e.Tag != n.name {
		return "element <" + e.Tag + "> is <" + n.name + "> to encoding/xml"
	}
	if got, want := text(e), strings.TrimSpace(n.text.String()); len(e.ChildElements()) == 0 && got != want {
		return "element <" + e.Tag + "> reads " + strconv.Quote(got) + "; encoding/xml reads " + strconv.Quote(want)
	}
	kids := e.ChildElements()
	if len(kids) != len(n.children) {
		return "element <" + e.Tag + "> has a different number of children"
	}
	for i := range kids {
		if d := sameTree(kids[i], n.children[i]); d != "" {
			return d
		}
	}
	return ""
}
