package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/internal/ui"
	"github.com/rawsts/rawsts/internal/ui/flow"
	"github.com/rawsts/rawsts/ststest"
)

var cmdEmulator = &command{
	name:    "emulator",
	summary: "run the local STS, IAM account, OIDC issuers and Cognito user pool, for offline work and tools pointed at it",
	run:     runEmulator,
}

// emulatorOptions are the flags of `rawsts emulator`.
type emulatorOptions struct {
	addr, caOut, configFile, stateFile string
	tls, log, init, ui                 bool
	urlFile, tokenFile, sub, aud       string
	users                              stringList
}

func runEmulator(ctx context.Context, s *streams, args []string) int {
	const name = "emulator"
	var o emulatorOptions
	fs := newFlagSet(s, name)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "")
	fs.BoolVar(&o.tls, "tls", false, "")
	fs.StringVar(&o.caOut, "ca-out", "", "")
	fs.BoolVar(&o.log, "log", false, "")
	fs.BoolVar(&o.ui, "ui", false, "")
	fs.BoolVar(&o.init, "init", false, "")
	fs.StringVar(&o.configFile, "config", "", "")
	fs.StringVar(&o.stateFile, "state", "", "")
	fs.StringVar(&o.urlFile, "url-file", "", "")
	fs.StringVar(&o.tokenFile, "token-file", "", "")
	fs.StringVar(&o.sub, "sub", "repo:octo-org/octo-repo:ref:refs/heads/main", "")
	fs.StringVar(&o.aud, "aud", "sts.amazonaws.com", "")
	fs.Var(&o.users, "cognito-user", "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if o.init {
		others := 0
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "init" {
				others++
			}
		})
		if others > 0 || len(pos) > 1 {
			return usageError(s, name, "--init writes the example config and stops; give it at most a FILE, and no other flag")
		}
		return writeExampleConfig(s, pos)
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if o.caOut != "" && !o.tls {
		return usageError(s, name, "--ca-out goes with --tls (a plain-http emulator has no certificate)")
	}
	if o.stateFile != "" && o.configFile != "" && sameFile(o.stateFile, o.configFile) {
		return usageError(s, name, "--state and --config name the same file; the state file is rewritten as the emulator runs, so give it a file of its own")
	}

	cfg, code := emulatorConfig(s, &o)
	if code != exitOK {
		return code
	}
	opts := []ststest.Option{ststest.WithNow(s.now), ststest.WithConfig(cfg)}
	poolID, clientID := demoPoolID, demoClientID // made when the config has no pool
	if p, c := emulatorPool(cfg); p != nil {
		poolID, clientID = p.ID, c
	}
	for _, u := range o.users {
		user, password, ok := strings.Cut(u, ":")
		if !ok || user == "" || password == "" {
			return usageError(s, name, "--cognito-user wants USER:PASSWORD, not %s", describeArg(u))
		}
		s.addSecrets(password)
		opts = append(opts, ststest.WithCognitoUser(poolID, clientID, user, password,
			map[string]string{"email": user + "@example.com"}))
	}

	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usageError(s, name, "cannot listen on --addr %s: %s", o.addr, netProblem(err))
	}
	if a, ok := l.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
		errorf(s, "warning: --addr %s listens beyond this machine. The emulator is not a security boundary: it hands out "+
			"credentials, tokens and its admin key's access to anyone who can reach it. Use it on a network you trust.", o.addr)
		if !o.tls {
			errorf(s, "warning: without --tls its issuers are plain http off loopback, which AWS refuses and the emulator refuses "+
				"alike (provider.registered) for tokens whose iss is not on 127.0.0.1; add --tls")
		}
	}
	opts = append(opts, ststest.WithListener(l))
	if o.log {
		opts = append(opts, ststest.WithLog(s.stderr))
	} else {
		// Without --log, what net/http says of a connection (a client that broke off a TLS
		// handshake) is dropped too, instead of reaching standard error unscrubbed.
		opts = append(opts, ststest.WithEventLog(func(ststest.Event) {}))
	}
	var rec *flow.Recorder
	if o.ui {
		rec = flow.NewRecorder()
		opts = append(opts, ststest.WithExchanges(rec.Record))
	}
	var saver *stateSaver
	if o.stateFile != "" {
		saver = newStateSaver(s, o.stateFile)
		if b, err := bounded.ReadFile(o.stateFile, ststest.MaxConfigSize); err == nil {
			saver.last = b // what the file holds: an unchanged state is not written again
		}
		opts = append(opts, ststest.WithOnChange(saver.changed))
	}
	srv, err := newEmulatorServer(opts)
	if err != nil {
		l.Close()
		var ce *ststest.ConfigError
		if errors.As(err, &ce) {
			errorf(s, "the emulator's config does not hold with --cognito-user: %s", strings.TrimPrefix(ce.Error(), "ststest: config: "))
		} else {
			errorf(s, "%v", err)
		}
		return exitUsage
	}
	if o.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	if s.onEmulator != nil {
		s.onEmulator(srv)
	}
	snap := srv.Snapshot()
	addConfigSecrets(s, snap)
	var page *emulatorPage
	if rec != nil {
		rec.Hold(configSecrets(snap)...)
		var code int
		if page, code = startPage(ctx, s, rec); code != exitOK {
			srv.Close()
			return code
		}
		defer page.stop()
	}
	if saver != nil {
		saver.start(srv)
		defer saver.stop()
	}
	defer srv.Close() // before the saver's last save (defers run last first)

	caFile, cleanup, code := writeCA(s, srv, o.caOut)
	if code != exitOK {
		return code
	}
	defer cleanup()
	if o.tokenFile != "" {
		token, err := srv.Issuer.Mint(map[string]any{"sub": o.sub, "aud": o.aud})
		if err != nil {
			errorf(s, "minting the demo token: %v", err)
			return exitTransport
		}
		// No newline after the token: the AWS SDKs send a web identity token file's bytes as
		// they are.
		if err := writeFileAtomic(o.tokenFile, []byte(token), 0o600); err != nil {
			errorf(s, "cannot write --token-file %s: %s", o.tokenFile, writeProblem(o.tokenFile, err))
			return exitUsage
		}
	}
	if saver != nil {
		saver.changed() // a first save: the keys made at start are kept even if the process is killed
	}
	ex := exportsOf(srv, snap, o.users, caFile)
	if page != nil {
		ex.vars = append(ex.vars, [2]string{"RAWSTS_UI_URL", page.srv.URL()})
		ex.page = page.addr
	}
	s.stdout.Write([]byte(ex.text())) // one Write: a reader of a file sees all of it or nothing
	writeBanner(s, srv, &o, ex, caFile)
	// The URL file is written last: a script waiting for it may use everything else at once.
	if o.urlFile != "" {
		if err := writeFileAtomic(o.urlFile, []byte(srv.URL+"\n"), 0o644); err != nil {
			errorf(s, "cannot write --url-file %s: %s", o.urlFile, writeProblem(o.urlFile, err))
			return exitUsage
		}
	}
	<-ctx.Done()
	return exitOK
}

