package ststest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
)

// TestEventLogRemembersRecentSecrets: the log's scrubber keeps the secrets of the recent
// requests only (two generations), so that its work — and a line's chance of being hidden for
// want of budget — does not grow with the emulator's age; JWTs, hidden by their shape, are not
// kept at all. The newest secrets are always scrubbed.
func TestEventLogRemembersRecentSecrets(t *testing.T) {
	var out strings.Builder
	l := &eventLog{w: &out, recent: [2]*httpx.Secrets{{}, {}}}
	for i := 0; i < 10*recentSecrets; i++ {
		l.received(RecordedRequest{
			Header: http.Header{"X-Amz-Security-Token": {fmt.Sprintf("IQoJb3JpZ2luX2VjEXAMPLE-session-%06d", i)}},
			Form:   url.Values{"WebIdentityToken": {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" + fmt.Sprint(i)}},
		})
	}
	kept := len(l.recent[0].Values()) + len(l.recent[1].Values())
	if kept > 2*recentSecrets {
		t.Errorf("after %d requests the scrubber holds %d values; want at most %d", 10*recentSecrets, kept, 2*recentSecrets)
	}
	for _, v := range append(l.recent[0].Values(), l.recent[1].Values()...) {
		if strings.HasPrefix(v, "eyJ") {
			t.Errorf("the scrubber keeps a JWT (%.20s…); its shape hides it", v)
		}
	}
	newest := fmt.Sprintf("IQoJb3JpZ2luX2VjEXAMPLE-session-%06d", 10*recentSecrets-1)
	l.write(Event{Time: time.Now(), Service: "sts", Action: "X", Decision: "deny", Detail: "echo " + newest}.String())
	if strings.Contains(out.String(), newest) {
		t.Errorf("the newest secret is not scrubbed: %s", out.String())
	}
}
