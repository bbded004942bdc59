package ststest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
)

// Server is a local STS, OpenID Connect issuer and Cognito user pool listening on a loopback
// address. Make one with [NewServer] (or [NewUnstartedServer] and [Server.Start]) and stop it
// with [Server.Close].
type Server struct {
	// URL is the base URL of the server, http://127.0.0.1:PORT (https:// after
	// [Server.StartTLS]) with no trailing slash. Point an sts.Client's Endpoint at it. It is
	// empty until the server starts.
	URL string

	// Issuer is the default OpenID Connect issuer, served under URL + "/oidc". Its URL is set
	// when the server starts. The user pools' and the extra issuers are found with
	// [Server.LookupIssuer].
	Issuer *Issuer

	ts      *httptest.Server
	now     func() time.Time
	sts     http.Handler // the STS protocol at "/": default emulator, test handler or replay
	replay  *replayer    // non-nil with WithFixtureFiles
	handler http.Handler // from WithHandler

	cfg      *Config         // from WithConfig; nil means DefaultConfig
	edits    []func(*Config) // from WithCognitoUser and the like, applied to cfg in order
	logf     func(Event)     // from WithEventLog
	listener net.Listener    // from WithListener
	log      *eventLog       // from WithLog
	onChange func()          // from WithOnChange
	certs    *certificates   // made by StartTLS
	keptCA   *authority      // the config's CertificateAuthority, for StartTLS to reuse
	client   *http.Client    // made at start, for Client
	issuers  *issuerRegistry
	svc      *services

	exchanges func(Exchange) // from WithExchanges

	// routes are the handlers of signed requests by the service of their credential scope
	// (sts, iam, ec2, s3 …) and of JSON requests by their X-Amz-Target prefix.
	routes  map[string]http.Handler
	targets map[string]http.Handler

	mu       sync.Mutex
	requests []RecordedRequest // a ring of at most requestsKept requests
	oldest   int               // the index of the oldest request in requests once it is full
}

// RecordedRequest is one request the server received, kept for assertions.
type RecordedRequest struct {
	// Method is the HTTP method.
	Method string
	// Target is the request-target, path and query, e.g. "/" or "/oidc/jwks".
	Target string
	// Header is a copy of the request headers; Host is in Header too.
	Header http.Header
	// Body is the request body (at most 1 MiB is read).
	Body []byte
	// Form is the parsed query and form body; for an STS call Form.Get("Action") names it.
	Form url.Values
}

// Option configures a [Server]. Options are made by the With functions of this package.
type Option func(*Server)

// WithConfig makes the server emulate cfg instead of [DefaultConfig]: its account, users,
// OIDC providers, roles, user pools, buckets, instances and issuers (and, from a
// [Server.Snapshot], its sessions and refresh tokens). Options that add to the configuration
// (WithCognitoUser, WithCognitoClientSecret) add to cfg, whatever their order. An invalid cfg
// makes the constructor panic with the [*ConfigError], as httptest panics when it cannot
// listen: check a config with [ParseConfig] or [Config.Validate] first.
func WithConfig(cfg Config) Option {
	return func(s *Server) { c := cfg.clone(); s.cfg = &c }
}

// WithHandler makes h answer every request that is not for an issuer, in place of the
// emulated STS and Cognito. The server still records the requests.
func WithHandler(h http.Handler) Option {
	return func(s *Server) { s.handler = h }
}

// WithFixtureFiles makes the server answer STS requests from recorded fixture files (the format
// of testdata/fixtures/sts). Each request is answered by the first unused recorded exchange
// whose request has the same Action, so a file of several exchanges (a retry) replays in order.
// A request no unused exchange matches gets an STS-shaped 400 ErrorResponse with Code
// InvalidAction naming the Action asked for. A file that cannot be read or parsed makes the
// constructor panic, as httptest does when it cannot listen.
func WithFixtureFiles(paths ...string) Option {
	return func(s *Server) {
		r, err := loadReplayer(paths)
		if err != nil {
			panic(err)
		}
		s.replay = r
	}
}

