package ui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/jwtinspect"
)

// playgroundRequest is what the page posts to /api/playground: the fields of the form, or the
// fragment of a link (#claims=…&policy=…), which the server reads so that the script never
// decodes anything.
type playgroundRequest struct {
	// Fragment is the page's URL fragment without "#"; when set, the other fields are not.
	Fragment string `json:"fragment,omitempty"`
	// Input is a token (or a CI service's JSON reply around one) or a JSON object of claims.
	Input string `json:"input"`
	// Policy is the trust policy in any form diagnose reads: the document, URL-encoded, or
	// `aws iam get-role` output; "" when not known.
	Policy string `json:"policy"`
	// Providers are `aws iam get-open-id-connect-provider` output, a list of such documents,
	// or list-open-id-connect-providers output; "" when not known.
	Providers string `json:"providers"`
	Role      string `json:"role"`
	// At is the time to evaluate at, RFC 3339; "" means now.
	At      string `json:"at"`
	Session string `json:"session"`
}

// inputError is a field the playground cannot use, said as the CLI says it.
type inputError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *inputError) Error() string { return e.Field + ": " + e.Message }

// linkFields are the fields of a link, in the order the page writes them, and where each
// goes in a request: claims is the input (a link never carries a token).
func linkFields(req *playgroundRequest) []struct {
	name string
	text *string
} {
	return []struct {
		name string
		text *string
	}{{"claims", &req.Input}, {"policy", &req.Policy}, {"providers", &req.Providers}, {"role", &req.Role}, {"at", &req.At}, {"session", &req.Session}}
}

// parseFragment reads a link's fragment: NAME=VALUE pairs joined by "&", each VALUE the
// base64url (RFC 4648 §5, padding optional) of the field's text: claims, policy and
// providers are JSON documents; role, at and session plain text. A link never carries a
// token.
func parseFragment(frag string) (playgroundRequest, error) {
	var req playgroundRequest
	bad := func(format string, args ...any) (playgroundRequest, error) {
		return playgroundRequest{}, &inputError{Field: "link", Message: fmt.Sprintf(format, args...)}
	}
	if len(frag) > 4*MaxField {
		return bad("the link is longer than %d characters", 4*MaxField)
	}
	fields := linkFields(&req)
	var names []string
	for _, f := range fields {
		names = append(names, f.name)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(strings.TrimPrefix(frag, "#"), "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		if seen[name] {
			return bad("%q is given twice", name)
		}
		seen[name] = true
		if name == "token" {
			return bad("a link never carries a token (it would stay in the browser's history); use its claims: claims=…")
		}
		i := slices.Index(names, name)
		if i < 0 {
			return bad("unknown field %q (a link has %s)", name, strings.Join(names, ", "))
		}
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(value, "="))
		if err != nil {
			return bad("the value of %q is not base64url", name)
		}
		if !utf8.Valid(b) {
			return bad("the value of %q is not UTF-8 text", name)
		}
		*fields[i].text = string(b)
	}
	if req.Input != "" && diagnose.Detect([]byte(req.Input)) != diagnose.KindClaims {
		return bad("claims= holds no JSON object of claims")
	}
	return req, nil
}

// fragment writes the link of a case: the claims (never the token), the documents and the
// request's values, base64url each, the time being the one evaluated at.
func fragment(claims []byte, req playgroundRequest, at string) string {
	req.Input, req.At = string(claims), at
	var parts []string
	for _, f := range linkFields(&req) {
		if strings.TrimSpace(*f.text) != "" {
			parts = append(parts, f.name+"="+base64.RawURLEncoding.EncodeToString([]byte(*f.text)))
		}
	}
	return "#" + strings.Join(parts, "&")
}

// diagnosis is what the playground runs: the Input, what stood in for the token, and the
// token's view.
type diagnosis struct {
	in     diagnose.Input
	kind   diagnose.InputKind
	at     time.Time
	token  *jwtinspect.Token // decoded; nil when the input is not a JWT
	claims []byte            // the claims as JSON, for the link
}

