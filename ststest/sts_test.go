package ststest_test

import (
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/ststest"
)

// fakeJWT builds an unsigned-looking token with the given payload; the emulator decodes claims
// without verifying signatures.
func fakeJWT(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + "." + enc([]byte("EXAMPLE-SIGNATURE"))
}

var ghToken = fakeJWT(`{"iss":"https://token.actions.githubusercontent.com","aud":["sts.amazonaws.com","other"],` +
	`"sub":"repo:octo-org/octo-repo:ref:refs/heads/main","https://aws.amazon.com/source_identity":"octocat"}`)

func form(kv ...string) url.Values {
	v := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn":          {"arn:aws:iam::123456789012:role/GitHubActionsDeploy"},
		"RoleSessionName":  {"gha-deploy"},
		"WebIdentityToken": {ghToken}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

// reply is the union of the two STS documents, enough for assertions.
type reply struct {
	XMLName xml.Name
	Result  struct {
		AccessKeyID      string `xml:"Credentials>AccessKeyId"`
		SecretAccessKey  string `xml:"Credentials>SecretAccessKey"`
		SessionToken     string `xml:"Credentials>SessionToken"`
		Expiration       string `xml:"Credentials>Expiration"`
		Subject          string `xml:"SubjectFromWebIdentityToken"`
		Arn              string `xml:"AssumedRoleUser>Arn"`
		AssumedRoleID    string `xml:"AssumedRoleUser>AssumedRoleId"`
		PackedPolicySize string `xml:"PackedPolicySize"`
		Provider         string `xml:"Provider"`
		Audience         string `xml:"Audience"`
		SourceIdentity   string `xml:"SourceIdentity"`
	} `xml:"AssumeRoleWithWebIdentityResult"`
	RequestID      string `xml:"ResponseMetadata>RequestId"`
	Code           string `xml:"Error>Code"`
	Type           string `xml:"Error>Type"`
	Message        string `xml:"Error>Message"`
	ErrorRequestID string `xml:"RequestId"`
	status         int
	header         http.Header
}

func post(t *testing.T, srv *ststest.Server, v url.Values) *reply {
	t.Helper()
	resp, err := srv.Client().PostForm(srv.URL+"/", v)
	if err != nil {
		t.Fatal(err)
	}
	return readReply(t, resp)
}

// decodeReply decodes an STS reply body.
func decodeReply(t *testing.T, resp *http.Response, body []byte) *reply {
	t.Helper()
	r := &reply{status: resp.StatusCode, header: resp.Header}
	if err := xml.Unmarshal(body, r); err != nil {
		t.Fatalf("%s: body is not XML: %v\n%s", resp.Request.URL, err, body)
	}
	return r
}

func TestEmulatorSuccess(t *testing.T) {
	now := time.Date(2014, 10, 24, 22, 0, 23, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithConfig(testConfig()), ststest.WithNow(func() time.Time { return now }))
	defer srv.Close()
	tok, err := srv.Issuer.Mint(map[string]any{"aud": []any{"sts.amazonaws.com", "other"},
		"sub": "repo:octo-org/octo-repo:ref:refs/heads/main", "https://aws.amazon.com/source_identity": "octocat"})
	if err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}`
	r := post(t, srv, form("WebIdentityToken", tok, "DurationSeconds", "7200", "Policy", policy))
	res := r.Result
	if r.status != 200 || r.XMLName.Local != "AssumeRoleWithWebIdentityResponse" || r.XMLName.Space != "https://sts.amazonaws.com/doc/2011-06-15/" {
		t.Fatalf("status %d, root %v (%s %s); want 200 AssumeRoleWithWebIdentityResponse in the STS namespace", r.status, r.XMLName, r.Code, r.Message)
	}
	checks := []struct{ name, got, want string }{
		{"Expiration", res.Expiration, "2014-10-25T00:00:23Z"},
		{"Subject", res.Subject, "repo:octo-org/octo-repo:ref:refs/heads/main"},
		{"Arn", res.Arn, "arn:aws:sts::123456789012:assumed-role/GitHubActionsDeploy/gha-deploy"},
		{"Provider", res.Provider, srv.Issuer.URL},
		{"Audience", res.Audience, "sts.amazonaws.com"},
		{"SourceIdentity", res.SourceIdentity, "octocat"},
		{"PackedPolicySize", res.PackedPolicySize, "5"}, // 84 characters of 2048, rounded up
		{"X-Amzn-Requestid", r.header.Get("X-Amzn-Requestid"), r.RequestID},
		{"Content-Type", r.header.Get("Content-Type"), "text/xml"},
		{"Date", r.header.Get("Date"), "Fri, 24 Oct 2014 22:00:23 GMT"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q; want %q", c.name, c.got, c.want)
		}
	}
	if !regexp.MustCompile(`^ASIA[A-Z2-7]{9}EXAMPLE$`).MatchString(res.AccessKeyID) || !regexp.MustCompile(`^[A-Za-z0-9+/]{30}EXAMPLEKEY$`).MatchString(res.SecretAccessKey) {
		t.Errorf("AccessKeyId, SecretAccessKey = %q, %q; want ASIA…EXAMPLE and 40 characters ending in EXAMPLEKEY", res.AccessKeyID, res.SecretAccessKey)
	}
	if !strings.HasPrefix(res.AssumedRoleID, "AROA") || !strings.HasSuffix(res.AssumedRoleID, "EXAMPLE:gha-deploy") {
		t.Errorf("AssumedRoleId = %q; want AROA…EXAMPLE:gha-deploy", res.AssumedRoleID)
	}
	if len(r.RequestID) != 36 || strings.Count(r.RequestID, "-") != 4 {
		t.Errorf("RequestId = %q; want a UUID", r.RequestID)
	}
	again := post(t, srv, form("WebIdentityToken", tok))
	if again.Result.SessionToken == res.SessionToken || again.RequestID == r.RequestID {
		t.Errorf("two calls returned the same session token or request id; want fresh ones")
	}
	if got := again.Result.Expiration; got != "2014-10-24T23:00:23Z" {
		t.Errorf("default Expiration = %q; want now + 3600 s", got)
	}
	if again.Result.PackedPolicySize != "" {
		t.Errorf("PackedPolicySize = %q without session policies; want it absent", again.Result.PackedPolicySize)
	}
}

func TestEmulatorErrors(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	tests := []struct {
		name     string
		form     url.Values
		status   int
		code     string
		contains string
	}{
		{"session name pattern", form("RoleSessionName", "gha deploy/main"), 400, "ValidationError", "'roleSessionName'"},
		{"session name length", form("RoleSessionName", strings.Repeat("s", 65)), 400, "ValidationError", "roleSessionName"},
		{"duration not integer", form("DurationSeconds", "1h"), 400, "ValidationError", "durationSeconds"},
		{"duration too long", form("DurationSeconds", "43201"), 400, "ValidationError", "durationSeconds"},
		{"missing token", form("WebIdentityToken", ""), 400, "ValidationError", "webIdentityToken"},
		{"not a role ARN", form("RoleArn", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"), 400, "ValidationError", "Request ARN is invalid"},
		{"not a JWT", form("WebIdentityToken", "gho_EXAMPLEOPAQUEACCESSTOKEN"), 400, "InvalidIdentityToken", "not a valid JWT"},
		{"payload not an object", form("WebIdentityToken", "e30.W10.RVhBTVBMRQ"), 400, "InvalidIdentityToken", "not a valid JWT"},
		{"padded segment", form("WebIdentityToken", strings.Replace(ghToken, ".", "=.", 1)), 400, "InvalidIdentityToken", "not a valid JWT"},
		{"unknown action", form("Action", "GetFederationToken"), 400, "InvalidAction", "GetFederationToken"},
		{"wrong version", form("Version", "2010-01-01"), 400, "InvalidAction", "2010-01-01"},
		{"no action", form("Action", ""), 400, "InvalidAction", "(none)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, tt.form)
			if r.status != tt.status || r.Code != tt.code || !strings.Contains(r.Message, tt.contains) {
				t.Errorf("POST(%s) = %d %s %q; want %d %s containing %q", tt.name, r.status, r.Code, r.Message, tt.status, tt.code, tt.contains)
			}
			if r.XMLName.Local != "ErrorResponse" || r.Type != "Sender" || r.ErrorRequestID == "" || r.ErrorRequestID != r.header.Get("X-Amzn-Requestid") {
				t.Errorf("POST(%s): root %s, Type %q, RequestId %q (header %q); want an STS ErrorResponse", tt.name, r.XMLName.Local, r.Type, r.ErrorRequestID, r.header.Get("X-Amzn-Requestid"))
			}
			if tok := tt.form.Get("WebIdentityToken"); len(tok) > 8 && strings.Contains(r.Message, tok) {
				t.Errorf("POST(%s): message contains the WebIdentityToken", tt.name)
			}
		})
	}
}

// TestProviderIDIsRejected: the emulator is no OAuth 2.0 provider (Login with Amazon,
// Facebook), so it cannot check such a token and rejects it as the provider would reject a bad
// one.
func TestProviderIDIsRejected(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	r := post(t, srv, form("ProviderId", "www.amazon.com", "WebIdentityToken", "Atza|IQEBLjAsAhQEXAMPLE"))
	if r.status != 403 || r.Code != "IDPRejectedClaim" || !strings.Contains(r.Message, "reported that authentication failed") {
		t.Errorf("OAuth flow: %d %s %q; want 403 IDPRejectedClaim", r.status, r.Code, r.Message)
	}
}

func TestRequestsRecorded(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	post(t, srv, form())
	if _, err := srv.Client().Get(srv.Issuer.URL + "/jwks"); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("Requests() has %d entries; want 2", len(reqs))
	}
	if got := reqs[0].Form.Get("Action"); got != "AssumeRoleWithWebIdentity" || reqs[0].Method != "POST" || reqs[0].Target != "/" {
		t.Errorf("Requests()[0] = %s %s Action=%q; want POST / AssumeRoleWithWebIdentity", reqs[0].Method, reqs[0].Target, got)
	}
	if !strings.Contains(string(reqs[0].Body), "RoleSessionName=gha-deploy") {
		t.Errorf("Requests()[0].Body = %q; want the form body", reqs[0].Body)
	}
	if reqs[1].Target != "/oidc/jwks" || reqs[1].Method != "GET" {
		t.Errorf("Requests()[1] = %s %s; want GET /oidc/jwks", reqs[1].Method, reqs[1].Target)
	}
}

func TestWithHandler(t *testing.T) {
	srv := ststest.NewServer(ststest.WithHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html>502 Bad Gateway</html>")
	})))
	defer srv.Close()
	resp, err := srv.Client().PostForm(srv.URL, form())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 {
		t.Errorf("status = %d; want the handler's 502", resp.StatusCode)
	}
	// The issuer is still served.
	resp, err = srv.Client().Get(srv.Issuer.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("discovery with WithHandler: status %d; want 200", resp.StatusCode)
	}
}
