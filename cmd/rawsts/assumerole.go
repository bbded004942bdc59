package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/sts"
)

var cmdAssumeRole = &command{
	name:    "assume-role",
	summary: "assume a role with the credentials you have (STS AssumeRole, signed; role chaining)",
	run:     runAssumeRole,
}

// tagList is the repeatable --tag Key=Value flag.
type tagList []sts.Tag

func (l *tagList) String() string { return fmt.Sprint(*l) }
func (l *tagList) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want Key=Value, got %q", v)
	}
	*l = append(*l, sts.Tag{Key: k, Value: val})
	return nil
}

type assumeRoleOptions struct {
	in                     sts.AssumeRoleInput
	policyArns, transitive stringList
	tags                   tagList
	sourceProfile          string
	region, endpoint       string
	output, profile        string
	dryRun, trace          bool
	timeout                time.Duration
}

func runAssumeRole(ctx context.Context, s *streams, args []string) int {
	const name = "assume-role"
	var o assumeRoleOptions
	fs := newFlagSet(s, name)
	fs.StringVar(&o.in.RoleArn, "role-arn", "", "")
	fs.StringVar(&o.in.RoleSessionName, "role-session-name", "", "")
	fs.StringVar(&o.in.ExternalId, "external-id", "", "")
	fs.StringVar(&o.in.SerialNumber, "serial-number", "", "")
	fs.StringVar(&o.in.TokenCode, "token-code", "", "")
	fs.StringVar(&o.in.SourceIdentity, "source-identity", "", "")
	fs.StringVar(&o.in.Policy, "policy", "", "")
	fs.Var(&o.policyArns, "policy-arn", "")
	fs.IntVar(&o.in.DurationSeconds, "duration-seconds", 0, "")
	fs.Var(&o.tags, "tag", "")
	fs.Var(&o.transitive, "transitive-tag-key", "")
	fs.StringVar(&o.sourceProfile, "source-profile", "", "")
	addSTSFlags(fs, &o.region, &o.endpoint, &o.trace, &o.timeout)
	addOutputFlags(fs, &o.output, &o.profile)
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if err := checkOutputFlags(o.output, o.profile); err != nil {
		return usageError(s, name, "%v", err)
	}
	if code, ok := profileFlagError(s, name, "--source-profile", o.sourceProfile); !ok {
		return code
	}
	if o.in.RoleArn == "" {
		return usageError(s, name, "no role: pass --role-arn arn:aws:iam::ACCOUNT:role/NAME")
	}
	if o.in.RoleSessionName == "" {
		o.in.RoleSessionName = "rawsts-" + strconv.FormatInt(s.now().Unix(), 10)
	}
	policy, err := readInline(o.in.Policy)
	if err != nil {
		return usageError(s, name, "--policy: %v", err)
	}
	o.in.Policy = policy
	s.addSecrets(o.in.TokenCode)
	o.in.PolicyArns, o.in.Tags, o.in.TransitiveTagKeys = o.policyArns, o.tags, o.transitive
	if err := o.in.Validate(); err != nil {
		return reportSTSError(s, nil, err)
	}

	client, code := newSignedSTSClient(s, o.sourceProfile, o.region, o.endpoint, o.trace, o.timeout)
	if client == nil {
		return code
	}
	if o.dryRun {
		return dryRunSTS(s, client, func(ctx context.Context) error {
			_, err := client.AssumeRole(ctx, &o.in)
			return err
		})
	}
	out, err := client.AssumeRole(ctx, &o.in)
	if err != nil {
		return reportSTSError(s, client, err)
	}
	s.addSecrets(out.Credentials.SecretAccessKey, out.Credentials.SessionToken)
	text, err := formatCredentials(o.output, o.profile, assumeRoleResult(out))
	if err != nil {
		errorf(s, "%v", err)
		return exitTransport
	}
	fmt.Fprint(s.stdout, text)
	return exitOK
}

// errDryRun stops a call at the transport once the signed request has been captured.
var errDryRun = errors.New("dry run: nothing sent")

// captureTransport records the one request a client makes and sends nothing.
type captureTransport struct {
	req  *http.Request
	body []byte
}

func (c *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		c.body = b
	}
	c.req = r
	return nil, errDryRun
}

// dryRunSTS makes call with a transport that captures the signed request instead of sending it,
// and prints that request in wire form, as `rawsts sign --dry-run` does. Input refused before
// signing is reported as usual.
func dryRunSTS(s *streams, client *sts.Client, call func(context.Context) error) int {
	capture := &captureTransport{}
	client.HTTPClient = &http.Client{Transport: capture}
	client.MaxAttempts = 1
	err := call(context.Background())
	if capture.req == nil {
		if err == nil {
			err = errors.New("no request was made")
		}
		return reportSTSError(s, client, err)
	}
	writeWireRequest(s.stdout, capture.req, capture.body)
	return exitOK
}
