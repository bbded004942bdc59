package sigv4

import (
	"strings"
	"testing"
)

const (
	exampleKeyID  = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestCredentialsFromEnv(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     map[string]string
		want    Credentials
		wantErr string
	}{
		{"keys", map[string]string{"AWS_ACCESS_KEY_ID": exampleKeyID, "AWS_SECRET_ACCESS_KEY": exampleSecret}, Credentials{exampleKeyID, exampleSecret, ""}, ""},
		{"with session token", map[string]string{"AWS_ACCESS_KEY_ID": exampleKeyID, "AWS_SECRET_ACCESS_KEY": exampleSecret, "AWS_SESSION_TOKEN": "tok"}, Credentials{exampleKeyID, exampleSecret, "tok"}, ""},
		{"none", nil, Credentials{}, "no AWS credentials"},
		{"id only", map[string]string{"AWS_ACCESS_KEY_ID": exampleKeyID}, Credentials{}, "AWS_SECRET_ACCESS_KEY is not"},
		{"secret only", map[string]string{"AWS_SECRET_ACCESS_KEY": exampleSecret}, Credentials{}, "AWS_ACCESS_KEY_ID is not"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CredentialsFromEnv(envOf(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("CredentialsFromEnv = %v; want error containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), exampleSecret) {
					t.Errorf("error %q quotes the secret", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("CredentialsFromEnv = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
