package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
)

var cmdDiagnose = &command{
	name:    "diagnose",
	summary: "say why STS refuses (or would refuse) a token for a role, locally, and how to fix it",
	run:     runDiagnose,
}

type diagnoseOptions struct {
	file, trustPolicy     string
	providers             stringList
	roleArn, sessionName  string
	duration              int
	errText, at           string
	verify, fetch, asJSON bool
	suggest               bool
	jwks                  string
	claimsFile            string
	cloudtrailFile        string
	eventID               string
	endpointIAM, profile  string
	trace                 bool
	timeout               time.Duration
}

func runDiagnose(ctx context.Context, s *streams, args []string) int {
	const name = "diagnose"
	var o diagnoseOptions
	fs := newFlagSet(s, name)
	fs.StringVar(&o.file, "file", "", "")
	fs.StringVar(&o.trustPolicy, "trust-policy", "", "")
	fs.Var(&o.providers, "provider", "")
	fs.StringVar(&o.roleArn, "role-arn", "", "")
	fs.StringVar(&o.sessionName, "session-name", "", "")
	fs.IntVar(&o.duration, "duration-seconds", 0, "")
	fs.StringVar(&o.errText, "error", "", "")
	fs.StringVar(&o.at, "at", "", "")
	fs.BoolVar(&o.verify, "verify", false, "")
	fs.StringVar(&o.jwks, "jwks", "", "")
	fs.BoolVar(&o.fetch, "fetch", false, "")
	fs.BoolVar(&o.asJSON, "json", false, "")
	fs.BoolVar(&o.suggest, "suggest", false, "")
	fs.StringVar(&o.claimsFile, "claims", "", "")
	fs.StringVar(&o.cloudtrailFile, "cloudtrail", "", "")
	fs.StringVar(&o.eventID, "event-id", "", "")
	fs.StringVar(&o.endpointIAM, "endpoint-iam", "", "")
	fs.StringVar(&o.profile, "profile", "", "")
	fs.BoolVar(&o.trace, "trace", false, "")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		return usageError(s, name, "unexpected argument %s (give the token once)", describeArg(pos[1]))
	}
	if len(pos) == 0 && o.file == "" && o.claimsFile == "" && o.cloudtrailFile == "" {
		if o.errText == "" {
			return usageError(s, name, "no token: pass TOKEN, --file FILE or - (standard input), --claims FILE or --cloudtrail FILE, and/or --error TEXT")
		}
		return printKnownError(s, o, explainKnown(o.errText))
	}
	src, code := readDiagnoseSource(s, name, pos, &o)
	if code != exitOK {
		return code
	}
	in := diagnose.Input{Token: src.token, Claims: src.claims, RoleARN: o.roleArn, SessionName: o.sessionName, DurationSeconds: o.duration, Verify: o.verify}
	if in.RoleARN == "" {
		in.RoleARN = s.getenv("AWS_ROLE_ARN")
	}
	in.At = s.now()
	if o.at != "" {
		t, err := time.Parse(time.RFC3339, o.at)
		if err != nil {
			return usageError(s, name, "--at %q is not an RFC 3339 time such as 2026-03-01T12:00:00Z", o.at)
		}
		in.At = t
	}
	if src.event != nil {
		applyEvent(&o, &in, src.event)
	}
	known := explainKnown(o.errText)
	if o.trustPolicy != "" {
		b, err := readFileOrStdin(s, o.trustPolicy, maxPolicyFile)
		if err != nil {
			return usageError(s, name, "--trust-policy: %v", err)
		}
		in.TrustPolicy = dropBOM(s, "--trust-policy "+displayPath(o.trustPolicy), b)
	}
	for _, f := range o.providers {
		if in.Providers == nil {
			in.Providers = []diagnose.Provider{} // an empty list given is "no providers", not "unknown"
		}
		b, err := readFileOrStdin(s, f, maxPolicyFile)
		if err != nil {
			return usageError(s, name, "--provider: %v", err)
		}
		ps, err := diagnose.ParseProvider(dropBOM(s, "--provider "+displayPath(f), b))
		if err != nil {
			return usageError(s, name, "--provider %s: %s", displayPath(f), plain(err))
		}
		in.Providers = append(in.Providers, ps...)
	}
	if o.fetch || (o.verify && o.jwks == "") {
		if code := s.checkCABundle(); code != exitOK {
			return code
		}
	}
	switch {
	case o.jwks != "":
		// The signature is checked with the keys given, and nothing is fetched (--verify
		// alongside means the same).
		set, code := readJWKS(s, name, o.jwks)
		if code != exitOK {
			return code
		}
		in.Verify, in.Verifier = true, keySetVerifier(set, o.jwks)
	case o.verify:
		in.Verifier = &jwtinspect.Verifier{HTTPClient: s.httpClient(o.trace, o.timeout), Now: s.now}
	}
	if o.fetch {
		if code := fetchFromIAM(ctx, s, &o, &in); code != exitOK {
			return code
		}
	}
	rep := diagnose.Run(ctx, in)
	var sug *diagnose.Suggestion
	if o.suggest {
		sug = diagnose.Suggest(ctx, in, rep, policyName(o.trustPolicy))
	}
	if o.asJSON {
		writeReportJSON(s.stdout, rep, known, o.errText != "", src.kind, sug)
	} else {
		writeReport(s.stdout, rep)
		if o.errText != "" {
			writeKnownError(s.stdout, known, rep)
		}
		if sug != nil {
			writeSuggestion(s.stdout, sug)
		}
	}
	if transportFailure(rep.VerifyErr) {
		// The issuer could not be reached from here (or redirected): the verdict is not STS's.
		errorf(s, "--verify could not fetch the issuer's documents: %s", verifyFetchProblem(rep.VerifyErr))
		return exitTransport
	}
	if rep.Verdict == diagnose.Allow {
		return exitOK
	}
	return exitRefused
}

