package awsconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/bounded"
)

const (
	exampleKeyID  = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPaths(t *testing.T) {
	for _, tt := range []struct {
		name              string
		env               map[string]string
		config, credsFile string
	}{
		{"nothing known", nil, "", ""},
		{"home", map[string]string{"HOME": "/h"}, "/h/.aws/config", "/h/.aws/credentials"},
		{"variables win", map[string]string{"HOME": "/h", "AWS_CONFIG_FILE": "/c", "AWS_SHARED_CREDENTIALS_FILE": "/s"}, "/c", "/s"},
		{"~ in a variable", map[string]string{"HOME": "/h", "AWS_CONFIG_FILE": "~/cfg", "AWS_SHARED_CREDENTIALS_FILE": "~/cr"}, "/h/cfg", "/h/cr"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConfigFile(envOf(tt.env)); got != tt.config {
				t.Errorf("ConfigFile = %q; want %q", got, tt.config)
			}
			if got := CredentialsFile(envOf(tt.env)); got != tt.credsFile {
				t.Errorf("CredentialsFile = %q; want %q", got, tt.credsFile)
			}
		})
	}
}

func TestProfileName(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "default"},
		{map[string]string{"AWS_DEFAULT_PROFILE": "b"}, "b"},
		{map[string]string{"AWS_PROFILE": "a", "AWS_DEFAULT_PROFILE": "b"}, "a"},
	} {
		if got := ProfileName(envOf(tt.env)); got != tt.want {
			t.Errorf("ProfileName(%v) = %q; want %q", tt.env, got, tt.want)
		}
	}
}

const configFile = `[default]
region = us-east-1

[profile ci]
role_arn = arn:aws:iam::123456789012:role/ci
region = eu-west-1

[profile "two words"]
region = ap-south-1

# a bare name in the config file is not a profile
[bare]
region = sa-east-1

[sso-session corp]
sso_region = us-east-1

[profile default]
output = json
`

const credentialsFile = `[ci]
region = eu-central-1
aws_access_key_id = AKIAIOSFODNN7EXAMPLE

[bare]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
`

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"AWS_CONFIG_FILE":             write(t, dir, "config", configFile),
		"AWS_SHARED_CREDENTIALS_FILE": write(t, dir, "credentials", credentialsFile),
	}
	f, err := Load(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		profile, key, want string
		fromCredentials    bool
	}{
		{"ci", "role_arn", "arn:aws:iam::123456789012:role/ci", false},
		{"ci", "region", "eu-central-1", true}, // the credentials file wins, key by key
		{"ci", "aws_access_key_id", exampleKeyID, true},
		{"two words", "region", "ap-south-1", false},
		{"bare", "region", "", false}, // [bare] of the config file is not a profile
		{"bare", "aws_access_key_id", exampleKeyID, true},
		{"default", "output", "json", false}, // [profile default] came later and replaced [default]
		{"default", "region", "", false},
	} {
		p := f.Profile(tt.profile)
		if p == nil {
			t.Fatalf("Profile(%q) = nil", tt.profile)
		}
		if got := p.Get(tt.key); got != tt.want || p.Values[tt.key].Credentials != tt.fromCredentials {
			t.Errorf("Profile(%q).Get(%q) = %q (credentials file: %v); want %q (%v)", tt.profile, tt.key, got, p.Values[tt.key].Credentials, tt.want, tt.fromCredentials)
		}
	}
	if p := f.Profile("sso-session corp"); p != nil {
		t.Errorf("Profile(sso-session corp) = %+v; want nil", p)
	}
	if got, want := f.Profile("ci").Where("role_arn"), env["AWS_CONFIG_FILE"]+" line 5"; got != want {
		t.Errorf("Where(role_arn) = %q; want %q", got, want)
	}
}

func TestLoadMissingFilesAreEmpty(t *testing.T) {
	dir := t.TempDir()
	f, err := Load(envOf(map[string]string{"HOME": dir}))
	if err != nil || f.Profile("default") != nil {
		t.Fatalf("Load(empty home) = %v, %v; want no profiles and no error", f, err)
	}
	if _, err := Load(envOf(nil)); err != nil {
		t.Fatalf("Load(no HOME) = %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, dir, "bad", "[profile x]\n"+exampleSecret+"\n")
	_, err := Load(envOf(map[string]string{"AWS_CONFIG_FILE": bad}))
	if err == nil || !strings.Contains(err.Error(), bad+": line 2") || strings.Contains(err.Error(), exampleSecret) {
		t.Errorf("Load(bad config) = %v; want the file and line 2, not the text", err)
	}
	_, err = Load(envOf(map[string]string{"AWS_SHARED_CREDENTIALS_FILE": dir}))
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Load(a directory) = %v; want an error naming it", err)
	}
}

const sharedFile = `# written by aws configure
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

; a role session
[ci]
AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE
aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
aws_session_token = AQoDYXdzEPT//////////wEXAMPLE=

[broken]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
`

// TestSizeLimit: a file over MaxFileSize, or one without end (/dev/zero), is refused with a
// TooLargeError naming it instead of being read whole.
func TestSizeLimit(t *testing.T) {
	dir := t.TempDir()
	body := "[default]\naws_access_key_id = " + exampleKeyID + "\naws_secret_access_key = " + exampleSecret + "\n"
	pad := func(n int) string {
		return strings.Repeat(strings.Repeat("#", 99)+"\n", n/100) + strings.Repeat("#", n%100)
	}
	exact := write(t, dir, "exact", body+pad(MaxFileSize-len(body)))
	if f, err := Load(envOf(map[string]string{"AWS_SHARED_CREDENTIALS_FILE": exact})); err != nil || f.Profile("default").Get("aws_access_key_id") != exampleKeyID {
		t.Errorf("Load(a credentials file of exactly %d bytes) = %v; want its profile", MaxFileSize, err)
	}
	paths := []string{write(t, dir, "over", body+pad(MaxFileSize-len(body)+1))}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		_, err := Load(envOf(map[string]string{"AWS_SHARED_CREDENTIALS_FILE": p}))
		var tooLarge *bounded.TooLargeError
		if !errors.As(err, &tooLarge) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "1 MiB") {
			t.Errorf("Load(AWS_SHARED_CREDENTIALS_FILE=%s) = %v; want a TooLargeError naming the file and 1 MiB", p, err)
		}
		if _, err := Load(envOf(map[string]string{"AWS_CONFIG_FILE": p})); !errors.As(err, &tooLarge) {
			t.Errorf("Load(AWS_CONFIG_FILE=%s) = %v; want a TooLargeError", p, err)
		}
	}
}
