package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/internal/ui"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// The secret canary cases of the newer commands: `cognito identity`, `eks` and `ui`.

// identityCanaryCases are those of `rawsts cognito identity`: both flows, every output, with
// and without --trace, the login given as a flag and on standard input, --print-curl with and
// without --show-secrets. The hostile server plays the identity pool ("identity": its
// GetCredentialsForIdentity or GetOpenIdToken meets the behaviour, GetId is answered) or, for
// the basic flow, STS after it ("sts"). Standard output may show the credentials received (its
// job); never the login token nor the OpenID token of the basic flow, which is only carried to
// STS.
func identityCanaryCases() []canaryCase {
	var cases []canaryCase
	base := func(flow string, c *canaryRun) []string {
		args := []string{"cognito", "identity", "--endpoint", c.url, "--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
			"--flow", flow, "--login", canaryToken}
		if flow == "basic" {
			args = append(args, "--role-arn", canaryRole, "--role-session-name", "canary")
		}
		return args
	}
	for _, trace := range []bool{false, true} {
		tr := map[bool]string{true: " --trace"}[trace]
		for i, out := range outputFormats {
			extra := []string{"--output", out}
			if out == "ini" {
				extra = append(extra, "--ini-profile", "canary")
			}
			cases = append(cases, outputsOnly(i, canaryCase{name: "cognito identity --flow enhanced --output " + out + tr, target: "identity", stdoutMay: recvCredentials,
				args: func(c *canaryRun) []string { return traced(trace, append(base("enhanced", c), extra...)...) }}))
			for _, target := range []string{"identity", "sts"} {
				cases = append(cases, outputsOnly(i, canaryCase{name: "cognito identity --flow basic (" + target + ") --output " + out + tr, target: target,
					stdoutMay: recvCredentials,
					args:      func(c *canaryRun) []string { return traced(trace, append(base("basic", c), extra...)...) }}))
			}
		}
	}
	cases = append(cases,
		canaryCase{name: "cognito identity --login - (standard input)", target: "identity", stdin: canaryToken + "\n", stdoutMay: recvCredentials,
			args: func(c *canaryRun) []string {
				return []string{"cognito", "identity", "--endpoint", c.url, "--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
					"--login", "-", "--trace"}
			}},
		canaryCase{name: "cognito identity --login PROVIDER=TOKEN", target: "identity", stdoutMay: recvCredentials,
			behaviours: []behaviour{bSuccess, bRefusal, bPage, bRedirect307},
			args: func(c *canaryRun) []string {
				return []string{"cognito", "identity", "--endpoint", c.url, "--identity-pool-id", "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
					"--login", "cognito-idp.us-east-1.amazonaws.com/" + canaryPoolID + "=" + canaryRecvIDToken, "--trace"}
			}})
	for _, flow := range []string{"enhanced", "basic"} {
		cases = append(cases,
			canaryCase{name: "cognito identity --flow " + flow + " --print-curl", args: func(c *canaryRun) []string {
				return append(base(flow, &canaryRun{url: "http://127.0.0.1:9"}), "--print-curl")
			}},
			canaryCase{name: "cognito identity --flow " + flow + " --print-curl --show-secrets", stdoutMay: []string{"token"}, args: func(c *canaryRun) []string {
				return append(base(flow, &canaryRun{url: "http://127.0.0.1:9"}), "--print-curl", "--show-secrets")
			}})
	}
	return cases
}

// eksCluster is the cluster of the EKS cases.
const eksCluster = "canary-cluster"

// eksCanaryToken is an EKS token for the STS endpoint at host, presigned at fixedNow with the
// canary credentials, recorded in c as the "eks-token" canary.
func eksCanaryToken(c *canaryRun, host string) string {
	tok, err := eks.NewToken(sigv4.Credentials{AccessKeyID: canaryKeyID, SecretAccessKey: canarySecretKey, SessionToken: canarySessionToken},
		eksCluster, sts.Endpoint{URL: host, SigningRegion: "us-east-1"}, fixedNow)
	if err != nil {
		panic(fmt.Sprintf("eks.NewToken(%s): %v", host, err))
	}
	if c.secrets != nil {
		// Its secrets are its signature and its session token (a canary already): the token
		// itself is a base64url of a URL whose start (the prefix, scheme, host, Action …) is the
		// same in every token, so it is looked for whole, not by its first bytes.
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok.Value, eks.Prefix))
		if err != nil {
			panic(err)
		}
		if pu, err := url.Parse(string(raw)); err == nil {
			c.secrets["eks-signature"] = pu.Query().Get("X-Amz-Signature")
		}
		c.whole = append(c.whole, tok.Value)
	}
	return tok.Value
}

