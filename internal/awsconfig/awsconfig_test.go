package awsconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/sigv4"
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

func TestLoadSharedCredentials(t *testing.T) {
	path := write(t, t.TempDir(), "credentials", sharedFile)
	for _, tt := range []struct {
		profile string
		want    sigv4.Credentials
		wantErr string
	}{
		{"default", sigv4.Credentials{AccessKeyID: exampleKeyID, SecretAccessKey: exampleSecret}, ""},
		{"ci", sigv4.Credentials{AccessKeyID: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: exampleSecret, SessionToken: "AQoDYXdzEPT//////////wEXAMPLE="}, ""},
		{"broken", sigv4.Credentials{}, "has no aws_secret_access_key"},
		{"absent", sigv4.Credentials{}, "has no [absent] profile"},
	} {
		t.Run(tt.profile, func(t *testing.T) {
			got, err := LoadSharedCredentials(path, tt.profile)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadSharedCredentials(%q) = %v; want error containing %q", tt.profile, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("LoadSharedCredentials(%q) = %+v, %v; want %+v", tt.profile, got, err, tt.want)
			}
		})
	}
	_, err := LoadSharedCredentials(filepath.Join(t.TempDir(), "none"), "default")
	if !errors.Is(err, sigv4.ErrNoCredentials) {
		t.Errorf("LoadSharedCredentials(missing file) = %v; want ErrNoCredentials", err)
	}
}

func TestLoadSharedCredentialsSyntaxError(t *testing.T) {
	path := write(t, t.TempDir(), "credentials", "[default]\nthis is not ini\n")
	_, err := LoadSharedCredentials(path, "default")
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("LoadSharedCredentials = %v; want an error naming line 2", err)
	}
}

func TestResolveCredentialsOrder(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "credentials", sharedFile)

	env := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "ci"}
	c, src, err := ResolveCredentials(envOf(env))
	if err != nil || c.AccessKeyID != "ASIAIOSFODNN7EXAMPLE" || !strings.Contains(src, "[ci]") {
		t.Fatalf("ResolveCredentials(profile ci) = %+v, %q, %v", c, src, err)
	}

	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKIAENVEXAMPLE", exampleSecret
	c, src, err = ResolveCredentials(envOf(env))
	if err != nil || c.AccessKeyID != "AKIAENVEXAMPLE" || src != "environment" {
		t.Fatalf("ResolveCredentials(env set) = %+v, %q, %v; want the environment first", c, src, err)
	}

	_, _, err = ResolveCredentials(envOf(map[string]string{"HOME": dir, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none")}))
	if !errors.Is(err, sigv4.ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Fatalf("ResolveCredentials(nothing) = %v; want ErrNoCredentials with advice", err)
	}
}

// TestResolveCredentialsNeverReadsTheProcessHome: with neither HOME nor
// AWS_SHARED_CREDENTIALS_FILE in the lookup, nothing is read from the machine's own home.
func TestResolveCredentialsNeverReadsTheProcessHome(t *testing.T) {
	_, _, err := ResolveCredentials(envOf(nil))
	if !errors.Is(err, sigv4.ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_SHARED_CREDENTIALS_FILE") {
		t.Fatalf("ResolveCredentials(empty environment) = %v; want ErrNoCredentials naming what to set", err)
	}
}

// TestSizeLimit: a file over MaxFileSize, or one without end (/dev/zero), is refused with a
// TooLargeError naming it instead of being read whole.
func TestSizeLimit(t *testing.T) {
	dir := t.TempDir()
	body := "[default]\naws_access_key_id = " + exampleKeyID + "\naws_secret_access_key = " + exampleSecret + "\n"
	pad := func(n int) string {
		return strings.Repeat(strings.Repeat("#", 99)+"\n", n/100) + strings.Repeat("#", n%100)
	}
	exact := write(t, dir, "exact", body+pad(MaxFileSize-len(body)))
	if _, err := LoadSharedCredentials(exact, "default"); err != nil {
		t.Errorf("LoadSharedCredentials(exactly %d bytes) = %v; want success", MaxFileSize, err)
	}
	paths := []string{write(t, dir, "over", body+pad(MaxFileSize-len(body)+1))}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		_, err := LoadSharedCredentials(p, "default")
		var tooLarge *bounded.TooLargeError
		if !errors.As(err, &tooLarge) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "1 MiB") {
			t.Errorf("LoadSharedCredentials(%s) = %v; want a TooLargeError naming the file and 1 MiB", p, err)
		}
		if _, err := Load(envOf(map[string]string{"AWS_CONFIG_FILE": p})); !errors.As(err, &tooLarge) {
			t.Errorf("Load(AWS_CONFIG_FILE=%s) = %v; want a TooLargeError", p, err)
		}
	}
}
