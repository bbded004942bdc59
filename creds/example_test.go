package creds_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rawsts/rawsts/creds"
	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// Embedding rawsts in a program that runs in an EKS pod (or a CI job that wrote its token to a
// file): the environment names the role and the token file, FromEnvironment builds the
// provider, and a Cache in front of it calls STS once and again only shortly before the
// session expires. A real program passes os.Getenv; here a map points at the local emulator.
func Example() {
	srv := ststest.NewServer() // stands in for STS; a real program leaves the endpoint alone
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "embed")
	defer os.RemoveAll(dir)
	token, _ := srv.Issuer.Mint(map[string]any{"sub": "system:serviceaccount:shop:checkout", "aud": "sts.amazonaws.com"})
	os.WriteFile(filepath.Join(dir, "token"), []byte(token), 0o600)
	env := map[string]string{ // what EKS sets for a service account with an IAM role
		"AWS_ROLE_ARN":                "arn:aws:iam::123456789012:role/DemoRole",
		"AWS_WEB_IDENTITY_TOKEN_FILE": filepath.Join(dir, "token"),
		"AWS_ENDPOINT_URL_STS":        srv.URL,
	}
	getenv := func(k string) string { return env[k] } // os.Getenv in a real program

	p, err := creds.FromEnvironment(getenv, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cache := creds.NewCache(p)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		c, err := cache.Retrieve(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		// Sign with c.Credentials: sigv4.Signer.SignHTTP, or an sts.Client as here.
		who, err := (&sts.Client{Endpoint: srv.URL, Credentials: &c.Credentials}).GetCallerIdentity(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(who.Arn[:len("arn:aws:sts::123456789012:assumed-role/DemoRole/rawsts-")], c.AccountID)
	}
	exchanges := 0
	for _, r := range srv.Requests() {
		if r.Form.Get("Action") == "AssumeRoleWithWebIdentity" {
			exchanges++
		}
	}
	fmt.Println("AssumeRoleWithWebIdentity calls:", exchanges)
	// Output:
	// arn:aws:sts::123456789012:assumed-role/DemoRole/rawsts- 123456789012
	// arn:aws:sts::123456789012:assumed-role/DemoRole/rawsts- 123456789012
	// arn:aws:sts::123456789012:assumed-role/DemoRole/rawsts- 123456789012
	// AssumeRoleWithWebIdentity calls: 1
}

// A Cache renews credentials RefreshWindow (plus up to Jitter) before they expire, and keeps
// serving them, valid, while a renewal fails. Here its clock is moved by hand.
func ExampleCache() {
	now := time.Date(2026, 8, 20, 12, 0, 0, 0, time.UTC)
	calls := 0
	p := creds.ProviderFunc(func(context.Context) (creds.Credentials, error) {
		calls++
		c := creds.Credentials{Expiration: now.Add(time.Hour)}
		c.AccessKeyID, c.SecretAccessKey = fmt.Sprintf("ASIA%dEXAMPLE", calls), "secret"
		return c, nil
	})
	cache := &creds.Cache{Provider: p, RefreshWindow: 10 * time.Minute, Jitter: -1, Now: func() time.Time { return now }}
	for _, minutes := range []int{0, 30, 49, 50, 51} {
		now = time.Date(2026, 8, 20, 12, minutes, 0, 0, time.UTC)
		c, _ := cache.Retrieve(context.Background())
		fmt.Printf("12:%02d %s (provider calls: %d)\n", minutes, c.AccessKeyID, calls)
	}
	// Output:
	// 12:00 ASIA1EXAMPLE (provider calls: 1)
	// 12:30 ASIA1EXAMPLE (provider calls: 1)
	// 12:49 ASIA1EXAMPLE (provider calls: 1)
	// 12:50 ASIA2EXAMPLE (provider calls: 2)
	// 12:51 ASIA2EXAMPLE (provider calls: 2)
}

// A web identity session assuming a second role: AssumeRole signs with whatever its Source
// returns.
func ExampleAssumeRole() {
	srv := ststest.NewServer()
	defer srv.Close()
	token, _ := srv.Issuer.Mint(map[string]any{"sub": "repo:octo-org/octo-repo:ref:refs/heads/main"})
	client := &sts.Client{Endpoint: srv.URL}
	p := &creds.AssumeRole{
		Source: &creds.WebIdentity{
			Token:   idtoken.Static(token),
			RoleARN: "arn:aws:iam::123456789012:role/DemoRole",
			Client:  client,
		},
		RoleARN:         "arn:aws:iam::123456789012:role/Deploy",
		RoleSessionName: "release-42",
		Client:          client,
	}
	c, err := p.Retrieve(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.AccountID, c.Source)
	// Output:
	// 123456789012 AssumeRole arn:aws:iam::123456789012:role/Deploy
}

// A profile that assumes a role with the credentials of another — here a web identity
// profile, as an EKS pod or a CI job has — read from a config file as the AWS CLI reads it.
func ExampleFromProfile() {
	srv := ststest.NewServer()
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "profile")
	defer os.RemoveAll(dir)
	token, _ := srv.Issuer.Mint(map[string]any{"sub": "system:serviceaccount:shop:checkout"})
	os.WriteFile(filepath.Join(dir, "token"), []byte(token), 0o600)
	os.WriteFile(filepath.Join(dir, "config"), []byte(`[profile deploy]
role_arn = arn:aws:iam::123456789012:role/Deploy
source_profile = ci
role_session_name = release

[profile ci]
role_arn = arn:aws:iam::123456789012:role/DemoRole
web_identity_token_file = `+filepath.Join(dir, "token")+`
region = eu-west-1
`), 0o600)
	env := map[string]string{
		"AWS_CONFIG_FILE":      filepath.Join(dir, "config"),
		"AWS_ENDPOINT_URL_STS": srv.URL,
	}
	p, err := creds.FromProfile(func(k string) string { return env[k] }, &creds.Options{Profile: "deploy"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := p.Retrieve(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.AccountID, c.Source)
	// Output:
	// 123456789012 AssumeRole arn:aws:iam::123456789012:role/Deploy
}

// README.md's "Embed it" shows the code between the two marker lines below, byte for byte
// (TestReadmeEmbedItMatchesExample keeps them equal); ExampleNewCache runs it.

// embed-it: begin

// app calls AWS with the credentials of the environment it runs in: an EKS pod or a CI job
// that sets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE. It keeps one Cache for its life.
type app struct {
	creds *creds.Cache
	sts   *sts.Client
}

func newApp(getenv func(string) string) (*app, error) {
	p, err := creds.FromEnvironment(getenv, nil) // a *creds.WebIdentity: the file is read at each renewal
	if err != nil {
		return nil, err
	}
	client, err := sts.NewFromEnv(getenv) // AWS_REGION, AWS_ENDPOINT_URL_STS, …
	if err != nil {
		return nil, err
	}
	return &app{creds: creds.NewCache(p), sts: client}, nil
}

// whoAmI signs GetCallerIdentity with the cached credentials: STS is asked for new ones only
// 5 minutes (plus up to a minute of jitter) before they expire, by one caller at a time.
func (a *app) whoAmI(ctx context.Context) (string, error) {
	c, err := a.creds.Retrieve(ctx)
	if err != nil {
		return "", err
	}
	client := *a.sts
	client.Credentials = &c.Credentials
	who, err := client.GetCallerIdentity(ctx)
	if err != nil {
		return "", err
	}
	return who.Arn, nil
}

// embed-it: end

// The program of README.md's "Embed it", against the emulator: three calls, one exchange.
func ExampleNewCache() {
	srv := ststest.NewServer()
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "embed")
	defer os.RemoveAll(dir)
	token, _ := srv.Issuer.Mint(map[string]any{"sub": "system:serviceaccount:shop:checkout"})
	os.WriteFile(filepath.Join(dir, "token"), []byte(token), 0o600)
	env := map[string]string{
		"AWS_ROLE_ARN":                "arn:aws:iam::123456789012:role/DemoRole",
		"AWS_ROLE_SESSION_NAME":       "checkout",
		"AWS_WEB_IDENTITY_TOKEN_FILE": filepath.Join(dir, "token"),
		"AWS_ENDPOINT_URL_STS":        srv.URL, // a real program leaves the endpoint alone
	}
	a, err := newApp(func(k string) string { return env[k] }) // os.Getenv in a real program
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < 3; i++ {
		arn, err := a.whoAmI(context.Background())
		fmt.Println(arn, err)
	}
	exchanges := 0
	for _, r := range srv.Requests() {
		if r.Form.Get("Action") == "AssumeRoleWithWebIdentity" {
			exchanges++
		}
	}
	fmt.Println("AssumeRoleWithWebIdentity calls:", exchanges)
	// Output:
	// arn:aws:sts::123456789012:assumed-role/DemoRole/checkout <nil>
	// arn:aws:sts::123456789012:assumed-role/DemoRole/checkout <nil>
	// arn:aws:sts::123456789012:assumed-role/DemoRole/checkout <nil>
	// AssumeRoleWithWebIdentity calls: 1
}
