package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/ststest"
)

// Exit codes, as documented in doc.go and ARCHITECTURE.md.
const (
	exitOK        = 0 // success
	exitRefused   = 1 // the service or the check said no
	exitUsage     = 2 // usage or local validation error; nothing was sent
	exitTransport = 3 // nothing answered, TLS, timeout, a reply that is not the protocol
)

// streams is everything a command touches outside itself, so that tests run commands in-process
// with buffers, a fixed environment and a fixed clock.
type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	// transport, when set, replaces the network for every HTTP client the command builds
	// (tests install a replaying RoundTripper here).
	transport http.RoundTripper
	// stdinIsTerminal reports whether stdin is a terminal (for prompts without echo).
	stdinIsTerminal bool
	// onFlagSet, when set, is told of every FlagSet a command builds (tests check the help
	// text documents every flag).
	onFlagSet func(*flag.FlagSet)
	// onEmulator, when set, is given the server `rawsts emulator` started (tests change its
	// state at run time with it, as an admin API would).
	onEmulator func(*ststest.Server)
	// ca is AWS_CA_BUNDLE, else the profile's ca_bundle, read once (caRoots).
	ca caBundle
	// profile is the command's --profile, when given (parseFlags sets it): the profile whose
	// ca_bundle applies when AWS_CA_BUNDLE is not set.
	profile string
	// secrets holds every secret the command handled — the token, password, client secret,
	// refresh token and codes it read, the credentials it signs with, and what replies carried —
	// and what --trace learns from each request. run scrubs them from everything written to
	// stderr; see addSecrets.
	secrets *httpx.Secrets
	// userCacheDir returns the folder of the credential cache's files; nil means
	// os.UserCacheDir.
	userCacheDir func() (string, error)
	// environ returns the environment a child of `rawsts exec` starts from; nil means
	// os.Environ.
	environ func() []string
	// rawStderr is stderr before run wraps it in the secrets' scrubber: a child of
	// `rawsts exec` writes there directly.
	rawStderr io.Writer
}

// addSecrets records secrets the command handles, so that nothing written to stderr (an
// error, a trace) shows them, whatever a server echoed.
func (s *streams) addSecrets(values ...string) {
	s.secretSet().Add(values...)
}

func (s *streams) secretSet() *httpx.Secrets {
	if s.secrets == nil {
		s.secrets = &httpx.Secrets{}
	}
	return s.secrets
}

func newStreams(stdin *os.File, stdout, stderr io.Writer, getenv func(string) string) *streams {
	return &streams{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		// The libraries consult only the lookup they are given; for the real process, a missing
		// HOME falls back to the user's home directory, as the AWS CLI's does.
		getenv: func(k string) string {
			v := getenv(k)
			if v == "" && k == "HOME" {
				v, _ = os.UserHomeDir()
			}
			return v
		},
		now:             time.Now,
		stdinIsTerminal: isTerminal(stdin),
	}
}

// command is one subcommand: a row of the table in commands.go.
type command struct {
	name    string
	aliases []string
	summary string // one line for `rawsts help`
	run     func(ctx context.Context, s *streams, args []string) int
}

//go:embed help/*.txt
var helpFiles embed.FS

// helpText returns the long help of a command, written once in help/NAME.txt.
func helpText(name string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		return "rawsts " + name + ": no help written yet\n"
	}
	return string(b)
}

func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
		for _, a := range c.aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// run is the whole program: it dispatches args to a command and returns the exit code.
// Everything the command writes to stderr passes through a scrubber of the secrets it handled
// (defense in depth: the libraries scrub their errors, and the trace its lines, already).
func run(ctx context.Context, args []string, s *streams) int {
	s.rawStderr = s.stderr
	s.stderr = s.secretSet().Writer(s.stderr)
	if len(args) == 0 {
		io.WriteString(s.stderr, helpText("rawsts"))
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		return runHelp(s, args[1:])
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(s.stderr, "rawsts: unknown command %q; run 'rawsts help' for the list\n", args[0])
		return exitUsage
	}
	return c.run(ctx, s, args[1:])
}

func runHelp(s *streams, args []string) int {
	if len(args) == 0 {
		io.WriteString(s.stdout, helpText("rawsts"))
		fmt.Fprintln(s.stdout, "\nCommands:")
		cmds := commands()
		sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
		for _, c := range cmds {
			name := c.name
			if len(c.aliases) > 0 {
				name += " (" + strings.Join(c.aliases, ", ") + ")"
			}
			fmt.Fprintf(s.stdout, "  %-40s %s\n", name, c.summary)
		}
		fmt.Fprintln(s.stdout, "\nRun 'rawsts help COMMAND' for the details of one command.")
		return exitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(s.stderr, "rawsts: no help for %q: unknown command; run 'rawsts help'\n", args[0])
		return exitUsage
	}
	io.WriteString(s.stdout, helpText(c.name))
	return exitOK
}

