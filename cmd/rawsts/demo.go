package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/internal/ui/flow"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

var cmdDemo = &command{
	name:    "demo",
	summary: "walk the whole flow offline against the emulator: Cognito login, STS, S3 allowed, EC2 refused, a wrong role diagnosed and fixed",
	run:     runDemo,
}

// demoOptions are the flags of `rawsts demo`.
type demoOptions struct {
	emulator string
	diagram  string
	step     bool
	timeout  time.Duration
}

// demoEnv are the export lines of `rawsts emulator` that the demo needs against a running one
// (--emulator), in the order the error names them. AWS_CA_BUNDLE is optional (a --tls emulator's CA).
var demoEnv = []string{"RAWSTS_POOL_ID", "RAWSTS_CLIENT_ID", "RAWSTS_USERNAME", "RAWSTS_PASSWORD", "RAWSTS_ROLE_ARN",
	"RAWSTS_ADMIN_ACCESS_KEY_ID", "RAWSTS_ADMIN_SECRET_ACCESS_KEY", "AWS_REGION"}

func runDemo(ctx context.Context, s *streams, args []string) (code int) {
	const name = "demo"
	var o demoOptions
	fs := newFlagSet(s, name)
	fs.StringVar(&o.emulator, "emulator", "", "")
	fs.BoolVar(&o.step, "step", false, "")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "")
	fs.StringVar(&o.diagram, "diagram", "", "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if o.diagram != "" && o.emulator != "" {
		return usageError(s, name, "--diagram draws the run in this process; with --emulator, the emulator's page draws it (rawsts emulator --ui, then \"save as SVG\")")
	}
	if o.diagram != "" {
		if fi, err := os.Stat(filepath.Dir(o.diagram)); err != nil || !fi.IsDir() {
			return usageError(s, name, "--diagram %s: its directory does not exist", o.diagram)
		}
	}
	d := &demoRun{s: s, timeout: o.timeout, env: map[string]string{}, files: map[string]string{}}
	if o.emulator != "" {
		if code := d.useRunning(o.emulator); code != exitOK {
			return code
		}
	} else {
		opts := []ststest.Option{ststest.WithNow(s.now), ststest.WithEventLog(func(ststest.Event) {})}
		if o.diagram != "" {
			rec := flow.NewRecorder()
			opts = append(opts, ststest.WithExchanges(rec.Record))
			// Written whatever the run's end, as far as it went; a file that cannot be written
			// is exit 2 when the run itself succeeded.
			defer func() {
				if err := writeFileAtomic(o.diagram, flow.Render(rec.Steps()), 0o644); err != nil {
					errorf(s, "cannot write --diagram %s: %s", o.diagram, writeProblem(o.diagram, err))
					if code == exitOK {
						code = exitUsage
					}
				}
			}()
		}
		srv := ststest.NewServer(opts...)
		defer srv.Close()
		d.useServer(srv)
	}
	s.addSecrets(d.env["RAWSTS_PASSWORD"], d.env["RAWSTS_ADMIN_SECRET_ACCESS_KEY"])
	dir, err := os.MkdirTemp("", "rawsts-demo-")
	if err != nil {
		errorf(s, "cannot make a temporary directory for the demo's token file: %s", writeProblem(os.TempDir(), err))
		return exitUsage
	}
	defer os.RemoveAll(dir)
	d.dir = dir

	pause := o.step && s.stdinIsTerminal
	if o.step && !pause {
		errorf(s, "--step pauses only when standard input is a terminal; running every step through")
	}
	in := bufio.NewReader(s.stdin)
	w := s.stdout
	fmt.Fprintf(w, "rawsts demo: the walkthrough, step by step, against %s.\n", d.where)
	fmt.Fprintf(w, "Each step shows the request as curl (secrets as <NAME: N chars>, keys as the variables\n"+
		"`rawsts emulator` exports), the answer, and what it means. Nothing leaves this machine.\n")
	steps := demoSteps()
	for i, st := range steps {
		fmt.Fprintf(w, "\n== %d. %s ==\n\n", i+1, st.title)
		d.rec.exchanges = nil
		res, err := st.run(d, ctx)
		if res.intro != "" {
			fmt.Fprintf(w, "%s\n", wrap(res.intro, "", 94))
		}
		if res.detail != "" {
			fmt.Fprintf(w, "%s\n", indent(res.detail, "  "))
		}
		if res.command != "" {
			fmt.Fprintf(w, "  $ %s\n\n", res.command)
		}
		for _, ex := range d.rec.exchanges {
			fmt.Fprintf(w, "request:\n%s", indent(ex.curl(d), "  "))
			if ex.status != 0 {
				fmt.Fprintf(w, "  -> HTTP %d %s\n", ex.status, http.StatusText(ex.status))
			}
			fmt.Fprintln(w)
		}
		if err != nil {
			errorf(s, "demo step %d (%s): %s", i+1, st.title, plain(err))
			var ue *demoUnexpected
			var stsErr *sts.APIError
			var cogErr *cognitoauth.APIError
			if errors.As(err, &ue) || errors.As(err, &stsErr) || errors.As(err, &cogErr) {
				return exitRefused // the emulator answered, not as the walkthrough expects
			}
			return exitTransport
		}
		if res.answer != "" {
			fmt.Fprintf(w, "answer:\n%s\n", indent(strings.TrimRight(res.answer, "\n")+"\n", "  "))
		}
		if res.meaning != "" {
			fmt.Fprint(w, wrap("what it means: "+res.meaning, "", 94))
		}
		if pause && i+1 < len(steps) {
			fmt.Fprintf(w, "\n[press Enter for step %d: %s]", i+2, steps[i+1].title)
			if _, err := in.ReadString('\n'); err != nil {
				fmt.Fprintln(w)
				return exitOK
			}
		}
	}
	fmt.Fprintf(w, "\nThat is the whole walkthrough: a Cognito login, its ID token exchanged with STS for a role's\n"+
		"credentials, the role's permissions at work (S3 read, no EC2), and a refusal explained and fixed.\n")
	return exitOK
}