// WithListener makes the server serve on l instead of a new listener on 127.0.0.1 at a free
// port: a fixed address, for config files that name it (rawsts emulator --addr). The server's
// URL is http:// (https:// after StartTLS) and l's address, with 127.0.0.1 for an unspecified
// one (0.0.0.0, ::): the URL is the one this machine's clients use and the iss of its issuers'
// tokens. Close closes l.
func WithListener(l net.Listener) Option {
	return func(s *Server) { s.listener = l }
}

// WithNow sets the clock of the emulator (the times it checks tokens and signatures at,
// Expiration, Date) and of [Issuer.Mint]. The default is time.Now.
func WithNow(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// Event is one decision of the emulator, for a log such as `rawsts emulator --log`. It never
// holds a secret: no token, key, password or signature.
type Event struct {
	// Time is when the decision was made, by the server's clock.
	Time time.Time
	// Service is the protocol: "sts", "cognito-idp" …
	Service string
	// Action is the operation, e.g. "AssumeRoleWithWebIdentity".
	Action string
	// Resource is what the action is on, when there is one: "role/TestRole", a user pool, a
	// bucket, an issuer's URL.
	Resource string
	// Principal is who asked: a caller's ARN, or a token's issuer and subject.
	Principal string
	// Decision is "allow" or "deny".
	Decision string
	// Code is the error code of a refusal; Check the internal/diagnose check that failed
	// (token.signature, policy.condition …) when one did.
	Code, Check string
	// Detail says why, in one line.
	Detail string
	// Evidence and Fix are, for a refusal decided by an internal/diagnose check, that check's
	// evidence (the values it compared, one per line) and what to change, in the words
	// `rawsts diagnose` prints them; for a call refused by the caller's policies (Check
	// "permissions"), Evidence is the policy evaluator's explanation of each policy and
	// statement (trustpolicy.Authorization.String) and Fix is empty. The log line
	// ([Event.String]) leaves them out.
	Evidence []string
	Fix      string
}

// WithEventLog calls log with every decision the emulator makes, as it makes it (from the
// request's goroutine: log must be safe for concurrent use).
func WithEventLog(log func(Event)) Option {
	return func(s *Server) { s.logf = log }
}

// WithOnChange calls f after every change of the server's state that [Server.Snapshot] shows:
// a role, provider, user or pool added or changed (Server.AddRole, the admin APIs, a user
// choosing a new password), a refresh token or an STS session issued, a [Server.Restore]. f
// runs on the goroutine that made the change, after it, with no lock held; it should return
// at once (signal a goroutine that takes the Snapshot: rawsts emulator --state saves it so).
func WithOnChange(f func()) Option {
	return func(s *Server) { s.onChange = f }
}

// notify tells the WithLog scrubber and the WithOnChange function that the state changed.
func (s *Server) notify(configChanged bool) {
	if configChanged && s.log != nil {
		s.log.hold(s.svc.state.config())
	}
	if s.onChange != nil {
		s.onChange()
	}
}

// log reports an event of the request being handled to the WithEventLog function, if any,
// and to its Exchange (WithExchanges).
func (sv *services) log(e Event) {
	if sv.exchange != nil {
		sv.exchange.add(e)
	}
	sv.logOutside(e)
}

// logOutside reports an event made outside any request (what net/http says of a connection).
func (sv *services) logOutside(e Event) {
	if sv.logEvent != nil {
		sv.logEvent(e)
	}
}

// NewServer starts and returns a new Server on 127.0.0.1 at a free port, emulating
// [DefaultConfig] unless [WithConfig] says otherwise. The caller should call Close when
// finished, to shut it down.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a new Server that is not yet listening. Call [Server.Start] when
// ready. It panics if an option is invalid (an invalid config, unreadable fixture files).
func NewUnstartedServer(opts ...Option) *Server {
	s := &Server{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	cfg := DefaultConfig()
	if s.cfg != nil {
		cfg = *s.cfg
	}
	for _, e := range s.edits {
		e(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if s.log != nil {
		s.log.hold(cfg)
	}
	if cfg.CertificateAuthority != nil {
		s.keptCA, _ = parseCA(cfg.CertificateAuthority) // Validate read it
	}
	s.issuers = newIssuerRegistry(s.clock)
	s.issuers.useKeys(cfg.SigningKeys)
	s.Issuer = s.issuers.add(newIssuer(strings.TrimPrefix(issuerPath, "/"), kindGeneric, s.clock))
	s.issuers.cognitoIdentity()
	logf := s.logf
	if s.log != nil {
		logf = s.log.add(logf)
	}
	if logf == nil && s.exchanges != nil {
		logf = func(Event) {} // the handlers make their events only for a log
	}
	s.svc = &services{now: s.clock, state: newState(cfg, s.issuers), keys: &keyring{}, issuers: s.issuers, logEvent: logf,
		started: s.clock().UTC().Truncate(time.Second)}
	s.svc.verifier = s.Verifier()
	if s.exchanges != nil {
		s.svc.exchange = &exchangeState{}
	}
	s.svc.keys.restore(cfg.Sessions, s.svc.state.view().account, s.clock())
	s.svc.state.changed = s.notify
	s.svc.keys.issued = func() { s.notify(false) }
	switch {
	case s.handler != nil && s.replay != nil:
		panic("ststest: WithHandler and WithFixtureFiles cannot be used together")
	case s.handler != nil:
		s.sts = s.handler
	case s.replay != nil:
		s.replay.now = s.clock
		s.sts = s.replay
	default:
		s.sts = &emulator{s.svc}
	}
	s.routes = map[string]http.Handler{"sts": s.sts, "s3": &s3Emulator{s.svc}, "ec2": &ec2Emulator{s.svc}, "iam": &iamEmulator{services: s.svc, started: s.clock()}}
	s.targets = map[string]http.Handler{}
	if s.handler == nil {
		s.targets[cognitoTarget] = &cognitoEmulator{services: s.svc, started: s.clock(), srp: map[string]*srpSession{}, challenges: map[string]*passwordSession{}}
		s.targets[identityTarget] = &identityEmulator{s.svc}
	}
	s.ts = httptest.NewUnstartedServer(s.record(http.HandlerFunc(s.route)))
	if s.listener != nil {
		s.ts.Listener.Close()
		s.ts.Listener = s.listener
	}
	// A client that connects and then sends nothing, or sends its request slowly, must not hold
	// a long-running emulator's connections forever.
	s.ts.Config.ReadHeaderTimeout = ReadTimeout
	s.ts.Config.ReadTimeout = ReadTimeout
	s.ts.Config.IdleTimeout = IdleTimeout
	if logf != nil {
		// What net/http says of a connection (a TLS handshake a client broke off because it does
		// not trust the CA) goes to the log as an event, not to the standard logger.
		s.ts.Config.ErrorLog = log.New(serverErrors{s.svc}, "", 0)
	}
	return s
}

// serverErrors turns the lines of the http.Server's ErrorLog into events.
type serverErrors struct{ sv *services }

func (e serverErrors) Write(p []byte) (int, error) {
	msg := strings.TrimPrefix(strings.TrimSpace(string(p)), "http: ")
	ev := Event{Time: e.sv.now(), Service: "http", Action: "Serve", Decision: "deny", Detail: msg}
	if rest, ok := strings.CutPrefix(msg, "TLS handshake error from "); ok {
		ev.Action = "TLSHandshake"
		addr, why, _ := strings.Cut(rest, ": ")
		if host, _, err := net.SplitHostPort(addr); err == nil {
			ev.Principal = host
		}
		ev.Detail = why
		if strings.Contains(why, "bad certificate") || strings.Contains(why, "unknown certificate authority") {
			ev.Detail += " (the client does not trust the emulator's CA: give it AWS_CA_BUNDLE)"
		}
	}
	e.sv.logOutside(ev)
	return len(p), nil
}

// route sends a request to the protocol it speaks: a JSON request (X-Amz-Target) to the
// handler of its target's prefix (Cognito user pools); an unsigned request for an issuer's
// path to that issuer; a signed request to the handler of its credential scope's service; an
// unsigned Query call of EC2 or IAM (by its Version: 2016-11-15, 2010-05-08) to that service
// and an unsigned request that is no Query call (a GET without Action, …) to S3, which refuse
// them; anything else — the unsigned
// AssumeRoleWithWebIdentity, a request for a service nothing answers — to STS.
// With WithHandler, everything but the issuers goes to the handler.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if target := r.Header.Get("X-Amz-Target"); target != "" && s.handler == nil {
		for prefix, h := range s.targets {
			if strings.HasPrefix(target, prefix) {
				h.ServeHTTP(w, r)
				return
			}
		}
	}
	if isEKSAuthenticatePath(r.URL.Path) && s.handler == nil && signingService(r) == "" {
		s.serveEKSAuthenticate(w, r) // an EKS cluster's authenticator (ekscluster.go)
		return
	}
	if iss, ok := s.issuers.forPath(r.URL.Path); ok && signingService(r) == "" {
		iss.ServeHTTP(w, r)
		s.svc.logIssuerFetch(iss, r)
		return
	}
	if h, ok := s.routes[signingService(r)]; ok && s.handler == nil {
		h.ServeHTTP(w, r)
		return
	}
	// Unsigned calls of the other services, to be refused as those services refuse them.
	if s.handler == nil && s.replay == nil && signingService(r) == "" {
		switch v := queryVersion(r); {
		case v == ec2Version:
			s.routes["ec2"].ServeHTTP(w, r)
			return
		case v == iamVersion:
			s.routes["iam"].ServeHTTP(w, r)
			return
		case isS3Request(r):
			s.routes["s3"].ServeHTTP(w, r)
			return
		}
	}
	s.sts.ServeHTTP(w, r)
}

// clock returns the current time from the configured clock, so that options applied after
// construction of a sub-handler still take effect.
func (s *Server) clock() time.Time { return s.now() }

// Start starts a server from NewUnstartedServer and sets URL and the issuers' URLs.
func (s *Server) Start() {
	s.setURL("http")
	s.client = newClient(nil)
	s.ts.Start()
}

// StartTLS starts a server from NewUnstartedServer on HTTPS, as httptest's StartTLS does, with
// a certificate of its own: it makes a CA for this server alone (or takes the config's
// CertificateAuthority, kept by a [Server.Snapshot], while it has half a year of validity
// left) and a certificate it issues for localhost, 127.0.0.1 and ::1 (and the listener's address when [WithListener] gave one of
// the LAN; every address of the machine's interfaces for 0.0.0.0 or ::), both ECDSA P-256. URL and the issuers' URLs are then https://, so the tokens'
// iss is https://127.0.0.1:PORT/POOL_ID as a Cognito pool's is https:// — no plain-http
// exception applies. Clients must trust [Server.CACertificate]; [Server.Client] does. It
// panics if the certificates cannot be made (crypto/rand failing), as httptest panics when it
// cannot listen.
func (s *Server) StartTLS() {
	var extra []net.IP
	if a, ok := s.ts.Listener.Addr().(*net.TCPAddr); ok {
		extra = append(extra, a.IP)
		if a.IP.IsUnspecified() { // every address of the machine reaches it
			addrs, _ := net.InterfaceAddrs()
			for _, ad := range addrs {
				if n, ok := ad.(*net.IPNet); ok {
					extra = append(extra, n.IP)
				}
			}
		}
	}
	certs, err := newCertificates(s.clock(), extra, s.keptCA)
	if err != nil {
		panic(err)
	}
	s.certs = certs
	s.ts.TLS = &tls.Config{Certificates: []tls.Certificate{certs.leaf}, MinVersion: tls.VersionTLS12}
	pool := x509.NewCertPool()
	pool.AddCert(certs.ca)
	s.setURL("https")
	s.client = newClient(pool)
	s.ts.StartTLS()
}

// NewTLSServer starts and returns a new Server on HTTPS (see [Server.StartTLS]), as
// httptest.NewTLSServer does. [Server.Client] trusts its certificate; other clients trust
// [Server.CACertificate] (AWS_CA_BUNDLE for the AWS CLI and SDKs, and rawsts).
func NewTLSServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.StartTLS()
	return s
}

// setURL sets URL, and the issuers' and the state's URLs, before the server serves, so that
// handlers never race with it.
func (s *Server) setURL(scheme string) {
	addr := s.ts.Listener.Addr().String()
	if a, ok := s.ts.Listener.Addr().(*net.TCPAddr); ok && a.IP.IsUnspecified() {
		addr = net.JoinHostPort("127.0.0.1", fmt.Sprint(a.Port))
	}
	s.URL = scheme + "://" + addr
	s.issuers.start(s.URL)
	s.svc.state.setURL(s.URL)
}

// CACertificate returns the CA that issued the certificate of a server started with
// [Server.StartTLS] or [NewTLSServer] — the certificate a client must trust, the one rawsts
// emulator --tls writes for AWS_CA_BUNDLE — and nil for a plain-http server. Each server makes
// its own.
func (s *Server) CACertificate() *x509.Certificate {
	if s.certs == nil {
		return nil
	}
	return s.certs.ca
}

// Close shuts the server down and blocks until all outstanding requests have completed.
func (s *Server) Close() {
	s.issuers.close()
	s.ts.Close()
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
}

// Client returns an HTTP client for the server: it trusts the server's CA when the server
// speaks HTTPS, uses no proxy and never follows a redirect (AWS never sends one, and a client
// that followed it would carry a token or signed headers to another host). Close closes its
// idle connections. Before the server starts it returns nil.
func (s *Server) Client() *http.Client { return s.client }

// newClient returns a client for the server; roots, when not nil, are the CAs it trusts.
func newClient(roots *x509.CertPool) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: IdleTimeout}
	if roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// LookupIssuer returns the issuer named name: "oidc" for the default one (Server.Issuer), a
