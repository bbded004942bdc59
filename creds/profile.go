package creds

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/internal/process"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// FromProfile returns the provider of a profile of the shared config and credentials files,
// read as the AWS CLI reads them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws;
// "[profile NAME]" in the config file, "[NAME]" in the credentials file, whose keys win).
// The profile is o.Profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
// Within the profile the AWS CLI v2's order applies:
//
//  1. role_arn with source_profile or credential_source: an [*AssumeRole] (role_session_name,
//     external_id, duration_seconds, mfa_serial with [Options].MFA) signed with the source's
//     credentials. source_profile names another profile, resolved the same way (a chain),
//     except that a source profile with static keys uses them even when it has a role_arn
//     (so a profile may name itself); credential_source may be Environment (the
//     environment's keys); Ec2InstanceMetadata and EcsContainer are not supported.
//  2. web_identity_token_file with role_arn (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and
//     AWS_ROLE_SESSION_NAME override the selected profile's keys, as the AWS CLI's do): a
//     [*WebIdentity] reading the file at every Retrieve. duration_seconds is sent too (botocore
//     ignores it for web identity; the AWS SDK for Go v2 sends it).
//  3. sso_session or sso_start_url: an error, rawsts does not speak IAM Identity Center.
//  4. aws_access_key_id and aws_secret_access_key in the credentials file: [Static].
//  5. credential_process: a [*Process], the line split as the AWS CLI splits it, without a
//     shell: blanks separate words, quotes and backslashes as in a POSIX shell, no $VARIABLE,
//     ~, glob or pipe (write sh -c '…' for those; the AWS SDK for Go v2 runs the line with
//     sh -c).
//  6. aws_access_key_id and aws_secret_access_key in the config file: [Static].
//
// STS is called in the profile's region (region) unless the environment or [Options].STS
// names one; see [Options].STS for the other settings. Not read: endpoint_url, [services]
// and [sso-session] sections, use_fips_endpoint, max_attempts.
//
// Errors: a [*ConfigError] for a setting that cannot be used — a role_arn with no source, a
// source_profile that does not exist, a cycle of source_profile (named in order: a -> b ->
// a), a credential_process that cannot be split, an unsupported credential_source; an error
// wrapping [ErrNoCredentials] when the profile does not exist (and was named) or holds no
// credentials; the files' own errors (a syntax error names the file and the line).
func FromProfile(getenv func(string) string, o *Options) (Provider, error) {
	if o == nil {
		o = &Options{}
	}
	files, err := awsconfig.Load(getenv)
	if err != nil {
		return nil, fmt.Errorf("creds: %w", err)
	}
	name, named := o.Profile, o.Profile != ""
	if !named {
		name = awsconfig.ProfileName(getenv)
		named = name != "default"
	}
	r := &resolver{getenv: getenv, o: o, files: files}
	p := files.Profile(name)
	if p == nil {
		if named {
			return nil, fmt.Errorf("creds: profile [%s] is in neither %s: %w", name, r.filesText("nor"), ErrNoCredentials)
		}
		// No [default] anywhere: the environment's web identity may still apply.
		p = &awsconfig.Profile{Name: name, Values: map[string]awsconfig.Value{}}
	}
	if r.client, err = stsClient(getenv, o, p); err != nil {
		return nil, err
	}
	return r.profile(p, nil, true)
}

// Resolve returns the provider the AWS CLI v2 would use: the environment's keys
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) first, unless o names a
// profile; then [FromProfile], in whose order the environment's web identity variables take
// part. The AWS CLI's later sources — the container credentials endpoint and EC2 instance
// metadata — are not supported. Nothing found is an error wrapping [ErrNoCredentials].
func Resolve(getenv func(string) string, o *Options) (Provider, error) {
	if o == nil || o.Profile == "" {
		if p, err := envKeys(getenv); !errors.Is(err, ErrNoCredentials) {
			return p, err
		}
	}
	p, err := FromProfile(getenv, o)
	if errors.Is(err, ErrNoCredentials) && (o == nil || o.Profile == "") && awsconfig.ProfileName(getenv) == "default" {
		// Nothing chosen and nothing found: say every way there is.
		return nil, fmt.Errorf("creds: no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or choose a profile with AWS_PROFILE (%s): %w",
			strings.TrimPrefix(strings.TrimSuffix(err.Error(), ": "+ErrNoCredentials.Error()), "creds: "), ErrNoCredentials)
	}
	return p, err
}