// demoStep is one step of the walkthrough. The table demoSteps is the demo: a step's run makes
// its calls (calls names them, service and action, in order: what a sequence diagram of the run
// draws) and says what to print.
type demoStep struct {
	title string
	calls []string
	run   func(d *demoRun, ctx context.Context) (demoResult, error)
}

// demoResult is what a step prints around the requests it made: intro before them (and the
// equivalent command line; detail is printed as it is), the answer and its meaning after.
type demoResult struct {
	intro, detail, command, answer, meaning string
}

// demoUnexpected is an answer the walkthrough does not expect (a refusal where it allows, or the
// reverse): the demo stops with exit 1.
type demoUnexpected struct{ what string }

func (e *demoUnexpected) Error() string { return e.what }

// demoSteps is the walkthrough, in order (a function: its steps run commands, which the command
// table lists).
func demoSteps() []demoStep {
	return []demoStep{
		{"Log in to Cognito as the walkthrough does: AdminInitiateAuth, signed",
			[]string{"cognito-idp AdminInitiateAuth"}, (*demoRun).adminLogin},
		{"Log in as an app does: SRP, the password never sent",
			[]string{"cognito-idp InitiateAuth", "cognito-idp RespondToAuthChallenge"}, (*demoRun).srpLogin},
		{"Look inside the ID token",
			[]string{"oidc GetDiscovery", "oidc GetJWKS"}, (*demoRun).inspect},
		{"Exchange the ID token for AWS credentials: AssumeRoleWithWebIdentity",
			[]string{"sts AssumeRoleWithWebIdentity"}, (*demoRun).assume},
		{"Put the credentials in the environment",
			nil, (*demoRun).export},
		{"Who am I? GetCallerIdentity with the new credentials",
			[]string{"sts GetCallerIdentity"}, (*demoRun).whoami},
		{"EC2 DescribeInstances with the role's credentials",
			[]string{"ec2 DescribeInstances"}, (*demoRun).describeInstances},
		{"S3 ListBuckets with the same credentials",
			[]string{"s3 ListBuckets"}, (*demoRun).listBuckets},
		{"A second role, whose trust policy expects another audience",
			[]string{"iam CreateRole", "sts AssumeRoleWithWebIdentity"}, (*demoRun).wrongRole},
		{"Ask rawsts diagnose why",
			[]string{"oidc GetDiscovery", "oidc GetJWKS", "iam GetRole", "iam ListOpenIDConnectProviders", "iam GetOpenIDConnectProvider"}, (*demoRun).diagnose},
		{"Apply the suggested trust policy and assume the role again",
			[]string{"iam UpdateAssumeRolePolicy", "sts AssumeRoleWithWebIdentity"}, (*demoRun).fixRole},
	}
}

