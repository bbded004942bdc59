package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"

	"net"
	"net/http"
	"time"

	"github.com/rawsts/rawsts/creds"
	"github.com/rawsts/rawsts/sts"
)

// exec --server serves the credentials to the command the way ECS and EKS Pod Identity serve a
// task's: a container credentials endpoint (PROTOCOL.md §13) on loopback, named to the command
// by AWS_CONTAINER_CREDENTIALS_FULL_URI, guarded by a random AWS_CONTAINER_AUTHORIZATION_TOKEN
// that the SDKs send as the Authorization header as it is. Every AWS SDK and the AWS CLI read
// it and ask again before their credentials expire; rawsts answers from a creds.Cache that
// renews them, so a command that runs for hours never holds expired keys.

// serverRefreshWindow is how long before expiry the served credentials are renewed: the AWS
// CLI (botocore) asks again when fewer than 15 minutes remain and insists below 10 (§13.3), so
// credentials with less left would be fetched at each of its calls.
const serverRefreshWindow = 15 * time.Minute

// serverPath is the endpoint's path.
const serverPath = "/credentials"

// containerCredentials is the endpoint's JSON (§13.2): Token and Expiration are required by
// botocore; Expiration must be RFC 3339 for the Go SDK.
type containerCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
	AccountID       string `json:"AccountId,omitempty"`
}

// containerError is the error body the Go SDK decodes (code, message) from an application/json
// reply.
type containerError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// credentialServer is the endpoint's handler.
type credentialServer struct {
	s     *streams
	cache *creds.Cache
	token string
	now   func() time.Time
	// report turns a renewal failure into words for the command (and rawsts's stderr).
	report func(error) string
}

func (h *credentialServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	switch {
	case r.URL.Path != serverPath:
		reply(http.StatusNotFound, containerError{"NotFound", "no such path; credentials are at " + serverPath})
		return
	case r.Method != http.MethodGet:
		reply(http.StatusMethodNotAllowed, containerError{"MethodNotAllowed", "GET only"})
		return
	case subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(h.token)) != 1:
		reply(http.StatusForbidden, containerError{"AccessDenied", "the Authorization header is not this endpoint's AWS_CONTAINER_AUTHORIZATION_TOKEN"})
		return
	}
	c, err := h.cache.Retrieve(r.Context())
	if err != nil {
		msg := h.report(err)
		errorf(h.s, "exec --server: cannot renew the credentials: %s", msg)
		reply(http.StatusInternalServerError, containerError{"CredentialsUnavailable", msg})
		return
	}
	exp := c.Expiration
	if !c.CanExpire() {
		// Long-term keys: the SDKs require an expiry, so they are handed out for an hour at a
		// time (asked again then, and handed out again).
		exp = h.now().Add(time.Hour)
	}
	reply(http.StatusOK, containerCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		Token: c.SessionToken, Expiration: exp.UTC().Format(time.RFC3339), AccountID: c.AccountID})
}

// runServer gets the credentials once (so that a failure shows before the command starts),
// starts the endpoint on 127.0.0.1, runs the command with its variables and stops the
// endpoint when the command ends.
func (o *execOptions) runServer(ctx context.Context, s *streams, p creds.Provider, client *sts.Client, command []string) int {
	cache := &creds.Cache{Provider: p, RefreshWindow: serverRefreshWindow, Now: s.now}
	c, err := cache.Retrieve(ctx)
	if err != nil {
		return o.reportProviderError(s, client, err)
	}
	s.addSecrets(c.SecretAccessKey, c.SessionToken)
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		errorf(s, "exec --server: %v", err)
		return exitUsage
	}
	token := hex.EncodeToString(b[:])
	s.addSecrets(token)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		errorf(s, "exec --server: cannot listen on 127.0.0.1: %v", err)
		return exitUsage
	}
	h := &credentialServer{s: s, cache: cache, token: token, now: s.now, report: func(err error) string {
		return s.secretSet().Scrub(plain(err))
	}}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	env := childEnv(s, o.regionUsed, map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://" + ln.Addr().String() + serverPath,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN":  token,
	})
	return runChild(s, command, env)
}
