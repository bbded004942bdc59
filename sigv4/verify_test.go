package sigv4_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

const (
	verifyToken = "FwoGZXIvYXdzEXAMPLEtokenWithSecretBits+/=="
	verifyBody  = "Action=GetCallerIdentity&Version=2011-06-15"
)

var (
	verifyCreds  = sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SessionToken: verifyToken}
	verifyTime   = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	errNoSuchKey = errors.New("no such key")
)

func lookupVerify(id string) (sigv4.Credentials, error) {
	if id == verifyCreds.AccessKeyID {
		return verifyCreds, nil
	}
	return sigv4.Credentials{}, errNoSuchKey
}

// signedSTS returns a GetCallerIdentity POST signed in header form, and its signature.
func signedSTS(t *testing.T, creds sigv4.Credentials, service string) (*http.Request, *sigv4.Signature) {
	r, _ := http.NewRequest("POST", "https://sts.us-east-1.amazonaws.com/?Extra=1", strings.NewReader(verifyBody))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sig, err := new(sigv4.Signer).SignHTTP(r, creds, "", service, "us-east-1", verifyTime)
	if err != nil {
		panic(err) // t may be nil
	}
	return r, sig
}

func TestVerifyValid(t *testing.T) {
	r, sig := signedSTS(t, verifyCreds, "sts")
	v, err := sigv4.Verify(r, []byte(verifyBody), lookupVerify, verifyTime.Add(time.Minute), sigv4.VerifyOptions{Region: "us-east-1", Service: "sts"})
	if err != nil {
		t.Fatalf("Verify(valid header request) = %v", err)
	}
	if v.AccessKeyID != verifyCreds.AccessKeyID || v.Region != "us-east-1" || v.Service != "sts" ||
		v.SignedHeaders != sig.SignedHeaders || v.Signature.Signature != sig.Signature || v.Presigned || !v.Time.Equal(verifyTime) {
		t.Errorf("Verify = %+v; want the signer's values", v)
	}

	p, _ := http.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/my%20key.txt?versionId=3", nil)
	u, psig, err := new(sigv4.Signer).PresignHTTP(p, verifyCreds, "", "s3", "us-east-1", verifyTime, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := http.NewRequest("GET", u.String(), nil)
	v, err = sigv4.Verify(got, nil, lookupVerify, verifyTime.Add(59*time.Minute), sigv4.VerifyOptions{})
	if err != nil {
		t.Fatalf("Verify(valid presigned URL %s) = %v", u, err)
	}
	if !v.Presigned || v.Expires != time.Hour || v.Signature.Signature != psig.Signature {
		t.Errorf("Verify(presigned) = %+v", v)
	}
}

func TestVerifyFailures(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *http.Request, body *string, now *time.Time, opts *sigv4.VerifyOptions)
		want   error
		reason string // a part of the message saying what differed
	}{
		{"wrong secret", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			wrong := verifyCreds
			wrong.SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY"
			w, _ := signedSTS(nil, wrong, "sts")
			r.Header.Set("Authorization", w.Header.Get("Authorization"))
		}, sigv4.ErrSignatureMismatch, "canonical requests are identical"},
		{"tampered body", func(_ *http.Request, body *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			*body = strings.Replace(*body, "GetCallerIdentity", "GetSessionToken", 1)
		}, sigv4.ErrSignatureMismatch, "line 11 (payload hash) differs"},
		{"tampered signed header", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Set("Content-Type", "text/plain")
		}, sigv4.ErrSignatureMismatch, `(header content-type) differs: client signed "content-type:application/x-www-form-urlencoded; charset=utf-8", verifier computed "content-type:text/plain"`},
		{"tampered query", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.URL.RawQuery = "Extra=2"
		}, sigv4.ErrSignatureMismatch, `canonical query differs at parameter 1: client signed "Extra=1", verifier computed "Extra=2"`},
		{"tampered date, same day", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Set("X-Amz-Date", "20150830T123700Z")
		}, sigv4.ErrSignatureMismatch, "(header x-amz-date) differs"},
		{"token swapped", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Set("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLEotherToken")
		}, sigv4.ErrTokenMismatch, "not the access key's session token"},
		{"token removed", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Del("X-Amz-Security-Token")
		}, sigv4.ErrTokenMismatch, "has no X-Amz-Security-Token"},
		{"date skew", func(_ *http.Request, _ *string, now *time.Time, _ *sigv4.VerifyOptions) {
			*now = verifyTime.Add(-6 * time.Minute)
		}, sigv4.ErrDateSkew, "is 6m0s from the verifier's clock"},
		{"scope date mismatch", func(r *http.Request, _ *string, now *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Set("X-Amz-Date", "20150831T000100Z")
			*now = verifyTime.Add(12 * time.Hour)
		}, sigv4.ErrScopeMismatch, "scope date 20150830 is not the date of X-Amz-Date 20150831T000100Z"},
		{"wrong region", func(_ *http.Request, _ *string, _ *time.Time, opts *sigv4.VerifyOptions) {
			opts.Region = "eu-west-1"
		}, sigv4.ErrScopeMismatch, `scope region "us-east-1"; this endpoint is "eu-west-1"`},
		{"required header not signed", func(_ *http.Request, _ *string, _ *time.Time, opts *sigv4.VerifyOptions) {
			opts.RequiredHeaders = []string{"x-amz-target"}
		}, sigv4.ErrHeaderNotSigned, "x-amz-target is not among the signed headers"},
		{"x-amz-date not signed", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-date", "", 1))
		}, sigv4.ErrHeaderNotSigned, "x-amz-date is not among the signed headers"},
		{"unknown access key", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", 1))
		}, sigv4.ErrUnknownAccessKey, "AKIAI44QH8DHBEXAMPLE is not known"},
		{"not signed", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Del("Authorization")
		}, sigv4.ErrNotSigned, "no Authorization header"},
		{"signed header missing", func(r *http.Request, _ *string, _ *time.Time, _ *sigv4.VerifyOptions) {
			r.Header.Del("Content-Type")
		}, sigv4.ErrSignatureMismatch, "signed header content-type is not in the request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, sig := signedSTS(t, verifyCreds, "sts")
			body, now := verifyBody, verifyTime.Add(time.Minute)
			opts := sigv4.VerifyOptions{ClientCanonicalRequest: sig.CanonicalRequest}
			tc.change(r, &body, &now, &opts)
			_, err := sigv4.Verify(r, []byte(body), lookupVerify, now, opts)
			checkVerifyError(t, err, tc.want, tc.reason)
		})
	}
}

