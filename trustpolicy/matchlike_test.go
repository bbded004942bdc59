package trustpolicy_test

import (
	"testing"

	"github.com/rawsts/rawsts/trustpolicy"
)

// TestMatchLike checks StringLike's wildcards ("IAM JSON policy elements: Condition
// operators": * matches any combination of characters, ? a single one; case-sensitive).
func TestMatchLike(t *testing.T) {
	for _, tt := range []struct {
		name, pattern, value string
		want                 bool
	}{
		{"literal", "repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main", true},
		{"star", "repo:acme/app:*", "repo:acme/app:environment:prod", true},
		{"star matches none", "repo:acme/app:*", "repo:acme/app:", true},
		{"question", "v?", "v1", true},
		{"question needs one", "v?", "v", false},
		{"case-sensitive", "repo:Acme/*", "repo:acme/app", false},
		{"prefix only", "repo:acme/*", "xrepo:acme/app", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := trustpolicy.MatchLike(tt.pattern, tt.value); got != tt.want {
				t.Errorf("MatchLike(%q, %q) = %v; want %v", tt.pattern, tt.value, got, tt.want)
			}
		})
	}
}
