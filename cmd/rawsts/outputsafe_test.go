package main

import (
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/sts"
)

// hostile are values no service sends, each of which would change the meaning of some output
// if written as it is.
var hostile = []struct{ name, value string }{
	{"newline and a section", "tok\n[prod]\ncredential_process = evil"},
	{"carriage return", "tok\rX"},
	{"NUL", "tok\x00X"},
	{"escape sequence", "tok\x1b[2J"},
	{"space", "tok X"},
	{"invalid UTF-8", "tok\xffX"},
}

func hostileResult(field, value string) credentialResult {
	c := sts.Credentials{AccessKeyID: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
		SessionToken: "AQoDYXdzEPT//////////wEXAMPLE", Expiration: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	switch field {
	case "AccessKeyId":
		c.AccessKeyID = value
	case "SecretAccessKey":
		c.SecretAccessKey = value
	default:
		c.SessionToken = value
	}
	return assumeResult(&sts.AssumeRoleWithWebIdentityOutput{Credentials: c})
}

// TestFormatCredentialsRefusesWhatItCannotCarry: a value an output cannot hold as it is is
// refused, naming the field and never quoting the value. The ini writer refuses every
// character outside printable ASCII (a newline used to add a [prod] section); the env and JSON
// writers quote or escape everything but a NUL and bytes that are not UTF-8.
func TestFormatCredentialsRefusesWhatItCannotCarry(t *testing.T) {
	carries := map[string]map[string]bool{ // output → hostile values it may carry
		"ini":                {},
		"env":                {"newline and a section": true, "carriage return": true, "escape sequence": true, "space": true},
		"json":               {"newline and a section": true, "carriage return": true, "escape sequence": true, "space": true},
		"credential-process": {"newline and a section": true, "carriage return": true, "escape sequence": true, "space": true},
	}
	for _, output := range outputFormats {
		for _, field := range []string{"AccessKeyId", "SecretAccessKey", "SessionToken"} {
			for _, h := range hostile {
				t.Run(output+"/"+field+"/"+h.name, func(t *testing.T) {
					text, err := formatCredentials(output, "default", hostileResult(field, h.value))
					if carries[output][h.name] {
						if err != nil {
							t.Fatalf("formatCredentials(%s, %s=%q) = %v; want the value carried", output, field, h.value, err)
						}
						// JSON escapes control characters; env quotes them (TestEnvOutputQuotesHostileBytes
						// evaluates the result in a shell).
						if output != "env" && strings.ContainsAny(text, "\r\x1b") || strings.Contains(text, "\n[prod]") && output != "env" {
							t.Errorf("formatCredentials(%s, %s=%q) = %q; the value changed the output's lines", output, field, h.value, text)
						}
						return
					}
					var ue *unwritableError
					if !errors.As(err, &ue) || ue.field != field || text != "" {
						t.Fatalf("formatCredentials(%s, %s=%q) = %q, %v; want an unwritableError for %s and no text", output, field, h.value, text, err, field)
					}
					if msg := err.Error(); strings.Contains(msg, "tok") || !strings.Contains(msg, "--output "+output) {
						t.Errorf("error %q; want it to name --output %s and not quote the value", msg, output)
					}
				})
			}
		}
	}
}

// TestEnvOutputQuotesHostileBytes proves the env output safe by evaluating it in a POSIX shell:
// whatever bytes a value holds (quotes, $(…), backticks, newlines, escapes), the variable the
// shell sets holds exactly the value, and nothing else runs.
func TestEnvOutputQuotesHostileBytes(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to evaluate the output with")
	}
	for _, v := range []string{
		"plain", "it's", `'; touch /tmp/rawsts-pwned; '`, "$(touch /tmp/rawsts-pwned)", "`id`", "a\nb\n[prod]",
		`back\slash`, `"double"`, "tab\there", "esc\x1b[2J", "trailing\n", "'", "''", " lead and trail ", "#comment", "a=b;c",
	} {
		text, err := formatCredentials("env", "default", hostileResult("SessionToken", v))
		if err != nil {
			t.Fatalf("formatCredentials(env, %q) = %v", v, err)
		}
		out, err := exec.Command(sh, "-c", `eval "$1" && printf '%s|%s' "$AWS_SESSION_TOKEN" "$AWS_ACCESS_KEY_ID"`, "sh", text).Output()
		if err != nil {
			t.Fatalf("sh -c eval %q: %v", text, err)
		}
		if want := v + "|ASIAIOSFODNN7EXAMPLE"; string(out) != want {
			t.Errorf("eval of the env output for %q sets %q; want %q", v, out, want)
		}
	}
}