// demoRun is the state of one run of the walkthrough.
type demoRun struct {
	s       *streams
	timeout time.Duration
	dir     string            // the temporary directory of the token file
	files   map[string]string // what a curl shows as NAME@FILE: content → the file's name
	where   string            // the emulator, for the first line
	env     map[string]string // the emulator's export lines
	rec     *demoRecorder
	// learned along the way
	idToken, tokenFile string
	creds              sts.Credentials
	wrongRoleName      string
	wrongRoleArn       string
	fixedPolicy        string
}

// useServer takes the settings of an in-process emulator, as `rawsts emulator` exports them.
func (d *demoRun) useServer(srv *ststest.Server) {
	for _, v := range exportsOf(srv, srv.Snapshot(), nil, "").vars {
		d.env[v[0]] = v[1]
	}
	d.where = "a local emulator started in this process (rawsts emulator's default setup) at " + srv.URL
	d.rec = &demoRecorder{base: srv.Client().Transport}
}

// useRunning takes the settings of a running `rawsts emulator` from the environment: its export
// lines.
func (d *demoRun) useRunning(url string) int {
	var missing []string
	for _, k := range demoEnv {
		if d.env[k] = d.s.getenv(k); d.env[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return usageError(d.s, "demo", "--emulator %s: the environment lacks %s. They are the export lines `rawsts emulator` prints: "+
			"start it as `rawsts emulator > emulator.env &`, then `. ./emulator.env` before `rawsts demo --emulator URL`",
			url, strings.Join(missing, ", "))
	}
	if _, err := httpx.CheckEndpoint(url); err != nil {
		return usageError(d.s, "demo", "--emulator: %s", plain(err))
	}
	d.env["AWS_ENDPOINT_URL"] = strings.TrimRight(url, "/")
	d.env["AWS_CA_BUNDLE"] = d.s.getenv("AWS_CA_BUNDLE")
	d.where = "the running emulator at " + d.env["AWS_ENDPOINT_URL"]
	d.rec = &demoRecorder{}
	child := d.child(nil)
	if code := child.checkCABundle(); code != exitOK {
		return code
	}
	d.rec.base = child.networkTransport()
	return exitOK
}

// child returns the streams a step's command runs with: the emulator's settings as the whole
// environment (nothing of the host's: no profile, no keys), the demo's recorder as the network,
// output to out (nil: discarded).
func (d *demoRun) child(out io.Writer, env ...string) *streams {
	if out == nil {
		out = io.Discard
	}
	vars := map[string]string{}
	for k, v := range d.env {
		vars[k] = v
	}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	c := &streams{stdin: strings.NewReader(""), stdout: out, stderr: out, now: d.s.now, secrets: d.s.secretSet(),
		getenv: func(k string) string { return vars[k] }}
	if d.rec != nil && d.rec.base != nil {
		c.transport = d.rec
	}
	return c
}

func (d *demoRun) httpClient() *http.Client { return d.child(nil).httpClient(false, d.timeout) }

func (d *demoRun) endpoint() string { return d.env["AWS_ENDPOINT_URL"] }
func (d *demoRun) region() string   { return d.env["AWS_REGION"] }

func (d *demoRun) admin() *sigv4.Credentials {
	return &sigv4.Credentials{AccessKeyID: d.env["RAWSTS_ADMIN_ACCESS_KEY_ID"], SecretAccessKey: d.env["RAWSTS_ADMIN_SECRET_ACCESS_KEY"]}
}

func (d *demoRun) session() sigv4.Credentials {
	return sigv4.Credentials{AccessKeyID: d.creds.AccessKeyID, SecretAccessKey: d.creds.SecretAccessKey, SessionToken: d.creds.SessionToken}
}

func (d *demoRun) cognito(admin bool) *cognitoauth.Client {
	c := &cognitoauth.Client{UserPoolID: d.env["RAWSTS_POOL_ID"], ClientID: d.env["RAWSTS_CLIENT_ID"], Region: d.region(),
		Endpoint: d.endpoint(), HTTPClient: d.httpClient(), MaxAttempts: 1, Now: d.s.now, UserAgent: "rawsts/" + buildVersion() + " demo"}
	if admin {
		c.Credentials = d.admin()
	}
	return c
}

func (d *demoRun) sts() *sts.Client {
	return &sts.Client{Endpoint: d.endpoint(), Region: d.region(), HTTPClient: d.httpClient(), MaxAttempts: 1, Now: d.s.now,
		UserAgent: "rawsts/" + buildVersion() + " demo"}
}

// demoRecorder is the network of the demo: it sends through base and keeps each request, so that
// a step can show it as curl.
type demoRecorder struct {
	base      http.RoundTripper
	exchanges []*demoExchange
}

// demoExchange is one request the demo sent and the status of its answer (0: none came).
type demoExchange struct {
	method, url string
	header      http.Header
	body        []byte
	status      int
}

func (r *demoRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := &demoExchange{method: req.Method, url: req.URL.String(), header: req.Header.Clone()}
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			ex.body, _ = io.ReadAll(io.LimitReader(rc, httpx.MaxBodySize))
			rc.Close()
		}
	}
	r.exchanges = append(r.exchanges, ex)
	resp, err := r.base.RoundTrip(req)
	if resp != nil {
		ex.status = resp.StatusCode
	}
	return resp, err
}

