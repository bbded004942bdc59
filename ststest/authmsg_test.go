package ststest_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

var encodedPart = regexp.MustCompile(`Encoded authorization failure message: ([A-Za-z0-9_-]+)`)

// decodedDoc is the decoded message's JSON, in the layout of the AWS CLI reference's example.
type decodedDoc struct {
	Allowed           bool `json:"allowed"`
	ExplicitDeny      bool `json:"explicitDeny"`
	MatchedStatements struct {
		Items []struct {
			StatementID string `json:"statementId"`
			Effect      string `json:"effect"`
			Principals  struct {
				Items []struct{ Value string } `json:"items"`
			} `json:"principals"`
			Actions struct {
				Items []struct{ Value string } `json:"items"`
			} `json:"actions"`
		} `json:"items"`
	} `json:"matchedStatements"`
	Failures struct {
		Items []any `json:"items"`
	} `json:"failures"`
	Context struct {
		Principal struct {
			ID, Name, Arn string
		} `json:"principal"`
		Action     string `json:"action"`
		Resource   string `json:"resource"`
		Conditions struct {
			Items []struct {
				Key    string `json:"key"`
				Values struct {
					Items []struct{ Value string } `json:"items"`
				} `json:"values"`
			} `json:"items"`
		} `json:"conditions"`
	} `json:"context"`
}

func (d decodedDoc) condition(key string) string {
	for _, c := range d.Context.Conditions.Items {
		if c.Key == key && len(c.Values.Items) > 0 {
			return c.Values.Items[0].Value
		}
	}
	return ""
}