// readInput builds the diagnosis's Input from the request as `rawsts diagnose` does from its
// flags (cmd/rawsts/diagnose.go): a token or claims, the trust policy, the providers, the role,
// the session name and the time.
func (s *Server) readInput(req playgroundRequest) (*diagnosis, error) {
	for _, f := range []struct{ name, text string }{{"input", req.Input}, {"policy", req.Policy}, {"providers", req.Providers}} {
		if len(f.text) > MaxField {
			return nil, &inputError{f.name, fmt.Sprintf("%d bytes; the playground reads at most %d, as rawsts diagnose reads a file", len(f.text), MaxField)}
		}
	}
	for _, f := range []struct{ name, text string }{{"role", req.Role}, {"at", req.At}, {"session", req.Session}} {
		if len(f.text) > 2048 {
			return nil, &inputError{f.name, "longer than 2048 characters"}
		}
	}
	d := &diagnosis{at: s.now().UTC()}
	if t := strings.TrimSpace(req.At); t != "" {
		at, err := time.Parse(time.RFC3339, t)
		if err != nil {
			return nil, &inputError{"at", fmt.Sprintf("%q is not an RFC 3339 time such as 2026-03-01T12:00:00Z", t)}
		}
		d.at = at.UTC()
	}
	d.in = diagnose.Input{RoleARN: strings.TrimSpace(req.Role), SessionName: req.Session, At: d.at}
	input := strings.TrimSpace(req.Input)
	if input == "" {
		return nil, &inputError{"input", "paste a token (ID token, a JWT) or a JSON object of its claims"}
	}
	switch d.kind = diagnose.Detect([]byte(input)); d.kind {
	case diagnose.KindCloudTrail:
		return nil, &inputError{"input", "this is a CloudTrail event: the playground reads a token or its claims; rawsts diagnose --cloudtrail FILE reads events"}
	case diagnose.KindClaims:
		m, err := diagnose.ParseClaims([]byte(input))
		if err != nil {
			return nil, &inputError{"input", plain(err) + " (want the token's decoded payload, as actions-oidc-debugger prints it)"}
		}
		d.in.Claims = &diagnose.Claims{Values: m, From: "the claims given"}
		d.token = jwtinspect.FromClaims(m)
	default:
		if tok, _, ok := jwtinspect.Unwrap(input); ok {
			input = tok // a CI service's reply, {"value": "<JWT>"}
		}
		d.in.Token = input
		d.token, _ = jwtinspect.Decode(input)
	}
	if d.token != nil {
		d.claims, _ = json.MarshalIndent(d.token.RawClaims, "", "  ")
	}
	if strings.TrimSpace(req.Policy) != "" {
		d.in.TrustPolicy = []byte(req.Policy)
	}
	if strings.TrimSpace(req.Providers) != "" {
		ps, err := diagnose.ParseProvider([]byte(req.Providers))
		if err != nil {
			return nil, &inputError{"providers", plain(err)}
		}
		d.in.Providers = ps
	}
	return d, nil
}

// plain drops the package prefix of a library error for a person.
func plain(err error) string {
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "diagnose: "), "trustpolicy: ")
}

// servePlayground runs one diagnosis: the report, the suggestion and the views of the token
// and the policy. Nothing of the request is logged, and the token is never in the answer.
func (s *Server) servePlayground(w http.ResponseWriter, r *http.Request) {
	var req playgroundRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": &inputError{"request", fmt.Sprintf("the request is over %d bytes", MaxBody)}})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": &inputError{"request", "not the playground's JSON request"}})
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": &inputError{"request", "data after the JSON request"}})
		return
	}
	fromLink := req.Fragment != ""
	if fromLink {
		var err error
		if req, err = parseFragment(req.Fragment); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err})
			return
		}
	}
	d, err := s.readInput(req)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err})
		return
	}
	res := s.diagnoseCase(r, d, req)
	if fromLink {
		res.Inputs = &req // the link's fields, to fill the form: claims, never a token
	}
	writeJSON(w, http.StatusOK, res)
}

// writeJSON writes v as the answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		refuse(w, http.StatusInternalServerError, "the answer could not be written")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
