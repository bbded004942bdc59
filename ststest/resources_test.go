package ststest_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/ststest"
)

// resourceSetup starts an emulator of fixtureConfig (plus the roles and users extra adds) on a
// fixed clock, logging its events, and returns a function that sends a signed request.
func resourceSetup(t *testing.T, extra func(c *ststest.Config)) (*ststest.Server, *clock, *eventLog, func(call) resReply) {
	t.Helper()
	cfg := fixtureConfig()
	cfg.Roles = append(cfg.Roles,
		ststest.Role{RoleName: "Operator", AssumeRolePolicyDocument: accountTrust, ManagedPolicyArns: []string{"AdministratorAccess"}},
		ststest.Role{RoleName: "Auditor", AssumeRolePolicyDocument: accountTrust, ManagedPolicyArns: []string{"ReadOnlyAccess"}})
	cfg.Instances = append(cfg.Instances, ststest.Instance{InstanceID: "i-0fedcba9876543210", InstanceType: "m5.large", State: "stopped",
		Tags: map[string]string{"Name": "batch", "team": "data"}, AvailabilityZone: "us-east-1b"})
	cfg.Buckets[0].Objects = append(cfg.Buckets[0].Objects,
		ststest.Object{Key: "photos/2006/February/sample2.jpg", Size: 7}, ststest.Object{Key: "photos/2006/February/sample3.jpg", Size: 8},
		ststest.Object{Key: "photos/2007/a b&c.jpg", Size: 1}, ststest.Object{Key: "top.txt", Size: 3})
	cfg.Buckets = append(cfg.Buckets, ststest.Bucket{Name: "amzn-s3-demo-bucket2", CreationDate: "2020-01-02T03:04:05Z"})
	if extra != nil {
		extra(&cfg)
	}
	clk := &clock{t: time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)}
	log := &eventLog{}
	srv := ststest.NewServer(ststest.WithConfig(cfg), ststest.WithNow(clk.Now), ststest.WithEventLog(log.add))
	t.Cleanup(srv.Close)
	return srv, clk, log, func(c call) resReply { return c.do(t, srv, clk) }
}

// eventLog collects the emulator's events.
type eventLog struct {
	mu     sync.Mutex
	events []ststest.Event
}

func (l *eventLog) add(e ststest.Event) { l.mu.Lock(); l.events = append(l.events, e); l.mu.Unlock() }

func (l *eventLog) all() []ststest.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ststest.Event(nil), l.events...)
}

func (l *eventLog) last() ststest.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == 0 {
		return ststest.Event{}
	}
	return l.events[len(l.events)-1]
}

func (l *eventLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, _ := json.Marshal(l.events)
	return string(b)
}

// call is one request to the emulator's resource side: S3 (GET target) or EC2 (form body).
type call struct {
	service string // s3 or ec2
	target  string // S3: path and query
	form    string // EC2: the form body
	creds   *sigv4.Credentials
	skew    time.Duration // how far the signature's time is from the server's clock
	region  string        // the signing region; default us-east-1
	mutate  func(r *http.Request)
}

// resReply is the emulator's answer, with the error code and message of an error document (S3's
// Error or EC2's Response/Errors/Error).
type resReply struct {
	status        int
	body          string
	header        http.Header
	code, message string
}

func (c call) do(t *testing.T, srv *ststest.Server, clk *clock) resReply {
	t.Helper()
	method, target, body := http.MethodGet, c.target, ""
	if c.service == "ec2" {
		method, target, body = http.MethodPost, "/", c.form
	}
	req, err := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	region := c.region
	if region == "" {
		region = "us-east-1"
	}
	if c.creds != nil {
		if _, err := (&sigv4.Signer{}).SignHTTP(req, *c.creds, sigv4.HashPayload([]byte(body)), c.service, region, clk.Now().Add(c.skew)); err != nil {
			t.Fatal(err)
		}
	}
	if c.mutate != nil {
		c.mutate(req)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var doc struct {
		Code     string `xml:"Code"`
		Message  string `xml:"Message"`
		EC2Code  string `xml:"Errors>Error>Code"`
		EC2Messg string `xml:"Errors>Error>Message"`
	}
	xml.Unmarshal(b, &doc)
	r := resReply{status: resp.StatusCode, body: string(b), header: resp.Header, code: doc.Code + doc.EC2Code, message: doc.Message + doc.EC2Messg}
	return r
}

var (
	aliceCreds = &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey}
	bobCreds   = &sigv4.Credentials{AccessKeyID: bobKey, SecretAccessKey: bobSecret}
	testRole   = &sigv4.Credentials{AccessKeyID: fixtureSessionKey, SecretAccessKey: fixtureSessionSecret, SessionToken: fixtureSessionToken}
)

