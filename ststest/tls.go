package ststest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// certificates are what a server started with [Server.StartTLS] presents: a CA made for this
// server alone and a server certificate it issued. Both keys are ECDSA P-256, which takes
// microseconds to make (an RSA key takes tens of milliseconds), so HTTPS costs the start-up
// nothing noticeable.
type certificates struct {
	authority
	leaf tls.Certificate // the chain presented: the server certificate, then the CA
}

// authority is a CA: its certificate and its key.
type authority struct {
	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
}

// parseCA reads a Config's CertificateAuthority: a CA certificate and the ECDSA key of its
// public key, both PEM.
func parseCA(c *CertificateAuthority) (*authority, error) {
	cb, _ := pem.Decode([]byte(c.Certificate))
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, errors.New("Certificate is not a PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("Certificate is not a readable certificate: %v", err)
	}
	if !cert.IsCA {
		return nil, errors.New("Certificate is not a CA certificate")
	}
	kb, _ := pem.Decode([]byte(c.PrivateKey))
	if kb == nil || kb.Type != "PRIVATE KEY" {
		return nil, errors.New("PrivateKey is not a PEM PRIVATE KEY block")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("PrivateKey is not a readable private key: %v", err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("PrivateKey is a %T; the emulator's CA key is ECDSA", k)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, errors.New("PrivateKey is not the key of Certificate")
	}
	return &authority{ca: cert, caKey: key}, nil
}

// config returns the authority as a Config records it.
func (a *authority) config() *CertificateAuthority {
	der, err := x509.MarshalPKCS8PrivateKey(a.caKey)
	if err != nil {
		return nil
	}
	return &CertificateAuthority{
		Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.ca.Raw})),
		PrivateKey:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}
}

// usable reports whether the CA may issue a certificate valid from an hour before now to
// certValidity/2 after it: a CA kept in a state file is reused until half a year before it
// expires, then replaced.
func (a *authority) usable(now time.Time) bool {
	return a != nil && !now.Add(-time.Hour).Before(a.ca.NotBefore) && now.Add(certValidity/2).Before(a.ca.NotAfter)
}

// certValidity is how long the generated certificates are valid: from an hour before the
// start (a clock a little behind still accepts them) to a year after, longer than any
// emulator runs.
const certValidity = 365 * 24 * time.Hour

// newCertificates makes a CA named "rawsts emulator CA" — or takes ca, a CA kept from an
// earlier run, when it is usable at the real time — and a server certificate for localhost,
// 127.0.0.1, ::1 and the extra IP addresses (the listener's, when it listens on an address of
// the LAN), issued by it and valid from an hour before now for a year. now is the server's
// clock; the validity covers the real time as well, which TLS clients check it against even
// when the server's clock is set elsewhere (WithNow).
func newCertificates(now time.Time, extraIPs []net.IP, ca *authority) (*certificates, error) {
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ststest: making the TLS server key: %w", err)
	}
	real := time.Now()
	notBefore, notAfter := now.Add(-time.Hour), now.Add(certValidity)
	if real.Add(-time.Hour).Before(notBefore) {
		notBefore = real.Add(-time.Hour)
	}
	if real.Add(certValidity).After(notAfter) {
		notAfter = real.Add(certValidity)
	}
	if !ca.usable(real) || !ca.usable(now) {
		if ca, err = newAuthority(notBefore, notAfter); err != nil {
			return nil, err
		}
	}
	if notAfter.After(ca.ca.NotAfter) { // a certificate the CA outlives
		notAfter = ca.ca.NotAfter
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	for _, ip := range extraIPs {
		if ip != nil && !ip.IsLoopback() && !ip.IsUnspecified() {
			ips = append(ips, ip)
		}
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  ips,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca.ca, &leafKey.PublicKey, ca.caKey)
	if err != nil {
		return nil, fmt.Errorf("ststest: making the TLS server certificate: %w", err)
	}
	return &certificates{authority: *ca, leaf: tls.Certificate{Certificate: [][]byte{leafDER, ca.ca.Raw}, PrivateKey: leafKey}}, nil
}

// newAuthority makes a CA named "rawsts emulator CA", valid from notBefore to notAfter.
func newAuthority(notBefore, notAfter time.Time) (*authority, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ststest: making the TLS CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "rawsts emulator CA", Organization: []string{"rawsts emulator (local only)"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          keyID(&caKey.PublicKey),
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("ststest: making the TLS CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("ststest: reading back the TLS CA certificate: %w", err)
	}
	return &authority{ca: ca, caKey: caKey}, nil
}

// serial is a random 128-bit certificate serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic(fmt.Sprintf("ststest: crypto/rand: %v", err))
	}
	return n
}

// keyID is a subject key identifier: the first 20 bytes of the SHA-256 of the public key.
func keyID(pub *ecdsa.PublicKey) []byte {
	b, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(b)
	return sum[:20]
}
