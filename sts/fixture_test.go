package sts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/fixture"
)

// fixturePattern is where the shared recorded STS exchanges live.
const fixturePattern = "../testdata/fixtures/sts/*.txt"

// noBackoff makes retries immediate in tests.
func noBackoff(int) time.Duration { return 0 }

// inputFromForm rebuilds the input a recorded request was made from.
func inputFromForm(t *testing.T, body []byte) *AssumeRoleWithWebIdentityInput {
	t.Helper()
	f, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatalf("recorded form: %v", err)
	}
	in := &AssumeRoleWithWebIdentityInput{
		RoleArn:          f.Get("RoleArn"),
		RoleSessionName:  f.Get("RoleSessionName"),
		WebIdentityToken: f.Get("WebIdentityToken"),
		ProviderId:       f.Get("ProviderId"),
		Policy:           f.Get("Policy"),
	}
	for i := 1; f.Has(fmt.Sprintf("PolicyArns.member.%d.arn", i)); i++ {
		in.PolicyArns = append(in.PolicyArns, f.Get(fmt.Sprintf("PolicyArns.member.%d.arn", i)))
	}
	if d := f.Get("DurationSeconds"); d != "" {
		if in.DurationSeconds, err = strconv.Atoi(d); err != nil {
			t.Fatalf("recorded DurationSeconds %q: %v", d, err)
		}
	}
	return in
}

var regionalHost = regexp.MustCompile(`^sts\.([a-z0-9-]+)\.amazonaws\.com$`)

// clientForHost returns a client whose endpoint resolution lands on the recorded host.
func clientForHost(t *testing.T, host string) *Client {
	t.Helper()
	switch m := regionalHost.FindStringSubmatch(host); {
	case host == "sts.amazonaws.com":
		return &Client{}
	case m != nil:
		return &Client{Region: m[1]}
	default:
		return &Client{Endpoint: "https://" + host}
	}
}

// goldenError is how an error renders in a golden file.
type goldenError struct {
	Type       string
	Text       string
	Code       string `json:",omitempty"`
	ErrType    string `json:",omitempty"`
	Message    string `json:",omitempty"`
	RequestID  string `json:",omitempty"`
	StatusCode int    `json:",omitempty"`
	Snippet    string `json:",omitempty"`
	Retryable  bool
}

// golden is what a fixture case renders to.
type golden struct {
	Attempts   int
	Validation string                           `json:",omitempty"` // what Validate says about the recorded input
	Output     *AssumeRoleWithWebIdentityOutput `json:",omitempty"`
	Error      *goldenError                     `json:",omitempty"`
}

func renderError(err error) *goldenError {
	g := &goldenError{Type: fmt.Sprintf("%T", err), Text: err.Error()}
	var apiErr *APIError
	var respErr *ResponseError
	switch {
	case errors.As(err, &apiErr):
		g.Type, g.Code, g.ErrType, g.Message, g.RequestID, g.StatusCode = "*sts.APIError", apiErr.Code, apiErr.Type, apiErr.Message, apiErr.RequestID, apiErr.StatusCode
	case errors.As(err, &respErr):
		g.Type, g.StatusCode, g.Snippet = "*sts.ResponseError", respErr.StatusCode, respErr.Snippet
	}
	g.Retryable = awsquery.Retryable(err)
	return g
}

// TestFixtures replays every recorded exchange and compares the decoded output or error with
// testdata/golden/<case>.json. The client gets as many attempts as the case has exchanges.
func TestFixtures(t *testing.T) {
	cases := fixture.Glob(t, fixturePattern)
	if len(cases) == 0 {
		t.Fatalf("no fixtures match %s", fixturePattern)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			first := c.Exchanges[0].Request
			in := inputFromForm(t, first.Body)
			tr := fixture.NewTransport(t, c)
			cl := clientForHost(t, first.Header.Get("Host"))
			cl.HTTPClient, cl.MaxAttempts, cl.Backoff = tr.Client(), len(c.Exchanges), noBackoff

			g := golden{}
			if err := in.Validate(); err != nil {
				g.Validation = err.Error()
			}
			out, err := cl.assumeRoleWithWebIdentity(context.Background(), in)
			g.Attempts = len(tr.Sent())
			if err != nil {
				g.Error = renderError(err)
				if s := in.WebIdentityToken; strings.Contains(err.Error(), s) {
					t.Errorf("error text quotes the WebIdentityToken: %v", err)
				}
				for _, secret := range []string{"wJalrXUtnF", "AQoDYXdz"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error text quotes a secret (%s…): %v", secret, err)
					}
				}
			} else {
				g.Output = out
			}
			// The form sent is the form recorded (the transport checks it as url.Values).
			if got, want := tr.Sent()[0].Body, in.Form().Encode(); string(got) != want {
				t.Errorf("Form().Encode() = %q; sent %q", want, got)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(g); err != nil {
				t.Fatal(err)
			}
			fixture.Golden(t, filepath.Join("testdata", "golden", c.Name+".json"), buf.Bytes())
		})
	}
}

