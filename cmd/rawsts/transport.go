package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strconv"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/jwtinspect"
)

// redirectTarget says where a redirect pointed: "to https://HOST", or "without a usable
// Location". Only the scheme and host are named; the path and query may hold an echoed secret.
func redirectTarget(e *httpx.RedirectError) string {
	if e.Location == "" {
		return "without a usable Location"
	}
	return "to " + e.Location
}

// transportMessage says, for people, what went wrong on the way to a service when it is a
// redirect (where it pointed, and that it was not followed) or a timeout (the host, the limit
// and the flag that sets it); it is "" for every other error. service names the other side
// ("STS", "Cognito", "IAM"), endpoint the settings that choose its URL.
func transportMessage(err error, service, endpoint string) string {
	var redirect *httpx.RedirectError
	var timeout *httpx.TimeoutError
	switch {
	case errors.As(err, &redirect):
		return "the " + service + " endpoint answered HTTP " + strconv.Itoa(redirect.StatusCode) + ", a redirect " + redirectTarget(redirect) +
			"; rawsts never follows a redirect, which would carry your secrets to that host, and AWS endpoints never send one: check " + endpoint
	case errors.As(err, &timeout) && timeout.Limit > 0:
		return service + " at " + timeout.Host + " sent no complete reply within " + timeout.Limit.String() +
			" (--timeout): the service or something on the way is stalled; try again, or allow longer with --timeout"
	case errors.As(err, &timeout):
		return service + " at " + timeout.Host + " sent no complete reply in time"
	}
	return ""
}

// transportFailure reports whether err is the network failing on the way — nothing listened,
// DNS, TLS (a handshake, a chain that does not verify), a timeout, a redirect — rather than an
// answer that failed a check: the first exits 3, the second 1.
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
		errors.Is(err, context.DeadlineExceeded) || errors.As(err, &redirect) || errors.As(err, &httpxRedirect)
}
