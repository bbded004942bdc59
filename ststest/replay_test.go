package ststest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/ststest"
)

func fx(name string) string { return filepath.Join(stsFixtures, name+".txt") }

func TestWithFixtureFiles(t *testing.T) {
	srv := ststest.NewServer(ststest.WithFixtureFiles(
		fx("retry-throttling-then-success"), fx("error-access-denied")))
	defer srv.Close()

	want := []struct {
		status int
		code   string
	}{{400, "Throttling"}, {200, ""}, {403, "AccessDenied"}}
	for i, w := range want {
		r := post(t, srv, form())
		if r.status != w.status || r.Code != w.code {
			t.Errorf("request %d = %d %q; want %d %q (recorded order)", i+1, r.status, r.Code, w.status, w.code)
		}
		if i == 1 && r.Result.AccessKeyID != "ASIAIOSFODNN7EXAMPLE" {
			t.Errorf("request 2 AccessKeyId = %q; want the recorded ASIAIOSFODNN7EXAMPLE", r.Result.AccessKeyID)
		}
		if r.header.Get("X-Amzn-Requestid") == "" || r.header.Get("Date") == "" {
			t.Errorf("request %d: recorded headers not replayed: %v", i+1, r.header)
		}
	}
	if u := srv.Unused(); len(u) != 0 {
		t.Errorf("Unused() = %q; want none", u)
	}
	r := post(t, srv, form())
	if r.status != 400 || r.Code != "InvalidAction" || !strings.Contains(r.Message, "AssumeRoleWithWebIdentity") {
		t.Errorf("exhausted replay = %d %s %q; want 400 InvalidAction naming the Action", r.status, r.Code, r.Message)
	}
}

func TestWithFixtureFilesUnmatchedAction(t *testing.T) {
	srv := ststest.NewServer(ststest.WithFixtureFiles(fx("success-minimal")))
	defer srv.Close()
	r := post(t, srv, form("Action", "GetCallerIdentity"))
	if r.status != 400 || r.Code != "InvalidAction" || !strings.Contains(r.Message, "GetCallerIdentity") {
		t.Errorf("unmatched Action = %d %s %q; want 400 InvalidAction naming GetCallerIdentity", r.status, r.Code, r.Message)
	}
	if got := srv.Unused(); len(got) != 1 || !strings.HasPrefix(got[0], "success-minimal #1") {
		t.Errorf("Unused() = %q; want [success-minimal #1 …]", got)
	}
}

func TestWithFixtureFilesBadPathPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "ststest:") {
			t.Errorf("NewUnstartedServer(WithFixtureFiles(missing)) recovered %v; want a ststest: panic", r)
		}
	}()
	ststest.NewUnstartedServer(ststest.WithFixtureFiles(fx("no-such-case")))
}
