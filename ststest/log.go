package ststest

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
)

// WithLog writes one line to w for every decision the emulator makes, as it makes it — the
// request log of `rawsts emulator --log`:
//
//	TIME SERVICE ACTION RESOURCE principal=PRINCIPAL ALLOW [DETAIL]
//	TIME SERVICE ACTION RESOURCE principal=PRINCIPAL DENY CODE [CHECK]: DETAIL
//
// for instance
//
//	15:04:05 sts AssumeRoleWithWebIdentity role/TestRole principal="http://127.0.0.1:4566/us-east-1_EXAMPLE sub e71213d4…" ALLOW session arn:aws:sts::123456789012:assumed-role/TestRole/demo
//	15:04:09 sts AssumeRoleWithWebIdentity role/TestRole principal="http://127.0.0.1:4566/oidc sub demo-user" DENY AccessDenied policy.condition: …
//
// TIME is the event's time as HH:MM:SS in the local time zone; a RESOURCE or PRINCIPAL that is
// not known is "-"; a PRINCIPAL with spaces or quotes is quoted as Go quotes strings; CHECK is
// the internal/diagnose check that failed (token.signature, policy.condition …). The line is
// [Event.String]'s. Every line is scrubbed before it is written: the secrets the server holds
// (the IAM users' secret keys, the pool users' passwords, client secrets, refresh tokens) and
// those it received or issued lately (passwords, signatures, session credentials, refresh
// tokens: the last 128 to 256 values, in every encoding a server may echo) are replaced by
// <redacted N chars>,
// and anything shaped like a JWT is too. Events carry no secret by design; the scrub is the
// second line of defence. Each line is one Write. w must be safe for concurrent use when the
// server serves several requests at once (an *os.File is).
func WithLog(w io.Writer) Option {
	return func(s *Server) { s.log = &eventLog{w: w, recent: [2]*httpx.Secrets{{}, {}}} }
}

// String returns the event as one line of [WithLog], without the newline and without the
// scrub; control characters are escaped.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(e.Time.Local().Format("15:04:05"))
	for _, f := range []string{e.Service, e.Action, e.Resource} {
		b.WriteByte(' ')
		b.WriteString(word(f))
	}
	b.WriteString(" principal=")
	b.WriteString(word(e.Principal))
	b.WriteByte(' ')
	b.WriteString(strings.ToUpper(word(e.Decision)))
	tail := e.Code
	if e.Check != "" {
		tail = strings.TrimSpace(tail + " " + e.Check)
	}
	if e.Detail != "" && tail != "" {
		tail += ":"
	}
	if d := strings.TrimSpace(tail + " " + e.Detail); d != "" {
		b.WriteByte(' ')
		b.WriteString(textsafe.OneLine(d))
	}
	return b.String()
}

// word is a field of a log line: "-" when empty, quoted when it has spaces or quotes, its
// control characters escaped.
func word(s string) string {
	switch {
	case s == "":
		return "-"
	case strings.ContainsAny(s, " \t\"") || !textsafe.Printable(s):
		return strconv.Quote(s)
	}
	return s
}

// recentSecrets is how many received or issued secret values one generation of the log's
// scrubber holds; two generations are kept. The scrub's work grows with the values it looks
// for (past httpx's budget it hides the rest of the line), and a long-running emulator
// receives a signature or a session token with every request: the scrubber remembers the
// recent ones, which are those an event of the request at hand could carry. JWTs are not
// remembered: the scrub hides anything shaped like one anyway.
const recentSecrets = 128

// eventLog is WithLog's writer and its scrubber.
type eventLog struct {
	w io.Writer

	mu     sync.Mutex
	held   httpx.Secrets     // the state's secrets: keys, passwords, client secrets
	recent [2]*httpx.Secrets // received and issued lately: [0] fills, [1] is the generation before
	count  int               // values in recent[0]
}

// add returns the event function that writes each event's line and then calls next (the
// function of WithEventLog), if any.
func (l *eventLog) add(next func(Event)) func(Event) {
	return func(e Event) {
		l.write(e.String())
		if next != nil {
			next(e)
		}
	}
}

// write scrubs line and writes it with its newline in one Write.
func (l *eventLog) write(line string) {
	l.mu.Lock()
	recent := l.recent
	l.mu.Unlock()
	line = l.held.Scrub(line)
	line = recent[0].Scrub(recent[1].Scrub(line))
	io.WriteString(l.w, line+"\n")
}

