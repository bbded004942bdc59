package ui_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/ui"
)

// The README's "Why was I denied?" cases, from examples/diagnose.
const (
	examples = "../../examples/diagnose"
	roleARN  = "arn:aws:iam::123456789012:role/deploy"
	atText   = "2030-01-01T00:05:00Z"
)

func example(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examples, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readmeCase is one of the README's three cases and what the playground must show of it.
type readmeCase struct {
	name, token, policy string
	first               string // the first failing check
	mark                string // text of the policy marked as failing
	corrected           string // a line of the corrected policy
	outside             string // a change outside the policy, "" when none
}

var readmeCases = []readmeCase{
	{name: "environment vs ref", token: "environment.token", policy: "ref-policy.json", first: "policy.condition",
		mark:      `"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"`,
		corrected: `"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"]}`},
	{name: "a wildcard under StringEquals", token: "branch.token", policy: "wildcard-policy.json", first: "policy.condition",
		mark:      `"token.actions.githubusercontent.com:sub": "repo:acme/app:*"`,
		corrected: `"StringLike": {`},
	{name: "the wrong audience", token: "default-audience.token", policy: "get-role.json", first: "provider.audience",
		mark:      `"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"`,
		corrected: `"https://github.com/acme"`, outside: "add-client-id-to-open-id-connect-provider"},
}

// result is the part of the playground's answer the tests read.
type result struct {
	At     string `json:"at"`
	Line   string `json:"line"`
	Report struct {
		Verdict    string `json:"verdict"`
		Input      string `json:"input"`
		Complete   bool   `json:"complete"`
		Checks     []struct{ Name, Status, Detail, Fix string }
		Suggestion *struct {
			Edits, Outside, Blocked, Notes []string
			Diff                           string
			Rerun                          struct{ Verdict, Line string }
		} `json:"suggestion"`
	} `json:"report"`
	Token struct {
		Kind      string `json:"kind"`
		Header    []struct{ Name, Value string }
		Claims    []struct{ Name, Value, Time, Relative string }
		Signature string
		Length    int
		Findings  []struct{ Severity, Code, Message string }
		Keys      []struct {
			Key    string
			Values []string
			Status string
		} `json:"condition_keys"`
	} `json:"token"`
	Policy *struct {
		Decoded, Problem string
		Segments         []struct{ Text, Mark, Check, Title string }
	} `json:"policy"`
	Corrected string            `json:"corrected"`
	Link      string            `json:"link"`
	Inputs    map[string]string `json:"inputs"`
	Error     *struct{ Field, Message string }
}

func post(t *testing.T, h http.Handler, body any) (*result, int, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	w := req{method: "POST", path: "/api/playground", body: string(b)}.do(h)
	var res result
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatalf("POST /api/playground = %d %q: not JSON: %v", w.Code, w.Body.String(), err)
	}
	checkSecurityHeaders(t, w)
	return &res, w.Code, w.Body.String()
}

func (r *result) check(name string) (status, detail string) {
	for _, c := range r.Report.Checks {
		if c.Name == name {
			return c.Status, c.Detail
		}
	}
	return "", ""
}

func (r *result) firstFailure() string {
	for _, c := range r.Report.Checks {
		if c.Status == "fail" {
			return c.Name
		}
	}
	return ""
}

// marked returns the policy's text marked as failing.
func (r *result) marked() []string {
	var out []string
	if r.Policy == nil {
		return nil
	}
	for _, s := range r.Policy.Segments {
		if s.Mark == "fail" {
			out = append(out, s.Text)
		}
	}
	return out
}