// user pool's id for the pool's, "cognito-identity" for the identity pools' (at
// [CognitoIdentityIssuer]), or the Name of one of the config's Issuers; ok is false for a name
// the server does not know.
func (s *Server) LookupIssuer(name string) (iss *Issuer, ok bool) {
	s.svc.state.view() // the view makes the issuers of pools and extra issuers added since
	return s.issuers.lookup(name)
}

// AddRole adds a role, or replaces the role of the same name (IAM role names ignore case),
// while the server runs. An invalid role is a [*ConfigError] and changes nothing.
func (s *Server) AddRole(r Role) error {
	return s.svc.state.update(func(c *Config) error {
		for i := range c.Roles {
			if strings.EqualFold(c.Roles[i].RoleName, r.RoleName) {
				c.Roles[i] = r
				return nil
			}
		}
		c.Roles = append(c.Roles, r)
		return nil
	})
}

// AddProvider adds an IAM OIDC provider, or replaces the one with the same Url, while the
// server runs. An invalid provider is a [*ConfigError] and changes nothing.
func (s *Server) AddProvider(p OIDCProvider) error {
	return s.svc.state.update(func(c *Config) error {
		for i := range c.OpenIDConnectProviders {
			if c.OpenIDConnectProviders[i].Url == p.Url {
				c.OpenIDConnectProviders[i] = p
				return nil
			}
		}
		c.OpenIDConnectProviders = append(c.OpenIDConnectProviders, p)
		return nil
	})
}

