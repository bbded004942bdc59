package ui

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// Options configure a [Server].
type Options struct {
	// Addr is the address the page is served at, host:port as the URL names it
	// ("127.0.0.1:8080", "[::1]:8080"): the server answers only requests whose Host header is
	// exactly this. The host must be a loopback IP address. Required; a listener from
	// [Listen] gives it (ln.Addr().String()).
	Addr string
	// Key is the session key the page's URL carries; empty makes a random one (32 bytes,
	// base64url). Tests set it.
	Key string
	// Now is the playground's clock when no time is given; nil means time.Now.
	Now func() time.Time
	// Sections are the other parts of the page, shown before the playground in this order.
	Sections []Section
	// NoPlayground leaves the playground out (a page of Sections alone).
	NoPlayground bool
	// Log receives the HTTP server's own errors (a connection that failed); nil discards
	// them. Requests themselves are never logged.
	Log io.Writer
}

// Section is a part of the page besides the playground, such as the live view of the
// emulator's requests (see the package documentation).
type Section struct {
	// ID names the section: its element's id on the page, its files' folder (/static/ID/)
	// and its API (/api/ID/). Lower-case letters, digits and "-"; not "playground".
	ID string
	// Title is its heading.
	Title string
	// Body is its HTML, trusted: it must come from the program's own files, never from a
	// request. The Content-Security-Policy forbids inline scripts, styles and handlers.
	Body template.HTML
	// Static holds its files, served at /static/ID/NAME; nil when it has none.
	Static fs.FS
	// Scripts are the files of Static the page loads, in order ("flow.js").
	Scripts []string
	// API serves /api/ID/ and every path below it (the request's path unchanged), behind
	// the guards of every request; a method other than GET and HEAD must also send JSON and
	// the page's header. Its responses are never cached. Nil when it has none.
	API http.Handler
}

// Server is the page and its API, an http.Handler. Make one with [New].
type Server struct {
	addr       string
	key        string
	cookie     string // the session cookie's name, with the port: cookies do not tell ports apart
	now        func() time.Time
	sections   []Section
	playground bool
	page       []byte // the page, rendered once
	static     fs.FS  // the page's own files
	log        *log.Logger
}

// The limits of a request.
const (
	// MaxBody is the largest request body the API reads; over it is 413.
	MaxBody = 1 << 20
	// MaxField is the largest text of one playground field (a token or claims, a policy, the
	// providers), as `rawsts diagnose` reads files: 64 KiB.
	MaxField = 64 << 10
)

var sectionID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// New returns the server of the page at o.Addr. It fails for an address that is not a
// loopback IP address and port, or a Section without a proper ID.
func New(o Options) (*Server, error) {
	ap, err := netip.ParseAddrPort(o.Addr)
	if err != nil || !ap.Addr().IsLoopback() || ap.Port() == 0 {
		return nil, fmt.Errorf("ui: address %q is not a loopback IP address and port, such as 127.0.0.1:8080", o.Addr)
	}
	s := &Server{addr: o.Addr, key: o.Key, now: o.Now, sections: o.Sections, playground: !o.NoPlayground,
		cookie: fmt.Sprintf("rawsts_ui_%d", ap.Port()), log: log.New(io.Discard, "", 0)}
	if o.Log != nil {
		s.log = log.New(o.Log, "rawsts: ui: ", 0)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.key == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("ui: making the session key: %w", err)
		}
		s.key = base64.RawURLEncoding.EncodeToString(b)
	}
	seen := map[string]bool{"playground": true}
	for _, sec := range s.sections {
		if !sectionID.MatchString(sec.ID) || seen[sec.ID] {
			return nil, fmt.Errorf("ui: section id %q: want lower-case letters, digits and -, once, not playground", sec.ID)
		}
		seen[sec.ID] = true
	}
	s.static, _ = fs.Sub(assets, "assets")
	if s.page, err = s.render(); err != nil {
		return nil, err
	}
	return s, nil
}

