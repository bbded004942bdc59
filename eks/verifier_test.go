package eks_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// canaryCreds carry CANARY in their secrets, which no error may show.
var canaryCreds = sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SessionToken: "FwoGZXIvYXdzCANARYsessiontoken/+="}

// answering starts a loopback server that records what it received and answers status and
// body, and returns a token for it and a verifier.
func answering(t *testing.T, status int, contentType, body string) (string, *eks.Verifier, *http.Request) {
	t.Helper()
	got := &http.Request{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*got = *r.Clone(context.Background())
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		if status == http.StatusFound {
			w.Header().Set("Location", "https://elsewhere.example/steal?"+r.URL.RawQuery)
		}
		w.WriteHeader(status)
		// A hostile server echoes what it was sent.
		echo := r.URL.RawQuery
		if contentType == "text/xml" {
			echo = strings.ReplaceAll(echo, "&", "&amp;")
		}
		w.Write([]byte(strings.ReplaceAll(body, "$QUERY", echo)))
	}))
	t.Cleanup(srv.Close)
	tok, err := eks.NewToken(canaryCreds, "MyCluster", sts.Endpoint{URL: srv.URL, SigningRegion: "us-east-1"}, vectorTime)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Value, &eks.Verifier{ClusterID: "MyCluster", AllowLoopback: true, Now: func() time.Time { return vectorTime }}, got
}

const identityJSON = `{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012","Arn":"arn:aws:sts::123456789012:assumed-role/Dev/EKSGetTokenAuth","UserId":"AROACLKWSDQRAOEXAMPLE:EKSGetTokenAuth"},"ResponseMetadata":{"RequestId":"01234567-89ab-cdef-0123-456789abcdef"}}}`

func TestVerifySends(t *testing.T) {
	token, v, got := answering(t, 200, "application/json", identityJSON)
	id, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	want := eks.Identity{Account: "123456789012", Arn: "arn:aws:sts::123456789012:assumed-role/Dev/EKSGetTokenAuth",
		UserID: "AROACLKWSDQRAOEXAMPLE:EKSGetTokenAuth", CanonicalARN: "arn:aws:iam::123456789012:role/Dev",
		SessionName: "EKSGetTokenAuth", RequestID: "01234567-89ab-cdef-0123-456789abcdef"}
	id.Request = nil
	if *id != want {
		t.Errorf("Verify = %+v; want %+v", *id, want)
	}
	if got.Method != "GET" || got.Header.Get("X-K8s-Aws-Id") != "MyCluster" || got.Header.Get("Accept") != "application/json" ||
		got.URL.Query().Get("Action") != "GetCallerIdentity" || got.URL.Path != "/" {
		t.Errorf("the server received %s %s with headers %v", got.Method, got.URL, got.Header)
	}
}

func TestVerifyEndpointKeepsHost(t *testing.T) {
	var host string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host = r.Host
		w.Write([]byte(identityJSON))
	}))
	defer srv.Close()
	ep, _ := sts.ResolveEndpoint("us-east-1", sts.EndpointOptions{})
	tok, _ := eks.NewToken(canaryCreds, "MyCluster", ep, vectorTime)
	v := &eks.Verifier{ClusterID: "MyCluster", Endpoint: srv.URL, Now: func() time.Time { return vectorTime }}
	if _, err := v.Verify(context.Background(), tok.Value); err != nil || host != "sts.us-east-1.amazonaws.com" {
		t.Errorf("Verify(--endpoint) = %v, Host %q; want the token's host sts.us-east-1.amazonaws.com", err, host)
	}
	v.Endpoint = "http://sts.example.com"
	if _, err := v.Verify(context.Background(), tok.Value); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("Verify(http endpoint off loopback) = %v; want a refusal", err)
	}
}

