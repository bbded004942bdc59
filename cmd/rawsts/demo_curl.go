package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/rawsts/rawsts/internal/httpx"
)

// demoLongValue is the length above which the demo's curl shows a value as <NAME: N chars>
// though it is no secret (SRP's public SRP_A): a curl to read, not to paste.
const demoLongValue = 120

// curl renders the request as the equivalent curl command: a signed request with curl's
// --aws-sigv4 and the variables of the key that signed it (never the key), the body with every
// secret (and any very long value) as <NAME: N chars>, as `rawsts assume --print-curl` shows
// the token.
func (ex *demoExchange) curl(d *demoRun) string {
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }
	add("curl %s", shellQuote(ex.url))
	if strings.HasPrefix(ex.url, "https:") && d.env["AWS_CA_BUNDLE"] != "" {
		add(`--cacert "$AWS_CA_BUNDLE"`)
	}
	if ex.method != "GET" && ex.method != "POST" || ex.method == "POST" && len(ex.body) == 0 {
		add("-X %s", ex.method)
	}
	if scope, key, ok := sigv4Scope(ex.header.Get("Authorization")); ok {
		id, secret := "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"
		if key == d.env["RAWSTS_ADMIN_ACCESS_KEY_ID"] {
			id, secret = "RAWSTS_ADMIN_ACCESS_KEY_ID", "RAWSTS_ADMIN_SECRET_ACCESS_KEY"
		}
		add("--aws-sigv4 %s", singleQuote("aws:amz:"+scope))
		add(`--user "$%s:$%s"`, id, secret)
		if ex.header.Get("X-Amz-Security-Token") != "" {
			add(`-H "X-Amz-Security-Token: $AWS_SESSION_TOKEN"`)
		}
	}
	ct := ex.header.Get("Content-Type")
	switch {
	case len(ex.body) == 0:
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		for _, p := range strings.Split(string(ex.body), "&") {
			k, v, _ := strings.Cut(p, "=")
			name, err1 := url.QueryUnescape(k)
			value, err2 := url.QueryUnescape(v)
			if err1 != nil || err2 != nil {
				name, value = k, v
			}
			switch file, ok := d.files[value]; {
			case ok:
				add("--data-urlencode %s", singleQuote(name+"@"+file))
				continue
			case httpx.RedactForm(p) != p || len(value) > demoLongValue:
				value = fmt.Sprintf("<%s: %d chars>", name, len(value))
			}
			add("--data-urlencode %s", singleQuote(name+"="+value))
		}
	default:
		for _, h := range []string{"Content-Type", "X-Amz-Target"} {
			if v := ex.header.Get(h); v != "" {
				add("-H %s", singleQuote(h+": "+v))
			}
		}
		add("--data %s", singleQuote(demoJSON(ct, ex.body)))
	}
	return strings.Join(lines, " \\\n  ") + "\n"
}

// sigv4Scope returns REGION:SERVICE and the access key id of a SigV4 Authorization header.
func sigv4Scope(authz string) (scope, key string, ok bool) {
	_, cred, found := strings.Cut(authz, "Credential=")
	if !found {
		return "", "", false
	}
	cred, _, _ = strings.Cut(cred, ",")
	p := strings.Split(cred, "/")
	if len(p) != 5 {
		return "", "", false
	}
	return p[2] + ":" + p[3], p[0], true
}

// demoJSON is a JSON body with its secret members (those httpx.Redact hides) and very long
// values shown as <NAME: N chars>, members in name order; the body as it is when it is not a
// JSON object.
func demoJSON(ct string, body []byte) string {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return string(httpx.Redact(ct, body))
	}
	var hide func(m map[string]any)
	hide = func(m map[string]any) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch v := m[k].(type) {
			case map[string]any:
				hide(v)
			case string:
				probe, _ := json.Marshal(map[string]string{k: v})
				if !bytes.Equal(httpx.Redact(ct, probe), probe) || len(v) > demoLongValue {
					m[k] = fmt.Sprintf("<%s: %d chars>", k, len(v))
				}
			}
		}
	}
	hide(m)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(m)
	return strings.TrimSpace(b.String())
}
