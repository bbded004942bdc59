package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/ststest"
)

// demoVolatile are the parts of the demo's output that change from run to run, and what they
// become in the golden file: the port, keys and key ids, UUIDs, secrets, durations, lengths.
var demoVolatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`https?://127\.0\.0\.1:PORT`), "URL"},
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "UUID"},
	{regexp.MustCompile(`\b(ASIA|AROA)[A-Z0-9]{16}\b`), "${1}EXAMPLEID"},
	{regexp.MustCompile(`(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)=\S+`), "$1=SECRET"},
	{regexp.MustCompile(`\b[A-Za-z0-9_-]{43}\b`), "KID"},
	{regexp.MustCompile(`\d+(\.\d+)?(ms|µs|s) of 5s`), "D of 5s"},
	{regexp.MustCompile(`\d+ (chars|bytes|characters)`), "N $1"},
	{regexp.MustCompile(`created \d{4}-\d\d-\d\dT[\d:.]+Z`), "created TIME"},
}

func normalizeDemo(s string) string {
	for _, v := range demoVolatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// TestDemo runs the walkthrough in-process and compares its output, the volatile parts
// normalized, with testdata/demo.golden (go test -run TestDemo -update rewrites it). No step
// may show a secret it has no business showing, nor stderr a line.
func TestDemo(t *testing.T) {
	r := runCLI(t, nil, "", nil, "demo")
	if r.code != exitOK {
		t.Fatalf("rawsts demo: exit %d; want 0\nstderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("rawsts demo wrote to stderr:\n%s", r.stderr)
	}
	for _, secret := range []string{ststest.DefaultPassword, ststest.UserSecretAccessKey} {
		if strings.Contains(r.stdout, secret) {
			t.Errorf("rawsts demo printed the secret %q", secret)
		}
	}
	for _, want := range []string{"UnauthorizedOperation", "expected: the role has only AmazonS3ReadOnlyAccess",
		"amzn-s3-demo-bucket", "AccessDenied (HTTP 403): Not authorized to perform sts:AssumeRoleWithWebIdentity",
		"FAIL  policy.condition", "re-run with the trust policy above: verdict: allow", "assumed-role/DemoWrongAudience/demo"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("rawsts demo's output lacks %q", want)
		}
	}
	// No step opens with an alarming word: each heading and its first sentence are calm.
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "== ") && regexp.MustCompile(`(?i)error|fail|denied|refused`).MatchString(l) {
			t.Errorf("step heading %q opens with an error", l)
		}
	}
	fixture.Golden(t, filepath.Join("testdata", "demo.golden"), []byte(normalizeDemo(r.stdout)))
}

// TestDemoAgainstRunningEmulator runs rawsts demo --emulator against an ststest server, with
// its export lines as the environment, twice (the second run finds the wrong role of the first
// and sets it back), and checks a missing export line is named.
func TestDemoAgainstRunningEmulator(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }))
	defer srv.Close()
	env := map[string]string{}
	for _, v := range exportsOf(srv, srv.Snapshot(), nil, "").vars {
		env[v[0]] = v[1]
	}
	for i := 0; i < 2; i++ {
		r := runCLI(t, env, "", srv.Client().Transport, "demo", "--emulator", srv.URL)
		if r.code != exitOK || !strings.Contains(r.stdout, "against the running emulator at "+srv.URL) ||
			!strings.Contains(r.stdout, "assumed-role/DemoWrongAudience/demo") {
			t.Fatalf("run %d: rawsts demo --emulator %s: exit %d; want 0 and the whole walkthrough\nstderr:\n%s\nstdout:\n%s", i+1, srv.URL, r.code, r.stderr, r.stdout)
		}
		if again := strings.Contains(r.stdout, "left from an earlier run"); again != (i == 1) {
			t.Errorf("run %d: says the role is left from an earlier run: %v; want %v", i+1, again, i == 1)
		}
	}
	delete(env, "RAWSTS_PASSWORD")
	delete(env, "AWS_REGION")
	r := runCLI(t, env, "", srv.Client().Transport, "demo", "--emulator", srv.URL)
	if r.code != exitUsage || !strings.Contains(r.stderr, "lacks RAWSTS_PASSWORD, AWS_REGION") || r.stdout != "" {
		t.Errorf("rawsts demo --emulator without RAWSTS_PASSWORD and AWS_REGION: exit %d, stderr %q; want 2 naming both, nothing on stdout", r.code, r.stderr)
	}
}

