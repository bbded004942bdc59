package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/idtoken"
	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/sts"
)

var cmdAssume = &command{
	name:    "assume-role-with-web-identity",
	aliases: []string{"assume"},
	summary: "exchange an OIDC token for temporary credentials (AssumeRoleWithWebIdentity)",
	run:     runAssume,
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// webIdentityFlags are the flags of an AssumeRoleWithWebIdentity that assume and exec share.
type webIdentityFlags struct {
	roleArn, sessionName string
	token, tokenFile     string
	tokenFrom, audience  string
	policy               string
	policyArns           stringList
	duration             int
}

func addWebIdentityFlags(fs *flag.FlagSet, w *webIdentityFlags) {
	fs.StringVar(&w.roleArn, "role-arn", "", "")
	fs.StringVar(&w.sessionName, "role-session-name", "", "")
	fs.StringVar(&w.token, "web-identity-token", "", "")
	fs.StringVar(&w.tokenFile, "web-identity-token-file", "", "")
	fs.StringVar(&w.tokenFrom, "token-from", "", "")
	fs.StringVar(&w.audience, "audience", idtoken.STSAudience, "")
	fs.IntVar(&w.duration, "duration-seconds", 0, "")
	fs.StringVar(&w.policy, "policy", "", "")
	fs.Var(&w.policyArns, "policy-arn", "")
}

type assumeOptions struct {
	webIdentityFlags
	providerID             string
	region, endpoint       string
	profile                string // the AWS CLI profile (--profile) whose settings fill the gaps
	d                      deliveryOptions
	noCache                bool
	printCurl, showSecrets bool
	trace, strict          bool
	timeout                time.Duration

	// sessionGiven is true when the session name was chosen (flag, variable or profile)
	// rather than made from the time: only a chosen one can key the credential cache.
	sessionGiven bool
	// prof is the --profile's settings, nil without --profile.
	prof *awsconfig.Profile
	// source is --token-from's source, nil without it.
	source *tokenSource
}

func runAssume(ctx context.Context, s *streams, args []string) int {
	const name = "assume-role-with-web-identity"
	var o assumeOptions
	fs := newFlagSet(s, name)
	addWebIdentityFlags(fs, &o.webIdentityFlags)
	fs.StringVar(&o.providerID, "provider-id", "", "")
	fs.StringVar(&o.profile, "profile", "", "")
	addSTSFlags(fs, &o.region, &o.endpoint, &o.trace, &o.timeout)
	addOutputFlags(fs, &o.d)
	fs.BoolVar(&o.noCache, "no-cache", false, "")
	fs.BoolVar(&o.printCurl, "print-curl", false, "")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "")
	fs.BoolVar(&o.strict, "strict", false, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s (the token goes in --web-identity-token, --web-identity-token-file or --token-from)", describeArg(pos[0]))
	}
	if err := o.d.check(s, fs); err != nil {
		return usageError(s, name, "%v", err)
	}
	if code, ok := o.loadProfile(s, name, fs); !ok {
		return code
	}
	if o.tokenFrom != "" && (o.token != "" || o.tokenFile != "") {
		return usageError(s, name, "give the token once: --token-from or --web-identity-token(-file), not both")
	}

	// Check every input before anything is sent, with a stand-in for the token to come.
	in, code := o.input(s, name, "stand-in.for-the.id-token")
	if in == nil {
		return code
	}
	client, code := newSTSClient(s, o.stsRegion(s), o.endpoint, o.trace, o.timeout)
	if client == nil {
		return code
	}
	ep, epErr := client.ResolveEndpoint() // an error here is reported by the call itself
	if o.printCurl && epErr != nil {
		return reportSTSError(s, nil, epErr)
	}
	if o.tokenFrom != "" {
		t, err := newTokenSource(s, "--token-from", o.tokenFrom, o.audience, s.httpClient(o.trace, o.timeout), o.timeout)
		if err != nil {
			return tokenSourceError(s, name, err)
		}
		if o.tokenFrom == "auto" {
			errorf(s, "token source: %s", t.description)
		}
		o.source = t
	}

	cache := o.credentialCache(s, ep.URL)
	if cache != nil {
		if c, ok := cache.load(s); ok {
			fmt.Fprint(s.stdout, c)
			return exitOK
		}
	}

	token, code := o.readToken(ctx, s, name)
	if token == "" {
		return code
	}
	in.WebIdentityToken = token
	if err := in.Validate(); err != nil {
		return reportSTSError(s, nil, err)
	}
	o.d.maskToken(s, token)
	if !lintBeforeSending(s, in, ep.URL, o.strict, o.printCurl) {
		return exitRefused
	}
	if o.printCurl {
		fmt.Fprint(s.stdout, curlCommand(ep.URL, in, o.showSecrets))
		return exitOK
	}

	out, err := client.AssumeRoleWithWebIdentity(ctx, in)
	if err != nil {
		code := reportSTSError(s, client, err)
		diagnosePointer(s, &o, err)
		return code
	}
	r := assumeResult(out)
	if code := o.d.deliver(ctx, s, client, r, client.Region); code != exitOK {
		return code
	}
	if cache != nil {
		cache.store(s, r)
	}
	return exitOK
}

