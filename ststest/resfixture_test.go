package ststest_test

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/ststest"
)

// The random parts of a reply: S3's request and host ids (headers and body), EC2's request id,
// and an encoded authorization failure message.
var (
	ec2RequestID   = regexp.MustCompile(`<(?:RequestID|requestId)>([^<]+)</`)
	encodedMessage = regexp.MustCompile(`Encoded authorization failure message: ([A-Za-z0-9_-]+)`)
)

// TestResourceFixtures replays every recorded S3 and EC2 exchange (testdata/fixtures/s3 and
// ec2, written from AWS's documented shapes) against an emulator of fixtureConfig whose clock
// reads the response's Date, and compares the reply with the recording byte for byte — status,
// every recorded header, body — once the emulator's random request ids and encoded messages
// are replaced by the recorded ones.
func TestResourceFixtures(t *testing.T) {
	var paths []string
	for _, dir := range []string{"s3", "ec2"} {
		p, err := filepath.Glob(filepath.Join("..", "testdata", "fixtures", dir, "*.txt"))
		if err != nil || len(p) == 0 {
			t.Fatalf("Glob(%s fixtures) = %v, %v; want fixtures", dir, p, err)
		}
		paths = append(paths, p...)
	}
	for _, p := range paths {
		c := fixture.MustLoad(t, p)
		t.Run(filepath.Base(filepath.Dir(p))+"/"+c.Name, func(t *testing.T) {
			if c.Comment == "" {
				t.Errorf("%s has no comment naming its sources", p)
			}
			ex := c.Exchanges[0]
			now, err := http.ParseTime(ex.Response.Header.Get("Date"))
			if err != nil {
				t.Fatalf("response Date: %v", err)
			}
			srv := ststest.NewServer(ststest.WithConfig(fixtureConfig()), ststest.WithNow(func() time.Time { return now }))
			defer srv.Close()
			req, err := http.NewRequest(ex.Request.Method, srv.URL+ex.Request.Target, bytes.NewReader(ex.Request.Body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range ex.Request.Header {
				if k != "Host" {
					req.Header[k] = v
				}
			}
			req.Host = ex.Request.Header.Get("Host")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := ex.Response
			got := normalize(string(body), resp.Header, want)
			if resp.StatusCode != want.StatusCode {
				t.Errorf("status %d; want %d", resp.StatusCode, want.StatusCode)
			}
			for k := range want.Header {
				if k == "Content-Length" {
					continue // the encoded message's length differs from the placeholder's
				}
				if g, w := normalize(resp.Header.Get(k), resp.Header, want), want.Header.Get(k); g != w {
					t.Errorf("header %s = %q; want %q", k, g, w)
				}
			}
			if _, ok := want.Header["Content-Type"]; !ok && resp.Header.Get("Content-Type") != "" {
				t.Errorf("Content-Type %q; the recording has none", resp.Header.Get("Content-Type"))
			}
			if got != string(want.Body) {
				t.Errorf("body differs from the recording:\ngot:  %s\nwant: %s", got, want.Body)
			}
		})
	}
}

// normalize puts the recording's request ids and encoded message in place of the emulator's.
func normalize(s string, h http.Header, want fixture.Response) string {
	var pairs []string
	if id := h.Get("X-Amz-Request-Id"); id != "" {
		pairs = append(pairs, id, want.Header.Get("X-Amz-Request-Id"), h.Get("X-Amz-Id-2"), want.Header.Get("X-Amz-Id-2"))
	}
	if m, w := ec2RequestID.FindStringSubmatch(s), ec2RequestID.FindSubmatch(want.Body); m != nil && w != nil {
		pairs = append(pairs, m[1], string(w[1]))
	}
	if m, w := encodedMessage.FindStringSubmatch(s), encodedMessage.FindSubmatch(want.Body); m != nil && w != nil {
		pairs = append(pairs, m[1], string(w[1]))
	}
	if len(pairs) == 0 {
		return s
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