// assume returns the credentials of a session of role made by AssumeRole as Alice, with the
// session policy policy ("" for none).
func assume(t *testing.T, srv *ststest.Server, clk *clock, role, policy string) *sigv4.Credentials {
	t.Helper()
	c := &sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), Now: clk.Now, Credentials: aliceCreds, MaxAttempts: 1}
	out, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/" + role, RoleSessionName: "test", Policy: policy})
	if err != nil {
		t.Fatalf("AssumeRole(%s) = %v", role, err)
	}
	return session(out.Credentials)
}

const (
	listBuckets = "/"
	listObjects = "/amzn-s3-demo-bucket?list-type=2&encoding-type=url"
	describe    = "Action=DescribeInstances&Version=2016-11-15"
	stop        = "Action=StopInstances&InstanceId.1=i-1234567890abcdef0&Version=2016-11-15"
)

// TestResourceAuthorization: every emulated S3 and EC2 action, allowed and refused, for IAM
// users (their identity policies) and role sessions (the role's policies ∩ session policies),
// answered as the service answers.
func TestResourceAuthorization(t *testing.T) {
	srv, clk, _, do := resourceSetup(t, nil)
	deploy := assume(t, srv, clk, "Auditor", "") // ReadOnlyAccess
	onlyS3 := assume(t, srv, clk, "Auditor", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`)
	denyEC2 := assume(t, srv, clk, "Auditor", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "NoEC2", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}`)
	tests := []struct {
		name    string
		call    call
		status  int
		code    string
		message string // a part of the message, for refusals
	}{
		{"ListBuckets TestRole", call{service: "s3", target: listBuckets, creds: testRole}, 200, "", ""},
		{"ListBuckets Alice", call{service: "s3", target: listBuckets, creds: aliceCreds}, 200, "", ""},
		{"ListBuckets Bob", call{service: "s3", target: listBuckets, creds: bobCreds}, 403, "AccessDenied",
			"User: arn:aws:iam::123456789012:user/Bob is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action"},
		{"ListObjectsV2 TestRole", call{service: "s3", target: listObjects, creds: testRole}, 200, "", ""},
		{"ListObjectsV2 Deploy", call{service: "s3", target: listObjects, creds: deploy}, 200, "", ""},
		{"ListObjectsV2 Bob", call{service: "s3", target: listObjects, creds: bobCreds}, 403, "AccessDenied",
			`on resource: "arn:aws:s3:::amzn-s3-demo-bucket" because no identity-based policy allows the s3:ListBucket action`},
		{"ListObjectsV2 session policy denies", call{service: "s3", target: listObjects, creds: denyEC2}, 200, "", ""},
		{"DescribeInstances TestRole", call{service: "ec2", form: describe, creds: testRole}, 403, "UnauthorizedOperation",
			"You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/TestRole/demo is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action"},
		{"DescribeInstances Deploy", call{service: "ec2", form: describe, creds: deploy}, 200, "", ""},
		{"DescribeInstances Alice", call{service: "ec2", form: describe, creds: aliceCreds}, 200, "", ""},
		{"DescribeInstances session policy allows no ec2", call{service: "ec2", form: describe, creds: onlyS3}, 403, "UnauthorizedOperation",
			"because no session policy allows the ec2:DescribeInstances action"},
		{"DescribeInstances session policy denies", call{service: "ec2", form: describe, creds: denyEC2}, 403, "UnauthorizedOperation",
			"is not authorized to perform: ec2:DescribeInstances with an explicit deny in a session policy"},
		{"DescribeInstances DryRun allowed", call{service: "ec2", form: describe + "&DryRun=true", creds: deploy}, 412, "DryRunOperation",
			"Request would have succeeded, but DryRun flag is set."},
		{"DescribeInstances DryRun refused", call{service: "ec2", form: describe + "&DryRun=true", creds: testRole}, 403, "UnauthorizedOperation", ""},
		{"StopInstances TestRole", call{service: "ec2", form: stop, creds: testRole}, 403, "UnauthorizedOperation",
			"on resource: arn:aws:ec2:us-east-1:123456789012:instance/i-1234567890abcdef0 because no identity-based policy allows the ec2:StopInstances action. Encoded authorization failure message: "},
		{"StopInstances Alice", call{service: "ec2", form: stop, creds: aliceCreds}, 403, "UnauthorizedOperation", "User: arn:aws:iam::123456789012:user/Alice"},
		{"StopInstances Deploy read-only", call{service: "ec2", form: stop, creds: deploy}, 403, "UnauthorizedOperation", "ec2:StopInstances"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(tt.call)
			if r.status != tt.status || r.code != tt.code || !strings.Contains(r.message, tt.message) {
				t.Errorf("%s = %d %q %q; want %d %q containing %q", tt.name, r.status, r.code, r.message, tt.status, tt.code, tt.message)
			}
		})
	}
}

