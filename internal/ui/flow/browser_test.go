package flow_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/browsertest"
	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/ui"
	"github.com/rawsts/rawsts/internal/ui/uitest"
)

// TestBrowserLive runs the walkthrough against the emulator with the live view (as
// `rawsts emulator --ui` serves it) and reads, in headless Chromium, what the page's script
// drew: an arrow per request, EC2 refused and S3 allowed; then clicks each refused arrow (a
// mouse click through Chromium's input pipeline) and finds the failing check: EC2's
// permissions decision with the evaluator's evidence, and the wrong role's trust-policy check
// with diagnose's fix. With -update it takes
// the screenshots the README shows, the wrong role opened, light and dark.
func TestBrowserLive(t *testing.T) {
	b := browsertest.New(t)
	srv, rec := newEmulator(t)
	page := uitest.Start(t, ui.Options{Sections: []ui.Section{rec.Section()}})
	w := walkthrough(t, srv)

	dom, err := b.DOM(page.URL(), browsertest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var arrows []browsertest.Element
	for _, g := range browsertest.Find(dom, "g") {
		if g.HasClass("arrow") {
			arrows = append(arrows, g)
		}
	}
	if len(arrows) != len(wantOps) {
		t.Fatalf("the page draws %d arrows; want one per request, %d\n%s", len(arrows), len(wantOps), dom)
	}
	for i, a := range arrows {
		if a.Attrs["data-operation"] != wantOps[i] || a.Attrs["data-decision"] != wantDecisions[i] || a.Attrs["data-id"] != strconv.Itoa(i+1) {
			t.Errorf("arrow %d = %v; want %d %s %s", i, a.Attrs, i+1, wantOps[i], wantDecisions[i])
		}
	}
	if a := arrows[ec2Step]; a.Attrs["data-service"] != "ec2" || !a.HasClass("deny") || !strings.Contains(a.Text, "refused UnauthorizedOperation") {
		t.Errorf("the EC2 arrow = %v %q; want ec2, refused UnauthorizedOperation", a.Attrs, a.Text)
	}
	if a := arrows[s3Step]; a.Attrs["data-service"] != "s3" || !a.HasClass("allow") || !strings.Contains(a.Text, "allowed") {
		t.Errorf("the S3 arrow = %v %q; want s3, allowed", a.Attrs, a.Text)
	}
	checkNoSecret(t, dom, w)

	for _, tc := range []struct {
		step       int
		check, has string
	}{
		{ec2Step, "permissions", "FAIL Action: ec2:DescribeInstances is not in Action"},
		{wrongRoleStep, "policy.principal", "fix: name the provider the token maps to: "},
	} {
		t.Run(tc.check, func(t *testing.T) {
			id := strconv.Itoa(tc.step + 1)
			dom, err := b.Click(page.URL(), `g.arrow[data-id="`+id+`"]`, `div.flow-check[data-check="`+tc.check+`"]`, browsertest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range browsertest.Find(dom, "div") {
				if d.HasClass("flow-check") && d.Attrs["data-check"] == tc.check && d.Attrs["data-status"] == "fail" &&
					strings.Contains(d.Text, "FAIL") && strings.Contains(d.Text, tc.has) {
					found = true
				}
			}
			if !found {
				t.Errorf("the page opened at arrow %d shows no failing %s check with %q\n%s", tc.step+1, tc.check, tc.has, dom)
			}
			if pre, ok := browsertest.ByID(dom, "pre", "flow-request"); !ok || !strings.HasPrefix(pre.Text, "POST / HTTP/1.1") {
				t.Errorf("the request shown = %q; want the wire", pre.Text)
			}
			if pre, ok := browsertest.ByID(dom, "pre", "flow-response"); !ok || !strings.HasPrefix(pre.Text, "HTTP/1.1 403 Forbidden") {
				t.Errorf("the answer shown = %q; want the wire", pre.Text)
			}
			checkNoSecret(t, dom, w)
		})
	}
	if !*fixture.Update {
		return
	}
	for _, dark := range []bool{false, true} {
		file := filepath.Join("..", "..", "..", "docs", map[bool]string{false: "ui-flow-light.png", true: "ui-flow-dark.png"}[dark])
		if err := b.Screenshot(page.URL()+"#flow-"+strconv.Itoa(wrongRoleStep+1), file, browsertest.Options{Dark: dark, Width: 1280, Height: 1500}); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(file); err != nil || fi.Size() < 10000 {
			t.Errorf("the screenshot %s: %v; want a picture of the page", file, err)
		}
	}
}

// checkNoSecret fails when the page shows a secret the walkthrough was issued.
func checkNoSecret(t *testing.T, dom string, w walk) {
	t.Helper()
	for _, secret := range []string{w.idToken, w.secretKey, w.sessionToken} {
		if strings.Contains(dom, secret) {
			t.Errorf("the page shows a secret the emulator issued")
		}
	}
}
