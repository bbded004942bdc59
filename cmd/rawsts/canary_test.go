package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rawsts/rawsts/cognitoauth"
	"github.com/rawsts/rawsts/internal/fixture"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/ststest"
)

// The secret canary test. Every command of `rawsts help`, in every output mode and with --trace
// where it has one, runs with canary values for each secret it handles (the token, passwords,
// the client secret, the refresh token, the AWS secret key and session token, the MFA code)
// against hostile loopback servers: they echo everything they received, in every encoding, in
// protocol errors, pages, headers and status lines; they redirect to a host that must never be
// contacted; they stall; they cut the body off in the middle of a secret; they inject terminal
// controls and a forged "rawsts:" line; and they send canary credentials and tokens back. A
// canary — or a secret the servers saw under a secret's name (SECRET_HASH, the SRP claim, the
// signature) — may appear only in an output whose job is to print it: a received credential on
// the standard output of assume --output env, say. Standard error never shows one, nor a raw
// control character, and every line of it is a rawsts line or a trace line. Each run exits with
// its documented code.
//
// canaryCases is keyed by command: TestSecretCanaries fails for a command of commands() that has
// no cases, and for a mode flag (--trace, --json, --dry-run …) or --output value a command has
// that none of its cases uses.

// The canaries a command sends or reads locally.
const (
	canaryPassword     = `Canary-Pa55/w+rd="é"<&>~`
	canaryNewPassword  = `Canary-New+Pa55/w0rd=é`
	canaryClientSecret = "canary+client/secret=0123456789abcdefghijklmnop"
	canaryRefreshToken = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.U1JLLWNhbmFyeS1zZW50LXJlZnJlc2gta2V5.U0lWLWNhbmFyeQ.U0NULWNhbmFyeS1zZW50LXJlZnJlc2gtY2lwaGVydGV4dA.U1RHLWNhbmFyeS10YWc"
	canaryKeyID        = "AKIACANARYEXAMPLE000"
	canarySecretKey    = "CANARYsecretKEY/K7MDENG/bPxRfiCYCANARY1"
	canarySessionToken = "IQoJCANARYsentSessionToken//////////wEaDCANARY+abc/def=="
	canaryMFACode      = "271828"
	// The request token of GitHub Actions' ID-token endpoint and Buildkite's agent token.
	canaryGitHubRequestToken = "CANARYghRequestToken.eyJ0aGUgam9iIHRva2Vu.0123456789"
	canaryBuildkiteToken     = "bkagent_CANARYbuildkiteAgentAccessToken0123"
)

// The canaries the hostile servers send back.
const (
	canaryRecvSecretKey    = "RECVsecretKEY/K7MDENG+bPxRfiCYCANARYKEY1"
	canaryRecvSessionToken = "IQoJRECVCANARYsessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc/def="
	canaryRecvSession      = "AYABeCANARYcognitoSessionFromThePool0001"
	canaryRecvRefreshToken = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.UlJLLWNhbmFyeS1yZWNlaXZlZC1yZWZyZXNoLWtleQ.UklWLWNhbmFyeQ.UkNULWNhbmFyeS1yZWNlaXZlZC1yZWZyZXNoLWNpcGhlcnRleHQ.UlRHLWNhbmFyeS10YWc"
	canaryPoolID           = "us-east-1_CANARY"
	canaryClientID         = "1canaryclient23456789"
	canaryUser             = "canary-user"
	canaryRole             = "arn:aws:iam::123456789012:role/ci"
	canaryIdentityID       = "us-east-1:0c4a7d2e-5b1f-4e8a-9c3d-2f6b8a1e7d40"
)