// TestDemoStopsOnTheUnexpected: against an emulator whose TestRole may describe instances
// (ReadOnlyAccess), the demo stops at the EC2 step with exit 1 and says what it expected.
func TestDemoStopsOnTheUnexpected(t *testing.T) {
	cfg := ststest.DefaultConfig()
	for i := range cfg.Roles {
		if cfg.Roles[i].RoleName == "TestRole" {
			cfg.Roles[i].ManagedPolicyArns = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
		}
	}
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }), ststest.WithConfig(cfg))
	defer srv.Close()
	env := map[string]string{}
	for _, v := range exportsOf(srv, srv.Snapshot(), nil, "").vars {
		env[v[0]] = v[1]
	}
	r := runCLI(t, env, "", srv.Client().Transport, "demo", "--emulator", srv.URL)
	if r.code != exitRefused || !strings.Contains(r.stderr, "demo step 7") || !strings.Contains(r.stderr, "expects UnauthorizedOperation") {
		t.Errorf("rawsts demo against a role that may describe instances: exit %d, stderr %q; want 1 at step 7", r.code, r.stderr)
	}
}

// TestDemoStep: --step without a terminal runs through and says so; with one, each step waits
// for a line, and the end of standard input ends the demo after the step shown.
func TestDemoStep(t *testing.T) {
	r := runCLI(t, nil, "", nil, "demo", "--step")
	if r.code != exitOK || !strings.Contains(r.stderr, "--step pauses only when standard input is a terminal") {
		t.Errorf("rawsts demo --step without a terminal: exit %d, stderr %q; want 0 and the note", r.code, r.stderr)
	}
	var out, errOut strings.Builder
	s := &streams{stdin: strings.NewReader("\n\n"), stdout: &out, stderr: &errOut, stdinIsTerminal: true,
		getenv: func(string) string { return "" }, now: func() time.Time { return fixedNow }}
	if code := run(context.Background(), []string{"demo", "--step"}, s); code != exitOK {
		t.Fatalf("rawsts demo --step on a terminal: exit %d; stderr %s", code, errOut.String())
	}
	if n := strings.Count(out.String(), "[press Enter for step"); n != 3 {
		t.Errorf("rawsts demo --step with two lines of input paused %d times; want 3 (the third meets the end of input)", n)
	}
	if strings.Contains(out.String(), "== 4.") {
		t.Errorf("rawsts demo --step went on to step 4 after its input ended")
	}
}

// TestDemoDiagram: --diagram writes the run's sequence diagram (internal/ui/flow's renderer):
// an arrow per request the demo sent, EC2 refused, S3 allowed, the wrong role refused; with
// --emulator it is a usage error, as is a file in a directory that does not exist.
func TestDemoDiagram(t *testing.T) {
	file := filepath.Join(t.TempDir(), "walk.svg")
	r := runCLI(t, nil, "", nil, "demo", "--diagram", file)
	if r.code != exitOK {
		t.Fatalf("rawsts demo --diagram: exit %d; want 0\nstderr:\n%s", r.code, r.stderr)
	}
	svg, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	arrows := regexp.MustCompile(`<g class="arrow (allow|deny)" data-id="\d+" data-decision="\w+" data-service="([a-z0-9-]+)" data-operation="(\w+)"`).FindAllStringSubmatch(string(svg), -1)
	var got []string
	for _, a := range arrows {
		got = append(got, a[2]+" "+a[3]+" "+a[1])
	}
	requests := strings.Count(r.stdout, "request:\n")
	if len(arrows) != requests || requests == 0 {
		t.Errorf("the diagram has %d arrows; want one per request the demo showed, %d\n%s", len(arrows), requests, strings.Join(got, "\n"))
	}
	for _, want := range []string{"ec2 DescribeInstances deny", "s3 ListBuckets allow", "sts AssumeRoleWithWebIdentity deny", "iam UpdateAssumeRolePolicy allow"} {
		if !slices.Contains(got, want) {
			t.Errorf("the diagram lacks the arrow %q; it has\n%s", want, strings.Join(got, "\n"))
		}
	}
	if r := runCLI(t, nil, "", nil, "demo", "--diagram", file, "--emulator", "http://127.0.0.1:1"); r.code != exitUsage || !strings.Contains(r.stderr, "--diagram draws the run in this process") {
		t.Errorf("rawsts demo --diagram --emulator: exit %d %s; want 2 naming --diagram", r.code, r.stderr)
	}
	if r := runCLI(t, nil, "", nil, "demo", "--diagram", filepath.Join(t.TempDir(), "no", "walk.svg")); r.code != exitUsage {
		t.Errorf("rawsts demo --diagram in a missing directory: exit %d; want 2", r.code)
	}
}
