package trustpolicy

import "testing"

// TestProviderARN pins the argument order and the scheme rule that jwtinspect.ProviderARN
// shares: the two leaves cannot import each other, so both test the same table.
func TestProviderARN(t *testing.T) {
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