// AddIssuer adds an extra issuer while the server runs (see [IssuerConfig]) and returns it,
// ready to mint. An invalid one, or a name already taken, is a [*ConfigError].
func (s *Server) AddIssuer(ic IssuerConfig) (*Issuer, error) {
	err := s.svc.state.update(func(c *Config) error {
		c.Issuers = append(c.Issuers, ic)
		return nil
	})
	if err != nil {
		return nil, err
	}
	iss, _ := s.LookupIssuer(ic.Name)
	return iss, nil
}

// Snapshot returns the server's state as a Config: what it started with, what changed since
// (roles and providers added, passwords changed), the refresh tokens its user pools issued,
// the STS sessions it handed out and the keys its issuers sign with. [WithConfig] of a
// snapshot starts a server where this one stands: its sessions, refresh tokens and the tokens
// its issuers minted work there too (on another port only where they do not name the URL),
// and a TLS server's CA, so that a server started from it with StartTLS presents a certificate
// clients already trust. A snapshot holds secrets; write it only where the keys it holds may
// be.
func (s *Server) Snapshot() Config {
	c := s.svc.state.snapshot()
	c.Sessions = s.svc.keys.sessions()
	c.SigningKeys = s.issuers.signingKeys()
	switch {
	case s.certs != nil:
		c.CertificateAuthority = s.certs.authority.config()
	case s.keptCA != nil: // a plain-http run of a TLS server's state keeps its CA for the next
		c.CertificateAuthority = s.keptCA.config()
	}
	return c
}

