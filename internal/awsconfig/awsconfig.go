package awsconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/internal/ini"
	"github.com/rawsts/rawsts/internal/process"
)

// MaxFileSize is the largest config or credentials file read: 1 MiB, thousands of profiles.
// A larger file — or /dev/zero, or a FIFO that never ends — is a *bounded.TooLargeError.
const MaxFileSize = 1 << 20

// ConfigFile returns the path of the shared config file: AWS_CONFIG_FILE, else
// $HOME/.aws/config, else "" when getenv knows neither.
func ConfigFile(getenv func(string) string) string {
	return path(getenv, "AWS_CONFIG_FILE", "config")
}

// CredentialsFile returns the path of the shared credentials file: AWS_SHARED_CREDENTIALS_FILE,
// else $HOME/.aws/credentials, else "" when getenv knows neither.
func CredentialsFile(getenv func(string) string) string {
	return path(getenv, "AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

func path(getenv func(string) string, variable, name string) string {
	home := getenv("HOME")
	if p := getenv(variable); p != "" {
		if strings.HasPrefix(p, "~/") && home != "" {
			return filepath.Join(home, p[2:])
		}
		return p
	}
	if home != "" {
		return filepath.Join(home, ".aws", name)
	}
	return ""
}

// ProfileName returns the profile the environment selects: AWS_PROFILE, else
// AWS_DEFAULT_PROFILE, else "default".
func ProfileName(getenv func(string) string) string {
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := strings.TrimSpace(getenv(v)); p != "" {
			return p
		}
	}
	return "default"
}

// Value is one setting of a profile and where it was written.
type Value struct {
	// Value is the setting, trimmed.
	Value string
	// File is the path of the file it came from.
	File string
	// Line is its line number there.
	Line int
	// Credentials is true when it came from the credentials file.
	Credentials bool
}

// Profile is one profile, the two files merged.
type Profile struct {
	// Name is the profile's name, e.g. "default" or "ci".
	Name string
	// Values are its settings by key (lower-case).
	Values map[string]Value
}

// Get returns the value of key (lower-case), "" when the profile does not set it.
func (p *Profile) Get(key string) string { return p.Values[key].Value }

// Has reports whether the profile sets key, even to "".
func (p *Profile) Has(key string) bool {
	_, ok := p.Values[key]
	return ok
}

// Where says where key is set, e.g. "/home/me/.aws/config line 12"; "" when it is not.
func (p *Profile) Where(key string) string {
	v, ok := p.Values[key]
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s line %d", v.File, v.Line)
}

// Files are the two files as read, their profiles merged.
type Files struct {
	// ConfigPath and CredentialsPath are the paths read ("" when getenv gave no way to find
	// them). A file that does not exist counts as empty.
	ConfigPath, CredentialsPath string
	profiles                    map[string]*Profile
}

// Profile returns the profile named name, or nil when neither file has it.
func (f *Files) Profile(name string) *Profile { return f.profiles[name] }

// Load reads both files. A file that does not exist is empty; one that cannot be read, is
// over [MaxFileSize] or has a syntax error is an error naming it.
func Load(getenv func(string) string) (*Files, error) {
	f := &Files{ConfigPath: ConfigFile(getenv), CredentialsPath: CredentialsFile(getenv), profiles: map[string]*Profile{}}
	cfg, err := parseFile(f.ConfigPath)
	if err != nil {
		return nil, err
	}
	for _, s := range cfg.Sections {
		if name, ok := configProfile(s.Name); ok {
			f.set(name, s, f.ConfigPath, false)
		}
	}
	cred, err := parseFile(f.CredentialsPath)
	if err != nil {
		return nil, err
	}
	for _, s := range cred.Sections {
		f.set(s.Name, s, f.CredentialsPath, true)
	}
	return f, nil
}

// set records the keys of section s as the profile name: a config-file section replaces the
// profile (of "[default]" and "[profile default]" the later wins, as in botocore), a
// credentials-file section is laid key by key over it.
func (f *Files) set(name string, s ini.SectionData, file string, creds bool) {
	p := f.profiles[name]
	if p == nil || !creds {
		p = &Profile{Name: name, Values: map[string]Value{}}
		f.profiles[name] = p
	}
	for _, kv := range s.Keys {
		p.Values[kv.Name] = Value{Value: kv.Value, File: file, Line: kv.Line, Credentials: creds}
	}
}

// configProfile says whether a config-file section is a profile and which: "default", or
// "profile NAME" split as botocore splits it (shlex: quotes allowed, exactly two words).
func configProfile(section string) (string, bool) {
	if section == "default" {
		return "default", true
	}
	if !strings.HasPrefix(section, "profile") {
		return "", false
	}
	words, err := process.Split(section)
	if err != nil || len(words) != 2 || words[0] != "profile" {
		return "", false
	}
	return words[1], true
}

// parseFile reads and parses one file; "" or a file that does not exist is empty.
func parseFile(path string) (*ini.File, error) {
	if path == "" {
		return &ini.File{}, nil
	}
	data, err := bounded.ReadFile(path, MaxFileSize)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &ini.File{}, nil
	case err != nil:
		var tooLarge *bounded.TooLargeError
		if errors.As(err, &tooLarge) {
			return nil, fmt.Errorf("awsconfig: %w", err)
		}
		return nil, fmt.Errorf("awsconfig: reading %s: %w", path, err)
	}
	f, err := ini.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("awsconfig: %s: %w", path, err)
	}
	return f, nil
}
