package jwtinspect_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/jwtinspect"
)

// lintNow is the fixed clock of the lint tests.
var lintNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const ghIssuer = "https://token.actions.githubusercontent.com"

// lintToken builds an unsigned-for-lint token (Lint never checks signatures) from a header and
// the base claims changed by mod: valid for an hour from lintNow, with iss, sub and aud.
func lintToken(header string, mod func(m map[string]any)) string {
	m := map[string]any{
		"iss": "https://issuer.example.com", "sub": "user-1", "aud": "sts.amazonaws.com",
		"iat": lintNow.Add(-time.Minute).Unix(), "nbf": lintNow.Add(-time.Minute).Unix(),
		"exp": lintNow.Add(time.Hour).Unix(),
	}
	if mod != nil {
		mod(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return unsigned(header, string(b)) + "c2lnbmF0dXJl"
}

func with(mod func(m map[string]any)) string { return lintToken(hdrRS256, mod) }

func set(kv ...any) func(m map[string]any) {
	return func(m map[string]any) {
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
				continue
			}
			m[kv[i].(string)] = kv[i+1]
		}
	}
}

type lintInput struct {
	raw  string
	opts jwtinspect.Options
}

// lintCodeCases has, for every code Lint reports, an input that produces it (with a substring
// of the message) and a near miss that does not.
var lintCodeCases = map[string]struct {
	yes     lintInput
	wantMsg string
	no      lintInput
}{
	jwtinspect.CodeNotAJWT: {yes: lintInput{raw: "abc"}, wantMsg: "1 segment(s)", no: lintInput{raw: with(nil)}},
	jwtinspect.CodeAlgNone: {yes: lintInput{raw: lintToken(`{"alg":"none"}`, nil)}, wantMsg: "unsigned",
		no: lintInput{raw: lintToken(`{"alg":"ES256"}`, nil)}},
	jwtinspect.CodeAlgNotAcceptedBySTS: {yes: lintInput{raw: lintToken(`{"alg":"HS256"}`, nil)}, wantMsg: "HS256; STS accepts only RS256",
		no: lintInput{raw: lintToken(`{"alg":"ES512"}`, nil)}},
	jwtinspect.CodeExpired: {yes: lintInput{raw: with(set("exp", lintNow.Add(-3*time.Hour-10*time.Minute).Unix()))},
		wantMsg: "expired 3h10m ago at 2026-03-01T08:50:00Z",
		no:      lintInput{raw: with(set("exp", lintNow.Add(-4*time.Minute).Unix()))}},
	jwtinspect.CodeNotYetValid: {yes: lintInput{raw: with(set("nbf", lintNow.Add(10*time.Minute).Unix()))}, wantMsg: "10m from now",
		no: lintInput{raw: with(set("nbf", lintNow.Add(4*time.Minute).Unix()))}},
	jwtinspect.CodeNoExp: {yes: lintInput{raw: with(set("exp", nil))}, wantMsg: "no exp", no: lintInput{raw: with(nil)}},
	jwtinspect.CodeNoAud: {yes: lintInput{raw: with(set("aud", []string{}))}, wantMsg: "sts.amazonaws.com",
		no: lintInput{raw: with(set("aud", nil, "client_id", "abc"))}},
	jwtinspect.CodeNoIss: {yes: lintInput{raw: with(set("iss", nil))}, wantMsg: "no iss",
		no: lintInput{raw: with(set("iss", "http://issuer.example.com"))}},
	jwtinspect.CodeIssNotHTTPS: {yes: lintInput{raw: with(set("iss", "http://issuer.example.com"))}, wantMsg: "https://",
		no: lintInput{raw: with(set("iss", "http://127.0.0.1:8080/oidc"))}},
	jwtinspect.CodeIssLoopbackHTTP: {yes: lintInput{raw: with(set("iss", "http://127.0.0.1:8080/us-east-1_EXAMPLE"))}, wantMsg: "local emulator's exception; AWS requires https",
		no: lintInput{raw: with(set("iss", "http://127.0.0.1.example.com/oidc"))}},
	jwtinspect.CodeAudMismatch: {yes: lintInput{raw: with(set("iss", ghIssuer, "aud", "https://github.com/octo-org")), opts: jwtinspect.Options{ExpectedAudience: "sts.amazonaws.com"}},
		wantMsg: `aud ["https://github.com/octo-org"], not "sts.amazonaws.com"`,
		no:      lintInput{raw: with(set("aud", []string{"x", "sts.amazonaws.com"})), opts: jwtinspect.Options{ExpectedAudience: "sts.amazonaws.com"}}},
	jwtinspect.CodeIssMismatch: {yes: lintInput{raw: with(nil), opts: jwtinspect.Options{ExpectedIssuer: "https://issuer.example.com/"}},
		wantMsg: "differ only in a trailing '/'",
		no:      lintInput{raw: with(nil), opts: jwtinspect.Options{ExpectedIssuer: "https://issuer.example.com"}}},
	jwtinspect.CodeAccessToken: {yes: lintInput{raw: with(set("aud", nil, "token_use", "access", "client_id", "1example23456789"))}, wantMsg: "Cognito access token",
		no: lintInput{raw: with(set("token_use", "id"))}},
	jwtinspect.CodeTokenTooLong: {yes: lintInput{raw: with(set("pad", strings.Repeat("x", 20000)))}, wantMsg: "at most 20000",
		no: lintInput{raw: with(set("pad", strings.Repeat("x", 14000)))}},
	jwtinspect.CodeNonIntegerTime: {yes: lintInput{raw: unsigned(hdrRS256, `{"iss":"https://i.example","sub":"s","aud":"a","exp":1772370000.5}`) + "c2ln"},
		wantMsg: "exp is 1772370000.5, not an integer",
		no:      lintInput{raw: unsigned(hdrRS256, `{"iss":"https://i.example","sub":"s","aud":"a","exp":1772370000}`) + "c2ln"}},
	jwtinspect.CodeClaimType: {yes: lintInput{raw: with(set("exp", strconv.FormatInt(lintNow.Unix(), 10)))}, wantMsg: "exp is a JSON string; STS needs an integer",
		no: lintInput{raw: with(nil)}},
	jwtinspect.CodeIssuedInFuture: {yes: lintInput{raw: with(set("iat", lintNow.Add(10*time.Minute).Unix()))}, wantMsg: "10m in the future",
		no: lintInput{raw: with(set("iat", lintNow.Add(4*time.Minute).Unix()))}},
	jwtinspect.CodeIssTrailingSlash: {yes: lintInput{raw: with(set("iss", "https://issuer.example.com/"))}, wantMsg: "oidc-provider/issuer.example.com/",
		no: lintInput{raw: with(nil)}},
	jwtinspect.CodeLifetimeTooLong: {yes: lintInput{raw: with(set("exp", lintNow.Add(2*time.Hour).Unix())), opts: jwtinspect.Options{MaxLifetime: time.Hour}},
		wantMsg: "valid for 2h1m (exp − iat), longer than 1h",
		no:      lintInput{raw: with(set("exp", lintNow.Add(23*time.Hour).Unix()))}},
	jwtinspect.CodeTagsClaimNeedsTagSession: {yes: lintInput{raw: with(set(jwtinspect.ClaimTags, map[string]any{"principal_tags": map[string]any{"Project": []string{"Automation"}}}))},
		wantMsg: "1 session tag(s)", no: lintInput{raw: with(set("tags", "not the AWS claim"))}},
	jwtinspect.CodeSourceIdentityNeedsSetSourceIdentity: {yes: lintInput{raw: with(set(jwtinspect.ClaimSourceIdentity, "alice"))},
		wantMsg: `source identity "alice"`, no: lintInput{raw: with(nil)}},
	jwtinspect.CodeSurroundingWhitespace: {yes: lintInput{raw: with(nil) + "\n"}, wantMsg: "a trailing newline", no: lintInput{raw: with(nil)}},
	jwtinspect.CodeNoSub:                 {yes: lintInput{raw: with(set("sub", nil))}, wantMsg: "no sub", no: lintInput{raw: with(nil)}},
	jwtinspect.CodeDuplicateMember: {yes: lintInput{raw: unsigned(hdrRS256, `{"iss":"https://i.example","sub":"s","aud":"sts.amazonaws.com","aud":"evil","exp":1772370000,"n":{"a":1,"a":2}}`) + "c2ln"},
		wantMsg: `gives the claim "aud" more than once`,
		no:      lintInput{raw: unsigned(hdrRS256, `{"iss":"https://i.example","sub":"s","aud":"sts.amazonaws.com","exp":1772370000,"n":{"aud":1},"l":[{"aud":2}]}`) + "c2ln"}},
	jwtinspect.CodeGitHubSubRefForm: {yes: lintInput{raw: with(set("iss", ghIssuer, "sub", "repo:octo-org/octo-repo:ref:refs/heads/main"))},
		wantMsg: `"repo:octo-org/octo-repo:environment:NAME"`,
		no:      lintInput{raw: with(set("sub", "repo:octo-org/octo-repo:ref:refs/heads/main"))}},
	jwtinspect.CodeGitHubSubEnvironmentForm: {yes: lintInput{raw: with(set("iss", ghIssuer, "sub", "repo:octo-org/octo-repo:environment:prod", "ref", "refs/heads/main"))},
		wantMsg: `not "repo:octo-org/octo-repo:ref:refs/heads/main"`,
		no:      lintInput{raw: with(set("iss", ghIssuer, "sub", "repo:octo-org/octo-repo:ref:refs/heads/main"))}},
	jwtinspect.CodeGitHubSubPullRequestForm: {yes: lintInput{raw: with(set("iss", "https://ghe.example.com/_services/token", "sub", "repo:octo-org/octo-repo:pull_request"))},
		wantMsg: "every pull request", no: lintInput{raw: with(set("iss", ghIssuer, "sub", "repo:octo-org/octo-repo:environment:pull_request"))}},
	jwtinspect.CodeGitHubSubImmutableForm: {yes: lintInput{raw: with(set("iss", ghIssuer, "sub", "repo:octo-org@65/octo-repo@74:ref:refs/heads/main"))},
		wantMsg: `match "repo:octo-org@65/octo-repo@74:*"`,
		no:      lintInput{raw: with(set("iss", ghIssuer, "sub", "repo:octo-org/octo-repo:ref:refs/heads/main"))}},
	jwtinspect.CodeCognitoIdentityToken: {yes: lintInput{raw: with(set("iss", "https://cognito-identity.amazonaws.com", "aud", "us-east-1:12345678-1234-1234-1234-123456789012",
		"sub", "us-east-1:0b41ab8e-27a5-4c5f-9c3b-0e5d1a7b2f10", "amr", []string{"authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"}))},
		wantMsg: `cognito-identity.amazonaws.com:aud "us-east-1:12345678-1234-1234-1234-123456789012", and ForAnyValue:StringLike cognito-identity.amazonaws.com:amr "authenticated"`,
		no:      lintInput{raw: with(set("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"))}},
}

