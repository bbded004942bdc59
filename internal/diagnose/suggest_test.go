package diagnose_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/trustpolicy"
)

// suggestCase is one typical failure and what --suggest must make of it.
type suggestCase struct {
	name      string
	claims    map[string]any
	policy    string
	providers []diagnose.Provider
	verify    *jwtinspect.Verifier // with Verify set
	// want are substrings of the edits, outside changes, notes and blocked reasons, joined.
	want []string
	// has are parts of the corrected policy, whitespace aside; "!" before one says it must not
	// be there.
	has []string
	// rerun is the re-run's verdict; "" means no re-run (nothing could be changed).
	rerun diagnose.Verdict
}

func suggestCases() []suggestCase {
	gp := []diagnose.Provider{ghProvider}
	tags := map[string]any{"principal_tags": map[string]any{"team": []any{"platform"}}, "transitive_tag_keys": []any{"team"}}
	stmt := func(action, cond string) string {
		s := `{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"}, "Action": ` + action
		if cond != "" {
			s += `, "Condition": ` + cond
		}
		return s + "}"
	}
	return []suggestCase{
		// IAM User Guide, condition operators: StringEquals compares literally, StringLike
		// reads * and ? as wildcards.
		{name: "StringEquals with a wildcard", claims: gh(subMain), providers: gp,
			policy: allowGH(`{"StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com", "` + ghHost + `:sub": "repo:acme/app:*"}}`),
			want:   []string{"StringEquals token.actions.githubusercontent.com:sub → StringLike"},
			has:    []string{`"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}`}, rerun: diagnose.Allow},
		// GitHub docs: a job that names an environment gets the environment form of sub.
		{name: "environment form next to the branch form", claims: gh(subProd), providers: gp, policy: allowGH(ghSubLike(`"` + subMain + `"`)),
			want: []string{`add "repo:acme/app:environment:prod" to StringLike token.actions.githubusercontent.com:sub`, "admits jobs that name environment prod"},
			has:  []string{`"StringLike":{"token.actions.githubusercontent.com:sub":["repo:acme/app:ref:refs/heads/main","repo:acme/app:environment:prod"]}`}, rerun: diagnose.Allow},
		// The policy's aud condition names another audience the provider also accepts.
		{name: "wrong aud in the policy", claims: gh(subMain, "aud", "https://github.com/acme"), policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			providers: []diagnose.Provider{{URL: ghHost, ClientIDs: []string{stsAud, "https://github.com/acme"}}},
			want:      []string{`add "https://github.com/acme" to StringEquals token.actions.githubusercontent.com:aud`},
			has:       []string{`"StringEquals":{"token.actions.githubusercontent.com:aud":["sts.amazonaws.com","https://github.com/acme"]}`}, rerun: diagnose.Allow},
		// STS: "No OpenIDConnect provider found in your account for <iss>"; notes §9: the
		// command without a thumbprint (aws iam create-open-id-connect-provider help).
		{name: "missing provider", claims: gh(subMain), providers: []diagnose.Provider{{URL: "gitlab.com", ClientIDs: []string{"https://gitlab.com"}}},
			policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			want:   []string{"aws iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com --client-id-list sts.amazonaws.com", "no thumbprint is needed"},
			rerun:  diagnose.Allow},
		// STS authorizes sts:AssumeRoleWithWebIdentity, not sts:AssumeRole; the statement had
		// no sub condition, and rawsts never leaves it admitting every GitHub repository.
		{name: "AssumeRole instead of AssumeRoleWithWebIdentity", claims: gh(subMain), providers: gp, policy: policy(stmt(`"sts:AssumeRole"`, "")),
			want: []string{`Action "sts:AssumeRole" → "sts:AssumeRoleWithWebIdentity"`, `StringEquals token.actions.githubusercontent.com:sub "repo:acme/app:ref:refs/heads/main"`},
			has:  []string{`!"Action":"sts:AssumeRole"`, `"Action":"sts:AssumeRoleWithWebIdentity"`}, rerun: diagnose.Allow},
		// IAM User Guide, "Passing session tags using AssumeRoleWithWebIdentity": the trust
		// policy must allow sts:TagSession.
		{name: "missing sts:TagSession", claims: gh(subMain, jwtinspect.ClaimTags, tags), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			want: []string{`add "sts:TagSession" to Action`},
			has:  []string{`"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`}, rerun: diagnose.Allow},
		// No trust-policy edit admits an expired token (STS: ExpiredTokenException).
		{name: "expired token", claims: gh(subMain, "exp", at.Add(-time.Hour).Unix()), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			want: []string{"token.times: ", "instead: fetch a fresh token"}},
		// The provider's ClientIDList lacks the token's aud (STS: Incorrect token audience):
		// the provider must change, or the token request; then the policy's aud condition.
		{name: "aud not in the ClientIDList", claims: gh(subMain, "aud", "https://github.com/acme"), providers: gp, policy: allowGH(ghSubLike(`"repo:acme/app:*"`)),
			want: []string{"aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn " + ghARN + " --client-id https://github.com/acme",
				`request the token (configure-aws-credentials' audience input) for an audience the provider already accepts, "sts.amazonaws.com"`},
			has: []string{`"StringEquals":{"token.actions.githubusercontent.com:aud":["sts.amazonaws.com","https://github.com/acme"]}`}, rerun: diagnose.Allow},
		// Only the provider: the policy has no aud condition, so no policy diff.
		{name: "aud not in the ClientIDList, policy without aud", claims: gh(subMain, "aud", "https://github.com/acme"), providers: gp,
			policy: allowGH(`{"StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`),
			want:   []string{"add-client-id-to-open-id-connect-provider"}, rerun: diagnose.Allow},
		// An exclusion (a negated operator) cannot be edited to admit exactly this subject:
		// the statement stays and a copy for exactly this subject is added — never a bare *.
		{name: "excluded by StringNotLike", claims: gh(subPR), providers: gp,
			policy: policy(stmt(`"sts:AssumeRoleWithWebIdentity"`, `{"StringEquals": {"`+ghHost+`:aud": "sts.amazonaws.com"}, "StringNotLike": {"`+ghHost+`:sub": "*:pull_request"}}`)),
			want:   []string{"add Statement[1]", "removing that would admit every subject it excludes", `pull_request form: it names no branch`},
			has:    []string{`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:pull_request"}}`}, rerun: diagnose.Allow},
		// IAM policy evaluation: an explicit Deny wins. The exception spares exactly this subject.
		{name: "a Deny statement", claims: gh(subPR), providers: gp,
			policy: policy(stmt(`"sts:AssumeRoleWithWebIdentity"`, ghSubLike(`"repo:acme/app:*"`)),
				`{"Sid": "NoPRs", "Effect": "Deny", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"`+ghHost+`:sub": "*:pull_request"}}}`),
			want: []string{`Statement[1] "NoPRs": add StringNotEquals token.actions.githubusercontent.com:sub "repo:acme/app:pull_request"`, "denies this token on purpose"},
			has:  []string{`"StringNotEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/app:pull_request"}`}, rerun: diagnose.Allow},
		// Condition keys start with the provider's URL without https:// (IAM User Guide,
		// "Available keys for AWS OIDC federation").
		{name: "key written as an ARN", claims: gh(subMain), providers: gp, policy: allowGH(`{"StringLike": {"` + ghARN + `:sub": "repo:acme/app:*"}}`),
			want: []string{`condition key "` + ghARN + `:sub" → "token.actions.githubusercontent.com:sub"`}, rerun: diagnose.Allow},
		{name: "aud and sub swapped", claims: gh(subMain), providers: gp,
			policy: allowGH(`{"StringLike": {"` + ghHost + `:aud": "repo:acme/app:*", "` + ghHost + `:sub": "sts.amazonaws.com"}}`),
			want:   []string{`"token.actions.githubusercontent.com:aud" → "token.actions.githubusercontent.com:sub"`}, rerun: diagnose.Allow},
		// The provider in another account: STS looks only in the role's account.
		{name: "provider in another account", claims: gh(subMain), providers: gp,
			policy: policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/` + ghHost + `"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ` + ghSubLike(`"repo:acme/app:*"`) + `}`),
			want:   []string{`Principal.Federated "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" → "` + ghARN + `"`}, rerun: diagnose.Allow},
		// No Allow statement at all: a new one for exactly this token.
		{name: "no Allow statement", claims: gh(subMain), providers: gp,
			policy: policy(`{"Effect": "Deny", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}`),
			want:   []string{"add Statement[1]: Allow", `StringEquals token.actions.githubusercontent.com:sub "repo:acme/app:ref:refs/heads/main"`}, rerun: diagnose.Allow},
		// IAM User Guide, "AWS JSON policy elements: NotPrincipal": a role trust policy cannot
		// use NotPrincipal. A Deny "to all but" the provider has no edit that keeps what it
		// meant to deny: policy.principal is blocked (it used to add the same Allow statement
		// round after round).
		{name: "Deny with NotPrincipal", claims: gh(subMain), providers: gp,
			policy: policy(stmt(`"sts:AssumeRoleWithWebIdentity"`, ghSubLike(`"repo:acme/app:*"`)),
				`{"Effect": "Deny", "NotPrincipal": {"Federated": "`+ghARN+`"}, "Action": "*"}`),
			want: []string{"policy.principal: Statement[1]: a role trust policy does not support NotPrincipal", "instead: use a Principal element"}},
		// An Allow with NotPrincipal beside a statement that admits the token: its NotPrincipal
		// becomes Principal.Federated for the token's provider, guarded.
		{name: "Allow with NotPrincipal beside a good statement", claims: gh(subMain), providers: gp,
			policy: policy(stmt(`"sts:AssumeRoleWithWebIdentity"`, ghSubLike(`"repo:acme/app:*"`)),
				`{"Effect": "Allow", "NotPrincipal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}`),
			want: []string{`Statement[1]: replace NotPrincipal with "Principal": {"Federated": "` + ghARN + `"}`},
			has:  []string{`!"NotPrincipal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/gitlab.com"}`}, rerun: diagnose.Allow},
		// A key the token has no claim for can never match (IAM: an absent key does not
		// match); removing it keeps the sub condition.
		{name: "condition on a claim the token lacks", claims: gh(subMain), providers: gp,
			policy: allowGH(`{"StringEquals": {"` + ghHost + `:environment": "prod"}, "StringLike": {"` + ghHost + `:sub": "repo:acme/app:*"}}`),
			want:   []string{"remove StringEquals token.actions.githubusercontent.com:environment (the token has no environment claim"}, rerun: diagnose.Allow},
	}
}

