package ui_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rawsts/rawsts/internal/ui"
)

const (
	testAddr = "127.0.0.1:8080"
	testKey  = "test-session-key-0123456789abcdefghijklmnop"
	cookie   = "rawsts_ui_8080"
)

func newServer(t *testing.T, o ui.Options) *ui.Server {
	t.Helper()
	if o.Addr == "" {
		o.Addr = testAddr
	}
	if o.Key == "" {
		o.Key = testKey
	}
	srv, err := ui.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// req is a request to the page: with the session cookie unless noSession, with the page's
// header and JSON for a POST.
type req struct {
	method, path, host string
	body               string
	noSession          bool
	header             map[string]string // set (or, with "", removed) after the defaults
}

func (r req) do(h http.Handler) *httptest.ResponseRecorder {
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	path := r.path
	if path == "" {
		path = "/"
	}
	hr := httptest.NewRequest(method, "http://"+testAddr+path, strings.NewReader(r.body))
	hr.Host = testAddr
	if r.host != "" {
		hr.Host = r.host
	}
	if !r.noSession {
		hr.AddCookie(&http.Cookie{Name: cookie, Value: testKey})
	}
	if method == http.MethodPost {
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set(ui.RequestHeader, "test")
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, hr)
	return w
}

// TestRefusals: every request that is not the page's own is refused, with its reason, and
// nothing of the page.
func TestRefusals(t *testing.T) {
	srv := newServer(t, ui.Options{Sections: []ui.Section{{ID: "flow", Title: "Flow", API: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("flow events"))
	})}}})
	body := `{"input": "{\"iss\": \"https://token.actions.githubusercontent.com\", \"sub\": \"repo:acme/app:ref:refs/heads/main\"}"}`
	tests := []struct {
		name   string
		req    req
		status int
		want   string
	}{
		// DNS rebinding: another site's name resolved to 127.0.0.1 reaches the port with its
		// own name in Host.
		{"another Host", req{host: "evil.example:8080"}, 403, "answers only requests for http://127.0.0.1:8080/"},
		{"another Host on the API", req{method: "POST", path: "/api/playground", host: "evil.example:8080", body: body}, 403, "answers only requests for"},
		{"another Host with the key", req{path: "/?key=" + testKey, host: "evil.example:8080", noSession: true}, 403, "answers only requests for"},
		{"localhost", req{host: "localhost:8080"}, 403, "answers only requests for"},
		{"another port", req{host: "127.0.0.1:8081"}, 403, "answers only requests for"},
		{"no port", req{host: "127.0.0.1"}, 403, "answers only requests for"},
		{"no session: the page", req{noSession: true}, 403, "needs its session key"},
		{"no session: a file", req{path: "/static/ui.css", noSession: true}, 403, "needs its session key"},
		{"no session: the API", req{method: "POST", path: "/api/playground", body: body, noSession: true}, 403, "needs its session key"},
		{"no session: a section's API", req{path: "/api/flow/events", noSession: true}, 403, "needs its session key"},
		{"a wrong cookie", req{noSession: true, header: map[string]string{"Cookie": cookie + "=not-the-key"}}, 403, "needs its session key"},
		{"another port's cookie", req{noSession: true, header: map[string]string{"Cookie": "rawsts_ui_8081=" + testKey}}, 403, "needs its session key"},
		{"a wrong key header", req{noSession: true, header: map[string]string{ui.KeyHeader: "nope"}}, 403, "needs its session key"},
		{"a wrong key in the URL", req{path: "/?key=nope", noSession: true}, 403, "not this page's"},
		{"an empty key in the URL", req{path: "/?key=", noSession: true}, 403, "not this page's"},
		{"the key in a POST's URL", req{method: "POST", path: "/api/playground?key=" + testKey, body: body, noSession: true}, 405, "GET request only"},
		{"a POST without the page's header", req{method: "POST", path: "/api/playground", body: body, header: map[string]string{ui.RequestHeader: ""}}, 403, "needs the X-Rawsts-Request header"},
		{"a POST of a form", req{method: "POST", path: "/api/playground", body: "input=x", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "sends JSON"},
		{"a POST of text", req{method: "POST", path: "/api/playground", body: body, header: map[string]string{"Content-Type": "text/plain"}}, 415, "sends JSON"},
		{"a POST from another origin", req{method: "POST", path: "/api/playground", body: body, header: map[string]string{"Origin": "http://evil.example:8080"}}, 403, "another origin"},
		{"a POST from another site", req{method: "POST", path: "/api/playground", body: body, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403, "another site"},
		{"a section's POST without the header", req{method: "POST", path: "/api/flow/x", body: "{}", header: map[string]string{ui.RequestHeader: ""}}, 403, "X-Rawsts-Request"},
		{"GET on the playground's API", req{path: "/api/playground"}, 405, "answers POST only"},
		{"POST on the page", req{method: "POST", path: "/", body: "{}"}, 405, "answers GET and HEAD only"},
		{"a body over the limit", req{method: "POST", path: "/api/playground", body: `{"input": "` + strings.Repeat("a", ui.MaxBody) + `"}`}, 413, "over 1048576 bytes"},
		{"an unknown API", req{path: "/api/nothing"}, 404, ""},
		{"an unknown path", req{path: "/etc/passwd"}, 404, ""},
		{"a file outside the assets", req{path: "/static/../server.go"}, 404, ""},
		{"the template", req{path: "/static/page.html"}, 404, ""},
		{"a missing file", req{path: "/static/nothing.js"}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.req.do(srv)
			got := w.Body.String()
			if w.Code != tt.status || !strings.Contains(got, tt.want) {
				t.Errorf("%s %s (Host %q) = %d %q; want %d and %q", tt.req.method, tt.req.path, tt.req.host, w.Code, got, tt.status, tt.want)
			}
			for _, leak := range []string{"<html", "Trust-policy playground", "flow events", `"report"`} {
				if strings.Contains(got, leak) {
					t.Errorf("%s %s (Host %q): the refusal carries %q", tt.req.method, tt.req.path, tt.req.host, leak)
				}
			}
			if c := w.Result().Cookies(); len(c) > 0 {
				t.Errorf("%s %s: a refusal sets the cookie %v", tt.req.method, tt.req.path, c)
			}
			checkSecurityHeaders(t, w)
		})
	}
}

