package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/sts"
)

type eksVerifyOptions struct {
	cluster          clusterFlags
	region, endpoint string
	output           string
	trace            bool
	timeout          time.Duration
}

func eksVerifyFlags(s *streams, o *eksVerifyOptions) *flag.FlagSet {
	fs := newFlagSet(s, "eks")
	o.cluster.add(fs)
	fs.StringVar(&o.output, "output", "text", "")
	addSTSFlags(fs, &o.region, &o.endpoint, &o.trace, &o.timeout)
	return fs
}

// eksSteps are the checks made before sending, in order, for the report.
var eksSteps = []string{eks.StepSize, eks.StepPrefix, eks.StepDecode, eks.StepScheme, eks.StepHost, eks.StepPath,
	eks.StepQuery, eks.StepAction, eks.StepSignedHeaders, eks.StepExpires, eks.StepDate}

// eksVerify does what the cluster's authenticator does with a token (eks.Verifier) and prints
// both sides: what the token holds and what STS said about it.
func eksVerify(ctx context.Context, s *streams, args []string) int {
	const name = "eks verify"
	var o eksVerifyOptions
	pos, clusterID, code, ok := parseEKSFlags(s, eksVerifyFlags(s, &o), name, &o.cluster, 1, args)
	if !ok {
		return code
	}
	switch {
	case len(pos) == 0:
		return usageError(s, name, "want the token: TOKEN, or - to read it (or the ExecCredential of rawsts eks token) from standard input")
	case o.output != "text" && o.output != "json":
		return usageError(s, name, "--output %q: want text or json", o.output)
	}
	if o.region != "" && !regionShape(o.region) {
		return usageError(s, name, "--region %s is not a region name (want e.g. us-east-1)", describeArg(o.region))
	}
	if o.endpoint != "" {
		if _, err := httpx.CheckEndpoint(o.endpoint); err != nil {
			return usageError(s, name, "--endpoint: %v", err)
		}
	}
	token, code := readEKSToken(s, pos[0])
	if code != exitOK {
		return code
	}
	if code := s.checkCABundle(); code != exitOK {
		return code
	}
	v := &eks.Verifier{ClusterID: clusterID, Region: o.region, AllowLoopback: true, Endpoint: o.endpoint,
		HTTPClient: s.httpClient(o.trace, o.timeout), Now: s.now}
	id, err := v.Verify(ctx, token)
	if err != nil {
		return reportEKSVerifyError(s, token, o.endpoint, err)
	}
	if err := checkValues("STS", o.output, visibleASCII, [2]string{"Account", id.Account}, [2]string{"Arn", id.Arn},
		[2]string{"UserId", id.UserID}, [2]string{"RequestId", id.RequestID}); err != nil {
		errorf(s, "%v", err)
		return exitTransport
	}
	if o.output == "json" {
		return printEKSIdentityJSON(s, id)
	}
	printEKSIdentity(s, token, clusterID, o.endpoint, id)
	return exitOK
}

// regionShape reports whether r can be a region: letters, digits and dashes.
func regionShape(r string) bool {
	_, err := sts.ResolveEndpoint(r, sts.EndpointOptions{})
	return err == nil
}

// readEKSToken returns the token of the argument: the token itself, or for "-" standard input
// holding the token or the ExecCredential `rawsts eks token` (or `aws eks get-token`) prints.
func readEKSToken(s *streams, arg string) (string, int) {
	token := arg
	if arg == "-" {
		b, err := readFileOrStdin(s, "-", maxTokenFile)
		if err != nil {
			errorf(s, "cannot read the token: %s", plain(err))
			return "", exitUsage
		}
		token = strings.TrimSpace(string(b))
		if strings.HasPrefix(token, "{") {
			var ec struct {
				Kind   string `json:"kind"`
				Status *struct {
					Token string `json:"token"`
				} `json:"status"`
			}
			if err := json.Unmarshal([]byte(token), &ec); err != nil || ec.Kind != "ExecCredential" || ec.Status == nil || ec.Status.Token == "" {
				s.addSecrets(token)
				errorf(s, "standard input is JSON but not an ExecCredential with status.token (as rawsts eks token prints it); give the token itself instead")
				return "", exitUsage
			}
			token = ec.Status.Token
		}
	}
	s.addSecrets(token)
	return token, exitOK
}

