package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/sigv4"
)

// The STS API reference samples (PROTOCOL.md 1.3, 1.4), as STS sends them.
const (
	callerIdentityXML = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`
	assumeRoleXML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
  <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWEXAMPLE</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`
	decodedMessage  = `{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},"context":{"principal":{"id":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::123456789012:user/Alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:123456789012:instance/*","conditions":{"items":[]}}}`
	accessDeniedXML = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/Alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo</Message>
  </Error>
  <RequestId>4fc0d3ee-efef-11e9-9282-3b7bffe54a9b</RequestId>
</ErrorResponse>
`
)

// signedSTS is a loopback STS that checks every request's signature with sigv4.Verify against
// exampleCreds at fixedNow, answers SignatureDoesNotMatch when it fails, and otherwise answers
// by Action. It keeps the forms it received.
type signedSTS struct {
	*httptest.Server
	mu    sync.Mutex
	forms []url.Values
}

func newSignedSTS(t *testing.T) *signedSTS {
	st := &signedSTS{}
	st.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		st.mu.Lock()
		st.forms = append(st.forms, form)
		st.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		if _, err := sigv4.Verify(r, body, func(string) (sigv4.Credentials, error) { return exampleCreds, nil }, fixedNow,
			sigv4.VerifyOptions{Service: "sts", Region: "us-east-1"}); err != nil {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>`+err.Error()+`</Message></Error><RequestId>sig</RequestId></ErrorResponse>`)
			return
		}
		switch form.Get("Action") {
		case "GetCallerIdentity":
			io.WriteString(w, callerIdentityXML)
		case "AssumeRole":
			if form.Get("RoleArn") == "arn:aws:iam::123456789012:role/denied" {
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, accessDeniedXML)
				return
			}
			io.WriteString(w, assumeRoleXML)
		case "DecodeAuthorizationMessage":
			io.WriteString(w, `<DecodeAuthorizationMessageResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><DecodeAuthorizationMessageResult><DecodedMessage>`)
			xmlEscape(w, decodedMessage)
			io.WriteString(w, `</DecodedMessage></DecodeAuthorizationMessageResult><ResponseMetadata><RequestId>d</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>`)
		}
	}))
	t.Cleanup(st.Close)
	return st
}

func xmlEscape(w io.Writer, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	io.WriteString(w, r.Replace(s))
}

func (st *signedSTS) env() map[string]string {
	env := exampleEnv()
	env["AWS_ENDPOINT_URL_STS"] = st.URL
	env["AWS_MAX_ATTEMPTS"] = "1"
	return env
}

func TestWhoami(t *testing.T) {
	st := newSignedSTS(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"text", nil, "Account  123456789012\nArn      arn:aws:iam::123456789012:user/Alice\nUserId   AIDACKCEVSQ6C2EXAMPLE\n"},
		{"json", []string{"--output", "json"}, "{\n    \"UserId\": \"AIDACKCEVSQ6C2EXAMPLE\",\n    \"Account\": \"123456789012\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/Alice\"\n}\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, st.env(), "", nil, append([]string{"whoami"}, tt.args...)...)
			if r.code != exitOK || r.stdout != tt.want || r.stderr != "" {
				t.Errorf("rawsts whoami %v: exit %d, stderr %q, stdout\n%s\nwant\n%s", tt.args, r.code, r.stderr, r.stdout, tt.want)
			}
		})
	}
}

func TestWhoamiErrors(t *testing.T) {
	st := newSignedSTS(t)
	wrong := st.env()
	wrong["AWS_SECRET_ACCESS_KEY"] = "wrongwrongwrongwrongwrongwrongwrongwrong"
	r := runCLI(t, wrong, "", nil, "whoami")
	if r.code != exitRefused || !strings.Contains(r.stderr, "rawsts: SignatureDoesNotMatch") || strings.Contains(r.stderr, "wrongwrong") {
		t.Errorf("wrong secret: exit %d, stderr %q; want 1 and SignatureDoesNotMatch without the secret", r.code, r.stderr)
	}
	r = runCLI(t, map[string]string{"HOME": t.TempDir(), "AWS_ENDPOINT_URL_STS": st.URL}, "", nil, "whoami")
	if r.code != exitUsage || !strings.Contains(r.stderr, "cannot sign: no AWS credentials") {
		t.Errorf("no credentials: exit %d, stderr %q; want 2", r.code, r.stderr)
	}
	if r := runCLI(t, st.env(), "", nil, "whoami", "--output", "yaml"); r.code != exitUsage {
		t.Errorf("--output yaml: exit %d; want 2", r.code)
	}
	if len(st.forms) != 1 {
		t.Errorf("the server received %d requests; want 1 (only the wrong-secret one)", len(st.forms))
	}
}