// emulatorConfig returns the config the emulator starts from: the --state file when it exists
// (where the last run stopped), else --config, else the walkthrough's default. A file that
// cannot be read or used is an error naming it (exit 2): a state file is never discarded
// silently.
func emulatorConfig(s *streams, o *emulatorOptions) (ststest.Config, int) {
	if o.stateFile != "" {
		cfg, err := ststest.LoadConfig(o.stateFile)
		switch {
		case err == nil:
			if o.configFile != "" {
				errorf(s, "starting from the state in %s, where the last run stopped; --config %s is read only when the state file does not exist yet", o.stateFile, o.configFile)
			}
			return cfg, exitOK
		case !errors.Is(err, fs.ErrNotExist):
			errorf(s, "cannot use --state %s: %s. Fix it, or move it away to start afresh (the emulator never discards a state file).", o.stateFile, configProblem(err))
			return ststest.Config{}, exitUsage
		}
	}
	if o.configFile != "" {
		cfg, err := ststest.LoadConfig(o.configFile)
		if err != nil {
			errorf(s, "cannot use --config %s: %s (rawsts emulator --init FILE writes a commented example)", o.configFile, configProblem(err))
			return ststest.Config{}, exitUsage
		}
		return cfg, exitOK
	}
	return ststest.DefaultConfig(), exitOK
}

