package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/rawsts/rawsts/jwtinspect"
)

// inspectReport is everything `rawsts inspect` prints, rendered as text or JSON.
type inspectReport struct {
	tok          *jwtinspect.Token
	findings     []jwtinspect.Finding
	now          time.Time
	opts         *inspectOptions
	verification *jwtinspect.Verification
	verifyErr    error
}

// inspectJSON is the --json document.
type inspectJSON struct {
	Header             map[string]any       `json:"header"`
	Claims             map[string]any       `json:"claims"`
	Findings           []jwtinspect.Finding `json:"findings"`
	ProviderARN        string               `json:"provider_arn,omitempty"`
	ConditionKeyPrefix string               `json:"condition_key_prefix,omitempty"`
	At                 string               `json:"at,omitempty"`
	Signature          *signatureJSON       `json:"signature,omitempty"`
	Verification       *verificationJSON    `json:"verification,omitempty"`
}

type signatureJSON struct {
	Encoding string `json:"encoding"`
	Value    string `json:"value"`
}

type verificationJSON struct {
	OK         bool   `json:"ok"`
	FailedStep string `json:"failed_step,omitempty"`
	Error      string `json:"error,omitempty"`
	*jwtinspect.Verification
}

func writeJSON(w io.Writer, v any) {
	if v, ok := v.(inspectJSON); ok && v.Findings == nil {
		v.Findings = []jwtinspect.Finding{}
	}
	b, err := marshalIndent(v, "  ")
	if err != nil { // only unencodable values: a bug, reported rather than panicking
		b = []byte(fmt.Sprintf("{\"error\": %q}\n", err.Error()))
	}
	w.Write(b)
}

func (r *inspectReport) json() inspectJSON {
	out := inspectJSON{
		Header:   r.tok.Header.Raw,
		Claims:   r.tok.RawClaims,
		Findings: r.findings,
		At:       r.now.UTC().Format(time.RFC3339),
	}
	if iss := r.tok.Claims.Issuer; iss != "" {
		out.ProviderARN = jwtinspect.ProviderARN(iss, r.opts.partition, r.account())
		out.ConditionKeyPrefix = jwtinspect.ConditionKeyPrefix(iss)
	}
	if f := r.opts.showSignature; f != "" {
		out.Signature = &signatureJSON{Encoding: string(f), Value: r.signature()}
	}
	if r.verification != nil {
		v := &verificationJSON{OK: r.verifyErr == nil, Verification: r.verification}
		if r.verifyErr != nil {
			v.FailedStep, v.Error = stepOf(r.verifyErr)
		}
		out.Verification = v
	}
	return out
}

func (r *inspectReport) account() string {
	if r.opts.account == "" {
		return "ACCOUNT"
	}
	return r.opts.account
}

func (r *inspectReport) signature() string {
	if r.opts.showSignature == "hex" {
		return hex.EncodeToString(r.tok.Signature)
	}
	return base64.RawURLEncoding.EncodeToString(r.tok.Signature)
}

// stepOf splits a Verify error into its step and its cause.
func stepOf(err error) (step, cause string) {
	var se *jwtinspect.StepError
	if errors.As(err, &se) {
		return se.Step, se.Err.Error()
	}
	return "", err.Error()
}

// sortFindings orders findings errors first, then warnings, then info, keeping the order
// within a severity.
func sortFindings(fs []jwtinspect.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
}

// table writes aligned "  name  value" rows; a value of several lines is indented under the
// first.
type table struct {
	rows  [][2]string
	width int
}

func (t *table) add(name, value string) {
	t.rows = append(t.rows, [2]string{name, value})
	if n := len(name); n > t.width && n <= 32 {
		t.width = n
	}
}

func (t *table) write(w io.Writer) {
	for _, r := range t.rows {
		pad := t.width - len(r[0])
		if pad < 0 {
			pad = 0
		}
		lines := strings.Split(r[1], "\n")
		fmt.Fprintf(w, "  %s%s  %s\n", r[0], strings.Repeat(" ", pad), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %s  %s\n", strings.Repeat(" ", max(t.width, len(r[0]))), l)
		}
	}
}

