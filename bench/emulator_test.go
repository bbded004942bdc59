package bench_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// startEmulatorProcess starts `rawsts emulator ARGS` as a process and returns it with its export
// lines, read from its standard output (written in one piece once it listens).
func startEmulatorProcess(b *testing.B, bin string, args ...string) (*exec.Cmd, map[string]string) {
	cmd := exec.Command(bin, append([]string{"emulator"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		env[k] = strings.Trim(v, "'")
		if k == "RAWSTS_ADMIN_SECRET_ACCESS_KEY" { // the last line
			return cmd, env
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	b.Fatalf("rawsts emulator stopped before printing its settings: %v", sc.Err())
	return nil, nil
}

// stopEmulator interrupts the emulator as Ctrl-C does and returns its peak resident set size in KiB
// and the CPU time it used in all (user and system, in ms: start, the first answer and the
// shutdown), which shared cores disturb less than the wall-clock time.
func stopEmulator(b *testing.B, cmd *exec.Cmd) (rssKiB, cpuMS float64) {
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		b.Fatalf("rawsts emulator: %v", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rssKiB = float64(ru.Maxrss) // KiB on Linux
	}
	return rssKiB, float64(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()) / 1e6
}

// BenchmarkEmulatorStart measures `rawsts emulator` as a whole process, as a test suite or a
// CI job starts it: from the process's start to its first successful answer, and its peak
// memory (peak-RSS-KiB, from the kernel's rusage at exit) and CPU time (cpu-ms/op, the process's
// whole life, less disturbed by other work on shared cores than ns/op). Each row starts a new
// process per iteration:
//
//   - first-answer: the first answer that needs no issuer key, a GetCallerIdentity signed with
//     the admin key (the issuers' RSA keys are being made in the background meanwhile);
//   - login: the first USER_PASSWORD_AUTH login of the default user (the ID token waits for
//     what is left of the pool issuer's RSA key, begun in the background at start);
//   - exchange: with --token-file (the default issuer makes its key and mints the token at
//     start), the first AssumeRoleWithWebIdentity, the token verified and the trust policy
//     evaluated;
//   - exchange-state: the same with --state FILE from an earlier run, whose issuers' keys are
//     in the file, so that no key is made at start;
//   - exchange-tls: --tls (a CA and a certificate made at start) and the exchange over HTTPS.
func BenchmarkEmulatorStart(b *testing.B) {
	bin, err := rawstsBinary()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	exchange := func(b *testing.B, env map[string]string, tokenFile string, client *sts.Client) {
		token, err := os.ReadFile(tokenFile)
		if err != nil {
			b.Fatal(err)
		}
		client.Endpoint = env["AWS_ENDPOINT_URL"]
		if _, err := client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: "arn:aws:iam::123456789012:role/DemoRole", RoleSessionName: "bench", WebIdentityToken: string(token)}); err != nil {
			b.Fatal(err)
		}
	}
	run := func(b *testing.B, args []string, first func(env map[string]string)) {
		var rss, cpu float64
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			cmd, env := startEmulatorProcess(b, bin, args...)
			first(env)
			b.StopTimer()
			r, c := stopEmulator(b, cmd)
			rss, cpu = max(rss, r), cpu+c
			b.StartTimer()
		}
		b.ReportMetric(rss, "peak-RSS-KiB")
		b.ReportMetric(cpu/float64(b.N), "cpu-ms/op")
	}

	b.Run("first-answer", func(b *testing.B) {
		run(b, nil, func(env map[string]string) {
			c := &sts.Client{Endpoint: env["AWS_ENDPOINT_URL"], Region: env["AWS_REGION"], MaxAttempts: 1,
				Credentials: &sigv4.Credentials{AccessKeyID: env["RAWSTS_ADMIN_ACCESS_KEY_ID"], SecretAccessKey: env["RAWSTS_ADMIN_SECRET_ACCESS_KEY"]}}
			if _, err := c.GetCallerIdentity(ctx); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("login", func(b *testing.B) {
		run(b, nil, func(env map[string]string) {
			c := &cognitoauth.Client{UserPoolID: env["RAWSTS_POOL_ID"], ClientID: env["RAWSTS_CLIENT_ID"], Endpoint: env["AWS_ENDPOINT_URL"], MaxAttempts: 1}
			if _, err := c.Login(ctx, &cognitoauth.LoginInput{Flow: cognitoauth.FlowPassword, Username: env["RAWSTS_USERNAME"], Password: env["RAWSTS_PASSWORD"]}, nil); err != nil {
				b.Fatal(err)
			}
		})
	})
	dir := b.TempDir()
	tokenFile := filepath.Join(dir, "token")
	b.Run("exchange", func(b *testing.B) {
		run(b, []string{"--token-file", tokenFile}, func(env map[string]string) {
			exchange(b, env, tokenFile, &sts.Client{MaxAttempts: 1})
		})
	})
	state := filepath.Join(dir, "state.json")
	cmd, _ := startEmulatorProcess(b, bin, "--token-file", tokenFile, "--state", state) // makes the keys and saves them
	stopEmulator(b, cmd)
	b.Run("exchange-state", func(b *testing.B) {
		run(b, []string{"--token-file", tokenFile, "--state", state}, func(env map[string]string) {
			exchange(b, env, tokenFile, &sts.Client{MaxAttempts: 1})
		})
	})
	b.Run("exchange-tls", func(b *testing.B) {
		run(b, []string{"--tls", "--token-file", tokenFile}, func(env map[string]string) {
			pemCA, err := os.ReadFile(env["AWS_CA_BUNDLE"])
			if err != nil {
				b.Fatal(err)
			}
			exchange(b, env, tokenFile, &sts.Client{MaxAttempts: 1, HTTPClient: clientTrusting(b, pemCA)})
		})
	})
}

// clientTrusting is an HTTP client that trusts the CA in pemCA (the emulator's, from
// AWS_CA_BUNDLE).
func clientTrusting(b *testing.B, pemCA []byte) *http.Client {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemCA) {
		b.Fatal("AWS_CA_BUNDLE holds no certificate")
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}
