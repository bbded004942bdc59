package sigv4

import (
	"fmt"
	"strings"
)

// explainMismatch says where the client's canonical request (when known) and the
// verifier's differ, naming the line and the header or query parameter, and keeping
// session tokens out of the text.
func explainMismatch(client, server string) string {
	if client == "" {
		return "recomputed signature differs (wrong secret key, or the request changed after signing; " +
			"pass the client's canonical request in VerifyOptions.ClientCanonicalRequest to see where)"
	}
	if client == server {
		return "canonical requests are identical, so the secret key or the credential scope differs"
	}
	cl, sl := strings.Split(client, "\n"), strings.Split(server, "\n")
	blank := len(sl) - 3 // the empty line after the canonical headers
	for i := 0; i < len(cl) || i < len(sl); i++ {
		var c, s string
		if i < len(cl) {
			c = cl[i]
		}
		if i < len(sl) {
			s = sl[i]
		}
		if c == s {
			continue
		}
		what := lineName(i, blank, s)
		switch {
		case i == 2:
			return queryDiff(c, s)
		case what == "header x-amz-security-token" || strings.HasPrefix(c, "x-amz-security-token:"):
			return fmt.Sprintf("canonical request line %d (%s) differs (values not shown)", i+1, what)
		}
		return fmt.Sprintf("canonical request line %d (%s) differs: client signed %q, verifier computed %q", i+1, what, c, s)
	}
	return "canonical requests differ"
}

// lineName names line i of a canonical request whose blank line is at index blank.
func lineName(i, blank int, line string) string {
	switch {
	case i == 0:
		return "method"
	case i == 1:
		return "canonical URI"
	case i == 2:
		return "canonical query"
	case i < blank:
		name, _, _ := strings.Cut(line, ":")
		return "header " + name
	case i == blank:
		return "end of headers"
	case i == blank+1:
		return "signed headers"
	}
	return "payload hash"
}

// queryDiff names the first query parameter that differs.
func queryDiff(client, server string) string {
	cp, sp := strings.Split(client, "&"), strings.Split(server, "&")
	for i := 0; i < len(cp) || i < len(sp); i++ {
		var c, s string
		if i < len(cp) {
			c = cp[i]
		}
		if i < len(sp) {
			s = sp[i]
		}
		if c == s {
			continue
		}
		cn, _, _ := strings.Cut(c, "=")
		sn, _, _ := strings.Cut(s, "=")
		if cn == "X-Amz-Security-Token" || sn == "X-Amz-Security-Token" {
			return fmt.Sprintf("canonical query differs at parameter %d (X-Amz-Security-Token; values not shown)", i+1)
		}
		return fmt.Sprintf("canonical query differs at parameter %d: client signed %q, verifier computed %q", i+1, c, s)
	}
	return "canonical query differs"
}
