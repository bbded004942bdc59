package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/ststest"
)

// aliceEnv signs with the emulator's IAM user Alice (AWS's documented EXAMPLE key) and keeps
// the shared files out.
func aliceEnv(extra map[string]string) map[string]string {
	return merge(map[string]string{
		"AWS_ACCESS_KEY_ID": ststest.UserAccessKeyID, "AWS_SECRET_ACCESS_KEY": ststest.UserSecretAccessKey,
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
	}, extra)
}

// eksRole is a role every principal of the emulator's account may assume: --role-arn's target.
const eksRole = "arn:aws:iam::123456789012:role/eks-admin"

// eksEmulator starts an emulator on clock with the eks-admin role.
func eksEmulator(t *testing.T, clock func() time.Time) *ststest.Server {
	t.Helper()
	cfg := ststest.DefaultConfig()
	cfg.Roles = append(cfg.Roles, ststest.Role{RoleName: "eks-admin", AssumeRolePolicyDocument: ststest.PolicyDocument(
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}`)})
	srv := ststest.NewServer(ststest.WithConfig(cfg), ststest.WithNow(clock))
	t.Cleanup(srv.Close)
	return srv
}

// execCredential decodes what eks token printed and returns the token and the URL it holds.
func execCredential(t *testing.T, out string) (ec struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Status     struct {
		ExpirationTimestamp string `json:"expirationTimestamp"`
		Token               string `json:"token"`
	} `json:"status"`
}, presigned string) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), &ec); err != nil || ec.Kind != "ExecCredential" {
		t.Fatalf("eks token printed %q; want an ExecCredential (%v)", out, err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(ec.Status.Token, eks.Prefix))
	if err != nil || !strings.HasPrefix(ec.Status.Token, eks.Prefix) {
		t.Fatalf("token %q is not k8s-aws-v1. and unpadded base64url: %v", ec.Status.Token, err)
	}
	return ec, string(raw)
}

// TestEKSTokenVerifiesAgainstEmulator (issue 13's done-when): a token from `rawsts eks token`
// verifies with `rawsts eks verify` against the emulator — one made for the emulator's
// address, one made for the regional STS host and sent to the emulator with --endpoint, and a
// role's through --role-arn — and the verifier names the signer on both sides.
func TestEKSTokenVerifiesAgainstEmulator(t *testing.T) {
	srv := eksEmulator(t, func() time.Time { return fixedNow })
	env := aliceEnv(nil)
	for _, tt := range []struct {
		name       string
		tokenArgs  []string
		verifyArgs []string
		host, arn  string
		loopback   bool
	}{
		{"for the emulator", []string{"--endpoint", srv.URL}, nil, strings.TrimPrefix(srv.URL, "http://"), ststest.UserArn, true},
		{"for sts.eu-west-1.amazonaws.com", []string{"--region", "eu-west-1"}, []string{"--endpoint", srv.URL}, "sts.eu-west-1.amazonaws.com", ststest.UserArn, false},
		{"a role's", []string{"--endpoint", srv.URL, "--role-arn", eksRole}, nil, strings.TrimPrefix(srv.URL, "http://"),
			"arn:aws:sts::123456789012:assumed-role/eks-admin/EKSGetTokenAuth", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, env, "", nil, append([]string{"eks", "token", "--cluster-name", "demo", "--no-cache"}, tt.tokenArgs...)...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("eks token: exit %d, stderr %q", r.code, r.stderr)
			}
			ec, u := execCredential(t, r.stdout)
			if want := fixedNow.Add(14 * time.Minute).Format(time.RFC3339); ec.Status.ExpirationTimestamp != want || ec.APIVersion != eks.APIVersionV1beta1 {
				t.Errorf("ExecCredential = %+v; want expirationTimestamp %s and v1beta1", ec, want)
			}
			if !strings.Contains(u, "//"+tt.host+"/?Action=GetCallerIdentity&") {
				t.Errorf("token URL %s; want host %s", u, tt.host)
			}
			// The ExecCredential on standard input, as a pipe from eks token would give it.
			v := runCLI(t, env, r.stdout, nil, append([]string{"eks", "verify", "--cluster-name", "demo", "-"}, tt.verifyArgs...)...)
			if v.code != exitOK || !strings.Contains(v.stdout, "Arn        "+tt.arn+"\n") || !strings.Contains(v.stdout, "Account    123456789012\n") {
				t.Fatalf("eks verify: exit %d\nstdout:\n%s\nstderr:\n%s", v.code, v.stdout, v.stderr)
			}
			if strings.Contains(v.stdout, "loopback") != tt.loopback {
				t.Errorf("eks verify says loopback %v; want %v:\n%s", !tt.loopback, tt.loopback, v.stdout)
			}
			// The token itself as the argument, with --output json.
			j := runCLI(t, env, "", nil, append([]string{"eks", "verify", "--cluster-name", "demo", "--output", "json", ec.Status.Token}, tt.verifyArgs...)...)
			var id struct{ Arn, Host string }
			if j.code != exitOK || json.Unmarshal([]byte(j.stdout), &id) != nil || id.Arn != tt.arn || id.Host != tt.host {
				t.Errorf("eks verify --output json: exit %d, stdout %s, stderr %s", j.code, j.stdout, j.stderr)
			}
			// Another cluster's authenticator sends another x-k8s-aws-id: STS's signature check fails.
			o := runCLI(t, env, "", nil, append([]string{"eks", "verify", "--cluster-name", "other", ec.Status.Token}, tt.verifyArgs...)...)
			if o.code != exitRefused || !strings.Contains(o.stderr, "SignatureDoesNotMatch") || strings.Contains(o.stderr, ec.Status.Token[20:80]) {
				t.Errorf("eks verify --cluster-name other: exit %d, stderr %q; want 1 and SignatureDoesNotMatch", o.code, o.stderr)
			}
		})
	}
}

// TestEKSTokenCache (issue 13's done-when): kubectl runs the plugin before every command; the
// calls within the token's life get the cached token without resolving credentials (no
// AssumeRole for --role-arn), until a minute before its expirationTimestamp. The file is
// private and holds the token, no key; the key tells clusters, roles and credentials apart;
// --no-cache skips it.
func TestEKSTokenCache(t *testing.T) {
	clock := &fakeClock{t: fixedNow}
	srv := eksEmulator(t, clock.Now)
	cache := t.TempDir()
	env := aliceEnv(nil)
	run := func(env map[string]string, args ...string) cliRun {
		t.Helper()
		var stdout, stderr strings.Builder
		s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] },
			now: clock.Now, userCacheDir: func() (string, error) { return cache, nil }}
		code := runInProcess(s, append([]string{"eks", "token", "--endpoint", srv.URL}, args...))
		if code != exitOK || stderr.Len() > 0 {
			t.Fatalf("eks token %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr.String())
		}
		return cliRun{stdout.String(), stderr.String(), code}
	}
	assumes := func() int { return countActions(srv, "AssumeRole") }
	args := []string{"--cluster-name", "demo", "--role-arn", eksRole}

	first := run(env, args...)
	if assumes() != 1 {
		t.Fatalf("first call: %d AssumeRole; want 1", assumes())
	}
	for i := 0; i < 5; i++ { // kubectl get pods, kubectl logs, …
		clock.Set(fixedNow.Add(time.Duration(i) * time.Minute))
		if r := run(env, args...); r.stdout != first.stdout {
			t.Fatalf("call %d, %d min in: a new token; want the cached one", i+2, i)
		}
	}
	clock.Set(fixedNow.Add(12*time.Minute + 59*time.Second)) // 61 s before expirationTimestamp
	if r := run(env, args...); r.stdout != first.stdout || assumes() != 1 {
		t.Fatalf("12:59 in: %d AssumeRole, same token %v; want the cached token", assumes(), r.stdout == first.stdout)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "rawsts", "eks", "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v; want one", files)
	}
	fi, _ := os.Stat(files[0])
	b, _ := os.ReadFile(files[0])
	ec, _ := execCredential(t, first.stdout)
	if fi.Mode().Perm() != 0o600 || !strings.Contains(string(b), ec.Status.Token) || strings.Contains(string(b), ststest.UserSecretAccessKey) || strings.Contains(string(b), "ASIA") {
		t.Errorf("cache file mode %v, content %s; want 0600 holding the token and no key", fi.Mode().Perm(), b)
	}
	clock.Set(fixedNow.Add(13 * time.Minute)) // a minute before expirationTimestamp: a new one
	second := run(env, args...)
	if second.stdout == first.stdout || assumes() != 2 {
		t.Fatalf("13 min in: %d AssumeRole, same token %v; want a new token", assumes(), second.stdout == first.stdout)
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"another cluster", env, []string{"--cluster-name", "other", "--role-arn", eksRole}},
		{"no role", env, []string{"--cluster-name", "demo"}},
		{"another region", env, []string{"--cluster-name", "demo", "--role-arn", eksRole, "--region", "eu-west-1"}},
		{"other credentials", merge(env, map[string]string{"AWS_ACCESS_KEY_ID": "AKIAI44QH8DHBEXAMPLE", "AWS_SECRET_ACCESS_KEY": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"}), []string{"--cluster-name", "demo"}},
	} {
		if r := run(tt.env, tt.args...); r.stdout == second.stdout {
			t.Errorf("%s: the cached token of another key", tt.name)
		}
	}
	n := assumes()
	if r := run(env, append(args, "--no-cache")...); r.stdout == second.stdout || assumes() != n+1 {
		t.Errorf("--no-cache: %d AssumeRole (want %d), same token %v", assumes(), n+1, r.stdout == second.stdout)
	}
	// A file that is not private is not used.
	files, _ = filepath.Glob(filepath.Join(cache, "rawsts", "eks", "*.json"))
	for _, f := range files {
		os.Chmod(f, 0o644)
	}
	if r := run(env, args...); r.stdout == second.stdout || assumes() != n+2 {
		t.Errorf("cache file of mode 0644: used (AssumeRole %d, want %d)", assumes(), n+2)
	}
}

// TestEKSTokenExecInfo: the apiVersion follows KUBERNETES_EXEC_INFO as the AWS CLI's does.
func TestEKSTokenExecInfo(t *testing.T) {
	for _, tt := range []struct{ info, want, warn string }{
		{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`, eks.APIVersionV1, ""},
		{`{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`, eks.APIVersionV1alpha1, "rawsts: warning: the kubeconfig's exec entry asks for the deprecated"},
		{`not json`, eks.APIVersionV1beta1, "rawsts: warning: KUBERNETES_EXEC_INFO is not a JSON object"},
	} {
		r := runCLI(t, merge(exampleEnv(), map[string]string{"KUBERNETES_EXEC_INFO": tt.info}), "", nil,
			"eks", "token", "--cluster-name", "demo", "--region", "us-east-1")
		ec, _ := execCredential(t, r.stdout)
		if r.code != exitOK || ec.APIVersion != tt.want || (tt.warn == "") != (r.stderr == "") || !strings.Contains(r.stderr, tt.warn) {
			t.Errorf("KUBERNETES_EXEC_INFO=%s: exit %d, apiVersion %q, stderr %q; want %q and %q", tt.info, r.code, ec.APIVersion, r.stderr, tt.want, tt.warn)
		}
	}
}

