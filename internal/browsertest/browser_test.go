package browsertest_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/browsertest"
)

// page draws, from the fragment and a fetch, what the test then reads in the DOM.
const page = `<!doctype html><html><head><meta charset="utf-8"><style>
body { background: #fff; } @media (prefers-color-scheme: dark) { body { background: #000; } }</style></head>
<body><p id="p">before</p><script src="/page.js"></script></body></html>`

const script = `fetch('/answer').then(r => r.text()).then(t => {
  const p = document.getElementById('p');
  p.textContent = t + ' ' + location.hash;
  p.setAttribute('data-dark', String(matchMedia('(prefers-color-scheme: dark)').matches));
});`

func TestBrowser(t *testing.T) {
	b := browsertest.New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(page)) })
	mux.HandleFunc("/page.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(script))
	})
	mux.HandleFunc("/answer", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("fetched")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// Each run of Chromium takes seconds: one page load (dark), one screenshot (light).
	dom, err := b.DOM(srv.URL+"/#a=1", browsertest.Options{Dark: true})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := browsertest.ByID(dom, "p", "p")
	if !ok || p.Text != "fetched #a=1" {
		t.Errorf("DOM: <p id=p> = %q (found %v); want the script's text %q\n%s", p.Text, ok, "fetched #a=1", dom)
	}
	if got := p.Attrs["data-dark"]; got != "true" {
		t.Errorf("DOM with Dark: prefers-color-scheme dark is %q; want true", got)
	}
	file := filepath.Join(t.TempDir(), "shot.png")
	if err := b.Screenshot(srv.URL+"/", file, browsertest.Options{Width: 400, Height: 300}); err != nil {
		t.Fatal(err)
	}
	if png, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("Screenshot wrote %d bytes (%v); want a PNG", len(png), err)
	}
}

// TestClick clicks a button as a person does and reads what the page's handler wrote; a page
// whose handler does nothing leaves the element waited for absent, and Click says so.
func TestClick(t *testing.T) {
	b := browsertest.New(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!doctype html><html><body><button id="b" style="margin-top:900px">go</button><p id="p"></p>
<script>document.getElementById('b').addEventListener('click', function (e) {
  if (e.isTrusted) { var p = document.getElementById('p'); p.textContent = 'clicked'; p.className = 'done'; }
});</script></body></html>`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dom, err := b.Click(srv.URL+"/", "#b", "p.done", browsertest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := browsertest.ByID(dom, "p", "p"); p.Text != "clicked" {
		t.Errorf("Click: <p id=p> = %q; want the handler's text\n%s", p.Text, dom)
	}
	if _, err := b.Click(srv.URL+"/", "#b", "p.never", browsertest.Options{Budget: time.Second}); err == nil || !strings.Contains(err.Error(), "after the click, no element p.never") {
		t.Errorf("Click waiting for an element that never comes = %v; want an error naming it", err)
	}
}
