package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// awsCLI returns the path of the AWS CLI v2 from Debian's awscli package. Without it the interop
// tests skip, except under CI, where .ci/run installs it and they are mandatory.
func awsCLI(t *testing.T) string {
	t.Helper()
	const path = "/usr/bin/aws"
	out, err := exec.Command(path, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "aws-cli/2.") {
		msg := "interop test needs the AWS CLI v2 at " + path + " (Debian package awscli; .ci/run installs it)"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v %s", msg, err, out)
		}
		t.Skip(msg)
	}
	return path
}

// replayServer answers every request with the recorded response of a fixture's first exchange.
func replayServer(t *testing.T, name string) (*httptest.Server, url.Values) {
	t.Helper()
	c := stsFixture(t, name)
	resp := c.Exchanges[0].Response
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range resp.Header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(resp.Body)))
		w.WriteHeader(resp.StatusCode)
		w.Write(resp.Body)
	}))
	t.Cleanup(srv.Close)
	form, err := url.ParseQuery(string(c.Exchanges[0].Request.Body))
	if err != nil {
		t.Fatal(err)
	}
	return srv, form
}

// TestInteropJSONMatchesAWSCLI checks that `rawsts assume --output json` prints the same
// document as `aws sts assume-role-with-web-identity` for the same STS response.
func TestInteropJSONMatchesAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	for _, name := range []string{
		"success-api-reference-sample",
		"success-duration-policy-policy-arns",
		"success-fractional-expiration",
		"success-minimal",
		"success-unnamespaced",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each aws run spends seconds starting Python
			srv, form := replayServer(t, name)
			home := t.TempDir()
			cmd := exec.Command(aws, "sts", "assume-role-with-web-identity",
				"--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json",
				"--role-arn", form.Get("RoleArn"),
				"--role-session-name", form.Get("RoleSessionName"),
				"--web-identity-token", form.Get("WebIdentityToken"))
			cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + home, "AWS_CONFIG_FILE=/dev/null",
				"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true"}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("aws sts assume-role-with-web-identity: %v\n%s", err, stderr.String())
			}
			r := runCLI(t, nil, "", nil, "assume", "--endpoint", srv.URL, "--output", "json",
				"--role-arn", form.Get("RoleArn"),
				"--role-session-name", form.Get("RoleSessionName"),
				"--web-identity-token", form.Get("WebIdentityToken"))
			if r.code != exitOK {
				t.Fatalf("rawsts assume: exit %d, stderr %q", r.code, r.stderr)
			}
			sameJSON(t, want, []byte(r.stdout))
		})
	}
}

// sameJSON checks that rawsts printed the document the AWS CLI printed: the same fields and
// values (a readable diff when not), and then the same bytes.
func sameJSON(t *testing.T, aws, rawsts []byte) {
	t.Helper()
	var gotDoc, wantDoc any
	if err := json.Unmarshal(rawsts, &gotDoc); err != nil {
		t.Fatalf("rawsts output is not JSON: %v\n%s", err, rawsts)
	}
	if err := json.Unmarshal(aws, &wantDoc); err != nil {
		t.Fatalf("aws output is not JSON: %v\n%s", err, aws)
	}
	if diff := cmp.Diff(wantDoc, gotDoc); diff != "" {
		t.Errorf("rawsts --output json differs from the AWS CLI (-aws +rawsts):\n%s", diff)
	}
	if string(rawsts) != string(aws) {
		t.Errorf("same fields and values, but not the same bytes:\n--- aws\n%s--- rawsts\n%s", aws, rawsts)
	}
}
