package httpx

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestCheckEndpoint(t *testing.T) {
	for _, tt := range []struct {
		raw     string
		wantErr string
	}{
		{"https://sts.amazonaws.com", ""},
		{"https://sts.us-east-1.amazonaws.com/", ""},
		{"http://127.0.0.1:4566", ""},
		{"http://127.9.9.9:80/", ""},
		{"http://localhost:8080", ""},
		{"http://[::1]:8080", ""},
		{"http://sts.amazonaws.com", "plain http to a host that is not loopback"},
		{"http://10.0.0.1:80", "plain http to a host that is not loopback"},
		{"ftp://sts.amazonaws.com", "scheme must be https"},
		{"sts.amazonaws.com", "has no host"},
		{"https://%zz", "is not a URL"},
	} {
		_, err := CheckEndpoint(tt.raw)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckEndpoint(%q) = %v; want nil", tt.raw, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckEndpoint(%q) = %v; want an error containing %q", tt.raw, err, tt.wantErr)
		}
	}
}

func TestReadBodyCap(t *testing.T) {
	for _, tt := range []struct {
		name    string
		size    int
		wantErr error
	}{
		{"empty", 0, nil},
		{"exactly the cap", MaxBodySize, nil},
		{"one byte over", MaxBodySize + 1, ErrBodyTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{Body: io.NopCloser(bytes.NewReader(make([]byte, tt.size)))}
			b, err := ReadBody(resp)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadBody(%d bytes) error = %v; want %v", tt.size, err, tt.wantErr)
			}
			if err == nil && len(b) != tt.size {
				t.Fatalf("ReadBody(%d bytes) returned %d bytes", tt.size, len(b))
			}
		})
	}
}

const (
	secretKey    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	sessionToken = "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"
	sampleJWT    = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
)