func TestSuggest(t *testing.T) {
	for _, tt := range suggestCases() {
		t.Run(tt.name, func(t *testing.T) {
			in := diagnose.Input{Token: mint(t, "", tt.claims), TrustPolicy: []byte(tt.policy), Providers: tt.providers, RoleARN: roleARN, At: at}
			if tt.verify != nil {
				in.Verify, in.Verifier, in.SkipThumbprint = true, tt.verify, true
			}
			rep := diagnose.Run(context.Background(), in)
			if rep.Verdict == diagnose.Allow {
				t.Fatalf("the case is allowed already:\n%s", dump(rep))
			}
			sug := diagnose.Suggest(context.Background(), in, rep, "trust-policy.json")
			text := strings.Join(append(append(append(sug.Edits, sug.Outside...), sug.Notes...), sug.Blocked...), "\n")
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("Suggest: %q not in\n%s", w, text)
				}
			}
			compact := strings.NewReplacer(" ", "", "\n", "").Replace(string(sug.Policy))
			for _, h := range tt.has {
				lacks := strings.HasPrefix(h, "!")
				h = strings.TrimPrefix(h, "!")
				if strings.Contains(compact+",", h+",") == lacks && strings.Contains(compact+"}", h+"}") == lacks {
					t.Errorf("Suggest: the corrected policy has %s: %v; want %v\n%s", h, lacks, !lacks, sug.Policy)
				}
			}
			if len(tt.has) > 0 && !strings.Contains(sug.Diff, "\n+") {
				t.Errorf("Suggest: no diff\n%s", sug.Diff)
			}
			if (sug.Diff == "") != (sug.Policy == nil) {
				t.Errorf("Suggest: diff %q but policy %s; want both or neither", sug.Diff, sug.Policy)
			}
			switch {
			case tt.rerun == "" && sug.Rerun != nil:
				t.Errorf("Suggest: re-run %s; want none (nothing can change)\n%s", sug.Rerun.Verdict, dump(sug.Rerun))
			case tt.rerun != "" && (sug.Rerun == nil || sug.Rerun.Verdict != tt.rerun):
				t.Fatalf("Suggest: re-run %v; want %s\n%s", sug.Rerun, tt.rerun, text)
			case tt.rerun == "" && (sug.Diff != "" || len(sug.Blocked) == 0):
				t.Errorf("Suggest: diff %q, blocked %q; want no diff and a reason", sug.Diff, sug.Blocked)
			}
			if sug.Policy != nil {
				if _, err := trustpolicy.Parse(sug.Policy); err != nil {
					t.Errorf("the corrected policy does not parse: %v\n%s", err, sug.Policy)
				}
			}
		})
	}
}