// login logs the emulator's user in with flow (the admin flow signed with the admin's key).
func (d *demoRun) login(ctx context.Context, flow cognitoauth.Flow) (*cognitoauth.Tokens, error) {
	return d.cognito(flow == cognitoauth.FlowAdminPassword).Login(ctx, &cognitoauth.LoginInput{Flow: flow,
		Username: d.env["RAWSTS_USERNAME"], Password: d.env["RAWSTS_PASSWORD"]}, nil)
}

// loginCommand is the rawsts command line of a login, flags before the password.
func (d *demoRun) loginCommand(flags string) string {
	return "rawsts cognito login " + flags + "--pool-id " + d.env["RAWSTS_POOL_ID"] + " --client-id " + d.env["RAWSTS_CLIENT_ID"] +
		" --username " + shellQuote(d.env["RAWSTS_USERNAME"]) + " --password-stdin"
}

// tokenResult describes a login's tokens without printing them.
func tokenResult(t *cognitoauth.Tokens) string {
	return fmt.Sprintf("AuthenticationResult  IdToken (%d chars), AccessToken (%d chars), RefreshToken (%d chars),\n"+
		"                      ExpiresIn %d, TokenType %s", len(t.IdToken), len(t.AccessToken), len(t.RefreshToken), t.ExpiresIn, t.TokenType)
}

func (d *demoRun) adminLogin(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro: "The walkthrough starts with `aws cognito-idp admin-initiate-auth`: an admin call, signed with SigV4 by an " +
			"IAM user's key (here the emulator's admin, RAWSTS_ADMIN_ACCESS_KEY_ID), which sends the user's password " +
			"itself (ADMIN_USER_PASSWORD_AUTH).",
		command: d.loginCommand("--flow admin "),
	}
	t, err := d.login(ctx, cognitoauth.FlowAdminPassword)
	if err != nil {
		return r, err
	}
	r.answer = tokenResult(t)
	r.meaning = "Cognito checked the password and the admin's signature, and issued three tokens. The ID token " +
		"is the one STS takes; the access token is for Cognito's own APIs (STS refuses it: it has no aud)."
	return r, nil
}

func (d *demoRun) srpLogin(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro: "An app logs in without an admin key and without sending the password: USER_SRP_AUTH proves the " +
			"password in two round trips (SRP-6a), as the Amplify libraries and `rawsts cognito login` do.",
		command: d.loginCommand(""),
	}
	t, err := d.login(ctx, cognitoauth.FlowSRP)
	if err != nil {
		return r, err
	}
	d.idToken = t.IdToken
	d.tokenFile = filepath.Join(d.dir, "id-token.jwt")
	if err := os.WriteFile(d.tokenFile, []byte(t.IdToken), 0o600); err != nil {
		return r, fmt.Errorf("writing the ID token to %s: %w", d.tokenFile, err)
	}
	r.answer = tokenResult(t)
	r.meaning = "the same tokens, the password never on the wire: Cognito sent a challenge (PASSWORD_VERIFIER) and " +
		"the client answered with a signature only the password can make. The rest of the demo uses this ID token " +
		"(saved as id-token.jwt)."
	return r, nil
}

// cli runs a rawsts command in-process (its run function: the command table cannot be
// consulted from here), as the walkthrough types it, with the emulator's settings (and env) as
// its environment; it returns what the command printed and its exit code.
func (d *demoRun) cli(ctx context.Context, command func(context.Context, *streams, []string) int, args []string, env ...string) (string, int) {
	var out bytes.Buffer
	c := d.child(&out, env...)
	c.stderr = c.secretSet().Writer(c.stderr)
	code := command(ctx, c, args)
	return out.String(), code
}

