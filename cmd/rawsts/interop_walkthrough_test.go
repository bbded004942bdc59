package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rawsts/rawsts/ststest"
)

// awsCall is one AWS CLI run: its arguments (after the endpoint), environment, and result.
type awsCall struct {
	env      []string
	args     []string
	code     int
	out, err string
}

// runAWSCalls runs the AWS CLI calls at once (each spends seconds starting Python) against
// endpoint, filling in their results.
func runAWSCalls(t *testing.T, aws, endpoint string, calls ...*awsCall) {
	t.Helper()
	var wg sync.WaitGroup
	for _, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(aws, append(c.args, "--endpoint-url", endpoint)...)
			cmd.Env = c.env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			c.out, c.err = stdout.String(), stderr.String()
			if ee, ok := err.(*exec.ExitError); ok {
				c.code = ee.ExitCode()
			} else if err != nil {
				c.code, c.err = -1, err.Error()
			}
		}()
	}
	wg.Wait()
}

// TestInteropWalkthroughAWSCLI runs the walkthrough in order with the real AWS CLI v2 against
// the default emulator, as a reader types it: the Cognito logins (admin-initiate-auth, signed
// with the admin's key, and initiate-auth), the ID token exchanged by
// assume-role-with-web-identity, get-caller-identity with the credentials, ec2
// describe-instances refused with the walkthrough's exit status and message, s3api
// list-buckets allowed, and then the same role through a credential_process profile that runs
// rawsts. The CLI runs with a clean environment (a temporary HOME, no AWS_* of the machine's,
// --endpoint-url, which Debian's 2.9.19 needs: it ignores AWS_ENDPOINT_URL).
func TestInteropWalkthroughAWSCLI(t *testing.T) {
	t.Parallel() // the AWS CLI takes seconds to start: overlap with the package's other tests
	aws := awsCLI(t)
	bin, err := buildRawsts()
	if err != nil {
		t.Fatal(err)
	}
	srv := ststest.NewServer()
	defer srv.Close()
	home := t.TempDir()
	noKeys := awsEnv(home, "AWS_CONFIG_FILE=/dev/null")
	admin := awsEnv(home, "AWS_CONFIG_FILE=/dev/null", "AWS_ACCESS_KEY_ID="+ststest.UserAccessKeyID, "AWS_SECRET_ACCESS_KEY="+ststest.UserSecretAccessKey)
	params := `{"USERNAME":"` + ststest.DefaultUsername + `","PASSWORD":"` + ststest.DefaultPassword + `"}`

	adminAuth := &awsCall{env: admin, args: []string{"cognito-idp", "admin-initiate-auth", "--user-pool-id", ststest.DefaultPoolID,
		"--client-id", ststest.DefaultClientID, "--auth-flow", "ADMIN_USER_PASSWORD_AUTH", "--auth-parameters", params, "--output", "json"}}
	userAuth := &awsCall{env: noKeys, args: []string{"cognito-idp", "initiate-auth", "--client-id", ststest.DefaultClientID,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", params, "--output", "json"}}
	runAWSCalls(t, aws, srv.URL, adminAuth, userAuth)
	idToken := func(c *awsCall) string {
		var r struct{ AuthenticationResult struct{ IdToken string } }
		if c.code != 0 || json.Unmarshal([]byte(c.out), &r) != nil || r.AuthenticationResult.IdToken == "" {
			t.Fatalf("aws %s = exit %d\n%s\n%s; want an ID token", strings.Join(c.args[:2], " "), c.code, c.out, c.err)
		}
		return r.AuthenticationResult.IdToken
	}
	token := idToken(adminAuth)
	idToken(userAuth)

	assume := &awsCall{env: noKeys, args: []string{"sts", "assume-role-with-web-identity", "--role-arn", ststest.DefaultRoleArn,
		"--role-session-name", "demo", "--web-identity-token", token, "--output", "json"}}
	runAWSCalls(t, aws, srv.URL, assume)
	var assumed struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	if assume.code != 0 || json.Unmarshal([]byte(assume.out), &assumed) != nil || assumed.Credentials.SessionToken == "" {
		t.Fatalf("aws sts assume-role-with-web-identity with the pool's ID token = exit %d\n%s\n%s", assume.code, assume.out, assume.err)
	}
	c := assumed.Credentials
	role := awsEnv(home, "AWS_CONFIG_FILE=/dev/null", "AWS_ACCESS_KEY_ID="+c.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey, "AWS_SESSION_TOKEN="+c.SessionToken)

	tokenFile := filepath.Join(home, "id-token.jwt")
	config := filepath.Join(home, "config")
	writeFile(t, tokenFile, token)
	writeFile(t, config, "[profile walkthrough]\ncredential_process = "+bin+" assume --endpoint "+srv.URL+" --role-arn "+ststest.DefaultRoleArn+
		" --role-session-name cp --web-identity-token-file "+tokenFile+" --output credential-process --no-cache\n")
	profile := awsEnv(home, "AWS_CONFIG_FILE="+config, "AWS_PROFILE=walkthrough")

	whoami := &awsCall{env: role, args: []string{"sts", "get-caller-identity", "--output", "json"}}
	ec2 := &awsCall{env: role, args: []string{"ec2", "describe-instances"}}
	s3 := &awsCall{env: role, args: []string{"s3api", "list-buckets", "--output", "json"}}
	cpWhoami := &awsCall{env: profile, args: []string{"sts", "get-caller-identity", "--output", "json"}}
	cpS3 := &awsCall{env: profile, args: []string{"s3api", "list-buckets", "--output", "json"}}
	runAWSCalls(t, aws, srv.URL, whoami, ec2, s3, cpWhoami, cpS3)

	for _, w := range []struct {
		c   *awsCall
		arn string
	}{{whoami, "assumed-role/TestRole/demo"}, {cpWhoami, "assumed-role/TestRole/cp"}} {
		var who struct{ Arn string }
		if w.c.code != 0 || json.Unmarshal([]byte(w.c.out), &who) != nil || !strings.HasSuffix(who.Arn, ":"+w.arn) {
			t.Errorf("aws sts get-caller-identity (%s) = exit %d\n%s\n%s; want the Arn …:%s", w.arn, w.c.code, w.c.out, w.c.err, w.arn)
		}
	}
	want := "An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: You are not authorized to perform this operation. " +
		"User: arn:aws:sts::123456789012:assumed-role/TestRole/demo is not authorized to perform: ec2:DescribeInstances " +
		"because no identity-based policy allows the ec2:DescribeInstances action"
	if ec2.code != 254 || strings.TrimSpace(ec2.err) != want || ec2.out != "" {
		t.Errorf("aws ec2 describe-instances = exit %d\n%s\n%s; want exit 254 and %q", ec2.code, ec2.out, ec2.err, want)
	}
	for _, l := range []*awsCall{s3, cpS3} {
		var buckets struct{ Buckets []struct{ Name string } }
		if l.code != 0 || json.Unmarshal([]byte(l.out), &buckets) != nil || len(buckets.Buckets) != 1 || buckets.Buckets[0].Name != "amzn-s3-demo-bucket" {
			t.Errorf("aws s3api list-buckets (%s) = exit %d\n%s\n%s; want amzn-s3-demo-bucket", strings.Join(l.env[len(l.env)-1:], ""), l.code, l.out, l.err)
		}
	}
}