// TestSuggestBadSignature: a token the issuer did not sign cannot be admitted by any edit
// (STS: Couldn't retrieve verification key / the signature does not verify); --suggest says
// what must change instead and shows no diff.
func TestSuggestBadSignature(t *testing.T) {
	srv := newIssuerServer(t)
	tok := mint(t, "", claims(srv.URL, "system:serviceaccount:default:app", stsAud))
	host := strings.TrimPrefix(srv.URL, "https://")
	in := diagnose.Input{Token: tok, RoleARN: roleARN, At: at, Verify: true, SkipThumbprint: true,
		Verifier:    &jwtinspect.Verifier{HTTPClient: srv.Client(), Now: func() time.Time { return at }},
		Providers:   []diagnose.Provider{{URL: host, ClientIDs: []string{stsAud}}},
		TrustPolicy: []byte(policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/` + host + `"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"` + host + `:sub": "system:serviceaccount:default:app"}}}`))}
	rep := diagnose.Run(context.Background(), in)
	if f := rep.FirstFailure(); f == nil || f.Name != diagnose.CheckTokenSignature {
		t.Fatalf("Run: first failure %v; want token.signature\n%s", f, dump(rep))
	}
	sug := diagnose.Suggest(context.Background(), in, rep, "")
	if sug.Diff != "" || sug.Rerun != nil || len(sug.Blocked) != 1 || !strings.HasPrefix(sug.Blocked[0], "token.signature: ") || !strings.Contains(sug.Blocked[0], "instead:") {
		t.Errorf("Suggest(bad signature) = diff %q, rerun %v, blocked %q; want one reason and no diff", sug.Diff, sug.Rerun, sug.Blocked)
	}
}

// TestSuggestRerunKeepsTheSignature: the re-runs do no network I/O, so a signature verified by
// the diagnosis (--verify) is carried into them. Without it the re-run would be short of
// token.signature (Report.Incomplete) and only allow as far as checked, though the signature
// was checked.
func TestSuggestRerunKeepsTheSignature(t *testing.T) {
	srv, mintWith := emulatedGitHub(t)
	tok := mintWith(gh(subProd))
	in := diagnose.Input{Token: tok, TrustPolicy: []byte(allowGH(ghSubLike(`"` + subMain + `"`))), Providers: []diagnose.Provider{ghProvider},
		RoleARN: roleARN, SessionName: "gha-deploy", At: at, Verify: true, Verifier: srv.Verifier(), SkipThumbprint: true}
	rep := diagnose.Run(context.Background(), in)
	if c := rep.Check(diagnose.CheckTokenSignature); c.Status != diagnose.Pass || rep.Verdict != diagnose.Deny {
		t.Fatalf("Run: token.signature %s, verdict %s; want pass, deny\n%s", c.Status, rep.Verdict, dump(rep))
	}
	sug := diagnose.Suggest(context.Background(), in, rep, "")
	if sug.Rerun == nil {
		t.Fatalf("Suggest: no re-run; edits %q, blocked %q", sug.Edits, sug.Blocked)
	}
	if got := sug.Rerun.Summary(); got != diagnose.Allow || sug.Rerun.Check(diagnose.CheckTokenSignature).Status != diagnose.Pass {
		t.Errorf("Suggest: re-run %s (incomplete %q); want allow with token.signature pass\n%s", got, sug.Rerun.Incomplete(), dump(sug.Rerun))
	}
}

// TestSuggestNeverWidensSub runs --suggest on every scenario of the table and checks the rules
// that hold for all of them: the statements given keep their order and Sids, every sub value
// an edit adds is the token's own subject (never a bare *), the corrected policy parses, and
// when nothing is blocked the re-run allows (or depends only on keys a token cannot tell).
func TestSuggestNeverWidensSub(t *testing.T) {
	for _, sc := range scenarios() {
		if sc.raw != "" || sc.policy == "" || sc.verdict == diagnose.Allow {
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			rep := runScenario(t, sc)
			in := scenarioInput(t, sc)
			sug := diagnose.Suggest(context.Background(), in, rep, "")
			if sug.Rerun != nil && len(sug.Blocked) == 0 && sug.Rerun.Verdict == diagnose.Deny {
				t.Errorf("Suggest: nothing blocked, but the re-run denies:\n%s", dump(sug.Rerun))
			}
			if sug.Policy == nil {
				return
			}
			before, err := trustpolicy.Parse([]byte(sc.policy))
			if err != nil {
				t.Fatal(err)
			}
			after, err := trustpolicy.Parse(sug.Policy)
			if err != nil {
				t.Fatalf("the corrected policy does not parse: %v\n%s", err, sug.Policy)
			}
			if len(after.Statements) < len(before.Statements) {
				t.Fatalf("Suggest dropped statements: %d → %d", len(before.Statements), len(after.Statements))
			}
			for i := range before.Statements {
				if before.Statements[i].Sid != after.Statements[i].Sid || before.Statements[i].Effect != after.Statements[i].Effect {
					t.Errorf("Statement[%d] changed its Sid or Effect", i)
				}
			}
			sub, _ := sc.claims["sub"].(string)
			old := subValues(before)
			for v := range subValues(after) {
				if !old[v] && v != sub {
					t.Errorf("Suggest added sub value %q; only the token's own subject %q may be added", v, sub)
				}
			}
		})
	}
}

// subValues collects the values of every positive condition on a …:sub key.
func subValues(p *trustpolicy.Policy) map[string]bool {
	out := map[string]bool{}
	for _, s := range p.Statements {
		for _, c := range s.Conditions {
			if strings.HasSuffix(strings.ToLower(c.Key), ":sub") && !strings.Contains(c.Operator, "Not") {
				for _, v := range c.Values {
					out[v] = true
				}
			}
		}
	}
	return out
}

// TestSuggestLayout: the diff is against the file as given when rawsts lays it out the same
// way, and says so when it does not (get-role output, a document written on one line).
func TestSuggestLayout(t *testing.T) {
	tok := mint(t, "", gh(subProd))
	for _, tt := range []struct{ name, policy, header string }{
		{"as written", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\"Federated\": \"" + ghARN + "\"},\n      \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n      \"Condition\": {\"StringEquals\": {\"" + ghHost + ":sub\": \"" + subMain + "\"}}\n    }\n  ]\n}\n",
			"--- p.json\n+++ p.json (suggested)\n"},
		{"one line", allowGH(`{"StringEquals": {"` + ghHost + `:sub": "` + subMain + `"}}`), "--- p.json (as rawsts lays it out)\n"},
		{"get-role output", `{"Role": {"Arn": "` + roleARN + `", "AssumeRolePolicyDocument": ` + allowGH(`{"StringEquals": {"`+ghHost+`:sub": "`+subMain+`"}}`) + `}}`, "--- p.json (as rawsts lays it out)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := diagnose.Input{Token: tok, TrustPolicy: []byte(tt.policy), RoleARN: roleARN, At: at}
			sug := diagnose.Suggest(context.Background(), in, diagnose.Run(context.Background(), in), "p.json")
			if !strings.HasPrefix(sug.Diff, tt.header) {
				t.Errorf("Suggest diff =\n%s\nwant it to start %q", sug.Diff, tt.header)
			}
		})
	}
}

type issuerServer struct{ *httptest.Server }

func newTLSServer(t *testing.T, h http.Handler) *httptest.Server {
	s := httptest.NewTLSServer(h)
	t.Cleanup(s.Close)
	return s
}

// newIssuerServer is an https issuer whose key set does not hold the test key: every token
// mint signs fails its signature check at the kid.
func newIssuerServer(t *testing.T) *issuerServer {
	t.Helper()
	s := &issuerServer{}
	s.Server = newTLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			_, _ = w.Write([]byte(`{"issuer": "` + s.URL + `", "jwks_uri": "` + s.URL + `/jwks", "id_token_signing_alg_values_supported": ["RS256"], "response_types_supported": ["id_token"], "subject_types_supported": ["public"]}`))
		case "/jwks":
			_, _ = w.Write([]byte(`{"keys": []}`))
		default:
			http.NotFound(w, r)
		}
	}))
	return s
}
