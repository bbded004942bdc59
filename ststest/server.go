package ststest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
)

// Server is a local STS and OpenID Connect issuer listening on a loopback address. Make one
// with [NewServer] (or [NewUnstartedServer] and [Server.Start]) and stop it with [Server.Close].
type Server struct {
	// URL is the base URL of the server, http://127.0.0.1:PORT with no trailing slash. Point an
	// sts.Client's Endpoint at it. It is empty until the server starts.
	URL string

	// Issuer is the OpenID Connect issuer served under URL + "/oidc". Its key exists from
	// construction; its URL is set when the server starts.
	Issuer *Issuer

	ts      *httptest.Server
	now     func() time.Time
	sts     http.Handler     // the STS protocol at "/": default emulator, test handler or replay
	replay  *replayer        // non-nil with WithFixtureFiles
	handler http.Handler     // from WithHandler
	cognito *cognitoEmulator // the emulated user pools (WithCognitoUser)

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

// WithHandler makes h answer every request that is not for the issuer (everything outside
// /oidc), in place of the emulated STS. The server still records the requests.
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

// WithNow sets the clock of the emulated STS (Expiration, Date) and of [Issuer.Mint]. The
// default is time.Now.
func WithNow(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// NewServer starts and returns a new Server on 127.0.0.1 at a free port. The caller should
// call Close when finished, to shut it down.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a new Server that is not yet listening. Call [Server.Start] when
// ready. It panics if the issuer key cannot be generated or an option is invalid.
func NewUnstartedServer(opts ...Option) *Server {
	s := &Server{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	switch {
	case s.handler != nil && s.replay != nil:
		panic("ststest: WithHandler and WithFixtureFiles cannot be used together")
	case s.handler != nil:
		s.sts = s.handler
	case s.replay != nil:
		s.replay.now = s.clock
		s.sts = s.replay
	default:
		s.sts = &emulator{now: s.clock}
	}
	iss, err := newIssuer(s.clock)
	if err != nil {
		panic(fmt.Sprintf("ststest: %v", err))
	}
	s.Issuer = iss
	mux := http.NewServeMux()
	mux.Handle("/oidc/", iss)
	if s.handler != nil {
		mux.Handle("/", s.sts)
	} else {
		// Cognito user pools share the root with STS; the X-Amz-Target header tells them apart.
		cog := s.cognitoPools()
		cog.now, cog.issuer = s.clock, iss
		mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.Header.Get("X-Amz-Target"), cognitoTarget) {
				cog.ServeHTTP(w, r)
				return
			}
			s.sts.ServeHTTP(w, r)
		}))
	}
	s.ts = httptest.NewUnstartedServer(s.record(mux))
	// A client that connects and then sends nothing, or sends its request slowly, must not hold
	// a long-running emulator's connections forever.
	s.ts.Config.ReadHeaderTimeout = ReadTimeout
	s.ts.Config.ReadTimeout = ReadTimeout
	s.ts.Config.IdleTimeout = IdleTimeout
	return s
}

// clock returns the current time from the configured clock, so that options applied after
// construction of a sub-handler still take effect.
func (s *Server) clock() time.Time { return s.now() }

// Start starts a server from NewUnstartedServer and sets URL and Issuer.URL.
func (s *Server) Start() {
	// The listener exists already; set the URLs before serving so handlers never race with it.
	s.URL = "http://" + s.ts.Listener.Addr().String()
	s.Issuer.URL = s.URL + issuerPath
	s.ts.Start()
}

// Close shuts the server down and blocks until all outstanding requests have completed.
func (s *Server) Close() { s.ts.Close() }

// Client returns an HTTP client for the server; it is a plain client, since the server speaks
// plain HTTP on loopback.
func (s *Server) Client() *http.Client { return s.ts.Client() }

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
// 1000 of them, since a server that runs long forgets older ones.
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
		s.mu.Lock()
		if len(s.requests) < requestsKept {
			s.requests = append(s.requests, rec)
		} else { // the ring is full: the newest replaces the oldest
			s.requests[s.oldest] = rec
			s.oldest = (s.oldest + 1) % requestsKept
		}
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}
