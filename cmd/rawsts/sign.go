package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/sigv4"
)

var cmdSign = &command{
	name:    "sign",
	summary: "sign any AWS request with SigV4 and send it, curl-like (--dry-run prints it, --presign makes a URL)",
	run:     runSign,
}

type signOptions struct {
	method                string
	headers, data, binary stringList
	urlencode             stringList
	region, service, at   string
	profile               string
	dryRun, verbose       bool
	include, presign      bool
	expires               int
	timeout               time.Duration
}

func runSign(ctx context.Context, s *streams, args []string) int {
	const name = "sign"
	var o signOptions
	fs := newFlagSet(s, name)
	for _, n := range []string{"X", "request"} {
		fs.StringVar(&o.method, n, "", "")
	}
	for _, n := range []string{"H", "header"} {
		fs.Var(&o.headers, n, "")
	}
	for _, n := range []string{"d", "data"} {
		fs.Var(&o.data, n, "")
	}
	fs.Var(&o.binary, "data-binary", "")
	fs.Var(&o.urlencode, "data-urlencode", "")
	for _, n := range []string{"i", "include"} {
		fs.BoolVar(&o.include, n, false, "")
	}
	fs.StringVar(&o.region, "region", "", "")
	fs.StringVar(&o.service, "service", "", "")
	fs.StringVar(&o.at, "time", "", "")
	fs.StringVar(&o.profile, "profile", "", "")
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	fs.BoolVar(&o.verbose, "verbose", false, "")
	fs.BoolVar(&o.presign, "presign", false, "")
	fs.IntVar(&o.expires, "expires", 900, "")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if code, ok := profileFlagError(s, name, "--profile", o.profile); !ok {
		return code
	}
	switch {
	case len(pos) == 0:
		return usageError(s, name, "no URL: rawsts sign [flags] https://HOST/PATH")
	case len(pos) > 1:
		return usageError(s, name, "one URL only; unexpected argument %s", describeArg(pos[1]))
	case o.presign && o.dryRun:
		return usageError(s, name, "--presign sends nothing already; drop --dry-run")
	case o.expires < 1 || time.Duration(o.expires)*time.Second > sigv4.MaxPresignExpiry:
		return usageError(s, name, "--expires %d: want 1 to %d seconds", o.expires, int(sigv4.MaxPresignExpiry/time.Second))
	}

	r, body, err := o.request(s, pos[0])
	if err != nil {
		return usageError(s, name, "%v", err)
	}
	service, region, err := o.scope(s, r)
	if err != nil {
		errorf(s, "%v (nothing was sent)", err)
		return exitUsage
	}
	at := s.now()
	if o.at != "" {
		if at, err = parseSigningTime(o.at); err != nil {
			return usageError(s, name, "%v", err)
		}
	}
	cr, code := signingCredentials(ctx, s, o.profile, nil, "cannot sign")
	if code != exitOK {
		return code
	}
	creds := cr.Credentials
	if o.verbose {
		errorf(s, "signing with access key %s from %s", creds.AccessKeyID, cr.Source)
	}

	signer := new(sigv4.Signer)
	if o.presign {
		hash := sigv4.HashPayload(body)
		if service == "s3" && len(body) == 0 {
			hash = "" // S3 URLs sign UNSIGNED-PAYLOAD: whoever uses the URL chooses the body
		}
		u, sig, err := signer.PresignHTTP(r, creds, hash, service, region, at, time.Duration(o.expires)*time.Second)
		if err != nil {
			errorf(s, "%s (nothing was sent)", plain(err))
			return exitUsage
		}
		o.explain(s, sig, creds)
		fmt.Fprintln(s.stdout, u.String())
		return exitOK
	}
	sig, err := signer.SignHTTP(r, creds, sigv4.HashPayload(body), service, region, at)
	if err != nil {
		errorf(s, "%s (nothing was sent)", plain(err))
		return exitUsage
	}
	o.explain(s, sig, creds)
	if o.dryRun {
		writeWireRequest(s.stdout, r, body)
		return exitOK
	}
	return o.send(ctx, s, r, body, creds)
}