// configProblem says what is wrong with a config file: the element and the fix for a
// *ststest.ConfigError, the reason for a file that cannot be read.
func configProblem(err error) string {
	var ce *ststest.ConfigError
	var pe *fs.PathError
	switch {
	case errors.As(err, &ce):
		if ce.Path != "" {
			return ce.Path + ": " + ce.Problem
		}
		return ce.Problem
	case errors.As(err, &pe):
		if errors.Is(err, fs.ErrNotExist) {
			return "no such file"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// newEmulatorServer makes the server, turning the panic of an invalid config (ststest panics
// as httptest does) into an error: --cognito-user edits the config after it was checked.
func newEmulatorServer(opts []ststest.Option) (srv *ststest.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	return ststest.NewUnstartedServer(opts...), nil
}

// addConfigSecrets keeps the secrets of the emulator's state off standard error: the users'
// secret keys, passwords and client secrets. Standard output (the export lines) prints the
// first user's; stderr (the banner, the log) never does.
func addConfigSecrets(s *streams, c ststest.Config) {
	s.addSecrets(configSecrets(c)...)
}

// configSecrets returns the secrets of the emulator's state: the users' secret keys, the
// pools' client secrets and users' passwords.
func configSecrets(c ststest.Config) []string {
	var out []string
	for _, u := range c.Users {
		for _, k := range u.AccessKeys {
			out = append(out, k.SecretAccessKey)
		}
	}
	for _, p := range c.UserPools {
		for _, cl := range p.Clients {
			out = append(out, cl.ClientSecret)
		}
		for _, u := range p.Users {
			out = append(out, u.Password)
		}
	}
	return out
}

// emulatorPage is the page of --ui: the live view of the emulator's requests and the
// playground, on a loopback port of its own.
type emulatorPage struct {
	srv  *ui.Server
	addr string
	done chan struct{}
	stop func()
}

// startPage serves internal/ui's page with rec's live view on a free loopback port, until ctx
// ends or stop is called. The page's session key is kept off standard error.
func startPage(ctx context.Context, s *streams, rec *flow.Recorder) (*emulatorPage, int) {
	ln, err := ui.Listen("127.0.0.1:0")
	if err != nil {
		errorf(s, "--ui: cannot listen on loopback for the page: %s", netProblem(err))
		return nil, exitTransport
	}
	srv, err := ui.New(ui.Options{Addr: ln.Addr().String(), Now: s.now, Sections: []ui.Section{rec.Section()}, Log: s.stderr})
	if err != nil {
		ln.Close()
		errorf(s, "--ui: %s", plain(err))
		return nil, exitTransport
	}
	s.addSecrets(srv.Key())
	pctx, cancel := context.WithCancel(ctx)
	p := &emulatorPage{srv: srv, addr: ln.Addr().String(), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		if err := srv.Serve(pctx, ln); err != nil {
			errorf(s, "--ui: serving the page: %s", plain(err))
		}
	}()
	p.stop = func() {
		cancel()
		<-p.done
	}
	return p, exitOK
}

// writeCA writes the CA of a TLS emulator as PEM to path, or to a new temporary directory when
// path is empty (removed by cleanup). It returns the file's path ("" without --tls).
func writeCA(s *streams, srv *ststest.Server, path string) (file string, cleanup func(), code int) {
	cleanup = func() {}
	ca := srv.CACertificate()
	if ca == nil {
		return "", cleanup, exitOK
	}
	if path == "" {
		dir, err := os.MkdirTemp("", "rawsts-emulator-")
		if err != nil {
			errorf(s, "cannot make a temporary directory for the CA certificate: %s (pass --ca-out FILE)", writeProblem(os.TempDir(), err))
			return "", cleanup, exitUsage
		}
		path, cleanup = filepath.Join(dir, "ca.pem"), func() { os.RemoveAll(dir) }
	}
	if err := writeFileAtomic(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), 0o644); err != nil {
		errorf(s, "cannot write --ca-out %s: %s", path, writeProblem(path, err))
		cleanup()
		return "", func() {}, exitUsage
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs // the export must work from another directory
	}
	return path, cleanup, exitOK
}

// The emulated Cognito user pool of ststest.DefaultConfig: ids in the shape of AWS's
// documentation examples, and its demo user.
const (
	demoPoolID          = ststest.DefaultPoolID
	demoClientID        = ststest.DefaultClientID
	demoCognitoUser     = ststest.DefaultUsername
	demoCognitoPassword = ststest.DefaultPassword
)

// sameFile reports whether two paths name the same file (or, when neither exists, the same
// path).
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	aa, _ := filepath.Abs(a)
	ab, _ := filepath.Abs(b)
	return aa == ab
}

// writeFileAtomic writes data to a temporary file beside path and renames it into place, so
// that a reader never sees half a file. It does not wait for the disk: it is for the files that
// matter only while the emulator runs (the URL, the token, the CA), which a script waits for;
// the state file goes through safefile.WriteAtomic, which does.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