// TestDecodeAuthorizationMessage: a refused StopInstances carries an encoded message that STS
// DecodeAuthorizationMessage of the same server decodes, for a caller allowed
// sts:DecodeAuthorizationMessage, into the documented JSON; a changed message, one of another
// server and a caller without the permission are refused as STS refuses them.
func TestDecodeAuthorizationMessage(t *testing.T) {
	srv, clk, log, do := resourceSetup(t, nil)
	ctx := context.Background()
	stsAs := func(c *sigv4.Credentials) *sts.Client {
		return &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), Now: clk.Now, Credentials: c, MaxAttempts: 1}
	}
	encoded := func(c *sigv4.Credentials, form string) string {
		t.Helper()
		r := do(call{service: "ec2", form: form, creds: c})
		m := encodedPart.FindStringSubmatch(r.message)
		if r.code != "UnauthorizedOperation" || m == nil {
			t.Fatalf("%s = %d %s %q; want UnauthorizedOperation with an encoded message", form, r.status, r.code, r.message)
		}
		if len(m[1]) > 10240 {
			t.Errorf("encoded message has %d characters; STS takes 10240", len(m[1]))
		}
		return m[1]
	}
	decode := func(msg string) decodedDoc {
		t.Helper()
		out, err := stsAs(aliceCreds).DecodeAuthorizationMessage(ctx, msg)
		if err != nil {
			t.Fatalf("DecodeAuthorizationMessage = %v", err)
		}
		var d decodedDoc
		if err := json.Unmarshal([]byte(out.DecodedMessage), &d); err != nil {
			t.Fatalf("DecodedMessage is not JSON: %v\n%s", err, out.DecodedMessage)
		}
		return d
	}

	// An implicit deny of a role session.
	d := decode(encoded(testRole, stop))
	if d.Allowed || d.ExplicitDeny || len(d.MatchedStatements.Items) != 0 || d.Failures.Items == nil {
		t.Errorf("decoded = %+v; want allowed false, explicitDeny false, no matched statement, failures []", d)
	}
	if p := d.Context.Principal; p.ID != "AROA3XFRBF535PLBIFPI4:demo" || p.Arn != "arn:aws:sts::123456789012:assumed-role/TestRole/demo" || p.Name != "" {
		t.Errorf("context.principal = %+v; want the session's id and ARN", p)
	}
	if d.Context.Action != "StopInstances" || d.Context.Resource != "arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0" {
		t.Errorf("context action %q resource %q; want StopInstances on the instance's ARN", d.Context.Action, d.Context.Resource)
	}
	for key, want := range map[string]string{"aws:PrincipalArn": ststest.DefaultRoleArn, "aws:PrincipalType": "AssumedRole",
		"aws:userid": "AROA3XFRBF535PLBIFPI4:demo", "ec2:Region": "us-east-1", "aws:ResourceTag/Name": "walkthrough", "aws:SourceIp": "127.0.0.1"} {
		if got := d.condition(key); got != want {
			t.Errorf("context condition %s = %q; want %q", key, got, want)
		}
	}
	// An explicit deny of a session policy names the statement.
	denyStop := assume(t, srv, clk, "Operator", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
		{"Sid": "NoStop", "Effect": "Deny", "Action": "ec2:StopInstances", "Resource": "*"}]}`)
	d = decode(encoded(denyStop, stop))
	if !d.ExplicitDeny || len(d.MatchedStatements.Items) != 1 {
		t.Fatalf("decoded = %+v; want the explicit deny's statement", d)
	}
	st := d.MatchedStatements.Items[0]
	if st.StatementID != "NoStop" || st.Effect != "DENY" || len(st.Actions.Items) != 1 || st.Actions.Items[0].Value != "ec2:StopInstances" ||
		len(st.Principals.Items) != 1 || !strings.HasPrefix(st.Principals.Items[0].Value, "AROA") || strings.Contains(st.Principals.Items[0].Value, ":") {
		t.Errorf("matched statement = %+v; want NoStop DENY ec2:StopInstances for the role's id", st)
	}
	// An IAM user's principal has a name.
	if d := decode(encoded(aliceCreds, stop)); d.Context.Principal.Name != "Alice" || d.Context.Principal.ID != ststest.UserID {
		t.Errorf("Alice's principal = %+v; want id %s, name Alice", d.Context.Principal, ststest.UserID)
	}

	msg := encoded(testRole, stop)
	other := ststest.NewServer()
	defer other.Close()
	otherClient := &sts.Client{Endpoint: other.URL, HTTPClient: other.Client(), Credentials: aliceCreds, MaxAttempts: 1}
	flipped := []byte(msg) // one character changed, still base64url
	if i := len(flipped) / 2; flipped[i] == 'A' {
		flipped[i] = 'B'
	} else {
		flipped[i] = 'A'
	}
	tests := []struct {
		name   string
		client *sts.Client
		msg    string
		code   string
	}{
		{"tampered", stsAs(aliceCreds), string(flipped), "InvalidAuthorizationMessageException"},
		{"cut", stsAs(aliceCreds), msg[:len(msg)-10], "InvalidAuthorizationMessageException"},
		{"not a message", stsAs(aliceCreds), "EXAMPLE-not-an-encoded-message", "InvalidAuthorizationMessageException"},
		{"another emulator's message", otherClient, msg, "InvalidAuthorizationMessageException"},
		{"caller without sts:DecodeAuthorizationMessage", stsAs(testRole), msg, "AccessDenied"},
		{"user without policies", stsAs(bobCreds), msg, "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.client.DecodeAuthorizationMessage(ctx, tt.msg)
			if apiCode(err) != tt.code {
				t.Errorf("DecodeAuthorizationMessage(%s) = %v; want %s", tt.name, err, tt.code)
			}
		})
	}
	_, err := stsAs(testRole).DecodeAuthorizationMessage(ctx, msg)
	var ae *sts.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 || ae.Message != "User: arn:aws:sts::123456789012:assumed-role/TestRole/demo is not authorized to perform: sts:DecodeAuthorizationMessage" {
		t.Errorf("DecodeAuthorizationMessage by TestRole = %v; want 403 with STS's message", err)
	}
	if e := log.last(); e.Service != "sts" || e.Action != "DecodeAuthorizationMessage" || e.Decision != "deny" || e.Check != "permissions" {
		t.Errorf("last event = %+v; want the refused DecodeAuthorizationMessage", e)
	}
	if strings.Contains(log.text(), msg) {
		t.Error("an event quotes an encoded message")
	}
}
