package cognitoauth

import "testing"

func TestSecretHash(t *testing.T) {
	tests := []struct {
		name                       string
		username, clientID, secret string
		want                       string
	}{
		{"alexrudd/cognito-srp", "test", "123abd", "clientSecret", "LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="},
		{"cognito-srp-helper, internal username", vaSub, vaClientID, vaSecret, "QW3YkSgjkc9VNMtbTkuQflK54A6+9GS8ZiRDj0mSvPI="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SecretHash(tt.username, tt.clientID, tt.secret); got != tt.want {
				t.Errorf("SecretHash(%q, %q, …) = %q; want %q", tt.username, tt.clientID, got, tt.want)
			}
		})
	}
}
