package ststest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/rawsts/rawsts/ststest"
)

// awsCLIPath is Debian's AWS CLI v2 (package awscli), which .ci/run installs.
const awsCLIPath = "/usr/bin/aws"

// awsEnv is the environment the AWS CLI runs in: nothing of the machine's own configuration
// (no profile, no credentials file, no instance metadata), the region, and extra.
func awsEnv(home string, extra ...string) []string {
	return append([]string{"PATH=/usr/bin:/bin", "HOME=" + home, "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1"}, extra...)
}

// requireAWSCLI skips the test when the AWS CLI v2 is not installed, except under CI, where it
// is mandatory (as in cmd/rawsts's interop tests).
func requireAWSCLI(t *testing.T) {
	t.Helper()
	cmd := exec.Command(awsCLIPath, "--version")
	cmd.Env = awsEnv(t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "aws-cli/2.") {
		msg := "interop test needs the AWS CLI v2 at " + awsCLIPath + " (Debian package awscli; .ci/run installs it)"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v %s", msg, err, out)
		}
		t.Skip(msg)
	}
}

// awsRun runs the AWS CLI against the emulator and returns its exit code, stdout and stderr.
func awsRun(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(awsCLIPath, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	return code, stdout.String(), stderr.String()
}

// awsResult is one AWS CLI run's exit code and output.
type awsResult struct {
	code        int
	out, errOut string
}

// awsRunAll runs several AWS CLI commands at once (each spends seconds starting Python) and
// returns their results in order.
func awsRunAll(t *testing.T, runs ...[]string) []awsResult {
	t.Helper()
	res := make([]awsResult, len(runs))
	var wg sync.WaitGroup
	for i, args := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(awsCLIPath, args[1:]...)
			cmd.Env = strings.Split(args[0], "\x00")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			res[i] = awsResult{out: stdout.String(), errOut: stderr.String()}
			if ee, ok := err.(*exec.ExitError); ok {
				res[i].code = ee.ExitCode()
			} else if err != nil {
				res[i] = awsResult{code: -1, errOut: err.Error()}
			}
		}()
	}
	wg.Wait()
	return res
}

// withEnv prepends an environment to AWS CLI arguments for awsRunAll.
func withEnv(env []string, args ...string) []string {
	return append([]string{strings.Join(env, "\x00")}, args...)
}

