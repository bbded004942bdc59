package flow_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/ui"
	"github.com/rawsts/rawsts/internal/ui/flow"
	"github.com/rawsts/rawsts/ststest"
)

// TestLiveSteps runs the walkthrough against the emulator and checks the arrows the live view
// keeps: one per request, in order, EC2 refused for want of a permission, S3 allowed, the
// wrong role refused by the trust policy.
func TestLiveSteps(t *testing.T) {
	srv, rec := newEmulator(t)
	walkthrough(t, srv)
	steps := rec.Steps()
	if len(steps) != len(wantOps) {
		t.Fatalf("Steps() = %d steps %v; want one per request, %d", len(steps), steps, len(wantOps))
	}
	for i, s := range steps {
		if s.Operation != wantOps[i] || s.Decision != wantDecisions[i] || s.ID != uint64(i+1) {
			t.Errorf("step %d = %d %s %s; want %d %s %s", i, s.ID, s.Operation, s.Decision, i+1, wantOps[i], wantDecisions[i])
		}
	}
	if s := steps[ec2Step]; s.Service != "ec2" || s.Code != "UnauthorizedOperation" || s.Check != "permissions" ||
		!strings.Contains(s.Principal, "assumed-role/TestRole/demo") {
		t.Errorf("the EC2 step = %+v; want ec2 UnauthorizedOperation, check permissions, by the TestRole session", s)
	}
	if s := steps[s3Step]; s.Service != "s3" || s.Status != 200 {
		t.Errorf("the S3 step = %+v; want s3, 200", s)
	}
	if s := steps[wrongRoleStep]; s.Code != "AccessDenied" || s.Check != "policy.principal" || s.Resource != "role/DemoRole" {
		t.Errorf("the wrong role's step = %+v; want AccessDenied policy.principal on role/DemoRole", s)
	}
}

