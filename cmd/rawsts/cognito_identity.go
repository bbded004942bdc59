package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/cognitoidentity"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
)

// identityOptions are the flags of `rawsts cognito identity`.
type identityOptions struct {
	poolID, accountID string
	logins            stringList
	flow              string
	roleArn           string
	sessionName       string
	duration          int
	cognitoEndpoint   string
	region, endpoint  string
	trace             bool
	timeout           time.Duration
	printCurl         bool
	showSecrets       bool
	d                 deliveryOptions
}

func identityFlags(s *streams, o *identityOptions) *flag.FlagSet {
	fs := newFlagSet(s, "cognito")
	fs.StringVar(&o.poolID, "identity-pool-id", "", "")
	fs.StringVar(&o.accountID, "account-id", "", "")
	fs.Var(&o.logins, "login", "")
	fs.StringVar(&o.flow, "flow", "enhanced", "")
	fs.StringVar(&o.roleArn, "role-arn", "", "")
	fs.StringVar(&o.sessionName, "role-session-name", "", "")
	fs.IntVar(&o.duration, "duration-seconds", 0, "")
	fs.StringVar(&o.cognitoEndpoint, "cognito-endpoint", "", "")
	addSTSFlags(fs, &o.region, &o.endpoint, &o.trace, &o.timeout)
	addOutputFlags(fs, &o.d)
	fs.BoolVar(&o.printCurl, "print-curl", false, "")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "")
	return fs
}

