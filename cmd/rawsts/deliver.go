package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/internal/ini"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// deliveryOptions are the flags that say where the credentials of assume, assume-role and
// cognito assume go: standard output (--output, --ini-profile), a profile of the shared
// credentials file (--write-profile), the files of a GitHub Actions step (--github-env,
// --github-output), after an optional check of the account (--expect-account).
type deliveryOptions struct {
	output, iniProfile string
	writeProfile       string
	githubEnv          bool
	githubOutput       bool
	expectAccount      string
	// outputGiven is true when --output was on the command line: then standard output gets
	// the credentials even with --write-profile or --github-env.
	outputGiven bool
}

func addOutputFlags(fs *flag.FlagSet, d *deliveryOptions) {
	fs.StringVar(&d.output, "output", "env", "")
	fs.StringVar(&d.iniProfile, "ini-profile", "default", "")
	fs.StringVar(&d.writeProfile, "write-profile", "", "")
	fs.BoolVar(&d.githubEnv, "github-env", false, "")
	fs.BoolVar(&d.githubOutput, "github-output", false, "")
	fs.StringVar(&d.expectAccount, "expect-account", "", "")
}

// flagGiven reports whether the flag name was on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			given = true
		}
	})
	return given
}

// check checks the delivery flags before anything is sent.
func (d *deliveryOptions) check(s *streams, fs *flag.FlagSet) error {
	d.outputGiven = flagGiven(fs, "output")
	if err := checkOutputFormat(d.output); err != nil {
		return err
	}
	if err := checkProfileName("--ini-profile", d.iniProfile); err != nil {
		return err
	}
	if flagGiven(fs, "write-profile") {
		if err := checkProfileName("--write-profile", d.writeProfile); err != nil {
			return err
		}
	}
	if d.expectAccount != "" && !accountPattern.MatchString(d.expectAccount) {
		return fmt.Errorf("--expect-account %s: want a 12-digit AWS account ID", describeArg(d.expectAccount))
	}
	for _, f := range []struct {
		on   bool
		flag string
		env  string
	}{{d.githubEnv, "--github-env", "GITHUB_ENV"}, {d.githubOutput, "--github-output", "GITHUB_OUTPUT"}} {
		if f.on && strings.TrimSpace(s.getenv(f.env)) == "" {
			return fmt.Errorf("%s: $%s is not set; GitHub Actions sets it in every step (is this a GitHub Actions job?)", f.flag, f.env)
		}
	}
	return nil
}

// github reports whether the credentials go to a GitHub Actions step's files, whose log must
// mask them.
func (d *deliveryOptions) github() bool { return d.githubEnv || d.githubOutput }

// maskToken prints ::add-mask:: for the ID token, first of all, when the step's log must mask
// secrets: GitHub hides a masked value wherever it appears later in the log.
func (d *deliveryOptions) maskToken(s *streams, token string) {
	if d.github() {
		fmt.Fprint(s.stdout, addMask(token))
	}
}

// addMask is the workflow command that registers value with GitHub's log masker, its data
// escaped as the runner unescapes it (% first), so that a value with a line break is masked
// whole.
func addMask(value string) string {
	if value == "" {
		return ""
	}
	r := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	return "::add-mask::" + r.Replace(value) + "\n"
}

