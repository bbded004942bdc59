package main

import (
	"strings"
	"testing"
)

// FuzzInferScope: whatever the host, inferScope either refuses it or returns a non-empty
// service without dots and a region-shaped region; and ASCII upper case and a trailing dot
// change nothing.
func FuzzInferScope(f *testing.F) {
	for _, seed := range []string{
		"sts.amazonaws.com",                           // global STS
		"sts.eu-west-1.amazonaws.com",                 // regional
		"examplebucket.s3.amazonaws.com",              // S3 virtual-hosted, global
		"my.dotted.bucket.s3-us-west-2.amazonaws.com", // legacy s3-REGION label
		"s3.dualstack.eu-west-1.amazonaws.com",        // dual-stack
		"abcdefg.lambda-url.us-east-1.on.aws",         // Lambda function URL
		"iam.us-gov.amazonaws.com",                    // GovCloud IAM
		"127.0.0.1:8080",                              // a test server
		".amazonaws.com",                              // empty prefix
		"us-east-1.amazonaws.com",                     // a region and no service
		"..us-east-1.amazonaws.com",                   // empty labels
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, host string) {
		service, region, err := inferScope(host)
		if err != nil {
			if service != "" || region != "" {
				t.Fatalf("inferScope(%q) = %q, %q, %v; want nothing with the error", host, service, region, err)
			}
			return
		}
		if service == "" || strings.Contains(service, ".") || !isRegion(region) {
			t.Fatalf("inferScope(%q) = %q, %q; want a service without dots and a region", host, service, region)
		}
		ascii := strings.IndexFunc(host, func(r rune) bool { return r >= 0x80 }) < 0
		s2, r2, err2 := inferScope(strings.ToUpper(host) + ".")
		if ascii && !strings.HasSuffix(host, ".") && (err2 != nil || s2 != service || r2 != region) {
			t.Fatalf("inferScope(%q) = %q, %q, %v; inferScope(%q) = %q, %q", strings.ToUpper(host)+".", s2, r2, err2, host, service, region)
		}
	})
}
