package creds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/process"
)

// MaxProcessOutput is the most read of a credential_process's standard output: 64 KiB (a
// session token is a few kilobytes). More is an error and the program is killed.
const MaxProcessOutput = 64 << 10

// Process gets credentials from a program, the way a profile's credential_process does: the
// program prints JSON on its standard output,
//
//	{"Version": 1, "AccessKeyId": "…", "SecretAccessKey": "…", "SessionToken": "…",
//	 "Expiration": "2026-08-20T12:00:00Z", "AccountId": "123456789012"}
//
// Version must be the number 1; AccessKeyId and SecretAccessKey are required; SessionToken,
// Expiration (RFC 3339) and AccountId are optional. Without Expiration the credentials never
// expire, and a [Cache] keeps them for good, as the SDKs do. The program runs at every
// Retrieve, without a shell (Args as given), with Timeout to finish; when it fails, the error
// quotes the start of its standard error on one line (anything shaped like a JWT removed)
// unless Stderr takes it. Nothing the program printed on its standard output is ever quoted.
type Process struct {
	// Args is the program and its arguments. Required. FromProfile splits a profile's
	// credential_process as the AWS CLI does (see [FromProfile]).
	Args []string
	// Name names the program in messages and in Credentials.Source; "" means
	// "credential_process".
	Name string
	// AccountID is used when the program's output has no AccountId (a profile's
	// aws_account_id).
	AccountID string
	// Env is the program's environment; nil means the caller's.
	Env []string
	// Stdin is the program's standard input; nil means none. Stderr receives its standard
	// error (a prompt, an SSO link); nil means it is kept to quote when the program fails.
	Stdin  io.Reader
	Stderr io.Writer
	// Timeout bounds one run; 0 means a minute (the AWS SDK for Go v2's limit).
	Timeout time.Duration
}

// processOutput is the credential_process format.
type processOutput struct {
	Version         json.RawMessage
	AccessKeyID     *string `json:"AccessKeyId"`
	SecretAccessKey *string
	SessionToken    *string
	Expiration      *string
	AccountID       *string `json:"AccountId"`
}

// Retrieve runs the program and reads its output.
func (p *Process) Retrieve(ctx context.Context) (Credentials, error) {
	name := p.Name
	if name == "" {
		name = "credential_process"
	}
	out, err := process.Run(ctx, process.Spec{Name: name, Args: p.Args, Env: p.Env, Stdin: p.Stdin, Stderr: p.Stderr,
		Timeout: p.Timeout, MaxOutput: MaxProcessOutput})
	if err != nil {
		return Credentials{}, fmt.Errorf("creds: %w", err)
	}
	var o processOutput
	if err := json.Unmarshal(out, &o); err != nil {
		// Never quote the output: it may hold a secret key.
		return Credentials{}, fmt.Errorf("creds: the output of %s is not the credential_process JSON (%d bytes; want {\"Version\": 1, \"AccessKeyId\": …})", name, len(out))
	}
	if v := string(bytes.TrimSpace(o.Version)); v != "1" {
		return Credentials{}, fmt.Errorf("creds: the output of %s has Version %s; the only version is the number 1", name, describeVersion(v))
	}
	c := Credentials{AccountID: p.AccountID, Source: name}
	for _, f := range []struct {
		field string
		from  *string
		to    *string
	}{
		{"AccessKeyId", o.AccessKeyID, &c.AccessKeyID},
		{"SecretAccessKey", o.SecretAccessKey, &c.SecretAccessKey},
	} {
		if f.from == nil || *f.from == "" {
			return Credentials{}, fmt.Errorf("creds: the output of %s has no %s", name, f.field)
		}
		*f.to = *f.from
	}
	if o.SessionToken != nil {
		c.SessionToken = *o.SessionToken
	}
	if o.AccountID != nil && *o.AccountID != "" {
		c.AccountID = *o.AccountID
	}
	if o.Expiration != nil && *o.Expiration != "" {
		exp, err := time.Parse(time.RFC3339, *o.Expiration)
		if err != nil {
			return Credentials{}, fmt.Errorf("creds: the output of %s has an Expiration that is not an RFC 3339 time (e.g. 2026-08-20T12:00:00Z)", name)
		}
		c.Expiration = exp
	}
	return c, nil
}

// describeVersion names a Version that is not 1 for a message: missing, a number or a short
// string as it is written ("2", "\"1\""), anything else by its JSON kind and length, so that
// nothing else the program printed is quoted (a confused program may have put a key there).
func describeVersion(v string) string {
	switch {
	case v == "":
		return "missing"
	case len(v) <= 6 && strings.Trim(v, `0123456789.-+eE"`) == "":
		return v
	case strings.HasPrefix(v, `"`):
		return fmt.Sprintf("(a string of %d bytes)", len(v)-2)
	case strings.HasPrefix(v, "{"):
		return "(an object)"
	case strings.HasPrefix(v, "["):
		return "(a list)"
	}
	return fmt.Sprintf("(%d bytes of JSON)", len(v))
}
