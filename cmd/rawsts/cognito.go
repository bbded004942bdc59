package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
)

var cmdCognito = &command{
	name:    "cognito",
	summary: "log in to a Cognito user pool (SRP, password, admin, refresh): login prints the ID token, assume goes on to STS; identity gets credentials from an identity pool",
	run:     runCognito,
}

// cognitoDeps are what the cognito commands take from outside besides the streams; tests
// replace them.
type cognitoDeps struct {
	rand io.Reader // SRP's secret a; nil means crypto/rand
	stty sttyFunc  // turns terminal echo off and on; nil means no stty
}

func runCognito(ctx context.Context, s *streams, args []string) int {
	return cognitoMain(ctx, s, args, cognitoDeps{stty: systemStty()})
}

func cognitoMain(ctx context.Context, s *streams, args []string, deps cognitoDeps) int {
	if len(args) == 0 {
		return usageError(s, "cognito", "want a subcommand: login, assume or identity")
	}
	switch args[0] {
	case "login":
		return cognitoLogin(ctx, s, args[1:], deps)
	case "assume":
		return cognitoAssume(ctx, s, args[1:], deps)
	case "identity":
		return cognitoIdentity(ctx, s, args[1:])
	case "-h", "-help", "--help", "help":
		// Build every flag set, so that whoever watches flag sets (the help test) sees them.
		loginFlags(s, &cognitoOptions{})
		assumeFlags(s, &cognitoOptions{}, &assumeOptions{})
		identityFlags(s, &identityOptions{})
		io.WriteString(s.stdout, helpText("cognito"))
		return exitOK
	default:
		return usageError(s, "cognito", "unknown subcommand %s: want login, assume or identity", describeArg(args[0]))
	}
}

// cognitoOptions are the login flags both subcommands share.
type cognitoOptions struct {
	poolID, clientID, clientSecret, username string
	flow                                     string
	passwordStdin, newPasswordStdin          bool
	refreshToken, refreshTokenFile           string
	mfaCode, mfaType                         string
	attributes                               stringList
	endpoint                                 string // the Cognito endpoint
	output                                   string // login only
	profile                                  string // signs the admin flow
}

// addLoginFlags defines the flags of the login itself.
func addLoginFlags(fs *flag.FlagSet, o *cognitoOptions) {
	fs.StringVar(&o.poolID, "pool-id", "", "")
	fs.StringVar(&o.clientID, "client-id", "", "")
	fs.StringVar(&o.clientSecret, "client-secret", "", "")
	fs.StringVar(&o.username, "username", "", "")
	fs.StringVar(&o.flow, "flow", "", "")
	fs.BoolVar(&o.passwordStdin, "password-stdin", false, "")
	fs.BoolVar(&o.newPasswordStdin, "new-password-stdin", false, "")
	fs.StringVar(&o.refreshToken, "refresh-token", "", "")
	fs.StringVar(&o.refreshTokenFile, "refresh-token-file", "", "")
	fs.StringVar(&o.mfaCode, "mfa-code", "", "")
	fs.StringVar(&o.mfaType, "mfa-type", "", "")
	fs.Var(&o.attributes, "user-attribute", "")
	fs.StringVar(&o.profile, "profile", "", "")
}

func loginFlags(s *streams, o *cognitoOptions) (fs *flag.FlagSet, region *string, trace *bool, timeout *time.Duration) {
	fs = newFlagSet(s, "cognito")
	addLoginFlags(fs, o)
	region, trace, timeout = new(string), new(bool), new(time.Duration)
	addSTSFlags(fs, region, &o.endpoint, trace, timeout) // same four flags, for Cognito here
	fs.StringVar(&o.output, "output", "id-token", "")
	return fs, region, trace, timeout
}

func assumeFlags(s *streams, o *cognitoOptions, a *assumeOptions) *flag.FlagSet {
	fs := newFlagSet(s, "cognito")
	addLoginFlags(fs, o)
	fs.StringVar(&o.endpoint, "cognito-endpoint", "", "")
	fs.StringVar(&a.roleArn, "role-arn", "", "")
	fs.StringVar(&a.sessionName, "role-session-name", "", "")
	fs.IntVar(&a.duration, "duration-seconds", 0, "")
	fs.StringVar(&a.policy, "policy", "", "")
	fs.Var(&a.policyArns, "policy-arn", "")
	addSTSFlags(fs, &a.region, &a.endpoint, &a.trace, &a.timeout)
	addOutputFlags(fs, &a.d)
	return fs
}

