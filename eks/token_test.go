package eks_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// The recomputed test vector of PROTOCOL.md §14.1: botocore produced it and an independent
// HMAC reproduced its signature.
var (
	vectorCreds = sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	vectorTime  = time.Date(2026, 11, 30, 6, 2, 31, 0, time.UTC)
	vectorURL   = "https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261130%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20261130T060231Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=e3f753222c8f16b77fdadf228c093b7e17eb947b7087c39d97cfcd122fdb2d63"
)

func regional(t *testing.T, region string) sts.Endpoint {
	t.Helper()
	ep, err := sts.ResolveEndpoint(region, sts.EndpointOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// decode returns the URL a token holds.
func decode(t *testing.T, token string) string {
	t.Helper()
	if !strings.HasPrefix(token, eks.Prefix) {
		t.Fatalf("token %.20q… lacks the prefix %q", token, eks.Prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, eks.Prefix))
	if err != nil {
		t.Fatalf("token is not unpadded base64url: %v", err)
	}
	return string(raw)
}

func TestNewTokenVector(t *testing.T) {
	tok, err := eks.NewToken(vectorCreds, "MyCluster", regional(t, "us-east-1"), vectorTime.Add(400*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, tok.Value); got != vectorURL {
		t.Errorf("NewToken(vector) URL =\n%s\nwant\n%s", got, vectorURL)
	}
	if want := eks.Prefix + base64.RawURLEncoding.EncodeToString([]byte(vectorURL)); tok.Value != want {
		t.Errorf("NewToken(vector) = %q; want %q", tok.Value, want)
	}
	if !tok.Signed.Equal(vectorTime) || !tok.Expiration.Equal(vectorTime.Add(14*time.Minute)) {
		t.Errorf("NewToken(vector) Signed %v, Expiration %v; want %v and 14 minutes later", tok.Signed, tok.Expiration, vectorTime)
	}
	if s := fmt.Sprint(tok); strings.Contains(s, tok.Value) || strings.Contains(fmt.Sprintf("%#v", tok), tok.Value) {
		t.Errorf("fmt.Sprint(token) = %q shows the token", s)
	}
}

func TestNewTokenEndpointsAndSessions(t *testing.T) {
	withSession := vectorCreds
	withSession.SessionToken = "AQoDYXdzEPT//////////wEXAMPLE+token="
	for _, tt := range []struct {
		name   string
		creds  sigv4.Credentials
		ep     sts.Endpoint
		prefix string   // the URL starts so
		has    []string // and holds these
	}{
		{"global", vectorCreds, sts.Endpoint{URL: "https://sts.amazonaws.com", SigningRegion: "us-east-1"},
			"https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&", []string{"%2Fus-east-1%2Fsts%2F"}},
		{"china", vectorCreds, regional(t, "cn-north-1"),
			"https://sts.cn-north-1.amazonaws.com.cn/?Action=", []string{"%2Fcn-north-1%2Fsts%2F"}},
		{"emulator without a path", vectorCreds, sts.Endpoint{URL: "http://127.0.0.1:4566", SigningRegion: "us-east-1"},
			"http://127.0.0.1:4566/?Action=GetCallerIdentity&", nil},
		{"session token signed, in canonical order", withSession, regional(t, "eu-west-1"),
			"https://sts.eu-west-1.amazonaws.com/?",
			[]string{"&X-Amz-Expires=60&X-Amz-Security-Token=AQoDYXdzEPT%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEXAMPLE%2Btoken%3D&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature="}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := eks.NewToken(tt.creds, "MyCluster", tt.ep, vectorTime)
			if err != nil {
				t.Fatal(err)
			}
			u := decode(t, tok.Value)
			if !strings.HasPrefix(u, tt.prefix) {
				t.Errorf("NewToken(%s) URL = %s; want it to start %s", tt.name, u, tt.prefix)
			}
			for _, h := range tt.has {
				if !strings.Contains(u, h) {
					t.Errorf("NewToken(%s) URL = %s; want it to hold %s", tt.name, u, h)
				}
			}
		})
	}
}

func TestNewTokenRefuses(t *testing.T) {
	ep := regional(t, "us-east-1")
	for _, tt := range []struct {
		name    string
		creds   sigv4.Credentials
		cluster string
		ep      sts.Endpoint
		want    string
	}{
		{"no cluster", vectorCreds, "", ep, "cluster name (or id) is empty"},
		{"newline in cluster", vectorCreds, "a\nb", ep, `"a\nb" has a control character`},
		{"no secret", sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE"}, "c", ep, "secret access key"},
		{"endpoint not a URL", vectorCreds, "c", sts.Endpoint{URL: "sts.amazonaws.com", SigningRegion: "us-east-1"}, "is not an http(s) URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := eks.NewToken(tt.creds, tt.cluster, tt.ep, vectorTime)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "eks: ") {
				t.Errorf("NewToken(%s) = %v; want an eks: error containing %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestExecCredential(t *testing.T) {
	tok := eks.Token{Value: "k8s-aws-v1.aHR0cHM", Signed: vectorTime, Expiration: vectorTime.Add(eks.Lifetime)}
	// What /usr/bin/aws eks get-token (2.9.19) prints, token aside.
	want := `{"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1beta1", "spec": {}, "status": {"expirationTimestamp": "2026-11-30T06:16:31Z", "token": "k8s-aws-v1.aHR0cHM"}}` + "\n"
	if got := string(tok.ExecCredential("")); got != want {
		t.Errorf("ExecCredential(\"\") =\n%s\nwant\n%s", got, want)
	}
	if got := string(tok.ExecCredential(eks.APIVersionV1)); !strings.Contains(got, `"apiVersion": "client.authentication.k8s.io/v1",`) {
		t.Errorf("ExecCredential(v1) = %s", got)
	}
}

func TestExecAPIVersion(t *testing.T) {
	for _, tt := range []struct {
		name, info, want, warning string
	}{
		{"unset", "", eks.APIVersionV1beta1, ""},
		{"v1", `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`, eks.APIVersionV1, ""},
		{"v1beta1", `{"apiVersion":"client.authentication.k8s.io/v1beta1"}`, eks.APIVersionV1beta1, ""},
		{"v1alpha1 kept, deprecated", `{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`, eks.APIVersionV1alpha1, "deprecated"},
		{"not JSON", `{apiVersion: v1}`, eks.APIVersionV1beta1, "is not a JSON object"},
		{"not an object", `["client.authentication.k8s.io/v1"]`, eks.APIVersionV1beta1, "is not a JSON object"},
		{"unknown", `{"apiVersion":"client.authentication.k8s.io/v2"}`, eks.APIVersionV1beta1, "does not know"},
		{"no apiVersion", `{}`, eks.APIVersionV1beta1, "does not know"},
		{"apiVersion not a string", `{"apiVersion":1}`, eks.APIVersionV1beta1, "does not know"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, warning := eks.ExecAPIVersion(tt.info)
			if got != tt.want || (tt.warning == "") != (warning == "") || !strings.Contains(warning, tt.warning) {
				t.Errorf("ExecAPIVersion(%q) = %q, %q; want %q and a warning containing %q", tt.info, got, warning, tt.want, tt.warning)
			}
		})
	}
}
