package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Tests against servers that inject terminal controls: server text prints on one line, and
// cannot forge a line of rawsts's own.

// assertOneLinePerMessage: every stderr line is a rawsts line, none forged, no control
// character left (trace lines, when traced, start with "> " or "< ").
func assertOneLinePerMessage(t *testing.T, stderr string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "rawsts: forged"):
			t.Errorf("stderr has a forged line %q", line)
		case strings.ContainsAny(line, "\x1b\r\u009b\u202e\u2028"):
			t.Errorf("stderr line %q holds a control character", line)
		case line == "" || line == ">" || line == "<" || strings.HasPrefix(line, "> ") || strings.HasPrefix(line, "< "):
		case !strings.HasPrefix(line, "rawsts: "):
			t.Errorf("stderr line %q does not start with \"rawsts: \"", line)
		}
	}
}

// TestServerTextPrintsOnOneLine: an ErrorResponse or Cognito message with ESC sequences,
// newlines and a line that looks like rawsts's own prints escaped, on one line, with or without
// --trace.
func TestServerTextPrintsOnOneLine(t *testing.T) {
	c := stsFixture(t, "success-api-reference-sample")
	assume := assumeArgs(t, c)
	cognito := []string{"cognito", "login", "--pool-id", fxPool, "--client-id", fxClient, "--username", "alice", "--password-stdin", "--flow", "password"}
	for _, tt := range []struct {
		name        string
		contentType string
		status      int
		body        string
		args        []string
		code        int
		want        string
	}{
		{"ErrorResponse with a C1 CSI, a newline and a bidi override", "text/xml", 403,
			"<ErrorResponse><Error><Code>AccessDenied</Code><Message>\u009b31mdenied\nrawsts: forged\u202e</Message></Error><RequestId>r\n1</RequestId></ErrorResponse>",
			assume, exitRefused, `rawsts: AccessDenied: \u009b31mdenied\nrawsts: forged\u202e (RequestId r\n1, HTTP 403)`},
		{"ErrorResponse with ESC (not XML: quoted as a page)", "text/xml", 403,
			"<ErrorResponse><Error><Code>AccessDenied</Code><Message>\x1b[31mdenied\nrawsts: forged</Message></Error></ErrorResponse>",
			assume, exitTransport, `<Message>\x1b[31mdenied\nrawsts: forged</Message>`},
		{"HTML page with CR", "text/html", 502, "<html>\r\x1b[2Krawsts: forged\r\n</html>", assume, exitTransport, `\r\x1b[2Krawsts: forged\r\n</html>`},
		{"Cognito message", "application/x-amz-json-1.1", 400,
			`{"__type":"NotAuthorizedException","message":"\u001b[31mIncorrect\nrawsts: forged"}`,
			cognito, exitRefused, `rawsts: NotAuthorizedException: \x1b[31mIncorrect\nrawsts: forged (RequestId none, HTTP 400)`},
	} {
		for _, trace := range []bool{false, true} {
			name := tt.name
			if trace {
				name += " --trace"
			}
			t.Run(name, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", tt.contentType)
					w.WriteHeader(tt.status)
					io.WriteString(w, tt.body)
				}))
				defer srv.Close()
				args := append(append([]string(nil), tt.args...), "--endpoint", srv.URL)
				if trace {
					args = append(args, "--trace")
				}
				r := runCLI(t, map[string]string{"AWS_MAX_ATTEMPTS": "1"}, "Correct-Horse-9!\n", nil, args...)
				if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
					t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.want)
				}
				assertOneLinePerMessage(t, r.stderr)
			})
		}
	}
}