func (r *inspectReport) writeText(w io.Writer) {
	tok := r.tok
	fmt.Fprintln(w, "Header")
	var h table
	for _, k := range orderedKeys(tok.Header.Raw, []string{"alg", "kid", "typ"}) {
		h.add(clean(k), renderValue(tok.Header.Raw[k]))
	}
	if r.opts.showSignature != "" {
		h.add("signature", fmt.Sprintf("%s (%d bytes, %s)", r.signature(), len(tok.Signature), r.opts.showSignature))
	} else {
		h.add("signature", fmt.Sprintf("%d bytes, not shown (--show-signature shows it)", len(tok.Signature)))
	}
	h.add("length", fmt.Sprintf("%d characters (STS accepts at most %d)", len(tok.Raw), jwtinspect.MaxTokenLength))
	h.write(w)

	fmt.Fprintf(w, "\nClaims (times in UTC, relative to %s)\n", r.now.UTC().Format(time.RFC3339))
	var c table
	for _, k := range orderedKeys(tok.RawClaims, []string{"iss", "sub", "aud", "exp", "nbf", "iat", "auth_time", "jti"}) {
		v := tok.RawClaims[k]
		text := renderValue(v)
		if t, ok := numericTime(v); ok && isTimeClaim(k) {
			text = t.UTC().Format(time.RFC3339) + "  (" + relative(k, t, r.now) + ")"
		}
		c.add(clean(k), text)
	}
	c.write(w)

	fmt.Fprintln(w, "\nIAM")
	var iam table
	if iss := tok.Claims.Issuer; iss == "" {
		iam.add("provider ARN", "none: the token has no iss, so STS cannot find an IAM OIDC provider")
	} else {
		arn := jwtinspect.ProviderARN(iss, r.opts.partition, r.account())
		if r.opts.account == "" {
			arn += "  (--account fills in ACCOUNT)"
		}
		iam.add("provider ARN", clean(arn))
		prefix := clean(jwtinspect.ConditionKeyPrefix(iss))
		iam.add("condition keys", fmt.Sprintf("%s:aud  this token: %s\n%s:sub  this token: %s",
			prefix, thisToken(tok.RawClaims["aud"]), prefix, thisToken(tok.RawClaims["sub"])))
	}
	iam.write(w)

	if r.verification != nil {
		r.writeVerification(w)
	}

	writeFindings(w, r.findings)
	fmt.Fprintln(w)
	errs := countSeverity(r.findings, jwtinspect.Error)
	switch {
	case r.verifyErr != nil:
		step, _ := stepOf(r.verifyErr)
		fmt.Fprintf(w, "Result: --verify failed at the %s step; STS would fail the same way.\n", step)
	case errs > 0:
		fmt.Fprintf(w, "Result: STS will refuse this token (%s).\n", plural(errs, "error"))
	case r.verification != nil:
		fmt.Fprintln(w, "Result: no errors, and the signature verifies as STS checks it. The role's trust policy is not checked here.")
	default:
		fmt.Fprintln(w, "Result: no errors. The signature is not checked without --verify, nor the role's trust policy.")
	}
}

var verifySteps = []string{jwtinspect.StepDiscovery, jwtinspect.StepIssuer, jwtinspect.StepJWKS,
	jwtinspect.StepKid, jwtinspect.StepKey, jwtinspect.StepAlg, jwtinspect.StepSignature}

func (r *inspectReport) writeVerification(w io.Writer) {
	v := r.verification
	budget := r.opts.timeout
	fmt.Fprintf(w, "\nVerification (--verify: the steps STS takes; each fetch has %s)\n", budget)
	failed, cause := "", ""
	if r.verifyErr != nil {
		failed, cause = stepOf(r.verifyErr)
	}
	fetch := func(f jwtinspect.Fetch) string {
		s := "GET " + clean(f.URL)
		if f.Status != 0 {
			s += fmt.Sprintf("\n%d %s, %d bytes in %s of %s", f.Status, http200(f.Status), f.Bytes, fetchDuration(f.Duration), budget)
		}
		return s
	}
	detail := map[string]string{
		jwtinspect.StepDiscovery: fetch(v.Discovery),
		jwtinspect.StepIssuer:    "the document's issuer is the token's iss",
		jwtinspect.StepJWKS:      fetch(v.JWKS),
		jwtinspect.StepKid:       kidDetail(v),
		jwtinspect.StepKey:       fmt.Sprintf("%s, %d bits", v.KeyType, v.KeyBits),
		jwtinspect.StepAlg:       v.Algorithm + " fits the key and is one STS accepts",
		jwtinspect.StepSignature: "verifies",
	}
	var t table
	state := "ok"
	for _, step := range verifySteps {
		switch {
		case step == failed:
			t.add(step, "FAILED  "+strings.TrimSuffix(wrap(clean(cause), "        ", 92)[8:], "\n"))
			state = "skipped"
		case state == "skipped":
			t.add(step, "skipped")
		default:
			t.add(step, "ok      "+strings.ReplaceAll(detail[step], "\n", "\n        "))
		}
	}
	t.write(w)
}

