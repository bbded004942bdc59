package sigv4

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoCredentials is returned when a source holds no AWS credentials at all.
var ErrNoCredentials = errors.New("sigv4: no AWS credentials found")

// MaxSharedCredentialsFileSize is the largest shared credentials file [LoadSharedCredentials]
// reads: 1 MiB, thousands of profiles. A larger file — or /dev/zero, or a FIFO that never
// ends — is an error wrapping [ErrFileTooLarge], not all the memory.
const MaxSharedCredentialsFileSize = 1 << 20

// ErrFileTooLarge is wrapped by the error for a shared credentials file over
// [MaxSharedCredentialsFileSize].
var ErrFileTooLarge = errors.New("larger than 1 MiB, the most sigv4 reads of a shared credentials file")

// CredentialsFromEnv returns the credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN (optional), as the AWS CLI and SDKs read them. With neither key set it
// returns ErrNoCredentials; with only one of the two it returns an error naming the other.
func CredentialsFromEnv(getenv func(string) string) (Credentials, error) {
	c := Credentials{
		AccessKeyID:     strings.TrimSpace(getenv("AWS_ACCESS_KEY_ID")),
		SecretAccessKey: strings.TrimSpace(getenv("AWS_SECRET_ACCESS_KEY")),
		SessionToken:    strings.TrimSpace(getenv("AWS_SESSION_TOKEN")),
	}
	switch {
	case c.AccessKeyID == "" && c.SecretAccessKey == "":
		return Credentials{}, ErrNoCredentials
	case c.AccessKeyID == "":
		return Credentials{}, errors.New("sigv4: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
	case c.SecretAccessKey == "":
		return Credentials{}, errors.New("sigv4: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
	}
	return c, nil
}

// SharedCredentialsFile returns the path of the shared credentials file:
// AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials, else "" when getenv knows neither.
// Only getenv is consulted, never the process's own environment, so that a caller (or a test)
// that passes its own lookup is not surprised by a real ~/.aws/credentials.
func SharedCredentialsFile(getenv func(string) string) string {
	if p := getenv("AWS_SHARED_CREDENTIALS_FILE"); p != "" {
		return p
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".aws", "credentials")
	}
	return ""
}

// LoadSharedCredentials reads one profile of a shared credentials file (the INI file the AWS CLI
// writes: "[name]" sections of "key = value" lines, "#" and ";" comments). It reads
// aws_access_key_id, aws_secret_access_key and aws_session_token, from at most
// [MaxSharedCredentialsFileSize] bytes. Errors name the file, the profile and the missing key,
// never a value.
func LoadSharedCredentials(path, profile string) (Credentials, error) {
	data, err := readFile(path, MaxSharedCredentialsFileSize)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Credentials{}, fmt.Errorf("sigv4: shared credentials file %s: %w", path, ErrNoCredentials)
		}
		return Credentials{}, fmt.Errorf("sigv4: %w", err)
	}
	sections, err := parseINI(data)
	if err != nil {
		return Credentials{}, fmt.Errorf("sigv4: %s: %w", path, err)
	}
	values, ok := sections[profile]
	if !ok {
		return Credentials{}, fmt.Errorf("sigv4: %s has no [%s] profile: %w", path, profile, ErrNoCredentials)
	}
	c := Credentials{
		AccessKeyID:     values["aws_access_key_id"],
		SecretAccessKey: values["aws_secret_access_key"],
		SessionToken:    values["aws_session_token"],
	}
	switch {
	case c.AccessKeyID == "" && c.SecretAccessKey == "":
		return Credentials{}, fmt.Errorf("sigv4: profile [%s] in %s has no aws_access_key_id or aws_secret_access_key: %w", profile, path, ErrNoCredentials)
	case c.AccessKeyID == "":
		return Credentials{}, fmt.Errorf("sigv4: profile [%s] in %s has no aws_access_key_id", profile, path)
	case c.SecretAccessKey == "":
		return Credentials{}, fmt.Errorf("sigv4: profile [%s] in %s has no aws_secret_access_key", profile, path)
	}
	return c, nil
}

// ResolveCredentials finds credentials the way the AWS CLI does for these two sources: the
// environment first, then the profile named by AWS_PROFILE (else "default") in the shared
// credentials file. It returns where they came from, for messages such as "signed with the
// credentials of profile [ci]".
func ResolveCredentials(getenv func(string) string) (Credentials, string, error) {
	c, err := CredentialsFromEnv(getenv)
	if err == nil {
		return c, "environment", nil
	}
	if !errors.Is(err, ErrNoCredentials) {
		return Credentials{}, "", err
	}
	profile := getenv("AWS_PROFILE")
	if profile == "" {
		profile = "default"
	}
	path := SharedCredentialsFile(getenv)
	if path == "" {
		return Credentials{}, "", fmt.Errorf("sigv4: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_SHARED_CREDENTIALS_FILE (or HOME, for ~/.aws/credentials): %w", ErrNoCredentials)
	}
	c, err = LoadSharedCredentials(path, profile)
	if err != nil {
		if errors.Is(err, ErrNoCredentials) {
			return Credentials{}, "", fmt.Errorf("sigv4: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put a [%s] profile in %s (AWS_PROFILE and AWS_SHARED_CREDENTIALS_FILE choose others): %w", profile, path, ErrNoCredentials)
		}
		return Credentials{}, "", err
	}
	return c, "profile [" + profile + "] of " + path, nil
}

// readFile reads the file at path, refusing more than max bytes with ErrFileTooLarge. Unlike
// os.ReadFile it ends on a file without end.
func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("shared credentials file %s is %w", path, ErrFileTooLarge)
	}
	return data, nil
}

// parseINI reads "[section]" headers and "key = value" lines. Keys are lower-cased and
// values trimmed; a line that is neither is an error naming its number.
func parseINI(data []byte) (map[string]map[string]string, error) {
	sections := map[string]map[string]string{}
	var current map[string]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			end := strings.IndexByte(line, ']')
			if end < 0 {
				return nil, fmt.Errorf("line %d: section header without ']'", n)
			}
			name := strings.TrimSpace(line[1:end])
			if sections[name] == nil {
				sections[name] = map[string]string{}
			}
			current = sections[name]
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				return nil, fmt.Errorf("line %d: want key = value", n)
			}
			if current == nil {
				return nil, fmt.Errorf("line %d: key outside any [profile] section", n)
			}
			current[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return sections, sc.Err()
}