// checkSecurityHeaders: every response forbids inline scripts, framing, sniffing, referrers
// and caching.
func checkSecurityHeaders(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	h := w.Result().Header
	csp := h.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "require-trusted-types-for 'script'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "*") {
		t.Errorf("Content-Security-Policy %q allows more than the page's own files", csp)
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q; want %q", k, got, want)
		}
	}
}

// TestSession: the key of the printed URL becomes the cookie and the clean URL; then the page,
// its files and its API answer.
func TestSession(t *testing.T) {
	srv := newServer(t, ui.Options{})
	if got, want := srv.URL(), "http://127.0.0.1:8080/?key="+testKey; got != want {
		t.Errorf("URL() = %q; want %q", got, want)
	}
	w := req{path: "/?key=" + testKey + "&x=1", noSession: true}.do(srv)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/?x=1" {
		t.Fatalf("GET /?key=KEY = %d, Location %q; want 303 to /?x=1 (the key out of the URL)", w.Code, w.Header().Get("Location"))
	}
	checkSecurityHeaders(t, w)
	cs := w.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("GET /?key=KEY sets %d cookies; want 1", len(cs))
	}
	c := cs[0]
	if c.Name != cookie || c.Value != testKey || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Errorf("the session cookie = %+v; want %s=KEY, HttpOnly, SameSite=Strict, Path=/", c, cookie)
	}

	tests := []struct {
		name, path, contentType, want string
		header                        map[string]string
	}{
		{"the page", "/", "text/html; charset=utf-8", "Trust-policy playground", nil},
		{"the style sheet", "/static/ui.css", "text/css; charset=utf-8", `:root[data-scheme="dark"]`, nil},
		{"the page's script", "/static/page.js", "text/javascript; charset=utf-8", "prefers-color-scheme", nil},
		{"the playground's script", "/static/playground.js", "text/javascript; charset=utf-8", "/api/playground", nil},
		{"the icon", "/static/icon.svg", "image/svg+xml", "<svg", nil},
		{"the key header instead of the cookie", "/", "text/html; charset=utf-8", "<html", map[string]string{"Cookie": "", ui.KeyHeader: testKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := req{path: tt.path, header: tt.header}.do(srv)
			if w.Code != 200 || w.Header().Get("Content-Type") != tt.contentType || !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("GET %s = %d %s; want 200 %s with %q", tt.path, w.Code, w.Header().Get("Content-Type"), tt.contentType, tt.want)
			}
			checkSecurityHeaders(t, w)
		})
	}
}

