package diagnose_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/ststest"
)

// TestEmulatorAgrees runs every scenario of the scenario table through both faces of the one
// evaluator — Run, as `rawsts diagnose --verify` runs it, and the emulator's
// AssumeRoleWithWebIdentity — and fails on any disagreement: an allow verdict must get
// credentials, a deny verdict exactly the error its first failing check maps to
// (Report.STSError: code, status, message). An indeterminate verdict depends on keys a
// diagnosis from outside cannot know; the emulator serves the request and knows them, so its
// answer must be what Run says with Complete set and the request's source address.
//
// The emulator hosts an issuer at each scenario's iss (https://token.actions.githubusercontent.com
// and the others, in process, never on the network; https://cognito-identity.amazonaws.com is
// its own identity pools' issuer), mints the scenario's claims with it, and
// holds the scenario's providers and role; Run verifies the same token through the emulator's
// Verifier. Scenarios the emulator cannot take are named in notApplicable.
func TestEmulatorAgrees(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return at }))
	defer srv.Close()
	issuers := map[string]*ststest.Issuer{}
	issuerOf := func(t *testing.T, iss string) *ststest.Issuer {
		if i, ok := issuers[iss]; ok {
			return i
		}
		if iss == ststest.CognitoIdentityIssuer {
			// The emulator's own identity pool issuer: the tokens its identity pools mint.
			i, _ := srv.LookupIssuer("cognito-identity")
			return i
		}
		i, err := srv.AddIssuer(ststest.IssuerConfig{Name: "scenario" + strconv.Itoa(len(issuers)), URL: iss})
		if err != nil {
			t.Fatalf("AddIssuer(%s) = %v", iss, err)
		}
		issuers[iss] = i
		return i
	}
	notApplicable := map[string]string{
		"no role ARN":   "STS requires RoleArn: the request never reaches a decision",
		"iss over http": "the emulator hosts https issuers only (plain http on loopback): an http issuer elsewhere cannot be served",
	}
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			if why, ok := notApplicable[sc.name]; ok {
				t.Skip(why)
			}
			tok := sc.raw
			if tok == "" && sc.alg == "" {
				iss, _ := sc.claims["iss"].(string)
				var err error
				if tok, err = issuerOf(t, iss).Mint(sc.claims); err != nil {
					t.Fatal(err)
				}
			} else if tok == "" {
				tok = mint(t, sc.alg, sc.claims)
			}
			role, trust, maxDur := scenarioRole(t, sc)
			session := sc.session
			if session == "" {
				session = "gha-deploy"
			}
			in := diagnose.Input{Token: tok, TrustPolicy: []byte(sc.policy), Providers: sc.providers, RoleARN: role,
				SessionName: session, DurationSeconds: sc.duration, MaxSessionDuration: sc.maxDur, At: at,
				Verify: true, Verifier: srv.Verifier()}
			if sc.noRole {
				in.RoleARN = ""
			}
			rep := diagnose.Run(context.Background(), in)
			if rep.Verdict == diagnose.Indeterminate {
				in.Complete, in.SourceIP = true, "127.0.0.1"
				rep = diagnose.Run(context.Background(), in)
			}

			cfg := ststest.Config{Issuers: nil}
			for _, p := range sc.providers {
				if p.ARN != "" && !strings.Contains(p.ARN, ":"+account+":") {
					continue // a provider of another account: the emulator's account does not have it
				}
				cfg.OpenIDConnectProviders = append(cfg.OpenIDConnectProviders,
					ststest.OIDCProvider{Url: "https://" + p.URL, ClientIDList: p.ClientIDs, ThumbprintList: p.Thumbprints})
			}
			if name := roleName(role); name != "" {
				cfg.Roles = []ststest.Role{{RoleName: name, AssumeRolePolicyDocument: ststest.PolicyDocument(trust), MaxSessionDuration: maxDur}}
			}
			snap := srv.Snapshot()
			cfg.Issuers = snap.Issuers // keep the scenario issuers served
			if err := srv.Restore(cfg); err != nil {
				t.Fatalf("Restore(scenario config) = %v", err)
			}
			got := exchange(t, srv, role, session, sc.duration, tok)

			switch want := rep.STSError(); {
			case rep.Verdict == diagnose.Allow:
				if got.status != http.StatusOK {
					t.Fatalf("diagnose allows; the emulator answers %d %s %q\n%s", got.status, got.code, got.message, dump(rep))
				}
			case want == nil:
				t.Fatalf("diagnose verdict %s without a failing check; the emulator answers %d %s %q\n%s", rep.Verdict, got.status, got.code, got.message, dump(rep))
			case got.code != want.Code || got.status != want.StatusCode || !sameMessage(got.message, want):
				t.Fatalf("diagnose's first failure %s maps to %d %s %q; the emulator answers %d %s %q\n%s",
					want.Check, want.StatusCode, want.Code, want.Message, got.status, got.code, got.message, dump(rep))
			}
		})
	}
}

