package creds

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

const (
	// ciRole trusts the emulator's default issuer; deployRole trusts ciRole's sessions.
	ciRole     = ststest.DemoRoleArn
	deployRole = "arn:aws:iam::123456789012:role/Deploy"
)

// emulator starts a loopback STS whose clock is t0, and returns it with a token its issuer
// minted and an sts.Client for it.
func emulator(t *testing.T) (*ststest.Server, string, *sts.Client) {
	t.Helper()
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return t0 }))
	t.Cleanup(srv.Close)
	token, err := srv.Issuer.Mint(map[string]any{"sub": "system:serviceaccount:default:app", "aud": "sts.amazonaws.com"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, token, &sts.Client{Endpoint: srv.URL, Now: func() time.Time { return t0 }, MaxAttempts: 1}
}

// lastForm is the form of the last request the emulator received.
func lastForm(srv *ststest.Server) map[string]string {
	reqs := srv.Requests()
	f := map[string]string{}
	for k, v := range reqs[len(reqs)-1].Form {
		f[k] = v[0]
	}
	return f
}

func TestWebIdentity(t *testing.T) {
	srv, token, client := emulator(t)
	w := &WebIdentity{Token: idtoken.Static(token), RoleARN: ciRole, Duration: 45 * time.Minute,
		Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, Client: client}
	c, err := w.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || c.SecretAccessKey == "" || c.SessionToken == "" ||
		!c.Expiration.Equal(t0.Add(45*time.Minute)) || c.AccountID != "123456789012" || c.Source != "AssumeRoleWithWebIdentity "+ciRole {
		t.Errorf("Retrieve = %v", c)
	}
	form := lastForm(srv)
	for k, want := range map[string]string{"Action": "AssumeRoleWithWebIdentity", "RoleArn": ciRole, "WebIdentityToken": token,
		"RoleSessionName": "rawsts-1787227200", "DurationSeconds": "2700", "Policy": w.Policy} {
		if form[k] != want {
			t.Errorf("sent %s = %q; want %q", k, form[k], want)
		}
	}

	_, err = (&WebIdentity{Token: idtoken.Env(func(string) string { return "" }, "TOKEN"), RoleARN: ciRole, Client: client}).Retrieve(context.Background())
	if !errors.Is(err, idtoken.ErrNoToken) || !strings.Contains(err.Error(), ciRole) {
		t.Errorf("Retrieve(no token) = %v; want the token source's error naming the role", err)
	}
	_, err = (&WebIdentity{Token: idtoken.Static(token), RoleARN: "not-an-arn", Client: client}).Retrieve(context.Background())
	var in *sts.InputError
	if !errors.As(err, &in) || strings.Contains(err.Error(), token) {
		t.Errorf("Retrieve(bad role) = %v; want an sts.InputError without the token", err)
	}
	if _, err := (&WebIdentity{RoleARN: ciRole}).Retrieve(context.Background()); err == nil {
		t.Errorf("Retrieve(no Token) = nil error")
	}
}

// TestAssumeRoleChained: a role assumed with a web identity session's credentials, signed and
// verified by the emulator.
func TestAssumeRoleChained(t *testing.T) {
	srv, token, client := emulator(t)
	a := &AssumeRole{
		Source:          &WebIdentity{Token: idtoken.Static(token), RoleARN: ciRole, Client: client},
		RoleARN:         deployRole,
		RoleSessionName: "deploy-1",
		ExternalID:      "example-external-id",
		SerialNumber:    "arn:aws:iam::123456789012:mfa/ci",
		TokenCode:       func(_ context.Context, serial string) (string, error) { return "123456", nil },
		Client:          client,
	}
	c, err := a.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccountID != "123456789012" || c.Source != "AssumeRole "+deployRole || !strings.HasPrefix(c.AccessKeyID, "ASIA") {
		t.Errorf("Retrieve = %v", c)
	}
	form := lastForm(srv)
	for k, want := range map[string]string{"Action": "AssumeRole", "RoleArn": deployRole, "RoleSessionName": "deploy-1",
		"ExternalId": "example-external-id", "SerialNumber": "arn:aws:iam::123456789012:mfa/ci", "TokenCode": "123456"} {
		if form[k] != want {
			t.Errorf("sent %s = %q; want %q", k, form[k], want)
		}
	}
	if client.Credentials != nil {
		t.Errorf("AssumeRole set the shared client's Credentials; it must sign in a copy")
	}

	a.TokenCode = nil
	if _, err := a.Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "MFA device arn:aws:iam::123456789012:mfa/ci") {
		t.Errorf("Retrieve(MFA without TokenCode) = %v; want an error naming the device", err)
	}
	down := errors.New("source down")
	_, err = (&AssumeRole{Source: ProviderFunc(func(context.Context) (Credentials, error) { return Credentials{}, down }), RoleARN: deployRole}).Retrieve(context.Background())
	if !errors.Is(err, down) || !strings.Contains(err.Error(), deployRole) {
		t.Errorf("Retrieve(source fails) = %v; want the source's error naming the role", err)
	}
}

// TestCloneClientCopiesEveryField: cloneClient names each field of sts.Client; a field added
// to sts.Client must be added there too, or this test fails.
func TestCloneClientCopiesEveryField(t *testing.T) {
	src := &sts.Client{}
	v := reflect.ValueOf(src).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(7)
		case reflect.Ptr, reflect.Func:
			f.Set(reflect.New(f.Type()).Elem())
			if f.Kind() == reflect.Ptr {
				f.Set(reflect.New(f.Type().Elem()))
			} else {
				f.Set(reflect.MakeFunc(f.Type(), func([]reflect.Value) []reflect.Value {
					out := make([]reflect.Value, f.Type().NumOut())
					for j := range out {
						out[j] = reflect.Zero(f.Type().Out(j))
					}
					return out
				}))
			}
		default:
			t.Fatalf("sts.Client.%s has a kind (%s) this test does not fill; teach it", v.Type().Field(i).Name, f.Kind())
		}
	}
	got := reflect.ValueOf(cloneClient(src, nil)).Elem()
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		if got.Field(i).IsZero() {
			t.Errorf("cloneClient does not copy sts.Client.%s", v.Type().Field(i).Name)
		}
	}
	creds := &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE"}
	if c := cloneClient(src, creds); c.Credentials != creds {
		t.Errorf("cloneClient(c, creds).Credentials = %v; want creds", c.Credentials)
	}
}