// reportEKSVerifyError says why the token is refused and returns the exit code: 1 when a step
// or STS refused it, 3 when the reply was not STS's or nothing answered.
func reportEKSVerifyError(s *streams, token, endpoint string, err error) int {
	var te *eks.TokenError
	var apiErr *sts.APIError
	var respErr *sts.ResponseError
	where := endpoint
	if where == "" {
		where = "the token's host"
		if req, cerr := (&eks.Verifier{AllowLoopback: true, Now: func() time.Time { return time.Time{} }}).Check(token); cerr == nil {
			where = req.URL.Scheme + "://" + req.URL.Host
		}
	}
	switch {
	case errors.As(err, &te):
		errorf(s, "the token fails the %s step, as an EKS cluster's authenticator checks it: %s (nothing was sent)", te.Step, te.Message)
		return exitRefused
	case errors.As(err, &apiErr):
		errorf(s, "STS refused the token's request: %s", describeAPIError(apiErr))
		if apiErr.Code == "SignatureDoesNotMatch" {
			errorf(s, "the token was signed for another cluster (--cluster-name is sent as x-k8s-aws-id, which the signature covers), changed on the way, or is older than 15 minutes")
		}
		return exitRefused
	case errors.As(err, &respErr):
		errorf(s, "%s", describeQueryReply("STS", where, "--endpoint", respErr))
		return exitTransport
	}
	if p := transportProblem(err, "STS", where, "--endpoint and the token's host"); p != "" {
		errorf(s, "%s", p)
		return exitTransport
	}
	errorf(s, "%s", plain(err))
	if strings.Contains(err.Error(), "eks: "+eks.StepIdentity+": ") || transportFailure(err) {
		return exitTransport
	}
	return exitUsage
}

// printEKSIdentity prints the two sides: what the token held, what STS said.
func printEKSIdentity(s *streams, token, clusterID, endpoint string, id *eks.Identity) {
	req := id.Request
	var b strings.Builder
	line := func(label, format string, a ...any) {
		fmt.Fprintf(&b, "%-10s %s\n", label, textsafe.OneLine(fmt.Sprintf(format, a...)))
	}
	line("Token", "%s…, %d characters: passed %s", eks.Prefix, len(token), strings.Join(eksSteps, ", "))
	host := req.Host
	if req.Loopback {
		host += " (loopback: accepted as the emulator's exception; an EKS cluster accepts only an STS endpoint)"
	}
	line("Host", "%s", host)
	signer := req.AccessKeyID
	if signer == "" {
		signer = "an unreadable X-Amz-Credential"
	}
	if req.SessionToken {
		signer += " with a session token"
	}
	line("Signed", "by %s for %s at %s, X-Amz-Expires %d s; STS accepts it until %s (X-Amz-Date + 15 min)",
		signer, orNone(req.Region), req.Date.Format(time.RFC3339), int(req.Expires/time.Second), req.Date.Add(eks.ValidFor).Format(time.RFC3339))
	to := req.URL.Scheme + "://" + req.Host + "/"
	if endpoint != "" {
		if u, err := url.Parse(endpoint); err == nil {
			to = u.Scheme + "://" + u.Host + "/ (Host: " + req.Host + ")"
		}
	}
	line("Sent", "GET %s with x-k8s-aws-id: %s, Accept: application/json; STS answered HTTP 200 (RequestId %s)", to, clusterID, orNone(id.RequestID))
	line("Account", "%s", id.Account)
	line("Arn", "%s", id.Arn)
	line("UserId", "%s", id.UserID)
	if id.SessionName != "" {
		line("Session", "%s", id.SessionName)
	}
	line("Maps as", "%s (the ARN an access entry or the aws-auth ConfigMap maps to a Kubernetes user)", id.CanonicalARN)
	s.stdout.Write([]byte(b.String()))
}

// printEKSIdentityJSON prints the identity and the token's request as JSON.
func printEKSIdentityJSON(s *streams, id *eks.Identity) int {
	req := id.Request
	doc := struct {
		Account      string
		Arn          string
		UserID       string `json:"UserId"`
		CanonicalArn string
		SessionName  string `json:",omitempty"`
		RequestID    string `json:"RequestId"`
		Host         string
		Loopback     bool
		AccessKeyID  string `json:"AccessKeyId"`
		Region       string
		SignedAt     string
		ValidUntil   string
	}{id.Account, id.Arn, id.UserID, id.CanonicalARN, id.SessionName, id.RequestID, req.Host, req.Loopback,
		req.AccessKeyID, req.Region, req.Date.Format(time.RFC3339), req.Date.Add(eks.ValidFor).Format(time.RFC3339)}
	j, err := marshalIndent(doc, "    ")
	if err != nil {
		errorf(s, "%v", err)
		return exitTransport
	}
	s.stdout.Write(j)
	return exitOK
}
