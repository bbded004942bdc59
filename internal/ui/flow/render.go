package flow

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Node is an element of the diagram: what [Diagram] makes and both faces draw — [Render]
// writes it as SVG text, and the page's script builds the same elements from its JSON with DOM
// calls. Attributes are in order, so the text is the same every time.
type Node struct {
	Tag      string      `json:"t"`
	Attrs    [][2]string `json:"a,omitempty"`
	Text     string      `json:"x,omitempty"`
	Children []*Node     `json:"c,omitempty"`
}

func node(tag string, attrs ...string) *Node {
	n := &Node{Tag: tag}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attrs = append(n.Attrs, [2]string{attrs[i], attrs[i+1]})
	}
	return n
}

func (n *Node) add(children ...*Node) *Node {
	n.Children = append(n.Children, children...)
	return n
}

func (n *Node) text(s string) *Node {
	n.Text = s
	return n
}

// The diagram's geometry, in SVG user units (CSS pixels at scale 1).
const (
	colWidth   = 150 // between two lifelines
	leftX      = 70  // the first lifeline
	rightRoom  = 250 // after the last lifeline: the decision of an arrow to it
	headTop    = 10
	headHeight = 32
	firstRow   = 78 // the first arrow
	rowHeight  = 48
	maxLabel   = 64 // characters of a principal shown under an arrow (the whole in its title)
)

