package main

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
)

// The SigV4 test suite's credentials and time (sigv4/testdata/suite).
var suiteEnv = map[string]string{
	"AWS_ACCESS_KEY_ID":     "AKIDEXAMPLE",
	"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}

// AWS's documented example keys with a made-up session token.
var exampleCreds = sigv4.Credentials{
	AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	SessionToken:    "FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLEtoken+abc/def==",
}

func exampleEnv() map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":     exampleCreds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": exampleCreds.SecretAccessKey,
		"AWS_SESSION_TOKEN":     exampleCreds.SessionToken,
	}
}

// TestSignDryRunPrintsSuiteRequest: get-vanilla of the SigV4 suite, signed at the suite's time
// with the suite's keys, is exactly the suite's signed request (get-vanilla.sreq), in the
// "Name: value" header form.
func TestSignDryRunPrintsSuiteRequest(t *testing.T) {
	r := runCLI(t, suiteEnv, "", nil, "sign", "--dry-run", "--time", "20150830T123600Z",
		"--service", "service", "--region", "us-east-1", "https://example.amazonaws.com/")
	want := "GET / HTTP/1.1\n" +
		"Host: example.amazonaws.com\n" +
		"X-Amz-Date: 20150830T123600Z\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\n" +
		"\n"
	if r.code != exitOK || r.stdout != want || r.stderr != "" {
		t.Errorf("rawsts sign --dry-run get-vanilla: exit %d, stderr %q, stdout\n%s\nwant\n%s", r.code, r.stderr, r.stdout, want)
	}
}

// TestSignPresignSuiteQuery: --presign gives the suite's query-form signature of get-vanilla.
func TestSignPresignSuiteQuery(t *testing.T) {
	r := runCLI(t, suiteEnv, "", nil, "sign", "--presign", "--expires", "3600", "--time", "2015-08-30T12:36:00Z",
		"--service", "service", "--region", "us-east-1", "https://example.amazonaws.com/")
	want := "https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d\n"
	if r.code != exitOK || r.stdout != want {
		t.Errorf("rawsts sign --presign: exit %d, stderr %q, stdout %q; want %q", r.code, r.stderr, r.stdout, want)
	}
}

// requestFromFixture turns a parsed fixture request back into the *http.Request a server sees.
func requestFromFixture(t *testing.T, fr fixture.Request) (*http.Request, []byte) {
	t.Helper()
	u, err := url.ParseRequestURI(fr.Target)
	if err != nil {
		t.Fatal(err)
	}
	r := &http.Request{Method: fr.Method, URL: u, Header: fr.Header.Clone(), Host: fr.Header.Get("Host"),
		ContentLength: int64(len(fr.Body)), Body: io.NopCloser(bytes.NewReader(fr.Body))}
	delete(r.Header, "Host")
	return r, fr.Body
}

// parseDryRun reads `rawsts sign --dry-run` output as the request section of a fixture file.
func parseDryRun(t *testing.T, stdout string) fixture.Request {
	t.Helper()
	c, err := fixture.Parse("dry-run.txt", []byte("-- request --\n"+stdout+"-- response --\nHTTP/1.1 200 OK\n\n"))
	if err != nil {
		t.Fatalf("--dry-run output is not a fixture request: %v\n%s", err, stdout)
	}
	return c.Exchanges[0].Request
}

