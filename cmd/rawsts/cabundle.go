package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"

	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/internal/bounded"
)

// AWS_CA_BUNDLE names a PEM file of CA certificates to trust for HTTPS instead of the system's,
// as the AWS CLI and the SDKs read it (botocore and aws-sdk-go-v2: PROTOCOL.md §15.2): the
// way to point rawsts at a server with a private CA, such as `rawsts emulator --tls`. Without
// it, the ca_bundle of the profile in use (--profile, else AWS_PROFILE, AWS_DEFAULT_PROFILE,
// default) names the file, as botocore resolves ca_bundle: the variable wins over the
// profile. Every command that makes HTTPS calls reads it through streams.httpClient; an
// explicit --ca-file (inspect, thumbprint) wins over both.
const envCABundle = "AWS_CA_BUNDLE"

// caBundle is AWS_CA_BUNDLE (or the profile's ca_bundle), read once per command.
type caBundle struct {
	read bool
	pool *x509.CertPool // nil when AWS_CA_BUNDLE is not set
	err  error          // the bundle is set but cannot be used
}

// caRoots returns the CAs of AWS_CA_BUNDLE, else of the profile's ca_bundle (nil when neither
// is set), reading the file the first time. The error names the variable or the profile's key,
// and the file.
func (s *streams) caRoots() (*x509.CertPool, error) {
	if s.ca.read {
		return s.ca.pool, s.ca.err
	}
	s.ca.read = true
	if path, where := s.caBundlePath(); path != "" {
		s.ca.pool, s.ca.err = readCAFile(path)
		if s.ca.err != nil {
			s.ca.err = fmt.Errorf("%s: %w", where, s.ca.err) // the error names the file
		}
	}
	return s.ca.pool, s.ca.err
}

// caBundlePath returns the CA bundle to trust and what named it: AWS_CA_BUNDLE, else the
// ca_bundle of the profile in use (the command's --profile, else the environment's). Shared
// files that cannot be read, or a profile that does not exist, name no bundle here: the
// commands that use the profile say what is wrong with it.
func (s *streams) caBundlePath() (path, where string) {
	if path := s.getenv(envCABundle); path != "" {
		return path, envCABundle
	}
	name := s.profile
	if name == "" {
		name = awsconfig.ProfileName(s.getenv)
	}
	files, err := awsconfig.Load(s.getenv)
	if err != nil {
		return "", ""
	}
	p := files.Profile(name)
	if p == nil || strings.TrimSpace(p.Get("ca_bundle")) == "" {
		return "", ""
	}
	return strings.TrimSpace(p.Get("ca_bundle")), "profile [" + name + "] ca_bundle (" + p.Where("ca_bundle") + ")"
}

// checkCABundle reads AWS_CA_BUNDLE (or the profile's ca_bundle) for a command about to make
// HTTPS calls: a bundle that cannot be read or holds no certificate is a usage error (exit 2,
// nothing sent), said once here. Without the check a command would still never fall back to the system's CAs: its
// requests fail with the same error (bundleFailure).
func (s *streams) checkCABundle() int {
	if _, err := s.caRoots(); err != nil {
		errorf(s, "%v (nothing was sent; fix the file, or unset %s or the profile's ca_bundle)", err, envCABundle)
		return exitUsage
	}
	return exitOK
}

// networkTransport is the transport of every HTTP client the CLI builds (streams.httpClient)
// when tests installed none: http.DefaultTransport, trusting AWS_CA_BUNDLE's CAs instead of the
// system's when it is set.
func (s *streams) networkTransport() http.RoundTripper {
	pool, err := s.caRoots()
	switch {
	case err != nil:
		return bundleFailure{err}
	case pool == nil:
		return http.DefaultTransport
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	return tr
}

// bundleFailure fails every request with the error of an unusable AWS_CA_BUNDLE.
type bundleFailure struct{ err error }

func (b bundleFailure) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return nil, b.err
}

// readCAFile reads a PEM file of CA certificates (at most maxCAFile) into a pool.
func readCAFile(path string) (*x509.CertPool, error) {
	pem, err := bounded.ReadFile(path, maxCAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}

// transportWithCA returns a copy of http.DefaultTransport that trusts only the certificates
// in the PEM file path (--ca-file).
func transportWithCA(path string) (*http.Transport, error) {
	pool, err := readCAFile(path)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	return tr, nil
}