func (d *demoRun) inspect(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro: "Before sending it to STS, look at the token as STS will read it, and check its signature against " +
			"the pool's keys (--verify fetches the issuer's discovery document and JWKS):",
		command: "rawsts inspect --verify --account " + arnAccount(d.env["RAWSTS_ROLE_ARN"]) + " --file id-token.jwt",
	}
	out, code := d.cli(ctx, runInspect, []string{"--verify", "--account", arnAccount(d.env["RAWSTS_ROLE_ARN"]), "--file", d.tokenFile})
	r.answer = out
	if code != exitOK {
		return r, &demoUnexpected{fmt.Sprintf("rawsts inspect --verify exited %d; the emulator's ID token should pass", code)}
	}
	r.meaning = "iss is the pool's issuer, aud the app client id, token_use id: what the role's trust policy " +
		"checks (aud). The signature verifies with the pool's published key."
	return r, nil
}

func (d *demoRun) assumeInput(roleArn string) *sts.AssumeRoleWithWebIdentityInput {
	return &sts.AssumeRoleWithWebIdentityInput{RoleArn: roleArn, RoleSessionName: "demo", WebIdentityToken: d.idToken}
}

func (d *demoRun) assume(ctx context.Context) (demoResult, error) {
	role := d.env["RAWSTS_ROLE_ARN"]
	r := demoResult{
		intro: "AssumeRoleWithWebIdentity is unsigned: the ID token is the credential. STS verifies its signature, " +
			"finds the account's IAM OIDC provider for its issuer, and evaluates the role's trust policy.",
		command: "rawsts assume --role-arn " + role + " --role-session-name demo --web-identity-token-file id-token.jwt",
	}
	out, err := d.sts().AssumeRoleWithWebIdentity(ctx, d.assumeInput(role))
	if err != nil {
		return r, err
	}
	d.creds = out.Credentials
	r.answer = fmt.Sprintf("AssumedRoleUser  %s\nAccessKeyId      %s\nSecretAccessKey  (%d chars)\nSessionToken     (%d chars)\nExpiration       %s",
		out.AssumedRoleUser.Arn, out.Credentials.AccessKeyID, len(out.Credentials.SecretAccessKey), len(out.Credentials.SessionToken),
		out.Credentials.Expiration.UTC().Format(time.RFC3339))
	r.meaning = "STS allowed it: temporary credentials of the role, for one hour."
	return r, nil
}

func (d *demoRun) export(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro:   "What `rawsts assume --output env` prints, for eval \"$(…)\": the shell's AWS calls then sign with the role's session.",
		command: "eval \"$(rawsts assume --role-arn " + d.env["RAWSTS_ROLE_ARN"] + " --role-session-name demo --web-identity-token-file id-token.jwt)\"",
	}
	text, err := formatCredentials("env", "", credentialResult{creds: d.creds, accountID: arnAccount(d.env["RAWSTS_ROLE_ARN"])})
	if err != nil {
		return r, err
	}
	r.answer = text
	r.meaning = "these are secrets: printing them is this step's job. They expire at " +
		d.creds.Expiration.UTC().Format(time.RFC3339) + "."
	return r, nil
}

// sessionEnv is the environment of a command run with the role's credentials.
func (d *demoRun) sessionEnv() []string {
	return []string{"AWS_ACCESS_KEY_ID", d.creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY", d.creds.SecretAccessKey,
		"AWS_SESSION_TOKEN", d.creds.SessionToken}
}

func (d *demoRun) whoami(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro:   "GetCallerIdentity needs no permission, only a valid signature: the way to check that credentials work.",
		command: "rawsts whoami --endpoint " + d.endpoint(),
	}
	out, code := d.cli(ctx, runWhoami, []string{"--endpoint", d.endpoint()}, d.sessionEnv()...)
	r.answer = out
	if code != exitOK {
		return r, &demoUnexpected{fmt.Sprintf("rawsts whoami exited %d with the role's credentials", code)}
	}
	r.meaning = "the caller is the role's session, assumed-role/ROLE/demo."
	return r, nil
}

