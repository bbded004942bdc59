package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// asRawstsEnvVar makes the test binary run as rawsts itself (TestMain calls main), so that
// kubectl can run it as its exec plugin.
const asRawstsEnvVar = "RAWSTS_TEST_AS_RAWSTS"

// TestKubectlRunsEKSToken: kubectl itself reads the kubeconfig `rawsts eks kubeconfig` prints,
// runs `rawsts eks token` as its exec plugin, and sends the token to an API server whose
// authenticator is the emulator's (/eks/demo/authenticate, a TokenReview), which lets it in. Three
// kubectl commands in a row — what a person typing them does — make one AssumeRole for
// --role-arn in all: the second and third get the cached token. Skipped without kubectl.
func TestKubectlRunsEKSToken(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	srv := eksEmulator(t, time.Now)
	// The API server: every request needs a bearer token the emulator's authenticator accepts.
	var mu sync.Mutex
	var users []string
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		review, _ := json.Marshal(map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": map[string]string{"token": token}})
		resp, err := http.Post(srv.URL+"/eks/demo/authenticate", "application/json", bytes.NewReader(review))
		if !ok || err != nil {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		defer resp.Body.Close()
		var out struct {
			Status struct {
				Authenticated bool
				User          struct{ Username string }
				Error         string
			}
		}
		json.NewDecoder(resp.Body).Decode(&out)
		if !out.Status.Authenticated {
			http.Error(w, out.Status.Error, http.StatusUnauthorized)
			return
		}
		mu.Lock()
		users = append(users, out.Status.User.Username)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Success","message":"hello ` + out.Status.User.Username + `"}`))
	}))
	defer api.Close()
	caData := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: api.Certificate().Raw}))

	dir := t.TempDir()
	r := runCLI(t, nil, "", nil, "eks", "kubeconfig", "--cluster-name", "demo", "--server", api.URL, "--ca-data", caData,
		"--endpoint", srv.URL, "--role-arn", eksRole)
	if r.code != exitOK {
		t.Fatalf("eks kubeconfig: exit %d, stderr %q", r.code, r.stderr)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	writeFile(t, kubeconfig, r.stdout)
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "rawsts")); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + dir, "KUBECONFIG=" + kubeconfig, asRawstsEnvVar + "=1",
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	for i := 1; i <= 3; i++ {
		cmd := exec.Command(kubectl, "get", "--raw", "/api/v1/namespaces/default")
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "hello arn:aws:iam::123456789012:role/eks-admin") {
			t.Fatalf("kubectl (run %d): %v\nstdout: %s\nstderr: %s", i, err, out, stderr.String())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if n := countActions(srv, "AssumeRole"); n != 1 || len(users) < 3 {
		t.Errorf("three kubectl commands: %d AssumeRole, %d requests let in; want 1 (the cache) and at least 3", n, len(users))
	}
}
