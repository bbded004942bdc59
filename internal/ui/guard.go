package ui

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"strings"
)

// The guards every request passes (see the package documentation for why each one).

// contentSecurityPolicy allows the page's own files and nothing else: no inline script or
// style, no other origin, no frames, no plugins, no form posted anywhere. Trusted Types make
// the browser refuse any HTML a script would write from a string: the scripts build the page
// with DOM calls only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'"

// KeyHeader is the header that may carry the session key instead of the cookie (for a script
// of the person's own, such as a test's).
const KeyHeader = "X-Rawsts-Key"

// RequestHeader is the header a request other than GET must carry: the page's script sends it,
// and no cross-site form can.
const RequestHeader = "X-Rawsts-Request"

// securityHeaders are set on every response, refusals included.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// refuse answers a refused request with status and one plain sentence.
func refuse(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Del("Content-Length")
	w.WriteHeader(status)
	w.Write([]byte("rawsts ui: " + msg + "\n"))
}

// admit checks the Host and the session of every request, and turns a key in the URL into the
// session cookie. It answers the request itself, and returns false, when it goes no further.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	if r.Host != s.addr {
		// A DNS-rebinding page reaches a loopback port under its own name: the Host it sends
		// is that name. The request's Host is not repeated: it is the other site's text.
		refuse(w, http.StatusForbidden, "refused: this page answers only requests for http://"+s.addr+
			"/, the address it was started on (the request's Host header names another; open the URL rawsts ui printed)")
		return false
	}
	if q := r.URL.Query(); q.Has("key") {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			refuse(w, http.StatusMethodNotAllowed, "the session key is taken from the URL of a GET request only")
			return false
		}
		if !s.keyOK(q.Get("key")) {
			refuse(w, http.StatusForbidden, "refused: the session key in this URL is not this page's (a page started again has a new key: open the URL it printed last)")
			return false
		}
		http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: s.key, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		// The clean URL: the key leaves the address bar and the history. The browser keeps the
		// fragment (#claims=…) across the redirect.
		q.Del("key")
		clean := r.URL.Path
		if len(q) > 0 {
			clean += "?" + q.Encode()
		}
		w.Header().Set("Location", clean)
		w.WriteHeader(http.StatusSeeOther)
		return false
	}
	if c, err := r.Cookie(s.cookie); err == nil && s.keyOK(c.Value) {
		return true
	}
	if k := r.Header.Get(KeyHeader); k != "" && s.keyOK(k) {
		return true
	}
	refuse(w, http.StatusForbidden, "refused: this page needs its session key; open the URL rawsts ui printed (RAWSTS_UI_URL, ending in ?key=…)")
	return false
}

// keyOK compares a key with the session's in constant time.
func (s *Server) keyOK(k string) bool {
	return subtle.ConstantTimeCompare([]byte(k), []byte(s.key)) == 1
}

// apiRequest checks what an API request must be besides admitted: the method (when method is
// not ""), and for anything but GET and HEAD a JSON body and the page's header, from this
// page's origin. It answers the request itself, and returns false, when it goes no further.
func (s *Server) apiRequest(w http.ResponseWriter, r *http.Request, method string) bool {
	if method != "" && !allowMethods(w, r, method) {
		return false
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	if r.Header.Get(RequestHeader) == "" {
		refuse(w, http.StatusForbidden, "refused: an API call needs the "+RequestHeader+" header (the page's script sends it; a form of another site cannot)")
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+s.addr {
		refuse(w, http.StatusForbidden, "refused: the request comes from another origin")
		return false
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		refuse(w, http.StatusForbidden, "refused: the request comes from another site")
		return false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		refuse(w, http.StatusUnsupportedMediaType, "an API call sends JSON (Content-Type: application/json)")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	return true
}

// allowMethods answers 405 for a method not in methods.
func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	refuse(w, http.StatusMethodNotAllowed, r.URL.Path+" answers "+strings.Join(methods, " and ")+" only")
	return false
}
