package sts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
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
	Validation string       `json:",omitempty"` // what Validate says about the recorded input
	Output     any          `json:",omitempty"`
	Error      *goldenError `json:",omitempty"`
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

// TestFixtures replays every recorded exchange through the call its Action names and compares
// the decoded output or error with testdata/golden/<case>.json. The client is set up from the
// recording: its host, and for a signed request the key, session token and signing time, so
// that the Authorization header it computes must equal the recorded one byte for byte. The
// client gets as many attempts as the case has exchanges.
func TestFixtures(t *testing.T) {
	cases := fixture.Glob(t, fixturePattern)
	if len(cases) == 0 {
		t.Fatalf("no fixtures match %s", fixturePattern)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			r := replayCase(t, c)
			g := golden{Attempts: len(r.tr.Sent())}
			if r.validation != nil {
				g.Validation = r.validation.Error()
			}
			if r.err != nil {
				g.Error = renderError(r.err)
				for _, secret := range r.secrets {
					if len(secret) >= 8 && strings.Contains(r.err.Error(), secret) {
						t.Errorf("error text quotes a secret (%s…): %v", secret[:4], r.err)
					}
				}
				for _, secret := range []string{"wJalrXUtnF", "AQoDYXdz", "je7MtGbClwBF", "IQoJb3Jp", "AQoEXAMPLE"} {
					if strings.Contains(r.err.Error(), secret) {
						t.Errorf("error text quotes a secret (%s…): %v", secret, r.err)
					}
				}
			} else {
				g.Output = r.out
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

// fixtureGroup returns a case's group, the part of its name after the operation (if any)
// up to the next dash: success, error, broken or retry.
func fixtureGroup(name string) string {
	for _, op := range []string{"assume-role-with-saml-", "assume-role-", "get-caller-identity-", "get-session-token-",
		"decode-authorization-message-", "get-access-key-info-"} {
		if strings.HasPrefix(name, op) {
			name = strings.TrimPrefix(name, op)
			break
		}
	}
	group, _, _ := strings.Cut(name, "-")
	return group
}

// TestFixturesOutcomeByGroup checks what the file names promise: success cases decode, error
// cases are APIErrors, broken ones are ResponseErrors (except a 5xx ErrorResponse), retry cases
// succeed on the last attempt.
func TestFixturesOutcomeByGroup(t *testing.T) {
	for _, c := range fixture.Glob(t, fixturePattern) {
		t.Run(c.Name, func(t *testing.T) {
			r := replayCase(t, c)
			var apiErr *APIError
			var respErr *ResponseError
			switch group := fixtureGroup(c.Name); group {
			case "success", "retry":
				if r.err != nil || r.out == nil {
					t.Errorf("%s = %+v, %v; want a result", r.action, r.out, r.err)
				}
			case "error":
				if !errors.As(r.err, &apiErr) {
					t.Errorf("%s error = %v; want *APIError", r.action, r.err)
				}
			case "broken":
				if !errors.As(r.err, &respErr) && !(errors.As(r.err, &apiErr) && apiErr.StatusCode >= 500) {
					t.Errorf("%s error = %v; want *ResponseError", r.action, r.err)
				}
			default:
				t.Errorf("fixture %s: unknown group %q", c.Name, group)
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
