package ststest

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
)

// Exchange is one request the server handled and its answer, as they were on the wire, with
// the decisions ([Event]) the emulator made while handling it — what a live view of the
// emulator (rawsts emulator --ui) draws as one arrow. Unlike an Event it holds secrets: the
// request's token, signature or password and the credentials or tokens the answer issued, as
// they were sent. Redact it before showing it (internal/httpx's rules) and keep it in memory.
type Exchange struct {
	// Seq numbers the exchanges from 1, in the order the server handled them.
	Seq uint64
	// Time is when the server began handling the request, by its clock.
	Time time.Time
	// Request is the request as received (its body capped at 1 MiB, as [Server.Requests]).
	Request RecordedRequest
	// Status, Header and Body are the answer: its status code, its headers and its body, the
	// body cut at 1 MiB (BodyCut then says so).
	Status  int
	Header  http.Header
	Body    []byte
	BodyCut bool
	// Events are the decisions made for the request, in order; none for a call that decides
	// nothing (an issuer's JWKS fetch is one event, a Cognito call that is not a sign-in is
	// none).
	Events []Event
}

// WithExchanges calls f with every request the server handles, once its answer is known and
// before the client gets it: the request, the answer and the decisions made (see [Exchange]).
// To tell which decisions belong to which request, the server then handles one request at a
// time (reading a request and sending an answer still overlap; the answer is buffered while it
// is made), so it suits an emulator people watch, not a load test. f runs with the server's
// handling paused and must return at once (copy what it keeps). Decisions made outside any
// request (a TLS handshake a client broke off) reach WithEventLog and WithLog only.
func WithExchanges(f func(Exchange)) Option {
	return func(s *Server) { s.exchanges = f }
}

// exchanges serialises the handling of requests for WithExchanges and collects the events of
// the request being handled.
type exchangeState struct {
	handling sync.Mutex // held while one request is handled
	seq      uint64

	mu      sync.Mutex
	events  []Event
	collect bool
}

// add keeps e when a request is being handled; it reports whether it did.
func (x *exchangeState) add(e Event) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.collect {
		x.events = append(x.events, e)
	}
}

func (x *exchangeState) start() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.collect, x.events = true, nil
}

func (x *exchangeState) stop() []Event {
	x.mu.Lock()
	defer x.mu.Unlock()
	ev := x.events
	x.collect, x.events = false, nil
	return ev
}

// serveExchange handles one request for WithExchanges: h answers it into a buffer while no
// other request is handled, f gets the exchange, and then the answer is sent.
func (s *Server) serveExchange(w http.ResponseWriter, r *http.Request, rec RecordedRequest, h http.Handler) {
	buf := &bufferedWriter{header: http.Header{}}
	x := s.svc.exchange
	x.handling.Lock()
	start := s.clock()
	x.start()
	h.ServeHTTP(buf, r)
	events := x.stop()
	x.seq++
	ex := Exchange{Seq: x.seq, Time: start, Request: rec, Status: buf.statusCode(), Header: buf.header.Clone(), Events: events}
	body := buf.body.Bytes()
	ex.Body, ex.BodyCut = bytes.Clone(body[:min(len(body), httpx.MaxBodySize)]), len(body) > httpx.MaxBodySize
	s.exchanges(ex)
	x.handling.Unlock()

	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.WriteHeader(buf.statusCode())
	w.Write(body)
}

// bufferedWriter is an http.ResponseWriter that keeps the whole answer in memory.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedWriter) statusCode() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}
