package bench_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

// eksKeys sign with the emulator's IAM user, AWS's documented EXAMPLE key: presigning needs no
// network, so the AWS CLI can sign with them too.
var eksKeys = []string{"AWS_ACCESS_KEY_ID=" + ststest.UserAccessKeyID, "AWS_SECRET_ACCESS_KEY=" + ststest.UserSecretAccessKey}

// BenchmarkEKSToken: what kubectl pays for its exec plugin before every command, as a whole
// process: `rawsts eks token` with a warm cache (/cached: no credentials resolved, nothing
// signed; the benchmark fails if STS is called), without it (/no-cache: static keys, one
// presign and the cache file written), without it and with --role-arn (/role-no-cache: one
// AssumeRole at the loopback emulator per run, which the cache saves), `rawsts version` (/start,
// the floor of starting the binary), and `/usr/bin/aws eks get-token` with the same keys
// (/awscli; skipped when the AWS CLI is not there). cpu-µs/op is the processor time of each
// process (user and system): on shared, loaded cores it moves far less than the wall clock.
func BenchmarkEKSToken(b *testing.B) {
	bin, err := rawstsBinary()
	if err != nil {
		b.Fatal(err)
	}
	srv := ststest.NewServer(ststest.WithConfig(eksConfig()))
	defer srv.Close()
	home := b.TempDir()
	env := append(cleanEnv(home, "XDG_CACHE_HOME="+filepath.Join(home, "cache")), eksKeys...)
	token := []string{"eks", "token", "--cluster-name", "demo", "--region", "us-east-1"}
	var cpu time.Duration
	report := func(b *testing.B) {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		cpu = 0
	}
	runOnce := func(b *testing.B, name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte(`"token": "k8s-aws-v1.`)) && args[0] != "version" {
			b.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	loop := func(name string, args ...string) func(b *testing.B) {
		return func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				runOnce(b, name, args...)
			}
			report(b)
		}
	}
	b.Run("start", loop(bin, "version"))
	b.Run("cached", func(b *testing.B) {
		args := append(append([]string{}, token...), "--endpoint", srv.URL, "--role-arn", eksRole)
		runOnce(b, bin, args...) // warm the cache
		cpu = 0
		before := len(srv.Requests())
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			runOnce(b, bin, args...)
		}
		b.StopTimer()
		report(b)
		if n := len(srv.Requests()) - before; n != 0 {
			b.Fatalf("%d requests to STS with a warm cache; want 0", n)
		}
	})
	b.Run("no-cache", loop(bin, append(token, "--no-cache")...))
	b.Run("role-no-cache", loop(bin, append(token, "--no-cache", "--endpoint", srv.URL, "--role-arn", eksRole)...))
	b.Run("awscli", func(b *testing.B) {
		const aws = "/usr/bin/aws"
		if _, err := os.Stat(aws); err != nil {
			b.Skip("no AWS CLI at " + aws)
		}
		loop(aws, "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-1")(b)
	})
}

// eksRole is a role every principal of the account may assume.
const eksRole = "arn:aws:iam::123456789012:role/eks-admin"

func eksConfig() ststest.Config {
	cfg := ststest.DefaultConfig()
	cfg.Roles = append(cfg.Roles, ststest.Role{RoleName: "eks-admin", AssumeRolePolicyDocument: ststest.PolicyDocument(
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}`)})
	return cfg
}