func TestVerifyFailures(t *testing.T) {
	for _, tt := range []struct {
		name        string
		status      int
		contentType string
		body        string
		code        string // of an *sts.APIError
		response    bool   // an *sts.ResponseError
		redirect    bool
		want        string
	}{
		{"JSON error", 403, "application/json", `{"Error":{"Code":"SignatureDoesNotMatch","Message":"The request signature we calculated does not match. Query: $QUERY","Type":"Sender"},"RequestId":"r-1"}`,
			"SignatureDoesNotMatch", false, false, "eks: sts: GetCallerIdentity failed: sts: SignatureDoesNotMatch"},
		{"XML error", 403, "text/xml", `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid. $QUERY</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`,
			"InvalidClientTokenId", false, false, "InvalidClientTokenId"},
		{"throttled", 400, "application/json", `{"Error":{"Code":"Throttling","Message":"Rate exceeded","Type":"Sender"},"RequestId":"r-3"}`, "Throttling", false, false, "Rate exceeded"},
		{"HTML page", 502, "text/html", `<html>Bad gateway for $QUERY</html>`, "", true, false, "HTTP 502 reply is not an STS response"},
		{"200 in XML", 200, "text/xml", `<GetCallerIdentityResponse/>`, "", true, false, "not the JSON GetCallerIdentityResponse"},
		{"account not 12 digits", 200, "application/json", strings.Replace(identityJSON, `"123456789012","Arn"`, `"1234","Arn"`, 1), "", true, false, "Account is not a 12-digit account id"},
		{"role session without a session", 200, "application/json", strings.Replace(identityJSON, "AROACLKWSDQRAOEXAMPLE:EKSGetTokenAuth", "AROACLKWSDQRAOEXAMPLE", 1), "", true, false, `malformed UserID "AROACLKWSDQRAOEXAMPLE"`},
		{"two colons", 200, "application/json", strings.Replace(identityJSON, "AROACLKWSDQRAOEXAMPLE:EKSGetTokenAuth", "A:B:C", 1), "", true, false, `malformed UserID "A:B:C"`},
		{"redirect", http.StatusFound, "", "", "", false, true, "redirect to https://elsewhere.example"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			token, v, _ := answering(t, tt.status, tt.contentType, tt.body)
			_, err := v.Verify(context.Background(), token)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "eks: ") {
				t.Fatalf("Verify(%s) = %v; want an eks: error containing %q", tt.name, err, tt.want)
			}
			var ae *sts.APIError
			var re *sts.ResponseError
			var rd *sts.RedirectError
			switch {
			case tt.code != "" && (!errors.As(err, &ae) || ae.Code != tt.code):
				t.Errorf("Verify(%s) = %v; want an *sts.APIError %s", tt.name, err, tt.code)
			case tt.response && !errors.As(err, &re):
				t.Errorf("Verify(%s) = %v; want an *sts.ResponseError", tt.name, err)
			case tt.redirect && !errors.As(err, &rd):
				t.Errorf("Verify(%s) = %v; want an *sts.RedirectError", tt.name, err)
			}
			sig := token[len(token)-40:]
			if strings.Contains(err.Error(), "CANARY") || strings.Contains(err.Error(), "X-Amz-Signature=") && !strings.Contains(err.Error(), "redacted") || strings.Contains(err.Error(), sig) {
				t.Errorf("Verify(%s) = %q; it shows a secret of the token", tt.name, err)
			}
		})
	}
}

func TestVerifyTransportErrorHidesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens now
	tok, _ := eks.NewToken(canaryCreds, "MyCluster", sts.Endpoint{URL: url, SigningRegion: "us-east-1"}, vectorTime)
	v := &eks.Verifier{ClusterID: "MyCluster", AllowLoopback: true, Now: func() time.Time { return vectorTime }}
	_, err := v.Verify(context.Background(), tok.Value)
	if err == nil || !strings.HasPrefix(err.Error(), "eks: sts: ") || strings.Contains(err.Error(), "X-Amz") || strings.Contains(err.Error(), "CANARY") {
		t.Errorf("Verify(nothing listening) = %v; want an eks: sts: error without the URL's query", err)
	}
}

func TestVerifyNeedsClusterID(t *testing.T) {
	_, err := (&eks.Verifier{}).Verify(context.Background(), tokenOf(vectorURL))
	if err == nil || !strings.Contains(err.Error(), "ClusterID") {
		t.Errorf("Verify without ClusterID = %v; want an error naming it", err)
	}
}
