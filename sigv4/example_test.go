package sigv4_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// The SigV4 suite's example credentials and fixed time.
var (
	exampleCreds = sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	exampleTime  = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
)

// Signing the suite's get-vanilla request in header form.
func ExampleSigner_SignHTTP() {
	r, _ := http.NewRequest("GET", "https://example.amazonaws.com/", nil)
	var s sigv4.Signer
	sig, err := s.SignHTTP(r, exampleCreds, sigv4.EmptyPayloadHash, "service", "us-east-1", exampleTime)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sig.CanonicalRequest)
	fmt.Println()
	fmt.Println("X-Amz-Date:", r.Header.Get("X-Amz-Date"))
	fmt.Println("Authorization:", r.Header.Get("Authorization"))
	// Output:
	// GET
	// /
	//
	// host:example.amazonaws.com
	// x-amz-date:20150830T123600Z
	//
	// host;x-amz-date
	// e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
	//
	// X-Amz-Date: 20150830T123600Z
	// Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
}

// Presigning the same request: the signature travels in the URL.
func ExampleSigner_PresignHTTP() {
	r, _ := http.NewRequest("GET", "https://example.amazonaws.com/", nil)
	var s sigv4.Signer
	u, _, err := s.PresignHTTP(r, exampleCreds, sigv4.EmptyPayloadHash, "service", "us-east-1", exampleTime, time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u)
	// Output:
	// https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d
}

// A server checks a signed request, then the same request with its body changed.
func ExampleVerify() {
	lookup := func(id string) (sigv4.Credentials, error) {
		if id == exampleCreds.AccessKeyID {
			return exampleCreds, nil
		}
		return sigv4.Credentials{}, errors.New("no such key")
	}
	r, _ := http.NewRequest("GET", "https://example.amazonaws.com/", nil)
	sig, _ := new(sigv4.Signer).SignHTTP(r, exampleCreds, sigv4.EmptyPayloadHash, "service", "us-east-1", exampleTime)

	now := exampleTime.Add(2 * time.Minute)
	v, err := sigv4.Verify(r, nil, lookup, now, sigv4.VerifyOptions{Service: "service"})
	fmt.Println(v.AccessKeyID, v.Region, v.Service, v.SignedHeaders, err)

	opts := sigv4.VerifyOptions{ClientCanonicalRequest: sig.CanonicalRequest}
	_, err = sigv4.Verify(r, []byte("surprise"), lookup, now, opts)
	fmt.Println(errors.Is(err, sigv4.ErrSignatureMismatch))
	fmt.Println(err)
	// Output:
	// AKIDEXAMPLE us-east-1 service host;x-amz-date <nil>
	// true
	// sigv4: signature does not match: canonical request line 8 (payload hash) differs: client signed "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", verifier computed "0832c0adf05418144b7b5f01e14600782ba7a302a606b49e3bf26214b765c176"
}
