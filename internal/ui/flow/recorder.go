package flow

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/ui"
	"github.com/rawsts/rawsts/ststest"
)

//go:embed assets
var assets embed.FS

// The bounds of what a [Recorder] keeps in memory.
const (
	// MaxSteps is how many exchanges the live view keeps: past it, the oldest is forgotten
	// as each new one comes (the page says how many were).
	MaxSteps = 500
	// MaxKeptBody is how much of each body (request and answer) an exchange keeps; the rest
	// is cut, and the page says so.
	MaxKeptBody = 64 << 10
)

// Recorder keeps the emulator's last [MaxSteps] exchanges, for the live view: give its Record
// to ststest.WithExchanges and its Section to the page (ui.Options.Sections). It is safe for
// concurrent use.
type Recorder struct {
	mu      sync.Mutex
	held    []string // the emulator's own secrets, hidden wherever they show
	ring    []entry  // at most MaxSteps; once full, oldest is the index of the oldest
	oldest  int
	last    uint64 // the ID of the newest exchange
	dropped int    // exchanges forgotten
}

type entry struct {
	ex              ststest.Exchange
	step            Step
	reqCut, respCut bool
}

// NewRecorder returns an empty recorder. held are the secrets the emulator holds (its users'
// secret keys, passwords, client secrets …): they are hidden by value wherever they show, as
// the secrets each exchange carries by name are.
func NewRecorder(held ...string) *Recorder {
	return &Recorder{held: append([]string(nil), held...)}
}

// Hold adds secrets the emulator holds (its state's, known once it has started).
func (r *Recorder) Hold(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held = append(r.held, values...)
}

func (r *Recorder) heldSecrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.held...)
}

// Record keeps ex (its bodies cut at MaxKeptBody), forgetting the oldest exchange when the
// ring is full. It is the function for ststest.WithExchanges.
func (r *Recorder) Record(ex ststest.Exchange) {
	e := entry{ex: ex, respCut: ex.BodyCut}
	e.ex.Request.Body, e.reqCut = cut(ex.Request.Body)
	var c bool
	if e.ex.Body, c = cut(ex.Body); c {
		e.respCut = true
	}
	e.step = StepOf(ex, ExchangeSecrets(ex, r.heldSecrets()))
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ring) < MaxSteps {
		r.ring = append(r.ring, e)
	} else {
		r.ring[r.oldest] = e
		r.oldest = (r.oldest + 1) % MaxSteps
		r.dropped++
	}
	r.last = ex.Seq
}

func cut(b []byte) ([]byte, bool) {
	if len(b) > MaxKeptBody {
		return bytes.Clone(b[:MaxKeptBody]), true
	}
	return b, false
}

// entries returns the exchanges kept, oldest first.
func (r *Recorder) entries() (out []entry, last uint64, dropped int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out = append(out, r.ring[r.oldest:]...)
	return append(out, r.ring[:r.oldest]...), r.last, r.dropped
}

// Steps returns the arrows of the exchanges kept, oldest first.
func (r *Recorder) Steps() []Step {
	es, _, _ := r.entries()
	out := make([]Step, len(es))
	for i, e := range es {
		out[i] = e.step
	}
	return out
}

// find returns the kept exchange of an ID.
func (r *Recorder) find(id uint64) (entry, bool) {
	es, _, _ := r.entries()
	for _, e := range es {
		if e.ex.Seq == id {
			return e, true
		}
	}
	return entry{}, false
}

// Section returns the live view as a part of the page: its markup, its script and its API,
//
//	GET /api/flow/steps[?after=ID]    the arrows and the diagram ({"unchanged":true} when
//	                                  nothing came after ID)
//	GET /api/flow/steps/ID[?secrets=show]  one exchange: the request and the answer as the
//	                                  tracer shows them (secrets hidden unless asked for),
//	                                  every decision, and a refusal's failing check
//	GET /api/flow/diagram.svg         the diagram as a file ([Render])
//
// behind the page's guards (ui.Server: Host, session key).
func (r *Recorder) Section() ui.Section {
	body, _ := assets.ReadFile("assets/flow.html") // the package's own file
	static, _ := fs.Sub(assets, "assets")
	return ui.Section{ID: "flow", Title: "The flow, live", Body: template.HTML(body), Static: static,
		Scripts: []string{"flow.js"}, API: http.HandlerFunc(r.serveAPI)}
}

// stepsAnswer is what GET /api/flow/steps answers.
type stepsAnswer struct {
	Last      uint64 `json:"last"`
	Unchanged bool   `json:"unchanged,omitempty"`
	Dropped   int    `json:"dropped"`
	Steps     []Step `json:"steps"`
	Diagram   *Node  `json:"diagram,omitempty"`
}