// TestWhoamiRefusesValuesThatAddLines: values STS cannot send (a newline in the Arn, a bidi
// override in the UserId) would add lines to the report or reorder it; whoami refuses the
// reply (exit 3), naming the element, on one line, and prints no report.
func TestWhoamiRefusesValuesThatAddLines(t *testing.T) {
	for _, tt := range []struct{ name, arn, userID, want string }{
		{"newline in Arn", "arn:aws:iam::123456789012:user/x&#xA;Account  999999999999", "AIDAEXAMPLE", "element GetCallerIdentityResult/Arn is not an ARN"},
		{"override in UserId", "arn:aws:iam::123456789012:user/x", "AIDA&#x202E;X", "element GetCallerIdentityResult/UserId is not a user id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>`+tt.arn+`</Arn><UserId>`+tt.userID+
					`</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
			}))
			defer srv.Close()
			r := runCLI(t, exampleEnv(), "", nil, "whoami", "--endpoint", srv.URL)
			if r.code != exitTransport || r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, no report, and %q", r.code, r.stdout, r.stderr, exitTransport, tt.want)
			}
			assertOneLinePerMessage(t, r.stderr)
		})
	}
}

// TestSignIncludeEscapesHeaders: rawsts sign -i prints the reply's status line and headers;
// control and format characters in them are escaped.
func TestSignIncludeEscapesHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Inject", "a\u202eb\u0085c") // Go's client refuses an ESC in a header itself
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	r := runCLI(t, exampleEnv(), "", nil, "sign", "-i", "--service", "sts", "--region", "us-east-1", srv.URL+"/")
	if r.code != exitOK || strings.ContainsAny(r.stdout, "\u202e\u0085") || !strings.Contains(r.stdout, `X-Inject: a\u202eb\u0085c`) {
		t.Errorf("exit %d, stdout %q; want the header's control characters escaped", r.code, r.stdout)
	}
}

// TestDiagnoseReportEscapesClaims: a token is outside input too; the checklist quotes its
// issuer, and a bidi override or a newline there cannot reorder the report or add a line.
func TestDiagnoseReportEscapesClaims(t *testing.T) {
	parts := strings.Split(readExample(t, "environment.token"), ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	claims["iss"] = "https://token.actions.githubusercontent.com/\u202eevil\u2066"
	payload, _ = json.Marshal(claims)
	token := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
	r := runCLI(t, nil, "", nil, "diagnose", "--at", exAt, token)
	if !strings.Contains(r.stdout, `\u202eevil\u2066`) {
		t.Fatalf("exit %d, stdout %q; want the issuer escaped", r.code, r.stdout)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.ContainsAny(line, "\u202e\u2066") {
			t.Errorf("report line %q holds the claim's format characters", line)
		}
	}
}

// TestDecodeAuthorizationMessageNotJSON: STS decodes the message into a JSON document; a
// DecodedMessage that is not one (here with a newline, a forged line and a bidi override) is
// refused, exit 3, on one line, without quoting it.
func TestDecodeAuthorizationMessageNotJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<DecodeAuthorizationMessageResponse><DecodeAuthorizationMessageResult><DecodedMessage>not json&#xA;rawsts: forged&#x202E;</DecodedMessage></DecodeAuthorizationMessageResult></DecodeAuthorizationMessageResponse>`)
	}))
	defer srv.Close()
	r := runCLI(t, exampleEnv(), "", nil, "decode-authorization-message", "--endpoint", srv.URL, "encoded")
	if r.code != exitTransport || r.stdout != "" || !strings.Contains(r.stderr, "DecodedMessage") || strings.Contains(r.stderr, "forged") {
		t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing printed, the DecodedMessage refused without quoting it", r.code, r.stdout, r.stderr, exitTransport)
	}
	assertOneLinePerMessage(t, r.stderr)
}

// TestPromptsEscapeServerText: prompts quote Cognito's words (a challenge name, where a code
// was sent, the MFA types); they print on one line.
func TestPromptsEscapeServerText(t *testing.T) {
	var out bytes.Buffer
	term := &terminal{in: bufio.NewReader(strings.NewReader("123456\n")), out: &out}
	if _, err := term.readVisible(context.Background(), "SMS_MFA code sent to +1\x1b[2J\r\nrawsts: forged: "); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != `SMS_MFA code sent to +1\x1b[2J\r\nrawsts: forged: ` {
		t.Errorf("prompt = %q; want it escaped on one line", got)
	}
}

// TestCleanQuotesWhatOneLineEscapes: the reports (inspect, thumbprint) quote a value that holds
// anything textsafe.OneLine escapes: control and format characters, and bytes that are not
// UTF-8, which a token's claims may hold.
func TestCleanQuotesWhatOneLineEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"repo:acme/app": "repo:acme/app",
		"é 日本":          "é 日本",
		"a\xffb":        `"a\xffb"`,
		"a\u202eb":      `"a\u202eb"`,
		"a\x1b[31mb\nc": `"a\x1b[31mb\nc"`,
		"CN=x\u2066y":   `"CN=x\u2066y"`,
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %s; want %s", in, got, want)
		}
	}
}