func TestWhoamiTraceRedacts(t *testing.T) {
	st := newSignedSTS(t)
	r := runCLI(t, st.env(), "", nil, "whoami", "--trace")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, secret := range []string{exampleCreds.SecretAccessKey, exampleCreds.SessionToken} {
		if strings.Contains(r.stderr, secret) {
			t.Errorf("--trace shows a secret:\n%s", r.stderr)
		}
	}
}

func TestAssumeRoleOutputs(t *testing.T) {
	st := newSignedSTS(t)
	for _, output := range []string{"env", "json", "credential-process", "ini"} {
		t.Run(output, func(t *testing.T) {
			r := runCLI(t, st.env(), "", nil, "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/demo",
				"--role-session-name", "TestAR", "--output", output)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "assume-role.doc-sample."+output+".txt"), []byte(r.stdout))
		})
	}
}

// TestAssumeRoleSendsEveryField: each flag lands in its form field (the doc sample request's
// parameters), and the request is signed.
func TestAssumeRoleSendsEveryField(t *testing.T) {
	st := newSignedSTS(t)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	r := runCLI(t, st.env(), "", nil, "assume-role",
		"--role-arn", "arn:aws:iam::123456789012:role/demo", "--role-session-name", "testAR",
		"--policy-arn", "arn:aws:iam::123456789012:policy/demopolicy1", "--policy-arn", "arn:aws:iam::123456789012:policy/demopolicy2",
		"--policy", policy, "--duration-seconds", "3600",
		"--tag", "Project=Pegasus", "--tag", "Team=Engineering", "--tag", "Cost-Center=12345",
		"--transitive-tag-key", "Project", "--transitive-tag-key", "Cost-Center",
		"--external-id", "123ABC", "--source-identity", "Alice",
		"--serial-number", "arn:aws:iam::123456789012:mfa/Alice", "--token-code", "123456",
		"--output", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := url.Values{
		"Action": {"AssumeRole"}, "Version": {"2011-06-15"},
		"RoleArn": {"arn:aws:iam::123456789012:role/demo"}, "RoleSessionName": {"testAR"},
		"PolicyArns.member.1.arn": {"arn:aws:iam::123456789012:policy/demopolicy1"},
		"PolicyArns.member.2.arn": {"arn:aws:iam::123456789012:policy/demopolicy2"},
		"Policy":                  {policy}, "DurationSeconds": {"3600"},
		"Tags.member.1.Key": {"Project"}, "Tags.member.1.Value": {"Pegasus"},
		"Tags.member.2.Key": {"Team"}, "Tags.member.2.Value": {"Engineering"},
		"Tags.member.3.Key": {"Cost-Center"}, "Tags.member.3.Value": {"12345"},
		"TransitiveTagKeys.member.1": {"Project"}, "TransitiveTagKeys.member.2": {"Cost-Center"},
		"ExternalId": {"123ABC"}, "SourceIdentity": {"Alice"},
		"SerialNumber": {"arn:aws:iam::123456789012:mfa/Alice"}, "TokenCode": {"123456"},
	}
	got := st.forms[0]
	for k := range want {
		if got.Get(k) != want.Get(k) {
			t.Errorf("form %s = %q; want %q", k, got.Get(k), want.Get(k))
		}
	}
	if len(got) != len(want) {
		t.Errorf("form has %d fields; want %d: %v", len(got), len(want), got)
	}
}

func TestAssumeRoleErrors(t *testing.T) {
	st := newSignedSTS(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"access denied", []string{"--role-arn", "arn:aws:iam::123456789012:role/denied"}, exitRefused, "rawsts: AccessDenied: User: arn:aws:iam::123456789012:user/Alice is not authorized"},
		{"no role", nil, exitUsage, "no role"},
		{"bad role", []string{"--role-arn", "arn:aws:iam::123456789012:user/Alice"}, exitUsage, "rawsts: --role-arn: "},
		{"bad tag", []string{"--role-arn", "arn:aws:iam::123456789012:role/demo", "--tag", "novalue"}, exitUsage, "Key=Value"},
		{"token code without serial", []string{"--role-arn", "arn:aws:iam::123456789012:role/demo", "--token-code", "123456"}, exitUsage, "nothing was sent"},
		{"bad output", []string{"--role-arn", "arn:aws:iam::123456789012:role/demo", "--output", "yaml"}, exitUsage, "--output"},
		{"source profile absent", []string{"--role-arn", "arn:aws:iam::123456789012:role/demo", "--source-profile", "nope"}, exitUsage, "cannot sign: profile [nope]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := st.env()
			env["AWS_SHARED_CREDENTIALS_FILE"] = filepath.Join(t.TempDir(), "credentials")
			r := runCLI(t, env, "", nil, append([]string{"assume-role"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", r.code, r.stdout, r.stderr, tt.code, tt.want)
			}
		})
	}
	if len(st.forms) != 1 {
		t.Errorf("the server received %d requests; want only the access-denied one", len(st.forms))
	}
}

// TestAssumeRoleDryRun: --dry-run prints the signed request, which passes sigv4.Verify, and
// sends nothing.
func TestAssumeRoleDryRun(t *testing.T) {
	st := newSignedSTS(t)
	r := runCLI(t, st.env(), "", nil, "assume-role", "--dry-run", "--role-arn", "arn:aws:iam::123456789012:role/demo", "--role-session-name", "TestAR")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if len(st.forms) != 0 {
		t.Errorf("--dry-run sent %d requests", len(st.forms))
	}
	fr := parseDryRun(t, r.stdout)
	form, _ := url.ParseQuery(string(fr.Body))
	if fr.Method != "POST" || form.Get("Action") != "AssumeRole" || form.Get("RoleSessionName") != "TestAR" {
		t.Errorf("--dry-run printed %s with form %v", fr.Method, form)
	}
	req, body := requestFromFixture(t, fr)
	if _, err := sigv4.Verify(req, body, func(string) (sigv4.Credentials, error) { return exampleCreds, nil }, fixedNow,
		sigv4.VerifyOptions{Service: "sts", Region: "us-east-1"}); err != nil {
		t.Errorf("sigv4.Verify(--dry-run output) = %v", err)
	}
	if !strings.Contains(r.stdout, "X-Amz-Security-Token: "+exampleCreds.SessionToken+"\n") {
		t.Errorf("--dry-run lacks the session token header:\n%s", r.stdout)
	}
}

func TestDecodeAuthorizationMessage(t *testing.T) {
	st := newSignedSTS(t)
	for _, tt := range []struct {
		name  string
		args  []string
		stdin string
	}{
		{"argument", []string{"EXAMPLEencodedmessage"}, ""},
		{"stdin with the AWS error around it", []string{"-"}, "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: EXAMPLEencodedmessage\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := len(st.forms)
			r := runCLI(t, st.env(), tt.stdin, nil, append([]string{"decode-authorization-message"}, tt.args...)...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if got := st.forms[n].Get("EncodedMessage"); got != "EXAMPLEencodedmessage" {
				t.Errorf("EncodedMessage = %q; want EXAMPLEencodedmessage", got)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", "decode-authorization-message.txt"), []byte(r.stdout))
		})
	}
	if r := runCLI(t, st.env(), "", nil, "decode-authorization-message"); r.code != exitUsage {
		t.Errorf("no message: exit %d; want 2", r.code)
	}
	if r := runCLI(t, st.env(), "  \n", nil, "decode-authorization-message", "-"); r.code != exitUsage || !strings.Contains(r.stderr, "rawsts: the encoded message is required") {
		t.Errorf("empty message: exit %d, stderr %q; want 2 naming the encoded message", r.code, r.stderr)
	}
}