// jwtCanary builds a JWT-shaped canary: claims signed by nobody, its signature segment the
// base64url of sig.
func jwtCanary(claims map[string]any, sig string) string {
	h, _ := json.Marshal(map[string]any{"alg": "RS256", "kid": "canary-key", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "." + enc.EncodeToString([]byte(sig))
}

var (
	// canaryToken is the web identity token: a GitHub Actions token, valid at fixedNow.
	canaryToken = jwtCanary(map[string]any{"iss": "https://token.actions.githubusercontent.com", "sub": "repo:acme/app:ref:refs/heads/main",
		"aud": "sts.amazonaws.com", "iat": fixedNow.Add(-time.Minute).Unix(), "exp": fixedNow.Add(time.Hour).Unix(), "jti": "canary-sent"},
		"WIT-canary-web-identity-token-signature")
	canaryRecvIDToken = jwtCanary(map[string]any{"iss": "https://cognito-idp.us-east-1.amazonaws.com/" + canaryPoolID, "sub": "canary-sub",
		"aud": canaryClientID, "token_use": "id", "cognito:username": canaryUser, "iat": fixedNow.Unix(), "exp": fixedNow.Add(time.Hour).Unix()},
		"RID-canary-received-id-token-signature")
	// canaryRecvCIToken is the ID token GitHub Actions or Buildkite answers with.
	canaryRecvCIToken = jwtCanary(map[string]any{"iss": "https://token.actions.githubusercontent.com", "sub": "repo:acme/app:ref:refs/heads/main",
		"aud": "sts.amazonaws.com", "iat": fixedNow.Unix(), "exp": fixedNow.Add(time.Hour).Unix(), "jti": "canary-ci"},
		"RCI-canary-ci-token-signature")
	// canaryRecvOpenIDToken is the token of an identity pool's GetOpenIdToken.
	canaryRecvOpenIDToken = jwtCanary(map[string]any{"iss": "https://cognito-identity.amazonaws.com", "sub": canaryIdentityID,
		"aud": "us-east-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "amr": []string{"authenticated"}, "iat": fixedNow.Unix(), "exp": fixedNow.Add(time.Hour).Unix()},
		"ROI-canary-received-openid-token-signature")
	canaryRecvAccessToken = jwtCanary(map[string]any{"iss": "https://cognito-idp.us-east-1.amazonaws.com/" + canaryPoolID, "sub": "canary-sub",
		"client_id": canaryClientID, "token_use": "access", "iat": fixedNow.Unix(), "exp": fixedNow.Add(time.Hour).Unix()},
		"RAT-canary-received-access-token-signature")
)

// canaryEnv is the environment of every run: credentials with a canary secret key and session
// token, one attempt per call (a 5xx is not retried: each run meets its server once).
func canaryEnv() map[string]string {
	return map[string]string{"AWS_ACCESS_KEY_ID": canaryKeyID, "AWS_SECRET_ACCESS_KEY": canarySecretKey,
		"AWS_SESSION_TOKEN": canarySessionToken, "AWS_MAX_ATTEMPTS": "1"}
}

// staticCanaries names every canary value above.
func staticCanaries() map[string]string {
	return map[string]string{
		"token": canaryToken, "password": canaryPassword, "new-password": canaryNewPassword, "client-secret": canaryClientSecret,
		"refresh-token": canaryRefreshToken, "secret-key": canarySecretKey, "session-token": canarySessionToken, "mfa-code": canaryMFACode,
		"recv-secret-key": canaryRecvSecretKey, "recv-session-token": canaryRecvSessionToken, "recv-session": canaryRecvSession,
		"recv-id-token": canaryRecvIDToken, "recv-access-token": canaryRecvAccessToken, "recv-refresh-token": canaryRecvRefreshToken,
		"github-request-token": canaryGitHubRequestToken, "buildkite-token": canaryBuildkiteToken, "recv-ci-token": canaryRecvCIToken,
		"recv-openid-token": canaryRecvOpenIDToken,
	}
}

// Names of canary groups, for the outputs allowed to print them.
var (
	recvCredentials = []string{"recv-secret-key", "recv-session-token"}
	recvTokens      = []string{"recv-id-token", "recv-access-token", "recv-refresh-token"}
)

// behaviour is how a hostile server answers the request a case aims it at (the final step of a
// Cognito login, the STS call, the first IAM call, the discovery document). Earlier steps of a
// login are answered as Cognito would.
type behaviour string

const (
	bNone          behaviour = "offline"          // the command sends nothing
	bSuccess       behaviour = "success"          // the protocol's answer, carrying canary credentials and tokens, and echoes in headers and an extra member
	bRefusal       behaviour = "echo-refusal"     // the protocol's error (STS ErrorResponse, Cognito's JSON, an issuer's JSON error) with everything echoed in its message
	bPage          behaviour = "echo-page"        // a proxy's 502 HTML page echoing everything, in its body, headers and reason phrase
	bStatusLine    behaviour = "echo-status-line" // a status line that is a secret the request carried
	bRedirect301   behaviour = "redirect-301"     // redirects, to a landing server that must never be contacted, with the secrets in the Location's query
	bRedirect302   behaviour = "redirect-302"
	bRedirect307   behaviour = "redirect-307"
	bRedirect308   behaviour = "redirect-308"
	bStallAccept   behaviour = "stall-no-reply" // the request is read, nothing is answered
	bStallBody     behaviour = "stall-body"     // headers and the start of a body, then nothing
	bTruncated     behaviour = "truncated"      // a body announced longer than it is, cut in the middle of a secret, then the connection closes
	bCutMidSecret  behaviour = "cut-mid-secret" // a whole reply whose body ends in the middle of a secret
	bInjectRefusal behaviour = "inject-refusal" // the protocol's error, its message full of terminal controls and a forged rawsts line
	bInjectPage    behaviour = "inject-page"    // a page with raw ESC, CR, newlines, bidi controls and a forged line
	bInjectHeader  behaviour = "inject-header"  // a header with raw ESC and a bidi control, which Go refuses and quotes
)

// networkBehaviours are those every networked case meets.
var networkBehaviours = []behaviour{bSuccess, bRefusal, bPage, bStatusLine, bRedirect301, bRedirect302, bRedirect307, bRedirect308,
	bStallAccept, bStallBody, bTruncated, bCutMidSecret, bInjectRefusal, bInjectPage, bInjectHeader}

// status is the HTTP status a behaviour answers with (0: none, or not a valid one).
func (b behaviour) status() int {
	switch b {
	case bSuccess, bStallBody, bTruncated, bCutMidSecret:
		return 200
	case bRefusal, bInjectRefusal:
		return 403
	case bPage, bInjectPage, bInjectHeader:
		return 502
	case bRedirect301, bRedirect302, bRedirect307, bRedirect308:
		n, _ := strconv.Atoi(strings.TrimPrefix(string(b), "redirect-"))
		return n
	}
	return 0
}

// defaultCode is the exit code the documentation gives for a behaviour: 0 for an answer, 1
// when the service said no, 3 for a redirect, a stall, a cut body or a reply that is not the
// protocol (rawsts help, "Exit codes").
func (b behaviour) defaultCode() int {
	switch b {
	case bNone, bSuccess:
		return exitOK
	case bRefusal, bInjectRefusal:
		return exitRefused
	}
	return exitTransport
}

// canaryCase is one command line.
type canaryCase struct {
	name  string
	stdin string
	// target is the protocol the behaviour applies to: "sts", "iam", "cognito", "oidc"; "" for
	// a command that sends nothing.
	target string
	// args returns the arguments for a server at url (env is the environment, which a case may
	// extend); files in dir.
	args func(c *canaryRun) []string
	// codes overrides the documented exit code for some behaviours.
	codes map[behaviour]int
	// stdoutMay are the canaries the standard output may show (its job); stdoutMayBelow300 those
	// it may show when the reply's status is below 300 (sign prints a success's body as it comes).
	stdoutMay, stdoutMayBelow300 []string
	// stderrMay are the canaries standard error may show (sign --verbose shows its signature).
	stderrMay []string
	// verbose marks sign --verbose, whose canonical request and string to sign follow their
	// "rawsts:" line on lines of their own.
	verbose bool
	// behaviours are those the case meets; nil means every one of networkBehaviours.
	behaviours []behaviour
	// tlsJWKS makes the issuer's jwks_uri an https server of the test PKI (thumbprint dials it).
	tlsJWKS bool
	// run replaces the standard run (the emulator).
	run func(t *testing.T, tc canaryCase)
}

// canaryRun is what a case's args see.
type canaryRun struct {
	url   string // the hostile server
	dir   string // a directory for the files the case reads
	env   map[string]string
	token string // the web identity token sent (canaryToken, or one minted for the server's issuer)
	pki   *testPKI
	// stdin, when args sets it, replaces the case's standard input (a token made for url).
	stdin string
	// secrets are canaries args made for this run (an EKS token's signature), by name; whole
	// are values that must not appear whole in any output (an EKS token).
	secrets map[string]string
	whole   []string
}

func (c *canaryRun) file(name, content string) string {
	p := filepath.Join(c.dir, name)
	os.WriteFile(p, []byte(content), 0o600)
	return p
}

// The building blocks of the cases.
func assumeCase(output string, trace bool, extra ...string) canaryCase {
	name := "assume --output " + output
	args := []string{"--output", output}
	if trace {
		name += " --trace"
		args = append(args, "--trace")
	}
	if output == "ini" {
		args = append(args, "--ini-profile", "canary")
	}
	return canaryCase{name: name + strings.Join(append([]string{""}, extra...), " "), target: "sts", stdoutMay: recvCredentials,
		args: func(c *canaryRun) []string {
			tok := []string{"--web-identity-token", canaryToken}
			if slices.Contains(extra, "file") {
				tok = []string{"--web-identity-token-file", c.file("token", canaryToken+"\n")}
			}
			return append(append([]string{"assume", "--endpoint", c.url, "--role-arn", canaryRole, "--role-session-name", "canary"}, tok...), args...)
		}}
}

func assumeRoleCase(output string, trace bool) canaryCase {
	name := "assume-role --output " + output
	args := []string{"--output", output}
	if trace {
		name += " --trace"
		args = append(args, "--trace")
	}
	return canaryCase{name: name, target: "sts", stdoutMay: recvCredentials, args: func(c *canaryRun) []string {
		return append([]string{"assume-role", "--endpoint", c.url, "--role-arn", canaryRole, "--role-session-name", "canary",
			"--serial-number", "arn:aws:iam::123456789012:mfa/canary", "--token-code", canaryMFACode, "--external-id", "canary-external-id"}, args...)
	}}
}

// cognitoArgs are the login flags of a flow: every secret it can carry (the client secret, the
// password and new password on standard input, the MFA code, the refresh token).
func cognitoArgs(sub, flow string, c *canaryRun) []string {
	args := []string{"cognito", sub, "--endpoint", c.url, "--pool-id", canaryPoolID, "--client-id", canaryClientID, "--username", canaryUser,
		"--client-secret", canaryClientSecret, "--flow", flow, "--mfa-code", canaryMFACode}
	if flow == "refresh" {
		return append(args, "--refresh-token-file", c.file("refresh", canaryRefreshToken+"\n"))
	}
	return append(args, "--password-stdin", "--new-password-stdin")
}

func cognitoLoginCase(flow, output string, trace bool) canaryCase {
	name := "cognito login --flow " + flow + " --output " + output
	extra := []string{"--output", output}
	if trace {
		name += " --trace"
		extra = append(extra, "--trace")
	}
	may := recvTokens
	if output == "id-token" {
		may = []string{"recv-id-token"}
	}
	return canaryCase{name: name, target: "cognito", stdin: canaryPassword + "\n" + canaryNewPassword + "\n", stdoutMay: may,
		args: func(c *canaryRun) []string { return append(cognitoArgs("login", flow, c), extra...) }}
}

func cognitoAssumeCase(flow, output string, trace bool) canaryCase {
	name := "cognito assume --flow " + flow + " --output " + output
	extra := []string{"--output", output, "--role-arn", canaryRole, "--role-session-name", "canary"}
	if trace {
		name += " --trace"
		extra = append(extra, "--trace")
	}
	return canaryCase{name: name, target: "sts", stdin: canaryPassword + "\n" + canaryNewPassword + "\n", stdoutMay: recvCredentials,
		args: func(c *canaryRun) []string { return append(cognitoArgs("assume", flow, c), extra...) }}
}

// outputsOnly limits the case of a command's i-th output (0: its first, which meets everything)
// to an answer and a refusal.
func outputsOnly(i int, tc canaryCase) canaryCase {
	if i > 0 {
		tc.behaviours = []behaviour{bSuccess, bRefusal}
	}
	return tc
}

func traced(trace bool, args ...string) []string {
	if trace {
		return append(args, "--trace")
	}
	return args
}

// canaryCases are the cases of each command.
func canaryCases() map[string][]canaryCase {
	cases := map[string][]canaryCase{}
	for _, trace := range []bool{false, true} {
		// The first output of each command meets every behaviour; the others, which differ only
		// in what they print of an answer, meet an answer and a refusal.
		for i, out := range outputFormats {
			cases["assume-role-with-web-identity"] = append(cases["assume-role-with-web-identity"], outputsOnly(i, assumeCase(out, trace)))
			cases["assume-role"] = append(cases["assume-role"], outputsOnly(i, assumeRoleCase(out, trace)))
			cases["cognito"] = append(cases["cognito"], outputsOnly(i, cognitoAssumeCase("srp", out, trace)))
		}
		for _, flow := range []string{"srp", "password", "admin", "refresh"} {
			if flow != "srp" {
				cases["cognito"] = append(cases["cognito"], cognitoAssumeCase(flow, "env", trace))
			}
			for _, out := range loginOutputs {
				if flow == "srp" || out == "json" {
					i := 1 // json meets every behaviour
					if out == "json" {
						i = 0
					}
					cases["cognito"] = append(cases["cognito"], outputsOnly(i, cognitoLoginCase(flow, out, trace)))
				}
			}
		}
		for _, out := range []string{"text", "json"} {
			cases["whoami"] = append(cases["whoami"], canaryCase{name: "whoami --output " + out + map[bool]string{true: " --trace"}[trace], target: "sts",
				args: func(c *canaryRun) []string {
					return traced(trace, "whoami", "--endpoint", c.url, "--output", out)
				}})
		}
		cases["decode-authorization-message"] = append(cases["decode-authorization-message"], canaryCase{
			name: "decode-authorization-message" + map[bool]string{true: " --trace"}[trace], target: "sts",
			args: func(c *canaryRun) []string {
				return traced(trace, "decode-authorization-message", "--endpoint", c.url, "canary-encoded-message")
			}})
		for _, verify := range []string{"--verify", "--fetch"} {
			for _, js := range []bool{false, true} {
				name := "diagnose " + verify + map[bool]string{true: " --json"}[js] + map[bool]string{true: " --trace"}[trace]
				cases["diagnose"] = append(cases["diagnose"], diagnoseCase(name, verify, js, trace))
			}
		}
		for _, js := range []bool{false, true} {
			name := "inspect --verify" + map[bool]string{true: " --json"}[js] + map[bool]string{true: " --trace"}[trace]
			cases["inspect"] = append(cases["inspect"], canaryCase{name: name, target: "oidc",
				codes: issuerCodes(nil),
				args: func(c *canaryRun) []string {
					args := traced(trace, "inspect", "--verify", "--at", fixedNow.Format(time.RFC3339), c.token)
					if js {
						args = append(args, "--json")
					}
					return args
				}})
		}
	}
	cases["assume-role-with-web-identity"] = append(cases["assume-role-with-web-identity"],
		assumeCase("env", true, "file"),
		canaryCase{name: "assume --print-curl", args: func(c *canaryRun) []string {
			return []string{"assume", "--print-curl", "--role-arn", canaryRole, "--web-identity-token", canaryToken}
		}},
		canaryCase{name: "assume --print-curl --show-secrets", stdoutMay: []string{"token"}, args: func(c *canaryRun) []string {
			return []string{"assume", "--print-curl", "--show-secrets", "--role-arn", canaryRole, "--web-identity-token", canaryToken}
		}})
	cases["assume-role"] = append(cases["assume-role"], canaryCase{name: "assume-role --dry-run", stdoutMay: []string{"session-token", "mfa-code"},
		args: func(c *canaryRun) []string {
			return []string{"assume-role", "--dry-run", "--role-arn", canaryRole, "--serial-number", "arn:aws:iam::123456789012:mfa/canary", "--token-code", canaryMFACode}
		}})
	// sign: the body of a reply below 300 is printed as it comes, echoes included (sign's help).
	sign := func(name string, extra ...string) canaryCase {
		return canaryCase{name: name, target: "sts", stdoutMayBelow300: []string{"session-token", "signature"},
			codes: map[behaviour]int{bRefusal: exitRefused, bInjectRefusal: exitRefused, bPage: exitRefused, bInjectPage: exitRefused, bCutMidSecret: exitOK},
			args: func(c *canaryRun) []string {
				return append([]string{"sign", "--service", "sts", "--region", "us-east-1", "-d", "Action=GetCallerIdentity&Version=2011-06-15", c.url + "/"}, extra...)
			}}
	}
	cases["sign"] = []canaryCase{sign("sign"), sign("sign -i", "-i")}
	v := sign("sign --verbose", "--verbose")
	v.stderrMay, v.verbose = []string{"signature"}, true
	cases["sign"] = append(cases["sign"], v,
		canaryCase{name: "sign --dry-run", stdoutMay: []string{"session-token"}, args: func(c *canaryRun) []string {
			return []string{"sign", "--dry-run", "--service", "sts", "--region", "us-east-1", "-d", "Action=GetCallerIdentity", "http://127.0.0.1:9/"}
		}},
		canaryCase{name: "sign --dry-run --verbose", stdoutMay: []string{"session-token"}, verbose: true, args: func(c *canaryRun) []string {
			return []string{"sign", "--dry-run", "--verbose", "--service", "sts", "--region", "us-east-1", "-d", "Action=GetCallerIdentity", "http://127.0.0.1:9/"}
		}},
		canaryCase{name: "sign --presign", stdoutMay: []string{"session-token"}, args: func(c *canaryRun) []string {
			return []string{"sign", "--presign", "--expires", "60", "https://examplebucket.s3.amazonaws.com/canary.txt"}
		}})
	cases["inspect"] = append(cases["inspect"],
		canaryCase{name: "inspect", args: func(c *canaryRun) []string {
			return []string{"inspect", "--at", fixedNow.Format(time.RFC3339), canaryToken}
		}},
		canaryCase{name: "inspect --json --show-signature", stdoutMay: []string{"token-signature"}, args: func(c *canaryRun) []string {
			return []string{"inspect", "--json", "--show-signature", "--file", c.file("token", canaryToken)}
		}})
	cases["diagnose"] = append(cases["diagnose"],
		canaryCase{name: "diagnose", args: func(c *canaryRun) []string {
			return []string{"diagnose", "--role-arn", canaryRole, "--trust-policy", ex("ref-policy.json"), "--provider", ex("github-provider.json"), canaryToken}
		}},
		canaryCase{name: "diagnose --error quoting the token", args: func(c *canaryRun) []string {
			return []string{"diagnose", "--error", "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: Incorrect token audience for " + canaryToken}
		}})
	cases["thumbprint"] = []canaryCase{
		{name: "thumbprint", target: "oidc", tlsJWKS: true, codes: issuerCodes(nil),
			args: func(c *canaryRun) []string { return []string{"thumbprint", "--ca-file", c.pki.caFile, c.url} }},
		{name: "thumbprint --json", target: "oidc", tlsJWKS: true, codes: issuerCodes(nil),
			args: func(c *canaryRun) []string { return []string{"thumbprint", "--json", "--ca-file", c.pki.caFile, c.url} }},
	}
	cases["lint-trust-policy"] = []canaryCase{
		{name: "lint-trust-policy", args: func(c *canaryRun) []string { return []string{"lint-trust-policy", ex("ref-policy.json")} }},
		{name: "lint-trust-policy --json", args: func(c *canaryRun) []string { return []string{"lint-trust-policy", "--json", ex("ref-policy.json")} }},
	}
	ciEnv := func(c *canaryRun) {
		c.env["ACTIONS_ID_TOKEN_REQUEST_URL"] = c.url + "/github-token?api-version=2.0"
		c.env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = canaryGitHubRequestToken
		c.env["BUILDKITE_AGENT_ENDPOINT"], c.env["BUILDKITE_JOB_ID"] = c.url+"/v3", "canary-job"
		c.env["BUILDKITE_AGENT_ACCESS_TOKEN"] = canaryBuildkiteToken
	}
	for _, trace := range []bool{false, true} {
		for _, from := range []string{"github", "buildkite"} {
			cases["token"] = append(cases["token"], canaryCase{name: "token --from " + from + map[bool]string{true: " --trace"}[trace],
				target: from, stdoutMay: []string{"recv-ci-token"}, codes: map[behaviour]int{bRefusal: exitRefused, bInjectRefusal: exitRefused, bPage: exitRefused, bInjectPage: exitRefused},
				args: func(c *canaryRun) []string { ciEnv(c); return traced(trace, "token", "--from", from) }})
		}
		for _, flow := range []string{"srp", "refresh"} {
			cases["token"] = append(cases["token"], canaryCase{name: "token --from cognito --flow " + flow + map[bool]string{true: " --trace"}[trace],
				target: "cognito", stdin: canaryPassword + "\n" + canaryNewPassword + "\n", stdoutMay: []string{"recv-id-token"},
				args: func(c *canaryRun) []string {
					return traced(trace, append([]string{"token", "--from"}, cognitoArgs("cognito", flow, c)[1:]...)...)
				}})
		}
		cases["exec"] = append(cases["exec"], canaryCase{name: "exec --web-identity-token" + map[bool]string{true: " --trace"}[trace], target: "sts",
			args: func(c *canaryRun) []string {
				return traced(trace, "exec", "--endpoint", c.url, "--role-arn", canaryRole, "--role-session-name", "canary", "--web-identity-token", canaryToken, "--", "true")
			}})
	}
	cases["token"] = append(cases["token"],
		canaryCase{name: "token --from github --inspect", target: "github", codes: map[behaviour]int{bRefusal: exitRefused, bInjectRefusal: exitRefused, bPage: exitRefused, bInjectPage: exitRefused},
			args: func(c *canaryRun) []string { ciEnv(c); return []string{"token", "--from", "github", "--inspect"} }},
		canaryCase{name: "token --from env", stdoutMay: []string{"token"}, args: func(c *canaryRun) []string {
			c.env["CANARY_TOKEN"] = canaryToken
			return []string{"token", "--from", "env:CANARY_TOKEN"}
		}},
		canaryCase{name: "token --from file", stdoutMay: []string{"token"}, args: func(c *canaryRun) []string {
			return []string{"token", "--from", "file:" + c.file("token", canaryToken+"\n")}
		}},
		canaryCase{name: "token --from command", stdoutMay: []string{"token"}, args: func(c *canaryRun) []string {
			return []string{"token", "--from", "command:cat " + c.file("token", canaryToken+"\n")}
		}})
	cases["exec"] = append(cases["exec"],
		canaryCase{name: "exec --token-from github", target: "github", codes: map[behaviour]int{bRefusal: exitRefused, bInjectRefusal: exitRefused, bPage: exitRefused, bInjectPage: exitRefused},
			args: func(c *canaryRun) []string {
				ciEnv(c)
				return []string{"exec", "--endpoint", c.url, "--role-arn", canaryRole, "--token-from", "github", "--", "true"}
			}},
		canaryCase{name: "exec --server --web-identity-token-file", target: "sts", args: func(c *canaryRun) []string {
			return []string{"exec", "--server", "--endpoint", c.url, "--role-arn", canaryRole, "--web-identity-token-file", c.file("token", canaryToken), "--", "true"}
		}})
	cases["assume-role-with-web-identity"] = append(cases["assume-role-with-web-identity"],
		canaryCase{name: "assume --token-from github", target: "github", stdoutMay: recvCredentials,
			codes: map[behaviour]int{bRefusal: exitRefused, bInjectRefusal: exitRefused, bPage: exitRefused, bInjectPage: exitRefused},
			args: func(c *canaryRun) []string {
				ciEnv(c)
				return []string{"assume", "--endpoint", c.url, "--role-arn", canaryRole, "--token-from", "github"}
			}})
	cases["version"] = []canaryCase{{name: "version", args: func(c *canaryRun) []string { return []string{"version"} }}}
	cases["emulator"] = []canaryCase{{name: "emulator", run: runEmulatorCanary}}
	cases["cognito"] = append(cases["cognito"], identityCanaryCases()...)
	cases["eks"] = eksCanaryCases()
	cases["ui"] = []canaryCase{{name: "ui", run: runUICanary}}
	// The demo's job is to print the credentials it obtains (its step 5, the export lines): on
	// standard output, and only the emulator's, never a canary it was given (the user's password,
	// the admin's secret key), which it sends; standard error shows none. runDemoCanary drives it.
	cases["demo"] = []canaryCase{{name: "demo", run: runDemoCanary}}
	return cases
}

// issuerCodes are the exit codes of the commands that fetch an issuer's documents (inspect,
// diagnose --verify, thumbprint): an issuer that answers, but not with its document (an error, a
// page, a cut document), fails a step, which exits 1 (their help: "1 when … a --verify step
// failed"); one that redirects, stalls or breaks the connection exits 3. extra adds to them.
func issuerCodes(extra map[behaviour]int) map[behaviour]int {
	codes := map[behaviour]int{bRefusal: exitRefused, bInjectRefusal: exitRefused, bPage: exitRefused, bInjectPage: exitRefused, bCutMidSecret: exitRefused}
	maps.Copy(codes, extra)
	return codes
}

func diagnoseCase(name, verify string, js, trace bool) canaryCase {
	tc := canaryCase{name: name, target: "oidc",
		// A verdict of allow exits 0, deny 1; an issuer's error page (a step failed) is 1.
		codes: issuerCodes(map[behaviour]int{bSuccess: exitRefused}),
		args: func(c *canaryRun) []string {
			args := traced(trace, "diagnose", "--verify", "--role-arn", canaryRole, "--at", fixedNow.Format(time.RFC3339), c.token)
			if js {
				args = append(args, "--json")
			}
			return args
		}}
	if verify == "--fetch" {
		tc.target, tc.codes = "iam", map[behaviour]int{bSuccess: exitOK}
		tc.args = func(c *canaryRun) []string {
			args := traced(trace, "diagnose", "--fetch", "--endpoint-iam", c.url, "--role-arn", "arn:aws:iam::123456789012:role/deploy",
				"--file", c.file("token", canaryToken))
			if js {
				args = append(args, "--json")
			}
			return args
		}
	}
	return tc
}

// canaryModeFlags are the flags that change what a command prints or sends: a command that has
// one must have a case that uses it.
var canaryModeFlags = []string{"log", "inspect", "server", "from", "token-from", "trace", "json", "print-curl", "show-secrets", "dry-run", "presign", "verbose", "i", "verify", "fetch",
	"show-signature", "output", "flow", "error", "web-identity-token-file", "refresh-token-file", "token-code", "client-secret", "mfa-code"}

// TestSecretCanaries runs every case against every behaviour.
func TestSecretCanaries(t *testing.T) {
	cases := canaryCases()
	checkCanaryCoverage(t, cases)
	// The canaries betray only themselves: no probe of one is found in another.
	for a, va := range staticCanaries() {
		for b, vb := range staticCanaries() {
			for _, p := range canaryProbes(va) {
				if a != b && strings.Contains(vb, p) {
					t.Fatalf("the probe %q of the %s canary is in the %s canary: make them distinct", p, a, b)
				}
			}
		}
	}
	pki := newTestPKI(t)
	landing := fixture.NewLanding(t)
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, command := range names {
		for _, tc := range cases[command] {
			if tc.run != nil {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, tc) })
				continue
			}
			behaviours := []behaviour{bNone}
			switch {
			case tc.target != "" && tc.behaviours != nil:
				behaviours = tc.behaviours
			case tc.target != "":
				behaviours = networkBehaviours
			}
			for _, b := range behaviours {
				t.Run(tc.name+"/"+string(b), func(t *testing.T) {
					if b == bStallAccept || b == bStallBody {
						t.Parallel() // each waits out its timeout, which takes no CPU
					}
					runCanary(t, tc, b, pki, landing)
				})
			}
		}
	}
	t.Cleanup(func() { // after every subtest, the parallel ones included
		if n := landing.Contacted(); n != 0 {
			t.Errorf("the redirects' landing server was contacted %d times; a redirect must never be followed", n)
		}
	})
}

