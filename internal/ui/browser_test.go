package ui_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/browsertest"
	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/ui"
	"github.com/rawsts/rawsts/internal/ui/uitest"
)

// TestBrowserPlayground opens each README case in headless Chromium from the link the page
// makes of it (its claims, never the token) and checks, in the DOM the page's script drew,
// the verdict, the failing check, the marked clause and the corrected policy. The second case
// is drawn dark. With -update it takes the screenshots of the first case, light and dark, for
// docs/ (the README shows them); without, it spares the two runs of the browser they take
// (internal/browsertest's own test takes one).
func TestBrowserPlayground(t *testing.T) {
	b := browsertest.New(t)
	srv := uitest.Start(t, ui.Options{})
	base := strings.TrimSuffix(srv.URL(), "?key="+srv.Key())
	var firstLink string
	for i, c := range readmeCases {
		t.Run(c.name, func(t *testing.T) {
			token := strings.TrimSpace(example(t, c.token))
			link := linkOf(t, base, srv.Key(), map[string]string{"input": token, "policy": example(t, c.policy),
				"providers": example(t, "github-provider.json"), "role": roleARN, "at": atText})
			if i == 0 {
				firstLink = link
			}
			dark := i == 1
			dom, err := b.DOM(srv.URL()+link, browsertest.Options{Dark: dark})
			if err != nil {
				t.Fatal(err)
			}
			checkDOM(t, c, dom, dark)
			checkNoToken(t, dom, token)
		})
	}
	if firstLink == "" || !*fixture.Update {
		return
	}
	dir := filepath.Join("..", "..", "docs")
	for _, dark := range []bool{false, true} {
		file := filepath.Join(dir, map[bool]string{false: "ui-playground-light.png", true: "ui-playground-dark.png"}[dark])
		if err := b.Screenshot(srv.URL()+firstLink, file, browsertest.Options{Dark: dark, Width: 1280, Height: 1800}); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(file); err != nil || fi.Size() < 10000 {
			t.Errorf("the screenshot %s: %v; want a picture of the page", file, err)
		}
	}
}

// linkOf posts a case to the page's API as the page's script does and returns the link the
// answer gives ("#claims=…").
func linkOf(t *testing.T, base, key string, body map[string]string) string {
	t.Helper()
	b, _ := json.Marshal(body)
	r, _ := http.NewRequest(http.MethodPost, base+"api/playground", strings.NewReader(string(b)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(ui.RequestHeader, "test")
	r.Header.Set(ui.KeyHeader, key)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var res result
	if err := json.Unmarshal(raw, &res); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(res.Link, "#claims=") {
		t.Fatalf("POST /api/playground = %d %s; want a link", resp.StatusCode, raw)
	}
	return res.Link
}

// checkDOM reads, in the DOM the page's script drew, what the playground must show of c.
func checkDOM(t *testing.T, c readmeCase, dom string, dark bool) {
	t.Helper()
	if e, ok := browsertest.ByID(dom, "p", "pg-error"); ok && strings.TrimSpace(e.Text) != "" {
		t.Fatalf("the page shows an error: %s", e.Text)
	}
	v, ok := browsertest.ByID(dom, "div", "pg-verdict")
	if !ok || v.Attrs["data-verdict"] != "deny" {
		t.Fatalf("the verdict = %v (found %v); want deny\n%s", v.Attrs, ok, dom)
	}
	if line, _ := browsertest.ByID(dom, "strong", "pg-line"); line.Text != "deny (first failure: "+c.first+")" {
		t.Errorf("the verdict line = %q; want deny (first failure: %s)", line.Text, c.first)
	}
	rerun := false
	for _, s := range browsertest.Find(dom, "span") {
		if s.HasClass("rerun") && s.Attrs["data-verdict"] == "allow-as-far-as-checked" {
			rerun = true
		}
	}
	if !rerun {
		t.Errorf("the verdict does not say the suggested fix allows (as far as checked)")
	}
	failing := false
	for _, tr := range browsertest.Find(dom, "tr") {
		if tr.Attrs["data-check"] == c.first && tr.Attrs["data-status"] == "fail" && strings.Contains(tr.Text, "FAIL") {
			failing = true
		}
	}
	if !failing {
		t.Errorf("no row of the checks shows %s failing", c.first)
	}
	var marked []string
	for _, m := range browsertest.Find(dom, "mark") {
		if m.HasClass("hl-fail") {
			marked = append(marked, m.Text)
		}
	}
	if len(marked) != 1 || marked[0] != c.mark {
		t.Errorf("the policy's marked clause = %q; want %q", marked, c.mark)
	}
	if pre, ok := browsertest.ByID(dom, "pre", "pg-corrected"); !ok || !strings.Contains(pre.Text, c.corrected) {
		t.Errorf("the corrected policy = %q; want it to have %q", pre.Text, c.corrected)
	}
	if pre, ok := browsertest.ByID(dom, "pre", "pg-diff"); !ok || !strings.Contains(pre.Text, "+++ trust-policy.json (suggested)") {
		t.Errorf("the diff = %q; want the suggested policy's", pre.Text)
	}
	want := map[bool]string{false: "light", true: "dark"}[dark]
	if html := browsertest.Find(dom, "html"); len(html) != 1 || html[0].Attrs["data-scheme"] != want {
		t.Errorf("the page's scheme = %v; want %s", html, want)
	}
}