// TestRenderGolden draws the recorded walkthrough (testdata/walkthrough.json: the steps of
// TestLiveSteps's run, the emulator's port written as 4566) and compares it with the golden
// SVG, which the README shows (docs/walkthrough.svg; -update rewrites both, and the recording).
func TestRenderGolden(t *testing.T) {
	recording := filepath.Join("testdata", "walkthrough.json")
	if *fixture.Update {
		srv, rec := newEmulator(t)
		walkthrough(t, srv)
		b, _ := json.MarshalIndent(rec.Steps(), "", "  ")
		b = bytes.ReplaceAll(b, []byte(strings.TrimPrefix(srv.URL, "http://")), []byte("127.0.0.1:4566"))
		if err := os.WriteFile(recording, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(recording)
	if err != nil {
		t.Fatal(err)
	}
	var steps []flow.Step
	if err := json.Unmarshal(b, &steps); err != nil {
		t.Fatal(err)
	}
	svg := flow.Render(steps)
	fixture.Golden(t, filepath.Join("testdata", "walkthrough.svg"), svg)
	if *fixture.Update {
		if err := os.WriteFile(filepath.Join("..", "..", "..", "docs", "walkthrough.svg"), svg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "walkthrough.svg"))
	if err != nil || !bytes.Equal(readme, svg) {
		t.Errorf("docs/walkthrough.svg is not the golden picture (%v): run go test ./internal/ui/flow -run TestRenderGolden -update", err)
	}
}

var (
	arrowTag = regexp.MustCompile(`<g class="arrow (allow|deny)" data-id="(\d+)" data-decision="(allow|deny)" data-service="([a-z0-9-]*)" data-operation="([A-Za-z ]*)"`)
	crossTag = regexp.MustCompile(`<path class="cross"`)
)

// TestRender checks the drawing of steps: an arrow per step in order, each refused one marked
// (class deny, a cross, "refused CODE"), the six lifelines always, another service's after them,
// and text from the steps escaped.
func TestRender(t *testing.T) {
	steps := []flow.Step{
		{ID: 1, Service: "cognito-idp", Operation: "InitiateAuth", Principal: "demo", Decision: "allow", Status: 200},
		{ID: 2, Service: "ec2", Operation: "DescribeInstances", Principal: "arn:aws:sts::123456789012:assumed-role/TestRole/demo", Decision: "deny", Status: 403, Code: "UnauthorizedOperation", Check: "permissions"},
		{ID: 3, Service: "oidc", Operation: "GetJWKS", Principal: `<script>"x"&`, Decision: "allow", Status: 200},
		{ID: 4, Service: "sts", Operation: "AssumeRoleWithWebIdentity", Decision: "deny", Status: 403, Code: "AccessDenied", Check: "policy.condition"},
	}
	tests := []struct {
		name            string
		steps           []flow.Step
		arrows, refused int
		want, notWant   []string
	}{
		{"none", nil, 0, 0, []string{"No request yet", ">your client<", ">Cognito<", ">STS<", ">IAM<", ">S3<", ">EC2<"}, []string{"OIDC issuer"}},
		{"pool issuer", []flow.Step{{ID: 1, Service: "oidc", Operation: "GetJWKS", Resource: "http://127.0.0.1:4566/us-east-1_EXAMPLE", Decision: "allow", Status: 200}},
			1, 0, []string{`data-service="oidc"`, `<path class="tip" d="M220 78 `}, []string{"OIDC issuer"}},
		{"walk", steps, 4, 2, []string{">OIDC issuer<", "refused UnauthorizedOperation", "refused AccessDenied", "✓ allowed", "&lt;script&gt;&quot;x&quot;&amp;"}, []string{"<script>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := string(flow.Render(tt.steps))
			arrows := arrowTag.FindAllStringSubmatch(svg, -1)
			if len(arrows) != tt.arrows {
				t.Fatalf("Render(%s) has %d arrows; want %d\n%s", tt.name, len(arrows), tt.arrows, svg)
			}
			refused := 0
			for i, a := range arrows {
				if a[2] != strconv.Itoa(i+1) || a[5] != tt.steps[i].Operation {
					t.Errorf("arrow %d = id %s %s; want id %d %s", i, a[2], a[5], i+1, tt.steps[i].Operation)
				}
				if a[1] == "deny" {
					refused++
				}
			}
			if refused != tt.refused || len(crossTag.FindAllString(svg, -1)) != tt.refused {
				t.Errorf("Render(%s) marks %d arrows refused, %d crosses; want %d", tt.name, refused, len(crossTag.FindAllString(svg, -1)), tt.refused)
			}
			for _, w := range tt.want {
				if !strings.Contains(svg, w) {
					t.Errorf("Render(%s) lacks %q", tt.name, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(svg, w) {
					t.Errorf("Render(%s) has %q", tt.name, w)
				}
			}
		})
	}
}

// page serves the recorder's section as `rawsts emulator --ui` does, and returns a function
// making requests to it (with the session key unless noKey, with host as Host unless "").
func page(t *testing.T, rec *flow.Recorder) func(path, host string, noKey bool) *httptest.ResponseRecorder {
	const addr, key = "127.0.0.1:8080", "flow-test-session-key-0123456789abcdefghij"
	srv, err := ui.New(ui.Options{Addr: addr, Key: key, Sections: []ui.Section{rec.Section()}})
	if err != nil {
		t.Fatal(err)
	}
	return func(path, host string, noKey bool) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		r.Host = addr
		if host != "" {
			r.Host = host
		}
		if !noKey {
			r.Header.Set(ui.KeyHeader, key)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
}

// TestAPI reads the live view's API as the page does: the arrows and the diagram, one exchange
// with its wire redacted (the issued credentials, the token), the same with ?secrets=show, and
// the refusals' failing checks in diagnose's words.
func TestAPI(t *testing.T) {
	srv, rec := newEmulator(t)
	w := walkthrough(t, srv)
	get := page(t, rec)

	r := get("/api/flow/steps", "", false)
	var answer struct {
		Last    uint64      `json:"last"`
		Steps   []flow.Step `json:"steps"`
		Diagram *flow.Node  `json:"diagram"`
	}
	if err := json.Unmarshal(r.Body.Bytes(), &answer); err != nil || r.Code != 200 || len(answer.Steps) != len(wantOps) || answer.Diagram == nil {
		t.Fatalf("GET /api/flow/steps = %d %s; want %d steps and the diagram", r.Code, r.Body, len(wantOps))
	}
	if r := get("/api/flow/steps?after=10", "", false); !strings.Contains(r.Body.String(), `"unchanged":true`) {
		t.Errorf("GET /api/flow/steps?after=10 = %s; want unchanged", r.Body)
	}
	for _, secret := range []string{w.idToken, w.secretKey, w.sessionToken} {
		if strings.Contains(r.Body.String(), secret) {
			t.Errorf("GET /api/flow/steps shows a secret the emulator issued")
		}
	}

	exchange := func(path string) flow.Exchange {
		t.Helper()
		r := get(path, "", false)
		var x flow.Exchange
		if err := json.Unmarshal(r.Body.Bytes(), &x); err != nil || r.Code != 200 {
			t.Fatalf("GET %s = %d %s", path, r.Code, r.Body)
		}
		return x
	}
	for i := range wantOps {
		x := exchange("/api/flow/steps/" + strconv.Itoa(i+1))
		for _, secret := range []string{w.idToken, w.secretKey, w.sessionToken, ststest.DefaultPassword, ststest.UserSecretAccessKey} {
			if strings.Contains(x.Request+x.Response, secret) {
				t.Errorf("GET /api/flow/steps/%d shows a secret:\n%s\n%s", i+1, x.Request, x.Response)
			}
		}
	}
	if x := exchange("/api/flow/steps/2"); !strings.Contains(x.Response, `"IdToken":"<redacted `) {
		t.Errorf("GET /api/flow/steps/2 = %s; want the tokens issued redacted", x.Response)
	}
	assumed := exchange("/api/flow/steps/3")
	all := assumed.Request + assumed.Response
	for _, secret := range []string{w.idToken, w.secretKey, w.sessionToken} {
		if strings.Contains(all, secret) {
			t.Errorf("GET /api/flow/steps/3 shows a secret: %s", all)
		}
	}
	if !strings.Contains(assumed.Request, "WebIdentityToken=%3Credacted+") || !strings.Contains(assumed.Response, "<SecretAccessKey><redacted 40 chars></SecretAccessKey>") ||
		!strings.HasPrefix(assumed.Response, "HTTP/1.1 200 OK\n") || !strings.HasPrefix(assumed.Request, "POST / HTTP/1.1\nHost: ") {
		t.Errorf("GET /api/flow/steps/3 = %s\n%s; want the wire as --trace shows it, secrets redacted", assumed.Request, assumed.Response)
	}
	shown := exchange("/api/flow/steps/3?secrets=show")
	if !shown.SecretsShown || !strings.Contains(shown.Request, w.idToken[:40]) || !strings.Contains(shown.Response, w.secretKey) {
		t.Errorf("GET /api/flow/steps/3?secrets=show does not show the secrets asked for")
	}

	ec2 := exchange("/api/flow/steps/5")
	if len(ec2.Decisions) != 1 || ec2.Decisions[0].Failed == nil || ec2.Decisions[0].Failed.Name != "permissions" ||
		ec2.Decisions[0].Failed.Detail != "no identity-based policy allows the ec2:DescribeInstances action" {
		t.Errorf("the EC2 refusal's decisions = %+v; want the failing permissions check", ec2.Decisions)
	}
	if ev := ec2.Decisions[0].Failed.Evidence; len(ev) < 2 || ev[0] != "identity-based policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess:" {
		t.Errorf("the EC2 refusal's evidence = %q; want the evaluator's explanation of TestRole's policies", ev)
	}
	wrong := exchange("/api/flow/steps/7")
	if len(wrong.Decisions) != 1 || wrong.Decisions[0].Failed == nil {
		t.Fatalf("the wrong role's decisions = %+v; want a failing check", wrong.Decisions)
	}
	f := wrong.Decisions[0].Failed
	if f.Name != "policy.principal" || f.Status != "fail" || !strings.HasPrefix(f.Fix, "name the provider the token maps to: ") ||
		!strings.Contains(f.Detail, "Principal.Federated lists") {
		t.Errorf("the wrong role's failing check = %+v; want diagnose's policy.principal with its fix", f)
	}
	svg := get("/api/flow/diagram.svg", "", false)
	if svg.Code != 200 || svg.Header().Get("Content-Type") != "image/svg+xml" || !bytes.Equal(svg.Body.Bytes(), flow.Render(rec.Steps())) {
		t.Errorf("GET /api/flow/diagram.svg = %d %s; want Render of the steps", svg.Code, svg.Header().Get("Content-Type"))
	}
	if r := get("/api/flow/steps/99", "", false); r.Code != 404 {
		t.Errorf("GET /api/flow/steps/99 = %d; want 404", r.Code)
	}
}

// TestAPIGuards: the live view's API answers only the page's own requests — those for the
// address it was started on that carry the session key — and shows nothing to others, the
// secrets least of all.
func TestAPIGuards(t *testing.T) {
	srv, rec := newEmulator(t)
	w := walkthrough(t, srv)
	get := page(t, rec)
	for _, path := range []string{"/api/flow/steps", "/api/flow/steps/3", "/api/flow/steps/3?secrets=show", "/api/flow/diagram.svg", "/static/flow/flow.js"} {
		for _, tc := range []struct {
			name  string
			host  string
			noKey bool
		}{
			{"another Host", "rebind.example:8080", false},
			{"localhost", "localhost:8080", false},
			{"no session key", "", true},
		} {
			t.Run(path+" "+tc.name, func(t *testing.T) {
				r := get(path, tc.host, tc.noKey)
				if r.Code != http.StatusForbidden {
					t.Errorf("GET %s (%s) = %d; want 403", path, tc.name, r.Code)
				}
				body := r.Body.String()
				if strings.Contains(body, "AssumeRoleWithWebIdentity") || strings.Contains(body, w.secretKey) || strings.Contains(body, "flow.js") {
					t.Errorf("GET %s (%s) answers with the page's data: %s", path, tc.name, body)
				}
			})
		}
	}
	if r := get("/api/flow/steps", "", false); r.Code != 200 {
		t.Errorf("GET /api/flow/steps with the key = %d; want 200", r.Code)
	}
}