func checkVerifyError(t *testing.T, err, want error, reason string) {
	t.Helper()
	var ve *sigv4.VerifyError
	if !errors.Is(err, want) || !errors.As(err, &ve) {
		t.Fatalf("Verify() = %v; want %v", err, want)
	}
	if !strings.Contains(err.Error(), reason) {
		t.Errorf("Verify() = %q; want it to say %q", err, reason)
	}
	for _, secret := range []string{verifyCreds.SecretAccessKey, verifyToken, "FwoGZXIvYXdzEXAMPLEotherToken"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Verify() error %q leaks a secret", err)
		}
	}
}

func TestVerifyPayloadAndPresignFailures(t *testing.T) {
	t.Run("body does not match X-Amz-Content-Sha256", func(t *testing.T) {
		r, _ := signedSTS(t, verifyCreds, "s3")
		_, err := sigv4.Verify(r, []byte("tampered"), lookupVerify, verifyTime, sigv4.VerifyOptions{})
		checkVerifyError(t, err, sigv4.ErrPayloadHashMismatch, "is not the SHA-256 of the body received")
	})
	t.Run("unknown key wraps the lookup error", func(t *testing.T) {
		r, _ := signedSTS(t, sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "x"}, "sts")
		_, err := sigv4.Verify(r, []byte(verifyBody), lookupVerify, verifyTime, sigv4.VerifyOptions{})
		if !errors.Is(err, errNoSuchKey) || !errors.Is(err, sigv4.ErrUnknownAccessKey) {
			t.Errorf("Verify() = %v; want both ErrUnknownAccessKey and the lookup error", err)
		}
	})
	presigned := func(t *testing.T) *http.Request {
		p, _ := http.NewRequest("GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", nil)
		u, _, err := new(sigv4.Signer).PresignHTTP(p, verifyCreds, "", "sts", "us-east-1", verifyTime, 15*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := http.NewRequest("GET", u.String(), nil)
		return r
	}
	t.Run("presign expired", func(t *testing.T) {
		_, err := sigv4.Verify(presigned(t), nil, lookupVerify, verifyTime.Add(16*time.Minute), sigv4.VerifyOptions{})
		checkVerifyError(t, err, sigv4.ErrExpired, "expired at 20150830T125100Z, 1m0s ago")
	})
	t.Run("presign within PresignedValidity though past X-Amz-Expires", func(t *testing.T) {
		// STS's rule for a presigned GetCallerIdentity (the EKS token): 15 minutes from
		// X-Amz-Date, whatever X-Amz-Expires says.
		p, _ := http.NewRequest("GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", nil)
		u, _, err := new(sigv4.Signer).PresignHTTP(p, verifyCreds, "", "sts", "us-east-1", verifyTime, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := http.NewRequest("GET", u.String(), nil)
		opts := sigv4.VerifyOptions{PresignedValidity: 15 * time.Minute}
		if _, err := sigv4.Verify(r, nil, lookupVerify, verifyTime.Add(14*time.Minute), opts); err != nil {
			t.Errorf("Verify(60 s URL, 14 min later, PresignedValidity 15 min) = %v; want nil", err)
		}
		_, err = sigv4.Verify(r, nil, lookupVerify, verifyTime.Add(16*time.Minute), opts)
		checkVerifyError(t, err, sigv4.ErrExpired, "expired at 20150830T125100Z, 1m0s ago")
		_, err = sigv4.Verify(r, nil, lookupVerify, verifyTime.Add(2*time.Minute), sigv4.VerifyOptions{})
		checkVerifyError(t, err, sigv4.ErrExpired, "expired at 20150830T123700Z, 1m0s ago")
	})
	t.Run("presign tampered query", func(t *testing.T) {
		r := presigned(t)
		r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "GetCallerIdentity", "GetSessionToken", 1)
		_, err := sigv4.Verify(r, nil, lookupVerify, verifyTime, sigv4.VerifyOptions{})
		checkVerifyError(t, err, sigv4.ErrSignatureMismatch, "recomputed signature differs")
	})
	t.Run("presign token dropped", func(t *testing.T) {
		r := presigned(t)
		q := r.URL.Query()
		q.Del("X-Amz-Security-Token")
		r.URL.RawQuery = q.Encode()
		_, err := sigv4.Verify(r, nil, lookupVerify, verifyTime, sigv4.VerifyOptions{})
		checkVerifyError(t, err, sigv4.ErrTokenMismatch, "has no X-Amz-Security-Token")
	})
}

// TestVerifyOverTheWire signs with a real client and verifies in a real server, so the
// path, query, Host and Content-Length are what net/http actually sends and parses.
func TestVerifyOverTheWire(t *testing.T) {
	var got error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, got = sigv4.Verify(r, body, lookupVerify, verifyTime, sigv4.VerifyOptions{Service: "sts"})
	}))
	defer srv.Close()
	for _, path := range []string{"/", "/a b/c+d/%E1%88%B4", "/x/./y/../z"} {
		t.Run(path, func(t *testing.T) {
			u, _ := url.Parse(srv.URL)
			u.Path = path
			u.RawQuery = "b=2&a=1&a=0&flag&sp=x+y"
			r, _ := http.NewRequest("POST", u.String(), strings.NewReader(verifyBody))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Add("X-Multi", "one  two")
			r.Header.Add("X-Multi", "three")
			if _, err := new(sigv4.Signer).SignHTTP(r, verifyCreds, "", "sts", "us-east-1", verifyTime); err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got != nil {
				t.Errorf("server Verify(%s) = %v", path, got)
			}
		})
	}
}