var loginOutputs = []string{"id-token", "tokens", "json"}

func cognitoLogin(ctx context.Context, s *streams, args []string, deps cognitoDeps) int {
	const name = "cognito login"
	var o cognitoOptions
	fs, region, trace, timeout := loginFlags(s, &o)
	pos, code, ok := parseFlags(s, fs, "cognito", args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if !slices.Contains(loginOutputs, o.output) {
		return usageError(s, name, "--output %q: want one of %s", o.output, strings.Join(loginOutputs, ", "))
	}
	if o.endpoint == "" {
		var err error
		if o.endpoint, err = cognitoauth.EndpointFromEnv(s.getenv); err != nil {
			return usageError(s, name, "%s", plain(err))
		}
	}
	tokens, flow, code := o.login(ctx, s, name, *region, *trace, *timeout, deps)
	if tokens == nil {
		return code
	}
	text, err := formatTokens(o.output, tokens, flow == cognitoauth.FlowRefresh)
	if err != nil {
		errorf(s, "%v", err)
		return exitTransport
	}
	fmt.Fprint(s.stdout, text)
	return exitOK
}

func cognitoAssume(ctx context.Context, s *streams, args []string, deps cognitoDeps) int {
	const name = "cognito assume"
	var o cognitoOptions
	var a assumeOptions
	fs := assumeFlags(s, &o, &a)
	pos, code, ok := parseFlags(s, fs, "cognito", args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if err := a.d.check(s, fs); err != nil {
		return usageError(s, name, "%v", err)
	}
	// --endpoint is STS's and, unless --cognito-endpoint says otherwise, Cognito's too: the
	// emulator serves both on one URL.
	if o.endpoint == "" {
		o.endpoint = a.endpoint
	}
	if o.endpoint == "" {
		var err error
		if o.endpoint, err = cognitoauth.EndpointFromEnv(s.getenv); err != nil {
			return usageError(s, name, "%s", plain(err))
		}
	}
	// Check the STS input before logging in, with a stand-in for the token to come.
	in, code := a.input(s, name, "stand-in.for-the.id-token")
	if in == nil {
		return code
	}
	client, code := newSTSClient(s, a.region, a.endpoint, a.trace, a.timeout)
	if client == nil {
		return code
	}
	tokens, _, code := o.login(ctx, s, name, "", a.trace, a.timeout, deps)
	if tokens == nil {
		return code
	}
	in.WebIdentityToken = tokens.IdToken
	a.d.maskToken(s, tokens.IdToken)
	out, err := client.AssumeRoleWithWebIdentity(ctx, in)
	if err != nil {
		return reportSTSError(s, client, err)
	}
	return a.d.deliver(ctx, s, client, assumeResult(out), client.Region)
}

// flows maps --flow values (short names and wire names) to flows.
var flows = map[string]cognitoauth.Flow{
	"srp": cognitoauth.FlowSRP, "password": cognitoauth.FlowPassword,
	"admin": cognitoauth.FlowAdminPassword, "refresh": cognitoauth.FlowRefresh,
	string(cognitoauth.FlowSRP): cognitoauth.FlowSRP, string(cognitoauth.FlowPassword): cognitoauth.FlowPassword,
	string(cognitoauth.FlowAdminPassword): cognitoauth.FlowAdminPassword, string(cognitoauth.FlowRefresh): cognitoauth.FlowRefresh,
}

// login checks the options, gathers the secrets and runs the login. It returns the tokens, or
// nil and the exit code after reporting the problem.
func (o *cognitoOptions) login(ctx context.Context, s *streams, name, region string, trace bool, timeout time.Duration, deps cognitoDeps) (*cognitoauth.Tokens, cognitoauth.Flow, int) {
	fail := func(code int) (*cognitoauth.Tokens, cognitoauth.Flow, int) { return nil, "", code }
	if o.poolID == "" || o.clientID == "" {
		return fail(usageError(s, name, "--pool-id and --client-id are required"))
	}
	if o.clientSecret == "" {
		o.clientSecret = s.getenv("RAWSTS_COGNITO_CLIENT_SECRET")
	}
	s.addSecrets(o.clientSecret, o.refreshToken, o.mfaCode)
	if o.refreshToken != "" && o.refreshTokenFile != "" {
		return fail(usageError(s, name, "give the refresh token once: --refresh-token or --refresh-token-file, not both"))
	}
	hasRefresh := o.refreshToken != "" || o.refreshTokenFile != ""
	flow := cognitoauth.FlowSRP
	if hasRefresh {
		flow = cognitoauth.FlowRefresh
	}
	if o.flow != "" {
		f, ok := flows[o.flow]
		if !ok {
			return fail(usageError(s, name, "--flow %s: want srp, password, admin or refresh", describeArg(o.flow)))
		}
		flow = f
	}
	if (flow == cognitoauth.FlowRefresh) != hasRefresh {
		return fail(usageError(s, name, "--refresh-token or --refresh-token-file goes with --flow refresh, and only with it"))
	}
	attrs, err := parseAttributes(o.attributes)
	if err != nil {
		return fail(usageError(s, name, "%v", err))
	}
	in := &cognitoauth.LoginInput{Flow: flow, Username: o.username, RefreshToken: o.refreshToken}
	if flow != cognitoauth.FlowRefresh && o.username == "" {
		return fail(usageError(s, name, "no user: pass --username NAME"))
	}
	maxAttempts, err := envMaxAttempts(s)
	if err != nil {
		return fail(usageError(s, name, "%v", err))
	}
	if code := s.checkCABundle(); code != exitOK {
		return fail(code)
	}
	c := &cognitoauth.Client{UserPoolID: o.poolID, ClientID: o.clientID, ClientSecret: o.clientSecret,
		Region: region, Endpoint: o.endpoint, HTTPClient: s.httpClient(trace, timeout), MaxAttempts: maxAttempts,
		Now: s.now, Rand: deps.rand, UserAgent: "rawsts/" + buildVersion()}
	if o.profile != "" {
		if err := checkProfileName("--profile", o.profile); err != nil {
			return fail(usageError(s, name, "%v", err))
		}
	}
	if flow == cognitoauth.FlowAdminPassword {
		cr, code := signingCredentials(ctx, s, o.profile, nil, "the admin flow signs AdminInitiateAuth and needs AWS credentials (the environment's keys, or --profile)")
		if code != exitOK {
			return fail(code)
		}
		c.Credentials = &cr.Credentials
	}

	a := &answers{s: s, o: o, attrs: attrs, deps: deps}
	if o.refreshTokenFile != "" {
		b, err := a.fileOrNextLine(o.refreshTokenFile, "refresh token")
		if err != nil {
			return fail(usageError(s, name, "reading the refresh token: %v", err))
		}
		in.RefreshToken = b
		s.addSecrets(b)
	}
	if flow != cognitoauth.FlowRefresh {
		pw, err := a.password(ctx)
		if err != nil {
			return fail(reportAnswerError(s, name, o.where(region), err))
		}
		in.Password = pw
		s.addSecrets(pw)
	}
	tokens, err := c.Login(ctx, in, a)
	if err != nil {
		return fail(reportCognitoError(s, name, o.where(region), err))
	}
	s.addSecrets(tokens.IdToken, tokens.AccessToken, tokens.RefreshToken)
	return tokens, flow, exitOK
}

// where names the Cognito endpoint a login talks to, for messages: --endpoint (or the
// environment's), else the regional endpoint of the pool.
func (o *cognitoOptions) where(region string) string {
	if o.endpoint != "" {
		return o.endpoint
	}
	if region == "" {
		region, _, _ = strings.Cut(o.poolID, "_")
	}
	return "https://cognito-idp." + region + ".amazonaws.com/"
}

// parseAttributes turns NAME=VALUE flags into a map.
func parseAttributes(list []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--user-attribute %s: want NAME=VALUE", describeArg(kv))
		}
		m[strings.TrimPrefix(k, "userAttributes.")] = v
	}
	return m, nil
}