// Restore replaces the server's whole state with c — a [Server.Snapshot], or any config — while
// it runs: IAM, user pools, refresh tokens and sessions. The issuers keep their keys (an
// issuer c no longer names stays served; c's SigningKeys are used only by issuers that have
// no key yet), and a TLS server its certificate (c's CertificateAuthority is not used). An
// invalid c is a [*ConfigError] and changes nothing.
func (s *Server) Restore(c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	s.svc.state.restore(c)
	s.issuers.useKeys(c.SigningKeys)
	s.svc.keys.reset()
	s.svc.keys.restore(c.Sessions, s.svc.state.view().account, s.clock())
	s.notify(true)
	return nil
}

// How long the server waits for a client: ReadTimeout for a whole request (headers and body)
// once a connection is open, IdleTimeout for the next request on a kept-alive connection.
const (
	ReadTimeout = 30 * time.Second
	IdleTimeout = 2 * time.Minute
)

// requestsKept is how many recorded requests [Server.Requests] keeps: a long-running
// emulator (rawsts emulator) must not hold every request body forever.
const requestsKept = 1000

// Requests returns copies of the requests the server has received, in arrival order: the last
// 1000 of them, since a server that runs long forgets older ones. The emulator's own fetches of
// its issuers' documents (in process) are not requests and are not recorded.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, 0, len(s.requests))
	out = append(out, s.requests[s.oldest:]...)
	return append(out, s.requests[:s.oldest]...)
}

