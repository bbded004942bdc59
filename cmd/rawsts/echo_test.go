package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Tests against servers that echo what they receive: nothing secret reaches stderr (or, for
// sign, the error body it prints), in any encoding the server chose.

// echoEncodings are the ways a server may write back a value it received.
var echoEncodings = map[string]func(string) string{
	"raw":          func(s string) string { return s },
	"query escape": url.QueryEscape,
	"path escape":  url.PathEscape,
	"JSON-escaped": func(s string) string {
		b, _ := json.Marshal(s)
		return strings.ReplaceAll(string(b[1:len(b)-1]), "/", `\/`)
	},
	"XML references": func(s string) string {
		return strings.NewReplacer("+", "&#43;", "/", "&#x2F;", "=", "&#61;", "&", "&amp;", `"`, "&quot;").Replace(s)
	},
	"base64":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
}

// echoAll writes every value in every encoding, one per line.
func echoAll(values ...string) string {
	var b strings.Builder
	for _, v := range values {
		for _, enc := range echoEncodings {
			b.WriteString(enc(v) + "\n")
		}
	}
	return b.String()
}

// assertNoSecret fails if text holds any of values in any of echoEncodings.
func assertNoSecret(t *testing.T, where, text string, values ...string) {
	t.Helper()
	for _, v := range values {
		for name, enc := range echoEncodings {
			e := enc(v)
			if strings.Contains(text, e[1:len(e)-2]) {
				t.Errorf("%s shows a secret (%s, %.6s…):\n%s", where, name, e, text)
			}
		}
	}
}

// xmlText escapes s as XML character data.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// TestSignedCallsHideEchoedSecrets: whoami and assume-role against an STS that answers
// InvalidClientTokenId quoting the session token it received (AWS's message may), and the
// signature, in every encoding — in the message, in headers and in the body a proxy adds — print
// none of them, with or without --trace.
func TestSignedCallsHideEchoedSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("X-Amz-Security-Token")
		auth := r.Header.Get("Authorization")
		sig := auth[strings.LastIndex(auth, "=")+1:]
		w.Header().Set("X-Echo", url.QueryEscape(tok)+" "+auth)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid: "+
			xmlText(echoAll(tok, sig, exampleCreds.SecretAccessKey))+"</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")
	}))
	defer srv.Close()
	env := exampleEnv()
	env["AWS_MAX_ATTEMPTS"] = "1"
	for _, args := range [][]string{
		{"whoami"},
		{"whoami", "--trace"},
		{"assume-role", "--role-arn", "arn:aws:iam::123456789012:role/demo", "--trace"},
		{"decode-authorization-message", "--trace", "encoded-message"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runCLI(t, env, "", nil, append(args, "--endpoint", srv.URL)...)
			if r.code != exitRefused || !strings.Contains(r.stderr, "InvalidClientTokenId") {
				t.Fatalf("exit %d, stderr %q; want 1 and the error", r.code, r.stderr)
			}
			assertNoSecret(t, "stderr", r.stderr, exampleCreds.SessionToken, exampleCreds.SecretAccessKey)
			if i := strings.Index(r.stderr, "Signature="); i >= 0 && !strings.HasPrefix(r.stderr[i:], "Signature=<redacted") {
				t.Errorf("stderr shows the signature: %q", r.stderr[i:i+40])
			}
		})
	}
}

// TestAssumeHidesEchoedToken: STS (or a WAF in front of it) echoing the web identity token, in a
// page cut across the error's quoting limit, in a header and in every encoding.
func TestAssumeHidesEchoedToken(t *testing.T) {
	c := stsFixture(t, "success-api-reference-sample")
	args := assumeArgs(t, c)
	token := args[6]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got := r.PostForm.Get("WebIdentityToken")
		w.Header().Set("X-Waf-Echo", base64.RawURLEncoding.EncodeToString([]byte(got)))
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<html>"+strings.Repeat("x", 190)+" blocked: "+echoAll(got)+"</html>")
	}))
	defer srv.Close()
	for _, trace := range []bool{false, true} {
		a := append(append([]string(nil), args...), "--endpoint", srv.URL)
		if trace {
			a = append(a, "--trace")
		}
		r := runCLI(t, map[string]string{"AWS_MAX_ATTEMPTS": "1"}, "", nil, a...)
		if r.code != exitTransport {
			t.Fatalf("trace %v: exit %d, stderr %q; want 3", trace, r.code, r.stderr)
		}
		assertNoSecret(t, "stderr", r.stderr, token)
	}
}

