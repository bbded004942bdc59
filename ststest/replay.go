package ststest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/rawsts/rawsts/internal/recording"
)

// replayer answers STS requests from recorded fixture exchanges (WithFixtureFiles).
type replayer struct {
	now func() time.Time

	mu        sync.Mutex
	exchanges []recorded
}

type recorded struct {
	name   string // case name and position, for messages
	action string
	resp   recording.Response
	used   bool
}

func loadReplayer(paths []string) (*replayer, error) {
	r := &replayer{}
	for _, p := range paths {
		c, err := recording.Load(p)
		if err != nil {
			return nil, fmt.Errorf("ststest: %w", err)
		}
		for i, ex := range c.Exchanges {
			r.exchanges = append(r.exchanges, recorded{
				name:   c.Name + " #" + strconv.Itoa(i+1),
				action: recordedAction(ex.Request),
				resp:   ex.Response,
			})
		}
	}
	return r, nil
}

// recordedAction is the Action of a recorded request, from its form body or its query.
func recordedAction(r recording.Request) string {
	if isForm(r.Header.Get("Content-Type")) {
		if f, err := url.ParseQuery(string(r.Body)); err == nil && f.Get("Action") != "" {
			return f.Get("Action")
		}
	}
	if u, err := url.ParseRequestURI(r.Target); err == nil {
		return u.Query().Get("Action")
	}
	return ""
}

// ServeHTTP answers an STS request with the next unused recorded exchange for its Action, or
// an STS-shaped InvalidAction error when none is left.
func (rp *replayer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "Sender", "MalformedQueryString",
			"The query string or form body is not valid form encoding", reqID, rp.now())
		return
	}
	action := r.Form.Get("Action")
	ex, n := rp.take(action)
	if ex == nil {
		writeError(w, http.StatusBadRequest, "Sender", "InvalidAction",
			fmt.Sprintf("ststest: no unused recorded exchange answers Action=%q (%d recorded)", action, n),
			reqID, rp.now())
		return
	}
	h := w.Header()
	for k, v := range ex.Header {
		if http.CanonicalHeaderKey(k) == "Content-Length" {
			continue
		}
		h[k] = append([]string(nil), v...)
	}
	h.Set("Content-Length", strconv.Itoa(len(ex.Body)))
	w.WriteHeader(ex.StatusCode)
	w.Write(ex.Body)
}

// take marks the first unused exchange recorded for action as used and returns its response,
// or nil and the number of recorded exchanges.
func (rp *replayer) take(action string) (*recording.Response, int) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	for i := range rp.exchanges {
		ex := &rp.exchanges[i]
		if !ex.used && ex.action == action {
			ex.used = true
			return &ex.resp, len(rp.exchanges)
		}
	}
	return nil, len(rp.exchanges)
}

func (rp *replayer) unused() []string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	var out []string
	for _, ex := range rp.exchanges {
		if !ex.used {
			out = append(out, fmt.Sprintf("%s (%s)", ex.name, ex.action))
		}
	}
	return out
}
