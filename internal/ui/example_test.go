package ui_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/rawsts/rawsts/internal/ui"
)

// The page answers only its own address and its session: the key of the printed URL becomes
// a cookie, then the page is served.
func ExampleNew() {
	srv, err := ui.New(ui.Options{Addr: "127.0.0.1:8411", Key: "example-key"})
	if err != nil {
		panic(err)
	}
	fmt.Println(srv.URL())

	get := func(url, host, cookie string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", url, nil)
		r.Host = host
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	w := get("http://127.0.0.1:8411/", "rebinding.example:8411", "")
	fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	w = get("http://127.0.0.1:8411/", "127.0.0.1:8411", "")
	fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	w = get(srv.URL(), "127.0.0.1:8411", "")
	fmt.Println(w.Code, w.Header().Get("Location"), w.Header().Get("Set-Cookie"))
	w = get("http://127.0.0.1:8411/", "127.0.0.1:8411", "rawsts_ui_8411=example-key")
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	// Output:
	// http://127.0.0.1:8411/?key=example-key
	// 403 rawsts ui: refused: this page answers only requests for http://127.0.0.1:8411/, the address it was started on (the request's Host header names another; open the URL rawsts ui printed)
	// 403 rawsts ui: refused: this page needs its session key; open the URL rawsts ui printed (RAWSTS_UI_URL, ending in ?key=…)
	// 303 / rawsts_ui_8411=example-key; Path=/; HttpOnly; SameSite=Strict
	// 200 text/html; charset=utf-8
}
