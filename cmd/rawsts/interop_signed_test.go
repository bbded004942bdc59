package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"testing"
)

// xmlServer answers every request with body, as STS would; it does not check signatures (the
// AWS CLI signs with the real clock, the CLI tests with a fixed one).
func xmlServer(t *testing.T, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestInteropSignedJSONMatchesAWSCLI checks that `rawsts whoami --output json` and
// `rawsts assume-role --output json` print the same documents as `aws sts get-caller-identity`
// and `aws sts assume-role` for the same STS responses.
func TestInteropSignedJSONMatchesAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	for _, tt := range []struct {
		name, body string
		aws        []string
		rawsts     []string
	}{
		{"get-caller-identity", callerIdentityXML, []string{"sts", "get-caller-identity"}, []string{"whoami"}},
		{"assume-role", assumeRoleXML,
			[]string{"sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/demo", "--role-session-name", "TestAR"},
			[]string{"assume-role", "--role-arn", "arn:aws:iam::123456789012:role/demo", "--role-session-name", "TestAR"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each aws run spends seconds starting Python
			srv := xmlServer(t, tt.body)
			cmd := exec.Command(aws, append(tt.aws, "--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json")...)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "AWS_CONFIG_FILE=/dev/null",
				"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
				"AWS_ACCESS_KEY_ID=" + exampleCreds.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + exampleCreds.SecretAccessKey,
				"AWS_SESSION_TOKEN=" + exampleCreds.SessionToken}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("aws %v: %v\n%s", tt.aws, err, stderr.String())
			}
			env := exampleEnv()
			env["AWS_ENDPOINT_URL_STS"] = srv.URL
			r := runCLI(t, env, "", nil, append(tt.rawsts, "--output", "json")...)
			if r.code != exitOK {
				t.Fatalf("rawsts %v: exit %d, stderr %q", tt.rawsts, r.code, r.stderr)
			}
			sameJSON(t, want, []byte(r.stdout))
		})
	}
}