// checkCanaryCoverage fails for a command of `rawsts help` without cases, a case for a command
// that is not one, and a mode flag or --output value of a command that no case uses.
func checkCanaryCoverage(t *testing.T, cases map[string][]canaryCase) {
	t.Helper()
	known := map[string]bool{}
	for _, c := range commands() {
		known[c.name] = true
		if len(cases[c.name]) == 0 {
			t.Errorf("rawsts %s is not covered by the secret canary test: add its cases to canaryCases in canary_test.go", c.name)
			continue
		}
		var sets []*flag.FlagSet
		s := &streams{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" },
			now: func() time.Time { return fixedNow }, onFlagSet: func(fs *flag.FlagSet) { sets = append(sets, fs) }}
		run(context.Background(), []string{c.name, "-h"}, s)
		used := map[string]bool{}
		outputs := map[string]bool{}
		for _, tc := range cases[c.name] {
			var args []string
			switch {
			case tc.args != nil:
				args = tc.args(&canaryRun{url: "http://127.0.0.1:9", dir: t.TempDir(), env: canaryEnv(), token: canaryToken, pki: &testPKI{}, secrets: map[string]string{}})
			case c.name == "emulator":
				for _, v := range emulatorVariants {
					args = append(args, v.args(t.TempDir())...)
				}
			}
			for i, a := range args {
				if name, ok := strings.CutPrefix(a, "-"); ok {
					name = strings.TrimPrefix(name, "-")
					used[name] = true
					if name == "output" && i+1 < len(args) {
						outputs[args[i+1]] = true
					}
				}
			}
		}
		for _, fs := range sets {
			for _, name := range canaryModeFlags {
				f := fs.Lookup(name)
				if f == nil {
					continue
				}
				if !used[name] {
					t.Errorf("rawsts %s has --%s, but no case of the secret canary test uses it: add one to canaryCases", c.name, name)
				}
				if name != "output" {
					continue
				}
				want := map[string][]string{"env": outputFormats, "id-token": loginOutputs, "text": {"text", "json"}}[f.DefValue]
				if want == nil {
					t.Errorf("rawsts %s --output: the secret canary test does not know its values (default %q)", c.name, f.DefValue)
				}
				for _, v := range want {
					if !outputs[v] {
						t.Errorf("rawsts %s --output %s is in no case of the secret canary test", c.name, v)
					}
				}
			}
		}
	}
	for name := range cases {
		if !known[name] {
			t.Errorf("canaryCases has cases for %q, which is not a command", name)
		}
	}
}

