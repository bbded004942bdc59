package httpx

import (
	"bytes"
	"errors"
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

func TestSnippet(t *testing.T) {
	body := []byte("<html><body>502 Bad Gateway</body></html>")
	if got := Snippet("text/html", body, 12); got != "<html><body>…" {
		t.Errorf("Snippet = %q; want the first 12 bytes and an ellipsis", got)
	}
}

func TestSecretValuesAndScrub(t *testing.T) {
	form := "Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci&WebIdentityToken=opaque-secret-access-token-value"
	secrets := SecretValues("application/x-www-form-urlencoded; charset=utf-8", []byte(form))
	if len(secrets) != 1 || secrets[0] != "opaque-secret-access-token-value" {
		t.Fatalf("SecretValues(form) = %q; want the token only", secrets)
	}
	page := "<html>blocked by WAF: WebIdentityToken=opaque-secret-access-token-value</html>"
	if got := Scrub(page, secrets...); strings.Contains(got, "opaque-secret") || !strings.Contains(got, "blocked by WAF") {
		t.Errorf("Scrub(%q) = %q; want the token hidden and the rest kept", page, got)
	}

	body := `{"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"alice","PASSWORD":"p\u0040ss word\"1"}}`
	secrets = SecretValues("application/x-amz-json-1.1", []byte(body))
	if len(secrets) != 1 || secrets[0] != `p@ss word"1` {
		t.Fatalf("SecretValues(json) = %q; want the decoded password", secrets)
	}
	for _, echoed := range []string{`p@ss word"1`, url.QueryEscape(`p@ss word"1`)} {
		if got := Scrub("echo: "+echoed, secrets...); strings.Contains(got, "ss word") {
			t.Errorf("Scrub(echo %q) = %q; want it hidden", echoed, got)
		}
	}
	if got := Scrub("token " + sampleJWT + " seen"); strings.Contains(got, sampleJWT) {
		t.Errorf("Scrub = %q; want the JWT hidden even when not among the secrets", got)
	}
	if got := Scrub("abc is short", "abc"); got != "abc is short" {
		t.Errorf("Scrub with a 3-character secret = %q; short values are not scrubbed (they would hide ordinary words)", got)
	}
}
