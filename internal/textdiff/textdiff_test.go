package textdiff

import (
	"math/rand"
	"strings"
	"testing"
)

// The expected hunks were checked against GNU diff 3.10 (`diff -u a b | tail -n +3`).
func TestUnified(t *testing.T) {
	alpha := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
	for _, tt := range []struct {
		name, a, b, want string
	}{
		{"equal", "x\n", "x\n", ""},
		{"two hunks", alpha, strings.Replace(alpha, "b\n", "B\n", 1) + "n\n",
			"@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -11,3 +11,4 @@\n k\n l\n m\n+n\n"},
		{"no newline at end", "x\ny", "x\nz",
			"@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n"},
		{"from empty", "", "one\n", "@@ -0,0 +1 @@\n+one\n"},
		{"to empty", "one\n", "", "@@ -1 +0,0 @@\n-one\n"},
		{"changes six lines apart merge", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\nX\n3\n4\n5\n6\n7\nY\n",
			"@@ -1,8 +1,8 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n"},
		{"a line added inside", "{\n  \"a\": 1\n}\n", "{\n  \"a\": 1,\n  \"b\": 2\n}\n",
			"@@ -1,3 +1,4 @@\n {\n-  \"a\": 1\n+  \"a\": 1,\n+  \"b\": 2\n }\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want != "" {
				want = "--- a\n+++ b\n" + want
			}
			if got := Unified("a", "b", tt.a, tt.b); got != want {
				t.Errorf("Unified(%q, %q) =\n%s\nwant\n%s", tt.a, tt.b, got, want)
			}
		})
	}
}

// TestScriptIsShortestAndApplies: on random texts the script turns a into b and its changes
// are no more than a longest-common-subsequence count allows.
func TestScriptIsShortestAndApplies(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		a, b := randomLines(r), randomLines(r)
		ops := script(a, b)
		var gotA, gotB []string
		changes := 0
		for _, o := range ops {
			if o.kind != '+' {
				gotA = append(gotA, o.text)
			}
			if o.kind != '-' {
				gotB = append(gotB, o.text)
			}
			if o.kind != ' ' {
				changes++
			}
		}
		if strings.Join(gotA, "|") != strings.Join(a, "|") || strings.Join(gotB, "|") != strings.Join(b, "|") {
			t.Fatalf("script(%q, %q) does not apply: %v", a, b, ops)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); changes != want {
			t.Fatalf("script(%q, %q) has %d changes; want %d", a, b, changes, want)
		}
	}
}

func randomLines(r *rand.Rand) []string {
	n := r.Intn(12)
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a' + r.Intn(4)))
	}
	return out
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}