// signedCall sends one request signed with the role's session for service, and returns the
// status and the body (at most httpx.MaxBodySize).
func (d *demoRun) signedCall(ctx context.Context, service, method, path, form string) (int, []byte, error) {
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.endpoint()+path, body)
	if err != nil {
		return 0, nil, err
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	req.Header.Set("User-Agent", "rawsts/"+buildVersion()+" demo")
	signer := &sigv4.Signer{}
	if _, err := signer.SignHTTP(req, d.session(), sigv4.HashPayload([]byte(form)), service, d.region(), d.s.now()); err != nil {
		return 0, nil, err
	}
	resp, b, err := httpx.Send(d.httpClient(), req)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// awsError is the error of an XML reply: EC2's <Response><Errors><Error> and S3's <Error>.
type awsError struct {
	Code    string `xml:"Errors>Error>Code"`
	Message string `xml:"Errors>Error>Message"`
	S3Code  string `xml:"Code"`
	S3Msg   string `xml:"Message"`
}

func parseAWSError(b []byte) (code, message string) {
	var e awsError
	xml.Unmarshal(b, &e)
	if e.Code == "" {
		return e.S3Code, e.S3Msg
	}
	return e.Code, e.Message
}

func (d *demoRun) describeInstances(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro:   "The walkthrough's step 4 tries the credentials on EC2 (EC2's Query protocol, signed for ec2):",
		command: "aws ec2 describe-instances --endpoint-url " + d.endpoint(),
	}
	status, body, err := d.signedCall(ctx, "ec2", http.MethodPost, "/", "Action=DescribeInstances&Version=2016-11-15")
	if err != nil {
		return r, err
	}
	code, msg := parseAWSError(body)
	if status != http.StatusForbidden || code != "UnauthorizedOperation" {
		return r, &demoUnexpected{fmt.Sprintf("EC2 answered HTTP %d %s; the walkthrough expects UnauthorizedOperation", status, code)}
	}
	r.answer = fmt.Sprintf("HTTP %d, the error %s:\n%s\n\nwhich the AWS CLI prints as (exit status 254):\nAn error occurred (%s) when calling the DescribeInstances operation: %s",
		status, code, oneLine(msg), code, oneLine(shortMessage(msg)))
	r.meaning = "expected: the role has only AmazonS3ReadOnlyAccess, which grants no ec2:DescribeInstances. " +
		"STS's credentials are fine; the role's permissions decide what they may do."
	return r, nil
}

// listAllMyBuckets is the part of S3's ListAllMyBucketsResult the demo prints.
type listAllMyBuckets struct {
	Buckets []struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
	} `xml:"Buckets>Bucket"`
}

func (d *demoRun) listBuckets(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro:   "The same credentials on S3 (a GET signed for s3):",
		command: "aws s3api list-buckets --endpoint-url " + d.endpoint(),
	}
	status, body, err := d.signedCall(ctx, "s3", http.MethodGet, "/", "")
	if err != nil {
		return r, err
	}
	if status != http.StatusOK {
		code, msg := parseAWSError(body)
		return r, &demoUnexpected{fmt.Sprintf("S3 answered HTTP %d %s: %s; the walkthrough expects the buckets", status, code, oneLine(msg))}
	}
	var l listAllMyBuckets
	if err := xml.Unmarshal(body, &l); err != nil {
		return r, fmt.Errorf("S3's reply is not a ListAllMyBucketsResult: %v", err)
	}
	var b strings.Builder
	b.WriteString("Buckets:")
	if len(l.Buckets) == 0 {
		b.WriteString(" none")
	}
	for _, bk := range l.Buckets {
		fmt.Fprintf(&b, "\n  %s  (created %s)", oneLine(bk.Name), oneLine(bk.CreationDate))
	}
	r.answer = b.String()
	r.meaning = "allowed: AmazonS3ReadOnlyAccess grants s3:ListAllMyBuckets. The walkthrough is done; what follows " +
		"is what happens when the trust policy is wrong."
	return r, nil
}

// shortMessage is the first sentence of an error message ("…" after it when there is more).
func shortMessage(msg string) string {
	if i := strings.Index(msg, ". "); i > 0 {
		return msg[:i+1] + " …"
	}
	return msg
}

// oneLine is server text for the demo's output: one line, control characters escaped.
func oneLine(s string) string { return textsafe.OneLine(s) }

// indent puts prefix before every line of text.
func indent(text, prefix string) string {
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		if l != "\n" {
			b.WriteString(prefix)
		}
		b.WriteString(l)
	}
	return b.String()
}