// TestSignDryRunIsAFixtureRequest: the --dry-run text pasted into a fixture parses, carries what
// the signer produced for the same request, and passes sigv4.Verify; a tampered copy fails it,
// naming what differed.
func TestSignDryRunIsAFixtureRequest(t *testing.T) {
	const body = "Action=GetCallerIdentity&Version=2011-06-15"
	r := runCLI(t, exampleEnv(), "", nil, "sign", "--dry-run", "--verbose", "-H", "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
		"-d", body, "https://sts.amazonaws.com/")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	fr := parseDryRun(t, r.stdout)
	if fr.Method != "POST" || fr.Target != "/" || string(fr.Body) != body {
		t.Errorf("parsed %s %s body %q; want POST / %q", fr.Method, fr.Target, fr.Body, body)
	}

	// The same request signed directly: every header the signer set must be in the text.
	direct, _ := http.NewRequest("POST", "https://sts.amazonaws.com/", strings.NewReader(body))
	direct.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sig, err := new(sigv4.Signer).SignHTTP(direct, exampleCreds, sigv4.HashPayload([]byte(body)), "sts", "us-east-1", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token", "Content-Type"} {
		if got, want := fr.Header.Get(h), direct.Header.Get(h); got != want {
			t.Errorf("--dry-run %s = %q; the signer set %q", h, got, want)
		}
	}
	if got := fr.Header.Get("Host"); got != "sts.amazonaws.com" {
		t.Errorf("--dry-run Host = %q; want sts.amazonaws.com", got)
	}
	if !strings.Contains(r.stderr, "rawsts: string to sign:\n"+sig.StringToSign+"\n") {
		t.Errorf("--verbose lacks the string to sign %q:\n%s", sig.StringToSign, r.stderr)
	}
	if strings.Contains(r.stderr, exampleCreds.SessionToken) || strings.Contains(r.stderr, exampleCreds.SecretAccessKey) {
		t.Errorf("--verbose shows a secret:\n%s", r.stderr)
	}

	lookup := func(id string) (sigv4.Credentials, error) {
		if id != exampleCreds.AccessKeyID {
			return sigv4.Credentials{}, errors.New("unknown")
		}
		return exampleCreds, nil
	}
	req, b := requestFromFixture(t, fr)
	if _, err := sigv4.Verify(req, b, lookup, fixedNow, sigv4.VerifyOptions{Service: "sts", Region: "us-east-1"}); err != nil {
		t.Fatalf("sigv4.Verify(--dry-run request) = %v; want it to pass", err)
	}

	tampered := strings.Replace(r.stdout, "Content-Type: application/x-www-form-urlencoded; charset=utf-8", "Content-Type: application/x-www-form-urlencoded", 1)
	req, b = requestFromFixture(t, parseDryRun(t, tampered))
	_, err = sigv4.Verify(req, b, lookup, fixedNow, sigv4.VerifyOptions{ClientCanonicalRequest: sig.CanonicalRequest})
	if !errors.Is(err, sigv4.ErrSignatureMismatch) {
		t.Fatalf("sigv4.Verify(tampered) = %v; want ErrSignatureMismatch", err)
	}
	for _, want := range []string{"header content-type", `"content-type:application/x-www-form-urlencoded; charset=utf-8"`, `"content-type:application/x-www-form-urlencoded"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("sigv4.Verify(tampered) = %q; want it to name %s", err, want)
		}
	}
}

// signServer is a loopback server that checks each request with sigv4.Verify and answers
// status with a body that says what it received.
func signServer(t *testing.T, status int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, err := sigv4.Verify(r, body, func(string) (sigv4.Credentials, error) { return exampleCreds, nil }, fixedNow,
			sigv4.VerifyOptions{Service: "sts", Region: "us-east-1"})
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "signature: "+err.Error()+"\n")
			return
		}
		w.Header().Set("X-Test", "yes")
		w.WriteHeader(status)
		io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type")+" "+string(body)+"\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSignSendsToServer(t *testing.T) {
	dataFile := filepath.Join(t.TempDir(), "body")
	writeFile(t, dataFile, "Action=GetCallerIdentity&\r\nVersion=2011-06-15\n")
	policyFile := filepath.Join(t.TempDir(), "policy.json")
	writeFile(t, policyFile, "{\"Version\": \"2012-10-17\"}\n")
	for _, tt := range []struct {
		name   string
		status int
		args   []string
		stdin  string
		code   int
		stdout string
	}{
		{"POST form", 200, []string{"-d", "Action=GetCallerIdentity", "-d", "Version=2011-06-15"}, "", exitOK,
			"POST / application/x-www-form-urlencoded Action=GetCallerIdentity&Version=2011-06-15\n"},
		{"data from a file, newlines dropped", 200, []string{"-d", "@" + dataFile}, "", exitOK,
			"POST / application/x-www-form-urlencoded Action=GetCallerIdentity&Version=2011-06-15\n"},
		{"data-binary from stdin", 200, []string{"--data-binary", "@-", "-H", "Content-Type: application/json"}, "{\"a\":1}\n", exitOK,
			"POST / application/json {\"a\":1}\n\n"},
		{"data-urlencode: name=text, name@file, =text", 200, []string{"-d", "Action=UpdateAssumeRolePolicy", "--data-urlencode", "RoleName=a b&c",
			"--data-urlencode", "PolicyDocument@" + policyFile, "--data-urlencode", "=x/y"}, "", exitOK,
			"POST / application/x-www-form-urlencoded Action=UpdateAssumeRolePolicy&RoleName=a+b%26c&PolicyDocument=%7B%22Version%22%3A+%222012-10-17%22%7D%0A&x%2Fy\n"},
		{"GET with a query", 200, []string{"--request", "get"}, "", exitOK, "GET /?x=1  \n"},
		{"include", 200, []string{"-i", "-X", "DELETE"}, "", exitOK, "HTTP/1.1 200 OK\nContent-Length: 15\nContent-Type: text/plain; charset=utf-8\nDate: *\nX-Test: yes\n\nDELETE /?x=1  \n"},
		{"refused: body printed, exit 1", 403, []string{"-d", "x=1"}, "", exitRefused, "POST / application/x-www-form-urlencoded x=1\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := signServer(t, tt.status)
			target := srv.URL + "/"
			if !strings.Contains(strings.Join(tt.args, " "), "-d") && !strings.Contains(strings.Join(tt.args, " "), "--data") {
				target = srv.URL + "/?x=1"
			}
			args := append([]string{"sign", "--service", "sts", "--region", "us-east-1", target}, tt.args...)
			r := runCLI(t, exampleEnv(), tt.stdin, nil, args...)
			got := r.stdout
			if i := strings.Index(got, "Date: "); i >= 0 {
				j := strings.IndexByte(got[i:], '\n')
				got = got[:i] + "Date: *" + got[i+j:]
			}
			if r.code != tt.code || got != tt.stdout {
				t.Errorf("rawsts %s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q", strings.Join(args, " "), r.code, got, r.stderr, tt.code, tt.stdout)
			}
			if tt.code == exitRefused && !strings.Contains(r.stderr, "403 Forbidden") {
				t.Errorf("stderr = %q; want it to name the status", r.stderr)
			}
		})
	}
}

func TestSignUsageErrorsSendNothing(t *testing.T) {
	srv, n := countingServer(t)
	creds := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, creds, "[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no URL", exampleEnv(), nil, "no URL"},
		{"two URLs", exampleEnv(), []string{srv.URL, srv.URL}, "one URL only"},
		{"no credentials", map[string]string{"HOME": t.TempDir()}, []string{"--service", "s", "--region", "r", srv.URL}, "cannot sign: no AWS credentials"},
		{"half a profile", map[string]string{"AWS_SHARED_CREDENTIALS_FILE": creds}, []string{"--profile", "ci", "--service", "s", "--region", "r", srv.URL}, "is set but aws_secret_access_key is not"},
		{"absent profile", map[string]string{"AWS_SHARED_CREDENTIALS_FILE": creds}, []string{"--profile", "prod", "--service", "s", "--region", "r", srv.URL}, "cannot sign: profile [prod]"},
		{"missing credentials file", map[string]string{"AWS_SHARED_CREDENTIALS_FILE": creds + ".absent"}, []string{"--profile", "ci", "--service", "s", "--region", "r", srv.URL}, "is in neither"},
		{"scope of a test server", exampleEnv(), []string{srv.URL}, "pass --service and --region"},
		{"region of an unknown global host", exampleEnv(), []string{"https://example.amazonaws.com/"}, "cannot infer the region"},
		{"bad header", exampleEnv(), []string{"-H", "NoColon", "--service", "s", "--region", "r", srv.URL}, "want 'Name: value'"},
		{"bad time", exampleEnv(), []string{"--time", "yesterday", "--service", "s", "--region", "r", srv.URL}, "--time"},
		{"plain http elsewhere", exampleEnv(), []string{"http://sts.amazonaws.com/"}, "not loopback"},
		{"expires too long", exampleEnv(), []string{"--presign", "--expires", "604801", srv.URL}, "--expires"},
		{"presign and dry-run", exampleEnv(), []string{"--presign", "--dry-run", srv.URL}, "--presign"},
		{"missing data file", exampleEnv(), []string{"-d", "@" + creds + ".absent", "--service", "s", "--region", "r", srv.URL}, "reading the body"},
		{"missing data-urlencode file", exampleEnv(), []string{"--data-urlencode", "P@" + creds + ".absent", "--service", "s", "--region", "r", srv.URL}, "reading the body"},
		{"data-urlencode and data-binary", exampleEnv(), []string{"--data-urlencode", "a=b", "--data-binary", "c", "--service", "s", "--region", "r", srv.URL}, "not both"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", nil, append([]string{"sign"}, tt.args...)...)
			if r.code != exitUsage || !strings.HasPrefix(r.stderr, "rawsts") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and a rawsts message containing %q", r.code, r.stderr, exitUsage, tt.want)
			}
			if strings.Contains(r.stderr, exampleCreds.SecretAccessKey) {
				t.Errorf("stderr shows the secret key: %q", r.stderr)
			}
		})
	}
	if got := n.Load(); got != 0 {
		t.Errorf("the server received %d requests; want none", got)
	}
}

func TestSignProfileWinsOverEnvironment(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, creds, "[ci]\naws_access_key_id = AKIDPROFILEEXAMPLE\naws_secret_access_key = "+exampleCreds.SecretAccessKey+"\n")
	env := exampleEnv()
	env["AWS_SHARED_CREDENTIALS_FILE"] = creds
	r := runCLI(t, env, "", nil, "sign", "--dry-run", "--verbose", "--profile", "ci", "https://sts.amazonaws.com/")
	if r.code != exitOK || !strings.Contains(r.stdout, "Credential=AKIDPROFILEEXAMPLE/") || strings.Contains(r.stdout, "X-Amz-Security-Token") {
		t.Errorf("exit %d, stdout %q; want a request signed with the profile's key and no session token", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "profile [ci] of "+creds) {
		t.Errorf("--verbose does not say where the credentials came from: %q", r.stderr)
	}
}

func TestSignClosedPortExitsThree(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	r := runCLI(t, exampleEnv(), "", nil, "sign", "--service", "sts", "--region", "us-east-1", "--timeout", "5s", url)
	if r.code != exitTransport || !strings.HasPrefix(r.stderr, "rawsts: ") {
		t.Errorf("exit %d, stderr %q; want %d", r.code, r.stderr, exitTransport)
	}
}

func TestSignS3AddsPayloadHash(t *testing.T) {
	r := runCLI(t, exampleEnv(), "", nil, "sign", "--dry-run", "--verbose", "https://examplebucket.s3.eu-west-1.amazonaws.com/my%20photos/a.jpg")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"GET /my%20photos/a.jpg HTTP/1.1\n", "X-Amz-Content-Sha256: " + sigv4.EmptyPayloadHash + "\n", "/eu-west-1/s3/aws4_request"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "service s3 and region eu-west-1 inferred from the host examplebucket.s3.eu-west-1.amazonaws.com") {
		t.Errorf("--verbose does not say what it inferred: %q", r.stderr)
	}
	r = runCLI(t, exampleEnv(), "", nil, "sign", "--presign", "--time", "20150830T123600Z", "https://examplebucket.s3.amazonaws.com/test.txt")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=") ||
		!strings.Contains(r.stdout, "X-Amz-Expires=900&") || !strings.Contains(r.stdout, "%2Fus-east-1%2Fs3%2F") {
		t.Errorf("presign S3: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestInferScope(t *testing.T) {
	for _, tt := range []struct {
		host, service, region string
	}{
		{"sts.amazonaws.com", "sts", "us-east-1"},
		{"sts.eu-west-1.amazonaws.com", "sts", "eu-west-1"},
		{"sts-fips.us-east-2.amazonaws.com", "sts", "us-east-2"},
		{"sts.us-gov-west-1.amazonaws.com", "sts", "us-gov-west-1"},
		{"sts.cn-north-1.amazonaws.com.cn", "sts", "cn-north-1"},
		{"STS.EU-WEST-1.AMAZONAWS.COM:443", "sts", "eu-west-1"},
		{"iam.amazonaws.com", "iam", "us-east-1"},
		{"iam.us-gov.amazonaws.com", "iam", "us-gov-west-1"},
		{"ec2.amazonaws.com", "ec2", "us-east-1"},
		{"ec2.ap-southeast-2.amazonaws.com", "ec2", "ap-southeast-2"},
		{"cognito-idp.eu-central-1.amazonaws.com", "cognito-idp", "eu-central-1"},
		{"s3.amazonaws.com", "s3", "us-east-1"},
		{"s3.eu-west-1.amazonaws.com", "s3", "eu-west-1"},
		{"s3-eu-west-1.amazonaws.com", "s3", "eu-west-1"},
		{"s3-external-1.amazonaws.com", "s3", "us-east-1"},
		{"examplebucket.s3.amazonaws.com", "s3", "us-east-1"},
		{"examplebucket.s3.eu-west-1.amazonaws.com", "s3", "eu-west-1"},
		{"my.dotted.bucket.s3-us-west-2.amazonaws.com", "s3", "us-west-2"},
		{"s3.dualstack.eu-west-1.amazonaws.com", "s3", "eu-west-1"},
		{"123456789012.s3-control.us-east-1.amazonaws.com", "s3", "us-east-1"},
		{"abc123.execute-api.us-east-1.amazonaws.com", "execute-api", "us-east-1"},
		{"streams.dynamodb.us-west-2.amazonaws.com", "dynamodb", "us-west-2"},
		{"email.eu-west-1.amazonaws.com", "ses", "eu-west-1"},
		{"api.ecr.us-east-1.amazonaws.com", "ecr", "us-east-1"},
		{"vpce-0abc.sts.us-east-1.vpce.amazonaws.com", "sts", "us-east-1"},
		{"abcdefg.lambda-url.us-east-1.on.aws", "lambda", "us-east-1"},
	} {
		service, region, err := inferScope(tt.host)
		if err != nil || service != tt.service || region != tt.region {
			t.Errorf("inferScope(%q) = %q, %q, %v; want %q, %q", tt.host, service, region, err, tt.service, tt.region)
		}
	}
	for _, host := range []string{"example.com", "127.0.0.1:8080", "localhost", "amazonaws.com", "example.amazonaws.com", "us-east-1.amazonaws.com", "evil.amazonaws.com.example.com"} {
		if s, r, err := inferScope(host); err == nil {
			t.Errorf("inferScope(%q) = %q, %q, nil; want an error", host, s, r)
		}
	}
}

// TestSignResponseHeadIsAFixtureResponse: the -i text parses as a fixture response.
func TestSignResponseHeadIsAFixtureResponse(t *testing.T) {
	srv := signServer(t, http.StatusOK)
	r := runCLI(t, exampleEnv(), "", nil, "sign", "-i", "--service", "sts", "--region", "us-east-1", "-d", "a=b", srv.URL)
	c, err := fixture.Parse("i.txt", []byte("-- request --\nGET / HTTP/1.1\nHost: x\n\n-- response --\n"+r.stdout))
	if err != nil {
		t.Fatalf("-i output is not a fixture response: %v\n%s", err, r.stdout)
	}
	if resp := c.Exchanges[0].Response; resp.StatusCode != 200 || resp.Header.Get("X-Test") != "yes" || !strings.HasPrefix(string(resp.Body), "POST /") {
		t.Errorf("parsed %d %v %q", resp.StatusCode, resp.Header, resp.Body)
	}
}