// TestInteropResourcesAWSCLI runs the walkthrough's last step with the real AWS CLI against the
// default emulator: the credentials of AssumeRoleWithWebIdentity (a token of the user pool's
// issuer for TestRole) list the buckets (s3api list-buckets, s3 ls) and are refused
// DescribeInstances exactly as the walkthrough shows; a refused StopInstances carries an
// encoded message that `aws sts decode-authorization-message` decodes with the admin's key.
func TestInteropResourcesAWSCLI(t *testing.T) {
	t.Parallel() // the AWS CLI takes seconds to start: overlap with the package's other tests
	requireAWSCLI(t)
	srv := ststest.NewServer()
	defer srv.Close()
	home := t.TempDir()
	iss, _ := srv.LookupIssuer(ststest.DefaultPoolID)
	token, err := iss.Mint(map[string]any{"sub": "demo", "cognito:username": ststest.DefaultUsername})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := awsRun(t, awsEnv(home), "sts", "assume-role-with-web-identity", "--endpoint-url", srv.URL, "--output", "json",
		"--role-arn", ststest.DefaultRoleArn, "--role-session-name", "demo", "--web-identity-token", token)
	var assumed struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &assumed) != nil {
		t.Fatalf("aws sts assume-role-with-web-identity = exit %d %s %s", code, out, errOut)
	}
	c := assumed.Credentials
	role := awsEnv(home, "AWS_ACCESS_KEY_ID="+c.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey, "AWS_SESSION_TOKEN="+c.SessionToken)
	admin := awsEnv(home, "AWS_ACCESS_KEY_ID="+ststest.UserAccessKeyID, "AWS_SECRET_ACCESS_KEY="+ststest.UserSecretAccessKey)

	r := awsRunAll(t,
		withEnv(role, "s3api", "list-buckets", "--endpoint-url", srv.URL, "--output", "json"),
		withEnv(role, "s3", "ls", "s3://amzn-s3-demo-bucket/", "--endpoint-url", srv.URL),
		withEnv(role, "s3api", "list-objects-v2", "--bucket", "amzn-s3-demo-bucket", "--endpoint-url", srv.URL, "--output", "json"),
		withEnv(role, "ec2", "describe-instances", "--endpoint-url", srv.URL, "--region", "us-east-1"),
		withEnv(admin, "ec2", "describe-instances", "--endpoint-url", srv.URL, "--output", "json"),
		withEnv(role, "ec2", "stop-instances", "--instance-ids", "i-1234567890abcdef0", "--endpoint-url", srv.URL),
	)
	var buckets struct {
		Buckets []struct{ Name, CreationDate string }
		Owner   struct{ ID string }
	}
	if r[0].code != 0 || json.Unmarshal([]byte(r[0].out), &buckets) != nil || len(buckets.Buckets) != 1 || buckets.Buckets[0].Name != "amzn-s3-demo-bucket" || buckets.Owner.ID == "" {
		t.Errorf("aws s3api list-buckets = %+v; want the bucket amzn-s3-demo-bucket", r[0])
	}
	if r[1].code != 0 || !strings.Contains(r[1].out, "PRE photos/") || !strings.Contains(r[1].out, "PRE reports/") {
		t.Errorf("aws s3 ls s3://amzn-s3-demo-bucket/ = %+v; want the prefixes photos/ and reports/", r[1])
	}
	if r[2].code != 0 || !strings.Contains(r[2].out, `"Key": "photos/2006/January/sample.jpg"`) {
		t.Errorf("aws s3api list-objects-v2 = %+v; want the keys", r[2])
	}
	want := "An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: You are not authorized to perform this operation. " +
		"User: arn:aws:sts::123456789012:assumed-role/TestRole/demo is not authorized to perform: ec2:DescribeInstances " +
		"because no identity-based policy allows the ec2:DescribeInstances action"
	if r[3].code != 254 || strings.TrimSpace(r[3].errOut) != want || r[3].out != "" {
		t.Errorf("aws ec2 describe-instances = %+v; want exit 254 and %q", r[3], want)
	}
	if r[4].code != 0 || !strings.Contains(r[4].out, `"InstanceId": "i-1234567890abcdef0"`) || !strings.Contains(r[4].out, `"Name": "running"`) {
		t.Errorf("aws ec2 describe-instances as the admin = %+v; want the instance", r[4])
	}
	m := encodedPart.FindStringSubmatch(r[5].errOut)
	if r[5].code != 254 || m == nil {
		t.Fatalf("aws ec2 stop-instances = %+v; want UnauthorizedOperation with an encoded message", r[5])
	}

	r = awsRunAll(t,
		// --encoded-message=VALUE: a message may start with '-', which the CLI would read as a flag.
		withEnv(admin, "sts", "decode-authorization-message", "--encoded-message="+m[1], "--endpoint-url", srv.URL, "--output", "json"),
		withEnv(role, "sts", "decode-authorization-message", "--encoded-message="+m[1], "--endpoint-url", srv.URL),
	)
	var decoded struct{ DecodedMessage string }
	var doc decodedDoc
	if r[0].code != 0 || json.Unmarshal([]byte(r[0].out), &decoded) != nil || json.Unmarshal([]byte(decoded.DecodedMessage), &doc) != nil ||
		doc.Allowed || doc.Context.Action != "StopInstances" || !strings.HasSuffix(doc.Context.Principal.Arn, ":assumed-role/TestRole/demo") {
		t.Errorf("aws sts decode-authorization-message = %+v; want the refusal decoded", r[0])
	}
	if r[1].code != 254 || !strings.Contains(r[1].errOut, "(AccessDenied) when calling the DecodeAuthorizationMessage operation") {
		t.Errorf("aws sts decode-authorization-message by TestRole = %+v; want AccessDenied", r[1])
	}
}
