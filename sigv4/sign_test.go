package sigv4_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// The S3 documentation's example keys and time (PROTOCOL.md §3.3). Note the '/' in the
// secret, where the suite's has a '+'.
var (
	s3Creds = sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	s3Time  = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
)

func TestS3DocumentationVectors(t *testing.T) {
	t.Run("header GET with Range", func(t *testing.T) {
		r, _ := http.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt", nil)
		r.Header.Set("Range", "bytes=0-9")
		sig, err := new(sigv4.Signer).SignHTTP(r, s3Creds, sigv4.EmptyPayloadHash, "s3", "us-east-1", s3Time)
		if err != nil {
			t.Fatal(err)
		}
		if want := "host;range;x-amz-content-sha256;x-amz-date"; sig.SignedHeaders != want {
			t.Errorf("SignedHeaders = %q; want %q", sig.SignedHeaders, want)
		}
		if want := "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"; sig.Signature != want {
			t.Errorf("Signature = %s; want %s", sig.Signature, want)
		}
		if got := r.Header.Get("X-Amz-Content-Sha256"); got != sigv4.EmptyPayloadHash {
			t.Errorf("X-Amz-Content-Sha256 = %q; want the empty hash", got)
		}
	})
	t.Run("presigned GET", func(t *testing.T) {
		r, _ := http.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt", nil)
		u, sig, err := new(sigv4.Signer).PresignHTTP(r, s3Creds, "", "s3", "us-east-1", s3Time, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		const want = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
		if sig.Signature != want {
			t.Errorf("Signature = %s; want %s", sig.Signature, want)
		}
		if !strings.HasSuffix(u.RawQuery, "&X-Amz-Signature="+want) || !strings.Contains(u.RawQuery, "X-Amz-Expires=86400") {
			t.Errorf("presigned query = %q", u.RawQuery)
		}
		if r.URL.RawQuery != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("PresignHTTP changed the request: %v %v", r.URL, r.Header)
		}
	})
}