// TestPlaygroundREADMECases: each case, pasted as the token, and then opened from the link the
// page makes of it: the verdict, the failing check, the marked clause, the corrected policy.
func TestPlaygroundREADMECases(t *testing.T) {
	srv := newServer(t, ui.Options{})
	for _, c := range readmeCases {
		t.Run(c.name, func(t *testing.T) {
			token := strings.TrimSpace(example(t, c.token))
			in := map[string]string{"input": token + "\n", "policy": example(t, c.policy), "providers": example(t, "github-provider.json"),
				"role": roleARN, "at": atText}
			res, code, raw := post(t, srv, in)
			if code != 200 {
				t.Fatalf("POST = %d %s", code, raw)
			}
			checkCase(t, c, res, "token")
			if res.Token.Kind != "token" || len(res.Token.Header) == 0 || res.Token.Header[0].Name != "alg" || res.Token.Header[0].Value != "RS256" {
				t.Errorf("token view: kind %q, header %v; want a token with alg RS256 first", res.Token.Kind, res.Token.Header)
			}
			if res.Token.Signature != "256 bytes, not shown" || res.Token.Length != len(token) {
				t.Errorf("token view: signature %q, length %d; want 256 bytes not shown, %d", res.Token.Signature, res.Token.Length, len(token))
			}
			checkNoToken(t, raw, token)

			// The link: the claims, never the token.
			if !strings.HasPrefix(res.Link, "#claims=") || strings.Contains(res.Link, "token=") {
				t.Fatalf("link = %q; want #claims=…", res.Link)
			}
			checkNoToken(t, res.Link, token)
			fromLink, code, raw := post(t, srv, map[string]string{"fragment": strings.TrimPrefix(res.Link, "#")})
			if code != 200 {
				t.Fatalf("POST {fragment} = %d %s", code, raw)
			}
			checkCase(t, c, fromLink, "claims")
			if fromLink.Inputs["policy"] != in["policy"] || fromLink.Inputs["role"] != roleARN || fromLink.Inputs["at"] != atText ||
				fromLink.Inputs["providers"] != in["providers"] || !strings.Contains(fromLink.Inputs["input"], `"sub": "repo:acme/app:`) {
				t.Errorf("inputs from the link = %q; want the case's fields, the claims as input", fromLink.Inputs)
			}
			if fromLink.Link != res.Link {
				t.Errorf("the link of the case opened from its link = %q; want the same %q", fromLink.Link, res.Link)
			}
		})
	}
}

// checkCase checks what the page must show of a README case.
func checkCase(t *testing.T, c readmeCase, res *result, input string) {
	t.Helper()
	if res.Report.Verdict != "deny" || res.firstFailure() != c.first || res.Line != "deny (first failure: "+c.first+")" {
		t.Errorf("%s from %s: verdict %q, line %q, first failure %q; want deny, %q", c.name, input, res.Report.Verdict, res.Line, res.firstFailure(), c.first)
	}
	if res.Report.Input != input || res.At != atText {
		t.Errorf("%s: input %q at %q; want %q at %q", c.name, res.Report.Input, res.At, input, atText)
	}
	if got := res.marked(); len(got) != 1 || got[0] != c.mark {
		t.Errorf("%s from %s: marked as failing %q; want %q", c.name, input, got, c.mark)
	}
	s := res.Report.Suggestion
	if s == nil || !strings.Contains(res.Corrected, c.corrected) || !strings.HasPrefix(s.Diff, "--- trust-policy.json") || !strings.Contains(s.Diff, "\n+++ trust-policy.json (suggested)\n") {
		t.Fatalf("%s from %s: corrected policy %q; want it to have %q, and a diff", c.name, input, res.Corrected, c.corrected)
	}
	if s.Rerun.Verdict != "allow-as-far-as-checked" {
		t.Errorf("%s from %s: the re-run = %q; want allow-as-far-as-checked", c.name, input, s.Rerun.Line)
	}
	if c.outside != "" && (len(s.Outside) == 0 || !strings.Contains(s.Outside[0], c.outside)) {
		t.Errorf("%s: outside = %q; want %q", c.name, s.Outside, c.outside)
	}
}

// checkNoToken: the answer carries neither the token nor any of its segments (the claims are
// shown decoded, never as the token's text).
func checkNoToken(t *testing.T, text, token string) {
	t.Helper()
	for i, seg := range strings.Split(token, ".") {
		if len(seg) > 8 && strings.Contains(text, seg) {
			t.Errorf("the answer carries segment %d of the token", i)
		}
	}
}

