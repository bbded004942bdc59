package awsconfig

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/ini"
	"github.com/rawsts/rawsts/internal/safefile"
)

// The test binary doubles as a writer process: with writerEnv set to "PATH PROFILE" it
// writes that profile and exits; with pauseEnv set too it stops after writing the temporary
// file, says so by creating the file pauseEnv names, and waits to be killed.
const (
	writerEnv = "RAWSTS_AWSCONFIG_TEST_WRITER"
	pauseEnv  = "RAWSTS_AWSCONFIG_TEST_PAUSE"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(writerEnv); spec != "" {
		path, profile, _ := strings.Cut(spec, " ")
		if marker := os.Getenv(pauseEnv); marker != "" {
			safefile.AfterTemp = func(string) {
				os.WriteFile(marker, nil, 0o600)
				time.Sleep(time.Minute) // killed before this ends
			}
		}
		if err := UpdateProfile(path, profile, keys(profile)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// keys are the edits that write a profile's credentials (values of AWS's documented shapes).
func keys(profile string) []ini.Edit {
	return []ini.Edit{
		{Key: "aws_access_key_id", Value: "ASIAIOSFODNN7EXAMPLE"},
		{Key: "aws_secret_access_key", Value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + profile},
		{Key: "aws_session_token", Value: "IQoJb3JpZ2luX2VjEXAMPLE" + profile},
	}
}

// twentyProfiles is a credentials file as people keep them: comments, blank lines, CRLF-free
// but uneven spacing, a nested value, twenty profiles.
func twentyProfiles() string {
	var b strings.Builder
	b.WriteString("# AWS credentials, kept by hand\n; and by tools\n\n")
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&b, "[p%02d]\n", i)
		fmt.Fprintf(&b, "aws_access_key_id=AKIAIOSFODNN7EXAMPLE\n")
		fmt.Fprintf(&b, "aws_secret_access_key =  wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
		if i%5 == 0 {
			fmt.Fprintf(&b, "# profile %d rotates monthly\ns3 =\n    max_concurrent_requests = 20\n", i)
		}
		if i%3 == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteString("\n")
		}
	}
	b.WriteString("# end\n")
	return b.String()
}

// TestUpdateProfileKeepsEveryOtherByte: rewriting one profile of twenty changes its lines and
// nothing else; the file is 0600.
func TestUpdateProfileKeepsEveryOtherByte(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	old := twentyProfiles()
	os.WriteFile(path, []byte(old), 0o644)
	if err := UpdateProfile(path, "p10", keys("p10")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	start := strings.Index(old, "[p10]\n")
	end := strings.Index(old, "[p11]\n")
	want := old[:start] + "[p10]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYp10\n" +
		"# profile 10 rotates monthly\ns3 =\n    max_concurrent_requests = 20\naws_session_token = IQoJb3JpZ2luX2VjEXAMPLEp10\n\n" + old[end:]
	if got != want {
		t.Errorf("UpdateProfile(p10) wrote\n%s\nwant\n%s", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v; want 0600", fi.Mode().Perm())
	}

	// A new profile goes at the end; everything before stays.
	if err := UpdateProfile(path, "new", keys("new")); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	if !strings.HasPrefix(string(b), got) || !strings.Contains(string(b)[len(got):], "[new]\n") {
		t.Errorf("UpdateProfile(new) changed the bytes before it:\n%s", b)
	}

	// A file that cannot be parsed is left alone.
	bad := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(bad, []byte("aws_access_key_id = x\n"), 0o600)
	if err := UpdateProfile(bad, "p", keys("p")); err == nil || !strings.Contains(err.Error(), bad+": line 1") {
		t.Errorf("UpdateProfile(unparsable) = %v; want an error naming the file and line 1", err)
	}
	if b, _ := os.ReadFile(bad); string(b) != "aws_access_key_id = x\n" {
		t.Errorf("UpdateProfile(unparsable) changed the file: %q", b)
	}
}

// checkAll checks that the file parses and holds each profile's keys and the twenty first.
func checkAll(t *testing.T, path string, profiles []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ini.Parse(b)
	if err != nil {
		t.Fatalf("the file no longer parses: %v\n%s", err, b)
	}
	for _, p := range profiles {
		sec := f.Section(p)
		if sec == nil {
			t.Errorf("profile [%s] was lost", p)
			continue
		}
		if v, _ := sec.Get("aws_session_token"); v != "IQoJb3JpZ2luX2VjEXAMPLE"+p {
			t.Errorf("profile [%s] aws_session_token = %q", p, v)
		}
	}
	if !strings.HasPrefix(string(b), twentyProfiles()[:200]) {
		t.Errorf("the start of the file changed")
	}
}

// TestUpdateProfileConcurrentGoroutines: writers of different profiles at once all land.
func TestUpdateProfileConcurrentGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(path, []byte(twentyProfiles()), 0o600)
	var profiles []string
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		p := fmt.Sprintf("g%d", i)
		profiles = append(profiles, p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := UpdateProfile(path, p, keys(p)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	checkAll(t, path, profiles)
}

// TestUpdateProfileConcurrentProcesses: writer processes of different profiles at once all
// land.
func TestUpdateProfileConcurrentProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(path, []byte(twentyProfiles()), 0o600)
	var profiles []string
	var cmds []*exec.Cmd
	for i := 0; i < 6; i++ {
		p := fmt.Sprintf("proc%d", i)
		profiles = append(profiles, p)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), writerEnv+"="+path+" "+p)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer process: %v", err)
		}
	}
	checkAll(t, path, profiles)
}

// TestUpdateProfileKilledWriter: a writer killed after writing its temporary file, before the
// rename, leaves the old file whole; the next writer is not blocked by its lock.
func TestUpdateProfileKilledWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	old := twentyProfiles()
	os.WriteFile(path, []byte(old), 0o600)
	marker := filepath.Join(dir, "paused")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), writerEnv+"="+path+" killed", pauseEnv+"="+marker)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the writer never reached the pause")
		}
		time.Sleep(5 * time.Millisecond)
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, ".credentials.tmp-*"))
	if len(tmps) != 1 {
		t.Errorf("temporary files while paused: %v; want one", tmps)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if b, _ := os.ReadFile(path); string(b) != old {
		t.Fatalf("after the writer was killed mid-write the file is\n%s", b)
	}
	if err := UpdateProfile(path, "after", keys("after")); err != nil {
		t.Fatalf("the next writer: %v", err)
	}
	checkAll(t, path, []string{"after"})
}