// cognitoIdentity runs `rawsts cognito identity`: an identity pool's enhanced flow (GetId, then
// GetCredentialsForIdentity) or basic flow (GetId, GetOpenIdToken, then STS's
// AssumeRoleWithWebIdentity with --role-arn), with the credentials delivered as assume's are.
func cognitoIdentity(ctx context.Context, s *streams, args []string) int {
	const name = "cognito identity"
	var o identityOptions
	fs := identityFlags(s, &o)
	pos, code, ok := parseFlags(s, fs, "cognito", args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s (a login token goes in --login)", describeArg(pos[0]))
	}
	if err := o.d.check(s, fs); err != nil {
		return usageError(s, name, "%v", err)
	}
	if o.poolID == "" {
		return usageError(s, name, "--identity-pool-id is required (REGION:GUID, such as us-east-1:12345678-1234-1234-1234-123456789012)")
	}
	poolRegion, err := cognitoidentity.Region(o.poolID)
	if err != nil {
		return reportIdentityError(s, "", err)
	}
	switch o.flow {
	case "enhanced":
		if o.sessionName != "" || o.duration != 0 {
			return usageError(s, name, "--role-session-name and --duration-seconds go with --flow basic: in the enhanced flow Cognito names the session and chooses its length")
		}
	case "basic":
		if o.roleArn == "" {
			return usageError(s, name, "--flow basic needs --role-arn: the role the identity pool's token is exchanged for with STS")
		}
	default:
		return usageError(s, name, "--flow %s: want enhanced or basic", describeArg(o.flow))
	}
	logins, code := o.readLogins(s, name)
	if logins == nil {
		return code
	}
	// --cognito-endpoint, else --endpoint (the emulator serves Cognito and STS on one URL),
	// else the environment's.
	endpoint := o.cognitoEndpoint
	if endpoint == "" {
		endpoint = o.endpoint
	}
	if endpoint == "" {
		var err error
		if endpoint, err = cognitoidentity.EndpointFromEnv(s.getenv); err != nil {
			return usageError(s, name, "%s", plain(err))
		}
	}
	maxAttempts, err := envMaxAttempts(s)
	if err != nil {
		return usageError(s, name, "%v", err)
	}
	c := &cognitoidentity.Client{Region: o.region, Endpoint: endpoint, HTTPClient: s.httpClient(o.trace, o.timeout),
		MaxAttempts: maxAttempts, Now: s.now, UserAgent: "rawsts/" + buildVersion()}
	where, err := c.ResolveEndpoint(poolRegion)
	if err != nil {
		return reportIdentityError(s, "the endpoint", err)
	}
	stsRegion := o.region
	if stsRegion == "" && s.getenv("AWS_REGION") == "" && s.getenv("AWS_DEFAULT_REGION") == "" {
		stsRegion = poolRegion
	}
	client, code := newSTSClient(s, stsRegion, o.endpoint, o.trace, o.timeout)
	if client == nil {
		return code
	}
	flow := &cognitoidentity.FlowInput{IdentityPoolID: o.poolID, AccountID: o.accountID, Logins: logins}
	if o.flow == "enhanced" {
		flow.CustomRoleArn = o.roleArn
		if o.printCurl {
			fmt.Fprint(s.stdout, o.curl(where, "", logins))
			return exitOK
		}
		for _, v := range logins {
			o.d.maskToken(s, v)
		}
		out, err := c.EnhancedFlow(ctx, flow)
		if err != nil {
			code := reportIdentityError(s, where, err)
			var ae *cognitoidentity.APIError
			if errors.As(err, &ae) && ae.Type == "InvalidIdentityPoolConfigurationException" {
				errorf(s, "to see the role's refusal, run the basic flow with it: rawsts cognito identity --flow basic --identity-pool-id %s --role-arn ROLE_ARN --login …; STS then says why, and rawsts diagnose explains it", o.poolID)
			}
			return code
		}
		s.addSecrets(out.Credentials.SecretKey, out.Credentials.SessionToken)
		return o.d.deliver(ctx, s, client, identityResult(out), poolRegion)
	}

	// The basic flow: check the STS input before anything is sent, with a stand-in token.
	if o.sessionName == "" {
		o.sessionName = "rawsts-" + strconv.FormatInt(s.now().Unix(), 10)
	}
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: o.roleArn, RoleSessionName: o.sessionName, DurationSeconds: o.duration,
		WebIdentityToken: "stand-in.for-the.openid-token"}
	if err := in.Validate(); err != nil {
		return reportSTSError(s, nil, err)
	}
	if o.printCurl {
		ep, err := client.ResolveEndpoint()
		if err != nil {
			return reportSTSError(s, nil, err)
		}
		fmt.Fprint(s.stdout, o.curl(where, ep.URL, logins))
		return exitOK
	}
	for _, v := range logins {
		o.d.maskToken(s, v)
	}
	tok, err := c.BasicFlow(ctx, flow)
	if err != nil {
		return reportIdentityError(s, where, err)
	}
	s.addSecrets(tok.Token)
	o.d.maskToken(s, tok.Token)
	in.WebIdentityToken = tok.Token
	out, err := client.AssumeRoleWithWebIdentity(ctx, in)
	if err != nil {
		code := reportSTSError(s, client, err)
		o.diagnosePointer(s, tok.Token, err)
		return code
	}
	return o.d.deliver(ctx, s, client, assumeResult(out), client.Region)
}

// diagnosePointer says how to see why STS refused the identity pool's token: rawsts diagnose
// on its claims (iss, aud, sub, amr: no secret among them, unlike the token), which it prints.
func (o *identityOptions) diagnosePointer(s *streams, token string, err error) {
	var apiErr *sts.APIError
	tok, derr := jwtinspect.Decode(token)
	if !errors.As(err, &apiErr) || apiErr.Code != "AccessDenied" || derr != nil {
		return
	}
	claims := map[string]any{}
	for _, k := range []string{"iss", "aud", "sub", "amr"} {
		if v, ok := tok.RawClaims[k]; ok {
			claims[k] = v
		}
	}
	j, _ := json.Marshal(claims)
	parts := []string{"rawsts diagnose --claims -", "--role-arn", shellQuote(o.roleArn), "--session-name", shellQuote(o.sessionName)}
	if o.duration != 0 {
		parts = append(parts, "--duration-seconds", strconv.Itoa(o.duration))
	}
	parts = append(parts, "--error", singleQuote(apiErr.Code+": "+apiErr.Message), "--fetch")
	errorf(s, "to see why, run: echo %s | %s", singleQuote(string(j)), strings.Join(parts, " "))
	errorf(s, "(--fetch reads the role's trust policy from IAM with your AWS credentials; without them, save the trust policy as trust-policy.json and pass --trust-policy trust-policy.json instead of --fetch)")
}