// sameMessage compares the emulator's message with diagnose's mapping: equal, or, for a
// request the emulator refused while validating its parameters (before the token), the same
// catalogue row (the emulator's validation message carries the client's reason).
func sameMessage(got string, want *diagnose.STSError) bool {
	if got == want.Message {
		return true
	}
	if want.Code != "ValidationError" || want.Row == 0 {
		return false
	}
	row, ok := diagnose.ExplainError(got)
	return ok && row.Row == want.Row
}

// scenarioRole returns the role a scenario assumes, its trust policy and maximum session: from
// the scenario's role and policy, or from get-role output when the policy is one.
func scenarioRole(t *testing.T, sc scenario) (arn, trust string, maxDur int) {
	arn, trust, maxDur = roleARN, sc.policy, sc.maxDur
	if sc.role != "" {
		arn = sc.role
	}
	var getRole struct {
		Role *struct {
			Arn                      string
			MaxSessionDuration       int
			AssumeRolePolicyDocument json.RawMessage
		}
	}
	if json.Unmarshal([]byte(sc.policy), &getRole) == nil && getRole.Role != nil {
		arn, trust, maxDur = getRole.Role.Arn, string(getRole.Role.AssumeRolePolicyDocument), getRole.Role.MaxSessionDuration
	}
	return arn, trust, maxDur
}

// roleName is the name of a role ARN of the emulator's account, "" for anything else.
func roleName(arn string) string {
	prefix := "arn:aws:iam::" + account + ":role/"
	if !strings.HasPrefix(arn, prefix) {
		return ""
	}
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

// answer is the emulator's reply.
type answer struct {
	status        int
	code, message string
}

// exchange sends AssumeRoleWithWebIdentity to the emulator as the form STS receives.
func exchange(t *testing.T, srv *ststest.Server, role, session string, duration int, token string) answer {
	t.Helper()
	v := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
		"RoleSessionName": {session}, "WebIdentityToken": {token}}
	if duration != 0 {
		v.Set("DurationSeconds", strconv.Itoa(duration))
	}
	resp, err := srv.Client().PostForm(srv.URL+"/", v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("the emulator's reply is not XML: %v\n%s", err, body)
	}
	return answer{resp.StatusCode, doc.Code, doc.Message}
}

// TestEmulatorAgreesOnWhitespace: a token sent with a trailing newline (an SDK sends a token
// file's bytes as they are) gets the same answer from both faces: the token check warns, and
// neither refuses (whether STS trims is not documented; see jwtinspect's surrounding-whitespace).
func TestEmulatorAgreesOnWhitespace(t *testing.T) {
	srv := ststest.NewServer(ststest.WithNow(func() time.Time { return at }))
	defer srv.Close()
	tok, err := srv.Issuer.Mint(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, sent := range []string{tok + "\n", " " + tok, tok + "\r\n"} {
		rep := diagnose.Run(context.Background(), diagnose.Input{Token: sent, RoleARN: ststest.DemoRoleArn, Verify: true,
			Verifier: srv.Verifier(), At: at, Providers: []diagnose.Provider{{URL: strings.TrimPrefix(srv.Issuer.URL, "http://"), ClientIDs: []string{"sts.amazonaws.com"}}}})
		got := exchange(t, srv, ststest.DemoRoleArn, "gha-deploy", 0, sent)
		if c := rep.Check(diagnose.CheckTokenFormat); c.Status != diagnose.Warn || rep.STSError() != nil || got.status != http.StatusOK {
			t.Errorf("token with %q around it: diagnose token.format %s, STSError %v; emulator %d %s %q; want a warning, no error and credentials",
				strings.ReplaceAll(sent, tok, "…"), c.Status, rep.STSError(), got.status, got.code, got.message)
		}
	}
}