// verifyFetchProblem says for people why --verify got no reply from the issuer (err is a
// transport failure of jwtinspect.Verifier.Verify). diagnose gives each fetch at most STS's
// own 5 seconds (its Verifier keeps jwtinspect.DefaultTimeout; --timeout, which bounds the
// requests of --fetch too, only ever shortens it): waiting longer would hide what STS meets.
func verifyFetchProblem(err error) string {
	step, _ := stepOf(err)
	var te *jwtinspect.TimeoutError
	var redirect *jwtinspect.RedirectError
	var urlErr *url.Error
	switch {
	case errors.As(err, &te) && te.Limit < jwtinspect.DefaultTimeout:
		return fmt.Sprintf("GET %s (the %s step) got no complete reply within %s, the --timeout given (STS itself waits about %s, and diagnose never longer)",
			te.URL, step, te.Limit, jwtinspect.DefaultTimeout)
	case errors.As(err, &te):
		return fmt.Sprintf("GET %s (the %s step) got no complete reply within %s. diagnose gives each fetch of --verify STS's own %s budget, and --timeout does not extend it: an issuer this slow makes STS fail with Couldn't retrieve verification key",
			te.URL, step, te.Limit, jwtinspect.DefaultTimeout)
	case errors.As(err, &redirect):
		return fmt.Sprintf("the %s step: %s", step, plain(redirect))
	}
	where := "the issuer"
	if errors.As(err, &urlErr) {
		where = urlErr.URL
	}
	if p := netProblem(err); p != "" {
		return fmt.Sprintf("cannot get a reply from %s (the %s step): %s", where, step, p)
	}
	return plain(err)
}

// diagnoseToken reads the token from the argument (- is standard input) or --file, unwrapping
// a CI service's JSON reply. Errors never quote the token.
func diagnoseToken(s *streams, name string, pos []string, file string) (string, int) {
	src := file
	switch {
	case len(pos) == 1 && file != "":
		return "", usageError(s, name, "give the token once: TOKEN, --file FILE or -")
	case len(pos) == 1 && pos[0] != "-":
		return unwrapToken(s, pos[0]), exitOK
	case len(pos) == 1:
		src = "-"
	}
	b, err := readFileOrStdin(s, src, maxTokenFile)
	if err != nil {
		return "", usageError(s, name, "reading the token: %v", err)
	}
	b = dropBOM(s, "the token in "+displayPath(src), b)
	if strings.TrimSpace(string(b)) == "" {
		return "", usageError(s, name, "the token in %s is empty", displayPath(src))
	}
	// Files end in a newline; STS gets the token without it (rawsts assume trims too).
	return unwrapToken(s, strings.TrimSpace(string(b))), exitOK
}

func unwrapToken(s *streams, raw string) string {
	if tok, member, ok := jwtinspect.Unwrap(raw); ok {
		errorf(s, "the input is a JSON reply; diagnosing the token in its %q member", member)
		return tok
	}
	return raw
}

var statusMark = map[diagnose.Status]string{
	diagnose.Pass: "ok", diagnose.Fail: "FAIL", diagnose.Warn: "warn", diagnose.Skip: "skip", diagnose.Unknown: "??",
	diagnose.Assumed: "ok*",
}