// readLogins turns the --login flags into a Logins map: PROVIDER=TOKEN as given, or a token
// alone (- reads it from standard input, once) keyed by the provider name Cognito gives its
// issuer (cognitoidentity.ProviderName: the iss without https://). None is a guest's (an
// empty, non-nil map). It returns nil and an exit code after reporting a problem.
func (o *identityOptions) readLogins(s *streams, name string) (map[string]string, int) {
	logins := map[string]string{}
	stdinUsed := false
	for _, l := range o.logins {
		provider, token, ok := strings.Cut(l, "=")
		if !ok || provider == "" || strings.HasPrefix(provider, "eyJ") {
			provider, token = "", l // a token alone (a padded JWT's = is not a separator)
		}
		if token == "-" {
			if stdinUsed {
				return nil, usageError(s, name, "--login -: standard input holds one token; give the others as --login PROVIDER=TOKEN")
			}
			stdinUsed = true
			b, err := readFileOrStdin(s, "-", maxTokenFile)
			if err != nil {
				return nil, usageError(s, name, "--login -: reading the token: %v", err)
			}
			token = strings.TrimSpace(string(dropBOM(s, "the token on standard input", b)))
			if token == "" {
				return nil, usageError(s, name, "--login -: standard input holds no token (pipe in `rawsts cognito login …`)")
			}
		}
		token = strings.TrimSpace(token)
		s.addSecrets(token)
		if token == "" {
			return nil, usageError(s, name, "--login %s: the token is empty", describeArg(provider+"="))
		}
		if provider == "" {
			tok, err := jwtinspect.Decode(token)
			if err != nil || tok.Claims.Issuer == "" {
				return nil, usageError(s, name, "--login: a token of %d characters that is not a JWT with an iss claim, so its provider cannot be read from it; pass --login PROVIDER=TOKEN (graph.facebook.com=…, www.amazon.com=…)", len(token))
			}
			provider = cognitoidentity.ProviderName(tok.Claims.Issuer)
		}
		if _, dup := logins[provider]; dup {
			return nil, usageError(s, name, "--login: two tokens for %s; a Logins map has one per provider", describeArg(provider))
		}
		logins[provider] = token
	}
	return logins, exitOK
}

// curl renders the flow as curl commands, one per step, nothing sent: GetId, then
// GetCredentialsForIdentity (enhanced) or GetOpenIdToken and STS's AssumeRoleWithWebIdentity
// at stsURL (basic). Each step's input from the one before is a shell variable the reader
// sets. Tokens are placeholders unless --show-secrets.
func (o *identityOptions) curl(cognitoURL, stsURL string, logins map[string]string) string {
	shown := map[string]string{}
	for k, v := range logins {
		shown[k] = fmt.Sprintf("<token: %d chars>", len(v))
		if o.showSecrets {
			shown[k] = v
		}
	}
	body := func(members ...any) string {
		m := map[string]any{}
		for i := 0; i+1 < len(members); i += 2 {
			switch v := members[i+1].(type) {
			case string:
				if v != "" {
					m[members[i].(string)] = v
				}
			case map[string]string:
				if len(v) > 0 {
					m[members[i].(string)] = v
				}
			}
		}
		b, _ := marshalIndent(m, "")
		return strings.TrimSpace(string(b))
	}
	step := func(op, data string) string {
		// $IDENTITY_ID is left to the shell: out of the single quotes, in double ones.
		quoted := strings.ReplaceAll(singleQuote(data), `"$IDENTITY_ID"`, `"'"$IDENTITY_ID"'"`)
		return fmt.Sprintf("curl %s \\\n  -H 'Content-Type: application/x-amz-json-1.1' \\\n  -H 'X-Amz-Target: AWSCognitoIdentityService.%s' \\\n  --data %s\n",
			shellQuote(cognitoURL), op, quoted)
	}
	var b strings.Builder
	b.WriteString("# 1. GetId: the identity of the logins (unsigned)\n")
	b.WriteString(step("GetId", body("IdentityPoolId", o.poolID, "AccountId", o.accountID, "Logins", shown)))
	b.WriteString("# set IDENTITY_ID to the IdentityId it returns\n")
	if stsURL == "" {
		b.WriteString("# 2. GetCredentialsForIdentity: Cognito assumes the role and returns its credentials (unsigned)\n")
		b.WriteString(step("GetCredentialsForIdentity", body("IdentityId", "$IDENTITY_ID", "Logins", shown, "CustomRoleArn", o.roleArn)))
		return b.String()
	}
	b.WriteString("# 2. GetOpenIdToken: a token of https://cognito-identity.amazonaws.com for the identity (unsigned)\n")
	b.WriteString(step("GetOpenIdToken", body("IdentityId", "$IDENTITY_ID", "Logins", shown)))
	b.WriteString("# set OPENID_TOKEN to the Token it returns\n# 3. AssumeRoleWithWebIdentity with it (STS, unsigned)\n")
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: o.roleArn, RoleSessionName: o.sessionName, DurationSeconds: o.duration, WebIdentityToken: "$OPENID_TOKEN"}
	c := curlCommand(stsURL, in, true)
	return b.String() + strings.Replace(c, singleQuote("WebIdentityToken=$OPENID_TOKEN"), `"WebIdentityToken=$OPENID_TOKEN"`, 1)
}