// TestPinnedSignatures pins the suite signatures that PROTOCOL.md §3.3 records, through
// ordinary net/http requests rather than the suite's parser.
func TestPinnedSignatures(t *testing.T) {
	suite := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	withToken := suite
	withToken.SessionToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
	when := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	tests := []struct {
		name, method string
		creds        sigv4.Credentials
		header       string
		query        string
	}{
		{"get-vanilla", "GET", suite, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"},
		{"get-vanilla-with-session-token", "GET", withToken, "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8", "7ff2b50b376cb4d151970630573d6291dc128cc5c2a12ffb237f73cc53f67b6c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(tc.method, "https://example.amazonaws.com/", nil)
			sig, err := new(sigv4.Signer).SignHTTP(r, tc.creds, "", "service", "us-east-1", when)
			if err != nil || sig.Signature != tc.header {
				t.Errorf("SignHTTP = %v, %v; want %s", sig, err, tc.header)
			}
			r, _ = http.NewRequest(tc.method, "https://example.amazonaws.com/", nil)
			_, sig, err = new(sigv4.Signer).PresignHTTP(r, tc.creds, "", "service", "us-east-1", when, time.Hour)
			if err != nil || sig.Signature != tc.query {
				t.Errorf("PresignHTTP = %v, %v; want %s", sig, err, tc.query)
			}
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"sorted by name", "b=2&a=1", "a=1&b=2"},
		{"repeated key sorted by value", "Param1=value2&Param1=value1", "Param1=value1&Param1=value2"},
		{"key without equals", "acl", "acl="},
		{"empty value", "a=&b", "a=&b="},
		{"empty pairs dropped", "&&a=1&", "a=1"},
		{"space as %20, never +", "a=b+c&d=e%20f", "a=b%20c&d=e%20f"},
		{"plus sign encoded", "a=b%2Bc", "a=b%2Bc"},
		{"lower-case hex upper-cased", "a=%2f%e1%88%b4", "a=%2F%E1%88%B4"},
		{"unreserved decoded", "%41%7E=%2D", "A~=-"},
		{"bad escape taken literally", "a=100%&b=%zz", "a=100%25&b=%25zz"},
		{"sort by encoded name", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"},
		{"reserved characters", "a=$&b=!*'()", "a=%24&b=%21%2A%27%28%29"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sigv4.CanonicalQuery(tc.in); got != tc.want {
				t.Errorf("CanonicalQuery(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestCanonicalURI checks the path rules through ordinary requests: non-S3 services
// normalise and encode the wire path again, S3 encodes once and keeps the path as is.
func TestCanonicalURI(t *testing.T) {
	tests := []struct {
		name, service, rawURL, want string
	}{
		{"double encoding", "sts", "https://h/a%20b", "/a%2520b"},
		{"plus kept literal then encoded", "sts", "https://h/a+b", "/a%2Bb"},
		{"normalised", "sts", "https://h//a/./b/../c//", "/a/c/"},
		{"dot-dot above root", "sts", "https://h/../..", "/"},
		{"empty path", "sts", "https://h", "/"},
		{"s3 encodes once", "s3", "https://h/my%20key", "/my%20key"},
		{"s3 keeps dots and slashes", "s3", "https://h/a//./b/../c", "/a//./b/../c"},
		{"s3 re-encodes odd keys", "s3", "https://h/%E1%88%B4+$%25", "/%E1%88%B4%2B%24%25"},
		{"s3 keeps an encoded slash", "s3", "https://h/a%2Fb", "/a%2Fb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequest("GET", tc.rawURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := new(sigv4.Signer).SignHTTP(r, s3Creds, "", tc.service, "us-east-1", s3Time)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Split(sig.CanonicalRequest, "\n")[1]; got != tc.want {
				t.Errorf("canonical URI of %q = %q; want %q", tc.rawURL, got, tc.want)
			}
		})
	}
}

func TestSignHTTPHeaders(t *testing.T) {
	r, _ := http.NewRequest("POST", "https://sts.amazonaws.com/", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("User-Agent", "rawsts-test")
	r.Header.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")
	r.Header["X-Multi"] = []string{"  b   c ", "a"}
	creds := s3Creds
	creds.SessionToken = "FwoGZXIvYXdzEXAMPLE+/=="
	sig, err := new(sigv4.Signer).SignHTTP(r, creds, "", "sts", "us-east-1", s3Time)
	if err != nil {
		t.Fatal(err)
	}
	const wantSigned = "content-length;content-type;host;x-amz-date;x-amz-security-token;x-multi"
	if sig.SignedHeaders != wantSigned {
		t.Errorf("SignedHeaders = %q; want %q", sig.SignedHeaders, wantSigned)
	}
	for _, line := range []string{"x-multi:b c,a", "content-length:43", "x-amz-security-token:" + creds.SessionToken} {
		if !strings.Contains(sig.CanonicalRequest, "\n"+line+"\n") {
			t.Errorf("canonical request lacks %q:\n%s", line, sig.CanonicalRequest)
		}
	}
	if want := sigv4.HashPayload([]byte("Action=GetCallerIdentity&Version=2011-06-15")); !strings.HasSuffix(sig.CanonicalRequest, "\n"+want) {
		t.Errorf("payload hash from GetBody missing: %s", sig.CanonicalRequest)
	}
	for k, want := range map[string]string{
		"X-Amz-Date":           "20130524T000000Z",
		"X-Amz-Security-Token": creds.SessionToken,
		"Authorization":        sig.Authorization,
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("header %s = %q; want %q", k, got, want)
		}
	}
	if r.Header.Get("X-Amz-Content-Sha256") != "" {
		t.Errorf("X-Amz-Content-Sha256 set for sts")
	}
	wantAuth := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/sts/aws4_request, SignedHeaders=" + wantSigned + ", Signature=" + sig.Signature
	if sig.Authorization != wantAuth {
		t.Errorf("Authorization = %q; want %q", sig.Authorization, wantAuth)
	}
}

func TestSignHTTPErrors(t *testing.T) {
	good, _ := http.NewRequest("GET", "https://h/", nil)
	noHost := &http.Request{Method: "GET", URL: &url.URL{Path: "/"}}
	body := &http.Request{Method: "POST", URL: &url.URL{Host: "h", Path: "/"}, Body: io.NopCloser(strings.NewReader("x"))}
	tests := []struct {
		name  string
		r     *http.Request
		creds sigv4.Credentials
		want  string
	}{
		{"nil request", nil, s3Creds, "nil request"},
		{"no host", noHost, s3Creds, "no host"},
		{"body without GetBody", body, s3Creds, "GetBody"},
		{"no secret", good, sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE"}, "secret access key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := new(sigv4.Signer).SignHTTP(tc.r, tc.creds, "", "sts", "us-east-1", s3Time)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sigv4: ") {
				t.Errorf("SignHTTP() = %v; want an error about %q", err, tc.want)
			}
		})
	}
	if _, _, err := new(sigv4.Signer).PresignHTTP(good, s3Creds, "", "s3", "us-east-1", s3Time, 8*24*time.Hour); err == nil {
		t.Errorf("PresignHTTP(8 days) = nil error; want one")
	}
}

func TestHashReadSeeker(t *testing.T) {
	r := bytes.NewReader([]byte("skip:Param1=value1"))
	r.Seek(5, 0)
	got, err := sigv4.HashReadSeeker(r)
	if want := "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"; err != nil || got != want {
		t.Errorf("HashReadSeeker = %q, %v; want %q", got, err, want)
	}
	if pos, _ := r.Seek(0, 1); pos != 5 {
		t.Errorf("HashReadSeeker left the reader at %d; want 5", pos)
	}
	if got := sigv4.HashPayload(nil); got != sigv4.EmptyPayloadHash {
		t.Errorf("HashPayload(nil) = %q; want %q", got, sigv4.EmptyPayloadHash)
	}
}

// TestKeyCacheConcurrent signs from many goroutines with several secrets, dates and
// regions through one Signer; run it under -race. Each signature must equal the one a
// fresh Signer (an empty cache) computes.
func TestKeyCacheConcurrent(t *testing.T) {
	shared := new(sigv4.Signer)
	regions := []string{"us-east-1", "eu-west-1", "ap-southeast-2"}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				creds := s3Creds
				creds.SecretAccessKey += string(rune('A' + (g+i)%5))
				when := s3Time.Add(time.Duration(i%70) * 24 * time.Hour)
				region := regions[i%len(regions)]
				r1, _ := http.NewRequest("GET", "https://sts.amazonaws.com/", nil)
				r2, _ := http.NewRequest("GET", "https://sts.amazonaws.com/", nil)
				a, err1 := shared.SignHTTP(r1, creds, "", "sts", region, when)
				b, err2 := new(sigv4.Signer).SignHTTP(r2, creds, "", "sts", region, when)
				if err1 != nil || err2 != nil || a.Signature != b.Signature {
					errs <- errors.New("cached signature " + a.Signature + " != fresh " + b.Signature)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSignAllocations(t *testing.T) {
	s := new(sigv4.Signer)
	creds := s3Creds
	creds.SessionToken = "FwoGZXIvYXdzEXAMPLE"
	r, _ := http.NewRequest("POST", "https://sts.amazonaws.com/", nil)
	r.Header["Content-Type"] = []string{"application/x-www-form-urlencoded; charset=utf-8"}
	hash := sigv4.HashPayload([]byte("Action=GetCallerIdentity&Version=2011-06-15"))
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := s.SignHTTP(r, creds, hash, "sts", "us-east-1", s3Time); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("SignHTTP: %.0f allocs", allocs)
	// Two: the Signature with the header values SignHTTP sets, and the one text buffer every
	// string of the result is sliced from, whatever the token's length.
	if allocs > 2 {
		t.Errorf("SignHTTP allocates %.0f times; want 2", allocs)
	}
	long := creds
	long.SessionToken = strings.Repeat("FwoGZXIvYXdzEXAMPLE", 50)
	allocs = testing.AllocsPerRun(100, func() {
		if _, err := s.SignHTTP(r, long, hash, "sts", "us-east-1", s3Time); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2 {
		t.Errorf("SignHTTP with a %d-byte token allocates %.0f times; want 2", len(long.SessionToken), allocs)
	}
}

// BenchmarkSignHTTP re-signs one GetCallerIdentity POST with a session token: the signing
// work alone, without building the request (bench/ compares that with the SDK).
func BenchmarkSignHTTP(b *testing.B) {
	s := new(sigv4.Signer)
	creds := s3Creds
	creds.SessionToken = "FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLEtoken+abc/def=="
	body := "Action=GetCallerIdentity&Version=2011-06-15"
	r, _ := http.NewRequest("POST", "https://sts.amazonaws.com/", strings.NewReader(body))
	r.Header["Content-Type"] = []string{"application/x-www-form-urlencoded; charset=utf-8"}
	hash := sigv4.HashPayload([]byte(body))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := s.SignHTTP(r, creds, hash, "sts", "us-east-1", s3Time); err != nil {
			b.Fatal(err)
		}
	}
}
