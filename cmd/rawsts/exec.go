package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/rawsts/rawsts/creds"
	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/sts"
)

var cmdExec = &command{
	name:    "exec",
	summary: "run a command with temporary credentials in its environment, or served to it by a refreshing local endpoint (--server)",
	run:     runExec,
}

// Exit statuses of exec when COMMAND does not run, as env(1) and POSIX shells give them.
const (
	exitCannotRun = 126 // found but not executable
	exitNotFound  = 127 // not found in PATH
)

type execOptions struct {
	webIdentityFlags
	profile          string
	externalID       string
	region, endpoint string
	server, trace    bool
	timeout          time.Duration
	source           *tokenSource
	regionUsed       string
}

func runExec(ctx context.Context, s *streams, args []string) int {
	const name = "exec"
	var o execOptions
	fs := newFlagSet(s, name)
	fs.StringVar(&o.profile, "profile", "", "")
	addWebIdentityFlags(fs, &o.webIdentityFlags)
	fs.StringVar(&o.externalID, "external-id", "", "")
	fs.BoolVar(&o.server, "server", false, "")
	addSTSFlags(fs, &o.region, &o.endpoint, &o.trace, &o.timeout)
	dash := -1
	for i, a := range args {
		if a == "--" {
			dash = i
			break
		}
	}
	if dash < 0 {
		// Parse anyway, for -h and flag errors, then say what is missing.
		if _, code, ok := parseFlags(s, fs, name, args); !ok {
			return code
		}
		return usageError(s, name, "no command: rawsts exec [flags] -- COMMAND [ARGS…]")
	}
	pos, code, ok := parseFlags(s, fs, name, args[:dash])
	if !ok {
		return code
	}
	command := args[dash+1:]
	switch {
	case len(pos) > 0:
		return usageError(s, name, "unexpected argument %s before --: the command goes after --", describeArg(pos[0]))
	case len(command) == 0:
		return usageError(s, name, "no command after --: rawsts exec [flags] -- COMMAND [ARGS…]")
	}
	if flagGiven(fs, "profile") {
		if err := checkProfileName("--profile", o.profile); err != nil {
			return usageError(s, name, "%v", err)
		}
	}
	hasToken := o.token != "" || o.tokenFile != "" || o.tokenFrom != ""
	switch {
	case o.tokenFrom != "" && (o.token != "" || o.tokenFile != ""):
		return usageError(s, name, "give the token once: --token-from or --web-identity-token(-file), not both")
	case hasToken && o.profile != "":
		return usageError(s, name, "--profile and a token are two sources of credentials: give one")
	case o.externalID != "" && (hasToken || o.roleArn == ""):
		return usageError(s, name, "--external-id goes with --role-arn and no token (a role assumed with AssumeRole)")
	}

	p, client, code := o.provider(ctx, s, name)
	if p == nil {
		return code
	}
	if o.server {
		return o.runServer(ctx, s, p, client, command)
	}
	c, err := p.Retrieve(ctx)
	if err != nil {
		return o.reportProviderError(s, client, err)
	}
	s.addSecrets(c.SecretAccessKey, c.SessionToken)
	env := childEnv(s, o.regionUsed, map[string]string{
		"AWS_ACCESS_KEY_ID":     c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": c.SecretAccessKey,
		"AWS_SESSION_TOKEN":     c.SessionToken,
		"AWS_ACCOUNT_ID":        c.AccountID,
	})
	if c.CanExpire() {
		env = append(env, "AWS_CREDENTIAL_EXPIRATION="+c.Expiration.UTC().Format(time.RFC3339))
	}
	return runChild(s, command, env)
}