// TestCognitoHidesEchoedSecrets: a Cognito (or proxy) that echoes the password, the client
// secret and the SECRET_HASH in its message, a header and a page; and one whose status line
// echoes the password so that the error is Go's "malformed HTTP response", which no library
// scrubs: stderr, trace included, shows none of them.
func TestCognitoHidesEchoedSecrets(t *testing.T) {
	const password = `Pa55/w+rd="é"`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in struct{ AuthParameters map[string]string }
		json.Unmarshal(body, &in)
		p := in.AuthParameters
		w.Header().Set("X-Echo", url.QueryEscape(p["PASSWORD"]))
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		msg, _ := json.Marshal(map[string]string{"__type": "InvalidParameterException",
			"message": "bad: " + echoAll(p["PASSWORD"], p["SECRET_HASH"], fxSecret), "SessionEcho": p["PASSWORD"]})
		w.Write(msg)
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			br := bufio.NewReader(conn)
			req, err := http.ReadRequest(br)
			if err == nil {
				b, _ := io.ReadAll(req.Body)
				var in struct{ AuthParameters map[string]string }
				json.Unmarshal(b, &in)
				io.WriteString(conn, "HTTP/1.1 "+in.AuthParameters["PASSWORD"]+"\r\n\r\n")
			}
			conn.Close()
		}
	}()
	for _, endpoint := range []string{srv.URL, "http://" + ln.Addr().String()} {
		for _, trace := range []bool{false, true} {
			args := []string{"cognito", "login", "--endpoint", endpoint, "--pool-id", fxPool, "--client-id", fxClient,
				"--client-secret", fxSecret, "--username", "alice", "--password-stdin", "--flow", "password"}
			if trace {
				args = append(args, "--trace")
			}
			r := runCLI(t, map[string]string{"AWS_MAX_ATTEMPTS": "1"}, password+"\n", nil, args...)
			if r.code == exitOK {
				t.Fatalf("%s: exit 0; want an error", endpoint)
			}
			assertNoSecret(t, "stderr", r.stderr, password, fxSecret)
			if strings.Contains(r.stderr, "Pa55") {
				t.Errorf("%s trace %v: stderr shows the password:\n%s", endpoint, trace, r.stderr)
			}
		}
	}
}

// TestSignHidesEchoesInErrorBodies: rawsts sign prints the body of a failed reply, and with -i
// the headers; an echo of the session token or the signature in them is hidden.
func TestSignHidesEchoesInErrorBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("X-Amz-Security-Token")
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo", tok+" "+auth)
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<html>you sent "+echoAll(tok, auth[strings.LastIndex(auth, "=")+1:])+"</html>")
	}))
	defer srv.Close()
	r := runCLI(t, exampleEnv(), "", nil, "sign", "-i", "--service", "sts", "--region", "us-east-1", "-d", "Action=GetCallerIdentity", srv.URL+"/")
	if r.code != exitRefused || !strings.Contains(r.stdout, "you sent") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and the page", r.code, r.stdout, r.stderr)
	}
	assertNoSecret(t, "stdout", r.stdout, exampleCreds.SessionToken)
	if i := strings.Index(r.stdout, "Signature="); i < 0 || !strings.HasPrefix(r.stdout[i:], "Signature=<redacted") {
		t.Errorf("stdout shows the signature: %q", r.stdout)
	}
}

// TestDiagnoseFetchHidesEchoedSecrets: IAM answering diagnose --fetch with an error that quotes
// the session token and secret key, in every encoding, prints neither, traced or not.
func TestDiagnoseFetchHidesEchoedSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid: "+
			xmlText(echoAll(r.Header.Get("X-Amz-Security-Token"), exampleCreds.SecretAccessKey))+"</Message></Error></ErrorResponse>")
	}))
	defer srv.Close()
	env := exampleEnv()
	env["AWS_MAX_ATTEMPTS"] = "1"
	for _, trace := range []string{"--trace=false", "--trace"} {
		r := runCLI(t, env, "", nil, "diagnose", "--file", ex("branch.token"), "--role-arn", exRole, "--fetch", "--endpoint-iam", srv.URL, trace)
		if !strings.Contains(r.stderr, "InvalidClientTokenId") {
			t.Fatalf("%s: exit %d, stderr %q; want IAM's error", trace, r.code, r.stderr)
		}
		assertNoSecret(t, "stderr", r.stderr, exampleCreds.SessionToken, exampleCreds.SecretAccessKey)
	}
}

// TestEKSVerifyHidesEchoedSecrets: eks verify against an STS that refuses the token's request
// quoting what it received — the query (signature, session token), the whole token — in every
// encoding, in a header and in the body, prints none of it, with or without --trace.
func TestEKSVerifyHidesEchoedSecrets(t *testing.T) {
	var token string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("X-Echo", r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		msg, _ := json.Marshal("The request signature we calculated does not match: " +
			echoAll(q.Get("X-Amz-Signature"), q.Get("X-Amz-Security-Token"), token, r.URL.RawQuery))
		io.WriteString(w, `{"Error":{"Code":"SignatureDoesNotMatch","Message":`+string(msg)+`,"Type":"Sender"},"RequestId":"r-1"}`)
	}))
	defer srv.Close()
	token = hostileEKSToken(t, srv.URL)
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, "k8s-aws-v1."))
	u, _ := url.Parse(string(raw))
	sig := u.Query().Get("X-Amz-Signature")
	for _, trace := range []bool{false, true} {
		args := []string{"eks", "verify", "--cluster-name", "demo", token}
		if trace {
			args = append(args, "--trace")
		}
		t.Run(fmt.Sprintf("trace=%v", trace), func(t *testing.T) {
			r := runCLIAt(t, fixedNow, nil, nil, args...)
			if r.code != exitRefused || !strings.Contains(r.stderr, "SignatureDoesNotMatch") {
				t.Fatalf("exit %d, stderr %q; want 1 and the error", r.code, r.stderr)
			}
			if trace && !strings.Contains(r.stderr, "GET /?Action=GetCallerIdentity") {
				t.Errorf("--trace shows no request:\n%s", r.stderr)
			}
			assertNoSecret(t, "stderr", r.stderr, exampleCreds.SessionToken, sig, token[len("k8s-aws-v1."):])
		})
	}
}