func lint(in lintInput) (*jwtinspect.Token, []jwtinspect.Finding) {
	opts := in.opts
	opts.Now = lintNow
	return jwtinspect.Lint(in.raw, opts)
}

func codes(fs []jwtinspect.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestLintCodes(t *testing.T) {
	for code, tc := range lintCodeCases {
		t.Run(code, func(t *testing.T) {
			_, fs := lint(tc.yes)
			var got *jwtinspect.Finding
			for i := range fs {
				if fs[i].Code == code {
					got = &fs[i]
				}
			}
			if got == nil {
				t.Fatalf("Lint(yes) = %v; want %s", codes(fs), code)
			}
			if !strings.Contains(got.Message, tc.wantMsg) {
				t.Errorf("Lint(yes) %s message = %q; want it to contain %q", code, got.Message, tc.wantMsg)
			}
			if want, _ := jwtinspect.SeverityOf(code); got.Severity != want {
				t.Errorf("Lint(yes) %s severity = %v; want %v", code, got.Severity, want)
			}
			if !strings.HasSuffix(got.Message, ".") || strings.Contains(got.Message, "c2lnbmF0dXJl") {
				t.Errorf("Lint(yes) %s message = %q; want a sentence without the signature", code, got.Message)
			}
			_, fs = lint(tc.no)
			for _, f := range fs {
				if f.Code == code {
					t.Errorf("Lint(no) = %v; want no %s", codes(fs), code)
				}
			}
		})
	}
}

// TestLintClean checks that a well-formed token has no findings at all.
func TestLintClean(t *testing.T) {
	tok, fs := lint(lintInput{raw: with(nil), opts: jwtinspect.Options{ExpectedAudience: "sts.amazonaws.com", ExpectedIssuer: "https://issuer.example.com"}})
	if tok == nil || len(fs) != 0 {
		t.Errorf("Lint(clean) = %v, %v; want a token and no findings", tok, fs)
	}
}

func TestLintOrderAndNilToken(t *testing.T) {
	tok, fs := jwtinspect.Lint("{}", jwtinspect.Options{})
	if tok != nil || len(fs) != 1 || fs[0].Code != jwtinspect.CodeNotAJWT {
		t.Errorf("Lint(%q) = %v, %v; want nil and one not-a-jwt", "{}", tok, fs)
	}
	_, fs = lint(lintInput{raw: with(set("iss", ghIssuer, "sub", "repo:o/r:pull_request", "exp", nil, jwtinspect.ClaimTags, map[string]any{})) + "\n"})
	for i := 1; i < len(fs); i++ {
		if fs[i].Severity > fs[i-1].Severity {
			t.Errorf("Lint findings %v are not ordered errors first", fs)
		}
	}
}

// TestCodeTablesCoverEveryCode reads the Code constants from findings.go and checks that each
// has a severity and a produce/avoid case in lintCodeCases or verifyCodeCases.
func TestCodeTablesCoverEveryCode(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "findings.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Code") || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok {
			return true
		}
		code, _ := strconv.Unquote(lit.Value)
		n++
		if _, ok := jwtinspect.SeverityOf(code); !ok {
			t.Errorf("SeverityOf(%q) = _, false; want a contract severity", code)
		}
		_, inLint := lintCodeCases[code]
		_, inVerify := verifyCodeCases[code]
		if !inLint && !inVerify {
			t.Errorf("%s = %q has no case in lintCodeCases or verifyCodeCases", vs.Names[0].Name, code)
		}
		return true
	})
	if n < 30 {
		t.Errorf("found %d Code constants in findings.go; want at least 30", n)
	}
}