// Unused returns the recorded exchanges of WithFixtureFiles that no request has used yet, as
// "CASE #N (Action)" strings; a test can require it to be empty at the end. Without fixture
// files it returns nil.
func (s *Server) Unused() []string {
	if s.replay == nil {
		return nil
	}
	return s.replay.unused()
}

// record wraps h so that every request is copied into s.requests before h sees it. The body is
// read through the same 1 MiB cap the clients use and then handed on.
func (s *Server) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize+1))
		r.Body.Close()
		if err != nil || len(body) > httpx.MaxBodySize {
			http.Error(w, "ststest: request body unreadable or over 1 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(r.URL.RawQuery)
		if isForm(r.Header.Get("Content-Type")) {
			if f, err := url.ParseQuery(string(body)); err == nil {
				for k, v := range f {
					form[k] = append(form[k], v...)
				}
			}
		}
		h2 := r.Header.Clone()
		h2.Set("Host", r.Host)
		rec := RecordedRequest{Method: r.Method, Target: r.URL.RequestURI(), Header: h2, Body: body, Form: form}
		if s.log != nil {
			s.log.received(rec)
			w = s.log.watch(w)
			defer s.log.issued(w)
		}
		s.mu.Lock()
		if len(s.requests) < requestsKept {
			s.requests = append(s.requests, rec)
		} else { // the ring is full: the newest replaces the oldest
			s.requests[s.oldest] = rec
			s.oldest = (s.oldest + 1) % requestsKept
		}
		s.mu.Unlock()
		if s.exchanges != nil {
			s.serveExchange(w, r, rec, h)
			return
		}
		h.ServeHTTP(w, r)
	})
}
