package jwtinspect

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestRelative(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		claim string
		d     time.Duration
		want  string
	}{
		{"exp", 52 * time.Minute, "expires in 52m"},
		{"exp", -(3*time.Hour + 10*time.Minute + 20*time.Second), "expired 3h10m ago"},
		{"exp", 42 * time.Second, "expires in 42s"},
		{"exp", 10 * time.Second, "expires in 10s"},
		{"exp", 0, "expires now"},
		{"exp", 400 * 24 * time.Hour, "expires in 400d"},
		{"nbf", 5*time.Minute + 30*time.Second, "not valid for another 5m30s"},
		{"nbf", -time.Hour, "valid since 1h ago"},
		{"nbf", 0, "valid from now"},
		{"iat", 2 * time.Hour, "issued 2h in the future"},
		{"iat", -(49*time.Hour + 20*time.Minute), "issued 2d1h ago"},
		{"iat", 0, "issued just now"},
		{"auth_time", -10 * time.Minute, "10m ago"},
		{"auth_time", 10 * time.Minute, "in 10m"},
		{"auth_time", 0, "now"},
	} {
		if got := Relative(tt.claim, now.Add(tt.d), now); got != tt.want {
			t.Errorf("Relative(%q, now%+v) = %q; want %q", tt.claim, tt.d, got, tt.want)
		}
	}
}

func TestClaimTime(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want time.Time
		ok   bool
	}{
		{json.Number("1893459600"), time.Date(2030, 1, 1, 1, 0, 0, 0, time.UTC), true},
		{json.Number("1893459600.5"), time.Date(2030, 1, 1, 1, 0, 0, 5e8, time.UTC), true},
		{json.Number("-1"), time.Time{}, false},
		{json.Number("1e12"), time.Time{}, false},
		{"1893459600", time.Time{}, false},
		{float64(1893459600), time.Time{}, false},
		{nil, time.Time{}, false},
	} {
		got, ok := ClaimTime(tt.v)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ClaimTime(%#v) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
	for name, want := range map[string]bool{"exp": true, "nbf": true, "iat": true, "auth_time": true, "jti": false, "sub": false} {
		if got := IsTimeClaim(name); got != want {
			t.Errorf("IsTimeClaim(%q) = %v; want %v", name, got, want)
		}
	}
}

func ExampleRelative() {
	now := time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC)
	for _, claim := range []string{"exp", "iat"} {
		t, _ := ClaimTime(json.Number(map[string]string{"exp": "1893459600", "iat": "1893456000"}[claim]))
		fmt.Println(claim, t.Format(time.RFC3339), Relative(claim, t, now))
	}
	// Output:
	// exp 2030-01-01T01:00:00Z expires in 55m
	// iat 2030-01-01T00:00:00Z issued 5m ago
}