// runCanary runs one case against one behaviour and checks everything it wrote.
func runCanary(t *testing.T, tc canaryCase, b behaviour, pki *testPKI, landing *fixture.Landing) {
	c := &canaryRun{dir: t.TempDir(), env: canaryEnv(), token: canaryToken, pki: pki, secrets: map[string]string{}}
	var h *hostileServer
	if tc.target != "" {
		h = newHostile(t, b, tc, landing, pki)
		c.url = h.url
		if tc.target == "oidc" {
			c.token = mintRS256(t, map[string]any{"iss": h.url, "sub": "repo:acme/app:ref:refs/heads/main", "aud": "sts.amazonaws.com",
				"iat": fixedNow.Unix(), "exp": fixedNow.Add(time.Hour).Unix()})
		}
	}
	args := tc.args(c)
	if tc.target != "" {
		timeout := "5s"
		if b == bStallAccept || b == bStallBody {
			timeout = "300ms"
		}
		// Before a "--" (exec's COMMAND follows it).
		at := len(args)
		if i := slices.Index(args, "--"); i >= 0 {
			at = i
		}
		args = slices.Insert(args, at, "--timeout", timeout)
	}
	done := make(chan cliRun, 1)
	stdin := tc.stdin
	if c.stdin != "" {
		stdin = c.stdin
	}
	go func() { done <- runCLI(t, c.env, stdin, nil, args...) }()
	var r cliRun
	select {
	case r = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("rawsts %s still runs after a minute", strings.Join(args, " "))
	}

	want := b.defaultCode()
	if code, ok := tc.codes[b]; ok {
		want = code
	}
	if r.code != want {
		t.Errorf("exit %d; want %d\nargs: %q\nstdout:\n%s\nstderr:\n%s", r.code, want, args, r.stdout, r.stderr)
	}
	canaries := staticCanaries()
	if c.token != canaryToken {
		canaries["token"] = c.token
	}
	canaries["token-signature"] = c.token[strings.LastIndexByte(c.token, '.')+1:]
	maps.Copy(canaries, c.secrets)
	if h != nil {
		known := map[string]bool{}
		for _, v := range canaries {
			known[v] = true
		}
		for name, v := range h.observed() {
			if _, ok := canaries[name]; !ok && !known[v] {
				canaries[name] = v
			}
		}
	}
	stdoutMay := tc.stdoutMay
	if s := b.status(); s > 0 && s < 300 {
		stdoutMay = append(slices.Clone(stdoutMay), tc.stdoutMayBelow300...)
	}
	checkNoCanary(t, "stdout", r.stdout, canaries, stdoutMay)
	for _, v := range c.whole {
		if strings.Contains(r.stdout, v) || strings.Contains(r.stderr, v) {
			t.Errorf("an output shows %q whole:\nstdout:\n%s\nstderr:\n%s", v, r.stdout, r.stderr)
		}
	}
	checkNoCanary(t, "stderr", r.stderr, canaries, tc.stderrMay)
	checkStderrLines(t, r.stderr, tc.verbose)
	if len(tc.stderrMay) == 0 {
		// A second detector: the scrubber itself, which also knows layered encodings; stderr must
		// be as it would be after scrubbing every canary.
		values := make([]string, 0, len(canaries))
		for _, v := range canaries {
			values = append(values, v)
		}
		if scrubbed := httpx.NewSecrets(values...).Scrub(r.stderr); scrubbed != r.stderr {
			t.Errorf("stderr holds a secret the scrubber still finds:\n%s\nscrubbed:\n%s", r.stderr, scrubbed)
		}
	}
	if b.status() >= 300 && b.status() < 400 {
		// The message names the redirect without the Location's path and query (a trace shows
		// the Location header, its secrets hidden).
		var msgs []string
		for _, line := range strings.Split(r.stderr, "\n") {
			if strings.HasPrefix(line, "rawsts: ") {
				msgs = append(msgs, line)
			}
		}
		if m := strings.Join(msgs, "\n"); !strings.Contains(m, "redirect") || strings.Contains(m, "/landing?") {
			t.Errorf("stderr = %q; want it to name the redirect, without the Location's path and query", m)
		}
	}
}

