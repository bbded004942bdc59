package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
)

// playgroundResult is the playground's answer. Report is `rawsts diagnose --json --suggest`'s
// document; the rest are views of the same run for the page: the token as jwt.io shows one,
// the policy's text cut where the checks point, the corrected policy as text, and the link.
type playgroundResult struct {
	// At is the time of the evaluation, RFC 3339.
	At string `json:"at"`
	// Line is the verdict as the text report says it (Report.Line).
	Line   string           `json:"line"`
	Report *diagnose.Output `json:"report"`
	Token  *tokenView       `json:"token"`
	Policy *policyView      `json:"policy,omitempty"`
	// Corrected is the suggested trust policy laid out like the one given, as --suggest
	// prints it; "" when the policy needs no change.
	Corrected string `json:"corrected,omitempty"`
	// Link is the fragment (#claims=…) that opens this case: the claims, never the token.
	Link string `json:"link"`
	// Inputs are the fields a link gave, for the form; nil for a request from the form.
	Inputs *playgroundRequest `json:"inputs,omitempty"`
}

// tokenView is the token as jwt.io shows one, with what rawsts inspect adds: claim times
// relative to At, the findings, and the condition keys STS makes of the claims.
type tokenView struct {
	// Kind is "token" or "claims" (no header, no signature).
	Kind   diagnose.InputKind `json:"kind"`
	Header []claimView        `json:"header,omitempty"`
	Claims []claimView        `json:"claims"`
	// Signature says how long the signature is; it is never shown.
	Signature string `json:"signature,omitempty"`
	// Length is the token's length in characters (STS takes at most 20000).
	Length   int                  `json:"length,omitempty"`
	Findings []jwtinspect.Finding `json:"findings"`
	Keys     []keyView            `json:"condition_keys"`
}

// claimView is one member of the header or the claims.
type claimView struct {
	Name string `json:"name"`
	// Value is a string as it is, anything else as JSON.
	Value string `json:"value"`
	// Time and Relative are set for a time claim: the instant in UTC and jwtinspect.Relative.
	Time     string `json:"time,omitempty"`
	Relative string `json:"relative,omitempty"`
}

// keyView is one entry of trustpolicy.TokenKeys.
type keyView struct {
	Key    string   `json:"key"`
	Claim  string   `json:"claim,omitempty"`
	Values []string `json:"values"`
	Status string   `json:"status"`
	Note   string   `json:"note,omitempty"`
}

// policyView is the trust policy's text cut into segments, those the checks point at marked.
type policyView struct {
	// Decoded says how the text shown was decoded from what was pasted (trustpolicy.Source).
	Decoded string `json:"decoded,omitempty"`
	// Problem says why nothing is marked: the text is not a JSON object.
	Problem  string    `json:"problem,omitempty"`
	Segments []segment `json:"segments"`
}

// segment is a piece of the policy's text; Mark is "" or the class of the most serious check
// that points at it: "fail", "unknown", "warn" or "ok".
type segment struct {
	Text  string `json:"text"`
	Mark  string `json:"mark,omitempty"`
	Check string `json:"check,omitempty"`
	Title string `json:"title,omitempty"`
}

// diagnoseCase runs the diagnosis, the suggestion and the views.
func (s *Server) diagnoseCase(r *http.Request, d *diagnosis, req playgroundRequest) *playgroundResult {
	rep := diagnose.Run(r.Context(), d.in)
	sug := diagnose.Suggest(r.Context(), d.in, rep, "trust-policy.json")
	at := d.at.Format(time.RFC3339)
	res := &playgroundResult{At: at, Line: rep.Line(), Report: diagnose.NewOutput(rep, d.kind, nil, false, sug),
		Token: d.tokenView(), Link: fragment(d.claims, req, at)}
	if len(d.in.TrustPolicy) > 0 {
		res.Policy = policyMarks(d.in.TrustPolicy, rep)
	}
	if len(sug.Policy) > 0 {
		res.Corrected = string(sug.Policy)
	}
	return res
}

