package sigv4

import (
	"errors"
	"os"
	"path/filepath"
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
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte(sharedFile), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		profile string
		want    Credentials
		wantErr string
	}{
		{"default", Credentials{exampleKeyID, exampleSecret, ""}, ""},
		{"ci", Credentials{"ASIAIOSFODNN7EXAMPLE", exampleSecret, "AQoDYXdzEPT//////////wEXAMPLE="}, ""},
		{"broken", Credentials{}, "has no aws_secret_access_key"},
		{"absent", Credentials{}, "has no [absent] profile"},
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
}

func TestLoadSharedCredentialsSyntaxError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(path, []byte("[default]\nthis is not ini\n"), 0o600)
	_, err := LoadSharedCredentials(path, "default")
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("LoadSharedCredentials = %v; want an error naming line 2", err)
	}
}

func TestResolveCredentialsOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	os.WriteFile(path, []byte(sharedFile), 0o600)

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
	if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Fatalf("ResolveCredentials(nothing) = %v; want ErrNoCredentials with advice", err)
	}
}

// TestResolveCredentialsNeverReadsTheProcessHome: with neither HOME nor
// AWS_SHARED_CREDENTIALS_FILE in the lookup, nothing is read from the machine's own home.
func TestResolveCredentialsNeverReadsTheProcessHome(t *testing.T) {
	if got := SharedCredentialsFile(envOf(nil)); got != "" {
		t.Errorf("SharedCredentialsFile(empty environment) = %q; want \"\"", got)
	}
	_, _, err := ResolveCredentials(envOf(nil))
	if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_SHARED_CREDENTIALS_FILE") {
		t.Fatalf("ResolveCredentials(empty environment) = %v; want ErrNoCredentials naming what to set", err)
	}
}

// TestLoadSharedCredentialsSizeLimit: a file over MaxSharedCredentialsFileSize, or one without
// end (/dev/zero), is refused with ErrFileTooLarge instead of being read whole.
func TestLoadSharedCredentialsSizeLimit(t *testing.T) {
	dir := t.TempDir()
	exact := filepath.Join(dir, "exact")
	body := "[default]\naws_access_key_id = " + exampleKeyID + "\naws_secret_access_key = " + exampleSecret + "\n"
	pad := func(n int) string {
		return strings.Repeat(strings.Repeat("#", 99)+"\n", n/100) + strings.Repeat("#", n%100)
	}
	if err := os.WriteFile(exact, []byte(body+pad(MaxSharedCredentialsFileSize-len(body))), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSharedCredentials(exact, "default"); err != nil {
		t.Errorf("LoadSharedCredentials(exactly %d bytes) = %v; want success", MaxSharedCredentialsFileSize, err)
	}
	over := filepath.Join(dir, "over")
	if err := os.WriteFile(over, []byte(body+pad(MaxSharedCredentialsFileSize-len(body)+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	paths := []string{over}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		_, err := LoadSharedCredentials(p, "default")
		if !errors.Is(err, ErrFileTooLarge) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "1 MiB") {
			t.Errorf("LoadSharedCredentials(%s) = %v; want ErrFileTooLarge naming the file and 1 MiB", p, err)
		}
	}
}
