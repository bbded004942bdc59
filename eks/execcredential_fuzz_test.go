package eks_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rawsts/rawsts/eks"
)

// FuzzExecCredential reads any KUBERNETES_EXEC_INFO and checks ExecAPIVersion against a second
// reading of it (encoding/json into a map): the apiVersion it names when that is v1 or v1beta1
// (no warning), v1alpha1 with a warning, else v1beta1 — with a one-line warning unless the
// variable is empty. The ExecCredential written with that version and any token is JSON that
// reads back to the same kind, version, expiration and token.
func FuzzExecCredential(f *testing.F) {
	f.Add(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`, "k8s-aws-v1.aHR0cHM")
	f.Add(`{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`, "")
	f.Add(`{"apiVersion":"client.authentication.k8s.io/v2"}`, "tok\"en\n")
	f.Add(`{"apiVersion":1}`, "\u2028")
	f.Add(`{"apiversion":"client.authentication.k8s.io/v1"}`, "x")
	f.Add(`[]`, "x")
	f.Add(``, "x")
	f.Fuzz(func(t *testing.T, execInfo, token string) {
		version, warning := eks.ExecAPIVersion(execInfo)
		var info map[string]any
		parsed := json.Unmarshal([]byte(execInfo), &info) == nil && info != nil
		named := ""
		if parsed {
			// encoding/json matches the member case-insensitively: the last of them wins.
			for k, v := range info {
				if strings.EqualFold(k, "apiVersion") {
					if s, ok := v.(string); ok {
						named = s
					} else {
						named = ""
					}
				}
			}
		}
		want, warns := eks.APIVersionV1beta1, execInfo != ""
		if c := strings.Count(strings.ToLower(execInfo), "apiversion"); parsed && c <= 1 {
			switch named {
			case eks.APIVersionV1, eks.APIVersionV1beta1:
				want, warns = named, false
			case eks.APIVersionV1alpha1:
				want = named
			}
		} else if parsed {
			return // several apiVersion members (in any case): which one encoding/json keeps is not this test's
		}
		if version != want || (warning != "") != warns || strings.ContainsAny(warning, "\n\r") {
			t.Fatalf("ExecAPIVersion(%q) = %q, %q; want %q (a warning: %v)", execInfo, version, warning, want, warns)
		}
		if !utf8.ValidString(token) {
			return // a token is ASCII (NewToken's); JSON cannot carry other bytes as they are
		}
		exp := time.Date(2026, 11, 30, 6, 16, 31, 0, time.UTC)
		out := eks.Token{Value: token, Expiration: exp}.ExecCredential(version)
		var ec struct {
			Kind       string `json:"kind"`
			APIVersion string `json:"apiVersion"`
			Status     struct {
				ExpirationTimestamp time.Time `json:"expirationTimestamp"`
				Token               string    `json:"token"`
			} `json:"status"`
		}
		if err := json.Unmarshal(out, &ec); err != nil {
			t.Fatalf("ExecCredential(%q) = %s: not JSON: %v", version, out, err)
		}
		wantToken := token
		if ec.Kind != "ExecCredential" || ec.APIVersion != version || !ec.Status.ExpirationTimestamp.Equal(exp) || ec.Status.Token != wantToken {
			t.Fatalf("ExecCredential(%q) of %q = %s; read back %+v", version, token, out, ec)
		}
	})
}
