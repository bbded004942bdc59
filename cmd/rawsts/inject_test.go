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
