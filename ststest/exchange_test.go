package ststest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// TestExchanges sends requests at once from several goroutines and checks that each exchange
// holds its own request, answer and decisions: the role and session name asked for are the
// event's and the answer's, and the numbers run from 1 without a gap.
func TestExchanges(t *testing.T) {
	var mu sync.Mutex
	var got []ststest.Exchange
	srv := ststest.NewServer(ststest.WithExchanges(func(ex ststest.Exchange) {
		mu.Lock()
		got = append(got, ex)
		mu.Unlock()
	}))
	defer srv.Close()
	token, err := srv.Issuer.Mint(map[string]any{"sub": "walkthrough"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 24
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			role := ststest.DemoRoleArn
			if i%3 == 0 {
				role = ststest.DefaultRoleArn // refused: TestRole trusts the pool, not /oidc
			}
			(&sts.Client{Endpoint: srv.URL, MaxAttempts: 1}).AssumeRoleWithWebIdentity(context.Background(),
				&sts.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: fmt.Sprintf("s%d", i), WebIdentityToken: token})
		}(i)
	}
	wg.Wait()
	if len(got) != n {
		t.Fatalf("WithExchanges got %d exchanges; want %d", len(got), n)
	}
	for i, ex := range got {
		if ex.Seq != uint64(i+1) {
			t.Errorf("exchange %d has Seq %d; want %d", i, ex.Seq, i+1)
		}
		session, role := ex.Request.Form.Get("RoleSessionName"), ex.Request.Form.Get("RoleArn")
		if len(ex.Events) != 1 {
			t.Fatalf("exchange %d (%s) has %d events; want 1", ex.Seq, session, len(ex.Events))
		}
		e := ex.Events[0]
		switch {
		case role == ststest.DemoRoleArn:
			if e.Decision != "allow" || !strings.HasSuffix(e.Detail, "/DemoRole/"+session) || ex.Status != 200 ||
				!strings.Contains(string(ex.Body), "assumed-role/DemoRole/"+session+"<") || ex.Header.Get("Content-Type") != "text/xml" {
				t.Errorf("exchange %d (%s) = %d %+v; want its own session allowed", ex.Seq, session, ex.Status, e)
			}
		default:
			if e.Decision != "deny" || e.Resource != "role/TestRole" || ex.Status != 403 || e.Check == "" || e.Fix == "" {
				t.Errorf("exchange %d (%s) = %d %+v; want TestRole refused with its check and fix", ex.Seq, session, ex.Status, e)
			}
		}
	}
}

// An emulator watched request by request: each exchange is one request, its answer and the
// decisions made for it. A refusal carries the failing check's fix, as `rawsts diagnose` says it.
func ExampleWithExchanges() {
	now := time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC)
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return now }), ststest.WithExchanges(func(ex ststest.Exchange) {
		e := ex.Events[0]
		fmt.Println(strings.TrimSpace(fmt.Sprintln(ex.Seq, ex.Request.Form.Get("Action"), ex.Status, e.Decision, e.Resource, e.Check)))
		if e.Fix != "" {
			fmt.Println("  fix:", strings.Split(e.Fix, ":")[0])
		}
	}))
	defer srv.Close()
	token, _ := srv.Issuer.Mint(map[string]any{"sub": "walkthrough"})
	c := &sts.Client{Endpoint: srv.URL, Now: func() time.Time { return now }}
	for _, role := range []string{ststest.DemoRoleArn, ststest.DefaultRoleArn} {
		c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{RoleArn: role, RoleSessionName: "demo", WebIdentityToken: token})
	}
	// Output:
	// 1 AssumeRoleWithWebIdentity 200 allow role/DemoRole
	// 2 AssumeRoleWithWebIdentity 403 deny role/TestRole policy.principal
	//   fix: name the provider the token maps to
}
