package creds

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/ststest"
)

func TestFromEnvironment(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{"static keys", map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": exampleSecret, "AWS_ACCOUNT_ID": "123456789012"},
			"static AKIAIOSFODNN7EXAMPLE account=123456789012 (environment)", ""},
		{"keys win over web identity", map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": exampleSecret, "AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"},
			"static AKIAIOSFODNN7EXAMPLE account= (environment)", ""},
		{"web identity, as on EKS", map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", "AWS_ROLE_SESSION_NAME": "pod-1", "AWS_REGION": "eu-west-1"},
			"web identity " + ciRole + " file=/var/run/secrets/eks.amazonaws.com/serviceaccount/token session=pod-1 duration=0s region=eu-west-1", ""},
		{"half the keys", map[string]string{"AWS_SECRET_ACCESS_KEY": exampleSecret}, "", "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"},
		{"a role without a token file", map[string]string{"AWS_ROLE_ARN": ciRole}, "", "creds: AWS_ROLE_ARN: is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"},
		{"a token file without a role", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/t"}, "", "creds: AWS_WEB_IDENTITY_TOKEN_FILE: is set but AWS_ROLE_ARN is not"},
		{"a bad STS setting", map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_STS_REGIONAL_ENDPOINTS": "maybe"}, "", "AWS_STS_REGIONAL_ENDPOINTS"},
		{"a CA bundle that does not exist", map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_CA_BUNDLE": "/nonexistent/ca.pem"}, "", "creds: AWS_CA_BUNDLE: open /nonexistent/ca.pem"},
		{"nothing", nil, "", "creds: no credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := FromEnvironment(envOf(tt.env), nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FromEnvironment = %v; want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || describe(p) != tt.want {
				t.Fatalf("FromEnvironment = %s, %v; want %s", describe(p), err, tt.want)
			}
		})
	}
	if _, err := FromEnvironment(envOf(nil), nil); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("FromEnvironment(nothing) = %v; want ErrNoCredentials", err)
	}
}

// TestFromEnvironmentCABundle: an STS behind TLS with a private CA is reached only with
// AWS_CA_BUNDLE naming that CA.
func TestFromEnvironmentCABundle(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	target, _ := url.Parse(srv.URL)
	tlsSTS := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	defer tlsSTS.Close()
	dir := t.TempDir()
	token, _ := srv.Issuer.Mint(map[string]any{"sub": "system:serviceaccount:default:app"})
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(token), 0o600)
	bundle := filepath.Join(dir, "ca.pem")
	os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSTS.Certificate().Raw}), 0o600)
	env := map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ENDPOINT_URL_STS": tlsSTS.URL}

	p, err := FromEnvironment(envOf(env), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Retrieve without the bundle = %v; want a certificate error", err)
	}
	env["AWS_CA_BUNDLE"] = bundle
	p, err = FromEnvironment(envOf(env), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := p.Retrieve(context.Background()); err != nil || c.AccountID != "123456789012" {
		t.Fatalf("Retrieve with AWS_CA_BUNDLE = %v, %v", c, err)
	}
	os.WriteFile(bundle, []byte("not a certificate"), 0o600)
	if _, err := FromEnvironment(envOf(env), nil); err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("FromEnvironment(bad bundle) = %v", err)
	}
}

// TestFromEnvironmentRereadsTheTokenFile: each renewal sends the token the file holds then.
func TestFromEnvironmentRereadsTheTokenFile(t *testing.T) {
	srv, _, _ := emulator(t)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	env := map[string]string{"AWS_ROLE_ARN": ciRole, "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ENDPOINT_URL_STS": srv.URL}
	p, err := FromEnvironment(envOf(env), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.(*WebIdentity).Token != idtoken.File(tokenFile) {
		t.Fatalf("token source = %v; want the file", p.(*WebIdentity).Token)
	}
	for _, claims := range []map[string]any{{"sub": "first"}, {"sub": "rotated"}} {
		token, _ := srv.Issuer.Mint(claims)
		os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)
		if _, err := p.Retrieve(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := lastForm(srv)["WebIdentityToken"]; got != token {
			t.Errorf("sent a token other than the file's current one (trimmed)")
		}
	}
}
