package ststest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

var aliceKeys = sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}

// presignedGet sends a token's presigned request to the emulator as a cluster does: GET, with
// x-k8s-aws-id and Accept as given, to srv whatever host the token names (which stays the Host
// header, as it was signed).
func presignedGet(t *testing.T, srv *ststest.Server, token, cluster, accept string) (*http.Response, string) {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, eks.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("GET", string(raw), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = req.URL.Host
	req.URL.Scheme, req.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")
	req.Header.Set(eks.ClusterIDHeader, cluster)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func TestPresignedCallerIdentity(t *testing.T) {
	srv, clk, _ := signedSetup(t)
	local := sts.Endpoint{URL: srv.URL, SigningRegion: "us-east-1"}
	regional, _ := sts.ResolveEndpoint("eu-west-1", sts.EndpointOptions{})
	for _, tt := range []struct {
		name    string
		ep      sts.Endpoint
		cluster string // sent by the verifier
		accept  string
		after   time.Duration // from signing to sending
		status  int
		has     []string
	}{
		{"JSON", local, "MyCluster", "application/json", 0, 200,
			[]string{`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012","Arn":"arn:aws:iam::123456789012:user/Alice","UserId":"`, `"ResponseMetadata":{"RequestId":"`}},
		{"XML without Accept", local, "MyCluster", "", 0, 200, []string{"<GetCallerIdentityResponse", "<Arn>arn:aws:iam::123456789012:user/Alice</Arn>"}},
		{"JSON among other types", local, "MyCluster", "text/html, application/json;q=0.9", 0, 200, []string{`"GetCallerIdentityResponse"`}},
		{"a token made for sts.eu-west-1.amazonaws.com", regional, "MyCluster", "application/json", 0, 200, []string{`"Arn":"arn:aws:iam::123456789012:user/Alice"`}},
		{"14 minutes later: STS does not hold it to X-Amz-Expires=60", local, "MyCluster", "application/json", 14 * time.Minute, 200, []string{`"Account":"123456789012"`}},
		{"16 minutes later", local, "MyCluster", "application/json", 16 * time.Minute, 403,
			[]string{`{"Error":{"Code":"SignatureDoesNotMatch","Message":"Signature expired: `, ` - 15 min.)","Type":"Sender"},"RequestId":"`}},
		{"another cluster's authenticator", local, "OtherCluster", "application/json", 0, 403,
			[]string{`"Code":"SignatureDoesNotMatch"`, `"Message":"The request signature we calculated does not match`}},
		{"another cluster, XML", local, "OtherCluster", "", 0, 403, []string{"<Code>SignatureDoesNotMatch</Code>"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := eks.NewToken(aliceKeys, "MyCluster", tt.ep, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			clk.Add(tt.after)
			defer clk.Add(-tt.after)
			resp, body := presignedGet(t, srv, tok.Value, tt.cluster, tt.accept)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET presigned (%s) = HTTP %d %s; want %d", tt.name, resp.StatusCode, body, tt.status)
			}
			wantType := "text/xml"
			if tt.accept != "" {
				wantType = "application/json"
			}
			if ct := resp.Header.Get("Content-Type"); ct != wantType {
				t.Errorf("Content-Type = %q; want %q", ct, wantType)
			}
			for _, h := range tt.has {
				if !strings.Contains(body, h) {
					t.Errorf("GET presigned (%s) body =\n%s\nwant it to hold %s", tt.name, body, h)
				}
			}
		})
	}
}

// TestEKSVerifierAgainstEmulator: the eks package's verifier, the cluster's side, against the
// emulator's STS: a user's token, a role session's (session token signed in the URL), a token
// of another cluster, a forged signature.
func TestEKSVerifierAgainstEmulator(t *testing.T) {
	srv, clk, client := signedSetup(t)
	ctx := context.Background()
	ar, err := client(&aliceKeys).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/deploy/prod", RoleSessionName: "EKSGetTokenAuth"})
	if err != nil {
		t.Fatal(err)
	}
	local := sts.Endpoint{URL: srv.URL, SigningRegion: "us-east-1"}
	verifier := &eks.Verifier{ClusterID: "MyCluster", AllowLoopback: true, HTTPClient: srv.Client(), Now: clk.Now}
	t.Run("user", func(t *testing.T) {
		tok, _ := eks.NewToken(aliceKeys, "MyCluster", local, clk.Now())
		id, err := verifier.Verify(ctx, tok.Value)
		if err != nil || id.Arn != ststest.UserArn || id.CanonicalARN != ststest.UserArn || id.UserID != ststest.UserID || id.SessionName != "" || !id.Request.Loopback {
			t.Fatalf("Verify(Alice's token) = %+v, %v; want %s", id, err, ststest.UserArn)
		}
	})
	t.Run("role session", func(t *testing.T) {
		tok, _ := eks.NewToken(*session(ar.Credentials), "MyCluster", local, clk.Now())
		id, err := verifier.Verify(ctx, tok.Value)
		if err != nil || id.Arn != "arn:aws:sts::123456789012:assumed-role/prod/EKSGetTokenAuth" ||
			id.CanonicalARN != "arn:aws:iam::123456789012:role/prod" || id.SessionName != "EKSGetTokenAuth" || !id.Request.SessionToken {
			t.Fatalf("Verify(role session's token) = %+v, %v", id, err)
		}
	})
	t.Run("another cluster", func(t *testing.T) {
		tok, _ := eks.NewToken(aliceKeys, "OtherCluster", local, clk.Now())
		_, err := verifier.Verify(ctx, tok.Value)
		var ae *sts.APIError
		if !errors.As(err, &ae) || ae.Code != "SignatureDoesNotMatch" || ae.StatusCode != 403 || !strings.HasPrefix(err.Error(), "eks: sts: ") {
			t.Fatalf("Verify(OtherCluster's token) = %v; want eks: sts: … SignatureDoesNotMatch", err)
		}
		if strings.Contains(err.Error(), tok.Value[20:60]) {
			t.Errorf("Verify error %q quotes the token", err)
		}
	})
	t.Run("forged key", func(t *testing.T) {
		forged := aliceKeys
		forged.SecretAccessKey = "CANARYwJalrXUtnFEMI/K7MDENGbPxRfiCYEXAMPLE"
		tok, _ := eks.NewToken(forged, "MyCluster", local, clk.Now())
		_, err := verifier.Verify(ctx, tok.Value)
		if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") || strings.Contains(err.Error(), "CANARY") {
			t.Fatalf("Verify(forged) = %v; want SignatureDoesNotMatch", err)
		}
	})
}

func TestEKSAuthenticateEndpoint(t *testing.T) {
	srv, clk, client := signedSetup(t)
	ar, err := client(&aliceKeys).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "kubectl"})
	if err != nil {
		t.Fatal(err)
	}
	local := sts.Endpoint{URL: srv.URL, SigningRegion: "us-east-1"}
	useast1, _ := sts.ResolveEndpoint("us-east-1", sts.EndpointOptions{})
	review := func(t *testing.T, method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		b, _ := io.ReadAll(resp.Body)
		json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	tokenReview := func(token string) string {
		return `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"` + token + `"}}`
	}
	t.Run("role session", func(t *testing.T) {
		tok, _ := eks.NewToken(*session(ar.Credentials), "demo", local, clk.Now())
		code, out := review(t, "POST", "/eks/demo/authenticate", tokenReview(tok.Value))
		st, _ := out["status"].(map[string]any)
		user, _ := st["user"].(map[string]any)
		if code != 200 || st["authenticated"] != true || user["username"] != "arn:aws:iam::123456789012:role/demo" ||
			!strings.HasPrefix(user["uid"].(string), "aws-iam-authenticator:123456789012:AROA") || out["apiVersion"] != "authentication.k8s.io/v1" {
			t.Fatalf("TokenReview(role session) = %d %v", code, out)
		}
	})
	t.Run("a token for sts.us-east-1.amazonaws.com", func(t *testing.T) {
		tok, _ := eks.NewToken(aliceKeys, "demo", useast1, clk.Now())
		code, out := review(t, "POST", "/eks/demo/authenticate", tokenReview(tok.Value))
		if st, _ := out["status"].(map[string]any); code != 200 || st["authenticated"] != true {
			t.Fatalf("TokenReview(regional host) = %d %v", code, out)
		}
	})
	for _, tt := range []struct {
		name, path, token, want string
	}{
		{"another cluster", "/eks/other/authenticate", "", "SignatureDoesNotMatch"},
		{"not a token", "/eks/demo/authenticate", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", `eks: prefix: input token was not properly formatted: token is missing expected "k8s-aws-v1." prefix`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			token := tt.token
			if token == "" {
				tok, _ := eks.NewToken(aliceKeys, "demo", local, clk.Now())
				token = tok.Value
			}
			code, out := review(t, "POST", tt.path, tokenReview(token))
			st, _ := out["status"].(map[string]any)
			if code != 403 || st["authenticated"] != false || !strings.Contains(st["error"].(string), tt.want) {
				t.Fatalf("TokenReview(%s) = %d %v; want 403, not authenticated, error %q", tt.name, code, out, tt.want)
			}
		})
	}
	if code, _ := review(t, "GET", "/eks/demo/authenticate", ""); code != 405 {
		t.Errorf("GET /eks/demo/authenticate = %d; want 405", code)
	}
	if code, _ := review(t, "POST", "/eks/demo/authenticate", `{"kind":"TokenReview"}`); code != 400 {
		t.Errorf("POST a TokenReview without a token = %d; want 400", code)
	}
}