// resolver turns profiles into providers; one per FromProfile call.
type resolver struct {
	getenv func(string) string
	o      *Options
	files  *awsconfig.Files
	client *sts.Client
}

// filesText names the two files for messages, joined by "nor" or "or".
func (r *resolver) filesText(join string) string {
	c, s := r.files.ConfigPath, r.files.CredentialsPath
	if c == "" {
		c = "the config file (AWS_CONFIG_FILE, or HOME for ~/.aws/config)"
	}
	if s == "" {
		s = "the credentials file (AWS_SHARED_CREDENTIALS_FILE, or HOME for ~/.aws/credentials)"
	}
	return c + " " + join + " " + s
}

// profile returns the provider of p in the AWS CLI's order. chain holds the profiles visited
// on the way here through source_profile; top is true for the selected profile, which alone
// lets the environment's web identity variables in.
func (r *resolver) profile(p *awsconfig.Profile, chain []string, top bool) (Provider, error) {
	chain = append(chain, p.Name)
	static := p.Get("aws_access_key_id") != "" && p.Get("aws_secret_access_key") != ""
	role := p.Get("role_arn")
	hasSource := p.Has("source_profile") || p.Has("credential_source")
	if role != "" && hasSource && (top || !static) {
		return r.assumeRole(p, chain)
	}
	var envGetenv = r.getenv
	if !top {
		envGetenv = func(string) string { return "" }
	}
	w, err := envWebIdentity(envGetenv, p)
	if err != nil {
		return nil, err
	}
	if w != nil {
		w.Client = r.client
		return w, nil
	}
	if role != "" && !static {
		return nil, &ConfigError{Profile: p.Name, Key: "role_arn", Where: p.Where("role_arn"),
			Problem: "has no credentials to assume it with: add source_profile (a profile with credentials), credential_source (Environment) or web_identity_token_file"}
	}
	for _, k := range []string{"sso_session", "sso_start_url"} {
		if p.Has(k) {
			return nil, &ConfigError{Profile: p.Name, Key: k, Where: p.Where(k),
				Problem: "IAM Identity Center (SSO) profiles are not supported by rawsts; use the AWS CLI (aws sso login, then aws configure export-credentials), or a credential_process"}
		}
	}
	if static && p.Values["aws_access_key_id"].Credentials {
		return r.static(p), nil
	}
	if line := p.Get("credential_process"); line != "" {
		args, err := process.Split(line)
		if err != nil || len(args) == 0 || args[0] == "" {
			problem := "is empty"
			if err != nil {
				problem = "cannot be split into words: " + err.Error()
			}
			return nil, &ConfigError{Profile: p.Name, Key: "credential_process", Where: p.Where("credential_process"), Problem: problem}
		}
		return &Process{Args: args, Name: "credential_process of profile [" + p.Name + "]", AccountID: p.Get("aws_account_id"),
			Stdin: r.o.Stdin, Stderr: r.o.Stderr, Timeout: r.o.ProcessTimeout}, nil
	}
	if static {
		return r.static(p), nil
	}
	for _, pair := range [][2]string{{"aws_access_key_id", "aws_secret_access_key"}, {"aws_secret_access_key", "aws_access_key_id"}} {
		if p.Get(pair[0]) != "" {
			return nil, &ConfigError{Profile: p.Name, Key: pair[0], Where: p.Where(pair[0]), Problem: "is set but " + pair[1] + " is not"}
		}
	}
	return nil, fmt.Errorf("creds: profile [%s] has no credentials (none of aws_access_key_id, role_arn, web_identity_token_file, credential_process in %s): %w",
		p.Name, r.filesText("or"), ErrNoCredentials)
}