// Diagram lays out steps as a sequence diagram: a lifeline per [Lifelines] entry (and per
// other service the steps reach), and per step an arrow from your client to the service's
// lifeline, labelled with its number and operation, the principal under it and the decision
// at its head ("allowed", or "refused" with the error code); a refused arrow is drawn as a
// refusal (class deny, a cross at its head). Each arrow is a group with data-id (the step's
// ID), data-decision, data-service and data-operation, for the page's script and for tests.
// Diagram is pure: the same steps give the same nodes.
func Diagram(steps []Step) *Node {
	cols := append([]Lifeline(nil), Lifelines...)
	index := map[string]int{}
	for i, l := range cols {
		index[l.Key] = i
	}
	for _, s := range steps {
		if l := lifelineOf(s); !hasKey(index, l.Key) {
			index[l.Key] = len(cols)
			cols = append(cols, l)
		}
	}
	width := leftX + (len(cols)-1)*colWidth + rightRoom
	height := firstRow + len(steps)*rowHeight + 10
	if len(steps) == 0 {
		height += rowHeight
	}
	svg := node("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "flow-diagram",
		"viewBox", fmt.Sprintf("0 0 %d %d", width, height), "width", strconv.Itoa(width), "height", strconv.Itoa(height),
		"role", "img", "aria-label", fmt.Sprintf("sequence diagram of %d request(s)", len(steps)))
	svg.add(node("title").text("rawsts emulator: the requests it handled, in order"))
	heads := node("g", "class", "lifelines")
	for i, l := range cols {
		x := strconv.Itoa(leftX + i*colWidth)
		heads.add(node("line", "class", "lifeline", "x1", x, "y1", strconv.Itoa(headTop+headHeight), "x2", x, "y2", strconv.Itoa(height-4)))
		heads.add(node("rect", "class", "head", "x", strconv.Itoa(leftX+i*colWidth-60), "y", strconv.Itoa(headTop),
			"width", "120", "height", strconv.Itoa(headHeight), "rx", "6"))
		heads.add(node("text", "class", "head-label", "x", x, "y", strconv.Itoa(headTop+21), "text-anchor", "middle").text(l.Title))
	}
	svg.add(heads)
	if len(steps) == 0 {
		svg.add(node("text", "class", "empty", "x", strconv.Itoa(leftX+8), "y", strconv.Itoa(firstRow)).
			text("No request yet: point a client at the emulator and each request appears here."))
	}
	for i, s := range steps {
		svg.add(arrow(s, i, leftX+index[lifelineOf(s).Key]*colWidth))
	}
	return svg
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// arrow draws step s as the row'th arrow, to the lifeline at x.
func arrow(s Step, row, x int) *Node {
	y := firstRow + row*rowHeight
	from := leftX
	decision, class := "allowed", "arrow allow"
	if !s.Allowed() {
		decision, class = "refused", "arrow deny"
		if s.Code != "" {
			decision += " " + s.Code
		}
	}
	title := fmt.Sprintf("%d. %s %s → %s (HTTP %d)", s.ID, s.Operation, s.Resource, decision, s.Status)
	if s.Principal != "" {
		title += "\nprincipal: " + s.Principal
	}
	if s.Check != "" || s.Detail != "" {
		title += "\n" + strings.TrimSpace(s.Check+" "+s.Detail)
	}
	g := node("g", "class", class, "data-id", strconv.FormatUint(s.ID, 10), "data-decision", s.Decision,
		"data-service", s.Service, "data-operation", s.Operation, "tabindex", "0", "role", "button",
		"aria-label", fmt.Sprintf("request %d, %s, %s: show it", s.ID, s.Operation, decision))
	g.add(node("title").text(title))
	// A wide transparent band: the arrow is easy to click on a phone.
	g.add(node("rect", "class", "hit", "x", strconv.Itoa(from), "y", strconv.Itoa(y-26), "width", strconv.Itoa(max(x-from, 40)+120),
		"height", strconv.Itoa(rowHeight-4)))
	label := fmt.Sprintf("%d  %s", s.ID, s.Operation)
	if s.Resource != "" && s.Resource != "*" {
		label += "  " + s.Resource
	}
	g.add(node("text", "class", "op", "x", strconv.Itoa(from+8), "y", strconv.Itoa(y-7)).text(clip(label, maxLabel)))
	g.add(node("line", "class", "shaft", "x1", strconv.Itoa(from), "y1", strconv.Itoa(y), "x2", strconv.Itoa(x-9), "y2", strconv.Itoa(y)))
	g.add(node("path", "class", "tip", "d", fmt.Sprintf("M%d %d L%d %d L%d %d Z", x, y, x-10, y-5, x-10, y+5)))
	if !s.Allowed() {
		g.add(node("path", "class", "cross", "d", fmt.Sprintf("M%d %d L%d %d M%d %d L%d %d", x+4, y-6, x+16, y+6, x+4, y+6, x+16, y-6)))
	}
	mark, markX := "✓ "+decision, x+8
	if !s.Allowed() {
		mark, markX = decision, x+22 // after the cross
	}
	g.add(node("text", "class", "decision", "x", strconv.Itoa(markX), "y", strconv.Itoa(y+5)).text(mark))
	under := s.Principal
	if !s.Allowed() && s.Check != "" {
		under = strings.TrimSpace(under + "  · " + s.Check)
	}
	if under != "" {
		g.add(node("text", "class", "who", "x", strconv.Itoa(from+8), "y", strconv.Itoa(y+15)).text(clip(under, maxLabel)))
	}
	return g
}

// clip cuts s to n characters, with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// fileStyle is the style sheet of a diagram written to a file ([Render]): the page styles the
// same classes with its own sheet (ui.css), since its policy allows no inline style.
const fileStyle = `
svg.flow-diagram { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; background: #ffffff; }
.lifeline { stroke: #b8bdc6; stroke-dasharray: 4 4; }
.head { fill: #f2f3f5; stroke: #b8bdc6; }
.head-label { font-weight: 600; fill: #1d2025; }
.hit { fill: transparent; }
.op { fill: #1d2025; font-weight: 600; }
.who, .empty { fill: #5d6472; font-size: 11px; }
.allow .shaft { stroke: #1c6e38; stroke-width: 1.6; }
.allow .tip { fill: #1c6e38; }
.decision { paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
.allow .decision { fill: #1c6e38; font-weight: 600; }
.deny .shaft { stroke: #a8231b; stroke-width: 1.6; stroke-dasharray: 6 3; }
.deny .tip { fill: #a8231b; }
.deny .cross { stroke: #a8231b; stroke-width: 2.2; }
.deny .decision { fill: #a8231b; font-weight: 600; }
@media (prefers-color-scheme: dark) {
  svg.flow-diagram { background: #111317; }
  .decision { stroke: #111317; }
  .lifeline, .head { stroke: #4a505b; }
  .head { fill: #1a1d23; }
  .head-label, .op { fill: #e4e6ea; }
  .who, .empty { fill: #9aa1ad; }
  .allow .shaft { stroke: #7fdc9a; } .allow .tip, .allow .decision { fill: #7fdc9a; }
  .deny .shaft, .deny .cross { stroke: #ff8f86; } .deny .tip, .deny .decision { fill: #ff8f86; }
}
`

// Render writes steps as a standalone SVG document: [Diagram] with a style sheet of its own,
// light or dark as the viewer prefers. It is what `rawsts demo --diagram FILE.svg` writes and
// what the README shows.
func Render(steps []Step) []byte {
	d := Diagram(steps)
	d.Children = append([]*Node{node("style").text(fileStyle)}, d.Children...)
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	d.write(&b, 0)
	return b.Bytes()
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// write writes n as XML, one element a line, indented by depth.
func (n *Node) write(b *bytes.Buffer, depth int) {
	indent := strings.Repeat("  ", depth)
	b.WriteString(indent + "<" + n.Tag)
	for _, a := range n.Attrs {
		b.WriteString(" " + a[0] + `="` + xmlEscaper.Replace(a[1]) + `"`)
	}
	switch {
	case len(n.Children) == 0 && n.Text == "":
		b.WriteString("/>\n")
	case len(n.Children) == 0:
		b.WriteString(">" + xmlEscaper.Replace(n.Text) + "</" + n.Tag + ">\n")
	default:
		b.WriteString(">\n")
		if n.Text != "" {
			b.WriteString(indent + "  " + xmlEscaper.Replace(n.Text) + "\n")
		}
		for _, c := range n.Children {
			c.write(b, depth+1)
		}
		b.WriteString(indent + "</" + n.Tag + ">\n")
	}
}
