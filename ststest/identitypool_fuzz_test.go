package ststest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzIdentityPoolRequest sends arbitrary bodies and targets to the emulated identity pools.
// Property: every reply is JSON 1.1; a refusal is a 4xx or 5xx whose body names a __type and a
// message (the shape cognitoidentity decodes); nothing without a login gets an identity, a
// token or credentials (the default pool allows no guests, and the fuzzer cannot forge a
// token the pool's issuer signed).
func FuzzIdentityPoolRequest(f *testing.F) {
	now := time.Date(2024, 7, 10, 15, 1, 0, 0, time.UTC)
	srv := NewUnstartedServer(WithNow(func() time.Time { return now }))
	srv.issuers.start("http://127.0.0.1:1")
	srv.svc.state.setURL("http://127.0.0.1:1")
	h := srv.targets[identityTarget]
	f.Add("GetId", `{"IdentityPoolId":"`+DefaultIdentityPoolID+`"}`)
	f.Add("GetId", `{"IdentityPoolId":"`+DefaultIdentityPoolID+`","Logins":{"127.0.0.1:1/us-east-1_EXAMPLE":"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjEvdXMtZWFzdC0xX0VYQU1QTEUiLCJhdWQiOiIxZXhhbXBsZTIzNDU2Nzg5In0.c2ln"}}`)
	f.Add("GetCredentialsForIdentity", `{"IdentityId":"us-east-1:00000000-0000-0000-0000-000000000000"}`)
	f.Add("GetOpenIdToken", `{"IdentityId":"us-east-1:00000000-0000-0000-0000-000000000000","Logins":{}}`)
	f.Add("GetOpenIdTokenForDeveloperIdentity", `{"IdentityPoolId":"`+DefaultIdentityPoolID+`","Logins":{"dev":"u"},"TokenDuration":0}`)
	f.Add("GetId", `{"Logins":[]}`)
	f.Add("Nope", `null`)
	f.Fuzz(func(t *testing.T, op, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader([]byte(body)))
		req.Header.Set("X-Amz-Target", identityTarget+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var reply map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil {
			t.Fatalf("%s %q: reply is not JSON: %v", op, body, err)
		}
		if w.Code == http.StatusOK {
			t.Fatalf("%s %q: HTTP 200 %s; nothing should pass without a valid login", op, body, w.Body)
		}
		typ, _ := reply["__type"].(string)
		_, hasMsg := reply["message"].(string)
		if w.Code < 400 || typ == "" || !hasMsg {
			t.Fatalf("%s %q: HTTP %d %s; want a 4xx/5xx with __type and message", op, body, w.Code, w.Body)
		}
	})
}