// request builds the unsigned request from the URL, -X, -H and -d.
func (o *signOptions) request(s *streams, rawURL string) (*http.Request, []byte, error) {
	u, err := httpx.CheckEndpoint(rawURL)
	if err != nil {
		return nil, nil, err
	}
	if u.Path == "" && u.Opaque == "" {
		u.Path = "/"
	}
	if (len(o.data) > 0 || len(o.urlencode) > 0) && len(o.binary) > 0 {
		return nil, nil, errors.New("give the body with -d and --data-urlencode, or with --data-binary, not both")
	}
	var parts []string
	for _, d := range o.data {
		b, err := readData(s, d, true)
		if err != nil {
			return nil, nil, err
		}
		parts = append(parts, string(b))
	}
	for _, d := range o.urlencode {
		p, err := urlencodeData(s, d)
		if err != nil {
			return nil, nil, err
		}
		parts = append(parts, p)
	}
	for _, d := range o.binary {
		b, err := readData(s, d, false)
		if err != nil {
			return nil, nil, err
		}
		parts = append(parts, string(b))
	}
	body := []byte(strings.Join(parts, "&"))
	method := strings.ToUpper(o.method)
	if method == "" {
		method = http.MethodGet
		if len(parts) > 0 {
			method = http.MethodPost
		}
	}
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		return nil, nil, fmt.Errorf("-X %q: %w", o.method, err)
	}
	r.URL = u // keep the path exactly as given
	for _, h := range o.headers {
		k, v, ok := strings.Cut(h, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\r\n") || strings.ContainsAny(v, "\r\n") {
			return nil, nil, fmt.Errorf("-H %q: want 'Name: value'", h)
		}
		v = strings.TrimSpace(v)
		if http.CanonicalHeaderKey(k) == "Host" {
			r.Host = v
			continue
		}
		r.Header.Add(k, v)
	}
	if len(parts) > 0 && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded") // as curl -d does
	}
	return r, body, nil
}

// readData returns the value of -d or --data-binary: the text itself, or the contents of FILE
// for @FILE (@- is standard input). As curl does for -d, strip drops carriage returns and
// newlines from a file; --data-binary keeps every byte.
func readData(s *streams, v string, strip bool) ([]byte, error) {
	if !strings.HasPrefix(v, "@") {
		return []byte(v), nil
	}
	b, err := readFileOrStdin(s, v[1:], maxBodyFile)
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if strip {
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r"), nil), []byte("\n"), nil)
	}
	return b, nil
}

// urlencodeData returns the form field of --data-urlencode, as curl's: NAME=TEXT and
// NAME@FILE give NAME= and the text (or the file's bytes, every one kept) URL-encoded as a
// form value; TEXT, =TEXT and @FILE the encoded value alone. It is the way to send a JSON
// document (a trust policy) in a Query call without encoding it by hand.
func urlencodeData(s *streams, v string) (string, error) {
	name, value, file := "", v, false
	if i := strings.IndexAny(v, "=@"); i >= 0 {
		name, value, file = v[:i], v[i+1:], v[i] == '@'
	}
	if file {
		b, err := readData(s, "@"+value, false)
		if err != nil {
			return "", err
		}
		value = string(b)
	}
	if name == "" {
		return url.QueryEscape(value), nil
	}
	return name + "=" + url.QueryEscape(value), nil
}