// loadProfile reads --profile's settings when it is given. A profile that does not exist is
// a usage error that also says what --profile meant before (the ini block's name, now
// --ini-profile).
func (o *assumeOptions) loadProfile(s *streams, name string, fs *flag.FlagSet) (int, bool) {
	if !flagGiven(fs, "profile") {
		return exitOK, true
	}
	prof, code, ok := readProfile(s, name, o.profile)
	if !ok {
		return code, false
	}
	if prof.Get("role_arn") == "" || prof.Get("web_identity_token_file") == "" {
		return usageError(s, name, "profile [%s] has no role_arn with web_identity_token_file, which is what `rawsts assume` exchanges; for a profile that assumes its role otherwise (source_profile, credential_process) use `rawsts exec --profile %s -- COMMAND`, `rawsts whoami --profile %s` or `rawsts assume-role --profile %s`",
			o.profile, o.profile, o.profile, o.profile), false
	}
	o.prof = prof
	return exitOK, true
}

// stsRegion is --region, else the environment's (newSTSClient reads it), else --profile's.
func (o *assumeOptions) stsRegion(s *streams) string {
	if o.region == "" && o.prof != nil && s.getenv("AWS_REGION") == "" && s.getenv("AWS_DEFAULT_REGION") == "" {
		return o.prof.Get("region")
	}
	return o.region
}

// input gathers the AssumeRoleWithWebIdentity input from flags, the environment and --profile
// — flags first, then AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME, then the profile's role_arn and
// role_session_name, as the AWS CLI lets the variables win over a profile — with token in
// place of the token, and validates it; it returns nil and an exit code when something is
// wrong.
func (o *assumeOptions) input(s *streams, name, token string) (*sts.AssumeRoleWithWebIdentityInput, int) {
	if o.roleArn == "" {
		o.roleArn = s.getenv("AWS_ROLE_ARN")
	}
	if o.roleArn == "" && o.prof != nil {
		o.roleArn = o.prof.Get("role_arn")
	}
	if o.roleArn == "" {
		return nil, usageError(s, name, "no role: pass --role-arn arn:aws:iam::ACCOUNT:role/NAME or set AWS_ROLE_ARN")
	}
	if o.sessionName == "" {
		o.sessionName = s.getenv("AWS_ROLE_SESSION_NAME")
	}
	if o.sessionName == "" && o.prof != nil {
		o.sessionName = o.prof.Get("role_session_name")
	}
	o.sessionGiven = o.sessionName != ""
	if o.sessionName == "" {
		o.sessionName = "rawsts-" + strconv.FormatInt(s.now().Unix(), 10)
	}
	if o.duration == 0 && o.prof != nil && o.prof.Get("duration_seconds") != "" {
		d, err := strconv.Atoi(o.prof.Get("duration_seconds"))
		if err != nil {
			return nil, usageError(s, name, "profile [%s]: duration_seconds (%s): %q is not a whole number of seconds", o.profile, o.prof.Where("duration_seconds"), o.prof.Get("duration_seconds"))
		}
		o.duration = d
	}
	policy, err := readInline(o.policy)
	if err != nil {
		return nil, usageError(s, name, "--policy: %v", err)
	}
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          o.roleArn,
		RoleSessionName:  o.sessionName,
		WebIdentityToken: token,
		ProviderId:       o.providerID,
		Policy:           policy,
		PolicyArns:       o.policyArns,
		DurationSeconds:  o.duration,
	}
	if err := in.Validate(); err != nil {
		return nil, reportSTSError(s, nil, err)
	}
	return in, exitOK
}

