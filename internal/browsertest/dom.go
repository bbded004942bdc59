package browsertest

import (
	"html"
	"regexp"
	"strings"
)

// Element is an element of a serialized DOM, found by [Find].
type Element struct {
	// Attrs are its attributes, values decoded.
	Attrs map[string]string
	// Text is its text: the inner HTML with the tags removed and the entities decoded.
	Text string
	// HTML is its inner HTML as serialized.
	HTML string
}

// HasClass reports whether the element's class attribute lists c.
func (e Element) HasClass(c string) bool {
	for _, f := range strings.Fields(e.Attrs["class"]) {
		if f == c {
			return true
		}
	}
	return false
}

var (
	attrPattern = regexp.MustCompile(`([^\s=>/]+)(?:="([^"]*)")?`)
	tagPattern  = regexp.MustCompile(`<(?:[^>"]|"[^"]*")*>`)
)

// Find returns the elements named tag in dom, in document order, those nested in one another
// included. It reads the serialization Chromium's --dump-dom writes (every attribute value in
// double quotes, "<" escaped in text, every element but the void ones closed), not any HTML.
func Find(dom, tag string) []Element {
	q := regexp.QuoteMeta(tag)
	tags := regexp.MustCompile(`<` + q + `((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*>|</` + q + `>`)
	locs := tags.FindAllStringSubmatchIndex(dom, -1)
	var out []Element
	for i, loc := range locs {
		if strings.HasPrefix(dom[loc[0]:], "</") {
			continue
		}
		depth, end := 1, -1
		for _, next := range locs[i+1:] {
			if strings.HasPrefix(dom[next[0]:], "</") {
				depth--
			} else {
				depth++
			}
			if depth == 0 {
				end = next[0]
				break
			}
		}
		if end < 0 {
			continue // not closed: not Chromium's serialization
		}
		inner := dom[loc[1]:end]
		e := Element{Attrs: map[string]string{}, HTML: inner, Text: html.UnescapeString(tagPattern.ReplaceAllString(inner, ""))}
		for _, a := range attrPattern.FindAllStringSubmatch(dom[loc[2]:loc[3]], -1) {
			e.Attrs[a[1]] = html.UnescapeString(a[2])
		}
		out = append(out, e)
	}
	return out
}

// ByID returns the element of dom named tag with the id, and whether there is one.
func ByID(dom, tag, id string) (Element, bool) {
	for _, e := range Find(dom, tag) {
		if e.Attrs["id"] == id {
			return e, true
		}
	}
	return Element{}, false
}