// TestDescribeInstances: the instances listed, their wire names, InstanceId.N and Filter.N.
func TestDescribeInstances(t *testing.T) {
	_, _, _, do := resourceSetup(t, nil)
	tests := []struct {
		name, form string
		want       []string // instance ids listed, in order
		code       string
	}{
		{"all", describe, []string{"i-0fedcba9876543210", "i-1234567890abcdef0"}, ""},
		{"by id", describe + "&InstanceId.1=i-1234567890abcdef0", []string{"i-1234567890abcdef0"}, ""},
		{"state filter", describe + "&Filter.1.Name=instance-state-name&Filter.1.Value.1=stopped", []string{"i-0fedcba9876543210"}, ""},
		{"tag filter with wildcard", describe + "&Filter.1.Name=tag%3Ateam&Filter.1.Value.1=d%2A", []string{"i-0fedcba9876543210"}, ""},
		{"two filters", describe + "&Filter.1.Name=instance-type&Filter.1.Value.1=t3.micro&Filter.1.Value.2=m5.large&Filter.2.Name=availability-zone&Filter.2.Value.1=us-east-1a",
			[]string{"i-1234567890abcdef0"}, ""},
		{"nothing matches", describe + "&Filter.1.Name=instance-id&Filter.1.Value.1=i-00000000", nil, ""},
		{"unknown id", describe + "&InstanceId.1=i-0123456789abcdef0", nil, "InvalidInstanceID.NotFound"},
		{"malformed id", describe + "&InstanceId.1=instance", nil, "InvalidInstanceID.Malformed"},
		{"unknown filter", describe + "&Filter.1.Name=color&Filter.1.Value.1=red", nil, "InvalidParameterValue"},
		{"unknown action", "Action=RunInstances&Version=2016-11-15", nil, "InvalidAction"},
		{"no version", "Action=DescribeInstances", nil, "MissingParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(call{service: "ec2", form: tt.form, creds: aliceCreds})
			if r.code != tt.code {
				t.Fatalf("DescribeInstances(%s) = %d %s %q; want code %q", tt.form, r.status, r.code, r.message, tt.code)
			}
			if tt.code != "" {
				return
			}
			var doc struct {
				XMLName xml.Name
				Set     *struct {
					ID []string `xml:"item>instancesSet>item>instanceId"`
				} `xml:"reservationSet"`
			}
			if err := xml.Unmarshal([]byte(r.body), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.XMLName.Space != "http://ec2.amazonaws.com/doc/2016-11-15/" || doc.Set == nil {
				t.Errorf("reply %s in %q, reservationSet %v; want EC2's namespace and a reservationSet", doc.XMLName.Local, doc.XMLName.Space, doc.Set)
			}
			if doc.Set != nil && strings.Join(doc.Set.ID, ",") != strings.Join(tt.want, ",") {
				t.Errorf("DescribeInstances(%s) lists %v; want %v", tt.form, doc.Set.ID, tt.want)
			}
		})
	}
}