// static returns the profile's static keys.
func (r *resolver) static(p *awsconfig.Profile) Provider {
	return Static{
		Credentials: sigv4.Credentials{AccessKeyID: p.Get("aws_access_key_id"), SecretAccessKey: p.Get("aws_secret_access_key"), SessionToken: p.Get("aws_session_token")},
		AccountID:   p.Get("aws_account_id"),
		Source:      "profile [" + p.Name + "] of " + p.Values["aws_access_key_id"].File,
	}
}

// assumeRole returns the AssumeRole provider of p, whose source is its source_profile or
// credential_source.
func (r *resolver) assumeRole(p *awsconfig.Profile, chain []string) (Provider, error) {
	if p.Has("source_profile") && p.Has("credential_source") {
		return nil, &ConfigError{Profile: p.Name, Key: "source_profile", Where: p.Where("source_profile"),
			Problem: "and credential_source (" + p.Where("credential_source") + ") are both set; keep one"}
	}
	var src Provider
	if p.Has("credential_source") {
		var err error
		if src, err = r.credentialSource(p); err != nil {
			return nil, err
		}
	} else {
		name := p.Get("source_profile")
		sp := r.files.Profile(name)
		switch {
		case name == p.Name && sp != nil && sp.Get("aws_access_key_id") != "" && sp.Get("aws_secret_access_key") != "":
			src = r.static(sp) // a profile may name itself when it holds the keys
		case contains(chain, name):
			return nil, &ConfigError{Profile: p.Name, Key: "source_profile", Where: p.Where("source_profile"),
				Problem: "makes a cycle: " + strings.Join(append(chain, name), " -> ")}
		case sp == nil:
			return nil, &ConfigError{Profile: p.Name, Key: "source_profile", Where: p.Where("source_profile"),
				Problem: fmt.Sprintf("names the profile [%s], which does not exist", name)}
		default:
			var err error
			if src, err = r.profile(sp, chain, false); err != nil {
				return nil, err
			}
		}
	}
	duration, err := durationOf(p)
	if err != nil {
		return nil, err
	}
	a := &AssumeRole{
		Source:          src,
		RoleARN:         p.Get("role_arn"),
		RoleSessionName: p.Get("role_session_name"),
		ExternalID:      p.Get("external_id"),
		Duration:        duration,
		SerialNumber:    p.Get("mfa_serial"),
		Client:          r.client,
	}
	if r.o.MFA != nil {
		a.TokenCode = r.o.MFA
	}
	return a, nil
}

// credentialSource returns the provider a credential_source names.
func (r *resolver) credentialSource(p *awsconfig.Profile) (Provider, error) {
	switch v := p.Get("credential_source"); strings.ToLower(v) {
	case "environment":
		c, err := sigv4.CredentialsFromEnv(r.getenv)
		if err != nil {
			return nil, &ConfigError{Profile: p.Name, Key: "credential_source", Where: p.Where("credential_source"),
				Problem: "is Environment but the environment has no keys: " + strings.TrimPrefix(err.Error(), "sigv4: ")}
		}
		return Static{Credentials: c, Source: "environment"}, nil
	case "ec2instancemetadata", "ecscontainer":
		return nil, &ConfigError{Profile: p.Name, Key: "credential_source", Where: p.Where("credential_source"),
			Problem: v + " is not supported by rawsts (it reads neither EC2 instance metadata nor the container credentials endpoint); use Environment, or source_profile"}
	default:
		return nil, &ConfigError{Profile: p.Name, Key: "credential_source", Where: p.Where("credential_source"),
			Problem: fmt.Sprintf("%q is not one of Environment, Ec2InstanceMetadata, EcsContainer", v)}
	}
}

// durationOf reads a profile's duration_seconds.
func durationOf(p *awsconfig.Profile) (time.Duration, error) {
	v := p.Get("duration_seconds")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, &ConfigError{Profile: p.Name, Key: "duration_seconds", Where: p.Where("duration_seconds"),
			Problem: fmt.Sprintf("%q is not a number of seconds (STS takes 900 to 43200)", v)}
	}
	return time.Duration(n) * time.Second, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
