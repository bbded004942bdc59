package creds

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// describe renders a provider tree as text, for comparing what FromProfile built.
func describe(p Provider) string {
	switch p := p.(type) {
	case Static:
		return fmt.Sprintf("static %s account=%s (%s)", p.AccessKeyID, p.AccountID, p.Source)
	case *WebIdentity:
		file, _ := p.Token.(idtoken.File)
		return fmt.Sprintf("web identity %s file=%s session=%s duration=%s region=%s", p.RoleARN, string(file), p.RoleSessionName, p.Duration, p.Client.Region)
	case *AssumeRole:
		mfa := ""
		if p.SerialNumber != "" {
			mfa = fmt.Sprintf(" mfa=%s asks=%v", p.SerialNumber, p.TokenCode != nil)
		}
		return fmt.Sprintf("assume %s session=%s external=%s duration=%s%s region=%s <- %s", p.RoleARN, p.RoleSessionName, p.ExternalID, p.Duration, mfa, p.Client.Region, describe(p.Source))
	case *Process:
		return fmt.Sprintf("process %q account=%s (%s)", p.Args, p.AccountID, p.Name)
	}
	return fmt.Sprintf("%T", p)
}

// files writes a config and a credentials file (either may be "") and returns the
// environment naming them, with HOME pointing elsewhere.
func files(t *testing.T, config, credentials string) map[string]string {
	dir := t.TempDir()
	env := map[string]string{"HOME": filepath.Join(dir, "home"),
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials")}
	for path, text := range map[string]string{env["AWS_CONFIG_FILE"]: config, env["AWS_SHARED_CREDENTIALS_FILE"]: credentials} {
		if text != "" {
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	return env
}

func TestFromProfile(t *testing.T) {
	const keys = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + exampleSecret + "\n"
	for _, tt := range []struct {
		name        string
		config      string
		credentials string
		env         map[string]string
		profile     string
		want        string // describe(provider), with CONFIG and CREDS for the paths
		wantErr     string
	}{
		{name: "static keys in the credentials file", credentials: "[ci]\n" + keys + "aws_account_id = 123456789012\n", profile: "ci",
			want: "static AKIAIOSFODNN7EXAMPLE account=123456789012 (profile [ci] of CREDS)"},
		{name: "static keys in the config file", config: "[profile ci]\n" + keys, profile: "ci",
			want: "static AKIAIOSFODNN7EXAMPLE account= (profile [ci] of CONFIG)"},
		{name: "AWS_PROFILE selects", credentials: "[ci]\n" + keys, env: map[string]string{"AWS_PROFILE": "ci"},
			want: "static AKIAIOSFODNN7EXAMPLE account= (profile [ci] of CREDS)"},
		{name: "AWS_DEFAULT_PROFILE selects", credentials: "[ci]\n" + keys, env: map[string]string{"AWS_DEFAULT_PROFILE": "ci"},
			want: "static AKIAIOSFODNN7EXAMPLE account= (profile [ci] of CREDS)"},
		{name: "credentials-file keys beat credential_process", config: "[profile ci]\ncredential_process = /bin/tool\n", credentials: "[ci]\n" + keys, profile: "ci",
			want: "static AKIAIOSFODNN7EXAMPLE account= (profile [ci] of CREDS)"},
		{name: "credential_process beats config-file keys, split without a shell", config: "[profile ci]\n" + keys + "aws_account_id = 123456789012\ncredential_process = \"/opt/my tool\" export --profile 'a b' $HOME\n", profile: "ci",
			want: `process ["/opt/my tool" "export" "--profile" "a b" "$HOME"] account=123456789012 (credential_process of profile [ci])`},
		{name: "role_arn with source_profile", profile: "deploy",
			config:      "[profile deploy]\nrole_arn = " + deployRole + "\nsource_profile = base\nrole_session_name = me\nexternal_id = ext\nduration_seconds = 1800\nregion = eu-west-1\n",
			credentials: "[base]\n" + keys,
			want:        "assume " + deployRole + " session=me external=ext duration=30m0s region=eu-west-1 <- static AKIAIOSFODNN7EXAMPLE account= (profile [base] of CREDS)"},
		{name: "a chain of roles", profile: "a",
			config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = c\n[profile c]\n" + keys,
			want:   "assume arn:aws:iam::111111111111:role/a session= external= duration=0s region= <- assume arn:aws:iam::222222222222:role/b session= external= duration=0s region= <- static AKIAIOSFODNN7EXAMPLE account= (profile [c] of CONFIG)"},
		{name: "a source profile with keys uses them, not its own role", profile: "a",
			config: "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = x\n" + keys,
			want:   "assume arn:aws:iam::111111111111:role/a session= external= duration=0s region= <- static AKIAIOSFODNN7EXAMPLE account= (profile [b] of CONFIG)"},
		{name: "a profile may name itself when it holds keys", profile: "self",
			config: "[profile self]\nrole_arn = " + deployRole + "\nsource_profile = self\n" + keys,
			want:   "assume " + deployRole + " session= external= duration=0s region= <- static AKIAIOSFODNN7EXAMPLE account= (profile [self] of CONFIG)"},
		{name: "a cycle is named", profile: "a",
			config:  "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = a\n",
			wantErr: "creds: profile [b]: source_profile (CONFIG line 6): makes a cycle: a -> b -> a"},
		{name: "naming itself without keys is a cycle", profile: "self",
			config:  "[profile self]\nrole_arn = " + deployRole + "\nsource_profile = self\n",
			wantErr: "makes a cycle: self -> self"},
		{name: "unknown source profile", profile: "a",
			config:  "[profile a]\nrole_arn = " + deployRole + "\nsource_profile = nope\n",
			wantErr: "creds: profile [a]: source_profile (CONFIG line 3): names the profile [nope], which does not exist"},
		{name: "source_profile and credential_source", profile: "a",
			config:  "[profile a]\nrole_arn = " + deployRole + "\nsource_profile = b\ncredential_source = Environment\n[profile b]\n" + keys,
			wantErr: "source_profile (CONFIG line 3): and credential_source (CONFIG line 4) are both set"},
		{name: "credential_source Environment", profile: "a", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": exampleSecret},
			config: "[profile a]\nrole_arn = " + deployRole + "\ncredential_source = environment\n",
			want:   "assume " + deployRole + " session= external= duration=0s region= <- static AKIAENVEXAMPLE account= (environment)"},
		{name: "credential_source EcsContainer", profile: "a",
			config:  "[profile a]\nrole_arn = " + deployRole + "\ncredential_source = EcsContainer\n",
			wantErr: "EcsContainer is not supported by rawsts"},
		{name: "role_arn alone", profile: "a", config: "[profile a]\nrole_arn = " + deployRole + "\n",
			wantErr: "role_arn (CONFIG line 2): has no credentials to assume it with"},
		{name: "web identity in the profile", profile: "eks",
			config: "[profile eks]\nrole_arn = " + ciRole + "\nweb_identity_token_file = /var/run/token\nrole_session_name = pod\nduration_seconds = 900\nregion = us-west-2\n",
			want:   "web identity " + ciRole + " file=/var/run/token session=pod duration=15m0s region=us-west-2"},
		{name: "the environment's web identity variables override the profile's", profile: "eks",
			env:    map[string]string{"AWS_ROLE_ARN": deployRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token", "AWS_ROLE_SESSION_NAME": "envsession", "AWS_REGION": "ap-south-1"},
			config: "[profile eks]\nrole_arn = " + ciRole + "\nweb_identity_token_file = /var/run/token\nrole_session_name = pod\nregion = us-west-2\n",
			want:   "web identity " + deployRole + " file=/env/token session=envsession duration=0s region=ap-south-1"},
		{name: "the environment's web identity comes before profile keys", profile: "ci",
			env:    map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token"},
			config: "[profile ci]\n" + keys,
			want:   "web identity " + ciRole + " file=/env/token session= duration=0s region="},
		{name: "a source profile ignores the environment's web identity", profile: "a",
			env:    map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token"},
			config: "[profile a]\nrole_arn = " + deployRole + "\nsource_profile = b\n[profile b]\nrole_arn = " + ciRole + "\nweb_identity_token_file = /b/token\n",
			want:   "assume " + deployRole + " session= external= duration=0s region= <- web identity " + ciRole + " file=/b/token session= duration=0s region="},
		{name: "no [default] anywhere, the environment's web identity", env: map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/env/token"},
			want: "web identity " + ciRole + " file=/env/token session= duration=0s region="},
		{name: "a token file without a role", profile: "x", config: "[profile x]\nweb_identity_token_file = /t\n",
			wantErr: "web_identity_token_file (CONFIG line 2): is set but there is no role to assume with it"},
		{name: "mfa_serial", profile: "a",
			config: "[profile a]\nrole_arn = " + deployRole + "\nsource_profile = b\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n[profile b]\n" + keys,
			want:   "assume " + deployRole + " session= external= duration=0s mfa=arn:aws:iam::123456789012:mfa/me asks=false region= <- static AKIAIOSFODNN7EXAMPLE account= (profile [b] of CONFIG)"},
		{name: "SSO", profile: "sso", config: "[profile sso]\nsso_session = corp\n",
			wantErr: "sso_session (CONFIG line 2): IAM Identity Center (SSO) profiles are not supported"},
		{name: "half the keys", profile: "ci", credentials: "[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
			wantErr: "creds: profile [ci]: aws_access_key_id (CREDS line 2): is set but aws_secret_access_key is not"},
		{name: "bad duration", profile: "a", config: "[profile a]\nrole_arn = " + deployRole + "\nsource_profile = a\nduration_seconds = 1h\n" + keys,
			wantErr: `duration_seconds (CONFIG line 4): "1h" is not a number of seconds`},
		{name: "bad region", profile: "a", config: "[profile a]\nregion = not a region\n" + keys,
			wantErr: `region (CONFIG line 2): "not a region" is not a region name`},
		{name: "an empty credential_process", profile: "a", config: "[profile a]\ncredential_process = ''\n",
			wantErr: "credential_process (CONFIG line 2): is empty"},
		{name: "an unsplittable credential_process", profile: "a", config: "[profile a]\ncredential_process = tool 'open\n",
			wantErr: "credential_process (CONFIG line 2): cannot be split into words"},
		{name: "a named profile that does not exist", profile: "nope", config: "[profile a]\n" + keys,
			wantErr: "creds: profile [nope] is in neither CONFIG nor CREDS"},
		{name: "a profile without credentials", profile: "a", config: "[profile a]\nregion = us-east-1\n",
			wantErr: "creds: profile [a] has no credentials (none of aws_access_key_id, role_arn, web_identity_token_file, credential_process in CONFIG or CREDS)"},
		{name: "a syntax error", profile: "a", config: "[profile a]\n" + exampleSecret + "\n",
			wantErr: "CONFIG: line 2: want key = value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := files(t, tt.config, tt.credentials)
			for k, v := range tt.env {
				env[k] = v
			}
			paths := strings.NewReplacer(env["AWS_CONFIG_FILE"], "CONFIG", env["AWS_SHARED_CREDENTIALS_FILE"], "CREDS")
			p, err := FromProfile(envOf(env), &Options{Profile: tt.profile})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(paths.Replace(err.Error()), tt.wantErr) {
					t.Fatalf("FromProfile(%q) = %v; want an error containing %q", tt.profile, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), exampleSecret) {
					t.Errorf("FromProfile error %q quotes the secret key", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromProfile(%q) = %v", tt.profile, err)
			}
			if got := paths.Replace(describe(p)); got != tt.want {
				t.Errorf("FromProfile(%q) =\n  %s\nwant\n  %s", tt.profile, got, tt.want)
			}
		})
	}
}

func TestFromProfileErrorsAreTyped(t *testing.T) {
	env := files(t, "[profile a]\nrole_arn = "+deployRole+"\n", "")
	_, err := FromProfile(envOf(env), &Options{Profile: "a"})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Profile != "a" || ce.Key != "role_arn" || !strings.HasSuffix(ce.Where, "config line 2") {
		t.Errorf("FromProfile = %#v; want a ConfigError for role_arn", err)
	}
	_, err = FromProfile(envOf(env), &Options{Profile: "missing"})
	if !errors.Is(err, ErrNoCredentials) {
		t.Errorf("FromProfile(missing) = %v; want ErrNoCredentials", err)
	}
}

func TestFromProfileSTSClient(t *testing.T) {
	config := "[profile eks]\nrole_arn = " + ciRole + "\nweb_identity_token_file = /t\nregion = eu-west-1\nsts_regional_endpoints = legacy\n"
	env := files(t, config, "")
	p, err := FromProfile(envOf(env), &Options{Profile: "eks"})
	if err != nil {
		t.Fatal(err)
	}
	if c := p.(*WebIdentity).Client; c.Region != "eu-west-1" || !c.UseGlobalEndpoint {
		t.Errorf("client = region %q, global %v; want the profile's eu-west-1, legacy", c.Region, c.UseGlobalEndpoint)
	}
	env["AWS_STS_REGIONAL_ENDPOINTS"] = "regional"
	p, _ = FromProfile(envOf(env), &Options{Profile: "eks"})
	if c := p.(*WebIdentity).Client; c.UseGlobalEndpoint {
		t.Errorf("AWS_STS_REGIONAL_ENDPOINTS=regional did not win over the profile")
	}
	template := &sts.Client{Endpoint: "http://127.0.0.1:1", MaxAttempts: 1, UserAgent: "rawsts/test"}
	p, _ = FromProfile(envOf(env), &Options{Profile: "eks", STS: template})
	if c := p.(*WebIdentity).Client; c == template || c.Endpoint != template.Endpoint || c.UserAgent != "rawsts/test" || c.Region != "eu-west-1" || c.UseGlobalEndpoint {
		t.Errorf("client from a template = %+v; want a copy with the profile's region only", c)
	}
	env = files(t, "[profile eks]\nrole_arn = "+ciRole+"\nweb_identity_token_file = /t\nsts_regional_endpoints = sometimes\n", "")
	if _, err := FromProfile(envOf(env), &Options{Profile: "eks"}); err == nil || !strings.Contains(err.Error(), `"sometimes" is neither regional nor legacy`) {
		t.Errorf("FromProfile(bad sts_regional_endpoints) = %v", err)
	}
}

func TestFromProfileMFA(t *testing.T) {
	env := files(t, "[profile a]\nrole_arn = "+deployRole+"\nsource_profile = a\nmfa_serial = arn:aws:iam::123456789012:mfa/me\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = "+exampleSecret+"\n", "")
	asked := ""
	p, err := FromProfile(envOf(env), &Options{Profile: "a", MFA: func(_ context.Context, serial string) (string, error) { asked = serial; return "123456", nil }})
	if err != nil {
		t.Fatal(err)
	}
	a := p.(*AssumeRole)
	if code, _ := a.TokenCode(context.Background(), a.SerialNumber); code != "123456" || asked != "arn:aws:iam::123456789012:mfa/me" {
		t.Errorf("TokenCode = %q, asked %q", code, asked)
	}
}

func TestResolve(t *testing.T) {
	envKeys := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": exampleSecret, "AWS_ACCOUNT_ID": "111122223333"}
	for _, tt := range []struct {
		name    string
		profile string
		env     map[string]string
		want    string
		wantErr string
	}{
		{"the environment's keys first", "", envKeys, "static AKIAENVEXAMPLE account=111122223333 (environment)", ""},
		{"even with AWS_PROFILE", "", merge(envKeys, map[string]string{"AWS_PROFILE": "ci"}), "static AKIAENVEXAMPLE account=111122223333 (environment)", ""},
		{"but not with an explicit profile", "ci", envKeys, "static AKIAIOSFODNN7EXAMPLE account= (profile [ci] of CREDS)", ""},
		{"then the profile", "", map[string]string{"AWS_PROFILE": "ci"}, "static AKIAIOSFODNN7EXAMPLE account= (profile [ci] of CREDS)", ""},
		{"half the environment's keys", "", map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE"}, "", "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"},
		{"nothing at all", "", nil, "", "creds: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or choose a profile with AWS_PROFILE (profile [default] has no credentials"},
		{"AWS_PROFILE names a missing profile", "", map[string]string{"AWS_PROFILE": "nope"}, "", "creds: profile [nope] is in neither"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := files(t, "", "[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = "+exampleSecret+"\n")
			for k, v := range tt.env {
				env[k] = v
			}
			paths := strings.NewReplacer(env["AWS_CONFIG_FILE"], "CONFIG", env["AWS_SHARED_CREDENTIALS_FILE"], "CREDS")
			p, err := Resolve(envOf(env), &Options{Profile: tt.profile})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Resolve = %v; want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || paths.Replace(describe(p)) != tt.want {
				t.Fatalf("Resolve = %v, %v; want %s", p, err, tt.want)
			}
		})
	}
	if _, err := Resolve(envOf(nil), nil); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("Resolve(empty environment, nil) = %v; want ErrNoCredentials", err)
	}
}

func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// TestFromProfileEndToEnd: a profile that assumes a role with the credentials of a web
// identity profile, against the emulator: two calls, the second signed with the first's
// session.
func TestFromProfileEndToEnd(t *testing.T) {
	srv := ststest.NewServer() // the wall clock: the client signs with it
	defer srv.Close()
	token, err := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)
	env := files(t, "[profile deploy]\nrole_arn = "+deployRole+"\nsource_profile = ci\nrole_session_name = deploy\n\n[profile ci]\nrole_arn = "+ciRole+"\nweb_identity_token_file = "+tokenFile+"\n", "")
	env["AWS_ENDPOINT_URL_STS"] = srv.URL
	env["AWS_PROFILE"] = "deploy"
	p, err := Resolve(envOf(env), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccountID != "123456789012" || c.Source != "AssumeRole "+deployRole {
		t.Errorf("Retrieve = %v", c)
	}
	var actions []string
	for _, r := range srv.Requests() {
		actions = append(actions, r.Form.Get("Action"))
	}
	if got := strings.Join(actions, " "); got != "AssumeRoleWithWebIdentity AssumeRole" {
		t.Errorf("calls = %s", got)
	}
	if !c.Expiration.After(time.Now()) {
		t.Errorf("Expiration = %s; want the future", c.Expiration)
	}
}