// testCAData is the --ca-data of a cluster: base64 of a self-signed CA certificate (CN
// kubernetes, as EKS's), made once with openssl.
func testCAData(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "eks-ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestEKSUsage(t *testing.T) {
	caData := testCAData(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"eks"}, "want a subcommand: token, kubeconfig or verify"},
		{"unknown subcommand", []string{"eks", "get-token"}, `unknown subcommand "get-token"`},
		{"token without cluster", []string{"eks", "token"}, "--cluster-name is required"},
		{"token with both", []string{"eks", "token", "--cluster-name", "a", "--cluster-id", "b"}, "mutually exclusive"},
		{"token cluster with a newline", []string{"eks", "token", "--cluster-name", "a\nb"}, "is not a cluster name"},
		{"token argument", []string{"eks", "token", "--cluster-name", "a", "extra"}, `unexpected argument "extra"`},
		{"verify without token", []string{"eks", "verify", "--cluster-name", "a"}, "want the token"},
		{"verify without cluster", []string{"eks", "verify", "k8s-aws-v1.x"}, "--cluster-name is required"},
		{"verify bad output", []string{"eks", "verify", "--cluster-name", "a", "--output", "yaml", "k8s-aws-v1.x"}, `--output "yaml"`},
		{"verify bad endpoint", []string{"eks", "verify", "--cluster-name", "a", "--endpoint", "http://sts.example.com", "k8s-aws-v1.x"}, "plain http"},
		{"verify bad region", []string{"eks", "verify", "--cluster-name", "a", "--region", "us east", "k8s-aws-v1.x"}, "is not a region name"},
		{"verify unreadable AWS_CA_BUNDLE", []string{"eks", "verify", "--cluster-name", "a", "k8s-aws-v1.x"}, "AWS_CA_BUNDLE"},
		{"kubeconfig without server", []string{"eks", "kubeconfig", "--cluster-name", "a", "--ca-data", caData}, "--server is required"},
		{"kubeconfig without ca", []string{"eks", "kubeconfig", "--cluster-name", "a", "--server", "https://x.example"}, "--ca-data is required"},
		{"kubeconfig http server", []string{"eks", "kubeconfig", "--cluster-name", "a", "--server", "http://x.example", "--ca-data", caData}, "is not the https URL"},
		{"kubeconfig ca not base64", []string{"eks", "kubeconfig", "--cluster-name", "a", "--server", "https://x.example", "--ca-data", "%%%"}, "--ca-data is not base64"},
		{"kubeconfig ca not PEM", []string{"eks", "kubeconfig", "--cluster-name", "a", "--server", "https://x.example", "--ca-data", "aGVsbG8="}, "decodes to no PEM certificate"},
		{"kubeconfig bad role", []string{"eks", "kubeconfig", "--cluster-name", "a", "--server", "https://x.example", "--ca-data", caData, "--role-arn", "admin"}, "--role-arn"},
		{"kubeconfig bad profile", []string{"eks", "kubeconfig", "--cluster-name", "a", "--server", "https://x.example", "--ca-data", caData, "--profile", "a]b"}, "a profile name cannot hold"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, map[string]string{"AWS_CA_BUNDLE": "/nonexistent/ca.pem"}, "", nil, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("rawsts %q: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
}

func TestEKSKubeconfig(t *testing.T) {
	caData := testCAData(t)
	r := runCLI(t, nil, "", nil, "eks", "kubeconfig", "--cluster-name", "demo", "--server", "https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com",
		"--ca-data", caData, "--role-arn", "arn:aws:iam::123456789012:role/eks-admin", "--region", "us-east-1", "--profile", "on")
	want := `apiVersion: v1
kind: Config
clusters:
- name: demo
  cluster:
    server: https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com
    certificate-authority-data: ` + caData + `
contexts:
- name: demo
  context:
    cluster: demo
    user: demo
current-context: demo
users:
- name: demo
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: rawsts
      args:
      - eks
      - token
      - --cluster-name
      - demo
      - --role-arn
      - arn:aws:iam::123456789012:role/eks-admin
      - --region
      - us-east-1
      - --profile
      - "on"
      interactiveMode: Never
      provideClusterInfo: false
`
	if r.code != exitOK || r.stdout != want {
		t.Errorf("eks kubeconfig: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", r.code, r.stderr, r.stdout, want)
	}
}

func TestYAMLScalar(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"demo", "demo"},
		{"--cluster-name", "--cluster-name"},
		{"arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"},
		{"http://127.0.0.1:4566", "http://127.0.0.1:4566"},
		{"LS0tLS1CRUdJTi==", "LS0tLS1CRUdJTi=="},
		{"123", `"123"`},
		{"1e3", `"1e3"`},
		{"2026-11-30", `"2026-11-30"`},
		{"yes", `"yes"`},
		{"Off", `"Off"`},
		{"null", `"null"`},
		{"~", `"~"`},
		{"", `""`},
		{"-", `"-"`},
		{"a: b", `"a: b"`},
		{"key:", `"key:"`},
		{"a #b", `"a #b"`},
		{"*ref", `"*ref"`},
		{"prod\nother: x", `"prod\nother: x"`},
		{`say "hi"`, `"say \"hi\""`},
		{"my_cluster", "my_cluster"},
	} {
		if got := yamlScalar(tt.in); got != tt.want {
			t.Errorf("yamlScalar(%q) = %s; want %s", tt.in, got, tt.want)
		}
	}
}
