package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/rawsts/rawsts/internal/awsquery"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/jwtinspect"
)

// Library errors start with their package's name and wrap one another ("sts: …: Post …: dial
// tcp …"), which is right for programmers and wrong for people. The CLI renders them: what
// failed, where, and what to do, choosing the words with errors.As on the typed errors, as the
// go command says "go: cannot find main module; see 'go help modules'".

// packagePrefix matches the "pkg: " prefixes of our libraries' messages (and of the XML
// library's and net/url's), wherever a wrapped message put them, and net/url's
// `parse "URL": ` (the URL is already named).
var packagePrefix = regexp.MustCompile(`(^|[\s(])(?:(?:sts|sigv4|cognitoauth|cognitoidentity|jwtinspect|trustpolicy|iam|awsquery|httpx|etree|recording|diagnose|verify|awsconfig|creds|idtoken|eks|ui|net/url|json): |parse "(?:[^"\\]|\\.)*": )`)

// plain returns the text of err without package prefixes: the last resort for an error no
// rendering below knows.
func plain(err error) string {
	return unchain(err.Error())
}

// unchain removes package prefixes from a message (see packagePrefix).
func unchain(msg string) string {
	// Twice: a prefix's own match consumes the space a directly following one starts with.
	for i := 0; i < 2; i++ {
		msg = packagePrefix.ReplaceAllString(msg, "$1")
	}
	return msg
}

// transportProblem says, for people, what went wrong on the way to service ("STS", "Cognito",
// "IAM") at where (its URL) when err is a failure of the way rather than an answer: a redirect
// (where it pointed, and that it was not followed), a timeout (the limit and the flag that sets
// it), the network (netProblem). endpointFlags names the settings that choose the URL, for a
// redirect. It is "" for any other error.
func transportProblem(err error, service, where, endpointFlags string) string {
	var redirect *httpx.RedirectError
	if errors.As(err, &redirect) {
		return fmt.Sprintf("%s at %s answered HTTP %d, a redirect %s; rawsts never follows a redirect, which would carry your secrets to that host, and AWS endpoints never send one: check %s",
			service, where, redirect.StatusCode, redirectTarget(redirect), endpointFlags)
	}
	if p := netProblem(err); p != "" {
		return fmt.Sprintf("cannot get a reply from %s at %s: %s", service, where, p)
	}
	return ""
}

// redirectTarget says where a redirect pointed: "to https://HOST", or "without a usable
// Location". Only the scheme and host are named (httpx.RedirectError keeps no more); the path
// and query may hold an echoed secret.
func redirectTarget(e *httpx.RedirectError) string {
	if e.Location == "" {
		return "without a usable Location"
	}
	return "to " + e.Location
}

// stalled says that no complete reply came within limit, the --timeout in force.
func stalled(limit time.Duration) string {
	return "no complete reply within " + limit.String() + " (--timeout): the server or something on the way is stalled; try again, or allow longer with --timeout"
}

// isTimeout reports whether err is a request that ran out of time.
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
}

// netProblemWithin is netProblem for a request made with limit as its --timeout, for errors
// that do not carry their limit (jwtinspect's fetches, a TLS dial): a timeout names it.
func netProblemWithin(err error, limit time.Duration) string {
	if limit > 0 && isTimeout(err) && !errors.Is(err, context.Canceled) {
		return stalled(limit)
	}
	return netProblem(err)
}

// netProblem says in words why a request did not get a reply: "connection refused (nothing
// listens there)", "no complete reply within 30s (--timeout) …" …; "" when err is not a
// transport failure.
func netProblem(err error) string {
	var timeout *httpx.TimeoutError
	var dnsErr *net.DNSError
	var recErr tls.RecordHeaderError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certErr *tls.CertificateVerificationError
	var invalidCert x509.CertificateInvalidError
	var urlErr *url.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted before the reply came"
	case errors.As(err, &timeout) && timeout.Limit > 0:
		return stalled(timeout.Limit)
	case isTimeout(err):
		return "no reply within the timeout (--timeout sets it)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (nothing listens there)"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("the host %s does not exist (DNS has no address for it)", dnsErr.Name)
		}
		return fmt.Sprintf("cannot look up the host %s: %s", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &recErr):
		return "the server does not speak TLS there (an http:// server given as https://?)"
	case errors.As(err, &unknownCA):
		return "its TLS certificate is not signed by a trusted authority"
	case errors.As(err, &hostErr):
		return "its TLS certificate is for another host: " + hostErr.Error()
	case errors.As(err, &invalidCert):
		return "its TLS certificate is not valid: " + invalidCert.Error()
	case errors.As(err, &certErr):
		return "its TLS certificate cannot be verified: " + certErr.Err.Error()
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed before a whole reply came"
	case errors.As(err, &urlErr):
		// Another failure on the way: its innermost words, without the method and URL (the
		// caller names the URL).
		inner := urlErr.Err
		for errors.Unwrap(inner) != nil {
			inner = errors.Unwrap(inner)
		}
		// A library may have scrubbed secrets from the text (httpx.Secrets.ScrubError wraps the
		// whole error, not its causes): when the cause's words are not in err's own text, take
		// them from there, after the quoted URL.
		text, full := inner.Error(), err.Error()
		if !strings.Contains(full, text) {
			text = full
			if i := strings.Index(full, `": `); i >= 0 {
				text = full[i+3:]
			}
		}
		return unchain(text)
	}
	return ""
}

