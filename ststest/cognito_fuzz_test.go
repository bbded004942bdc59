package ststest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzCognitoRequest sends arbitrary bodies and targets to the emulated user pool. Property:
// every reply is JSON 1.1; a refusal is a 4xx whose body names a __type and a message (the
// shape cognitoauth decodes), and nothing but a right password yields tokens.
func FuzzCognitoRequest(f *testing.F) {
	now := time.Date(2024, 7, 10, 15, 1, 0, 0, time.UTC)
	srv := NewUnstartedServer(WithNow(func() time.Time { return now }), WithConfig(Config{}),
		WithCognitoUser("us-east-1_EXAMPLE", "1example23456789", "alice", "Correct-Horse-9", nil),
		WithCognitoClientSecret("us-east-1_EXAMPLE", "2example23456789", "s3cret"),
		WithCognitoUser("us-east-1_EXAMPLE", "2example23456789", "alice", "Correct-Horse-9", nil))
	srv.issuers.start("http://127.0.0.1:1")
	cog := srv.targets[cognitoTarget]
	// Seeds: each flow's request as the fixtures record it, then broken ones.
	f.Add("InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"alice","PASSWORD":"wrong"},"ClientId":"1example23456789"}`)
	f.Add("InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice","SRP_A":"02"},"ClientId":"1example23456789"}`)
	f.Add("InitiateAuth", `{"AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"x"},"ClientId":"2example23456789"}`)
	f.Add("RespondToAuthChallenge", `{"ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"alice"},"ClientId":"1example23456789"}`)
	f.Add("AdminInitiateAuth", `{"AuthFlow":"ADMIN_USER_PASSWORD_AUTH","UserPoolId":"us-east-1_EXAMPLE","ClientId":"1example23456789"}`)
	f.Add("InitiateAuth", `{"AuthFlow":1}`)
	f.Add("Nope", `[]`)
	f.Fuzz(func(t *testing.T, op, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader([]byte(body)))
		req.Header.Set("X-Amz-Target", cognitoTarget+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		w := httptest.NewRecorder()
		cog.ServeHTTP(w, req)
		var reply map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil {
			t.Fatalf("%s %q: reply is not JSON: %v", op, body, err)
		}
		if w.Code == http.StatusOK {
			if _, ok := reply["AuthenticationResult"]; ok && !bytes.Contains([]byte(body), []byte("Correct-Horse-9")) {
				t.Fatalf("%s %q: tokens without the password", op, body)
			}
			return
		}
		typ, _ := reply["__type"].(string)
		_, hasMsg := reply["message"].(string)
		if w.Code < 400 || typ == "" || !hasMsg {
			t.Fatalf("%s %q: HTTP %d %s; want 200, or a 4xx/5xx with __type and message", op, body, w.Code, w.Body)
		}
	})
}