// provider builds the credentials' provider from the flags: a web identity exchange when a
// token is given (--token-from, --web-identity-token(-file)); else the credentials the AWS CLI
// would use (creds.Resolve: the environment, --profile or AWS_PROFILE, with a profile's
// role_arn, web identity or credential_process), with --role-arn assumed on top of them
// (AssumeRole). It also returns the STS client, for messages.
func (o *execOptions) provider(ctx context.Context, s *streams, name string) (creds.Provider, *sts.Client, int) {
	o.regionUsed = profileRegion(s, o.profile, o.region)
	client, code := newSTSClient(s, o.regionUsed, o.endpoint, o.trace, o.timeout)
	if client == nil {
		return nil, nil, code
	}
	if o.regionUsed == "" {
		o.regionUsed = client.Region
	}
	policy, err := readInline(o.policy)
	if err != nil {
		return nil, nil, usageError(s, name, "--policy: %v", err)
	}
	duration := time.Duration(o.duration) * time.Second
	if o.token != "" || o.tokenFile != "" || o.tokenFrom != "" {
		if o.roleArn == "" {
			o.roleArn = s.getenv("AWS_ROLE_ARN")
		}
		if o.roleArn == "" {
			return nil, nil, usageError(s, name, "a token needs a role: pass --role-arn arn:aws:iam::ACCOUNT:role/NAME or set AWS_ROLE_ARN")
		}
		if o.sessionName == "" {
			o.sessionName = s.getenv("AWS_ROLE_SESSION_NAME")
		}
		var src idtoken.Source
		switch {
		case o.tokenFrom != "":
			t, err := newTokenSource(s, "--token-from", o.tokenFrom, o.audience, s.httpClient(o.trace, o.timeout), o.timeout)
			if err != nil {
				return nil, nil, tokenSourceError(s, name, err)
			}
			if o.tokenFrom == "auto" {
				errorf(s, "token source: %s", t.description)
			}
			o.source, src = t, t.recording(s)
		case o.tokenFile == "-":
			tok, err := readToken(s, "", "-")
			if err != nil {
				return nil, nil, usageError(s, name, "%v", err)
			}
			s.addSecrets(tok)
			src = idtoken.Static(tok)
		case o.tokenFile != "":
			o.source = &tokenSource{src: idtoken.File(o.tokenFile), description: "the file " + o.tokenFile}
			src = o.source.recording(s)
		default:
			s.addSecrets(strings.TrimSpace(o.token))
			src = idtoken.Static(o.token)
		}
		w := &creds.WebIdentity{Token: src, RoleARN: o.roleArn, RoleSessionName: o.sessionName, Duration: duration,
			Policy: policy, PolicyARNs: o.policyArns, Client: client}
		in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: o.roleArn, RoleSessionName: orDefault(o.sessionName, "rawsts-0"),
			WebIdentityToken: "stand-in.for-the.id-token", Policy: policy, PolicyArns: o.policyArns, DurationSeconds: o.duration}
		if err := in.Validate(); err != nil {
			return nil, nil, reportSTSError(s, nil, err)
		}
		return w, client, exitOK
	}
	if p := s.getenv("AWS_PROFILE"); o.profile == "" && p != "" {
		if err := checkProfileName("AWS_PROFILE", p); err != nil {
			errorf(s, "%v (nothing was sent)", err)
			return nil, nil, exitUsage
		}
	}
	base, err := creds.Resolve(s.getenv, &creds.Options{Profile: o.profile, STS: client, MFA: s.mfaCode})
	if err != nil {
		return nil, nil, reportCredsError(s, client, "no credentials for the command", err)
	}
	if o.roleArn == "" {
		return base, client, exitOK
	}
	in := &sts.AssumeRoleInput{RoleArn: o.roleArn, RoleSessionName: orDefault(o.sessionName, "rawsts-0"), ExternalId: o.externalID,
		Policy: policy, PolicyArns: o.policyArns, DurationSeconds: o.duration}
	if err := in.Validate(); err != nil {
		return nil, nil, reportSTSError(s, nil, err)
	}
	return &creds.AssumeRole{Source: base, RoleARN: o.roleArn, RoleSessionName: o.sessionName, ExternalID: o.externalID,
		Duration: duration, Policy: policy, PolicyARNs: o.policyArns, Client: client}, client, exitOK
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// reportProviderError reports a failure to get the command's credentials: the token
// source's own words when the token could not be had, else reportCredsError's.
func (o *execOptions) reportProviderError(s *streams, client *sts.Client, err error) int {
	var respErr *idtoken.ResponseError
	if o.source != nil && (errors.Is(err, idtoken.ErrNoToken) || errors.As(err, &respErr)) {
		return reportTokenError(s, o.source, err)
	}
	return reportCredsError(s, client, "no credentials for the command", err)
}

// shadowing are the variables that choose AWS credentials, removed from the child's
// environment so that only rawsts's credentials reach it: an inherited key, profile, role or
// container endpoint would otherwise win over them in the SDKs' order, or mix with them.
var shadowing = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_ACCOUNT_ID", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
}

// childEnv is the environment rawsts runs in, without the shadowing variables, with set
// (empty values left out) and the region (AWS_REGION and AWS_DEFAULT_REGION, when known).
func childEnv(s *streams, region string, set map[string]string) []string {
	environ := s.environ
	if environ == nil {
		environ = os.Environ
	}
	drop := map[string]bool{}
	for _, k := range shadowing {
		drop[k] = true
	}
	if region != "" {
		set["AWS_REGION"], set["AWS_DEFAULT_REGION"] = region, region
	}
	for k := range set {
		drop[k] = true
	}
	var env []string
	for _, kv := range environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if set[k] != "" {
			env = append(env, k+"="+set[k])
		}
	}
	return env
}

// forwarded are the signals rawsts passes on to the command (SIGINT typed at a terminal
// reaches both, as they share the terminal's process group; one sent to rawsts alone, by a
// supervisor or kill, reaches the command only this way).
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGALRM}

// runChild runs command with env, its standard streams rawsts's own, forwards signals to it
// and returns its exit status as rawsts's: its code, or 128+N when signal N killed it, as
// shells report it; 127 when it is not found, 126 when it cannot be run.
func runChild(s *streams, command []string, env []string) int {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.stdin, s.stdout, s.childStderr()
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		switch {
		case errors.Is(err, exec.ErrNotFound), errors.Is(err, os.ErrNotExist):
			errorf(s, "exec: %s: command not found", command[0])
			return exitNotFound
		default:
			errorf(s, "exec: %s: %s", command[0], plain(unwrapPath(err)))
			return exitCannotRun
		}
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-sigs:
				cmd.Process.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exitErr.ExitCode()
	}
	if err != nil {
		errorf(s, "exec: %s: %s", command[0], plain(err))
		return exitTransport
	}
	return exitOK
}

// unwrapPath drops the path of an *os.PathError (the message names the command already).
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// childStderr is where a child's standard error goes: rawsts's own, not the scrubbing writer
// of rawsts's messages — what the command prints is its own business.
func (s *streams) childStderr() io.Writer {
	if s.rawStderr != nil {
		return s.rawStderr
	}
	return s.stderr
}