func kidDetail(v *jwtinspect.Verification) string {
	if len(v.KeyIDs) == 1 {
		return fmt.Sprintf("%q, the only key in the set", v.KeyID)
	}
	return fmt.Sprintf("%q, among %s", v.KeyID, quoteAll(v.KeyIDs))
}

// fetchDuration rounds a fetch's duration for people: "0.4ms", "12ms", "1.2s".
func fetchDuration(d time.Duration) string {
	switch {
	case d < 100*time.Microsecond:
		return "under 0.1ms"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func http200(status int) string {
	if status == 200 {
		return "OK"
	}
	return "HTTP"
}

func writeFindings(w io.Writer, fs []jwtinspect.Finding) {
	if len(fs) == 0 {
		fmt.Fprintln(w, "\nFindings: none")
		return
	}
	headings := map[jwtinspect.Severity]string{
		jwtinspect.Error:   "STS will refuse the token",
		jwtinspect.Warning: "STS may accept the token, but look",
		jwtinspect.Info:    "what a trust policy must account for",
	}
	for _, sev := range []jwtinspect.Severity{jwtinspect.Error, jwtinspect.Warning, jwtinspect.Info} {
		n := countSeverity(fs, sev)
		if n == 0 {
			continue
		}
		fmt.Fprintf(w, "\nFindings: %s (%d): %s\n", sev, n, headings[sev])
		for _, f := range fs {
			if f.Severity == sev {
				fmt.Fprintf(w, "  %s\n%s", f.Code, wrap(clean(f.Message), "      ", 100))
			}
		}
	}
}

func countSeverity(fs []jwtinspect.Finding, sev jwtinspect.Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == sev {
			n++
		}
	}
	return n
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// wrap breaks text into lines of at most width columns, each starting with indent.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if line != indent && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// orderedKeys returns m's keys: those in first (in that order) and then the rest sorted.
func orderedKeys(m map[string]any, first []string) []string {
	var keys []string
	for _, k := range first {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !contains(first, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// renderValue shows a decoded JSON value: strings bare, lists one element a line ("- x"),
// objects as compact JSON.
func renderValue(v any) string {
	switch v := v.(type) {
	case string:
		return clean(v)
	case []any:
		if len(v) == 0 {
			return "[] (an empty list)"
		}
		lines := make([]string, len(v))
		for i, e := range v {
			lines[i] = "- " + renderScalar(e)
		}
		return strings.Join(lines, "\n")
	}
	return renderScalar(v)
}

func renderScalar(v any) string {
	if s, ok := v.(string); ok {
		return clean(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return clean(string(b))
}

// clean makes text from the token safe to print on a terminal: a string with control or
// other non-printable characters is shown quoted, with escapes.
func clean(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

func thisToken(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return strconv.Quote(v)
	case []any:
		q := make([]string, len(v))
		for i, e := range v {
			q[i] = renderScalar(e)
			if s, ok := e.(string); ok {
				q[i] = strconv.Quote(s)
			}
		}
		return strings.Join(q, ", ")
	}
	return renderScalar(v)
}

func quoteAll(l []string) string {
	if len(l) == 0 {
		return "no keys"
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func isTimeClaim(name string) bool {
	return name == "exp" || name == "nbf" || name == "iat" || name == "auth_time"
}

// numericTime reads a JSON number as seconds since the epoch.
func numericTime(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// relative describes t against now in the words of the claim: "expires in 52m",
// "expired 3h10m ago", "issued 8m ago".
func relative(claim string, t, now time.Time) string {
	d := t.Sub(now)
	future := d > 0
	span := humanDuration(d)
	if d > -time.Second && d < time.Second {
		switch claim {
		case "exp":
			return "expires now"
		case "nbf":
			return "valid from now"
		case "iat":
			return "issued just now"
		}
		return "now"
	}
	switch claim {
	case "exp":
		if future {
			return "expires in " + span
		}
		return "expired " + span + " ago"
	case "nbf":
		if future {
			return "not valid for another " + span
		}
		return "valid since " + span + " ago"
	case "iat":
		if future {
			return "issued " + span + " in the future"
		}
		return "issued " + span + " ago"
	}
	if future {
		return "in " + span
	}
	return span + " ago"
}

// humanDuration formats |d| to the second under an hour, to the minute under two days, and
// in days and hours above: "42s", "52m", "3h10m", "412d3h".
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Second:
		return "0s"
	case d < time.Hour:
		d = d.Round(time.Second)
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
	default:
		d = d.Round(time.Hour)
		days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if hours == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, hours)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