// TestPlaygroundClaimsView: the claims' times are said relative to the time given.
func TestPlaygroundClaimsView(t *testing.T) {
	srv := newServer(t, ui.Options{Now: func() time.Time { return time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC) }})
	res, code, raw := post(t, srv, map[string]string{"input": example(t, "claims.json")})
	if code != 200 {
		t.Fatalf("POST = %d %s", code, raw)
	}
	if res.At != atText {
		t.Errorf("at = %q; want the server's clock, %s", res.At, atText)
	}
	want := map[string][2]string{"exp": {"2030-01-01T01:00:00Z", "expires in 55m"}, "iat": {"2030-01-01T00:00:00Z", "issued 5m ago"}, "nbf": {"2030-01-01T00:00:00Z", "valid since 5m ago"}}
	order := []string{}
	for _, c := range res.Token.Claims {
		order = append(order, c.Name)
		if w, ok := want[c.Name]; ok && (c.Time != w[0] || c.Relative != w[1]) {
			t.Errorf("claim %s = %s (%s); want %s (%s)", c.Name, c.Time, c.Relative, w[0], w[1])
		}
	}
	if strings.Join(order[:6], ",") != "iss,sub,aud,exp,nbf,iat" {
		t.Errorf("claims in the order %q; want iss, sub, aud, exp, nbf, iat first", order)
	}
	if res.Token.Kind != "claims" || len(res.Token.Header) != 0 || res.Token.Signature != "" {
		t.Errorf("claims view: kind %q, header %v, signature %q; want claims without a header", res.Token.Kind, res.Token.Header, res.Token.Signature)
	}
	found := false
	for _, k := range res.Token.Keys {
		if k.Key == "token.actions.githubusercontent.com:sub" && strings.Join(k.Values, ",") == "repo:acme/app:environment:prod" && k.Status == "provided" {
			found = true
		}
	}
	if !found {
		t.Errorf("condition keys %v lack token.actions.githubusercontent.com:sub", res.Token.Keys)
	}
	// Without a policy nothing is decided, and nothing is marked.
	if res.Report.Verdict != "indeterminate" || res.Policy != nil {
		t.Errorf("no policy: verdict %q, policy view %v; want indeterminate and none", res.Report.Verdict, res.Policy)
	}
}

// TestPlaygroundFindings: a token's findings come with their severities, errors first.
func TestPlaygroundFindings(t *testing.T) {
	srv := newServer(t, ui.Options{})
	token := strings.TrimSpace(example(t, "default-audience.token"))
	res, _, raw := post(t, srv, map[string]string{"input": token, "at": "2030-01-01T02:00:00Z"})
	if len(res.Token.Findings) == 0 || res.Token.Findings[0].Severity != "error" || res.Token.Findings[0].Code != "expired" {
		t.Errorf("findings = %v; want expired, an error, first", res.Token.Findings)
	}
	if st, _ := res.check("token.times"); st != "fail" {
		t.Errorf("token.times = %q; want fail for a token expired an hour ago", st)
	}
	checkNoToken(t, raw, token)
}

// TestPlaygroundPolicyForms: the policy as get-role output with the document as a string, and
// URL-encoded: the text shown is the document decoded, the failing clause marked in it.
func TestPlaygroundPolicyForms(t *testing.T) {
	srv := newServer(t, ui.Options{})
	doc := example(t, "ref-policy.json")
	asString, _ := json.Marshal(map[string]any{"Role": map[string]any{"Arn": roleARN, "AssumeRolePolicyDocument": doc}})
	tests := []struct {
		name, policy, decoded string
	}{
		{"get-role with a string", string(asString), "the AssumeRolePolicyDocument string of get-role output"},
		{"URL-encoded", strings.ReplaceAll(urlEncode(doc), "+", "%20"), "URL-decoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, code, raw := post(t, srv, map[string]string{"input": example(t, "claims.json"), "policy": tt.policy,
				"providers": example(t, "github-provider.json"), "role": roleARN, "at": atText})
			if code != 200 || res.Policy == nil {
				t.Fatalf("POST = %d %s", code, raw)
			}
			if res.Policy.Decoded != tt.decoded {
				t.Errorf("decoded = %q; want %q", res.Policy.Decoded, tt.decoded)
			}
			var text strings.Builder
			for _, s := range res.Policy.Segments {
				text.WriteString(s.Text)
			}
			if text.String() != doc {
				t.Errorf("the text shown = %q; want the document decoded, %q", text.String(), doc)
			}
			if got := res.marked(); len(got) != 1 || got[0] != readmeCases[0].mark {
				t.Errorf("marked %q; want %q", got, readmeCases[0].mark)
			}
		})
	}
	// A policy that is not JSON: policy.parse fails, the text is shown as pasted, unmarked.
	res, _, _ := post(t, srv, map[string]string{"input": example(t, "claims.json"), "policy": `{"Statement": [`})
	if st, _ := res.check("policy.parse"); st != "fail" || res.Policy == nil || res.Policy.Problem == "" || len(res.Policy.Segments) != 1 || res.Policy.Segments[0].Text != `{"Statement": [` {
		t.Errorf("a policy that is not JSON: policy.parse %q, view %+v; want a failure, the text unmarked and the problem said", st, res.Policy)
	}
	// A parse error of an element marks the element.
	res, _, _ = post(t, srv, map[string]string{"input": example(t, "claims.json"), "policy": `{"Statement": [{"Effect": "Perhaps", "Principal": "*", "Action": "*"}]}`})
	if got := res.marked(); len(got) != 1 || got[0] != `"Effect": "Perhaps"` {
		t.Errorf("a bad Effect: marked %q; want the Effect", got)
	}
}

func urlEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex2(c)))
		}
	}
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// TestPlaygroundInputErrors: what the playground cannot use is said, with the field, as 400.
func TestPlaygroundInputErrors(t *testing.T) {
	srv := newServer(t, ui.Options{})
	claims := example(t, "claims.json")
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name  string
		body  map[string]string
		field string
		want  string
	}{
		{"nothing", map[string]string{}, "input", "paste a token"},
		{"blank", map[string]string{"input": " \n"}, "input", "paste a token"},
		{"a CloudTrail event", map[string]string{"input": example(t, "cloudtrail-denied.json")}, "input", "rawsts diagnose --cloudtrail"},
		{"a bad time", map[string]string{"input": claims, "at": "yesterday"}, "at", "RFC 3339"},
		{"bad providers", map[string]string{"input": claims, "providers": `{"Url": 1}`}, "providers", ""},
		{"a field over the limit", map[string]string{"input": claims, "policy": strings.Repeat(" ", ui.MaxField+1)}, "policy", "at most 65536"},
		{"a role too long", map[string]string{"input": claims, "role": strings.Repeat("a", 3000)}, "role", "longer than"},
		{"a link with a token", map[string]string{"fragment": "token=" + b64("a.b.c")}, "link", "never carries a token"},
		{"a link with an unknown field", map[string]string{"fragment": "claimz=" + b64(claims)}, "link", "unknown field"},
		{"a link given twice", map[string]string{"fragment": "role=" + b64("a") + "&role=" + b64("b")}, "link", "twice"},
		{"a link not base64url", map[string]string{"fragment": "claims=%%%"}, "link", "not base64url"},
		{"a link's claims that are a token", map[string]string{"fragment": "claims=" + b64("eyJhbGciOiJub25lIn0.e30.")}, "link", "no JSON object of claims"},
		{"a link's text not UTF-8", map[string]string{"fragment": "role=" + b64("\xff")}, "link", "UTF-8"},
		{"unknown members", map[string]string{"input": claims, "token": "x"}, "request", "not the playground's JSON request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, code, raw := post(t, srv, tt.body)
			if code != 400 || res.Error == nil || res.Error.Field != tt.field || !strings.Contains(res.Error.Message, tt.want) {
				t.Errorf("POST %v = %d %s; want 400 for %s with %q", tt.body, code, raw, tt.field, tt.want)
			}
		})
	}
	w := req{method: "POST", path: "/api/playground", body: `{"input": "x"} {}`}.do(srv)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "data after") {
		t.Errorf("POST of two JSON values = %d %s; want 400", w.Code, w.Body.String())
	}
}

// TestPlaygroundAnswersLikeDiagnose: the report of a token wrapped in a CI reply is the one of
// the token, as diagnose unwraps it.
func TestPlaygroundUnwrapsCIReply(t *testing.T) {
	srv := newServer(t, ui.Options{})
	token := strings.TrimSpace(example(t, "branch.token"))
	reply, _ := json.Marshal(map[string]string{"count": "1", "value": token})
	res, code, raw := post(t, srv, map[string]string{"input": string(reply), "policy": example(t, "ref-policy.json"),
		"providers": example(t, "github-provider.json"), "role": roleARN, "at": atText, "session": "gha-deploy"})
	if code != 200 || res.Report.Input != "token" || res.Report.Verdict != "allow-as-far-as-checked" {
		t.Fatalf("POST a CI reply = %d, input %q, verdict %q; want the token's allow as far as checked\n%s", code, res.Report.Input, res.Report.Verdict, raw)
	}
	if st, detail := res.check("request.session-name"); st != "pass" || !strings.Contains(detail, "gha-deploy") {
		t.Errorf("request.session-name = %s %q; want the session name checked", st, detail)
	}
	if !strings.Contains(res.Link, "&session=") {
		t.Errorf("link %q lacks the session name", res.Link)
	}
	checkNoToken(t, raw, token)
}