// TestNewerCommandsRefuseValuesThatAddLines: a reply value that would add lines to an output —
// a session token with a newline and a [prod] section, an ARN or a token with a newline and a
// forged line — is refused (exit 3) by cognito identity in every output and with
// --write-profile (the shared credentials file stays as it was), by assume --write-profile, by
// eks verify and by token --from github and buildkite: nothing on standard output, one line per
// message on standard error.
func TestNewerCommandsRefuseValuesThatAddLines(t *testing.T) {
	const injected = "tok\n[prod]\ncredential_process = /bin/evil\nrawsts: forged line"
	const poolID = "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	identity := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]any{"IdentityId": "us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40", "Credentials": map[string]any{
			"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SessionToken": injected, "Expiration": 1716243263}})
	}))
	defer identity.Close()
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>`+
			`<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey><SessionToken>`+xmlText(injected)+`</SessionToken>`+
			`<Expiration>2014-10-24T23:00:23Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/ci/x</Arn>`+
			`<AssumedRoleId>AROACLKWSDQRAOEXAMPLE:x</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`)
	}))
	defer sts.Close()
	eksSTS := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"GetCallerIdentityResponse": map[string]any{"GetCallerIdentityResult": map[string]string{
			"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/x\nAccount    999999999999", "UserId": "AIDAEXAMPLE"},
			"ResponseMetadata": map[string]string{"RequestId": "r-1"}}})
	}))
	defer eksSTS.Close()
	ci := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\nrawsts: forged line"
		json.NewEncoder(w).Encode(map[string]any{"value": tok, "token": tok})
	}))
	defer ci.Close()
	ciEnv := map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": ci.URL + "/token?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "ghs_request",
		"BUILDKITE_AGENT_ENDPOINT": ci.URL + "/v3", "BUILDKITE_JOB_ID": "job-1", "BUILDKITE_AGENT_ACCESS_TOKEN": "bkagent_token"}
	login := "graph.facebook.com=EAAtoken"
	type tc struct {
		name  string
		env   map[string]string
		args  []string
		write bool // with --write-profile ci, into a credentials file that must stay as it was
	}
	var cases []tc
	for _, out := range outputFormats {
		cases = append(cases, tc{"cognito identity --output " + out, nil, []string{"cognito", "identity", "--endpoint", identity.URL,
			"--identity-pool-id", poolID, "--login", login, "--output", out}, false})
	}
	cases = append(cases,
		tc{"cognito identity --write-profile", nil, []string{"cognito", "identity", "--endpoint", identity.URL, "--identity-pool-id", poolID, "--login", login}, true},
		tc{"assume --write-profile", nil, []string{"assume", "--endpoint", sts.URL, "--role-arn", hostileRole, "--web-identity-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}, true},
		tc{"eks verify", nil, []string{"eks", "verify", "--cluster-name", "demo", hostileEKSToken(t, eksSTS.URL)}, false},
		tc{"token --from github", ciEnv, []string{"token", "--from", "github"}, false},
		tc{"token --from buildkite", ciEnv, []string{"token", "--from", "buildkite"}, false},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"AWS_MAX_ATTEMPTS": "1"}
			for k, v := range c.env {
				env[k] = v
			}
			args := c.args
			path := filepath.Join(t.TempDir(), "credentials")
			const before = "[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
			if c.write {
				writeFile(t, path, before)
				env["AWS_SHARED_CREDENTIALS_FILE"] = path
				args = append(append([]string{}, args...), "--write-profile", "ci")
			}
			r := runCLIAt(t, fixedNow, env, nil, args...)
			if r.code != exitTransport || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing\nstderr:\n%s", r.code, r.stdout, exitTransport, r.stderr)
			}
			assertOneLinePerMessage(t, r.stderr)
			if strings.Contains(r.stderr, "forged") || strings.Contains(r.stderr, "/bin/evil") {
				t.Errorf("stderr quotes the injected value:\n%s", r.stderr)
			}
			if c.write {
				if b, _ := os.ReadFile(path); string(b) != before {
					t.Errorf("the credentials file is now:\n%s\nwant it unchanged", b)
				}
			}
		})
	}
}
