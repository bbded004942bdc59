package browsertest

import "testing"

func TestFind(t *testing.T) {
	dom := `<html><body><div id="a" class="x  y" data-n="1&amp;2" title="a > b">one <b>two</b> &lt;3&gt;</div>` +
		"\n<div hidden=\"\">\nlast</div><divider>no</divider>" +
		`<div id="outer"><div id="inner">in</div> out</div></body></html>`
	got := Find(dom, "div")
	if len(got) != 4 {
		t.Fatalf("Find(div) = %d elements; want 4", len(got))
	}
	tests := []struct {
		name, got, want string
	}{
		{"id", got[0].Attrs["id"], "a"},
		{"an entity in a value", got[0].Attrs["data-n"], "1&2"},
		{"text", got[0].Text, "one two <3>"},
		{"inner HTML", got[0].HTML, "one <b>two</b> &lt;3&gt;"},
		{"text over lines", got[1].Text, "\nlast"},
		{"a > in a value", got[0].Attrs["title"], "a > b"},
		{"the outer of two nested", got[2].Text, "in out"},
		{"the inner of two nested", got[3].Attrs["id"] + ":" + got[3].Text, "inner:in"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("Find(div) %s = %q; want %q", tt.name, tt.got, tt.want)
		}
	}
	if _, ok := got[1].Attrs["hidden"]; !ok {
		t.Errorf("Find(div)[1].Attrs = %v; want hidden", got[1].Attrs)
	}
	if !got[0].HasClass("y") || got[0].HasClass("z") {
		t.Errorf("HasClass on class %q: y %v, z %v; want true, false", got[0].Attrs["class"], got[0].HasClass("y"), got[0].HasClass("z"))
	}
	if e, ok := ByID(dom, "div", "a"); !ok || e.Text != "one two <3>" {
		t.Errorf("ByID(div, a) = %v, %v", e, ok)
	}
	if e, ok := ByID(dom, "div", "inner"); !ok || e.Text != "in" {
		t.Errorf("ByID(div, inner) = %v, %v; want the nested div", e, ok)
	}
	if _, ok := ByID(dom, "div", "b"); ok {
		t.Errorf("ByID(div, b) found one; want none")
	}
}