// writeReport prints the checklist, the verdict, and the fix of every failure. Details,
// evidence and fixes quote the token's claims and the documents given, so each is printed on
// its line with control characters escaped.
func writeReport(w io.Writer, rep *diagnose.Report) {
	for _, c := range rep.Checks {
		fmt.Fprintf(w, "%-4s  %-22s  %s\n", statusMark[c.Status], c.Name, textsafe.OneLine(c.Detail))
		if c.Assumption != "" {
			fmt.Fprintf(w, "%30s%s\n", "", textsafe.OneLine("assumed: "+c.Assumption))
		}
		if c.Status == diagnose.Fail || c.Status == diagnose.Unknown {
			for _, e := range c.Evidence {
				fmt.Fprintf(w, "%30s%s\n", "", textsafe.OneLine(e))
			}
		}
	}
	fmt.Fprintf(w, "\n%s\n", verdictLine(rep))
	var fixes []diagnose.Check
	for _, c := range rep.Checks {
		if c.Fix != "" && (c.Status == diagnose.Fail || c.Status == diagnose.Unknown) {
			fixes = append(fixes, c)
		}
	}
	if len(fixes) > 0 {
		fmt.Fprintln(w, "\nhow to fix:")
		for _, c := range fixes {
			fmt.Fprintf(w, "  %s: %s\n", c.Name, textsafe.OneLine(c.Fix))
		}
	}
}

// verdictLine is the report's last word: "verdict: deny (first failure: policy.condition)", or
// "verdict: allow as far as checked (not checked: …)" when the report is not complete.
func verdictLine(rep *diagnose.Report) string { return "verdict: " + rep.Line() }

// writeReportJSON prints --json: diagnose.Output, which the playground page shows too.
func writeReportJSON(w io.Writer, rep *diagnose.Report, known *diagnose.KnownError, withError bool, input diagnose.InputKind, sug *diagnose.Suggestion) {
	b, _ := json.MarshalIndent(diagnose.NewOutput(rep, input, known, withError, sug), "", "  ")
	fmt.Fprintf(w, "%s\n", b)
}

// printKnownError handles --error without a token.
func printKnownError(s *streams, o diagnoseOptions, known *diagnose.KnownError) int {
	if o.asJSON {
		b, _ := json.MarshalIndent(struct {
			Known *diagnose.KnownError `json:"known"`
		}{known}, "", "  ")
		fmt.Fprintf(s.stdout, "%s\n", b)
	} else {
		writeKnownError(s.stdout, known, nil)
	}
	if known == nil {
		return exitRefused
	}
	return exitOK
}

// writeKnownError explains an STS message; with a report, it shows the checks that explain it.
func writeKnownError(w io.Writer, e *diagnose.KnownError, rep *diagnose.Report) {
	if rep != nil {
		fmt.Fprintln(w)
	}
	if e == nil {
		fmt.Fprintln(w, "--error: this message is not in rawsts's catalogue of STS refusals; the checks above still apply.")
		return
	}
	code := e.Code
	if code == "" {
		code = "not an STS code"
	}
	fmt.Fprintf(w, "--error: %s (%s)\n", e.Message, code)
	fmt.Fprintf(w, "  stage: %s\n", e.Stage)
	fmt.Fprintln(w, "  usual causes:")
	for _, c := range e.Causes {
		fmt.Fprintf(w, "    - %s\n", c)
	}
	if len(e.Checks) > 0 {
		var parts []string
		failing := false
		for _, name := range e.Checks {
			st := ""
			if rep != nil {
				if c := rep.Check(name); c != nil {
					st = " (" + statusMark[c.Status] + ")"
					failing = failing || c.Status == diagnose.Fail
				}
			}
			parts = append(parts, name+st)
		}
		fmt.Fprintf(w, "  checks that explain it: %s\n", strings.Join(parts, ", "))
		if rep != nil && !failing {
			fmt.Fprintln(w, "  none of them fails here: the token, policy or providers given may not be the ones STS saw")
		}
	}
	fmt.Fprintf(w, "  next: %s\n", e.Next)
}

// diagnosePointer prints, after STS refused an assume, the diagnose command that explains it,
// with the flags assume knows (never the token).
func diagnosePointer(s *streams, o *assumeOptions, err error) {
	var apiErr *sts.APIError
	if !errors.As(err, &apiErr) {
		return
	}
	switch apiErr.Code {
	case "AccessDenied", "InvalidIdentityToken", "ExpiredTokenException":
	default:
		return
	}
	file := o.tokenFile
	if file == "" && o.token == "" {
		file = s.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	var saveToken string
	if file == "" || file == "-" {
		// A word the shell takes as it is, and the prose says what to put there.
		file, saveToken = "token.jwt", "save the token you sent as token.jwt, then "
	} else {
		file = shellQuote(file)
	}
	parts := []string{"rawsts diagnose", "--role-arn", shellQuote(o.roleArn), "--file", file}
	if o.sessionName != "" {
		parts = append(parts, "--session-name", shellQuote(o.sessionName))
	}
	if o.duration != 0 {
		parts = append(parts, "--duration-seconds", fmt.Sprint(o.duration))
	}
	parts = append(parts, "--error", singleQuote(apiErr.Code+": "+apiErr.Message), "--fetch")
	errorf(s, "to see why, %srun: %s", saveToken, strings.Join(parts, " "))
	errorf(s, "(--fetch reads the role's trust policy and the account's OIDC providers from IAM with your AWS credentials; without them, save the trust policy as trust-policy.json and pass --trust-policy trust-policy.json instead of --fetch)")
}