// canaryForms are the ways a value may be written back: as it is, percent-encoded, JSON- and
// XML-escaped, HTML-escaped, base64 and base64url with and without padding.
func canaryForms(v string) []string {
	j, _ := json.Marshal(v)
	var jraw bytes.Buffer
	enc := json.NewEncoder(&jraw)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v), string(j[1 : len(j)-1]), strings.TrimSuffix(jraw.String(), "\n"),
		strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`), xmlText(v), html.EscapeString(v)}
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		forms = append(forms, e.EncodeToString([]byte(v)))
	}
	return forms
}

// checkNoCanary fails when text shows a canary (in any of canaryForms) that may is not allowed to
// show: whole, or for a JWT its payload or signature segment, or for other values of 12 bytes or
// more their first 10 bytes (a secret cut off at a limit). A canary of digits only (an MFA code)
// counts only when no digit surrounds it.
func checkNoCanary(t *testing.T, where, text string, canaries map[string]string, may []string) {
	t.Helper()
	allowed := func(name string) bool { return slices.Contains(may, name) }
	// What an allowed canary contains is allowed too: the token's signature inside the token.
	var allowedText []string
	for _, name := range may {
		if v, ok := canaries[name]; ok {
			allowedText = append(allowedText, v)
		}
	}
	names := make([]string, 0, len(canaries))
	for name := range canaries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := canaries[name]
		if allowed(name) || len(v) < 4 {
			continue
		}
		for _, p := range canaryProbes(v) {
			if containsOutside(text, p, allowedText, allDigits(v)) {
				t.Errorf("%s shows the %s canary (as %q):\n%s", where, name, p, text)
				break
			}
		}
	}
	if where == "stderr" {
		// A JWT's (or JWE's) header and the start of its next segment, whoever's it is: what a
		// token cut anywhere leaves. (The base64 of a JSON object also starts with eyJ, without
		// the dot.)
		if m := jwtPiece.FindString(text); m != "" {
			t.Errorf("stderr shows something shaped like a JWT (%q):\n%s", m, text)
		}
	}
}

// canaryProbes are the texts that betray v: v in each of canaryForms, and for a JWT (or JWE) each
// segment after the header (the header is the same in many tokens), for any other value of 12
// bytes or more its first 10 bytes (a secret cut off at a limit). Probes shorter than 6 bytes are
// left out.
func canaryProbes(v string) []string {
	probes := canaryForms(v)
	if parts := strings.Split(v, "."); len(parts) >= 3 && strings.HasPrefix(v, "eyJ") {
		probes = append(probes, parts[1:]...)
	} else if len(v) >= 12 {
		probes = append(probes, v[:10])
	}
	return slices.DeleteFunc(probes, func(p string) bool { return len(p) < 6 })
}

// jwtPiece is a JWT's (or JWE's) header and the start of its next segment.
var jwtPiece = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{4,}`)

// containsOutside reports whether p occurs in text other than inside an occurrence of one of
// allowed; with number, only where no digit is on either side (a code inside a longer number, a
// request id or a length, is not the code).
func containsOutside(text, p string, allowed []string, number bool) bool {
	for _, a := range allowed {
		if strings.Contains(a, p) {
			text = strings.ReplaceAll(text, a, "\x00")
		}
	}
	for i := 0; ; {
		j := strings.Index(text[i:], p)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(p)
		if !number || (j == 0 || !isDigit(text[j-1])) && (end == len(text) || !isDigit(text[end])) {
			return true
		}
		i = j + 1
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// checkStderrLines fails for a line of standard error that is not a rawsts line ("rawsts: …")
// or a trace line ("> …", "< …", ">", "<", or the empty line after an exchange), that forges one,
// or that holds a raw control or format character (a trace keeps a body's tabs). With verbose
// (sign --verbose), the lines after "rawsts: canonical request:" and "rawsts: string to sign:" are
// those documents, up to the next rawsts line.
func checkStderrLines(t *testing.T, stderr string, verbose bool) {
	t.Helper()
	block := false
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		trace := line == "" || line == ">" || line == "<" || strings.HasPrefix(line, "> ") || strings.HasPrefix(line, "< ")
		switch {
		case strings.HasPrefix(line, "rawsts: "):
			block = verbose && (line == "rawsts: canonical request:" || line == "rawsts: string to sign:")
			if strings.HasPrefix(line, "rawsts: forged") {
				t.Errorf("stderr has a forged line %q", line)
			}
		case trace, block:
		default:
			t.Errorf("stderr line %q is neither a rawsts line nor a trace line", line)
		}
		if r, ok := controlIn(line, trace || block); ok {
			t.Errorf("stderr line %q holds the control character %U", line, r)
		}
	}
}

// controlIn returns the first control or format character of line that a terminal or a log
// reader could be fooled by (a tab allowed with tabs).
func controlIn(line string, tabs bool) (rune, bool) {
	for _, r := range line {
		if r == '\t' && tabs {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
			return r, true
		}
	}
	return 0, false
}

// hostileServer is one loopback server playing STS, IAM, Cognito and an OIDC issuer at once,
// answering the requests of its target with its behaviour.
type hostileServer struct {
	t         *testing.T
	behaviour behaviour
	target    string
	url       string
	landing   *fixture.Landing
	tlsURL    string // an https server for jwks_uri, for thumbprint to dial
	done      chan struct{}

	mu     sync.Mutex
	values []string          // every value received, in order
	seen   map[string]string // secrets received under their names: "secret-hash", "signature" …
}

func newHostile(t *testing.T, b behaviour, tc canaryCase, landing *fixture.Landing, pki *testPKI) *hostileServer {
	h := &hostileServer{t: t, behaviour: b, target: tc.target, landing: landing, done: make(chan struct{}), seen: map[string]string{}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(h.done) }) // runs first: releases stalled handlers before Close waits for them
	h.url = srv.URL
	if tc.tlsJWKS {
		h.tlsURL = pki.tlsIssuer(t, testKid).URL
	}
	return h
}

// observed returns the secrets the server received under their names.
func (h *hostileServer) observed() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.seen)
}

// secretNames maps the names a request carries secrets under to canary names.
var secretNames = map[string]string{"PASSWORD": "password", "NEW_PASSWORD": "new-password", "SECRET_HASH": "secret-hash",
	"PASSWORD_CLAIM_SIGNATURE": "claim-signature", "SOFTWARE_TOKEN_MFA_CODE": "mfa-code", "REFRESH_TOKEN": "refresh-token",
	"Session": "recv-session", "WebIdentityToken": "web-identity-token", "TokenCode": "mfa-code", "X-Amz-Security-Token": "session-token",
	"X-Amz-Signature": "signature"}

// request is what the server learned of one request.
type request struct {
	kind    string // "sts", "iam", "cognito", "oidc"
	action  string // the Action, the Cognito operation, or "discovery"/"jwks"
	flow    string // Cognito's AuthFlow or ChallengeName
	secret  string // the longest secret it carried, for a status line or a cut body
	json    map[string]any
	isFinal bool
}

