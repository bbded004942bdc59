package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	sdksts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rawsts/rawsts/ststest"
)

// sdkChildEnv makes the test binary act as a program on the AWS SDK for Go v2 (sdkChild)
// instead of running the tests.
const sdkChildEnv = "RAWSTS_BENCH_SDK_CHILD"

func TestMain(m *testing.M) {
	if url := os.Getenv(sdkChildEnv); url != "" {
		os.Exit(sdkChild(url))
	}
	os.Exit(m.Run())
}

// sdkChild loads the SDK's default configuration — its credential chain finds the container
// credentials endpoint of AWS_CONTAINER_CREDENTIALS_FULL_URI — and prints the Arn of
// GetCallerIdentity at the STS endpoint stsURL.
func sdkChild(stsURL string) int {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "LoadDefaultConfig:", err)
		return 1
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Retrieve:", err)
		return 1
	}
	out, err := sdksts.NewFromConfig(cfg, func(o *sdksts.Options) { o.BaseEndpoint = aws.String(stsURL) }).
		GetCallerIdentity(ctx, &sdksts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "GetCallerIdentity:", err)
		return 1
	}
	fmt.Println(aws.ToString(out.Arn), creds.Source, creds.CanExpire)
	return 0
}

// rawstsBinary builds cmd/rawsts once per test run.
var rawstsBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "rawsts-bench")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "rawsts")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/rawsts/rawsts/cmd/rawsts").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, out)
	}
	return bin, nil
})

// tokenFile writes a token of the emulator's default issuer (DemoRole trusts it).
func tokenFile(tb testing.TB, srv *ststest.Server) string {
	tb.Helper()
	tok, err := srv.Issuer.Mint(map[string]any{"sub": "system:serviceaccount:shop:checkout"})
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "token")
	if err := os.WriteFile(path, []byte(tok), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// cleanEnv is an environment with no AWS settings of the machine's.
func cleanEnv(home string, extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true"}, extra...)
}

// TestSDKUsesExecServer: a program on the AWS SDK for Go v2 run by `rawsts exec --server`
// gets its credentials from rawsts's container credentials endpoint through the SDK's default
// chain, and the emulator accepts its signed call.
func TestSDKUsesExecServer(t *testing.T) {
	bin, err := rawstsBinary()
	if err != nil {
		t.Fatal(err)
	}
	srv := ststest.NewServer()
	defer srv.Close()
	cmd := exec.Command(bin, "exec", "--server", "--endpoint", srv.URL, "--role-arn", role, "--role-session-name", "sdk",
		"--web-identity-token-file", tokenFile(t, srv), "--", os.Args[0], "-test.run=^$")
	cmd.Env = cleanEnv(t.TempDir(), sdkChildEnv+"="+srv.URL, "AWS_ACCESS_KEY_ID=AKIASHADOWEXAMPLE", "AWS_SECRET_ACCESS_KEY=shadow")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("rawsts exec --server -- (SDK program): %v\n%s", err, stderr.String())
	}
	if got := strings.TrimSpace(string(out)); got != "arn:aws:sts::123456789012:assumed-role/DemoRole/sdk CredentialsEndpointProvider true" {
		t.Errorf("the SDK program printed %q; want DemoRole's session from the ContainerCredentialsProvider", got)
	}
}

// BenchmarkCredentialProcess: what the AWS CLI pays per command for a credential_process of
// `rawsts assume --output credential-process`, as a whole process (start, read the flags,
// answer): /cached with a warm cache (no STS call), /sts with --no-cache (one
// AssumeRoleWithWebIdentity at the loopback emulator each time), and /start, `rawsts version`,
// the floor of starting the binary at all.
func BenchmarkCredentialProcess(b *testing.B) {
	bin, err := rawstsBinary()
	if err != nil {
		b.Fatal(err)
	}
	srv := ststest.NewServer()
	defer srv.Close()
	home := b.TempDir()
	args := []string{"assume", "--endpoint", srv.URL, "--role-arn", role, "--role-session-name", "bench",
		"--web-identity-token-file", tokenFile(b, srv), "--output", "credential-process"}
	env := cleanEnv(home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
	// cpu is the processor time the runs took (user and system): on shared, loaded cores the
	// wall clock mostly measures the wait for a core, this does not.
	var cpu time.Duration
	report := func(b *testing.B) {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		cpu = 0
	}
	runOnce := func(b *testing.B, extra ...string) {
		cmd := exec.Command(bin, append(append([]string{}, args...), extra...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(`"AccessKeyId"`)) {
			b.Fatalf("rawsts %v: %v\n%s", extra, err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.Run("start", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			cmd := exec.Command(bin, "version")
			cmd.Env = env
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		report(b)
	})
	b.Run("cached", func(b *testing.B) {
		runOnce(b) // warm the cache
		cpu = 0
		before := exchanges(srv)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			runOnce(b)
		}
		b.StopTimer()
		report(b)
		if n := exchanges(srv) - before; n != 0 {
			b.Fatalf("%d exchanges with a warm cache; want 0", n)
		}
	})
	b.Run("sts", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			runOnce(b, "--no-cache")
		}
		report(b)
	})
}
