package jwtinspect

import (
	"testing"
	"time"
)

// TestProviderARNAgreesWithTrustpolicy pins the argument order and the scheme rule that
// trustpolicy.ProviderARN shares: the two leaves cannot import each other, so both test the
// same table.
func TestProviderARNAgreesWithTrustpolicy(t *testing.T) {
	for _, tt := range []struct {
		issuer, partition, account, want string
	}{
		{"https://token.actions.githubusercontent.com", "", "123456789012", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
		{"https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", "aws", "123456789012", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
		{"https://gitlab.example.cn", "aws-cn", "123456789012", "arn:aws-cn:iam::123456789012:oidc-provider/gitlab.example.cn"},
		{"http://127.0.0.1:8080/oidc", "aws", "123456789012", "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8080/oidc"},
		{"https://example.auth0.com/", "aws", "123456789012", "arn:aws:iam::123456789012:oidc-provider/example.auth0.com/"},
	} {
		if got := ProviderARN(tt.issuer, tt.partition, tt.account); got != tt.want {
			t.Errorf("ProviderARN(%q, %q, %q) = %q; want %q", tt.issuer, tt.partition, tt.account, got, tt.want)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{400 * time.Millisecond, "0s"},
		{42 * time.Second, "42s"},
		{-42 * time.Second, "42s"},
		{52*time.Minute + 10*time.Second, "52m10s"},
		{52 * time.Minute, "52m"},
		{3*time.Hour + 10*time.Minute + 20*time.Second, "3h10m"},
		{2 * time.Hour, "2h"},
		{47*time.Hour + 59*time.Minute, "47h59m"},
		{72 * time.Hour, "3d"},
		{412*24*time.Hour + 3*time.Hour + 10*time.Minute, "412d3h"},
	} {
		if got := HumanDuration(tt.d); got != tt.want {
			t.Errorf("HumanDuration(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}
