package ui_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/ui"
)

// playgroundFields is the playground's request, read a second time with encoding/json alone.
type playgroundFields struct {
	Fragment  string `json:"fragment"`
	Input     string `json:"input"`
	Policy    string `json:"policy"`
	Providers string `json:"providers"`
	Role      string `json:"role"`
	At        string `json:"at"`
	Session   string `json:"session"`
}

// secondReading decodes body as the page's request: one JSON object of the known string
// members, nothing after it.
func secondReading(body string) (playgroundFields, error) {
	var f playgroundFields
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return f, errors.New("data after the request")
	}
	return f, nil
}

// FuzzPlaygroundRequest posts any body to /api/playground, as the page does, and checks the
// answer against a second reading of the body: a body that is not the page's request (not one
// JSON object of the known members, data after it) is refused as "request" with 400 (413 past
// MaxBody), one that is the page's request is answered 200, or 400 naming one of its fields;
// every answer is JSON, and an answer never carries a token that was pasted (whole, or its
// signature segment).
func FuzzPlaygroundRequest(f *testing.F) {
	token := strings.TrimSpace(example(f, "branch.token"))
	for _, seed := range []any{
		map[string]string{"input": token, "policy": example(f, "ref-policy.json"), "providers": example(f, "github-provider.json"),
			"role": roleARN, "at": atText},
		map[string]string{"input": example(f, "claims.json"), "role": roleARN},
		map[string]string{"input": `{"value":"` + token + `"}`, "at": "not a time"},
		map[string]string{"fragment": "claims=" + base64.RawURLEncoding.EncodeToString([]byte(example(f, "claims.json")))},
		map[string]string{"fragment": "token=" + token},
		map[string]string{"input": example(f, "cloudtrail-denied.json")},
	} {
		b, _ := json.Marshal(seed)
		f.Add(string(b))
	}
	f.Add(`{"input":"x"} {}`)
	f.Add(`{"input":"x","extra":1}`)
	f.Add(`{"INPUT":"x"}`)
	f.Add(`[]`)
	f.Add(`{"input":1}`)
	srv := newServer(f, ui.Options{Now: func() time.Time { return time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC) }})
	fields := map[string]bool{"input": true, "policy": true, "providers": true, "role": true, "at": true, "session": true, "link": true}
	f.Fuzz(func(t *testing.T, body string) {
		w := req{method: http.MethodPost, path: "/api/playground", body: body}.do(srv)
		var res result
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatalf("POST %q = %d %q: not JSON: %v", body, w.Code, w.Body, err)
		}
		in, err := secondReading(body)
		switch {
		case len(body) > ui.MaxBody && err == nil:
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("POST of %d bytes = %d; want 413", len(body), w.Code)
			}
			return
		case err != nil:
			if w.Code != http.StatusBadRequest && w.Code != http.StatusRequestEntityTooLarge || res.Error == nil || res.Error.Field != "request" {
				t.Fatalf("POST %q = %d %q; want 400 naming the request (a second reading: %v)", body, w.Code, w.Body, err)
			}
			return
		case w.Code == http.StatusOK:
			if res.Error != nil || !strings.HasPrefix(res.Link, "#") || strings.Contains(res.Link, "token=") {
				t.Fatalf("POST %q = 200 with error %v, link %q; want no error and a link of claims", body, res.Error, res.Link)
			}
		case w.Code == http.StatusBadRequest:
			if res.Error == nil || !fields[res.Error.Field] {
				t.Fatalf("POST %q = 400 %q; want the error to name a field of the request", body, w.Body)
			}
		default:
			t.Fatalf("POST %q = %d; want 200 or 400", body, w.Code)
		}
		// The token pasted is never in the answer: neither whole nor its signature, unless
		// another field carries that text too (the policy is shown back).
		tok := strings.TrimSpace(in.Input)
		others := in.Policy + in.Providers + in.Role + in.Session + in.At + in.Fragment
		parts := strings.Split(tok, ".")
		if len(parts) != 3 || len(tok) < 20 || strings.Contains(others, tok) {
			return
		}
		if strings.Contains(w.Body.String(), tok) {
			t.Fatalf("POST %q: the answer carries the token", body)
		}
		sig := parts[2]
		var decoded string
		for _, p := range parts[:2] {
			b, _ := base64.RawURLEncoding.DecodeString(p)
			decoded += string(b)
		}
		if len(sig) >= 16 && !strings.Contains(others, sig) && !strings.Contains(decoded, sig) && strings.Contains(w.Body.String(), sig) {
			t.Fatalf("POST %q: the answer carries the token's signature", body)
		}
	})
}

// TestPlaygroundBodyLimits: a request body past ui.MaxBody is refused with 413 naming the
// request, without reading the rest (an endless body ends there); a field past ui.MaxField
// with 400 naming the field; both at their limits are read.
func TestPlaygroundBodyLimits(t *testing.T) {
	srv := newServer(t, ui.Options{})
	pad := func(n int) string { return `{"input":"` + strings.Repeat("a", n-len(`{"input":""}`)) + `"}` }
	for _, tt := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"a body past MaxBody", pad(ui.MaxBody + 1), http.StatusRequestEntityTooLarge, "request"},
		{"a field past MaxField", `{"policy":"` + strings.Repeat("p", ui.MaxField+1) + `","input":"x"}`, http.StatusBadRequest, "policy"},
		{"a field at MaxField", `{"input":"` + strings.Repeat("a", ui.MaxField) + `"}`, http.StatusOK, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := req{method: http.MethodPost, path: "/api/playground", body: tt.body}.do(srv)
			var res result
			json.Unmarshal(w.Body.Bytes(), &res)
			field := ""
			if res.Error != nil {
				field = res.Error.Field
			}
			if w.Code != tt.status || field != tt.field {
				t.Errorf("POST of %d bytes = %d, error field %q; want %d, %q", len(tt.body), w.Code, field, tt.status, tt.field)
			}
		})
	}
}