func (h *hostileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, httpx.MaxBodySize))
	req := h.record(r, body)
	if h.behaviour == bSuccess || req.kind != h.target || !req.isFinal {
		h.answer(w, req)
		return
	}
	blob := h.echo()
	switch b := h.behaviour; b {
	case bRefusal:
		h.refuse(w, req, "The security token included in the request is invalid: "+blob)
	case bInjectRefusal:
		h.refuse(w, req, "\u009b31mdenied\x1b[2J\r\nrawsts: forged line\u202e\u2028\u2066 end")
	case bPage:
		page := "<html><body><pre>" + blob + "</pre></body></html>"
		h.raw(w, fmt.Sprintf("HTTP/1.1 502 Bad Gateway %s\r\n%sContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			headerSafe(h.firstSecret(req)), h.echoHeaders(), len(page), page))
	case bInjectPage:
		page := "<html>\x1b[31m\rrawsts: forged line\r\n\u202eevil\u2066\n\x1b]0;title\x07</html>"
		h.raw(w, fmt.Sprintf("HTTP/1.1 502 Bad\x1b[2J Gateway\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(page), page))
	case bInjectHeader:
		h.raw(w, "HTTP/1.1 502 Bad Gateway\r\nX-Inject: \x1b[31mred\u202e rawsts: forged\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	case bStatusLine:
		h.raw(w, "HTTP/1.1 "+headerSafe(req.secret)+" Bad\r\nContent-Length: 0\r\n\r\n")
	case bRedirect301, bRedirect302, bRedirect307, bRedirect308:
		w.Header().Set("Location", h.landing.URL+"/landing?echo="+url.QueryEscape(strings.Join(h.secretValues(), ",")))
		h.echoInto(w.Header())
		w.WriteHeader(b.status())
		io.WriteString(w, blob)
	case bStallAccept:
		h.stall(r)
	case bStallBody:
		w.Header().Set("Content-Type", contentType(req))
		w.Header().Set("Content-Length", "100000")
		h.echoInto(w.Header())
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, h.cutBody(req))
		w.(http.Flusher).Flush()
		h.stall(r)
	case bTruncated:
		cut := h.cutBody(req)
		h.raw(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", contentType(req), len(cut)+5000, cut))
	case bCutMidSecret:
		cut := h.cutBody(req)
		h.raw(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", contentType(req), len(cut), cut))
	default:
		h.t.Errorf("no answer for behaviour %s", b)
	}
}

func (h *hostileServer) stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-h.done:
	}
}

// raw writes a whole response as it is, then closes the connection.
func (h *hostileServer) raw(w http.ResponseWriter, resp string) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		h.t.Errorf("hijack: %v", err)
		return
	}
	io.WriteString(conn, resp)
	conn.Close()
}

// record learns a request: its values (for the echoes), the secrets it carries by name, and which
// protocol step it is.
func (h *hostileServer) record(r *http.Request, body []byte) *request {
	h.mu.Lock()
	defer h.mu.Unlock()
	req := &request{}
	add := func(name, v string) {
		if v == "" {
			return
		}
		h.values = append(h.values, v)
		if c, ok := secretNames[name]; ok {
			if _, known := h.seen[c]; !known {
				h.seen[c] = v
			}
			if len(v) > len(req.secret) {
				req.secret = v
			}
		}
	}
	add("", r.Method+" "+r.URL.RequestURI())
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			add("", k+": "+v)
			add(k, v)
			if k == "Authorization" {
				if i := strings.LastIndex(v, "Signature="); i >= 0 {
					h.seen["signature"] = v[i+len("Signature="):]
				} else if _, cred, ok := strings.Cut(v, " "); ok && len(cred) > len(req.secret) {
					req.secret = cred // a bearer token, an agent token
				}
			}
		}
	}
	add("", string(body))
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			add(k, v)
		}
	}
	switch target := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(target, "AWSCognitoIdentityService."):
		// An identity pool: GetId, then GetCredentialsForIdentity or GetOpenIdToken.
		req.kind, req.action = "identity", strings.TrimPrefix(target, "AWSCognitoIdentityService.")
		json.Unmarshal(body, &req.json)
		walkJSON(req.json, "", add)
		req.isFinal = req.action != "GetId"
	case r.Header.Get("X-K8s-Aws-Id") != "":
		// An EKS token's presigned GetCallerIdentity, sent as a cluster's authenticator sends it.
		req.kind, req.action, req.isFinal = "eks", r.URL.Query().Get("Action"), true
	case target != "":
		req.kind, req.action = "cognito", target[strings.LastIndexByte(target, '.')+1:]
		json.Unmarshal(body, &req.json)
		walkJSON(req.json, "", add)
		req.flow, _ = req.json["AuthFlow"].(string)
		if req.flow == "" {
			req.flow, _ = req.json["ChallengeName"].(string)
		}
		req.isFinal = req.flow == "REFRESH_TOKEN_AUTH" || req.flow == "SOFTWARE_TOKEN_MFA"
	case strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
		req.kind, req.action, req.isFinal = "oidc", "discovery", true
	case r.URL.Path == "/jwks":
		req.kind, req.action = "oidc", "jwks"
	case r.URL.Path == "/github-token":
		req.kind, req.action, req.isFinal = "github", "token", true
	case strings.HasSuffix(r.URL.Path, "/oidc/tokens"):
		req.kind, req.action, req.isFinal = "buildkite", "token", true
		var in map[string]any
		json.Unmarshal(body, &in)
		walkJSON(in, "", add)
	default:
		form, _ := url.ParseQuery(string(body))
		for k, vs := range form {
			for _, v := range vs {
				add(k, v)
			}
		}
		req.action, req.kind, req.isFinal = form.Get("Action"), "sts", true
		if strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="+canaryKeyID) &&
			strings.Contains(r.Header.Get("Authorization"), "/iam/aws4_request") {
			req.kind = "iam"
		}
	}
	return req
}

// walkJSON calls add for every string in v, named by its key.
func walkJSON(v any, key string, add func(name, v string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			walkJSON(x, k, add)
		}
	case []any:
		for _, x := range v {
			walkJSON(x, key, add)
		}
	case string:
		add(key, v)
	}
}

// secretValues returns the secrets received so far.
func (h *hostileServer) secretValues() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, v := range h.seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func (h *hostileServer) firstSecret(req *request) string {
	if req.secret != "" {
		return req.secret
	}
	if s := h.secretValues(); len(s) > 0 {
		return s[0]
	}
	return "nothing-secret"
}

// echo is every value received so far in every encoding of echoEncodings, HTML-escaped too, one
// a line.
func (h *hostileServer) echo() string {
	h.mu.Lock()
	values := slices.Clone(h.values)
	h.mu.Unlock()
	var b strings.Builder
	for _, v := range values {
		for _, name := range []string{"raw", "query escape", "path escape", "JSON-escaped", "XML references", "base64", "base64url"} {
			b.WriteString(echoEncodings[name](v) + "\n")
		}
		b.WriteString(html.EscapeString(v) + "\n")
	}
	return b.String()
}

// echoHeaders are header lines echoing every value, in the encodings a header can carry.
func (h *hostileServer) echoHeaders() string {
	hdr := http.Header{}
	h.echoInto(hdr)
	var b strings.Builder
	hdr.Write(&b)
	return b.String()
}

func (h *hostileServer) echoInto(hdr http.Header) {
	h.mu.Lock()
	values := slices.Clone(h.values)
	h.mu.Unlock()
	for i, v := range values {
		hdr.Set(fmt.Sprintf("X-Echo-%d", i), headerSafe(v))
		hdr.Set(fmt.Sprintf("X-Echo-%d-Q", i), url.QueryEscape(v))
		hdr.Set(fmt.Sprintf("X-Echo-%d-B", i), base64.StdEncoding.EncodeToString([]byte(v)))
	}
}

// headerSafe drops what cannot stand in a header line or a status line.
func headerSafe(v string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, v)
}

func contentType(req *request) string {
	switch req.kind {
	case "cognito", "identity":
		return "application/x-amz-json-1.1"
	case "oidc", "github", "buildkite", "eks":
		return "application/json"
	}
	return "text/xml"
}

// cutBody is the start of the protocol's reply whose text ends in the middle of the first secret
// the request carried (or of one it carried before).
func (h *hostileServer) cutBody(req *request) string {
	s := h.firstSecret(req)
	half := s[:min(len(s), max(len(s)/2, 10))]
	switch req.kind {
	case "cognito", "identity", "oidc", "github", "buildkite", "eks":
		return `{"__type":"NotAuthorizedException","message":"echo ` + half
	}
	return `<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>echo ` + half
}

