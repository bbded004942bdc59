package textdiff

import (
	"fmt"
	"strings"
)

// Context is the number of unchanged lines shown around each change.
const Context = 3

// op is one line of an edit script.
type op struct {
	kind byte // ' ', '-' or '+'
	text string
}

// Unified returns the unified diff that turns a into b, with "--- aName" and "+++ bName" headers,
// or "" when the texts are equal. Lines are split on "\n"; a text that does not end in a newline
// gets "\ No newline at end of file" after its last line, as diff prints.
func Unified(aName, bName, a, b string) string {
	if a == b {
		return ""
	}
	al, bl := lines(a), lines(b)
	ops := script(al, bl)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", aName, bName)
	for _, h := range hunks(ops) {
		writeHunk(&sb, ops[h.start:h.end], h.aLine, h.bLine, a, b, len(al), len(bl))
	}
	return sb.String()
}

// lines splits s into lines without their "\n"; a final line without one counts.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	for i := range out {
		out[i] = strings.TrimSuffix(out[i], "\n")
	}
	return out
}

// script returns the shortest edit script turning a into b, deletions before insertions
// within a change.
func script(a, b []string) []op {
	n, m := len(a), len(b)
	max := n + m
	if max == 0 {
		return nil
	}
	// v[k+max] is the furthest x reached on diagonal k; trace keeps v after each step d.
	v := make([]int, 2*max+2)
	var trace [][]int
	found := false
	for d := 0; d <= max && !found; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[k-1+max] < v[k+1+max]) {
				x = v[k+1+max] // down: an insertion
			} else {
				x = v[k-1+max] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[k+max] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
		trace = append(trace, append([]int(nil), v...))
	}
	// Walk back from (n, m) through the trace.
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		k := x - y
		var prevK int
		switch {
		case d == 0:
			prevK = 0
		case k == -d || (k != d && trace[d-1][k-1+max] < trace[d-1][k+1+max]):
			prevK = k + 1
		default:
			prevK = k - 1
		}
		prevX := 0
		if d > 0 {
			prevX = trace[d-1][prevK+max]
		}
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x, y = x-1, y-1
			rev = append(rev, op{' ', a[x]})
		}
		if d == 0 {
			break
		}
		if x == prevX {
			y--
			rev = append(rev, op{'+', b[y]})
		} else {
			x--
			rev = append(rev, op{'-', a[x]})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		rev = append(rev, op{' ', a[x]})
	}
	out := make([]op, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return groupChanges(out)
}

// groupChanges orders each run of changes as deletions then insertions, as diff -u prints them.
func groupChanges(ops []op) []op {
	out := make([]op, 0, len(ops))
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			out = append(out, ops[i])
			i++
			continue
		}
		j := i
		for j < len(ops) && ops[j].kind != ' ' {
			j++
		}
		for _, o := range ops[i:j] {
			if o.kind == '-' {
				out = append(out, o)
			}
		}
		for _, o := range ops[i:j] {
			if o.kind == '+' {
				out = append(out, o)
			}
		}
		i = j
	}
	return out
}

// hunk is a range of the edit script and the line numbers (0-based) where it starts.
type hunk struct {
	start, end   int
	aLine, bLine int
}

// hunks groups the changes with Context lines around them, merging hunks that touch.
func hunks(ops []op) []hunk {
	var out []hunk
	aLine, bLine := 0, 0
	posA := make([]int, len(ops)+1)
	posB := make([]int, len(ops)+1)
	for i, o := range ops {
		posA[i], posB[i] = aLine, bLine
		if o.kind != '+' {
			aLine++
		}
		if o.kind != '-' {
			bLine++
		}
	}
	posA[len(ops)], posB[len(ops)] = aLine, bLine
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		start := i - Context
		if start < 0 {
			start = 0
		}
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// A run of unchanged lines: stop if it is longer than twice the context.
			j := end
			for j < len(ops) && ops[j].kind == ' ' {
				j++
			}
			if j == len(ops) || j-end > 2*Context {
				end += min(Context, j-end)
				break
			}
			end = j
		}
		if n := len(out); n > 0 && out[n-1].end >= start {
			out[n-1].end = end
		} else {
			out = append(out, hunk{start: start, end: end, aLine: posA[start], bLine: posB[start]})
		}
		i = end - 1
	}
	return out
}

func writeHunk(sb *strings.Builder, ops []op, aLine, bLine int, a, b string, aLen, bLen int) {
	na, nb := 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			na++
		}
		if o.kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", span(aLine, na), span(bLine, nb))
	ia, ib := aLine, bLine
	for _, o := range ops {
		sb.WriteByte(o.kind)
		sb.WriteString(o.text)
		sb.WriteByte('\n')
		last := false
		switch o.kind {
		case '-':
			ia++
			last = ia == aLen && !strings.HasSuffix(a, "\n")
		case '+':
			ib++
			last = ib == bLen && !strings.HasSuffix(b, "\n")
		default:
			ia, ib = ia+1, ib+1
			last = (ia == aLen && !strings.HasSuffix(a, "\n")) || (ib == bLen && !strings.HasSuffix(b, "\n"))
		}
		if last {
			sb.WriteString("\\ No newline at end of file\n")
		}
	}
}

// span writes a hunk range as diff does: "start,count", 1-based; "start" alone for one line;
// for no lines, the line before.
func span(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}
