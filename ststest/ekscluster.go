package ststest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/rawsts/rawsts/eks"
)

// eksPathPrefix starts the path of the emulator's EKS cluster authenticators:
// POST /eks/CLUSTER/authenticate.
const eksPathPrefix = "/eks/"

// isEKSAuthenticatePath reports whether path is /eks/CLUSTER/authenticate, exactly: an issuer
// named "eks" keeps /eks/.well-known/… and its keys.
func isEKSAuthenticatePath(path string) bool {
	cluster, rest, ok := strings.Cut(strings.TrimPrefix(path, eksPathPrefix), "/")
	return ok && strings.HasPrefix(path, eksPathPrefix) && cluster != "" && rest == "authenticate"
}

// tokenReview is the part of a Kubernetes TokenReview (authentication.k8s.io) the
// authenticator webhook reads and writes.
type tokenReview struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Spec       *tokenReviewSpec  `json:"spec,omitempty"`
	Status     *tokenReviewState `json:"status,omitempty"`
}

type tokenReviewSpec struct {
	Token string `json:"token"`
}

type tokenReviewState struct {
	Authenticated bool             `json:"authenticated"`
	User          *tokenReviewUser `json:"user,omitempty"`
	Error         string           `json:"error,omitempty"`
}

type tokenReviewUser struct {
	Username string              `json:"username"`
	UID      string              `json:"uid"`
	Groups   []string            `json:"groups"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// serveEKSAuthenticate is an EKS cluster's authenticator for the cluster the path names, the
// webhook the API server calls with a TokenReview: POST /eks/CLUSTER/authenticate with
// {"kind":"TokenReview","spec":{"token":"k8s-aws-v1.…"}}. It runs eks.Verifier, the checks
// aws-iam-authenticator makes, then sends the token's presigned GetCallerIdentity to this
// emulator's STS in process (whatever host the token names: its Host header is kept, so a token
// made for sts.us-east-1.amazonaws.com with a key the emulator knows verifies), and answers
// 200 with status.authenticated and the user, or 403 with authenticated false and the reason in
// status.error. Loopback hosts are let through, the emulator's exception. The emulator has no
// aws-auth ConfigMap or access entries: every identity STS vouches for is authenticated, as
// its canonical ARN (a role session's role), with no groups; the extra keys are
// aws-iam-authenticator's.
func (s *Server) serveEKSAuthenticate(w http.ResponseWriter, r *http.Request) {
	cluster, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, eksPathPrefix), "/")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "ststest: POST a TokenReview", http.StatusMethodNotAllowed)
		return
	}
	var in tokenReview
	body, _ := io.ReadAll(r.Body) // bounded by record
	if err := json.Unmarshal(body, &in); err != nil || in.Spec == nil || in.Spec.Token == "" {
		http.Error(w, `ststest: the body is not a TokenReview with spec.token ({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"k8s-aws-v1.…"}})`, http.StatusBadRequest)
		return
	}
	out := tokenReview{APIVersion: in.APIVersion, Kind: "TokenReview", Status: &tokenReviewState{}}
	if out.APIVersion != "authentication.k8s.io/v1" {
		out.APIVersion = "authentication.k8s.io/v1beta1"
	}
	v := &eks.Verifier{ClusterID: cluster, AllowLoopback: true, Endpoint: s.URL, Now: s.clock,
		HTTPClient: &http.Client{Transport: selfTransport{s}}}
	id, err := v.Verify(r.Context(), in.Spec.Token)
	status := http.StatusOK
	if err != nil {
		status = http.StatusForbidden
		out.Status.Error = err.Error()
		s.svc.log(Event{Time: s.clock(), Service: "eks", Action: "TokenReview", Principal: "cluster " + cluster, Decision: "deny", Detail: err.Error()})
	} else {
		out.Status.Authenticated = true
		out.Status.User = &tokenReviewUser{
			Username: id.CanonicalARN,
			UID:      "aws-iam-authenticator:" + id.Account + ":" + strings.SplitN(id.UserID, ":", 2)[0],
			Groups:   []string{},
			Extra: map[string][]string{"arn": {id.Arn}, "canonicalArn": {id.CanonicalARN},
				"sessionName": {id.SessionName}, "accessKeyId": {id.Request.AccessKeyID}},
		}
		s.svc.log(Event{Time: s.clock(), Service: "eks", Action: "TokenReview", Principal: id.Arn, Decision: "allow",
			Detail: fmt.Sprintf("cluster %s: user %s", cluster, id.CanonicalARN)})
	}
	b, _ := json.Marshal(out) // our own types
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// selfTransport hands a request for the server's own address to the server in process, as a
// cluster's authenticator would send it to STS; anything else is refused, so the emulator never
// reaches the network.
type selfTransport struct{ s *Server }

// RoundTrip implements http.RoundTripper.
func (t selfTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	if "http://"+req.URL.Host != t.s.URL && "https://"+req.URL.Host != t.s.URL {
		return nil, errors.New("ststest: the emulator's authenticator sends only to the emulator")
	}
	in := req.Clone(req.Context())
	in.Body = io.NopCloser(bytes.NewReader(nil))
	in.RemoteAddr = "127.0.0.1:0"
	in.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	t.s.ts.Config.Handler.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
