package eks_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/sts"
)

// roundTripFunc answers a request without a network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// replyVerifier returns a token of canaryCreds and a Verifier whose STS answers status,
// contentType and body, with $SIG, $SESSION and $TOKEN in body replaced by the token's
// signature, its session token and the token itself; and those three secrets.
func replyVerifier(t testing.TB, status int, contentType, body string) (string, *eks.Verifier, []string) {
	tok, err := eks.NewToken(canaryCreds, "MyCluster", sts.Endpoint{URL: "https://sts.us-east-1.amazonaws.com", SigningRegion: "us-east-1"}, vectorTime)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok.Value, eks.Prefix))
	u, _ := url.Parse(string(raw))
	secrets := []string{u.Query().Get("X-Amz-Signature"), canaryCreds.SessionToken, tok.Value}
	body = strings.NewReplacer("$SIG", secrets[0], "$SESSION", secrets[1], "$TOKEN", secrets[2]).Replace(body)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: h, Body: io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
	})
	v := &eks.Verifier{ClusterID: "MyCluster", HTTPClient: &http.Client{Transport: rt, Timeout: 5 * time.Second},
		Now: func() time.Time { return vectorTime }}
	return tok.Value, v, secrets
}

// FuzzVerifyReply gives Verify any STS reply (status, content type, body; the body may quote
// the token's signature, its session token or the token as $SIG, $SESSION, $TOKEN) and checks
// what it makes of it: an identity only from a 200, with a 12-digit account, and the ARN an
// authenticator maps it to derived as aws-iam-authenticator derives it (a role session's role,
// else the ARN itself); otherwise an *sts.APIError, *sts.ResponseError or *sts.RedirectError
// whose text is one line and quotes none of the three secrets, in any field.
func FuzzVerifyReply(f *testing.F) {
	f.Add(200, "application/json", identityJSON)
	f.Add(200, "application/json", strings.Replace(identityJSON, "assumed-role/Dev/EKSGetTokenAuth", "user/alice", 1))
	f.Add(403, "application/json", `{"Error":{"Code":"SignatureDoesNotMatch","Message":"echo $SIG $SESSION","Type":"Sender"},"RequestId":"$SIG"}`)
	f.Add(403, "application/json", `{"Error":{"Code":"$SESSION","Message":"m","Type":"$TOKEN"},"RequestId":"r"}`)
	f.Add(403, "text/xml", `<ErrorResponse><Error><Type>$SIG</Type><Code>$SESSION</Code><Message>$TOKEN</Message></Error><RequestId>$SIG</RequestId></ErrorResponse>`)
	f.Add(502, "text/html", `<html>$TOKEN $SIG $SESSION</html>`)
	f.Add(200, "application/json", `{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"$SIG","Arn":"$SESSION","UserId":"$TOKEN"}}}`)
	f.Add(307, "text/plain", "moved $SIG")
	f.Add(200, "", "")
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		token, v, secrets := replyVerifier(t, status, contentType, body)
		id, err := v.Verify(context.Background(), token)
		if err == nil {
			if status != http.StatusOK {
				t.Fatalf("Verify of a %d reply %q = %+v; want an error", status, body, id)
			}
			if len(id.Account) != 12 || strings.Trim(id.Account, "0123456789") != "" {
				t.Fatalf("Verify(%q) = account %q; want 12 digits", body, id.Account)
			}
			f := strings.SplitN(id.Arn, ":", 6)
			if len(f) == 6 && f[2] == "sts" && strings.HasPrefix(f[5], "assumed-role/") {
				role, session, _ := strings.Cut(strings.TrimPrefix(f[5], "assumed-role/"), "/")
				if want := "arn:" + f[1] + ":iam::" + f[4] + ":role/" + role; id.CanonicalARN != want || id.SessionName != session ||
					!strings.HasSuffix(id.UserID, ":"+session) {
					t.Fatalf("Verify(%q) = %+v; want CanonicalARN %s and session %q", body, id, want, session)
				}
			} else if id.CanonicalARN != id.Arn {
				t.Fatalf("Verify(%q) = CanonicalARN %q; want the Arn %q", body, id.CanonicalARN, id.Arn)
			}
			return
		}
		var api *sts.APIError
		var resp *sts.ResponseError
		var redirect *sts.RedirectError
		if !errors.As(err, &api) && !errors.As(err, &resp) && !errors.As(err, &redirect) {
			t.Fatalf("Verify of a %d reply %q = %v (%T); want an APIError, ResponseError or RedirectError", status, body, err, err)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r\x1b") {
			t.Fatalf("Verify of a %d reply %q = %q; want one line without controls", status, body, msg)
		}
		for _, s := range secrets {
			if strings.Contains(msg, s) {
				t.Fatalf("Verify of a %d reply %q = %q; it quotes the secret %q", status, body, msg, s)
			}
		}
	})
}

// TestVerifyErrorHidesSecretsInEveryField: an STS error (JSON, or XML from a server that
// ignores Accept) echoing the token's signature, session token or the token itself in its
// code, type or request id — not only its message — is reported without them. (Verify
// scrubbed the message alone: the request id quoted the signature.)
func TestVerifyErrorHidesSecretsInEveryField(t *testing.T) {
	for _, tt := range []struct{ name, contentType, body string }{
		{"JSON RequestId", "application/json", `{"Error":{"Code":"SignatureDoesNotMatch","Message":"m","Type":"Sender"},"RequestId":"$SIG"}`},
		{"JSON Code", "application/json", `{"Error":{"Code":"$SESSION","Message":"m","Type":"Sender"},"RequestId":"r"}`},
		{"JSON Type", "application/json", `{"Error":{"Code":"InvalidClientTokenId","Message":"m","Type":"$TOKEN"},"RequestId":"r"}`},
		{"XML RequestId", "text/xml", `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>m</Message></Error><RequestId>$SESSION</RequestId></ErrorResponse>`},
		{"XML Code", "text/xml", `<ErrorResponse><Error><Type>Sender</Type><Code>$SIG</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`},
		{"XML Type", "text/xml", `<ErrorResponse><Error><Type>$SESSION</Type><Code>InvalidClientTokenId</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			token, v, secrets := replyVerifier(t, http.StatusForbidden, tt.contentType, tt.body)
			_, err := v.Verify(context.Background(), token)
			var api *sts.APIError
			if !errors.As(err, &api) {
				t.Fatalf("Verify = %v; want an *sts.APIError", err)
			}
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) || strings.Contains(api.Type+api.Code+api.RequestID, s) {
					t.Errorf("Verify = %q (Type %q, Code %q, RequestId %q); it quotes %q", err, api.Type, api.Code, api.RequestID, s)
				}
			}
		})
	}
}
