package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/awsconfig"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/sts"
)

// FuzzCredentialOutputs checks each --output format of assume and assume-role against a second
// reading of what it wrote, for any credentials a reply may carry: a format either refuses the
// values (an *unwritableError) or writes what reads back as the same credentials — env through
// a POSIX shell's eval, json and credential-process through encoding/json, ini through the
// shared config reader the signing commands use (internal/awsconfig) under the --ini-profile it
// names.
func FuzzCredentialOutputs(f *testing.F) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		f.Skip("no sh to read the env output")
	}
	// Seeds: AWS's documented example credentials (STS's shapes), then values STS never sends.
	f.Add("ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AQoDYXdzEJr//////////wEXAMPLEtc764assume+/=", "default", uint8(0))
	f.Add("ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "tok\n[prod]\ncredential_process = sh -c id", "ci", uint8(3)) // a newline and a section in the token
	f.Add("AKID'; rm -rf ~; '", "$(id)`id`", "a\\'b\"c d\te=f#g;h", "x y", uint8(0))                                                        // shell quoting
	f.Add("A=B", "a;b#c", "v\u2028\u202ee\x1b[2J", "a#b;c", uint8(3))                                                                       // '=', comment characters, separators, an escape
	f.Add("", "\xff\xfe", "<redacted>", "default", uint8(1))                                                                                // empty, not UTF-8
	formats := []string{"env", "json", "credential-process", "ini"}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, keyID, secret, token, profile string, which uint8) {
		if keyID == "" || secret == "" || token == "" {
			return // the sts client never returns an empty credential (its FuzzDecode checks)
		}
		format := formats[int(which)%len(formats)]
		want := sts.Credentials{AccessKeyID: keyID, SecretAccessKey: secret, SessionToken: token, Expiration: fixedNow.Add(time.Hour)}
		out, err := formatCredentials(format, profile, credentialResult{creds: want, awsCLI: cliWebIdentityOutput{Credentials: toCLICredentials(want)}})
		if err != nil {
			if _, ok := err.(*unwritableError); !ok && (format != "ini" || checkProfileName("--ini-profile", profile) == nil) {
				t.Fatalf("formatCredentials(%s, %q, %q) error %T %v; want an *unwritableError", format, keyID, token, err, err)
			}
			return
		}
		var got [3]string
		switch format {
		case "env":
			cmd := exec.Command(sh, "-c", `eval "$1" && printf '%s\000%s\000%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"`, "sh", out)
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("sh cannot eval the env output: %v\n%s", err, out)
			}
			copy(got[:], strings.SplitN(string(b), "\x00", 3))
		case "json":
			var doc struct{ Credentials cliCredentials }
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("--output json is not JSON: %v\n%s", err, out)
			}
			got = [3]string{doc.Credentials.AccessKeyID, doc.Credentials.SecretAccessKey, doc.Credentials.SessionToken}
		case "credential-process":
			var doc cliCredentials
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("--output credential-process is not JSON: %v\n%s", err, out)
			}
			got = [3]string{doc.AccessKeyID, doc.SecretAccessKey, doc.SessionToken}
		case "ini":
			path := filepath.Join(dir, "credentials")
			writeFile(t, path, out)
			files, err := awsconfig.Load(func(k string) string {
				return map[string]string{"AWS_SHARED_CREDENTIALS_FILE": path, "AWS_CONFIG_FILE": filepath.Join(dir, "none")}[k]
			})
			if err != nil || files.Profile(profile) == nil {
				t.Fatalf("the ini output does not read as profile [%s]: %v\n%s", profile, err, out)
			}
			p := files.Profile(profile)
			got = [3]string{p.Get("aws_access_key_id"), p.Get("aws_secret_access_key"), p.Get("aws_session_token")}
		}
		if got != [3]string{keyID, secret, token} {
			t.Fatalf("--output %s of %q reads back as %q:\n%s", format, [3]string{keyID, secret, token}, got, out)
		}
	})
}

// FuzzAssumeRoleFlags checks the CLI's parsers of --policy, --tag, --transitive-tag-key and
// --external-id by a round trip through the wire: `rawsts assume-role --dry-run` either refuses
// the values (exit 2, rawsts lines on standard error, nothing on standard output) or prints a
// signed request that, read as a server reads it, carries exactly the values given and whose
// signature sigv4.Verify accepts with the credentials of the environment.
func FuzzAssumeRoleFlags(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, "Project=Unicorn", "Project", "123ABC") // the AWS CLI reference's example values
	f.Add("", "a=b=c", "", "")                                                                                                                        // '=' in a tag value
	f.Add("{", "=v", "k\n", "x y")                                                                                                                    // invalid JSON, an empty key, a newline, a space
	f.Add(" {} ", "k=\u00e9\u202e", "\u00e9", "arn:aws:iam::123456789012:role/x")                                                                     // spaces, letters of other scripts, a bidi override
	env := exampleEnv()
	f.Fuzz(func(t *testing.T, policy, tag, transitive, externalID string) {
		if strings.HasPrefix(policy, "@") {
			return // a file: FuzzAssumeRoleFlags does not read files
		}
		args := []string{"assume-role", "--dry-run", "--role-arn", "arn:aws:iam::123456789012:role/demo", "--role-session-name", "fuzz"}
		for _, fl := range [][2]string{{"policy", policy}, {"tag", tag}, {"transitive-tag-key", transitive}, {"external-id", externalID}} {
			if fl[1] != "" {
				args = append(args, "--"+fl[0]+"="+fl[1])
			}
		}
		r := runCLI(t, env, "", nil, args...)
		switch r.code {
		case exitUsage:
			if r.stdout != "" {
				t.Fatalf("rawsts %q: exit 2 with standard output %q", args, r.stdout)
			}
			for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
				if !strings.HasPrefix(line, "rawsts: ") || strings.ContainsAny(line, "\r\x1b\u202e") {
					t.Fatalf("rawsts %q: stderr line %q", args, line)
				}
			}
			return
		case exitOK:
		default:
			t.Fatalf("rawsts %q: exit %d; a dry run exits 0 or 2\n%s", args, r.code, r.stderr)
		}
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(r.stdout)))
		if err != nil {
			t.Fatalf("rawsts %q printed what is not an HTTP request: %v\n%s", args, err, r.stdout)
		}
		var body bytes.Buffer
		body.ReadFrom(req.Body)
		form, err := url.ParseQuery(body.String())
		if err != nil {
			t.Fatalf("rawsts %q sent a body that is not a form: %v", args, err)
		}
		key, value, _ := strings.Cut(tag, "=")
		for name, want := range map[string]string{"Policy": policy, "Tags.member.1.Key": key, "Tags.member.1.Value": value,
			"TransitiveTagKeys.member.1": transitive, "ExternalId": externalID} {
			if got := form.Get(name); got != want {
				t.Fatalf("rawsts %q sent %s=%q; want %q", args, name, got, want)
			}
		}
		lookup := func(string) (sigv4.Credentials, error) { return exampleCreds, nil }
		if _, err := sigv4.Verify(req, body.Bytes(), lookup, fixedNow, sigv4.VerifyOptions{Service: "sts"}); err != nil {
			t.Fatalf("rawsts %q printed a request whose signature does not verify: %v\n%s", args, err, r.stdout)
		}
	})
}