// TestStartStopInstances: an Operator session (AdministratorAccess) stops and starts an
// instance; the state moves as EC2's does and DescribeInstances shows it.
func TestStartStopInstances(t *testing.T) {
	srv, clk, _, do := resourceSetup(t, nil)
	op := assume(t, srv, clk, "Operator", "")
	state := func() string {
		r := do(call{service: "ec2", form: describe + "&InstanceId.1=i-1234567890abcdef0", creds: op})
		var doc struct {
			Name string `xml:"reservationSet>item>instancesSet>item>instanceState>name"`
		}
		xml.Unmarshal([]byte(r.body), &doc)
		return doc.Name
	}
	steps := []struct {
		form, current, previous, after string
	}{
		{stop, "stopping", "running", "stopped"},
		{stop, "stopped", "stopped", "stopped"},
		{strings.Replace(stop, "StopInstances", "StartInstances", 1), "pending", "stopped", "running"},
	}
	for _, s := range steps {
		r := do(call{service: "ec2", form: s.form, creds: op})
		var doc struct {
			XMLName  xml.Name
			Current  string `xml:"instancesSet>item>currentState>name"`
			Previous string `xml:"instancesSet>item>previousState>name"`
		}
		if err := xml.Unmarshal([]byte(r.body), &doc); err != nil || r.status != 200 {
			t.Fatalf("%s = %d %s %v", s.form, r.status, r.body, err)
		}
		if doc.Current != s.current || doc.Previous != s.previous || !strings.HasSuffix(doc.XMLName.Local, "InstancesResponse") {
			t.Errorf("%s = %s current %q previous %q; want %q %q", s.form, doc.XMLName.Local, doc.Current, doc.Previous, s.current, s.previous)
		}
		if got := state(); got != s.after {
			t.Errorf("after %s the instance is %q; want %q", s.form, got, s.after)
		}
	}
	if r := do(call{service: "ec2", form: "Action=StopInstances&Version=2016-11-15", creds: op}); r.code != "MissingParameter" {
		t.Errorf("StopInstances without InstanceId = %s; want MissingParameter", r.code)
	}
}