// TestProfileNameCheckedBeforeSending: --ini-profile must be a name an ini section header can hold;
// a bad one exits 2 naming the flag and the character, before anything is sent.
func TestProfileNameCheckedBeforeSending(t *testing.T) {
	for _, tt := range []struct{ profile, want string }{
		{"a\rb", `--ini-profile "a\rb": a profile name cannot hold a carriage return (U+000D)`},
		{"ci\n[prod]", `cannot hold a newline (U+000A)`},
		{"prod]x", `cannot hold a ] (U+005D)`},
		{"[prod", `cannot hold a [ (U+005B)`},
		{"x\x1b[31m", `cannot hold an escape character (U+001B)`},
		{"", `--ini-profile is empty`},
		{" ci", `cannot start or end with a space`},
		{"ci ", `cannot start or end with a space`},
		{"ci\xff", `cannot hold bytes that are not UTF-8`},
	} {
		for _, cmd := range [][]string{
			{"assume", "--role-arn", "arn:aws:iam::123456789012:role/demo", "--web-identity-token", "a.b.c", "--output", "ini"},
			{"assume-role", "--role-arn", "arn:aws:iam::123456789012:role/demo"},
			{"cognito", "assume", "--pool-id", "us-east-1_EXAMPLE", "--client-id", "c", "--username", "u", "--role-arn", "arn:aws:iam::123456789012:role/demo"},
		} {
			t.Run(cmd[0]+"/"+tt.profile, func(t *testing.T) {
				rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
					t.Errorf("a request was sent")
					return nil, errors.New("nothing may be sent")
				})
				env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
				r := runCLI(t, env, "", rt, append(cmd, "--ini-profile", tt.profile)...)
				if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
					t.Errorf("rawsts %s --ini-profile %q: exit %d, stderr %q; want exit 2 and %q", cmd[0], tt.profile, r.code, r.stderr, tt.want)
				}
			})
		}
	}
}

// TestCredentialProfileChecked: the profiles signed commands read credentials from are checked
// the same way, before anything is read or sent.
func TestCredentialProfileChecked(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"whoami", "--profile", "a\rb"}, `rawsts: whoami: --profile "a\rb": a profile name cannot hold a carriage return (U+000D)`},
		{nil, []string{"decode-authorization-message", "--profile", "a]", "msg"}, `--profile "a]": a profile name cannot hold a ] (U+005D)`},
		{nil, []string{"sign", "--profile", "x\n", "https://sts.amazonaws.com/"}, `--profile "x\n": a profile name cannot hold a newline`},
		{nil, []string{"assume-role", "--role-arn", "arn:aws:iam::123456789012:role/demo", "--source-profile", "x\x00"}, `--source-profile "x\x00": a profile name cannot hold a NUL byte (U+0000)`},
		{map[string]string{"AWS_PROFILE": "ci\r"}, []string{"whoami"}, `rawsts: AWS_PROFILE "ci\r": a profile name cannot hold a carriage return (U+000D) (nothing was sent)`},
	} {
		t.Run(tt.args[0], func(t *testing.T) {
			rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
				t.Errorf("a request was sent")
				return nil, errors.New("nothing may be sent")
			})
			r := runCLI(t, tt.env, "", rt, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("rawsts %q: exit %d, stderr %q; want exit 2 and %q", tt.args, r.code, r.stderr, tt.want)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestFormatTokensRefusesWhatItCannotCarry: the id-token and tokens outputs are lines; a token
// with a newline would add one (ID_TOKEN=x then a line of the server's choosing).
func TestFormatTokensRefusesWhatItCannotCarry(t *testing.T) {
	good := cognitoauth.Tokens{IdToken: "eyJ.id.EXAMPLE", AccessToken: "eyJ.access.EXAMPLE", RefreshToken: "eyJ.refresh.EXAMPLE", ExpiresIn: 3600, TokenType: "Bearer"}
	for _, output := range loginOutputs {
		for _, h := range hostile {
			for _, field := range []string{"IdToken", "AccessToken", "RefreshToken"} {
				tok := good
				switch field {
				case "IdToken":
					tok.IdToken = h.value
				case "AccessToken":
					tok.AccessToken = h.value
				default:
					tok.RefreshToken = h.value
				}
				text, err := formatTokens(output, &tok, false)
				wantErr := output != "json" || h.name == "NUL" || h.name == "invalid UTF-8"
				var ue *unwritableError
				if wantErr && (!errors.As(err, &ue) || ue.field != field || text != "") {
					t.Errorf("formatTokens(%s, %s=%q) = %q, %v; want an unwritableError for %s", output, field, h.value, text, err, field)
				}
				if !wantErr && err != nil {
					t.Errorf("formatTokens(%s, %s=%q) = %v; want JSON that escapes it", output, field, h.value, err)
				}
			}
		}
	}
	if text, err := formatTokens("id-token", &cognitoauth.Tokens{AccessToken: "eyJ.access.EXAMPLE"}, false); err == nil {
		t.Errorf("formatTokens(id-token, no IdToken) = %q; want an error, not an empty line", text)
	}
}
