package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/sts"
)

// FuzzEKSCache gives the EKS token cache any file content (a file another program or an older
// rawsts wrote, or one cut off) and checks what load makes of it: a token only when the file
// holds one rawsts could have written for this key — the prefix, at most eks.MaxTokenSize
// visible ASCII characters, signed no later than now, expiring eks.Lifetime after signing and
// more than the margin from now — and that token, stored again and loaded, comes back the same.
func FuzzEKSCache(f *testing.F) {
	now := fixedNow
	dir := f.TempDir()
	s := &streams{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" },
		now: func() time.Time { return now }, userCacheDir: func() (string, error) { return dir, nil }}
	parts := []string{"https://sts.us-east-1.amazonaws.com", "us-east-1", "demo", "", "env\x00AKIAIOSFODNN7EXAMPLE"}
	c := newEKSCache(s, parts...)
	tok, err := eks.NewToken(exampleCreds, "demo", sts.Endpoint{URL: "https://sts.us-east-1.amazonaws.com", SigningRegion: "us-east-1"}, now.Add(-time.Minute))
	if err != nil {
		f.Fatal(err)
	}
	c.store(s, tok)
	good, err := os.ReadFile(c.path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"Token":"k8s-aws-v1.`), []byte(`"Token":"k8s-aws-v2.`), 1))
	f.Add(append(bytes.TrimSpace(good), []byte(` {}`)...))
	f.Add(bytes.Replace(good, []byte(`"Version"`), []byte(`"Extra":1,"Version"`), 1))
	f.Add(good[:len(good)/2])
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(c.path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, ok := c.load(now)
		if !ok {
			return
		}
		switch {
		case !strings.HasPrefix(got.Value, eks.Prefix) || len(got.Value) > eks.MaxTokenSize || firstBad(got.Value, visibleASCII) != "":
			t.Fatalf("load(%q) = token %q; want k8s-aws-v1. and visible ASCII within %d", data, got.Value, eks.MaxTokenSize)
		case got.Signed.After(now) || !got.Expiration.Equal(got.Signed.Add(eks.Lifetime)) || !now.Before(got.Expiration.Add(-eksCacheMargin)):
			t.Fatalf("load(%q) = signed %v, expiring %v at %v; want a token still good past the margin", data, got.Signed, got.Expiration, now)
		}
		// The round trip: stored and loaded again, the same token.
		c.store(s, got)
		again, ok := c.load(now)
		if !ok || again != got {
			t.Fatalf("load(%q) = %+v; stored and loaded again: %+v, %v", data, got, again, ok)
		}
		if _, err := os.Stat(filepath.Dir(c.path)); err != nil {
			t.Fatal(err)
		}
	})
}