// Exchange is one exchange as GET /api/flow/steps/ID answers it.
type Exchange struct {
	Step Step `json:"step"`
	// Request and Response are the request and the answer as `--trace` shows them (without
	// its > and < marks), secrets hidden unless SecretsShown.
	Request      string `json:"request"`
	Response     string `json:"response"`
	SecretsShown bool   `json:"secrets_shown"`
	// Decisions are the emulator's events for the request, in order.
	Decisions []Decision `json:"decisions"`
}

// Decision is one event of an exchange; Failed is, for a refusal with a failing check, that
// check as `rawsts diagnose --json` shows one (diagnose.OutputCheck: its detail, evidence and
// fix as diagnose words them).
type Decision struct {
	Service   string                `json:"service"`
	Action    string                `json:"action"`
	Resource  string                `json:"resource,omitempty"`
	Principal string                `json:"principal,omitempty"`
	Decision  string                `json:"decision"`
	Code      string                `json:"code,omitempty"`
	Detail    string                `json:"detail,omitempty"`
	Failed    *diagnose.OutputCheck `json:"failed,omitempty"`
}

func (r *Recorder) serveAPI(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "rawsts ui: the live view's API answers GET only", http.StatusMethodNotAllowed)
		return
	}
	path := strings.TrimPrefix(req.URL.Path, "/api/flow/")
	switch {
	case path == "steps":
		r.serveSteps(w, req)
	case strings.HasPrefix(path, "steps/"):
		id, err := strconv.ParseUint(strings.TrimPrefix(path, "steps/"), 10, 64)
		e, ok := r.find(id)
		if err != nil || !ok {
			http.Error(w, "rawsts ui: no such request (the live view keeps the last "+strconv.Itoa(MaxSteps)+")", http.StatusNotFound)
			return
		}
		writeJSON(w, r.exchange(e, req.URL.Query().Get("secrets") == "show"))
	case path == "diagram.svg":
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Disposition", `attachment; filename="rawsts-flow.svg"`)
		w.Write(Render(r.Steps()))
	default:
		http.NotFound(w, req)
	}
}

func (r *Recorder) serveSteps(w http.ResponseWriter, req *http.Request) {
	es, last, dropped := r.entries()
	if after := req.URL.Query().Get("after"); after != "" && after == strconv.FormatUint(last, 10) {
		writeJSON(w, stepsAnswer{Last: last, Unchanged: true, Dropped: dropped, Steps: []Step{}})
		return
	}
	steps := make([]Step, len(es))
	for i, e := range es {
		steps[i] = e.step
	}
	writeJSON(w, stepsAnswer{Last: last, Dropped: dropped, Steps: steps, Diagram: Diagram(steps)})
}

// exchange shows one kept exchange: the wire as the tracer shows it, its secrets hidden with
// the tracer's rules unless show.
func (r *Recorder) exchange(e entry, show bool) Exchange {
	sec := ExchangeSecrets(e.ex, r.heldSecrets())
	wire := sec
	if show {
		wire = nil // the person asked, for this exchange
	}
	rq := e.ex.Request
	h := rq.Header.Clone()
	host := h.Get("Host")
	h.Del("Host")
	out := Exchange{Step: e.step, SecretsShown: show, Decisions: []Decision{},
		Request:  wire.TraceRequest(rq.Method, rq.Target, host, h, rq.Body, e.reqCut),
		Response: wire.TraceResponse(statusLine(e.ex.Status), e.ex.Header, e.ex.Body)}
	if e.reqCut {
		out.Request += "(the body goes on: the live view keeps its first " + strconv.Itoa(MaxKeptBody>>10) + " KiB)\n"
	}
	if e.respCut {
		out.Response += "(the body goes on: the live view keeps its first " + strconv.Itoa(MaxKeptBody>>10) + " KiB)\n"
	}
	for _, ev := range e.ex.Events {
		d := Decision{Service: ev.Service, Action: ev.Action, Resource: ev.Resource, Principal: sec.Scrub(ev.Principal),
			Decision: ev.Decision, Code: ev.Code, Detail: sec.Scrub(ev.Detail)}
		if ev.Decision == "deny" && ev.Check != "" {
			evidence := make([]string, len(ev.Evidence))
			for i, l := range ev.Evidence {
				evidence[i] = sec.Scrub(l)
			}
			d.Failed = &diagnose.OutputCheck{Name: ev.Check, Status: diagnose.Fail, Detail: d.Detail, Fix: sec.Scrub(ev.Fix), Evidence: evidence}
		}
		out.Decisions = append(out.Decisions, d)
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
