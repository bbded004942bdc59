package ui

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseFragment reads any link fragment and checks the round trip: a fragment read without
// error, written again by fragment (as the page's "Copy link" does) and read again, gives the
// same request (a field of blanks only is left out of a link); the link written never carries
// a token; a fragment refused is an *inputError naming the link.
func FuzzParseFragment(f *testing.F) {
	for _, seed := range []string{
		"claims=eyJzdWIiOiJyZXBvOmFjbWUvYXBwOnJlZjpyZWZzL2hlYWRzL21haW4ifQ&role=YXJuOmF3czppYW06OjEyMzQ1Njc4OTAxMjpyb2xlL2RlcGxveQ",
		"#policy=eyJWZXJzaW9uIjoiMjAxMi0xMC0xNyJ9&at=MjAzMC0wMS0wMVQwMDowNTowMFo=",
		"token=ZXlK", "claims=bm90IGpzb24", "role=&role=", "session=%%%", "providers=W10&&", "x=y", "claims=IA",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, frag string) {
		req, err := parseFragment(frag)
		if err != nil {
			var ie *inputError
			if !errors.As(err, &ie) || ie.Field != "link" {
				t.Fatalf("parseFragment(%q) = %v; want an *inputError of the link", frag, err)
			}
			return
		}
		link := fragment([]byte(req.Input), req, req.At)
		if strings.Contains(link, "token=") {
			t.Fatalf("fragment of parseFragment(%q) = %q; it carries a token field", frag, link)
		}
		again, err := parseFragment(link)
		if err != nil {
			t.Fatalf("parseFragment(fragment(parseFragment(%q))) = %v; want the link read back", frag, err)
		}
		want := req
		for _, f := range linkFields(&want) {
			if strings.TrimSpace(*f.text) == "" {
				*f.text = ""
			}
		}
		if again != want {
			t.Fatalf("parseFragment(%q) = %+v; written as %q and read again: %+v", frag, want, link, again)
		}
	})
}