// cliGetCredentialsForIdentityOutput mirrors `aws cognito-identity get-credentials-for-identity`
// output: the model's member order, Expiration as the AWS CLI prints timestamps.
type cliGetCredentialsForIdentityOutput struct {
	IdentityID  string `json:"IdentityId"`
	Credentials struct {
		AccessKeyID  string `json:"AccessKeyId"`
		SecretKey    string `json:"SecretKey"`
		SessionToken string `json:"SessionToken"`
		Expiration   string `json:"Expiration"`
	} `json:"Credentials"`
}

// identityResult is the enhanced flow's credentials as every output format takes them.
func identityResult(out *cognitoidentity.GetCredentialsForIdentityOutput) credentialResult {
	c := out.Credentials
	v := cliGetCredentialsForIdentityOutput{IdentityID: out.IdentityID}
	v.Credentials.AccessKeyID, v.Credentials.SecretKey, v.Credentials.SessionToken = c.AccessKeyID, c.SecretKey, c.SessionToken
	v.Credentials.Expiration = awsCLITime(c.Expiration)
	return credentialResult{creds: sts.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretKey, SessionToken: c.SessionToken, Expiration: c.Expiration}, awsCLI: v}
}

// identityFlagNames names the CLI flag of each cognitoidentity input field, for messages.
var identityFlagNames = map[string]string{
	"IdentityPoolID": "--identity-pool-id", "IdentityID": "the identity id", "AccountID": "--account-id",
	"Logins": "--login", "CustomRoleArn": "--role-arn", "Region": "--region", "Endpoint": "--endpoint (or --cognito-endpoint)",
}

// reportIdentityError prints a Cognito Identity failure for people and returns the exit code:
// 1 when Cognito said no, 2 when the input was refused locally, 3 for everything on the way.
func reportIdentityError(s *streams, where string, err error) int {
	var api *cognitoidentity.APIError
	var in *cognitoidentity.InvalidInputError
	var respErr *cognitoidentity.ResponseError
	onTheWay := transportProblem(err, "Cognito Identity", where, "--endpoint (--cognito-endpoint) and AWS_ENDPOINT_URL_COGNITO_IDENTITY")
	switch {
	case errors.Is(err, context.Canceled):
		errorf(s, "interrupted")
		return exitTransport
	case errors.As(err, &api):
		return refusedJSON(s, api.Type, api.Message, api.RequestID, api.StatusCode, api.Hint)
	case errors.As(err, &in):
		field := in.Field
		if f, ok := identityFlagNames[field]; ok {
			field = f
		}
		errorf(s, "%s (nothing was sent)", fieldProblem(field, in.Rule))
		return exitUsage
	case errors.As(err, &respErr):
		return badJSONReply(s, "Cognito Identity", where, respErr.StatusCode, respErr.Err, respErr.Snippet)
	case onTheWay != "":
		errorf(s, "%s", onTheWay)
		return exitTransport
	default:
		errorf(s, "%s", plain(err))
		return exitTransport
	}
}