// TestFixturesOutcomeByGroup checks what the file names promise: success-* decode, error-*
// are APIErrors, broken-* are ResponseErrors (except a 5xx ErrorResponse), retry-* succeed on
// the last attempt.
func TestFixturesOutcomeByGroup(t *testing.T) {
	for _, c := range fixture.Glob(t, fixturePattern) {
		t.Run(c.Name, func(t *testing.T) {
			tr := fixture.NewTransport(t, c)
			cl := clientForHost(t, c.Exchanges[0].Request.Header.Get("Host"))
			cl.HTTPClient, cl.MaxAttempts, cl.Backoff = tr.Client(), len(c.Exchanges), noBackoff
			out, err := cl.assumeRoleWithWebIdentity(context.Background(), inputFromForm(t, c.Exchanges[0].Request.Body))
			var apiErr *APIError
			var respErr *ResponseError
			switch group, _, _ := strings.Cut(c.Name, "-"); group {
			case "success", "retry":
				if err != nil || out.Credentials.AccessKeyID == "" || out.Credentials.Expiration.IsZero() {
					t.Errorf("AssumeRoleWithWebIdentity = %+v, %v; want credentials", out, err)
				}
			case "error":
				if !errors.As(err, &apiErr) {
					t.Errorf("AssumeRoleWithWebIdentity error = %v; want *APIError", err)
				}
			case "broken":
				if !errors.As(err, &respErr) && !(errors.As(err, &apiErr) && apiErr.StatusCode >= 500) {
					t.Errorf("AssumeRoleWithWebIdentity error = %v; want *ResponseError", err)
				}
			default:
				t.Errorf("fixture %s: unknown group", c.Name)
			}
		})
	}
}

// TestGoldenFilesHaveFixtures keeps testdata/golden free of outputs whose fixture is gone.
func TestGoldenFilesHaveFixtures(t *testing.T) {
	have := map[string]bool{}
	for _, c := range fixture.Glob(t, fixturePattern) {
		have[c.Name] = true
	}
	goldens, _ := filepath.Glob("testdata/golden/*.json")
	sort.Strings(goldens)
	for _, g := range goldens {
		if name := strings.TrimSuffix(filepath.Base(g), ".json"); !have[name] {
			t.Errorf("%s has no fixture %s.txt", g, name)
		}
	}
}

func TestFormMatchesRecordedShape(t *testing.T) {
	in := &AssumeRoleWithWebIdentityInput{
		RoleArn: "arn:aws:iam::123456789012:role/demo", RoleSessionName: "s", WebIdentityToken: "tok.en.x",
		PolicyArns: []string{"arn:aws:iam::123456789012:policy/demopolicy1", "arn:aws:iam::123456789012:policy/demopolicy2"},
	}
	want := url.Values{
		"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {"arn:aws:iam::123456789012:role/demo"}, "RoleSessionName": {"s"}, "WebIdentityToken": {"tok.en.x"},
		"PolicyArns.member.1.arn": {"arn:aws:iam::123456789012:policy/demopolicy1"},
		"PolicyArns.member.2.arn": {"arn:aws:iam::123456789012:policy/demopolicy2"},
	}
	if diff := cmp.Diff(want, in.Form()); diff != "" {
		t.Errorf("Form() mismatch (-want +got):\n%s", diff)
	}
}
