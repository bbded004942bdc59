package browsertest_test

import (
	"fmt"
	"testing"

	"github.com/rawsts/rawsts/internal/browsertest"
)

// A browser test loads a page, lets its scripts run, and reads what they drew.
func ExampleBrowser_DOM() {
	var t testing.TB // the test's
	b := browsertest.New(t)
	dom, err := b.DOM("http://127.0.0.1:8411/#claims=…", browsertest.Options{Dark: true})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := browsertest.ByID(dom, "div", "pg-verdict"); ok {
		fmt.Println(v.Attrs["data-verdict"])
	}
}
