package cognitoidentity_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoidentity"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The secrets of the fuzzed exchanges: the login token sent, and the secrets a reply carries.
const (
	fuzzLogin        = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2xvZ2luLmV4YW1wbGUifQ.TE9HSU4tc2lnbmF0dXJlLWNhbmFyeQ"
	fuzzSecretKey    = "RECVsecretKEY/K7MDENG+bPxRfiCYIDPOOLKEY1"
	fuzzSessionToken = "IQoJRECVidentityPoolSessionToken//////////wEa+abc="
	fuzzOpenIDToken  = "eyJraWQiOiJ1cy1lYXN0LTEtMSJ9.eyJzdWIiOiJ1cy1lYXN0LTE6aWQifQ.T1BFTklELXNpZ25hdHVyZS1jYW5hcnk"
)

var identityIDShape = regexp.MustCompile(`^[\w-]+:[0-9a-f-]+$`)

// FuzzReplies gives each operation of the client any reply (status, body) and checks what it
// makes of it: an answer only from a 2xx, that passes the reply's checks (an IdentityId of
// REGION:GUID, a token, credentials with an expiration) and survives a round trip through its
// own JSON unchanged (Expiration in epoch seconds included); otherwise an *APIError,
// *ResponseError or *RedirectError whose text is one line and quotes neither the login token
// sent nor a secret the reply carried (its SecretKey, SessionToken or Token).
func FuzzReplies(f *testing.F) {
	for _, seed := range []struct {
		op     uint8
		status int
		body   string
	}{
		{0, 200, `{"IdentityId":"us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40"}`},
		{1, 200, `{"IdentityId":"us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40","Token":"` + fuzzOpenIDToken + `"}`},
		{2, 200, `{"IdentityId":"us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40","Credentials":{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretKey":"` +
			fuzzSecretKey + `","SessionToken":"` + fuzzSessionToken + `","Expiration":1.716243263E9}}`},
		{2, 200, `{"IdentityId":"us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40","Credentials":{"AccessKeyId":"ASIA","SecretKey":"` +
			fuzzSecretKey + `","SessionToken":"` + fuzzSessionToken + `","Expiration":"soon"}}`},
		{2, 200, `{"identityid":"x","credentials":{"secretkey":"` + fuzzSecretKey + `","sessiontoken":"` + fuzzSessionToken + `"}}`},
		{1, 200, `{"IdentityId":"us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40","Token":"` + fuzzOpenIDToken + ` tail"}`},
		{0, 400, `{"__type":"NotAuthorizedException","message":"Invalid login token. ` + fuzzLogin + `"}`},
		{1, 400, `{"__type":"` + fuzzLogin + `","message":"m"}`},
		{2, 502, `<html>` + fuzzLogin + `</html>`},
		{2, 200, `{"IdentityId":"us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40","Credentials":{"SecretKey":"` + fuzzSecretKey + `","SessionToken":"` +
			fuzzSessionToken + `",`}, // cut off
		{1, 200, `{"IdentityId":1,"token":"` + fuzzOpenIDToken + `"}`},
		{0, 307, ``},
		{0, 200, `{"IdentityId":"a:b"} {}`},
	} {
		f.Add(seed.op, seed.status, seed.body)
	}
	f.Fuzz(func(t *testing.T, op uint8, status int, body string) {
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}},
				Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
		})
		c := &cognitoidentity.Client{Region: "us-east-1", HTTPClient: &http.Client{Transport: rt, Timeout: 5 * time.Second}, MaxAttempts: 1,
			Now: func() time.Time { return time.Date(2024, 5, 20, 22, 0, 0, 0, time.UTC) }}
		ctx := context.Background()
		logins := map[string]string{"login.example": fuzzLogin}
		const id = "us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40"
		var out any
		var err error
		switch op % 3 {
		case 0:
			out, err = c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolID: "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", Logins: logins})
		case 1:
			out, err = c.GetOpenIdToken(ctx, &cognitoidentity.GetOpenIdTokenInput{IdentityID: id, Logins: logins})
		default:
			out, err = c.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityID: id, Logins: logins})
		}
		if err == nil {
			if status >= 300 {
				t.Fatalf("op %d: a %d reply %q = %+v; want an error", op%3, status, body, out)
			}
			var identity string
			switch o := out.(type) {
			case *cognitoidentity.GetIdOutput:
				identity = o.IdentityID
			case *cognitoidentity.GetOpenIdTokenOutput:
				identity = o.IdentityID
				if o.Token == "" {
					t.Fatalf("GetOpenIdToken(%q) = no token", body)
				}
			case *cognitoidentity.GetCredentialsForIdentityOutput:
				identity = o.IdentityID
				if o.Credentials.Expiration.IsZero() || o.Credentials.SecretKey == "" || o.Credentials.SessionToken == "" {
					t.Fatalf("GetCredentialsForIdentity(%q) = %+v; want whole credentials", body, o)
				}
			}
			if !identityIDShape.MatchString(identity) {
				t.Fatalf("op %d: reply %q = IdentityId %q; want REGION:GUID", op%3, body, identity)
			}
			// The round trip: the answer, written as JSON and read back, is the same.
			b, merr := json.Marshal(out)
			if merr != nil {
				t.Fatalf("op %d: marshal %+v: %v", op%3, out, merr)
			}
			again := reflect.New(reflect.TypeOf(out).Elem()).Interface()
			if uerr := json.Unmarshal(b, again); uerr != nil || !reflect.DeepEqual(again, out) {
				t.Fatalf("op %d: reply %q = %+v; written %s and read back: %+v, %v", op%3, body, out, b, again, uerr)
			}
			return
		}
		var api *cognitoidentity.APIError
		var resp *cognitoidentity.ResponseError
		var redirect *cognitoidentity.RedirectError
		if !errors.As(err, &api) && !errors.As(err, &resp) && !errors.As(err, &redirect) {
			t.Fatalf("op %d: a %d reply %q = %v (%T); want an APIError, ResponseError or RedirectError", op%3, status, body, err, err)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\r\x1b") {
			t.Fatalf("op %d: a %d reply %q = %q; want one line without controls", op%3, status, body, msg)
		}
		// The login token always; a received secret when the reply holds it as one, the value
		// of a SecretKey, SessionToken or Token member as a second reading (encoding/json's
		// tokens, up to where the body stops being JSON) finds it: any text may be a reply's
		// body, and none of it is known to be secret but by its member's name.
		held := heldSecrets(body)
		for _, s := range []string{fuzzLogin, fuzzSecretKey, fuzzSessionToken, fuzzOpenIDToken} {
			if strings.Contains(msg, s) && (s == fuzzLogin || held[s]) {
				t.Fatalf("op %d: a %d reply %q = %q; it quotes the secret %q", op%3, status, body, msg, s)
			}
		}
	})
}

// heldSecrets returns the string values of the members named SecretKey, SessionToken or Token
// (in any case, as encoding/json matches names) that body holds, read token by token until it
// is not JSON any more.
func heldSecrets(body string) map[string]bool {
	held := map[string]bool{}
	dec := json.NewDecoder(strings.NewReader(body))
	type frame struct{ object, wantKey bool }
	var stack []frame
	key := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return held
		}
		top := len(stack) - 1
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top >= 0 && stack[top].object {
					stack[top].wantKey = true
				}
				stack = append(stack, frame{object: v == '{', wantKey: v == '{'})
			default:
				stack = stack[:top]
			}
			continue
		case string:
			if top >= 0 && stack[top].object && stack[top].wantKey {
				key, stack[top].wantKey = v, false
				continue
			}
			switch strings.ToLower(key) {
			case "secretkey", "sessiontoken", "token":
				held[v] = true
			}
		}
		if top >= 0 && stack[top].object {
			stack[top].wantKey = true
		}
	}
}