// scope returns the service and region to sign for: the flags, else what the host says.
func (o *signOptions) scope(s *streams, r *http.Request) (string, string, error) {
	service, region := o.service, o.region
	if service != "" && region != "" {
		return service, region, nil
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	svc, reg, err := inferScope(host)
	if err != nil {
		return "", "", err
	}
	var inferred []string
	if service == "" {
		service = svc
		inferred = append(inferred, "service "+svc)
	}
	if region == "" {
		region = reg
		inferred = append(inferred, "region "+reg)
	}
	if o.verbose {
		errorf(s, "%s inferred from the host %s (--service and --region override)", strings.Join(inferred, " and "), host)
	}
	return service, region, nil
}

// explain prints, for --verbose, the canonical request and the string to sign, with the session
// token shown as its length.
func (o *signOptions) explain(s *streams, sig *sigv4.Signature, creds sigv4.Credentials) {
	if !o.verbose {
		return
	}
	cr := sig.CanonicalRequest
	if t := creds.SessionToken; t != "" {
		redacted := httpx.Redacted(len(t))
		cr = strings.ReplaceAll(cr, t, redacted)
		cr = strings.ReplaceAll(cr, url.QueryEscape(t), redacted)
	}
	fmt.Fprintf(s.stderr, "rawsts: canonical request:\n%s\nrawsts: string to sign:\n%s\nrawsts: signature %s\n", cr, sig.StringToSign, sig.Signature)
}

// send sends the signed request and prints the response body (with -i, the status line and the
// headers first). A status of 400 or more exits 1, after the body is printed. A redirect is
// printed too but not followed — the request is signed for its own host, and following would
// carry Authorization and X-Amz-Security-Token to the Location's — and exits 3.
//
// Servers echo what they received, and an error page most of all: the headers, and the body of
// a reply of 300 or more, are printed with every secret of the request — the session token,
// the signature, the secret key, the secret fields of a form body — hidden by value, in any
// encoding (httpx.Secrets); such a body is read up to httpx.MaxBodySize. The body of a success
// is streamed as it comes: it is the data asked for (an S3 object may be large), and the
// request's secrets are not in it.
func (o *signOptions) send(ctx context.Context, s *streams, r *http.Request, body []byte, creds sigv4.Credentials) int {
	secrets := httpx.NewSecrets(creds.SecretAccessKey, creds.SessionToken)
	secrets.AddHeader(r.Header)
	secrets.AddForm(r.URL.Query())
	secrets.AddBody(r.Header.Get("Content-Type"), body)
	s.addSecrets(secrets.Values()...) // and from everything on stderr: an error may quote the URL or a status line
	if code := s.checkCABundle(); code != exitOK {
		return code
	}
	client := s.httpClient(false, o.timeout) // never follows a redirect
	resp, err := client.Do(r.WithContext(ctx))
	if err != nil {
		errorf(s, "cannot get a reply from %s: %s", r.URL.Redacted(), why(err, o.timeout))
		return exitTransport
	}
	defer resp.Body.Close()
	if o.include {
		var head strings.Builder
		writeWireResponseHead(&head, resp)
		io.WriteString(s.stdout, secrets.Scrub(head.String()))
	}
	readFailed := func(err error) int {
		errorf(s, "the reply from %s broke off: %s", r.URL.Host, why(err, o.timeout))
		return exitTransport
	}
	if resp.StatusCode < 300 {
		// The body is streamed, not buffered: an S3 object may be large, and memory stays flat;
		// --timeout bounds the whole exchange, the body included.
		if _, err := io.Copy(s.stdout, resp.Body); err != nil {
			return readFailed(err)
		}
		return exitOK
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, httpx.MaxBodySize+1))
	over := len(b) > httpx.MaxBodySize
	if over {
		b = b[:httpx.MaxBodySize]
	}
	if over || err != nil {
		io.WriteString(s.stdout, secrets.ScrubCut(string(b)))
	} else {
		io.WriteString(s.stdout, secrets.Scrub(string(b)))
	}
	switch {
	case err != nil:
		return readFailed(err)
	case over:
		errorf(s, "the reply goes on past %d bytes; the rest is not shown", httpx.MaxBodySize)
	}
	var redirect *httpx.RedirectError
	if errors.As(secrets.ScrubError(httpx.Redirect(resp)), &redirect) {
		errorf(s, "%s answered %s, a redirect %s; rawsts sign never follows one: the request is signed for %s, and following would carry its Authorization (and session token) to another host. To call that URL, sign a request for it", r.URL.Host, resp.Status, redirectTarget(redirect), r.URL.Host)
		return exitTransport
	}
	errorf(s, "%s answered %s", r.URL.Host, resp.Status)
	return exitRefused
}

// parseSigningTime reads --time: 20150830T123600Z (X-Amz-Date's form) or RFC 3339.
func parseSigningTime(v string) (time.Time, error) {
	if t, err := time.Parse(sigv4.TimeFormat, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("--time %q: want 20150830T123600Z or 2015-08-30T12:36:00Z", v)
}