func TestSeverityText(t *testing.T) {
	for _, s := range []jwtinspect.Severity{jwtinspect.Info, jwtinspect.Warning, jwtinspect.Error} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText(%v) = %v", s, err)
		}
		var back jwtinspect.Severity
		if err := back.UnmarshalText(b); err != nil || back != s || string(b) != s.String() {
			t.Errorf("UnmarshalText(MarshalText(%v)) = %v, %v; want %v", s, back, err, s)
		}
	}
	b, _ := json.Marshal(jwtinspect.Finding{Severity: jwtinspect.Warning, Code: "c", Message: "m"})
	if want := `{"severity":"warning","code":"c","message":"m"}`; string(b) != want {
		t.Errorf("json.Marshal(Finding) = %s; want %s", b, want)
	}
	if _, err := jwtinspect.Severity(7).MarshalText(); err == nil {
		t.Errorf("Severity(7).MarshalText() = nil error; want an error")
	}
}

func TestProviderARN(t *testing.T) {
	tests := []struct {
		name, iss, partition, want string
	}{
		{name: "GitHub", iss: ghIssuer, want: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
		{name: "China partition", iss: "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE", partition: "aws-cn", want: "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE"},
		{name: "trailing slash kept", iss: "https://example.auth0.com/", want: "arn:aws:iam::123456789012:oidc-provider/example.auth0.com/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := jwtinspect.ProviderARN(tc.iss, tc.partition, "123456789012"); got != tc.want {
				t.Errorf("ProviderARN(%q, %q) = %q; want %q", tc.iss, tc.partition, got, tc.want)
			}
		})
	}
	if got := jwtinspect.ConditionKeyPrefix("https://gitlab.com"); got != "gitlab.com" {
		t.Errorf("ConditionKeyPrefix(%q) = %q; want %q", "https://gitlab.com", got, "gitlab.com")
	}
}

func TestLintWrongTypeIsNotMissing(t *testing.T) {
	_, fs := lint(lintInput{raw: with(set("aud", 7, "iss", true))})
	if got := codes(fs); len(got) != 2 || got[0] != jwtinspect.CodeClaimType || got[1] != jwtinspect.CodeClaimType {
		t.Errorf("Lint(aud 7, iss true) = %v; want two claim-type findings and nothing else", fs)
	}
}