// deliver sends r where the flags say, in this order: masks (GitHub), the account check, the
// profile, $GITHUB_ENV, $GITHUB_OUTPUT, standard output. Every text is built before anything
// is written. region is the region the credentials were got in ("" if none), for $GITHUB_ENV.
// client is the STS client for --expect-account's GetCallerIdentity. It returns the exit code.
func (d *deliveryOptions) deliver(ctx context.Context, s *streams, client *sts.Client, r credentialResult, region string) int {
	c := r.creds
	s.addSecrets(c.SecretAccessKey, c.SessionToken)
	var stdout string
	if d.outputGiven || !(d.writeProfile != "" || d.github()) {
		text, err := formatCredentials(d.output, d.iniProfile, r)
		if err != nil {
			errorf(s, "%v", err)
			return exitTransport
		}
		stdout = text
	}
	if err := checkValues("STS", "a file", visibleASCII, [2]string{"AccessKeyId", c.AccessKeyID},
		[2]string{"SecretAccessKey", c.SecretAccessKey}, [2]string{"SessionToken", c.SessionToken}); err != nil && (d.writeProfile != "" || d.github()) {
		errorf(s, "%v", err)
		return exitTransport
	}
	if d.github() {
		fmt.Fprint(s.stdout, addMask(c.AccessKeyID)+addMask(c.SecretAccessKey)+addMask(c.SessionToken))
	}
	account := r.accountID
	if d.expectAccount != "" {
		got, code := d.checkAccount(ctx, s, client, c)
		if code != exitOK {
			return code
		}
		account = got
	}
	exp := c.Expiration.UTC().Format(time.RFC3339)
	if d.writeProfile != "" {
		path := awsconfig.CredentialsFile(s.getenv)
		err := awsconfig.UpdateProfile(path, d.writeProfile, []ini.Edit{
			{Key: "aws_access_key_id", Value: c.AccessKeyID},
			{Key: "aws_secret_access_key", Value: c.SecretAccessKey},
			{Key: "aws_session_token", Value: c.SessionToken},
		})
		if err != nil {
			errorf(s, "--write-profile %s: %s; the file was not changed", d.writeProfile, plain(err))
			return exitUsage
		}
		errorf(s, "wrote profile [%s] in %s (the credentials expire at %s)", d.writeProfile, path, exp)
	}
	if d.githubEnv {
		vars := [][2]string{{"AWS_ACCESS_KEY_ID", c.AccessKeyID}, {"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey},
			{"AWS_SESSION_TOKEN", c.SessionToken}, {"AWS_CREDENTIAL_EXPIRATION", exp}}
		if region != "" {
			vars = append(vars, [2]string{"AWS_REGION", region}, [2]string{"AWS_DEFAULT_REGION", region})
		}
		if code := appendGitHubFile(s, "--github-env", "GITHUB_ENV", vars); code != exitOK {
			return code
		}
	}
	if d.githubOutput {
		vars := [][2]string{{"aws-account-id", account}, {"aws-access-key-id", c.AccessKeyID}, {"aws-expiration", exp}}
		if code := appendGitHubFile(s, "--github-output", "GITHUB_OUTPUT", vars); code != exitOK {
			return code
		}
	}
	fmt.Fprint(s.stdout, stdout)
	return exitOK
}

// checkAccount asks STS whose credentials c are (GetCallerIdentity, signed with them) and
// refuses another account than --expect-account: exit 1 naming both, nothing written.
func (d *deliveryOptions) checkAccount(ctx context.Context, s *streams, client *sts.Client, c sts.Credentials) (string, int) {
	cc := *client
	cc.Credentials = &sigv4.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	who, err := cc.GetCallerIdentity(ctx)
	if err != nil {
		errorf(s, "--expect-account: cannot check the account of the new credentials (GetCallerIdentity):")
		return "", reportSTSError(s, &cc, err)
	}
	if who.Account != d.expectAccount {
		errorf(s, "--expect-account %s: the credentials are for account %s (%s), not %s; nothing was written",
			d.expectAccount, who.Account, who.Arn, d.expectAccount)
		return "", exitRefused
	}
	return who.Account, exitOK
}

// appendGitHubFile appends name=value pairs to the file the variable env names ($GITHUB_ENV,
// $GITHUB_OUTPUT) in the runner's multi-line syntax, NAME<<DELIMITER, the value, DELIMITER,
// with a random delimiter no value holds, as @actions/core writes them: a value can then
// never end the block early or add a variable of its own.
func appendGitHubFile(s *streams, flag, env string, vars [][2]string) int {
	var b strings.Builder
	for _, v := range vars {
		delim, err := heredocDelimiter(v[1])
		if err != nil {
			errorf(s, "%s: %v", flag, err)
			return exitUsage
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", v[0], delim, v[1], delim)
	}
	path := s.getenv(env)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err == nil {
		_, err = f.WriteString(b.String())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		errorf(s, "%s: writing $%s: %v", flag, env, err)
		return exitUsage
	}
	return exitOK
}

// heredocDelimiter returns ghadelimiter_ and 16 random bytes in hex, checked absent from value.
func heredocDelimiter(value string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	d := "ghadelimiter_" + hex.EncodeToString(b[:])
	if strings.Contains(value, d) {
		return "", errors.New("a value holds the delimiter") // 2^-128: never, but checked
	}
	return d, nil
}