// Listen listens on addr ("127.0.0.1:0" picks a free port) after checking that it is a
// loopback IP address: the page is for this machine only. A name (even localhost) is
// refused, since what it resolves to is not the page's to decide.
func Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("ui: address %q: want HOST:PORT, such as 127.0.0.1:0", addr)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("ui: address %q: the page listens on a loopback IP address only (127.0.0.1 or [::1]), never on a name or another interface", addr)
	}
	return net.Listen("tcp", addr)
}

// URL is the address to open: http://ADDR/?key=KEY. It carries the session key: whoever has
// it can use the page, so print it only where its job is to be read (standard output).
func (s *Server) URL() string { return "http://" + s.addr + "/?key=" + s.key }

// Key is the session key, for a caller that keeps it off its logs (the CLI scrubs standard
// error of it).
func (s *Server) Key() string { return s.key }

// Serve serves the page on ln until ctx ends, then shuts down (waiting at most five seconds
// for requests in flight). Every read and write has a deadline.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// A streaming handler (a live view) extends its own deadline with
		// http.NewResponseController(w).SetWriteDeadline.
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       s.log,
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if hs.Shutdown(sctx) != nil {
				hs.Close()
			}
		case <-done:
		}
	}()
	err := hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ServeHTTP answers one request: the guards first (guard.go), then the page, its files and
// the APIs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	if !s.admit(w, r) {
		return
	}
	path := r.URL.Path
	switch {
	case path == "/":
		if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(s.page))
	case strings.HasPrefix(path, "/static/"):
		s.serveStatic(w, r, strings.TrimPrefix(path, "/static/"))
	case path == "/api/playground" && s.playground:
		if s.apiRequest(w, r, http.MethodPost) {
			s.servePlayground(w, r)
		}
	case strings.HasPrefix(path, "/api/"):
		id, _, _ := strings.Cut(strings.TrimPrefix(path, "/api/"), "/")
		for _, sec := range s.sections {
			if sec.ID == id && sec.API != nil {
				if s.apiRequest(w, r, "") {
					sec.API.ServeHTTP(w, r)
				}
				return
			}
		}
		http.NotFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

// serveStatic serves the page's own files (/static/NAME) and the sections' (/static/ID/NAME).
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	files := s.static
	if id, rest, ok := strings.Cut(name, "/"); ok {
		files = nil
		for _, sec := range s.sections {
			if sec.ID == id {
				files, name = sec.Static, rest
			}
		}
	}
	if files == nil || !fs.ValidPath(name) || strings.HasSuffix(name, ".html") {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(files, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if ct, ok := contentTypes[name[strings.LastIndexByte(name, '.')+1:]]; ok {
		w.Header().Set("Content-Type", ct)
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// contentTypes are the types of the files a page is made of, by extension.
var contentTypes = map[string]string{
	"js":  "text/javascript; charset=utf-8",
	"css": "text/css; charset=utf-8",
	"svg": "image/svg+xml",
	"png": "image/png",
}

// pageData is what assets/page.html is executed with.
type pageData struct {
	Sections   []Section
	Playground template.HTML
	Scripts    []string
}

// render executes the page template once: the page is the same for every request.
func (s *Server) render() ([]byte, error) {
	t, err := template.ParseFS(assets, "assets/page.html")
	if err != nil {
		return nil, fmt.Errorf("ui: the page's template: %w", err)
	}
	d := pageData{Sections: s.sections}
	for _, sec := range s.sections {
		for _, js := range sec.Scripts {
			d.Scripts = append(d.Scripts, "/static/"+sec.ID+"/"+js)
		}
	}
	if s.playground {
		b, err := assets.ReadFile("assets/playground.html")
		if err != nil {
			return nil, fmt.Errorf("ui: the playground's markup: %w", err)
		}
		d.Playground = template.HTML(b) // the package's own file
		d.Scripts = append(d.Scripts, "/static/playground.js")
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("ui: the page's template: %w", err)
	}
	return b.Bytes(), nil
}