// readToken gets the token from --token-from's source, or from the flags, the environment or
// the profile (readToken); "" and an exit code when there is none.
func (o *assumeOptions) readToken(ctx context.Context, s *streams, name string) (string, int) {
	if o.source != nil {
		token, err := o.source.token(ctx, s)
		if err != nil {
			return "", reportTokenError(s, o.source, err)
		}
		o.token = token // for the diagnose pointer: a token given, not a file
		return token, exitOK
	}
	file := o.tokenFile
	if o.token == "" && file == "" && s.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") == "" && o.prof != nil {
		file = o.prof.Get("web_identity_token_file")
		o.tokenFile = file
	}
	token, err := readToken(s, o.token, file)
	if err != nil {
		return "", usageError(s, name, "%v", err)
	}
	s.addSecrets(token)
	return token, exitOK
}

// readToken returns the web identity token from --web-identity-token, from
// --web-identity-token-file (- is stdin), or from AWS_WEB_IDENTITY_TOKEN_FILE, with surrounding
// whitespace trimmed. Errors never quote the token.
func readToken(s *streams, literal, file string) (string, error) {
	if literal != "" && file != "" {
		return "", errors.New("give the token once: --web-identity-token or --web-identity-token-file, not both")
	}
	if literal != "" {
		return strings.TrimSpace(literal), nil
	}
	if file == "" {
		file = s.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	if file == "" {
		return "", errors.New("no token: pass --web-identity-token-file FILE (- reads stdin), --web-identity-token TOKEN, or set AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	b, err := readFileOrStdin(s, file, maxTokenFile)
	if err != nil {
		return "", fmt.Errorf("reading the token: %w", err)
	}
	token := strings.TrimSpace(string(dropBOM(s, "the token in "+displayPath(file), b)))
	if token == "" {
		where := file
		if file == "-" {
			where = "standard input"
		}
		return "", fmt.Errorf("the token in %s is empty", where)
	}
	return token, nil
}

// describeArg quotes a stray argument for an error message, unless it may be a secret (a
// token pasted in the wrong place), which is described by its length only.
func describeArg(a string) string {
	if len(a) > 40 || strings.Count(a, ".") >= 2 {
		return fmt.Sprintf("of %d characters", len(a))
	}
	return strconv.Quote(a)
}

// readInline returns v, or the contents of FILE when v is "@FILE" (a policy document: at most
// maxPolicyFile bytes).
func readInline(v string) (string, error) {
	if !strings.HasPrefix(v, "@") {
		return v, nil
	}
	b, err := bounded.ReadFile(v[1:], maxPolicyFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// curlCommand renders the request as the equivalent curl command. The token is replaced by
// a placeholder unless showSecrets is set.
func curlCommand(endpoint string, in *sts.AssumeRoleWithWebIdentityInput, showSecrets bool) string {
	token := fmt.Sprintf("<WebIdentityToken: %d chars>", len(in.WebIdentityToken))
	if showSecrets {
		token = in.WebIdentityToken
	}
	params := [][2]string{
		{"Action", "AssumeRoleWithWebIdentity"},
		{"RoleSessionName", in.RoleSessionName},
		{"RoleArn", in.RoleArn},
		{"WebIdentityToken", token},
	}
	if in.ProviderId != "" {
		params = append(params, [2]string{"ProviderId", in.ProviderId})
	}
	if in.DurationSeconds != 0 {
		params = append(params, [2]string{"DurationSeconds", strconv.Itoa(in.DurationSeconds)})
	}
	if in.Policy != "" {
		params = append(params, [2]string{"Policy", in.Policy})
	}
	for i, arn := range in.PolicyArns {
		params = append(params, [2]string{fmt.Sprintf("PolicyArns.member.%d.arn", i+1), arn})
	}
	params = append(params, [2]string{"Version", "2011-06-15"})
	if u, err := url.Parse(endpoint); err == nil && u.Path == "" {
		endpoint += "/"
	}
	var b strings.Builder
	b.WriteString("curl " + shellQuote(endpoint))
	for _, p := range params {
		b.WriteString(" \\\n  --data-urlencode " + singleQuote(p[0]+"="+p[1]))
	}
	b.WriteString("\n")
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%") == "" {
		return s
	}
	return singleQuote(s)
}

// singleQuote always quotes s in single quotes for a POSIX shell.
func singleQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
