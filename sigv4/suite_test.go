package sigv4_test

import (
	"bytes"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// readSections reads a sectioned case file: free text, then "-- name --" lines each
// starting a section that runs to the newline before the next one. It returns the
// sections by name (without their final newline).
func readSections(t testing.TB, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sections := make(map[string]string)
	name := ""
	var body []string
	flush := func() {
		if name != "" {
			sections[name] = strings.Join(body, "\n")
		}
	}
	text := strings.TrimSuffix(string(data), "\n")
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") && len(line) > 6 {
			flush()
			name, body = line[3:len(line)-3], nil
			continue
		}
		body = append(body, line)
	}
	flush()
	return sections
}

// parseContext reads "key: value" lines.
func parseContext(s string) map[string]string {
	m := make(map[string]string)
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			m[k] = v
		}
	}
	return m
}

// parseRawRequest builds an *http.Request from a request as the suite writes it: the
// request-target is taken as the literal wire path (when it holds what net/http would
// escape, a raw space or UTF-8, it becomes URL.Opaque), header lines are "Name:value" with continuation lines kept (joined
// by "\n"), Host becomes r.Host, and everything after the blank line is the body.
func parseRawRequest(t testing.TB, raw string) (*http.Request, []byte) {
	t.Helper()
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	first := lines[0]
	sp1, sp2 := strings.IndexByte(first, ' '), strings.LastIndexByte(first, ' ')
	if sp1 < 0 || sp2 <= sp1 {
		t.Fatalf("bad request line %q", first)
	}
	method, target := first[:sp1], first[sp1+1:sp2]
	path, query, _ := strings.Cut(target, "?")
	u := &url.URL{Scheme: "https", Path: path, RawQuery: query}
	if u.EscapedPath() != path {
		// net/http would escape this path; Opaque is sent exactly as written.
		u.Path, u.Opaque = "", path
	}
	r := &http.Request{Method: method, URL: u, Header: make(http.Header)}
	var last string
	for _, line := range lines[1:] {
		if line == "" {
			continue // a request without a body ends with its last header line's newline
		}
		if line[0] == ' ' || line[0] == '\t' {
			vs := r.Header[last]
			vs[len(vs)-1] += "\n" + line
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad header line %q", line)
		}
		if strings.EqualFold(k, "Host") {
			r.Host = v
			r.URL.Host = v
			continue
		}
		last = textproto.CanonicalMIMEHeaderKey(k)
		r.Header[last] = append(r.Header[last], v)
	}
	if body != "" {
		r.Body = io.NopCloser(bytes.NewReader([]byte(body)))
	}
	return r, []byte(body)
}

type suiteCase struct {
	name    string
	ctx     map[string]string
	creds   sigv4.Credentials
	when    time.Time
	expires time.Duration
	signer  *sigv4.Signer
	secs    map[string]string
}

func loadSuite(t testing.TB) []suiteCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "suite", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []suiteCase
	for _, f := range files {
		secs := readSections(t, f)
		ctx := parseContext(secs["context"])
		when, err := time.Parse(time.RFC3339, ctx["time"])
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		exp, err := strconv.Atoi(ctx["expires"])
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases = append(cases, suiteCase{
			name:    strings.TrimSuffix(filepath.Base(f), ".txt"),
			ctx:     ctx,
			creds:   sigv4.Credentials{AccessKeyID: ctx["access-key-id"], SecretAccessKey: ctx["secret-access-key"], SessionToken: ctx["session-token"]},
			when:    when,
			expires: time.Duration(exp) * time.Second,
			signer: &sigv4.Signer{
				DisableURIPathNormalization: ctx["normalize"] == "false",
				AddPayloadHashHeader:        ctx["sign-body"] == "true",
				UnsignedSessionToken:        ctx["omit-session-token"] == "true",
			},
			secs: secs,
		})
	}
	return cases
}

// TestSuite runs every case of the SigV4 suite in both forms and compares each step.
func TestSuite(t *testing.T) {
	cases := loadSuite(t)
	if len(cases) != 38 {
		t.Fatalf("found %d suite cases; want 38", len(cases))
	}
	for _, tc := range cases {
		for _, mode := range []string{"header", "query"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				r, body := parseRawRequest(t, tc.secs["request"])
				hash := sigv4.HashPayload(body)
				var sig *sigv4.Signature
				var err error
				if mode == "header" {
					sig, err = tc.signer.SignHTTP(r, tc.creds, hash, tc.ctx["service"], tc.ctx["region"], tc.when)
				} else {
					_, sig, err = tc.signer.PresignHTTP(r, tc.creds, hash, tc.ctx["service"], tc.ctx["region"], tc.when, tc.expires)
				}
				if err != nil {
					t.Fatalf("sign: %v", err)
				}
				for _, c := range []struct{ step, got string }{
					{"canonical request", sig.CanonicalRequest},
					{"string to sign", sig.StringToSign},
					{"signature", sig.Signature},
				} {
					if want := tc.secs[mode+" "+c.step]; c.got != want {
						t.Errorf("%s:\n%s\nwant:\n%s", c.step, c.got, want)
					}
				}
			})
		}
	}
}