func TestRedact(t *testing.T) {
	for _, tt := range []struct {
		name, contentType, body string
		secrets                 []string
		keep                    []string
	}{
		{
			name:        "STS XML credentials",
			contentType: "text/xml",
			body:        "<Credentials><SessionToken>\n  " + sessionToken + "\n</SessionToken><SecretAccessKey>" + secretKey + "</SecretAccessKey><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId></Credentials>",
			secrets:     []string{secretKey, sessionToken},
			keep:        []string{"ASIAIOSFODNN7EXAMPLE", "<SessionToken><redacted 46 chars></SessionToken>"},
		},
		{
			name:        "form with token",
			contentType: "application/x-www-form-urlencoded; charset=utf-8",
			body:        "Action=AssumeRoleWithWebIdentity&WebIdentityToken=" + url.QueryEscape(sampleJWT) + "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci",
			secrets:     []string{sampleJWT, url.QueryEscape(sampleJWT)},
			keep:        []string{"Action=AssumeRoleWithWebIdentity", "RoleArn=arn%3Aaws"},
		},
		{
			name:        "Cognito JSON",
			contentType: "application/x-amz-json-1.1",
			body:        `{"AuthParameters":{"USERNAME":"alice","PASSWORD":"hunter2!","SECRET_HASH":"abc="},"AuthenticationResult":{"IdToken":"` + sampleJWT + `","RefreshToken":"r.e.f"}}`,
			secrets:     []string{"hunter2!", "abc=", sampleJWT, "r.e.f"},
			keep:        []string{`"USERNAME":"alice"`},
		},
		{
			name:        "namespace prefix, attribute, space before >",
			contentType: "text/xml",
			body:        `<a:Credentials><a:SessionToken>` + sessionToken + `</a:SessionToken><SecretAccessKey x="1">` + secretKey + `</SecretAccessKey><SAMLAssertion >PHNhbWw+</SAMLAssertion ></a:Credentials>`,
			secrets:     []string{sessionToken, secretKey, "PHNhbWw+"},
			keep:        []string{"<a:SessionToken><redacted 46 chars></a:SessionToken>", `<SecretAccessKey x="1"><redacted 40 chars>`},
		},
		{
			name:        "lower-case tag, end tag with space",
			contentType: "text/xml",
			body:        "<sessiontoken>" + sessionToken + "</sessiontoken ><Expiration>2026</Expiration>",
			secrets:     []string{sessionToken},
			keep:        []string{"<Expiration>2026</Expiration>"},
		},
		{
			name:        "XML escaped inside a message",
			contentType: "text/html",
			body:        "<p>got &lt;SessionToken&gt;" + sessionToken + "&lt;/SessionToken&gt; from you</p>",
			secrets:     []string{sessionToken},
			keep:        []string{"from you</p>"},
		},
		{
			name:        "truncated XML: the value runs to the end",
			contentType: "text/xml",
			body:        "<Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SessionToken>" + sessionToken[:30],
			secrets:     []string{sessionToken[:30]},
			keep:        []string{"ASIAIOSFODNN7EXAMPLE", "<SessionToken><redacted 30 chars>"},
		},
		{
			name:        "truncated XML inside an unclosed secret under another end tag",
			contentType: "text/xml",
			body:        "<SessionToken>" + sessionToken + "</SecretAccessKey>",
			secrets:     []string{sessionToken},
		},
		{
			name:        "lower-case and camelCase JSON keys",
			contentType: "application/json",
			body:        `{"idToken":"` + sampleJWT + `","accessToken":"opaque-access","refresh_token":"r.e.f.r","secretAccessKey":"` + secretKey + `","sessionToken":"tok-` + sessionToken + `","password":"hunter2!","client_secret":"cs-value","username":"alice"}`,
			secrets:     []string{sampleJWT, "opaque-access", "r.e.f.r", secretKey, sessionToken, "hunter2!", "cs-value"},
			keep:        []string{`"username":"alice"`},
		},
		{
			name:        "truncated Cognito JSON: the token has no closing quote",
			contentType: "application/x-amz-json-1.1",
			body:        `{"AuthenticationResult":{"AccessToken":"opaque-access","IdToken":"` + sampleJWT[:25],
			secrets:     []string{"opaque-access", sampleJWT[:25]},
			keep:        []string{`"IdToken":"<redacted 25 chars>`},
		},
		{
			name:        "truncated JSON ending in a backslash",
			contentType: "application/json",
			body:        `{"Session":"abc\u00e9def\`,
			secrets:     []string{`abc\u00e9def`},
		},
		{
			name:        "Cognito admin and user calls: passwords and codes",
			contentType: "application/x-amz-json-1.1",
			body: `{"UserPoolId":"us-east-1_EXAMPLE","Username":"newcomer","TemporaryPassword":"Temp-Passw0rd1!","Password":"Chosen-1!",` +
				`"PreviousPassword":"Old-Passw0rd1!","ProposedPassword":"New-Passw0rd1!","ConfirmationCode":"123456","ClientSecret":"cs-value-1"}`,
			secrets: []string{"Temp-Passw0rd1!", "Chosen-1!", "Old-Passw0rd1!", "New-Passw0rd1!", "123456", "cs-value-1"},
			keep:    []string{`"Username":"newcomer"`, `"UserPoolId":"us-east-1_EXAMPLE"`},
		},
		{
			name:        "GitHub OIDC reply",
			contentType: "application/json",
			body:        `{"count":1,"value":"` + sampleJWT + `"}`,
			secrets:     []string{sampleJWT},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Redact(tt.contentType, []byte(tt.body)))
			for _, s := range tt.secrets {
				if strings.Contains(got, s) {
					t.Errorf("Redact(%q) = %q; still contains %q", tt.body, got, s)
				}
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("Redact(%q) = %q; lost %q", tt.body, got, k)
				}
			}
		})
	}
}

func TestRedactHeader(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	h.Set("X-Amz-Security-Token", sessionToken)
	h.Set("Content-Type", "text/xml")
	got := RedactHeader(h)
	if a := got.Get("Authorization"); strings.Contains(a, "5fa00fa3") || !strings.Contains(a, "Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request") {
		t.Errorf("RedactHeader Authorization = %q; want signature hidden and scope kept", a)
	}
	if tok := got.Get("X-Amz-Security-Token"); strings.Contains(tok, "EXAMPLE") {
		t.Errorf("RedactHeader X-Amz-Security-Token = %q; want it redacted", tok)
	}
	if h.Get("X-Amz-Security-Token") != sessionToken {
		t.Error("RedactHeader changed its argument")
	}
}

func TestTraceTransportRedactsBothDirections(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, "<R><SecretAccessKey>"+secretKey+"</SecretAccessKey></R>")
	}))
	defer srv.Close()
	var trace bytes.Buffer
	client := &http.Client{Transport: &TraceTransport{W: &trace}}
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "WebIdentityToken": {sampleJWT}}
	resp, err := client.PostForm(srv.URL, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), secretKey) {
		t.Errorf("the caller's body was altered: %q", body)
	}
	out := trace.String()
	for _, s := range []string{secretKey, sampleJWT, url.QueryEscape(sampleJWT)} {
		if strings.Contains(out, s) {
			t.Errorf("trace contains the secret %q:\n%s", s, out)
		}
	}
	for _, want := range []string{"> POST / HTTP/1.1", "< HTTP/1.1 200 OK", "Action=AssumeRoleWithWebIdentity"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

// TestTraceTransportScrubsEchoes: a server that echoes every secret of the request — the form's
// token, the session token header, the signature, and a password the command registered — in
// headers, an HTML page, other JSON keys and XML elements, in several encodings, leaves none of
// them in the trace, in the request lines or the response's.
func TestTraceTransportScrubsEchoes(t *testing.T) {
	const (
		token    = "opaque-web-identity-token-0123456789"
		password = `pa55/w+rd&"é"`
		sig      = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got := r.PostForm.Get("WebIdentityToken")
		st := r.Header.Get("X-Amz-Security-Token")
		w.Header().Set("X-Echo-Token", got)
		w.Header().Set("X-Echo-Session", url.QueryEscape(st))
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		w.Header().Set("Location", "https://elsewhere.example/?pw="+url.QueryEscape(password))
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>\n<p>token: "+got+"</p>\n"+
			`<script>var s = {"echo": "`+strings.ReplaceAll(jsonString(password), "/", `\/`)+`"};</script>`+"\n"+
			"<Echo>"+xmlEscape(password)+"</Echo><Data>"+base64.RawURLEncoding.EncodeToString([]byte(st))+"</Data>\n"+
			"<p>you said "+html.EscapeString(password)+" and "+url.PathEscape(token)+"</p></body></html>\n")
	}))
	defer srv.Close()
	var trace bytes.Buffer
	secrets := NewSecrets(password) // as the CLI registers the password it read
	client := &http.Client{Transport: &TraceTransport{W: &trace, Secrets: secrets}}
	req, _ := http.NewRequest("POST", srv.URL+"/?X-Amz-Signature="+sig, strings.NewReader(url.Values{"WebIdentityToken": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Amz-Security-Token", sessionToken)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature="+sig)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	out := trace.String()
	for _, s := range []string{token, password, sessionToken, sig, url.QueryEscape(password), url.QueryEscape(sessionToken),
		xmlEscape(password), html.EscapeString(password), base64.RawURLEncoding.EncodeToString([]byte(sessionToken))[4:40]} {
		if strings.Contains(out, s) {
			t.Errorf("trace contains %q:\n%s", s, out)
		}
	}
	for _, want := range []string{"< X-Echo-Token: <redacted", "< Location: https://elsewhere.example/?pw=<redacted", "< <p>token: <redacted", "> POST /?X-Amz-Signature=%3Credacted"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	if !containsString(secrets.Values(), token) {
		t.Errorf("the transport did not add the request's token to Secrets: %q", secrets.Values())
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestTraceTransportCutBodies: a body cut at the 1 MiB cap, or by a connection that closed
// early, or a whole body that the server itself ended in the middle of an echoed secret, keeps
// nothing of it.
func TestTraceTransportCutBodies(t *testing.T) {
	const password = "correct-horse-battery-staple"
	for _, tt := range []struct {
		name    string
		respond func(w http.ResponseWriter)
		want    string
	}{
		{"over the cap", func(w http.ResponseWriter) {
			io.WriteString(w, strings.Repeat("x", MaxBodySize-8)+password+" and more")
		}, "the rest was not read"},
		{"connection closed", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(502)
			io.WriteString(w, "<html>echo: "+password[:12])
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, "body read failed"},
		{"whole body ending mid-secret", func(w http.ResponseWriter) {
			w.WriteHeader(200)
			io.WriteString(w, "<ErrorResponse><Message>echo: "+password[:12])
		}, "<redacted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tt.respond(w) }))
			defer srv.Close()
			var trace bytes.Buffer
			client := &http.Client{Transport: &TraceTransport{W: &trace, Secrets: NewSecrets(password)}}
			if resp, err := client.Get(srv.URL); err == nil {
				resp.Body.Close()
			}
			out := trace.String()
			if strings.Contains(out, password[:8]) {
				i := strings.Index(out, password[:8])
				t.Errorf("trace keeps the start of the password: …%q…", out[max(0, i-20):min(len(out), i+40)])
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("trace lacks %q", tt.want)
			}
		})
	}
}

// TestTraceTransportKeepsBodyErrors: a body the connection cuts short reads, through the
// tracer, as it does without it — what came, then the failure — so that --trace does not turn a
// failure on the way into a short reply.
func TestTraceTransportKeepsBodyErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		io.WriteString(w, `{"issuer":"https://issuer.example`)
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	for _, traced := range []bool{false, true} {
		client := &http.Client{}
		if traced {
			client.Transport = &TraceTransport{W: io.Discard}
		}
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("traced %v: Get = %v", traced, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != `{"issuer":"https://issuer.example` || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("traced %v: body %q, error %v; want what came and io.ErrUnexpectedEOF", traced, b, err)
		}
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTraceTransportEscapesControlCharacters: a reply's ESC sequences, carriage returns and
// bidi overrides cannot act on the terminal or forge a line; a multi-line body stays
// multi-line with every line prefixed, and tabs stay.
func TestTraceTransportEscapesControlCharacters(t *testing.T) {
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			Proto: "HTTP/1.1", Status: "400 Bad\x1b[2J Request", StatusCode: 400,
			Header: http.Header{"X-Message": {"a\x1b[31mred\u202eevil"}, "Content-Type": {"text/plain"}},
			Body:   io.NopCloser(strings.NewReader("line one\x1b[31m\r\nrawsts: forged\rover\n\tindented\u2028x\n")),
		}, nil
	})
	var trace bytes.Buffer
	client := &http.Client{Transport: &TraceTransport{Base: base, W: &trace}}
	resp, err := client.Get("http://127.0.0.1/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out := trace.String()
	if strings.ContainsAny(out, "\x1b\r\u202e\u2028") {
		t.Errorf("trace holds a raw control character: %q", out)
	}
	for _, want := range []string{
		`< HTTP/1.1 400 Bad\x1b[2J Request`,
		`< X-Message: a\x1b[31mred\u202eevil`,
		"< line one\\x1b[31m\n",
		"< rawsts: forged\\rover\n",
		"< \tindented\\u2028x\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l != "" && !strings.HasPrefix(l, "> ") && !strings.HasPrefix(l, "< ") && l != ">" && l != "<" {
			t.Errorf("trace line %q has no direction prefix", l)
		}
	}
}

// TestRedirectErrorOneLine: a Location's host is the server's text; a bidi override in it is
// escaped.
func TestRedirectErrorOneLine(t *testing.T) {
	err := &RedirectError{StatusCode: 307, Location: "https://\u202emoc.live"}
	if s := err.Error(); strings.Contains(s, "\u202e") || !strings.Contains(s, `https://\u202emoc.live`) {
		t.Errorf("Error() = %q; want the override escaped", s)
	}
}
