package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/internal/bounded"
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
	profile                string // the profile whose credentials sign (--profile, --source-profile)
	region, endpoint       string
	d                      deliveryOptions
	noCache, sessionGiven  bool
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
	var sourceProfile string
	fs.StringVar(&o.profile, "profile", "", "")
	fs.StringVar(&sourceProfile, "source-profile", "", "")
	addSTSFlags(fs, &o.region, &o.endpoint, &o.trace, &o.timeout)
	addOutputFlags(fs, &o.d)
	fs.BoolVar(&o.noCache, "no-cache", false, "")
	fs.BoolVar(&o.dryRun, "dry-run", false, "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if err := o.d.check(s, fs); err != nil {
		return usageError(s, name, "%v", err)
	}
	if code, ok := profileFlagError(s, name, "--source-profile", sourceProfile); !ok {
		return code
	}
	if flagGiven(fs, "profile") {
		if o.profile == "" {
			return usageError(s, name, "--profile is empty; want a profile name such as default")
		}
		if code, ok := profileFlagError(s, name, "--profile", o.profile); !ok {
			return code
		}
	}
	switch {
	case sourceProfile != "" && o.profile != "" && sourceProfile != o.profile:
		return usageError(s, name, "--profile %s and --source-profile %s name two profiles; --source-profile is the old name of --profile here: keep one", o.profile, sourceProfile)
	case sourceProfile != "":
		o.profile = sourceProfile
	}
	if o.in.RoleArn == "" {
		return usageError(s, name, "no role: pass --role-arn arn:aws:iam::ACCOUNT:role/NAME")
	}
	o.sessionGiven = o.in.RoleSessionName != ""
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

	cache := o.credentialCache(s)
	if cache != nil {
		if c, ok := cache.load(s); ok {
			fmt.Fprint(s.stdout, c)
			return exitOK
		}
	}
	client, code := newSignedSTSClient(ctx, s, o.profile, o.region, o.endpoint, o.trace, o.timeout)
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
	r := assumeRoleResult(out)
	if code := o.d.deliver(ctx, s, client, r, client.Region); code != exitOK {
		return code
	}
	if cache != nil {
		cache.store(s, r)
	}
	return exitOK
}

// credentialCache returns the cache place of this AssumeRole for --output credential-process
// (see credcache.go), keyed by the role and session parameters and by what signs: the
// profile, the environment's access key and the shared files' contents (a rotated key, an
// edited profile: another key). nil when nothing is to be cached.
func (o *assumeRoleOptions) credentialCache(s *streams) *credCache {
	if o.d.output != "credential-process" || o.noCache || o.dryRun || o.d.writeProfile != "" || o.d.github() || o.d.expectAccount != "" || o.in.TokenCode != "" {
		return nil
	}
	session := o.in.RoleSessionName
	if strings.HasPrefix(session, "rawsts-") && !o.sessionGiven {
		session = ""
	}
	files := ""
	for _, path := range []string{awsconfig.ConfigFile(s.getenv), awsconfig.CredentialsFile(s.getenv)} {
		if b, err := bounded.ReadFile(path, awsconfig.MaxFileSize); err == nil {
			sum := sha256.Sum256(b)
			files += hex.EncodeToString(sum[:])
		}
	}
	in := o.in
	tags, _ := json.Marshal(in.Tags)
	return newCredCache(s, "assume-role", o.endpoint, o.region, s.getenv("AWS_ENDPOINT_URL_STS"), s.getenv("AWS_REGION"),
		in.RoleArn, session, in.ExternalId, in.SerialNumber, in.SourceIdentity, in.Policy, strings.Join(in.PolicyArns, ","),
		string(tags), strings.Join(in.TransitiveTagKeys, ","), strconv.Itoa(in.DurationSeconds),
		"profile\x00"+o.profile+"\x00"+s.getenv("AWS_PROFILE"), s.getenv("AWS_ACCESS_KEY_ID"), files)
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