// TestPageHasNoInlineCode: the page loads its scripts and styles from files (the
// Content-Security-Policy would block anything inline), and has no event-handler attribute.
func TestPageHasNoInlineCode(t *testing.T) {
	srv := newServer(t, ui.Options{Sections: []ui.Section{{ID: "flow", Title: "The flow", Body: `<svg id="flow-diagram"></svg>`,
		Static: fstest.MapFS{"flow.js": {Data: []byte("// flow")}}, Scripts: []string{"flow.js"}}}})
	page := req{}.do(srv).Body.String()
	for _, tt := range []struct {
		name string
		re   *regexp.Regexp
	}{
		{"an inline script", regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`)},
		{"a style element", regexp.MustCompile(`<style`)},
		{"a style attribute", regexp.MustCompile(`\sstyle=`)},
		{"an event handler", regexp.MustCompile(`\son[a-z]+=`)},
		{"a javascript: URL", regexp.MustCompile(`javascript:`)},
		{"another origin", regexp.MustCompile(`(?:src|href)="(?:https?:)?//`)},
	} {
		if m := tt.re.FindString(page); m != "" {
			t.Errorf("the page has %s: %q", tt.name, m)
		}
	}
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(tag, ` src="/static/`) {
			t.Errorf("the page has a script that is not one of its files: %q", tag)
		}
	}
	for _, want := range []string{`<section id="flow" class="section">`, `<svg id="flow-diagram"></svg>`, `<script src="/static/flow/flow.js"></script>`,
		`<script src="/static/playground.js"></script>`, `data-target="playground"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The section's file is served at /static/ID/NAME, behind the same guards.
	if w := (req{path: "/static/flow/flow.js"}).do(srv); w.Code != 200 || w.Body.String() != "// flow" {
		t.Errorf("GET /static/flow/flow.js = %d %q; want the section's file", w.Code, w.Body.String())
	}
	if w := (req{path: "/static/flow/flow.js", noSession: true}).do(srv); w.Code != 403 {
		t.Errorf("GET /static/flow/flow.js without the session = %d; want 403", w.Code)
	}
}

// TestSectionAPI: a section's API gets its requests (the path unchanged) after the guards.
func TestSectionAPI(t *testing.T) {
	var got []string
	srv := newServer(t, ui.Options{NoPlayground: true, Sections: []ui.Section{{ID: "flow", Title: "Flow",
		API: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = append(got, r.Method+" "+r.URL.Path)
			w.Write([]byte(`{"events": []}`))
		})}}})
	if w := (req{path: "/api/flow/events"}).do(srv); w.Code != 200 || w.Body.String() != `{"events": []}` {
		t.Errorf("GET /api/flow/events = %d %q; want the section's answer", w.Code, w.Body.String())
	}
	if w := (req{method: "POST", path: "/api/flow/reveal", body: "{}"}).do(srv); w.Code != 200 {
		t.Errorf("POST /api/flow/reveal = %d; want 200", w.Code)
	}
	if want := []string{"GET /api/flow/events", "POST /api/flow/reveal"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("the section's API got %q; want %q", got, want)
	}
	// Without the playground, its API and markup are gone.
	if w := (req{method: "POST", path: "/api/playground", body: "{}"}).do(srv); w.Code != 404 {
		t.Errorf("POST /api/playground without the playground = %d; want 404", w.Code)
	}
	if page := (req{}).do(srv).Body.String(); strings.Contains(page, "pg-form") || strings.Contains(page, "playground.js") {
		t.Errorf("the page without the playground still has it")
	}
}

func TestNewAndListenRefuse(t *testing.T) {
	for _, addr := range []string{"", "0.0.0.0:8080", "192.0.2.1:8080", "localhost:8080", "127.0.0.1", "127.0.0.1:0", "[::]:8080", "example.com:80"} {
		if _, err := ui.New(ui.Options{Addr: addr}); err == nil || !strings.HasPrefix(err.Error(), "ui: ") {
			t.Errorf("New(Addr %q) = %v; want a ui: error", addr, err)
		}
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "localhost:0", "example.com:0", "127.0.0.1"} {
		if ln, err := ui.Listen(addr); err == nil {
			ln.Close()
			t.Errorf("Listen(%q) listens; want it refused (loopback IP addresses only)", addr)
		}
	}
	ln, err := ui.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen(127.0.0.1:0) = %v", err)
	}
	ln.Close()
	for _, id := range []string{"", "playground", "Flow", "a/b", "-x"} {
		if _, err := ui.New(ui.Options{Addr: testAddr, Sections: []ui.Section{{ID: id}}}); err == nil {
			t.Errorf("New(Section %q) = nil error; want it refused", id)
		}
	}
	if _, err := ui.New(ui.Options{Addr: testAddr, Sections: []ui.Section{{ID: "a"}, {ID: "a"}}}); err == nil {
		t.Errorf("New with two sections \"a\" = nil error; want it refused")
	}
	if srv, err := ui.New(ui.Options{Addr: "[::1]:8080"}); err != nil || !strings.HasPrefix(srv.URL(), "http://[::1]:8080/?key=") {
		t.Errorf("New(Addr [::1]:8080) = %v; want a server", err)
	}
}

// TestRandomKey: without Options.Key each server has its own 256-bit key.
func TestRandomKey(t *testing.T) {
	x, _ := ui.New(ui.Options{Addr: testAddr})
	y, _ := ui.New(ui.Options{Addr: testAddr})
	if x.Key() == y.Key() || len(x.Key()) != 43 {
		t.Errorf("random keys %q, %q; want two different 43-character keys", x.Key(), y.Key())
	}
}

// TestAssetsAreEmbedded: the page needs nothing from outside the binary.
func TestAssetsAreEmbedded(t *testing.T) {
	srv := newServer(t, ui.Options{})
	page := req{}.do(srv).Body.String()
	refs := regexp.MustCompile(`(?:src|href)="([^"#]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 4 {
		t.Fatalf("the page refers to %d files; want its style sheet, scripts and icon", len(refs))
	}
	for _, m := range refs {
		if w := (req{path: m[1]}).do(srv); w.Code != 200 || w.Body.Len() == 0 {
			t.Errorf("the page refers to %s, which answers %d", m[1], w.Code)
		}
	}
}