// eksCanaryCases are those of `rawsts eks`. token's standard output is the ExecCredential,
// whose job is to print the token: a presigned URL holding the session token it was signed
// with (the environment's, or the role's credentials after --role-arn) and its signature.
// kubeconfig prints no secret. verify sends the token to a hostile STS ("eks"), which echoes
// everything; it prints neither the token, its signature nor its session token, anywhere.
func eksCanaryCases() []canaryCase {
	cache := func(c *canaryRun) { c.env["XDG_CACHE_HOME"] = c.dir }
	cases := []canaryCase{
		{name: "eks token", stdoutMay: []string{"session-token"}, args: func(c *canaryRun) []string {
			cache(c)
			return []string{"eks", "token", "--cluster-name", eksCluster, "--region", "us-east-1"}
		}},
		{name: "eks token (from the cache)", stdoutMay: []string{"session-token"}, args: func(c *canaryRun) []string {
			cache(c)
			var out, errs bytes.Buffer
			s := &streams{stdin: strings.NewReader(""), stdout: &out, stderr: &errs, getenv: func(k string) string { return c.env[k] },
				now: func() time.Time { return fixedNow }, userCacheDir: func() (string, error) { return c.dir, nil }}
			if code := run(context.Background(), []string{"eks", "token", "--cluster-name", eksCluster, "--region", "us-east-1"}, s); code != exitOK {
				panic("eks token, filling the cache: " + errs.String())
			}
			return []string{"eks", "token", "--cluster-name", eksCluster, "--region", "us-east-1"}
		}},
		{name: "eks token --no-cache", stdoutMay: []string{"session-token"}, args: func(c *canaryRun) []string {
			return []string{"eks", "token", "--cluster-name", eksCluster, "--no-cache"}
		}},
		{name: "eks kubeconfig", args: func(c *canaryRun) []string {
			b, err := os.ReadFile(filepath.Join("testdata", "eks-ca.crt"))
			if err != nil {
				panic(err)
			}
			return []string{"eks", "kubeconfig", "--cluster-name", eksCluster, "--server", "https://canary.gr7.us-east-1.eks.amazonaws.com",
				"--ca-data", base64.StdEncoding.EncodeToString(b), "--role-arn", canaryRole, "--region", "us-east-1"}
		}},
	}
	for _, trace := range []bool{false, true} {
		tr := map[bool]string{true: " --trace"}[trace]
		cases = append(cases, canaryCase{name: "eks token --role-arn" + tr, target: "sts", stdoutMay: recvCredentials,
			args: func(c *canaryRun) []string {
				cache(c)
				return traced(trace, "eks", "token", "--cluster-name", eksCluster, "--endpoint", c.url, "--role-arn", canaryRole)
			}})
		for i, out := range []string{"text", "json"} {
			cases = append(cases, outputsOnly(i, canaryCase{name: "eks verify --output " + out + tr, target: "eks",
				args: func(c *canaryRun) []string {
					return traced(trace, "eks", "verify", "--cluster-name", eksCluster, "--output", out, eksCanaryToken(c, c.url))
				}}))
		}
	}
	cases = append(cases,
		canaryCase{name: "eks verify --endpoint (a token of sts.us-east-1.amazonaws.com)", target: "eks",
			args: func(c *canaryRun) []string {
				return []string{"eks", "verify", "--cluster-name", eksCluster, "--endpoint", c.url, "--trace",
					eksCanaryToken(c, "https://sts.us-east-1.amazonaws.com")}
			}},
		canaryCase{name: "eks verify - (an ExecCredential on standard input)", target: "eks",
			behaviours: []behaviour{bSuccess, bRefusal, bPage, bRedirect308},
			args: func(c *canaryRun) []string {
				c.stdin = string(eks.Token{Value: eksCanaryToken(c, c.url), Expiration: fixedNow.Add(14 * time.Minute)}.ExecCredential(""))
				return []string{"eks", "verify", "--cluster-name", eksCluster, "--trace", "-"}
			}})
	return cases
}

// uiURL is the line `rawsts ui` prints on standard output.
var uiURL = regexp.MustCompile(`^export RAWSTS_UI_URL='(http://127\.0\.0\.1:\d+/\?key=([A-Za-z0-9_-]+))'\n$`)

