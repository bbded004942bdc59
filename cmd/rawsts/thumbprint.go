package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
)

var cmdThumbprint = &command{
	name:    "thumbprint",
	summary: "compute the IAM OIDC provider thumbprint of an issuer (SHA-1 of the last certificate of its JWKS host)",
	run:     runThumbprint,
}

// thumbprintNote is printed with every thumbprint: what AWS does with it today.
const thumbprintNote = "AWS now validates an identity provider's TLS certificate against its own library of " +
	"trusted root CAs and uses the thumbprints configured on the IAM OIDC provider only as a fallback, " +
	"for providers whose certificate does not chain to a publicly trusted root. For those, a stale " +
	"thumbprint makes STS fail with \"OpenIDConnect provider's HTTPS certificate doesn't match " +
	"configured thumbprint\"."

// thumbprintJSON is the --json document: the thumbprint and the note.
type thumbprintJSON struct {
	*jwtinspect.Thumbprint
	Note string `json:"note"`
}

func runThumbprint(ctx context.Context, s *streams, args []string) int {
	const name = "thumbprint"
	var host, caFile string
	var asJSON bool
	var timeout time.Duration
	fs := newFlagSet(s, name)
	fs.StringVar(&host, "host", "", "")
	fs.StringVar(&caFile, "ca-file", "", "")
	fs.BoolVar(&asJSON, "json", false, "")
	fs.DurationVar(&timeout, "timeout", jwtinspect.DefaultTimeout, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	switch {
	case len(pos) > 1:
		return usageError(s, name, "unexpected argument %s (give one issuer URL)", describeArg(pos[1]))
	case len(pos) == 0 && host == "":
		return usageError(s, name, "no issuer: pass ISSUER_URL (https://…) or --host HOST[:PORT]")
	case len(pos) == 1 && host != "":
		return usageError(s, name, "give ISSUER_URL or --host, not both")
	}
	issuer := ""
	if len(pos) == 1 {
		issuer = pos[0]
		if u, err := url.Parse(issuer); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return usageError(s, name, "%q is not an issuer URL; want https://HOST[/PATH], the token's iss", issuer)
		}
	}

	// The TLS settings: --ca-file, else AWS_CA_BUNDLE, else the system's CAs.
	var tr *http.Transport
	if caFile != "" {
		var err error
		if tr, err = transportWithCA(caFile); err != nil {
			return usageError(s, name, "--ca-file: %v", err)
		}
	} else {
		if code := s.checkCABundle(); code != exitOK {
			return code
		}
		tr = http.DefaultTransport.(*http.Transport).Clone()
		if t, ok := s.networkTransport().(*http.Transport); ok {
			tr = t
		}
	}

	var tp *jwtinspect.Thumbprint
	var err error
	if host != "" {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		tp, err = jwtinspect.ThumbprintOf(ctx, host, tr.TLSClientConfig)
	} else {
		var rt http.RoundTripper = tr
		if s.transport != nil {
			rt = s.transport
		}
		v := &jwtinspect.Verifier{HTTPClient: &http.Client{Transport: rt}, Timeout: timeout, Now: s.now}
		tp, err = v.Thumbprint(ctx, issuer)
	}
	if err != nil {
		return reportThumbprintError(s, host, issuer, timeout, err)
	}

	if asJSON {
		b, err := marshalIndent(thumbprintJSON{tp, thumbprintNote}, "  ")
		if err != nil {
			errorf(s, "%v", err)
			return exitTransport
		}
		s.stdout.Write(b)
		return exitOK
	}
	var t table
	t.add("thumbprint", tp.SHA1)
	where := "(--host)"
	if issuer != "" {
		where = "(the host of the issuer's jwks_uri)"
	}
	t.add("host", clean(tp.Host)+"  "+where)
	t.add("certificate", "the last one of the chain the server presents")
	t.add("  subject", clean(tp.Subject))
	t.add("  issuer", clean(tp.Issuer))
	t.add("  valid", fmt.Sprintf("%s to %s (%s)", tp.NotBefore.Format(time.RFC3339), tp.NotAfter.Format(time.RFC3339), validity(tp, s.now())))
	t.write(s.stdout)
	fmt.Fprintf(s.stdout, "\n%s", wrap(thumbprintNote, "", 100))
	if issuer != "" {
		if u, err := url.Parse(issuer); err == nil {
			if h, _, _ := net.SplitHostPort(tp.Host); h != "" && h != u.Hostname() {
				fmt.Fprintf(s.stdout, "\n%s", wrap(clean(fmt.Sprintf("The discovery document is served by %s, not %s; IAM advises registering the thumbprints of both (rawsts thumbprint --host %s).", u.Host, h, u.Host)), "", 100))
			}
		}
	}
	return exitOK
}

// reportThumbprintError prints why no thumbprint came and returns the exit code: 3 when a host
// could not be reached, its TLS failed or it redirected, 1 when the issuer's discovery document does not lead
// to an https JWKS host.
func reportThumbprintError(s *streams, host, issuer string, timeout time.Duration, err error) int {
	var se *jwtinspect.StepError
	var urlErr *url.Error
	where := host
	if where == "" {
		where = issuer
	}
	if errors.As(err, &urlErr) {
		where = urlErr.URL
	}
	var redirect *jwtinspect.RedirectError
	switch {
	case errors.As(err, &redirect):
		errorf(s, "%s", plain(redirect))
		return exitTransport
	case transportFailure(err):
		errorf(s, "cannot get a reply from %s: %s", where, why(err, timeout))
		return exitTransport
	case errors.As(err, &se):
		errorf(s, "cannot find the issuer's JWKS host (the %s step): %s", se.Step, plain(se.Err))
	default:
		errorf(s, "%s", plain(err))
	}
	return exitRefused
}

func validity(tp *jwtinspect.Thumbprint, now time.Time) string {
	switch {
	case now.Before(tp.NotBefore):
		return "not valid for another " + jwtinspect.HumanDuration(tp.NotBefore.Sub(now))
	case now.After(tp.NotAfter):
		return "expired " + jwtinspect.HumanDuration(now.Sub(tp.NotAfter)) + " ago"
	}
	return "expires in " + jwtinspect.HumanDuration(tp.NotAfter.Sub(now))
}