// newFlagSet returns a FlagSet for a command that reports errors on stderr and prints the
// command's help file (not the flag package's listing) for -h.
func newFlagSet(s *streams, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("rawsts "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if s.onFlagSet != nil {
		s.onFlagSet(fs)
	}
	return fs
}

// parseFlags parses args with fs, allowing flags and positional arguments in any order
// (`rawsts inspect TOKEN --json` and `rawsts inspect --json TOKEN` both work); "--" ends the
// flags. A --timeout of zero or less is a usage error (checkTimeout). It returns the positional
// arguments, or an exit code when parsing ended the command: exitOK after printing help for -h,
// exitUsage after a usage error.
func parseFlags(s *streams, fs *flag.FlagSet, name string, args []string) ([]string, int, bool) {
	var positional []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(s.stdout, helpText(name))
			return nil, exitOK, false
		}
		if err != nil {
			return nil, usageError(s, name, "%s", flagProblem(fs, err)), false
		}
		rest := fs.Args()
		if len(rest) == 0 || (len(args) > len(rest) && args[len(args)-len(rest)-1] == "--") {
			if err := checkTimeout(fs); err != nil {
				return nil, usageError(s, name, "%v", err), false
			}
			if f := fs.Lookup("profile"); f != nil && flagGiven(fs, "profile") {
				s.profile = f.Value.String()
			}
			return append(positional, rest...), exitOK, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// flagErrorText matches the flag package's messages, to say them with the flag as it is typed.
var flagErrorText = regexp.MustCompile(`^(?:flag provided but not defined: -(\S+)|flag needs an argument: -(\S+)|invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-(\S+): (.*))$`)

// flagProblem rewords a flag parsing error: "unknown flag --role-arm", "--timeout needs a
// value", `--duration-seconds "abc" is not a whole number`. The text may hold what was typed;
// usageError prints it on one line.
func flagProblem(fs *flag.FlagSet, err error) string {
	m := flagErrorText.FindStringSubmatch(err.Error())
	switch {
	case m == nil:
		return err.Error()
	case m[1] != "":
		return "unknown flag --" + m[1]
	case m[2] != "":
		return "--" + m[2] + " needs a value"
	}
	value, name, why := m[3], m[4], m[5]
	if why == "parse error" || why == "value out of range" {
		why = "is not a valid value"
		if f := fs.Lookup(name); f != nil {
			if _, err := strconv.Atoi(f.DefValue); err == nil {
				why = "is not a whole number"
			} else if _, err := time.ParseDuration(f.DefValue); err == nil {
				why = "is not a duration such as 30s or 1m30s"
			} else if _, err := strconv.ParseBool(f.DefValue); err == nil {
				why = "is not true or false"
			}
		}
		return "--" + name + " " + value + " " + why
	}
	return "--" + name + " " + value + ": " + why
}

// usageError prints a usage problem the way every command does and returns exitUsage. The
// message is printed on one line (see errorf).
func usageError(s *streams, name, format string, a ...any) int {
	fmt.Fprintf(s.stderr, "rawsts: %s: %s\nrawsts: run 'rawsts help %s' for usage\n", name, textsafe.OneLine(fmt.Sprintf(format, a...)), name)
	return exitUsage
}

// errorf prints a "rawsts: " message on stderr, on one line: control characters in it (from a
// server's message, a header, a token's claim, a file name) are escaped as %q escapes them, so
// no text can colour the terminal or start a line of its own that looks like rawsts's.
func errorf(s *streams, format string, a ...any) {
	fmt.Fprintf(s.stderr, "rawsts: %s\n", textsafe.OneLine(fmt.Sprintf(format, a...)))
}

// httpClient builds the HTTP client a command uses — the one place the CLI makes one: the test
// transport when one is installed, else the network trusting AWS_CA_BUNDLE when it is set
// (networkTransport; a command checks the bundle first with checkCABundle), wrapped in the
// redacting tracer for --trace, else in learnSecrets. Either way every secret a
// request carries by name joins the command's set, which scrubs all of stderr. It never follows
// a redirect (httpx.Client), and every request ends after timeout (httpx.DefaultTimeout if
// timeout is not positive).
func (s *streams) httpClient(trace bool, timeout time.Duration) *http.Client {
	var rt http.RoundTripper = s.transport
	if rt == nil {
		rt = s.networkTransport()
	}
	if trace {
		rt = &httpx.TraceTransport{Base: rt, W: s.stderr, Secrets: s.secretSet()}
	} else {
		rt = learnSecrets{base: rt, secrets: s.secretSet()}
	}
	return httpx.Client(&http.Client{Transport: rt, Timeout: timeout})
}

// learnSecrets adds to secrets what each request carries by name — form fields, JSON keys, the
// session token and the signature — before sending it, as the tracer does. The libraries hide a
// request's secrets in their own errors; this also hides, on stderr, those the CLI never saw
// (SECRET_HASH, the SRP password claim, a signature, a Cognito session) when a server echoes
// them in the reply to a later request, or Go quotes them where the CLI reads a cause itself.
type learnSecrets struct {
	base    http.RoundTripper
	secrets *httpx.Secrets
}

func (l learnSecrets) RoundTrip(req *http.Request) (*http.Response, error) {
	l.secrets.AddHeader(req.Header)
	l.secrets.AddForm(req.URL.Query())
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			body, _ := io.ReadAll(io.LimitReader(rc, httpx.MaxBodySize))
			rc.Close()
			l.secrets.AddBody(req.Header.Get("Content-Type"), body)
		}
	}
	return l.base.RoundTrip(req)
}

// checkTimeout refuses a --timeout of zero or less, which would mean no timeout at all: a
// stalled server would then hold the command forever. Every command with a --timeout flag
// goes through it (parseFlags calls it), so a new one cannot forget.
func checkTimeout(fs *flag.FlagSet) error {
	f := fs.Lookup("timeout")
	if f == nil {
		return nil
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return nil
	}
	if d, ok := g.Get().(time.Duration); ok && d <= 0 {
		return fmt.Errorf("--timeout must be positive, e.g. 30s (not %s)", d)
	}
	return nil
}