// transportFailure reports whether err is the network failing on the way — nothing listened,
// DNS, TLS (a handshake, a chain that does not verify), a timeout, a redirect, a body cut short
// — rather than an answer that failed a check: the first exits 3, the second 1.
func transportFailure(err error) bool {
	var urlErr *url.Error
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var redirect *jwtinspect.RedirectError
	var httpxRedirect *httpx.RedirectError
	return errors.As(err, &urlErr) || errors.As(err, &netErr) || errors.As(err, &certErr) ||
		errors.As(err, &unknown) || errors.As(err, &hostErr) || errors.As(err, &recErr) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &redirect) || errors.As(err, &httpxRedirect)
}

// why says why a request made with limit as its --timeout failed: netProblemWithin's words,
// or plain(err) when it has none.
func why(err error, limit time.Duration) string {
	if p := netProblemWithin(err, limit); p != "" {
		return p
	}
	return plain(err)
}

// replyProblem describes a reply that is not the protocol's, from the parts every client's
// ResponseError carries: "answered HTTP 502 with something that is not an STS reply (an HTML
// page): <html>…".
func replyProblem(service string, status int, contentType, reason, snippet string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "answered HTTP %d with something that is not %s reply", status, withArticle(service))
	what := reason
	if what == "" && strings.Contains(contentType, "html") {
		what = "an HTML page"
	}
	if what != "" {
		fmt.Fprintf(&b, " (%s)", textsafe.OneLine(what))
	}
	if snippet != "" {
		b.WriteString(": " + textsafe.OneLine(snippet))
	} else if reason == "" {
		b.WriteString(": an empty body")
	}
	return b.String()
}

// withArticle puts "a" or "an" before a service name as it is read aloud: an STS, an IAM, a
// Cognito.
func withArticle(service string) string {
	switch service {
	case "STS", "IAM", "OIDC":
		return "an " + service
	}
	return "a " + service
}

// replyAdvice is what to do about a reply that is not the protocol's.
func replyAdvice(status int, flag string) string {
	if status >= 500 {
		return "the service or a proxy on the way failed; try again later, or check " + flag
	}
	return "check that " + flag + " points at the service (a proxy, a captive portal or another server answered)"
}

// describeQueryReply renders an awsquery ResponseError (STS, IAM) for people.
func describeQueryReply(service, where, flag string, e *awsquery.ResponseError) string {
	reason := ""
	switch {
	case errors.Is(e.Err, httpx.ErrBodyTooLarge):
		reason = fmt.Sprintf("the body is larger than %d bytes", httpx.MaxBodySize)
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		reason = "the connection closed before the end of the body"
	case e.Err != nil:
		reason = plain(e.Err)
	}
	return fmt.Sprintf("%s at %s %s; %s", service, where, replyProblem(service, e.StatusCode, e.ContentType, reason, e.Snippet), replyAdvice(e.StatusCode, flag))
}

// dropBOM returns b without a leading UTF-8 byte-order mark, saying so on standard error:
// editors on Windows save one, JSON and JWTs have none, and Go's decoder would report it as
// "invalid character 'ï'". what names the input ("--trust-policy policy.json"). A token is
// read from after the mark (a JWT is base64url text; STS would refuse the mark); for a policy
// or provider document, whether AWS accepts one is not documented, so the note says to save
// the file without one.
func dropBOM(s *streams, what string, b []byte) []byte {
	rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf"))
	switch {
	case !ok:
	case strings.HasPrefix(what, "the token"):
		errorf(s, "%s starts with a UTF-8 byte-order mark; rawsts reads the token after it", textsafe.OneLine(what))
	default:
		errorf(s, "%s starts with a UTF-8 byte-order mark; rawsts reads what follows it (whether AWS accepts a document with one is not documented: save the file as UTF-8 without a BOM)", textsafe.OneLine(what))
	}
	return rest
}

// writeProblem says why writing the file path failed, without the operation and path of an
// *fs.PathError (the temporary file rawsts writes first means nothing to the person who named
// path): "its directory does not exist", "permission denied" …
func writeProblem(path string, err error) string {
	if fi, statErr := os.Stat(path); statErr == nil && fi.IsDir() {
		return "it is a directory"
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, statErr := os.Stat(filepath.Dir(path)); statErr == nil {
			return "no file can be created in its directory"
		}
		return "its directory does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only"
	case errors.Is(err, syscall.ENOSPC):
		return "no space left on the device"
	case errors.Is(err, syscall.EISDIR):
		return "it is a directory"
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of the path is not a directory"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}
