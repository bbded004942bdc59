package ststest_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/rawsts/rawsts/ststest"
)

// TestConfigAdminMembers: the members the admin APIs write — a pool's password policy, a
// role's description and tags, creation dates — read back strictly, and their limits are
// checked with the path of the element.
func TestConfigAdminMembers(t *testing.T) {
	doc := `{"Roles": [{"RoleName": "r", "Description": "CI deploys", "Tags": [{"Key": "team", "Value": "platform"}], "CreateDate": "2026-01-15T10:00:00Z"}],
		"OpenIDConnectProviders": [{"Url": "https://gitlab.com", "Tags": [{"Key": "k", "Value": ""}], "CreateDate": "2026-01-15T09:00:00Z"}],
		"UserPools": [{"Id": "us-east-1_X", "CreationDate": "2026-01-15T08:00:00Z",
			"Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": true}},
			"Clients": [{"ClientId": "c", "CreationDate": "2026-01-15T08:00:00Z"}],
			"Users": [{"Username": "u", "Password": "p", "UserCreateDate": "2026-01-15T08:00:00Z"}]}]}`
	c, err := ststest.ParseConfig([]byte(doc))
	if err != nil {
		t.Fatalf("ParseConfig = %v", err)
	}
	if pp := c.UserPools[0].Policies.PasswordPolicy; pp.MinimumLength != 12 || !pp.RequireSymbols || c.Roles[0].Tags[0].Value != "platform" {
		t.Errorf("ParseConfig = %+v", c)
	}
	b, _ := json.Marshal(c)
	if back, err := ststest.ParseConfig(b); err != nil || back.UserPools[0].Policies.PasswordPolicy.MinimumLength != 12 {
		t.Errorf("ParseConfig(Marshal) = %+v, %v", back, err)
	}
	for _, tt := range []struct {
		name, doc, path string
	}{
		{"minimum length", `{"UserPools": [{"Id": "us-east-1_X", "Policies": {"PasswordPolicy": {"MinimumLength": 5}}}]}`, "UserPools[0].Policies.PasswordPolicy.MinimumLength"},
		{"unknown policy member", `{"UserPools": [{"Id": "us-east-1_X", "Policies": {"PasswordPolicy": {"MinLength": 8}}}]}`, "UserPools[0].Policies.PasswordPolicy.MinLength"},
		{"tag key twice", `{"Roles": [{"RoleName": "r", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]}]}`, "Roles[0].Tags[1].Key"},
		{"empty tag key", `{"OpenIDConnectProviders": [{"Url": "https://gitlab.com", "Tags": [{"Key": "", "Value": "1"}]}]}`, "OpenIDConnectProviders[0].Tags[0].Key"},
		{"date", `{"Roles": [{"RoleName": "r", "CreateDate": "yesterday"}]}`, "Roles[0].CreateDate"},
		{"user date", `{"UserPools": [{"Id": "us-east-1_X", "Users": [{"Username": "u", "Password": "p", "UserCreateDate": "1/2/2026"}]}]}`, "UserPools[0].Users[0].UserCreateDate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ststest.ParseConfig([]byte(tt.doc))
			var ce *ststest.ConfigError
			if !errors.As(err, &ce) || ce.Path != tt.path {
				t.Errorf("ParseConfig(%s) = %v; want a ConfigError at %s", tt.doc, err, tt.path)
			}
		})
	}
}
