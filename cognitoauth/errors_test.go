package cognitoauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeError(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		header  string // X-Amzn-Errortype
		body    string
		want    string // Type; "" means a *ResponseError
		message string
	}{
		{"plain __type", 400, "", `{"__type":"NotAuthorizedException","message":"Incorrect username or password."}`, "NotAuthorizedException", "Incorrect username or password."},
		{"namespaced __type", 400, "", `{"__type":"com.amazonaws.cognito#UserNotFoundException","message":"User does not exist."}`, "UserNotFoundException", "User does not exist."},
		{"suffix after colon", 400, "", `{"__type":"FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"}`, "FooError", ""},
		{"namespace and suffix", 400, "", `{"__type":"aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"}`, "FooError", ""},
		{"header wins over body", 400, "NotAuthorizedException", `{"__type":"InvalidParameterException","message":"m"}`, "NotAuthorizedException", "m"},
		{"header with suffix", 400, "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", `{}`, "FooError", ""},
		{"header, body not JSON", 503, "InternalErrorException", `<html>oops</html>`, "InternalErrorException", ""},
		{"code key", 400, "", `{"code":"ExpiredCodeException","Message":"Capital M"}`, "ExpiredCodeException", "Capital M"},
		{"__type before code", 400, "", `{"code":"A","__type":"B"}`, "B", ""},
		{"nested __type ignored", 400, "", `{"message":"x","Nested":{"__type":"Inner"}}`, "", ""},
		{"message over Message", 400, "", `{"__type":"T","message":"lower","Message":"upper"}`, "T", "lower"},
		{"__type not a string", 400, "", `{"__type":42}`, "", ""},
		{"only a hash", 400, "", `{"__type":"#"}`, "", ""},
		{"empty body", 502, "", ``, "", ""},
		{"HTML", 403, "", `<html><body>Forbidden</body></html>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"X-Amzn-Requestid": {"req-1"}}
			if tt.header != "" {
				h.Set("X-Amzn-Errortype", tt.header)
			}
			err := decodeError(tt.status, h, []byte(tt.body), nil)
			var ae *APIError
			var re *ResponseError
			switch {
			case tt.want == "":
				if !errors.As(err, &re) || re.StatusCode != tt.status {
					t.Errorf("decodeError(%q) = %#v; want a *ResponseError with status %d", tt.body, err, tt.status)
				}
			case errors.As(err, &ae):
				if ae.Type != tt.want || ae.Message != tt.message || ae.StatusCode != tt.status || ae.RequestID != "req-1" {
					t.Errorf("decodeError(%q) = %+v; want Type %q Message %q", tt.body, ae, tt.want, tt.message)
				}
			default:
				t.Errorf("decodeError(%q) = %v; want *APIError %s", tt.body, err, tt.want)
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *APIError
		want string
	}{
		{"with message", &APIError{Type: "NotAuthorizedException", Message: "Incorrect username or password.", StatusCode: 400},
			"cognitoauth: NotAuthorizedException: Incorrect username or password. (HTTP 400)"},
		{"no message", &APIError{Type: "InternalErrorException", StatusCode: 500}, "cognitoauth: InternalErrorException (HTTP 500)"},
		{"hint", &APIError{Type: "X", Message: "m", StatusCode: 400, Hint: "do y"}, "cognitoauth: X: m (HTTP 400); hint: do y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestHints(t *testing.T) {
	tests := []struct {
		name, typ, msg, want string
	}{
		{"flow not enabled", "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client", "--flow srp"},
		{"secret hash", "NotAuthorizedException", "Unable to verify secret hash for client abc", "has a secret"},
		{"secret hash missing", "NotAuthorizedException", "Client abc is configured with secret but SECRET_HASH was not received", "has a secret"},
		{"unconfirmed", "UserNotConfirmedException", "User is not confirmed.", "ConfirmSignUp"},
		{"reset", "PasswordResetRequiredException", "Password reset required for the user", "ForgotPassword"},
		{"wrong password has none", "NotAuthorizedException", "Incorrect username or password.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hintFor(&APIError{Type: tt.typ, Message: tt.msg})
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("hintFor(%s, %q) = %q; want it to contain %q", tt.typ, tt.msg, got, tt.want)
			}
		})
	}
}

func TestResponseErrorRedacts(t *testing.T) {
	body := `{"AuthenticationResult":{"IdToken":"eyJsecret.payload.sig","AccessToken":"eyJaccess"}}`
	err := decodeError(502, http.Header{"Content-Type": {"application/x-amz-json-1.1"}}, []byte(body), nil)
	if s := err.Error(); strings.Contains(s, "eyJsecret") || strings.Contains(s, "eyJaccess") {
		t.Errorf("decodeError(…) = %q; leaks a token", s)
	}
}

// FuzzDecodeError checks that decoding never panics, that a Type never keeps a namespace or
// suffix, and that a body with a usable string __type always gives an *APIError.
func FuzzDecodeError(f *testing.F) {
	// Seeds: every error body of the recorded fixtures.
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "fixtures", "cognito", "error-*.txt"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		s := string(data)
		if i := strings.LastIndex(s, "\n\n"); i >= 0 {
			f.Add("", []byte(s[i+2:]))
		}
	}
	f.Add("NotAuthorizedException:http://internal.amazon.com/coral/x/", []byte(`{"message":"m"}`)) // header form
	f.Add("", []byte(`{"__type":"a#b#c:d:e"}`))                                                    // two namespaces, two suffixes
	f.Add("", []byte(`{"code":"X","Message":"y"}`))                                                // code and Message keys
	f.Add("", []byte(`{"__type":"#:"}`))                                                           // nothing left
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		h := http.Header{}
		if header != "" {
			h.Set("X-Amzn-Errortype", header)
		}
		err := decodeError(400, h, body, nil)
		var ae *APIError
		var re *ResponseError
		switch {
		case errors.As(err, &ae):
			if ae.Type == "" || strings.ContainsAny(ae.Type, "#:") {
				t.Fatalf("decodeError: Type %q is empty or keeps '#' or ':'", ae.Type)
			}
		case errors.As(err, &re):
		default:
			t.Fatalf("decodeError = %T; want *APIError or *ResponseError", err)
		}
		var fields map[string]any
		if json.Unmarshal(body, &fields) == nil {
			if typ, ok := fields["__type"].(string); ok && normalizeType(typ) != "" && ae == nil {
				t.Fatalf("decodeError(%q) = %v; want an *APIError for __type %q", body, err, typ)
			}
		}
	})
}