// tokenView decodes the token (or reads the claims) as rawsts inspect does, with the findings
// of the same jwtinspect calls diagnose makes.
func (d *diagnosis) tokenView() *tokenView {
	v := &tokenView{Kind: d.kind, Findings: []jwtinspect.Finding{}, Keys: []keyView{}}
	if d.in.Token != "" {
		_, v.Findings = jwtinspect.Lint(d.in.Token, jwtinspect.Options{Now: d.at})
	} else if d.token != nil {
		v.Findings = jwtinspect.LintClaims(d.token)
	}
	sort.SliceStable(v.Findings, func(i, j int) bool { return v.Findings[i].Severity > v.Findings[j].Severity })
	tok := d.token
	if tok == nil {
		return v
	}
	if d.in.Token != "" {
		v.Header = members(tok.Header.Raw, []string{"alg", "kid", "typ"}, d.at)
		v.Signature = fmt.Sprintf("%d bytes, not shown", len(tok.Signature))
		v.Length = len(tok.Raw)
	}
	v.Claims = members(tok.RawClaims, []string{"iss", "sub", "aud", "exp", "nbf", "iat", "auth_time", "jti"}, d.at)
	if iss := tok.Claims.Issuer; iss != "" {
		for _, k := range trustpolicy.TokenKeys(iss, tok.RawClaims) {
			v.Keys = append(v.Keys, keyView{k.Key, k.Claim, append([]string{}, k.Values...), k.Status, k.Note})
		}
	}
	return v
}

// members lists m's members, those named in first first, then the rest by name.
func members(m map[string]any, first []string, at time.Time) []claimView {
	names := make([]string, 0, len(m))
	for k := range m {
		if !slices.Contains(first, k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var out []claimView
	for _, k := range append(slices.Clone(first), names...) {
		v, ok := m[k]
		if !ok {
			continue
		}
		c := claimView{Name: k}
		if s, ok := v.(string); ok {
			c.Value = s
		} else {
			b, _ := json.Marshal(v)
			c.Value = string(b)
		}
		if t, ok := jwtinspect.ClaimTime(v); ok && jwtinspect.IsTimeClaim(k) {
			c.Time, c.Relative = t.Format(time.RFC3339), jwtinspect.Relative(k, t, at)
		}
		out = append(out, c)
	}
	return out
}

// markRank orders the marks: where checks overlap, the most serious one shows.
var markRank = map[string]int{"ok": 1, "warn": 2, "unknown": 3, "fail": 4}

func markOf(st diagnose.Status) string {
	switch st {
	case diagnose.Fail:
		return "fail"
	case diagnose.Unknown:
		return "unknown"
	case diagnose.Warn:
		return "warn"
	case diagnose.Pass, diagnose.Assumed:
		return "ok"
	}
	return ""
}

// policyMarks cuts the policy's text where the checks' locations are (trustpolicy.Source), so
// that the page marks the failing clause.
func policyMarks(text []byte, rep *diagnose.Report) *policyView {
	src, err := trustpolicy.ParseSource(text)
	if err != nil {
		return &policyView{Problem: plain(err), Segments: []segment{{Text: string(text)}}}
	}
	type span struct {
		trustpolicy.Span
		mark, check, title string
	}
	var spans []span
	for _, c := range rep.Checks {
		mark := markOf(c.Status)
		if mark == "" {
			continue
		}
		for _, l := range c.Locations {
			if sp, _, ok := src.Nearest(l); ok {
				spans = append(spans, span{sp, mark, c.Name, fmt.Sprintf("%s (%s): %s", c.Name, c.Status, c.Detail)})
			}
		}
	}
	// Every boundary starts a piece; each piece shows the most serious span over it.
	bounds := []int{0, len(src.Text)}
	for _, sp := range spans {
		bounds = append(bounds, sp.Start, sp.End)
	}
	sort.Ints(bounds)
	bounds = slices.Compact(bounds)
	v := &policyView{Decoded: src.Decoded}
	for i := 0; i+1 < len(bounds); i++ {
		a, b := bounds[i], bounds[i+1]
		seg := segment{Text: src.Text[a:b]}
		for _, sp := range spans {
			if sp.Start <= a && b <= sp.End && markRank[sp.mark] > markRank[seg.Mark] {
				seg.Mark, seg.Check, seg.Title = sp.mark, sp.check, sp.title
			}
		}
		if n := len(v.Segments); n > 0 && v.Segments[n-1].Mark == seg.Mark && v.Segments[n-1].Check == seg.Check && v.Segments[n-1].Title == seg.Title {
			v.Segments[n-1].Text += seg.Text
			continue
		}
		v.Segments = append(v.Segments, seg)
	}
	return v
}
