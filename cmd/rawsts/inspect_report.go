package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
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
	ConditionKeys      []conditionKeyJSON   `json:"condition_keys,omitempty"`
	At                 string               `json:"at,omitempty"`
	Signature          *signatureJSON       `json:"signature,omitempty"`
	Verification       *verificationJSON    `json:"verification,omitempty"`
}

// conditionKeyJSON is one entry of trustpolicy.TokenKeys: a condition key STS provides for
// the token (with its source), or a claim that is not one.
type conditionKeyJSON struct {
	Key    string   `json:"key"`
	Claim  string   `json:"claim,omitempty"`
	Values []string `json:"values"`
	Status string   `json:"status"`
	Source string   `json:"source,omitempty"`
	Note   string   `json:"note,omitempty"`
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
		for _, k := range trustpolicy.TokenKeys(iss, r.tok.RawClaims) {
			v := k.Values
			if v == nil {
				v = []string{}
			}
			out.ConditionKeys = append(out.ConditionKeys, conditionKeyJSON{k.Key, k.Claim, v, k.Status, k.Source, k.Note})
		}
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
		if t, ok := jwtinspect.ClaimTime(v); ok && jwtinspect.IsTimeClaim(k) {
			text = t.UTC().Format(time.RFC3339) + "  (" + jwtinspect.Relative(k, t, r.now) + ")"
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
		addConditionKeys(&iam, trustpolicy.TokenKeys(iss, tok.RawClaims))
	}
	iam.write(w)

	if r.verification != nil {
		r.writeVerification(w)
	}

	writeFindings(w, r.findings)
	fmt.Fprintln(w)
	errs := countSeverity(r.findings, jwtinspect.Error)
	switch {
	case r.verifyErr != nil && r.verification.KeySource != "":
		step, _ := stepOf(r.verifyErr)
		fmt.Fprintf(w, "Result: the signature check with the keys in %s failed at the %s step.\n", clean(r.verification.KeySource), step)
	case r.verifyErr != nil:
		step, _ := stepOf(r.verifyErr)
		fmt.Fprintf(w, "Result: --verify failed at the %s step; STS would fail the same way.\n", step)
	case errs > 0:
		fmt.Fprintf(w, "Result: STS will refuse this token (%s).\n", plural(errs, "error"))
	case r.verification != nil && r.verification.KeySource != "":
		fmt.Fprint(w, wrap(fmt.Sprintf("Result: no errors, and the signature verifies with a key in %s as STS checks it; whether the issuer serves that key was not checked (--verify without --jwks fetches it). The role's trust policy is not checked here.", clean(r.verification.KeySource)), "", 100))
	case r.verification != nil:
		fmt.Fprintln(w, "Result: no errors, and the signature verifies as STS checks it. The role's trust policy is not checked here.")
	default:
		fmt.Fprintln(w, "Result: no errors. The signature is not checked without --verify, nor the role's trust policy.")
	}
}

// addConditionKeys lists what STS makes of the token's claims (trustpolicy.TokenKeys): the
// keys it provides with this token's values, the keys the token has no value for, the keys
// AWS's sources disagree on, and the claims that are not keys at all.
func addConditionKeys(t *table, keys []trustpolicy.TokenKey) {
	var have, none, disputed, notKeys, notes []string
	width := 0
	for _, k := range keys {
		if k.Status != trustpolicy.KeyNotProvided && len(k.Values) > 0 && len(k.Key) > width {
			width = len(k.Key)
		}
	}
	for _, k := range keys {
		key := clean(k.Key)
		switch {
		case k.Status == trustpolicy.KeyNotProvided:
			notKeys = append(notKeys, clean(k.Claim))
		case k.Status == trustpolicy.KeyDisputed:
			disputed = append(disputed, fmt.Sprintf("%-*s  %s", width, key, quoteValues(k.Values)))
		case k.Status == trustpolicy.KeyUnknown:
			none = append(none, key+" (which claim fills it is not documented)")
		case len(k.Values) == 0:
			if k.Status == trustpolicy.KeyAssumed {
				key += " (assumed)"
			}
			none = append(none, key)
		default:
			line := fmt.Sprintf("%-*s  %s", width, key, quoteValues(k.Values))
			if k.Status == trustpolicy.KeyAssumed {
				line += "  (assumed, see below)"
				notes = append(notes, key+": "+clean(k.Note))
			}
			have = append(have, line)
		}
	}
	if len(have) == 0 {
		have = []string{"none with a value in this token"}
	}
	t.add("condition keys", strings.Join(have, "\n"))
	if len(none) > 0 {
		t.add("no value here", strings.TrimSuffix(wrap(strings.Join(none, ", "), "", 96), "\n"))
	}
	if len(disputed) > 0 {
		t.add("disputed", strings.Join(disputed, "\n")+"\n"+strings.TrimSuffix(wrap("AWS's sources disagree on whether STS provides these keys; rawsts treats them as absent (--json and rawsts lint-trust-policy say which sources and what to use instead)", "", 96), "\n"))
	}
	if len(notes) > 0 {
		t.add("assumed", strings.TrimSuffix(wrap(strings.Join(notes, "; "), "", 96), "\n"))
	}
	if len(notKeys) > 0 {
		t.add("not keys", strings.TrimSuffix(wrap(strings.Join(notKeys, ", ")+": STS provides no condition key for these claims, so a condition on ISSUER:CLAIM never matches (--json and rawsts lint-trust-policy say what to use instead)", "", 96), "\n"))
	}
}

// quoteValues shows a key's values as the policy compares them.
func quoteValues(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = clean(strconv.Quote(s))
	}
	return strings.Join(q, ", ")
}

var verifySteps = []string{jwtinspect.StepDiscovery, jwtinspect.StepIssuer, jwtinspect.StepJWKS,
	jwtinspect.StepKid, jwtinspect.StepKey, jwtinspect.StepAlg, jwtinspect.StepSignature}

func (r *inspectReport) writeVerification(w io.Writer) {
	v := r.verification
	budget := r.opts.timeout
	if v.KeySource != "" {
		fmt.Fprintf(w, "\nVerification (--jwks: the steps STS takes from kid on, with the keys in %s)\n", clean(v.KeySource))
	} else {
		fmt.Fprintf(w, "\nVerification (--verify: the steps STS takes; each fetch has %s)\n", budget)
	}
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
	if v.KeySource != "" {
		// Nothing was fetched: the steps before kid are STS's alone.
		detail[jwtinspect.StepJWKS] = fmt.Sprintf("%s, %s", clean(v.KeySource), plural(len(v.KeyIDs), "key"))
	}
	var t table
	state := "ok"
	for _, step := range verifySteps {
		switch {
		case v.KeySource != "" && step == jwtinspect.StepDiscovery:
			t.add(step, "--      not fetched: the keys are those of "+clean(v.KeySource)+" (--jwks)")
		case v.KeySource != "" && step == jwtinspect.StepIssuer:
			t.add(step, "--      not checked: it needs the discovery document")
		case v.KeySource != "" && step == jwtinspect.StepJWKS && failed != step:
			t.add(step, "given   "+detail[step])
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
