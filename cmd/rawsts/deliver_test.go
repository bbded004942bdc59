package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

// assumeArgsFor are the flags of an exchange with the emulator's DemoRole.
func assumeArgsFor(srv *ststest.Server, tokenFile string, extra ...string) []string {
	return append([]string{"assume", "--endpoint", srv.URL, "--role-arn", ststest.DemoRoleArn, "--role-session-name", "deliver",
		"--web-identity-token-file", tokenFile}, extra...)
}

// TestWriteProfile: --write-profile changes that profile of the credentials file and nothing
// else, and prints nothing on stdout unless --output is given.
func TestWriteProfile(t *testing.T) {
	srv, tokenFile := emulatorWithToken(t, func() time.Time { return fixedNow })
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	old := "# mine\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n; ci below\n[ci]\nregion=eu-west-1\naws_session_token = old\n\n[last]\nx = 1\n"
	writeFile(t, path, old)
	env := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": path}
	r := runCLI(t, env, "", nil, assumeArgsFor(srv, tokenFile, "--write-profile", "ci")...)
	if r.code != exitOK || r.stdout != "" || !strings.Contains(r.stderr, "wrote profile [ci] in "+path) {
		t.Fatalf("--write-profile ci: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	re := regexp.MustCompile(`(?s)^# mine\n\[default\]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n; ci below\n\[ci\]\nregion=eu-west-1\naws_session_token = \S+\naws_access_key_id = ASIA\S+\naws_secret_access_key = \S+\n\n\[last\]\nx = 1\n$`)
	if !re.MatchString(got) {
		t.Errorf("the credentials file after --write-profile ci:\n%s", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v; want 0600", fi.Mode().Perm())
	}
	r = runCLI(t, env, "", nil, assumeArgsFor(srv, tokenFile, "--write-profile", "other", "--output", "json")...)
	if r.code != exitOK || !strings.Contains(r.stdout, `"AccessKeyId"`) {
		t.Errorf("--write-profile with --output json: exit %d, stdout %q", r.code, r.stdout)
	}
	if r := runCLI(t, env, "", nil, assumeArgsFor(srv, tokenFile, "--write-profile", "a]b")...); r.code != exitUsage {
		t.Errorf("--write-profile a]b: exit %d; want 2", r.code)
	}
}

// TestGitHubOutputs: --github-env appends the variables in the heredoc syntax with a random
// delimiter, --github-output the three outputs; ::add-mask:: comes first on stdout, for the
// token, then the keys.
func TestGitHubOutputs(t *testing.T) {
	srv, tokenFile := emulatorWithToken(t, func() time.Time { return fixedNow })
	token, _ := os.ReadFile(tokenFile)
	dir := t.TempDir()
	envFile, outFile := filepath.Join(dir, "env"), filepath.Join(dir, "output")
	writeFile(t, envFile, "EARLIER=1\n")
	env := map[string]string{"GITHUB_ENV": envFile, "GITHUB_OUTPUT": outFile}
	r := runCLI(t, env, "", nil, assumeArgsFor(srv, tokenFile, "--github-env", "--github-output", "--region", "eu-west-1")...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	masks := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(masks) != 4 || masks[0] != "::add-mask::"+strings.TrimSpace(string(token)) || !strings.HasPrefix(masks[1], "::add-mask::ASIA") {
		t.Errorf("stdout = %q; want four ::add-mask:: lines, the token first", r.stdout)
	}
	b, _ := os.ReadFile(envFile)
	vars := parseGitHubFile(t, string(b))
	if vars["EARLIER"] != "1" || !strings.HasPrefix(vars["AWS_ACCESS_KEY_ID"], "ASIA") || vars["AWS_SECRET_ACCESS_KEY"] == "" ||
		vars["AWS_SESSION_TOKEN"] == "" || vars["AWS_REGION"] != "eu-west-1" || vars["AWS_DEFAULT_REGION"] != "eu-west-1" ||
		vars["AWS_CREDENTIAL_EXPIRATION"] != fixedNow.Add(time.Hour).Format(time.RFC3339) {
		t.Errorf("$GITHUB_ENV:\n%s", b)
	}
	for _, mask := range masks[1:] {
		if !strings.Contains(string(b), strings.TrimPrefix(mask, "::add-mask::")) {
			t.Errorf("a masked value is not among the variables: %q", mask)
		}
	}
	b, _ = os.ReadFile(outFile)
	outs := parseGitHubFile(t, string(b))
	if outs["aws-account-id"] != "123456789012" || outs["aws-access-key-id"] != vars["AWS_ACCESS_KEY_ID"] || outs["aws-expiration"] != vars["AWS_CREDENTIAL_EXPIRATION"] || len(outs) != 3 {
		t.Errorf("$GITHUB_OUTPUT:\n%s", b)
	}
	if r := runCLI(t, nil, "", nil, assumeArgsFor(srv, tokenFile, "--github-env")...); r.code != exitUsage || !strings.Contains(r.stderr, "$GITHUB_ENV is not set") {
		t.Errorf("--github-env without GITHUB_ENV: exit %d, stderr %q", r.code, r.stderr)
	}
}

// parseGitHubFile reads a $GITHUB_ENV file as the runner does (PROTOCOL.md §16.1).
func parseGitHubFile(t *testing.T, text string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "" {
			continue
		}
		eq, heredoc := strings.Index(line, "="), strings.Index(line, "<<")
		if heredoc >= 0 && (eq < 0 || heredoc < eq) {
			name, delim := line[:heredoc], line[heredoc+2:]
			if !strings.HasPrefix(delim, "ghadelimiter_") || len(delim) != len("ghadelimiter_")+32 {
				t.Errorf("delimiter %q is not random", delim)
			}
			var value []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				value = append(value, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("no closing delimiter for %s", name)
			}
			vars[name] = strings.Join(value, "\n")
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		vars[k] = v
	}
	return vars
}

// TestAddMaskEscapes: the runner unescapes %25, %0D and %0A in a command's data.
func TestAddMaskEscapes(t *testing.T) {
	if got, want := addMask("a%b\r\nc"), "::add-mask::a%25b%0D%0Ac\n"; got != want {
		t.Errorf("addMask = %q; want %q", got, want)
	}
}

// TestExpectAccount: credentials of another account are refused (exit 1, both accounts named,
// nothing written); the right account passes.
func TestExpectAccount(t *testing.T) {
	srv, tokenFile := emulatorWithToken(t, func() time.Time { return fixedNow })
	path := filepath.Join(t.TempDir(), "credentials")
	env := map[string]string{"AWS_SHARED_CREDENTIALS_FILE": path}
	r := runCLI(t, env, "", nil, assumeArgsFor(srv, tokenFile, "--expect-account", "210987654321", "--write-profile", "ci")...)
	if r.code != exitRefused || !strings.Contains(r.stderr, "--expect-account 210987654321: the credentials are for account 123456789012") || r.stdout != "" {
		t.Errorf("--expect-account (wrong): exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("the profile was written for the wrong account")
	}
	r = runCLI(t, env, "", nil, assumeArgsFor(srv, tokenFile, "--expect-account", "123456789012")...)
	if r.code != exitOK || !strings.Contains(r.stdout, "export AWS_ACCESS_KEY_ID=ASIA") {
		t.Errorf("--expect-account (right): exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if n := countActions(srv, "GetCallerIdentity"); n != 2 {
		t.Errorf("GetCallerIdentity calls = %d; want 2", n)
	}
	if r := runCLI(t, env, "", nil, assumeArgsFor(srv, tokenFile, "--expect-account", "12345")...); r.code != exitUsage {
		t.Errorf("--expect-account 12345: exit %d; want 2", r.code)
	}
}

// TestCredentialCache: the cache of --output credential-process is used until the window,
// ignores files that are corrupt, not private or for another key, never holds the token, and
// --no-cache skips it.
func TestCredentialCache(t *testing.T) {
	clock := &fakeClock{t: fixedNow}
	srv, tokenFile := emulatorWithToken(t, clock.Now)
	token, _ := os.ReadFile(tokenFile)
	cache := t.TempDir()
	env := map[string]string{"XDG_CACHE_HOME": cache}
	args := assumeArgsFor(srv, tokenFile, "--output", "credential-process")
	exchanges := func() int { return countActions(srv, "AssumeRoleWithWebIdentity") }
	run := func(extra ...string) cliRun {
		t.Helper()
		var stdout, stderr strings.Builder
		s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] },
			now: clock.Now, userCacheDir: func() (string, error) { return cache, nil }}
		code := runInProcess(s, append(append([]string{}, args...), extra...))
		return cliRun{stdout.String(), stderr.String(), code}
	}
	first := run()
	if first.code != exitOK || exchanges() != 1 {
		t.Fatalf("first: exit %d, stderr %q, exchanges %d", first.code, first.stderr, exchanges())
	}
	files, _ := filepath.Glob(filepath.Join(cache, "rawsts", "credentials", "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if strings.Contains(string(b), strings.TrimSpace(string(token))) {
		t.Errorf("the cache file holds the token")
	}
	clock.Set(fixedNow.Add(44 * time.Minute)) // 16 minutes left: still handed out
	if r := run(); r.stdout != first.stdout || exchanges() != 1 {
		t.Errorf("44 minutes in: exchanges %d, same output %v; want the cached credentials", exchanges(), r.stdout == first.stdout)
	}
	clock.Set(fixedNow.Add(46 * time.Minute)) // 14 minutes left: renewed
	if r := run(); r.stdout == first.stdout || exchanges() != 2 {
		t.Errorf("46 minutes in: exchanges %d; want a new session", exchanges())
	}
	if r := run("--no-cache"); r.code != exitOK || exchanges() != 3 {
		t.Errorf("--no-cache: exchanges %d; want 3", exchanges())
	}
	for _, bad := range []struct {
		name  string
		data  string
		perm  os.FileMode
		write bool
	}{
		{"corrupt", "{not json", 0o600, true},
		{"trailing data", "", 0o600, true},
		{"group-readable", "", 0o640, false},
		{"unknown field", "", 0o600, true},
		{"other key", "", 0o600, true},
	} {
		t.Run(bad.name, func(t *testing.T) {
			good, _ := os.ReadFile(files[0])
			data := bad.data
			switch bad.name {
			case "trailing data":
				data = strings.TrimSpace(string(good)) + " {}"
			case "group-readable":
				data = string(good)
			case "unknown field":
				data = strings.Replace(string(good), `"Version":1`, `"Version":1,"Extra":true`, 1)
			case "other key":
				data = regexp.MustCompile(`"Key":"[0-9a-f]+"`).ReplaceAllString(string(good), `"Key":"00"`)
			}
			os.WriteFile(files[0], []byte(data), bad.perm)
			os.Chmod(files[0], bad.perm)
			before := exchanges()
			if r := run(); r.code != exitOK || exchanges() != before+1 {
				t.Errorf("with a %s cache file: exit %d, exchanges %d; want a new exchange", bad.name, r.code, exchanges()-before)
			}
			if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
				t.Errorf("the cache file was not replaced by a private one")
			}
		})
	}
}

// runInProcess runs the program with s.
func runInProcess(s *streams, args []string) int { return run(context.Background(), args, s) }
