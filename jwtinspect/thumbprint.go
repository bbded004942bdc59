package jwtinspect

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Thumbprint is the IAM OIDC provider thumbprint of a host and the certificate it comes from.
type Thumbprint struct {
	// SHA1 is the SHA-1 of the certificate's DER bytes: 40 lower-case hex digits, no colons,
	// as IAM stores it in ThumbprintList.
	SHA1 string `json:"sha1"`
	// Subject is the certificate's subject distinguished name, as x509's Name.String writes it.
	Subject string `json:"subject"`
	// Issuer is the distinguished name of the certificate's issuer (the same as Subject for a
	// self-signed root).
	Issuer string `json:"issuer"`
	// NotBefore is the start of the certificate's validity.
	NotBefore time.Time `json:"not_before"`
	// NotAfter is the end of the certificate's validity; the host will serve another
	// certificate by then, and its thumbprint may change with it.
	NotAfter time.Time `json:"not_after"`
	// Host is the host:port that was dialled.
	Host string `json:"host"`
}

// ThumbprintOf computes the thumbprint IAM would record for an OIDC provider served by host:
// it opens TLS to host (port 443 unless host has one) with SNI set to the host name, takes the
// LAST certificate of the chain the server presents (the top intermediate, or the root if the
// server sends it) and hashes its DER with SHA-1.
//
// ctx bounds the dial and handshake (DefaultTimeout if it has no deadline). A nil cfg means
// the system roots. The chain is verified as usual; to thumbprint an IdP
// whose certificate is issued by a private CA, pass a cfg whose RootCAs holds that CA.
//
// AWS now validates an IdP's TLS certificate against its own library of trusted root CAs and
// uses the configured thumbprints only as a fallback, for IdPs whose certificate does not
// chain to a publicly trusted root. For such IdPs a stale thumbprint still fails STS with
// "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint".
func ThumbprintOf(ctx context.Context, host string, cfg *tls.Config) (*Thumbprint, error) {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), "443"
	}
	if name == "" {
		return nil, fmt.Errorf("jwtinspect: thumbprint: no host in %q", host)
	}
	var c *tls.Config
	if cfg != nil {
		c = cfg.Clone()
	} else {
		c = &tls.Config{}
	}
	c.ServerName = name
	addr := net.JoinHostPort(name, port)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	deadline, _ := ctx.Deadline()
	budget := time.Until(deadline).Round(100 * time.Millisecond)
	d := tls.Dialer{Config: c}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && budget > 0 {
			return nil, fmt.Errorf("jwtinspect: thumbprint: TLS to %s did not finish within %s: %w", addr, budget, err)
		}
		return nil, fmt.Errorf("jwtinspect: thumbprint: TLS to %s: %w", addr, err)
	}
	defer conn.Close()
	certs := conn.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return nil, fmt.Errorf("jwtinspect: thumbprint: %s presented no certificate", addr)
	}
	last := certs[len(certs)-1]
	sum := sha1.Sum(last.Raw)
	return &Thumbprint{
		SHA1:      hex.EncodeToString(sum[:]),
		Subject:   last.Subject.String(),
		Issuer:    last.Issuer.String(),
		NotBefore: last.NotBefore.UTC(),
		NotAfter:  last.NotAfter.UTC(),
		Host:      addr,
	}, nil
}

// Thumbprint computes the thumbprint IAM would record for issuer: it reads jwks_uri from the
// issuer's discovery document and thumbprints jwks_uri's host with [ThumbprintOf]. The TLS
// settings come from HTTPClient's *http.Transport, if it has one. If the discovery host
// differs from the JWKS host, IAM advises registering the thumbprints of both.
func (v *Verifier) Thumbprint(ctx context.Context, issuer string) (*Thumbprint, error) {
	res := &Verification{}
	body, _, err := v.fetch(ctx, DiscoveryURL(issuer), res)
	if err != nil {
		return nil, &StepError{StepDiscovery, err}
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.JWKSURI == "" {
		return nil, &StepError{StepDiscovery, fmt.Errorf("%s has no jwks_uri", DiscoveryURL(issuer))}
	}
	u, err := url.Parse(doc.JWKSURI)
	if err != nil || u.Host == "" {
		return nil, &StepError{StepDiscovery, fmt.Errorf("jwks_uri %q is not an absolute URL", doc.JWKSURI)}
	}
	if u.Scheme != "https" {
		return nil, &StepError{StepDiscovery, errors.New("jwks_uri " + doc.JWKSURI + " is not https, so it has no certificate to thumbprint")}
	}
	var cfg *tls.Config
	if v.HTTPClient != nil {
		if t, ok := v.HTTPClient.Transport.(*http.Transport); ok {
			cfg = t.TLSClientConfig
		}
	}
	ctx, cancel := context.WithTimeout(ctx, v.timeout())
	defer cancel()
	return ThumbprintOf(ctx, u.Host, cfg)
}