// hold adds the secrets of a config: what the state holds.
func (l *eventLog) hold(c Config) {
	var v []string
	for _, u := range c.Users {
		for _, k := range u.AccessKeys {
			v = append(v, k.SecretAccessKey)
		}
	}
	for _, p := range c.UserPools {
		for _, cl := range p.Clients {
			v = append(v, cl.ClientSecret)
		}
		for _, u := range p.Users {
			v = append(v, u.Password)
		}
		for _, t := range p.RefreshTokens {
			v = append(v, t.Token)
		}
	}
	for _, s := range c.Sessions {
		v = append(v, s.SecretAccessKey, s.SessionToken)
	}
	l.held.Add(v...)
}

// remember adds secrets received or issued lately, starting a new generation when the current
// one is full.
func (l *eventLog) remember(fill func(*httpx.Secrets)) {
	var found httpx.Secrets
	fill(&found)
	l.mu.Lock()
	defer l.mu.Unlock()
	cur := l.recent[0]
	for _, v := range found.Values() {
		if !jwtShaped(v) {
			cur.Add(v)
			l.count++
		}
	}
	if l.count >= recentSecrets {
		l.recent = [2]*httpx.Secrets{{}, cur}
		l.count = 0
	}
}

// jwtShaped reports whether v looks like a compact JWT, which httpx's scrub hides by its shape.
func jwtShaped(v string) bool {
	v = strings.TrimSpace(v)
	return strings.HasPrefix(v, "eyJ") && strings.Count(v, ".") == 2 && !strings.ContainsAny(v, " \n")
}

// received remembers the secrets a request carries: its secret form fields, headers
// (signature, session token) and body members (tokens, passwords, SECRET_HASH …), the token
// also without the whitespace around it.
func (l *eventLog) received(r RecordedRequest) {
	l.remember(func(s *httpx.Secrets) {
		s.AddForm(r.Form)
		s.AddHeader(r.Header)
		s.AddBody(r.Header.Get("Content-Type"), r.Body)
		for _, t := range r.Form["WebIdentityToken"] {
			s.Add(strings.TrimSpace(t))
		}
	})
}

// watch returns a ResponseWriter that keeps a copy of the reply's body (up to
// httpx.MaxBodySize), for issued.
func (l *eventLog) watch(w http.ResponseWriter) http.ResponseWriter {
	return &copyingWriter{ResponseWriter: w}
}

// issued remembers the secrets a reply carried (credentials, tokens, refresh tokens), once
// the handler has written it.
func (l *eventLog) issued(w http.ResponseWriter) {
	cw, ok := w.(*copyingWriter)
	if !ok || cw.body.Len() == 0 {
		return
	}
	l.remember(func(s *httpx.Secrets) {
		s.AddHeader(cw.Header())
		s.AddBody(cw.Header().Get("Content-Type"), cw.body.Bytes())
	})
}

// copyingWriter is an http.ResponseWriter that keeps a copy of what is written, up to
// httpx.MaxBodySize.
type copyingWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (c *copyingWriter) Write(p []byte) (int, error) {
	if room := httpx.MaxBodySize - c.body.Len(); room > 0 {
		c.body.Write(p[:min(len(p), room)])
	}
	return c.ResponseWriter.Write(p)
}

// Unwrap returns the underlying ResponseWriter, for http.ResponseController.
func (c *copyingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// logIssuerFetch logs a request for an issuer's discovery document or JWKS that came over the
// network (the emulator's own verification fetches in process, unlogged).
func (sv *services) logIssuerFetch(iss *Issuer, r *http.Request) {
	action := "GetJWKS"
	if strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
		action = "GetDiscoveryDocument"
	} else if !strings.HasSuffix(r.URL.Path, jwksPaths[iss.kind]) {
		action = "Get"
	}
	e := Event{Time: sv.now(), Service: "oidc", Action: action, Resource: iss.URL, Principal: remoteIP(r), Decision: "allow", Detail: r.URL.Path}
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		e.Decision, e.Code, e.Detail = "deny", "MethodNotAllowed", r.Method+" "+r.URL.Path
	case action == "Get":
		e.Decision, e.Code = "deny", "NotFound"
	}
	sv.log(e)
}