// runUICanary runs `rawsts ui` in-process and drives requests at it that carry canaries: a
// playground diagnosis of the canary token (as the page posts it), requests refused by its
// guards (another Host, a wrong key, no request header, a body too large, one with unknown
// members), and broken HTTP (a request line with controls, a connection cut mid-request).
// Standard output is the URL line alone (its job: it carries the session key); standard error
// never shows the key or a canary, and every line of it is a rawsts line; an answer never
// shows the token pasted.
func runUICanary(t *testing.T, tc canaryCase) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
			now: func() time.Time { return fixedNow }}
		done <- run(ctx, []string{"ui"}, s)
	}()
	var m []string
	for deadline := time.Now().Add(30 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		m = uiURL.FindStringSubmatch(stdout.String())
	}
	if m == nil {
		cancel()
		t.Fatalf("rawsts ui printed no RAWSTS_UI_URL line; stdout %q, stderr:\n%s", stdout.String(), stderr.String())
	}
	pageURL, key := m[1], m[2]
	u, _ := url.Parse(pageURL)
	host := u.Host
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	canaries := staticCanaries()
	canaries["ui-key"] = key
	pasted := fmt.Sprintf(`{"input":%q,"policy":%q,"providers":"","role":%q,"at":%q,"session":%q}`,
		canaryToken, `{"Version":"2012-10-17","Statement":[]}`, canaryRole, fixedNow.Format(time.RFC3339), "canary-session")
	type call struct {
		name, method, path, body string
		header                   map[string]string
		want                     int
	}
	api := map[string]string{ui.RequestHeader: "1", "Content-Type": "application/json", ui.KeyHeader: key}
	with := func(h map[string]string, k, v string) map[string]string {
		out := map[string]string{}
		for a, b := range h {
			out[a] = b
		}
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	for _, c := range []call{
		{"the key in the URL", http.MethodGet, "/?key=" + key, "", nil, http.StatusSeeOther},
		{"a diagnosis of the canary token", http.MethodPost, "/api/playground", pasted, api, http.StatusOK},
		{"a wrong key holding a canary", http.MethodPost, "/api/playground", pasted, with(api, ui.KeyHeader, canaryClientSecret), http.StatusForbidden},
		{"a wrong key in the URL", http.MethodGet, "/?key=" + url.QueryEscape(canaryPassword), "", nil, http.StatusForbidden},
		{"another Host", http.MethodPost, "/api/playground", pasted, with(api, "Host", "rebind.example:80"), http.StatusForbidden},
		{"no request header", http.MethodPost, "/api/playground", pasted, with(api, ui.RequestHeader, ""), http.StatusForbidden},
		{"a form, not JSON", http.MethodPost, "/api/playground", "input=" + url.QueryEscape(canaryToken), with(api, "Content-Type", "application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType},
		{"unknown members", http.MethodPost, "/api/playground", `{"input":"` + canaryToken + `","password":"` + canaryNewPassword + `"}`, api, http.StatusBadRequest},
		{"data after the request", http.MethodPost, "/api/playground", pasted + "\x1b[2J\nrawsts: forged line " + canaryRefreshToken, api, http.StatusBadRequest},
		{"a body too large", http.MethodPost, "/api/playground", `{"input":"` + canaryToken + strings.Repeat("A", ui.MaxBody) + `"}`, api, http.StatusRequestEntityTooLarge},
		{"a field too large", http.MethodPost, "/api/playground", `{"input":"` + canaryToken + strings.Repeat("B", ui.MaxField) + `"}`, api, http.StatusBadRequest},
		{"a link with a token", http.MethodPost, "/api/playground", `{"fragment":"token=` + base64.RawURLEncoding.EncodeToString([]byte(canaryToken)) + `"}`, api, http.StatusBadRequest},
		{"a query with a semicolon", http.MethodGet, "/?x=" + url.QueryEscape(canaryClientSecret) + ";y=" + key, "", map[string]string{ui.KeyHeader: key}, http.StatusOK},
	} {
		req, err := http.NewRequest(c.method, "http://"+host+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range c.header {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: HTTP %d; want %d\n%s", c.name, resp.StatusCode, c.want, b)
		}
		// The answer never shows what was pasted in a secret's place (the token, the session
		// name's password, a key).
		ans := canaryMap(canaries, "token", "password", "new-password", "client-secret", "refresh-token")
		checkNoCanary(t, "the answer to "+c.name, string(b)+fmt.Sprint(resp.Header), ans, nil)
	}
	// Broken HTTP: a request line with controls and the key, a request cut off mid-header.
	for _, raw := range []string{
		"GET /\x1b[2J?key=" + key + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
		"POST /api/playground HTTP/1.1\r\nHost: " + host + "\r\n" + ui.KeyHeader + ": " + key + "\r\nContent-Length: 9999\r\n\r\n{\"input\":\"" + canaryToken,
		"GET /?key=" + key + " HTTP/1.1\r\nHost: " + host + "\r\nX-Canary: " + canaryPassword + "\x1b]0;title\x07\r\n\r\n",
	} {
		conn, err := net.DialTimeout("tcp", host, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, raw)
		if cw, ok := conn.(*net.TCPConn); ok {
			cw.CloseWrite()
		}
		bufio.NewReader(conn).ReadString(0)
		conn.Close()
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("rawsts ui exited %d; want 0 when its context ends\nstderr:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("rawsts ui still runs 30s after its context ended")
	}
	if out := stdout.String(); !uiURL.MatchString(out) {
		t.Errorf("stdout = %q; want the RAWSTS_UI_URL line alone", out)
	}
	checkNoCanary(t, "stdout", strings.Replace(stdout.String(), pageURL, "", 1), canaries, nil)
	checkNoCanary(t, "stderr", stderr.String(), canaries, nil)
	checkStderrLines(t, stderr.String(), false)
}

// canaryMap is the canaries of the names given.
func canaryMap(all map[string]string, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = all[n]
	}
	return m
}
