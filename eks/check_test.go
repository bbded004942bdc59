package eks_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
)

// tokenOf makes a token of any URL.
func tokenOf(u string) string { return eks.Prefix + base64.RawURLEncoding.EncodeToString([]byte(u)) }

// vectorQuery is the vector's query, for URLs that change one part of it.
var vectorQuery = vectorURL[strings.Index(vectorURL, "?")+1:]

func TestCheckSteps(t *testing.T) {
	during := vectorTime.Add(10 * time.Minute)
	swap := func(old, new string) string { return tokenOf(strings.Replace(vectorURL, old, new, 1)) }
	for _, tt := range []struct {
		name     string
		token    string
		loopback bool
		region   string
		now      time.Time
		step     string // "" means accepted
		message  string
	}{
		{"the vector", tokenOf(vectorURL), false, "", during, "", ""},
		{"the vector at its last second", tokenOf(vectorURL), false, "", vectorTime.Add(eks.ValidFor), "", ""},
		{"too large", eks.Prefix + strings.Repeat("A", eks.MaxTokenSize), false, "", during, eks.StepSize, "token is too large"},
		{"no prefix", "k8s-aws-v2." + tokenOf(vectorURL)[11:], false, "", during, eks.StepPrefix, `token is missing expected "k8s-aws-v1." prefix`},
		{"a JWT", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", false, "", during, eks.StepPrefix, "prefix"},
		{"padded", tokenOf(vectorURL+"x") + "=", false, "", during, eks.StepDecode, "illegal base64 data"},
		{"standard base64", eks.Prefix + base64.StdEncoding.EncodeToString([]byte(vectorURL+"??>")), false, "", during, eks.StepDecode, "unpadded base64url"},
		{"not a URL", tokenOf("https://sts.us-east-1.amazonaws.com/%zz?X-Amz-Signature=CANARY"), false, "", during, eks.StepDecode, "not a URL"},
		{"http", swap("https://", "http://"), false, "", during, eks.StepScheme, `unexpected scheme "http" in pre-signed URL`},
		{"http to loopback without the exception", tokenOf("http://127.0.0.1:4566/?" + vectorQuery), false, "", during, eks.StepScheme, `unexpected scheme "http"`},
		{"http to loopback, emulator exception", tokenOf("http://127.0.0.1:4566/?" + vectorQuery), true, "", during, "", ""},
		{"http to another host with the exception", swap("https://", "http://"), true, "", during, eks.StepScheme, `unexpected scheme "http"`},
		{"not STS", swap("sts.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com.evil.example"), false, "", during, eks.StepHost, `unexpected hostname "sts.us-east-1.amazonaws.com.evil.example"`},
		{"a port", swap("amazonaws.com/", "amazonaws.com:443/"), false, "", during, eks.StepHost, "unexpected hostname"},
		{"loopback without the exception", tokenOf("https://localhost/?" + vectorQuery), false, "", during, eks.StepHost, `unexpected hostname "localhost"`},
		{"global endpoint", swap("sts.us-east-1.amazonaws.com", "sts.amazonaws.com"), false, "", during, "", ""},
		{"global endpoint, china cluster", swap("sts.us-east-1.amazonaws.com", "sts.amazonaws.com"), false, "cn-north-1", during, eks.StepHost, "unexpected hostname"},
		{"fips", swap("sts.us-east-1", "sts-fips.us-east-1"), false, "us-east-1", during, "", ""},
		{"dual-stack", swap("sts.us-east-1.amazonaws.com", "sts.us-east-1.api.aws"), false, "", during, "", ""},
		{"fips dual-stack", swap("sts.us-east-1.amazonaws.com", "sts-fips.us-east-1.api.aws"), false, "", during, "", ""},
		{"china host, china cluster", swap("sts.us-east-1.amazonaws.com", "sts.cn-north-1.amazonaws.com.cn"), false, "cn-northwest-1", during, "", ""},
		{"china host, aws cluster", swap("sts.us-east-1.amazonaws.com", "sts.cn-north-1.amazonaws.com.cn"), false, "us-west-2", during, eks.StepHost, "unexpected hostname"},
		{"china region on the aws domain", swap("sts.us-east-1.amazonaws.com", "sts.cn-north-1.amazonaws.com"), false, "", during, eks.StepHost, "unexpected hostname"},
		{"gov fips is the plain host", swap("sts.us-east-1.amazonaws.com", "sts-fips.us-gov-west-1.amazonaws.com"), false, "", during, eks.StepHost, "unexpected hostname"},
		{"path", swap(".com/?", ".com/x?"), false, "", during, eks.StepPath, "unexpected path in pre-signed URL"},
		{"no path", swap(".com/?", ".com?"), false, "", during, eks.StepPath, "unexpected path"},
		{"bad query encoding", swap("Action=", "A%zz=1&Action="), false, "", during, eks.StepQuery, "not valid form encoding"},
		{"extra parameter", swap("Action=", "X-Amz-Expiry=1&Action="), false, "", during, eks.StepQuery, `non-whitelisted query parameter "X-Amz-Expiry"`},
		{"two values", swap("Action=GetCallerIdentity", "Action=GetCallerIdentity&Action=GetCallerIdentity"), false, "", during, eks.StepQuery, "query parameter with multiple values not supported"},
		{"twice in two cases", swap("Action=GetCallerIdentity", "Action=GetCallerIdentity&action=GetCallerIdentity"), false, "", during, eks.StepQuery, `duplicate query parameter found: "action"`},
		{"names in any case", tokenOf(strings.ToLower(vectorURL[:strings.Index(vectorURL, "&X-Amz-Expires")]) + "&x-amz-expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Date=20261130T060231Z&Action=GetCallerIdentity"), false, "", during, eks.StepQuery, `duplicate query parameter found`},
		{"another action", swap("Action=GetCallerIdentity", "Action=GetSessionToken"), false, "", during, eks.StepAction, "unexpected action parameter in pre-signed URL"},
		{"no action", swap("Action=GetCallerIdentity&", ""), false, "", during, eks.StepAction, "unexpected action"},
		{"cluster header not signed", swap("host%3Bx-k8s-aws-id", "host"), false, "", during, eks.StepSignedHeaders, "client did not sign the x-k8s-aws-id header in the pre-signed URL"},
		{"cluster header signed in capitals", swap("host%3Bx-k8s-aws-id", "host%3BX-K8S-AWS-ID"), false, "", during, "", ""},
		{"expires 901", swap("X-Amz-Expires=60", "X-Amz-Expires=901"), false, "", during, eks.StepExpires, `invalid X-Amz-Expires parameter in pre-signed URL: "901"`},
		{"expires 900", swap("X-Amz-Expires=60", "X-Amz-Expires=900"), false, "", during, "", ""},
		{"expires 0", swap("X-Amz-Expires=60", "X-Amz-Expires=0"), false, "", during, "", ""},
		{"expires negative", swap("X-Amz-Expires=60", "X-Amz-Expires=-1"), false, "", during, eks.StepExpires, `"-1"`},
		{"expires missing", swap("X-Amz-Expires=60&", ""), false, "", during, eks.StepExpires, `""`},
		{"date missing", swap("X-Amz-Date=20261130T060231Z&", ""), false, "", during, eks.StepDate, "X-Amz-Date parameter must be present in pre-signed URL"},
		{"date malformed", swap("X-Amz-Date=20261130T060231Z", "X-Amz-Date=2026-11-30T06:02:31Z"), false, "", during, eks.StepDate, "is not in the form 20060102T150405Z"},
		{"expired", tokenOf(vectorURL), false, "", vectorTime.Add(eks.ValidFor + time.Second), eks.StepDate, "X-Amz-Date parameter is expired (15 minute expiration) 20261130T060231Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := &eks.Verifier{AllowLoopback: tt.loopback, Region: tt.region, Now: func() time.Time { return tt.now }}
			req, err := v.Check(tt.token)
			if tt.step == "" {
				if err != nil {
					t.Fatalf("Check(%s) = %v; want it accepted", tt.name, err)
				}
				if !req.Date.Equal(vectorTime) || req.Loopback != tt.loopback {
					t.Errorf("Check(%s) = %+v; want Date %v, Loopback %v", tt.name, req, vectorTime, tt.loopback)
				}
				return
			}
			var te *eks.TokenError
			if !errors.As(err, &te) || te.Step != tt.step || !strings.Contains(te.Message, tt.message) {
				t.Fatalf("Check(%s) = %v; want a TokenError at step %s containing %q", tt.name, err, tt.step, tt.message)
			}
			want := "eks: " + tt.step + ": input token was not properly formatted: "
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Check(%s) = %q; want it to start %q", tt.name, err, want)
			}
			for _, secret := range []string{"e3f753222c8f16b77fdadf228c093b7e17eb947b7087c39d97cfcd122fdb2d63", "CANARY", tt.token[len(eks.Prefix):]} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("Check(%s) = %q; it quotes the token or its signature", tt.name, err)
				}
			}
		})
	}
}

func TestCheckReadsTheRequest(t *testing.T) {
	withToken := strings.Replace(vectorURL, "&X-Amz-SignedHeaders", "&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE&X-Amz-SignedHeaders", 1)
	req, err := (&eks.Verifier{Now: func() time.Time { return vectorTime }}).Check(tokenOf(withToken))
	if err != nil {
		t.Fatal(err)
	}
	if req.Host != "sts.us-east-1.amazonaws.com" || req.Expires != time.Minute || req.AccessKeyID != "AKIDEXAMPLE" || req.Region != "us-east-1" ||
		req.Service != "sts" || !req.SessionToken || req.Loopback || strings.Join(req.SignedHeaders, ";") != "host;x-k8s-aws-id" {
		t.Errorf("Check(vector with a session token) = %+v", req)
	}
}