// TestListObjectsV2: prefixes, delimiters, pages, start-after, URL encoding, and the
// parameters S3 refuses; s3:prefix reaches the policy's conditions.
func TestListObjectsV2(t *testing.T) {
	_, _, _, do := resourceSetup(t, nil)
	type listing struct {
		Keys      []string `xml:"Contents>Key"`
		Prefixes  []string `xml:"CommonPrefixes>Prefix"`
		KeyCount  int      `xml:"KeyCount"`
		Truncated bool     `xml:"IsTruncated"`
		Next      string   `xml:"NextContinuationToken"`
		Encoding  string   `xml:"EncodingType"`
	}
	list := func(t *testing.T, query string) listing {
		t.Helper()
		r := do(call{service: "s3", target: "/amzn-s3-demo-bucket?list-type=2" + query, creds: testRole})
		if r.status != 200 {
			t.Fatalf("ListObjectsV2(%s) = %d %s %s", query, r.status, r.code, r.message)
		}
		var l listing
		if err := xml.Unmarshal([]byte(r.body), &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	tests := []struct {
		name, query    string
		keys, prefixes []string
		truncated      bool
	}{
		{"all", "", []string{"photos/2006/February/sample2.jpg", "photos/2006/February/sample3.jpg", "photos/2006/January/sample.jpg", "photos/2007/a b&c.jpg", "reports/summary.txt", "top.txt"}, nil, false},
		{"delimiter", "&delimiter=%2F", []string{"top.txt"}, []string{"photos/", "reports/"}, false},
		{"prefix and delimiter", "&prefix=photos%2F2006%2F&delimiter=%2F", nil, []string{"photos/2006/February/", "photos/2006/January/"}, false},
		{"prefix", "&prefix=photos%2F2006%2FF", []string{"photos/2006/February/sample2.jpg", "photos/2006/February/sample3.jpg"}, nil, false},
		{"start-after", "&start-after=photos%2F2007", []string{"photos/2007/a b&c.jpg", "reports/summary.txt", "top.txt"}, nil, false},
		{"max-keys", "&max-keys=2", []string{"photos/2006/February/sample2.jpg", "photos/2006/February/sample3.jpg"}, nil, true},
		{"max-keys with delimiter", "&delimiter=%2F&max-keys=1", nil, []string{"photos/"}, true},
		{"url encoding", "&prefix=photos%2F2007&encoding-type=url", []string{"photos/2007/a+b%26c.jpg"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := list(t, tt.query)
			if strings.Join(l.Keys, "|") != strings.Join(tt.keys, "|") || strings.Join(l.Prefixes, "|") != strings.Join(tt.prefixes, "|") ||
				l.Truncated != tt.truncated || l.KeyCount != len(tt.keys)+len(tt.prefixes) {
				t.Errorf("ListObjectsV2(%s) = keys %q prefixes %q count %d truncated %v; want %q %q %v", tt.query, l.Keys, l.Prefixes, l.KeyCount, l.Truncated, tt.keys, tt.prefixes, tt.truncated)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		var all []string
		query := "&delimiter=%2F&max-keys=1"
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatal("more pages than items")
			}
			l := list(t, query)
			all = append(all, append(l.Prefixes, l.Keys...)...)
			if !l.Truncated {
				break
			}
			query = "&delimiter=%2F&max-keys=1&continuation-token=" + url.QueryEscape(l.Next)
		}
		if got := strings.Join(all, ","); got != "photos/,reports/,top.txt" {
			t.Errorf("pages list %s; want photos/,reports/,top.txt", got)
		}
	})
	for _, bad := range []string{"&max-keys=many", "&max-keys=-1", "&encoding-type=base64", "&continuation-token=bogus"} {
		if r := do(call{service: "s3", target: "/amzn-s3-demo-bucket?list-type=2" + bad, creds: testRole}); r.status != 400 || r.code != "InvalidArgument" {
			t.Errorf("ListObjectsV2(%s) = %d %s; want 400 InvalidArgument", bad, r.status, r.code)
		}
	}
}

// TestS3PrefixCondition: a policy that allows s3:ListBucket only for s3:prefix reports/ lets
// that listing through and refuses the others, with the request's keys evaluated.
func TestS3PrefixCondition(t *testing.T) {
	srv, clk, _, do := resourceSetup(t, func(c *ststest.Config) {
		c.Roles = append(c.Roles, ststest.Role{RoleName: "Reports", AssumeRolePolicyDocument: accountTrust,
			Policies: []ststest.InlinePolicy{{PolicyName: "reports", PolicyDocument: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
				"Action": "s3:ListBucket", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
				"Condition": {"StringEquals": {"s3:prefix": "reports/", "aws:SourceIp": "127.0.0.1"}}}]}`}}})
	})
	reports := assume(t, srv, clk, "Reports", "")
	for query, status := range map[string]int{"&prefix=reports%2F": 200, "&prefix=photos%2F": 403, "": 403} {
		if r := do(call{service: "s3", target: "/amzn-s3-demo-bucket?list-type=2" + query, creds: reports}); r.status != status {
			t.Errorf("ListObjectsV2(%q) by Reports = %d %s; want %d", query, r.status, r.message, status)
		}
	}
}

// TestResourceSignatureFailures: the SigV4 failures, answered as S3 and as EC2 word them.
func TestResourceSignatureFailures(t *testing.T) {
	_, clk, _, do := resourceSetup(t, nil)
	wrong := &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY"}
	unknown := &sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN8EXAMPLE", SecretAccessKey: ststest.UserSecretAccessKey}
	badToken := &sigv4.Credentials{AccessKeyID: fixtureSessionKey, SecretAccessKey: fixtureSessionSecret, SessionToken: "IQoJb3JpZ2luX2VjEXAMPLEbogus"}
	tampered := func(r *http.Request) { r.URL.RawQuery = "list-type=2&prefix=reports" }
	tests := []struct {
		name   string
		call   call
		status int
		code   string
	}{
		{"s3 wrong secret", call{service: "s3", target: listBuckets, creds: wrong}, 403, "SignatureDoesNotMatch"},
		{"s3 tampered query", call{service: "s3", target: "/amzn-s3-demo-bucket?list-type=2", creds: aliceCreds, mutate: tampered}, 403, "SignatureDoesNotMatch"},
		{"s3 unknown key", call{service: "s3", target: listBuckets, creds: unknown}, 403, "InvalidAccessKeyId"},
		{"s3 wrong session token", call{service: "s3", target: listBuckets, creds: badToken}, 400, "InvalidToken"},
		{"s3 16 minutes off", call{service: "s3", target: listBuckets, creds: aliceCreds, skew: 16 * time.Minute}, 403, "RequestTimeTooSkewed"},
		{"s3 10 minutes off is within S3's 15", call{service: "s3", target: listBuckets, creds: aliceCreds, skew: -10 * time.Minute}, 200, ""},
		{"s3 unsigned", call{service: "s3", target: listObjects}, 403, "AccessDenied"},
		{"s3 no content hash", call{service: "s3", target: listBuckets, creds: aliceCreds, mutate: func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }}, 400, "InvalidRequest"},
		{"s3 content hash of another body", call{service: "s3", target: listBuckets, creds: aliceCreds,
			mutate: func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64)) }}, 400, "XAmzContentSHA256Mismatch"},
		{"s3 unemulated operation", call{service: "s3", target: "/amzn-s3-demo-bucket/top.txt", creds: aliceCreds}, 501, "NotImplemented"},
		{"ec2 wrong secret", call{service: "ec2", form: describe, creds: wrong}, 403, "SignatureDoesNotMatch"},
		{"ec2 unknown key", call{service: "ec2", form: describe, creds: unknown}, 401, "AuthFailure"},
		{"ec2 wrong session token", call{service: "ec2", form: describe, creds: badToken}, 401, "AuthFailure"},
		{"ec2 16 minutes off", call{service: "ec2", form: describe, creds: aliceCreds, skew: -16 * time.Minute}, 400, "RequestExpired"},
		{"ec2 another region", call{service: "ec2", form: describe, creds: aliceCreds, region: "eu-west-1"}, 403, "SignatureDoesNotMatch"},
		{"ec2 unsigned", call{service: "ec2", form: describe}, 400, "MissingParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(tt.call)
			if r.status != tt.status || r.code != tt.code {
				t.Errorf("%s = %d %s %q; want %d %s", tt.name, r.status, r.code, r.message, tt.status, tt.code)
			}
		})
	}
	// S3 sends back the string to sign it computed: the one the client signed.
	req, _ := http.NewRequest("GET", "http://127.0.0.1/", nil)
	req.Host = "127.0.0.1"
	sig, _ := (&sigv4.Signer{}).SignHTTP(req, *aliceCreds, "", "s3", "us-east-1", clk.Now())
	r := do(call{service: "s3", target: listBuckets, creds: wrong})
	if !strings.Contains(r.body, "<AWSAccessKeyId>"+ststest.UserAccessKeyID+"</AWSAccessKeyId>") ||
		!strings.Contains(r.body, "<StringToSign>AWS4-HMAC-SHA256\n"+strings.SplitN(sig.StringToSign, "\n", 2)[1][:len("20150830T123600Z\n20150830/us-east-1/s3/aws4_request")]) {
		t.Errorf("SignatureDoesNotMatch body lacks the key id or the string to sign:\n%s", r.body)
	}
}

// TestResourceExpiredSession: a session past its expiry gets ExpiredToken from S3 and
// RequestExpired from EC2.
func TestResourceExpiredSession(t *testing.T) {
	_, clk, _, do := resourceSetup(t, nil)
	clk.Add(time.Hour + time.Second) // the fixture session expires at 13:36:00Z
	if r := do(call{service: "s3", target: listBuckets, creds: testRole}); r.status != 400 || r.code != "ExpiredToken" || r.message != "The provided token has expired." {
		t.Errorf("ListBuckets with an expired session = %d %s %q; want 400 ExpiredToken", r.status, r.code, r.message)
	}
	if r := do(call{service: "ec2", form: describe, creds: testRole}); r.status != 400 || r.code != "RequestExpired" {
		t.Errorf("DescribeInstances with an expired session = %d %s; want 400 RequestExpired", r.status, r.code)
	}
}

// TestVirtualHostedS3: a Host of BUCKET.localhost:PORT names the bucket, as botocore's
// virtual addressing style sends it.
func TestVirtualHostedS3(t *testing.T) {
	srv, clk, _, _ := resourceSetup(t, nil)
	req, _ := http.NewRequest("GET", srv.URL+"/?list-type=2", nil)
	req.Host = "amzn-s3-demo-bucket.localhost:" + srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	if _, err := (&sigv4.Signer{}).SignHTTP(req, *testRole, "", "s3", "us-east-1", clk.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<Name>amzn-s3-demo-bucket</Name>") {
		t.Errorf("virtual-hosted ListObjectsV2 = %d %s; want the bucket's listing", resp.StatusCode, b)
	}
}

// TestResourceEvents: every S3, EC2 and DecodeAuthorizationMessage request is an event with
// service, action, principal, decision and, for a refusal, code, check and reason; no event
// holds a secret.
func TestResourceEvents(t *testing.T) {
	_, _, log, do := resourceSetup(t, nil)
	tests := []struct {
		call                                                        call
		service, action, resource, principal, decision, code, check string
	}{
		{call{service: "s3", target: listBuckets, creds: testRole}, "s3", "ListBuckets", "*", "arn:aws:sts::123456789012:assumed-role/TestRole/demo", "allow", "", ""},
		{call{service: "s3", target: listObjects, creds: bobCreds}, "s3", "ListObjectsV2", "amzn-s3-demo-bucket", "arn:aws:iam::123456789012:user/Bob", "deny", "AccessDenied", "permissions"},
		{call{service: "ec2", form: describe, creds: testRole}, "ec2", "DescribeInstances", "*", "arn:aws:sts::123456789012:assumed-role/TestRole/demo", "deny", "UnauthorizedOperation", "permissions"},
		{call{service: "ec2", form: "Action=StartInstances&Version=2016-11-15&InstanceId.1=i-1234567890abcdef0", creds: testRole}, "ec2", "StartInstances", "instance/i-1234567890abcdef0",
			"arn:aws:sts::123456789012:assumed-role/TestRole/demo", "deny", "UnauthorizedOperation", "permissions"},
		{call{service: "ec2", form: describe, creds: &sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: "x"}}, "ec2", "DescribeInstances", "", "anonymous", "deny", "SignatureDoesNotMatch", "signature"},
		{call{service: "s3", target: listBuckets}, "s3", "ListBuckets", "*", "anonymous", "deny", "AccessDenied", "permissions"},
	}
	for _, tt := range tests {
		do(tt.call)
		e := log.last()
		if e.Service != tt.service || e.Action != tt.action || e.Resource != tt.resource || e.Principal != tt.principal || e.Decision != tt.decision || e.Code != tt.code || e.Check != tt.check || e.Detail == "" {
			t.Errorf("event = %+v; want %s %s %q %s %s %s %s with a detail", e, tt.service, tt.action, tt.resource, tt.principal, tt.decision, tt.code, tt.check)
		}
	}
	text := log.text()
	for _, secret := range []string{ststest.UserSecretAccessKey, fixtureSessionSecret, fixtureSessionToken, bobSecret} {
		if strings.Contains(text, secret) {
			t.Errorf("events hold a secret: %s", text)
		}
	}
}

// TestUserPolicies: an IAM user's calls, with its long-term key or GetSessionToken credentials
// made from it, are authorized against the user's own policies; a change of a role's policies
// applies to its live sessions, as in IAM.
func TestUserPolicies(t *testing.T) {
	srv, clk, _, do := resourceSetup(t, func(c *ststest.Config) {
		c.Users = append(c.Users, ststest.User{UserName: "Admin", ManagedPolicyArns: []string{"AdministratorAccess"},
			AccessKeys: []ststest.AccessKey{{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "adminEXAMPLEKEY"}}})
	})
	sessionOf := func(c *sigv4.Credentials) *sigv4.Credentials {
		out, err := (&sts.Client{Endpoint: srv.URL, HTTPClient: srv.Client(), Now: clk.Now, Credentials: c, MaxAttempts: 1}).GetSessionToken(context.Background(), nil)
		if err != nil {
			t.Fatalf("GetSessionToken = %v", err)
		}
		return session(out.Credentials)
	}
	admin := &sigv4.Credentials{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "adminEXAMPLEKEY"}
	tests := []struct {
		name   string
		call   call
		status int
	}{
		{"Alice's session lists", call{service: "s3", target: listBuckets, creds: sessionOf(aliceCreds)}, 200},
		{"Alice's session may not stop", call{service: "ec2", form: stop, creds: sessionOf(aliceCreds)}, 403},
		{"Bob's session may not list", call{service: "s3", target: listBuckets, creds: sessionOf(bobCreds)}, 403},
		{"AdministratorAccess stops", call{service: "ec2", form: stop, creds: admin}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := do(tt.call); r.status != tt.status {
				t.Errorf("%s = %d %s %q; want %d", tt.name, r.status, r.code, r.message, tt.status)
			}
		})
	}
	if r := do(call{service: "ec2", form: describe, creds: testRole}); r.status != 403 {
		t.Fatalf("DescribeInstances by TestRole = %d; want 403", r.status)
	}
	cfg := fixtureConfig()
	role := cfg.Roles[0]
	role.ManagedPolicyArns = append(role.ManagedPolicyArns, "ReadOnlyAccess")
	if err := srv.AddRole(role); err != nil {
		t.Fatal(err)
	}
	if r := do(call{service: "ec2", form: describe, creds: testRole}); r.status != 200 {
		t.Errorf("DescribeInstances by TestRole once ReadOnlyAccess is attached = %d %s; want 200", r.status, r.message)
	}
}

// TestS3Presigned: a presigned URL (query-string SigV4, UNSIGNED-PAYLOAD) works until it
// expires, then S3 answers AccessDenied "Request has expired".
func TestS3Presigned(t *testing.T) {
	srv, clk, log, _ := resourceSetup(t, nil)
	req, _ := http.NewRequest("GET", srv.URL+listObjects, nil)
	u, _, err := (&sigv4.Signer{}).PresignHTTP(req, *testRole, sigv4.UnsignedPayload, "s3", "us-east-1", clk.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		resp, err := srv.Client().Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get(); status != 200 || !strings.Contains(body, "<ListBucketResult") {
		t.Errorf("presigned ListObjectsV2 = %d %s; want the listing", status, body)
	}
	if e := log.last(); e.Decision != "allow" || e.Principal != "arn:aws:sts::123456789012:assumed-role/TestRole/demo" {
		t.Errorf("event = %+v; want TestRole's ListObjectsV2 allowed", e)
	}
	clk.Add(2 * time.Minute)
	if status, body := get(); status != 403 || !strings.Contains(body, "<Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>") {
		t.Errorf("expired presigned URL = %d %s; want AccessDenied Request has expired", status, body)
	}
}
