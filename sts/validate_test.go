package sts

import (
	"errors"
	"strings"
	"testing"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func validInput() AssumeRoleWithWebIdentityInput {
	return AssumeRoleWithWebIdentityInput{
		RoleArn:          "arn:aws:iam::123456789012:role/FederatedWebIdentityRole",
		RoleSessionName:  "app1",
		WebIdentityToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*AssumeRoleWithWebIdentityInput)
		wantField string // "" = valid
		want      string // substring of Problem
	}{
		{"valid", func(in *AssumeRoleWithWebIdentityInput) {}, "", ""},
		{"valid with everything", func(in *AssumeRoleWithWebIdentityInput) {
			in.RoleArn = "arn:aws-us-gov:iam::123456789012:role/path/to/deploy"
			in.DurationSeconds, in.Policy, in.ProviderId = 43200, `{"Version":"2012-10-17"}`, "www.amazon.com"
			in.PolicyArns = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
		}, "", ""},
		{"missing RoleArn", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = "" }, "RoleArn", "is required"},
		{"trailing newline", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn += "\n" }, "RoleArn", "a trailing newline"},
		{"leading space", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = " " + in.RoleArn }, "RoleArn", "a leading space"},
		{"trailing CR", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn += "\r" }, "RoleArn", "a trailing carriage return"},
		{"oidc provider ARN", func(in *AssumeRoleWithWebIdentityInput) {
			in.RoleArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
		}, "RoleArn", "OIDC identity provider ARN"},
		{"assumed-role ARN", func(in *AssumeRoleWithWebIdentityInput) {
			in.RoleArn = "arn:aws:sts::123456789012:assumed-role/deploy/session"
		}, "RoleArn", "arn:aws:iam::123456789012:role/deploy"},
		{"wrong partition", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = "arn:amazon:iam::123456789012:role/x" }, "RoleArn", `partition "amazon"`},
		{"short account", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = "arn:aws:iam::12345678901:role/deploy" }, "RoleArn", "12-digit"},
		{"user ARN", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = "arn:aws:iam::123456789012:user/alice" }, "RoleArn", `resource "user"`},
		{"region in ARN", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = "arn:aws:iam:us-east-1:123456789012:role/x" }, "RoleArn", "region"},
		{"not an ARN", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = "FederatedWebIdentityRole-abc" }, "RoleArn", "is not an ARN"},
		{"bad role name", func(in *AssumeRoleWithWebIdentityInput) { in.RoleArn = "arn:aws:iam::123456789012:role/a b" }, "RoleArn", "role name"},
		{"session name space", func(in *AssumeRoleWithWebIdentityInput) { in.RoleSessionName = "gha deploy" }, "RoleSessionName", "' ' at position 4"},
		{"session name slash", func(in *AssumeRoleWithWebIdentityInput) { in.RoleSessionName = "feat/x" }, "RoleSessionName", "'/' at position 5"},
		{"session name non-ASCII", func(in *AssumeRoleWithWebIdentityInput) { in.RoleSessionName = "café" }, "RoleSessionName", "'é' at position 4"},
		{"session name short", func(in *AssumeRoleWithWebIdentityInput) { in.RoleSessionName = "a" }, "RoleSessionName", "1 characters long"},
		{"session name long", func(in *AssumeRoleWithWebIdentityInput) { in.RoleSessionName = strings.Repeat("a", 65) }, "RoleSessionName", "65 characters"},
		{"session name email", func(in *AssumeRoleWithWebIdentityInput) { in.RoleSessionName = "a+b=c,d.e@f-g_h" }, "", ""},
		{"token missing", func(in *AssumeRoleWithWebIdentityInput) { in.WebIdentityToken = "" }, "WebIdentityToken", "is required"},
		{"token newline", func(in *AssumeRoleWithWebIdentityInput) { in.WebIdentityToken += "\n" }, "WebIdentityToken", "a trailing newline"},
		{"token short", func(in *AssumeRoleWithWebIdentityInput) { in.WebIdentityToken = "abc" }, "WebIdentityToken", "3 characters"},
		{"token long", func(in *AssumeRoleWithWebIdentityInput) { in.WebIdentityToken = strings.Repeat("a", 20001) }, "WebIdentityToken", "20001"},
		{"duration low", func(in *AssumeRoleWithWebIdentityInput) { in.DurationSeconds = 899 }, "DurationSeconds", "899 is outside 900–43200"},
		{"duration high", func(in *AssumeRoleWithWebIdentityInput) { in.DurationSeconds = 43201 }, "DurationSeconds", "43201"},
		{"duration negative", func(in *AssumeRoleWithWebIdentityInput) { in.DurationSeconds = -1 }, "DurationSeconds", "-1"},
		{"policy not JSON", func(in *AssumeRoleWithWebIdentityInput) { in.Policy = "{Version:" }, "Policy", "not valid JSON"},
		{"policy too long", func(in *AssumeRoleWithWebIdentityInput) { in.Policy = `"` + strings.Repeat("a", 2047) + `"` }, "Policy", "2049 characters"},
		{"policy bad char", func(in *AssumeRoleWithWebIdentityInput) { in.Policy = `{"a":"€"}` }, "Policy", "U+20AC at position 7"},
		{"11 policy ARNs", func(in *AssumeRoleWithWebIdentityInput) {
			for i := 0; i < 11; i++ {
				in.PolicyArns = append(in.PolicyArns, "arn:aws:iam::aws:policy/ReadOnlyAccess")
			}
		}, "PolicyArns", "has 11 ARNs"},
		{"policy ARN not an ARN", func(in *AssumeRoleWithWebIdentityInput) {
			in.PolicyArns = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"}
		}, "PolicyArns", `ARN #2 "ReadOnlyAccess"`},
		{"policy ARN trailing space", func(in *AssumeRoleWithWebIdentityInput) {
			in.PolicyArns = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess "}
		}, "PolicyArns", "ARN #1 has a trailing space"},
		{"provider id for OIDC", func(in *AssumeRoleWithWebIdentityInput) { in.ProviderId = "token.actions.githubusercontent.com" }, "ProviderId", "omit it for OIDC"},
		{"provider id with scheme", func(in *AssumeRoleWithWebIdentityInput) { in.ProviderId = "https://www.amazon.com" }, "ProviderId", "host only"},
		{"provider id facebook", func(in *AssumeRoleWithWebIdentityInput) { in.ProviderId = "graph.facebook.com" }, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.edit(&in)
			err := in.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Errorf("Validate(%+v) = %v; want nil", in, err)
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.wantField || !strings.Contains(ie.Problem, tt.want) {
				t.Errorf("Validate() = %v; want %s error containing %q", err, tt.wantField, tt.want)
				return
			}
			if !strings.HasPrefix(err.Error(), "sts: "+tt.wantField+": ") {
				t.Errorf("Error() = %q; want prefix %q", err, "sts: "+tt.wantField+": ")
			}
			if tok := in.WebIdentityToken; len(tok) > 4 && strings.Contains(err.Error(), strings.TrimSpace(tok)) {
				t.Errorf("Error() quotes the token: %v", err)
			}
		})
	}
}