// refuse answers with the protocol's error.
func (h *hostileServer) refuse(w http.ResponseWriter, req *request, msg string) {
	h.echoInto(w.Header())
	switch req.kind {
	case "eks":
		// STS's JSON error, the answer to Accept: application/json.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		json.NewEncoder(w).Encode(map[string]any{"Error": map[string]string{"Type": "Sender", "Code": "InvalidClientTokenId", "Message": msg},
			"RequestId": h.firstSecret(req)})
	case "cognito", "identity":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"__type": "NotAuthorizedException", "message": msg})
	case "oidc", "github", "buildkite":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		json.NewEncoder(w).Encode(map[string]string{"error": "access_denied", "error_description": msg, "message": msg})
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>`+
			xmlText(msg)+`</Message></Error><RequestId>`+xmlText(h.firstSecret(req))+`</RequestId></ErrorResponse>`)
	}
}

// answer answers as the service would, with canary credentials and tokens, and echoes in its
// headers and in a member the client does not read.
func (h *hostileServer) answer(w http.ResponseWriter, req *request) {
	h.echoInto(w.Header())
	blob := h.echo()
	w.Header().Set("Content-Type", contentType(req))
	switch req.kind {
	case "cognito":
		h.answerCognito(w, req, blob)
	case "identity":
		reply := map[string]any{"IdentityId": canaryIdentityID, "Echo": blob}
		switch req.action {
		case "GetOpenIdToken":
			reply["Token"] = canaryRecvOpenIDToken
		case "GetCredentialsForIdentity":
			reply["Credentials"] = map[string]any{"AccessKeyId": "ASIACANARYEXAMPLE001", "SecretKey": canaryRecvSecretKey,
				"SessionToken": canaryRecvSessionToken, "Expiration": fixedNow.Add(time.Hour).Unix()}
		}
		json.NewEncoder(w).Encode(reply)
	case "eks":
		json.NewEncoder(w).Encode(map[string]any{"GetCallerIdentityResponse": map[string]any{
			"GetCallerIdentityResult": map[string]string{"Account": "123456789012", "Arn": "arn:aws:sts::123456789012:assumed-role/ci/canary",
				"UserId": "AROACANARYEXAMPLE0001:canary", "Echo": blob},
			"ResponseMetadata": map[string]string{"RequestId": "c6104cbe-af31-11e0-8154-cbc7ccf896c7"}}})
	case "oidc":
		if req.action == "jwks" {
			pub := &rsaKey(h.t).PublicKey
			json.NewEncoder(w).Encode(map[string]any{"echo": blob, "keys": []any{map[string]any{"kty": "RSA", "kid": testKid, "use": "sig", "alg": "RS256",
				"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), "e": "AQAB"}}})
			return
		}
		jwks := h.url + "/jwks"
		if h.tlsURL != "" {
			jwks = h.tlsURL + "/jwks"
		}
		json.NewEncoder(w).Encode(map[string]any{"issuer": h.url, "jwks_uri": jwks, "echo": blob,
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	case "github":
		json.NewEncoder(w).Encode(map[string]any{"count": 1, "value": canaryRecvCIToken, "echo": blob})
	case "buildkite":
		json.NewEncoder(w).Encode(map[string]any{"token": canaryRecvCIToken, "echo": blob})
	case "iam":
		name := map[string]string{"GetRole": "get-role", "ListOpenIDConnectProviders": "list-open-id-connect-providers",
			"GetOpenIDConnectProvider": "get-open-id-connect-provider"}[req.action]
		if name == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		c := fixture.MustLoad(h.t, filepath.Join("..", "..", "testdata", "fixtures", "iam", name+".txt"))
		w.Write(c.Exchanges[0].Response.Body)
	default:
		io.WriteString(w, stsAnswer(req.action, xmlText(blob)))
	}
}

// stsAnswer is STS's success reply to action, with canary credentials and an Echo element.
func stsAnswer(action, echo string) string {
	creds := `<Credentials><AccessKeyId>ASIACANARYEXAMPLE001</AccessKeyId><SecretAccessKey>` + canaryRecvSecretKey + `</SecretAccessKey><SessionToken>` +
		canaryRecvSessionToken + `</SessionToken><Expiration>2014-10-24T23:00:23Z</Expiration></Credentials>`
	user := `<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/ci/canary</Arn><AssumedRoleId>AROACANARYEXAMPLE0001:canary</AssumedRoleId></AssumedRoleUser>`
	var result string
	switch action {
	case "AssumeRoleWithWebIdentity":
		result = creds + user + `<SubjectFromWebIdentityToken>repo:acme/app:ref:refs/heads/main</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience><Provider>token.actions.githubusercontent.com</Provider>`
	case "AssumeRole":
		result = creds + user
	case "GetCallerIdentity":
		result = `<Arn>arn:aws:sts::123456789012:assumed-role/ci/canary</Arn><UserId>AROACANARYEXAMPLE0001:canary</UserId><Account>123456789012</Account>`
	case "DecodeAuthorizationMessage":
		result = `<DecodedMessage>{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"context":{"action":"ec2:RunInstances"}}</DecodedMessage>`
	}
	return `<` + action + `Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><` + action + `Result>` + result + `<Echo>` + echo + `</Echo></` + action +
		`Result><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></` + action + `Response>`
}

// answerCognito plays a user pool: SRP's PASSWORD_VERIFIER, then NEW_PASSWORD_REQUIRED, then
// SOFTWARE_TOKEN_MFA, then tokens, so that every secret a login can carry is sent; a refresh is
// answered with tokens at once.
func (h *hostileServer) answerCognito(w http.ResponseWriter, req *request, echo string) {
	reply := map[string]any{"Echo": echo, "ChallengeParameters": map[string]string{}}
	switch req.flow {
	case "USER_SRP_AUTH":
		srv, err := cognitoauth.NewSRPServer(canaryPoolID, canaryUser, canaryPassword, nil)
		if err != nil {
			h.t.Errorf("NewSRPServer: %v", err)
			return
		}
		reply["ChallengeName"] = "PASSWORD_VERIFIER"
		reply["ChallengeParameters"] = map[string]string{"SRP_B": srv.B(), "SALT": srv.Salt(), "SECRET_BLOCK": "c2VjcmV0LWJsb2NrLWZyb20tdGhlLXBvb2w=",
			"USER_ID_FOR_SRP": canaryUser, "USERNAME": canaryUser}
	case "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "PASSWORD_VERIFIER":
		reply["ChallengeName"] = "NEW_PASSWORD_REQUIRED"
		reply["ChallengeParameters"] = map[string]string{"USER_ID_FOR_SRP": canaryUser, "requiredAttributes": "[]", "userAttributes": `{"email":"canary@example.com"}`}
		reply["Session"] = canaryRecvSession
	case "NEW_PASSWORD_REQUIRED":
		reply["ChallengeName"] = "SOFTWARE_TOKEN_MFA"
		reply["Session"] = canaryRecvSession
	default:
		reply["AuthenticationResult"] = map[string]any{"IdToken": canaryRecvIDToken, "AccessToken": canaryRecvAccessToken,
			"RefreshToken": canaryRecvRefreshToken, "ExpiresIn": 3600, "TokenType": "Bearer"}
	}
	json.NewEncoder(w).Encode(reply)
}

// emulatorVariants are the flags the emulator runs with in the canary test; every file a variant
// writes in dir is checked (but the token file). A flag that writes what the emulator saw needs
// one row here (checkCanaryCoverage fails for --log until it has one): --log writes one line
// per decision on standard error, after the banner.
var emulatorVariants = []struct {
	name string
	args func(dir string) []string
}{
	{"defaults", func(dir string) []string { return nil }},
	{"--token-file", func(dir string) []string { return []string{"--token-file", filepath.Join(dir, "token")} }},
	{"--log", func(dir string) []string { return []string{"--log"} }},
	{"--ui", func(dir string) []string { return []string{"--ui"} }},
	// The walkthrough's config with a canary secret key for its IAM user, which the exports
	// print as RAWSTS_ADMIN_SECRET_ACCESS_KEY and calls signed with it use: never in the log.
	{"--config with a canary admin key, --log", func(dir string) []string {
		path := filepath.Join(dir, "config.json")
		s := &streams{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" },
			now: func() time.Time { return fixedNow }}
		if code := run(context.Background(), []string{"emulator", "--init", path}, s); code != exitOK {
			panic("rawsts emulator --init failed")
		}
		b, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(b, []byte(`"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"`)) {
			panic("the example config has no EXAMPLE secret key to replace")
		}
		os.WriteFile(path, bytes.Replace(b, []byte(`"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"`), []byte(`"`+canaryAdminSecretKey+`"`), 1), 0o600)
		return []string{"--config", path, "--log"}
	}},
}

// canaryAdminSecretKey is the emulator's IAM user's secret key in the config variant
// (AKIAIOSFODNN7EXAMPLE's).
const canaryAdminSecretKey = "CANARYadminSECRET/K7MDENG/bPxRfiCY0000001"

// emulatorExportMay names the canaries each export line of the emulator's standard output may
// show: RAWSTS_PASSWORD exists to print the --cognito-user's password (the canary password
// here). RAWSTS_ADMIN_SECRET_ACCESS_KEY prints the config's IAM user's EXAMPLE secret key, no
// canary. Every other line shows none.
var emulatorExportMay = map[string][]string{"RAWSTS_PASSWORD": {"password"}, "RAWSTS_ADMIN_SECRET_ACCESS_KEY": {"admin-secret-key"}}

// exportLine is one line of the emulator's standard output.
var exportLine = regexp.MustCompile(`^export ([A-Z][A-Z0-9_]*)=(.*)$`)

// emulatorLogLine is a line of --log (ststest.WithLog): TIME SERVICE ACTION RESOURCE
// principal=PRINCIPAL ALLOW|DENY [DETAIL].
var emulatorLogLine = regexp.MustCompile(strings.ReplaceAll(`^\d\d:\d\d:\d\d W W W principal=W (ALLOW|DENY)( .*)?$`,
	"W", `(?:-|[^ "]+|"(?:[^"\\]|\\.)*")`))

// injectEmulator sends the emulator requests whose values hold terminal controls, a forged
// rawsts line and a forged log line, with canaries beside them: a Cognito login, an STS
// exchange and an identity pool's GetId, which --log records.
func injectEmulator(t *testing.T, base string) {
	t.Helper()
	forged := "canary\x1b[2J\r\nrawsts: forged line\n12:00:00 sts AssumeRole role/Admin principal=- ALLOW\u202e\u2028"
	post := func(target, ctype, body string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Errorf("POST %s: %v", target, err)
			return
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
	}
	j := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	post("AWSCognitoIdentityProviderService.InitiateAuth", "application/x-amz-json-1.1", j(map[string]any{"AuthFlow": "USER_PASSWORD_AUTH",
		"ClientId": ststest.DefaultClientID, "AuthParameters": map[string]string{"USERNAME": forged, "PASSWORD": canaryPassword}}))
	post("", "application/x-www-form-urlencoded", url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"},
		"RoleArn": {"arn:aws:iam::123456789012:role/" + forged}, "RoleSessionName": {forged}, "WebIdentityToken": {canaryToken}}.Encode())
	post("AWSCognitoIdentityService.GetId", "application/x-amz-json-1.1", j(map[string]any{"IdentityPoolId": forged,
		"Logins": map[string]string{forged: canaryToken}}))
	// Without a space or a quote, which would have a field quoted anyway: only its controls
	// make it so.
	bare := "canary\x1b[2J\r\nrawsts:forged\n12:00:00\u202e"
	post("AWSCognitoIdentityProviderService.InitiateAuth", "application/x-amz-json-1.1", j(map[string]any{"AuthFlow": "USER_PASSWORD_AUTH",
		"ClientId": ststest.DefaultClientID, "AuthParameters": map[string]string{"USERNAME": bare, "PASSWORD": canaryPassword}}))
	post("AWSCognitoIdentityService.GetId", "application/x-amz-json-1.1", j(map[string]any{"IdentityPoolId": bare,
		"Logins": map[string]string{bare: canaryToken}}))
}

// checkEmulatorStdout checks the export lines: each one line of NAME='VALUE', a canary only
// where emulatorExportMay allows it, and there whole (shell-quoted, as eval reads it).
func checkEmulatorStdout(t *testing.T, stdout string, canaries map[string]string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		m := exportLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("the emulator's stdout line %q is not an export line", line)
			continue
		}
		may := emulatorExportMay[m[1]]
		for _, name := range may {
			if want := shellQuote(canaries[name]); m[2] != want && (name != "admin-secret-key" || strings.Contains(m[2], "CANARY")) {
				t.Errorf("the emulator's %s = %s; want %s", m[1], m[2], want)
			}
		}
		checkNoCanary(t, "the emulator's stdout line "+m[1], line, canaries, may)
	}
}

// checkEmulatorStderr checks the emulator's standard error: the banner (written before the URL
// file, before any request) starts with its "rawsts emulator:" line and holds no control
// character; every line after it is a --log line (with log) or a rawsts line, never a forged
// one, and holds no control character; no canary anywhere.
func checkEmulatorStderr(t *testing.T, stderr, banner string, log bool, canaries map[string]string) {
	t.Helper()
	checkNoCanary(t, "the emulator's stderr", stderr, canaries, nil)
	if !strings.HasPrefix(stderr, banner) || !strings.HasPrefix(banner, "rawsts emulator: listening on ") {
		t.Errorf("the emulator's stderr does not start with its banner:\n%s", stderr)
		return
	}
	for _, line := range strings.Split(strings.TrimSuffix(banner, "\n"), "\n") {
		if r, ok := controlIn(line, false); ok {
			t.Errorf("the emulator's banner line %q holds the control character %U", line, r)
		}
	}
	rest := strings.TrimSuffix(strings.TrimPrefix(stderr, banner), "\n")
	if rest == "" {
		return
	}
	for _, line := range strings.Split(rest, "\n") {
		switch {
		case log && emulatorLogLine.MatchString(line):
		case strings.HasPrefix(line, "rawsts: ") && !strings.HasPrefix(line, "rawsts: forged"):
		default:
			t.Errorf("the emulator's stderr line %q after the banner is neither a --log line nor a rawsts line", line)
		}
		if r, ok := controlIn(line, false); ok {
			t.Errorf("the emulator's stderr line %q holds the control character %U", line, r)
		}
	}
}

// runEmulatorCanary runs `rawsts emulator` in-process with a canary user, drives requests
// carrying canaries at it (a login with the right password and one with a wrong one, an
// exchange of the canary token, a signed call with canary credentials), and checks that the
// emulator's own output — standard output, standard error, and every file it writes but the
// token file, whose job is to hold its token — shows none of them. The clients' runs are checked
// as every other case's.
func runEmulatorCanary(t *testing.T, tc canaryCase) {
	for _, v := range emulatorVariants {
		t.Run(v.name, func(t *testing.T) {
			dir := t.TempDir()
			urlFile := filepath.Join(dir, "url")
			args := append([]string{"emulator", "--url-file", urlFile, "--cognito-user", canaryUser + ":" + canaryPassword}, v.args(dir)...)
			// The admin key signs with the canary only where the config holds it: elsewhere the
			// emulator knows another secret for the key id, and refuses the signature.
			adminCode := exitRefused
			if strings.Contains(v.name, "admin key") {
				adminCode = exitOK
			}
			ctx, cancel := context.WithCancel(context.Background())
			var stdout, stderr syncBuffer
			done := make(chan int, 1)
			go func() {
				s := &streams{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
					now: func() time.Time { return fixedNow }}
				done <- run(ctx, args, s)
			}()
			var base string
			for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if b, err := os.ReadFile(urlFile); err == nil {
					base = strings.TrimSpace(string(b))
				}
			}
			if base == "" {
				cancel()
				t.Fatalf("the emulator did not write --url-file; stderr:\n%s", stderr.String())
			}
			banner := stderr.String() // all of it: the URL file is written after the banner
			canaries := staticCanaries()
			canaries["admin-secret-key"] = canaryAdminSecretKey
			eksRun := &canaryRun{secrets: map[string]string{}}
			eksToken := eksCanaryToken(eksRun, base)
			maps.Copy(canaries, eksRun.secrets)
			for _, d := range []struct {
				args  []string
				stdin string
				env   map[string]string
				code  int
			}{
				{[]string{"cognito", "login", "--endpoint", base, "--pool-id", ststest.DefaultPoolID, "--client-id", ststest.DefaultClientID,
					"--username", canaryUser, "--password-stdin", "--output", "tokens", "--trace"}, canaryPassword + "\n", nil, exitOK},
				{[]string{"cognito", "login", "--endpoint", base, "--pool-id", ststest.DefaultPoolID, "--client-id", ststest.DefaultClientID,
					"--username", canaryUser, "--password-stdin", "--flow", "password", "--trace"}, canaryNewPassword + "\n", nil, exitRefused},
				{[]string{"assume", "--endpoint", base, "--role-arn", ststest.DemoRoleArn, "--web-identity-token", canaryToken, "--trace"}, "", nil, exitRefused},
				{[]string{"whoami", "--endpoint", base, "--trace"}, "", canaryEnv(), exitRefused},
				{[]string{"assume-role", "--endpoint", base, "--role-arn", ststest.DemoRoleArn, "--token-code", canaryMFACode,
					"--serial-number", "arn:aws:iam::123456789012:mfa/canary", "--trace"}, "", canaryEnv(), exitRefused},
				{[]string{"eks", "verify", "--cluster-name", eksCluster, "--trace", eksToken}, "", nil, exitRefused},
				{[]string{"whoami", "--endpoint", base, "--trace"}, "", map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
					"AWS_SECRET_ACCESS_KEY": canaryAdminSecretKey}, adminCode},
				{[]string{"cognito", "identity", "--endpoint", base, "--identity-pool-id", ststest.DefaultIdentityPoolID, "--login", canaryToken, "--trace"},
					"", nil, exitRefused},
			} {
				r := runCLI(t, d.env, d.stdin, nil, d.args...)
				if r.code != d.code {
					t.Errorf("rawsts %s against the emulator: exit %d; want %d\nstderr:\n%s", strings.Join(d.args, " "), r.code, d.code, r.stderr)
				}
				checkNoCanary(t, "stderr of rawsts "+d.args[0], r.stderr, canaries, nil)
				checkStderrLines(t, r.stderr, false)
			}
			injectEmulator(t, base)
			cancel()
			select {
			case code := <-done:
				if code != exitOK {
					t.Errorf("the emulator exited %d; want 0 when its context ends\nstderr:\n%s", code, stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the emulator still runs 30s after its context ended")
			}
			checkEmulatorStdout(t, stdout.String(), canaries)
			checkEmulatorStderr(t, stderr.String(), banner, strings.Contains(v.name, "--log"), canaries)
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() == "token" || e.Name() == "config.json" {
					continue // their job: the emulator's own token; the config the test wrote, with its key
				}
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				checkNoCanary(t, "the emulator's file "+e.Name(), string(b), canaries, nil)
			}
		})
	}
}

// runDemoCanary runs `rawsts demo --emulator` against an emulator whose user's password and
// admin's secret key are canaries, read from the export lines in the environment, as the demo
// reads them: every step sends them (the admin login, the SRP login, the signed IAM calls of
// the wrong role, diagnose --fetch), and no output may show them: the curl lines show the
// password as <PASSWORD: N chars> and the keys as variables. The credentials the demo obtains
// (the emulator's, on standard output: its job) are no canary.
func runDemoCanary(t *testing.T, tc canaryCase) {
	cfg := ststest.DefaultConfig()
	cfg.Users[0].AccessKeys[0] = ststest.AccessKey{AccessKeyID: canaryKeyID, SecretAccessKey: canarySecretKey}
	cfg.UserPools[0].Users[0].Password = canaryPassword
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return fixedNow }), ststest.WithConfig(cfg))
	defer srv.Close()
	env := map[string]string{}
	for _, v := range exportsOf(srv, srv.Snapshot(), nil, "").vars {
		env[v[0]] = v[1]
	}
	if env["RAWSTS_PASSWORD"] != canaryPassword || env["RAWSTS_ADMIN_SECRET_ACCESS_KEY"] != canarySecretKey {
		t.Fatalf("the emulator's exports do not carry the canaries: %v", env)
	}
	for _, args := range [][]string{{"demo", "--emulator", srv.URL}, {"demo", "--emulator", srv.URL, "--step"}} {
		r := runCLI(t, env, "", srv.Client().Transport, args...)
		if r.code != exitOK {
			t.Errorf("rawsts %s: exit %d; want 0\nstderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		canaries := staticCanaries()
		checkNoCanary(t, "stdout of rawsts demo", r.stdout, canaries, tc.stdoutMay)
		checkNoCanary(t, "stderr of rawsts demo", r.stderr, canaries, nil)
		checkStderrLines(t, r.stderr, false)
	}
}
