package diagnose_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseCloudTrailAWSExample reads AWS's documented web identity event (IAM User Guide,
// "Example web identity AWS STS API event in CloudTrail log file", repaired as
// testdata/cloudtrail/README.md says).
func TestParseCloudTrailAWSExample(t *testing.T) {
	events, err := diagnose.ParseCloudTrail(readTestdata(t, "cloudtrail/aws-doc-web-identity.json"))
	if err != nil || len(events) != 1 {
		t.Fatalf("ParseCloudTrail = %d events, %v; want 1", len(events), err)
	}
	e := events[0]
	want := diagnose.CloudTrailEvent{ID: "bEXAMPLE-0b30-4246-b28c-e3da3EXAMPLE", Time: time.Date(2016, 3, 23, 1, 39, 51, 0, time.UTC),
		RoleARN: "arn:aws:iam::444455556666:role/FederatedWebIdentityRole", SessionName: "MyAssignedRoleSessionName", DurationSeconds: 3600,
		Provider: "accounts.google.com", Issuer: "https://accounts.google.com", Subject: "<id of user>",
		Audience: "<id of application>.apps.googleusercontent.com", SourceIdentity: "MyWebIdentityUser", SourceIP: "192.0.2.101",
		PrincipalTags: map[string]string{"CostCenter": "24680", "Project": "Pegasus"}, TransitiveTagKeys: []string{"CostCenter", "Project"}}
	if got := describeEvent(e); got != describeEvent(want) {
		t.Errorf("ParseCloudTrail(AWS example) =\n%s\nwant\n%s", got, describeEvent(want))
	}
}

func describeEvent(e diagnose.CloudTrailEvent) string {
	var b strings.Builder
	for _, kv := range [][2]string{{"id", e.ID}, {"time", e.Time.String()}, {"role", e.RoleARN}, {"session", e.SessionName},
		{"provider", e.Provider}, {"iss", e.Issuer}, {"sub", e.Subject}, {"aud", e.Audience}, {"si", e.SourceIdentity},
		{"error", e.ErrorCode + " " + e.ErrorMessage}, {"ip", e.SourceIP}} {
		b.WriteString(kv[0] + "=" + kv[1] + "\n")
	}
	b.WriteString(strings.Join([]string{"duration=" + strconv.Itoa(e.DurationSeconds), "tags=" + fmtMap(e.PrincipalTags), "transitive=" + strings.Join(e.TransitiveTagKeys, ",")}, "\n"))
	return b.String()
}

func fmtMap(m map[string]string) string {
	var parts []string
	for _, k := range []string{"CostCenter", "Project"} {
		if v, ok := m[k]; ok {
			parts = append(parts, k+":"+v)
		}
	}
	return strings.Join(parts, ",")
}

// TestParseCloudTrailShapes: one event, a log file, lookup-events output; the audience of a
// refused call (responseElements null) comes out of principalId.
func TestParseCloudTrailShapes(t *testing.T) {
	for _, tt := range []struct {
		file string
		ids  []string
	}{
		{"cloudtrail/github-oidc-denied.json", []string{"4EXAMPLE-5d6e-4f70-9a1b-2c3d4eEXAMPLE"}},
		{"cloudtrail/records.json", []string{"2EXAMPLE-4c1d-4b0e-8a7f-5e6f7aEXAMPLE", "4EXAMPLE-5d6e-4f70-9a1b-2c3d4eEXAMPLE"}},
		{"cloudtrail/lookup-events.json", []string{"4EXAMPLE-5d6e-4f70-9a1b-2c3d4eEXAMPLE", "2EXAMPLE-4c1d-4b0e-8a7f-5e6f7aEXAMPLE", "5EXAMPLE-6e7f-4a8b-9c0d-1e2f3aEXAMPLE"}},
	} {
		events, err := diagnose.ParseCloudTrail(readTestdata(t, tt.file))
		if err != nil {
			t.Fatalf("ParseCloudTrail(%s) = %v", tt.file, err)
		}
		var ids []string
		for _, e := range events {
			ids = append(ids, e.ID)
			if e.Issuer != ghIss || e.Audience != stsAud || !strings.HasPrefix(e.Subject, "repo:acme/app:") {
				t.Errorf("ParseCloudTrail(%s): event %s has iss %q, aud %q, sub %q; want GitHub's, sts.amazonaws.com, repo:acme/app:…", tt.file, e.ID, e.Issuer, e.Audience, e.Subject)
			}
		}
		if strings.Join(ids, " ") != strings.Join(tt.ids, " ") {
			t.Errorf("ParseCloudTrail(%s) = events %v; want %v", tt.file, ids, tt.ids)
		}
	}
	events, _ := diagnose.ParseCloudTrail(readTestdata(t, "cloudtrail/github-oidc-denied.json"))
	if e := events[0]; e.ErrorCode != "AccessDenied" || e.Subject != subProd || e.SessionName != "GitHubActions" {
		t.Errorf("denied event = %+v; want AccessDenied for %s", e, subProd)
	}
}

func TestParseCloudTrailErrors(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{`not json`, "invalid character"},
		{`{"Records": [{"eventName": "GetCallerIdentity"}]}`, "no AssumeRoleWithWebIdentity event among 1 event(s) (GetCallerIdentity)"},
		{`{"Records": {}}`, "Records is not a list"},
		{`{"Events": [{"CloudTrailEvent": "{"}]}`, "Events[0].CloudTrailEvent is not a JSON event"},
		{`{"eventName": "AssumeRoleWithWebIdentity", "userIdentity": {"userName": "u"}}`, "names no identity provider"},
		{`{"eventName": "AssumeRoleWithWebIdentity", "userIdentity": {"identityProvider": "accounts.google.com"}}`, "shows no subject"},
		{`{"eventName": "AssumeRoleWithWebIdentity", "userIdentity": {"identityProvider": "a.example", "userName": "u"}, "requestParameters": {"durationSeconds": 1.5}}`, "not a whole number"},
		{`"a string"`, "not an object or a list"},
	} {
		_, err := diagnose.ParseCloudTrail([]byte(tt.doc))
		if !errors.Is(err, diagnose.ErrNotCloudTrail) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseCloudTrail(%q) = %v; want ErrNotCloudTrail with %q", tt.doc, err, tt.want)
		}
	}
}

func TestPickEvent(t *testing.T) {
	events, err := diagnose.ParseCloudTrail(readTestdata(t, "cloudtrail/lookup-events.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := diagnose.PickEvent(events, "", ""); err == nil || !strings.Contains(err.Error(), "for 2 roles (arn:aws:iam::123456789012:role/deploy, arn:aws:iam::123456789012:role/readonly); pass --role-arn") {
		t.Errorf("PickEvent(two roles, no role) = %v; want an error naming both roles", err)
	}
	e, note, err := diagnose.PickEvent(events, roleARN, "")
	if err != nil || e.ID != "4EXAMPLE-5d6e-4f70-9a1b-2c3d4eEXAMPLE" || !strings.Contains(note, "2 AssumeRoleWithWebIdentity events for "+roleARN+"; diagnosing the latest") {
		t.Errorf("PickEvent(deploy) = %v, %q, %v; want the latest, the denied call, with a note", e, note, err)
	}
	if e, _, err := diagnose.PickEvent(events, "", "2EXAMPLE-4c1d-4b0e-8a7f-5e6f7aEXAMPLE"); err != nil || e.ErrorCode != "" {
		t.Errorf("PickEvent(by id) = %v, %v; want the successful call", e, err)
	}
	if _, _, err := diagnose.PickEvent(events, "arn:aws:iam::123456789012:role/other", ""); err == nil || !strings.Contains(err.Error(), "no AssumeRoleWithWebIdentity event for arn:aws:iam::123456789012:role/other") {
		t.Errorf("PickEvent(other role) = %v; want no event", err)
	}
	if _, _, err := diagnose.PickEvent(events, "", "nope"); err == nil {
		t.Errorf("PickEvent(unknown id) = nil error")
	}
}

func TestParseClaims(t *testing.T) {
	for _, file := range []string{"claims/actions-oidc-debugger.json", "claims/actions-log.txt"} {
		m, err := diagnose.ParseClaims(readTestdata(t, file))
		if err != nil || m["sub"] != subProd || m["exp"] == nil {
			t.Errorf("ParseClaims(%s) = %v, %v; want sub %s", file, m["sub"], err, subProd)
		}
	}
	// A log line indented with spaces or tabs, and a document Detect trims before it reads
	// (found by FuzzWithoutToken: Detect said claims, ParseClaims of the same bytes refused).
	for _, doc := range []string{"step 3\n\t  {\"sub\": \"x\"}\n", ` {"sub": ""}00`} {
		if _, err := diagnose.ParseClaims([]byte(doc)); err != nil {
			t.Errorf("ParseClaims(%q) = %v; want the object", doc, err)
		}
	}
	for _, tt := range []struct{ doc, want string }{
		{`{"alg": "RS256"}`, "no iss, sub or aud"},
		{`no object here`, "no JSON object starts a line"},
		{"log\n{\"sub\": ", "unexpected EOF"},
	} {
		_, err := diagnose.ParseClaims([]byte(tt.doc))
		if !errors.Is(err, diagnose.ErrNotClaims) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseClaims(%q) = %v; want ErrNotClaims with %q", tt.doc, err, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	tok := mint(t, "", gh(subMain))
	for _, tt := range []struct {
		name string
		data []byte
		want diagnose.InputKind
	}{
		{"a token", []byte(tok + "\n"), diagnose.KindToken},
		{"a CI reply", []byte(`{"count": 1, "value": "` + tok + `"}`), diagnose.KindToken},
		{"garbage", []byte("gho_16C7e42F292c6912E7710c838347Ae178B4a"), diagnose.KindToken},
		{"claims", readTestdata(t, "claims/actions-oidc-debugger.json"), diagnose.KindClaims},
		{"claims in a log", readTestdata(t, "claims/actions-log.txt"), diagnose.KindClaims},
		{"one event", readTestdata(t, "cloudtrail/aws-doc-web-identity.json"), diagnose.KindCloudTrail},
		{"a log file", readTestdata(t, "cloudtrail/records.json"), diagnose.KindCloudTrail},
		{"lookup-events", readTestdata(t, "cloudtrail/lookup-events.json"), diagnose.KindCloudTrail},
		{"a list of events", []byte(`[{"eventName": "AssumeRoleWithWebIdentity"}]`), diagnose.KindCloudTrail},
	} {
		if got := diagnose.Detect(tt.data); got != tt.want {
			t.Errorf("Detect(%s) = %s; want %s", tt.name, got, tt.want)
		}
	}
}

// TestRunWithoutTheToken: claims and CloudTrail events run the checks that need no token; the
// others are skipped with their reason.
func TestRunWithoutTheToken(t *testing.T) {
	debugger, err := diagnose.ParseClaims(readTestdata(t, "claims/actions-oidc-debugger.json"))
	if err != nil {
		t.Fatal(err)
	}
	events, err := diagnose.ParseCloudTrail(readTestdata(t, "cloudtrail/github-oidc-denied.json"))
	if err != nil {
		t.Fatal(err)
	}
	denied := events[0].Claims()
	google, _ := diagnose.ParseCloudTrail(readTestdata(t, "cloudtrail/aws-doc-web-identity.json"))
	gp := []diagnose.Provider{ghProvider}
	for _, tt := range []struct {
		name    string
		claims  *diagnose.Claims
		policy  string
		role    string
		session string
		verdict diagnose.Verdict
		first   string
		want    []string // in the checklist
	}{
		{name: "debugger claims, environment vs ref policy", claims: &diagnose.Claims{Values: debugger, From: "the claims given"},
			policy: allowGH(ghSubLike(`"` + subMain + `"`)), verdict: diagnose.Deny, first: diagnose.CheckCondition,
			want: []string{"skip token.format: without the token, from the claims given", "skip token.alg: needs the token", "skip token.times: needs the token at the moment of the call", "exp 2030-01-01T01:00:00Z"}},
		{name: "debugger claims, environment policy", claims: &diagnose.Claims{Values: debugger},
			policy: allowGH(ghSubLike(`"` + subProd + `"`)), verdict: diagnose.Allow},
		{name: "debugger claims, repository key", claims: &diagnose.Claims{Values: debugger},
			policy: allowGH(`{"StringEquals": {"` + ghHost + `:repository": "acme/app"}}`), verdict: diagnose.Allow},
		{name: "event, ref policy", claims: denied, policy: allowGH(ghSubLike(`"` + subMain + `"`)), session: "GitHubActions",
			verdict: diagnose.Deny, first: diagnose.CheckCondition, want: []string{"CloudTrail event 4EXAMPLE-5d6e-4f70-9a1b-2c3d4eEXAMPLE of 2030-01-01T00:05:00Z", "does not show exp, nbf or iat"}},
		{name: "event, environment policy", claims: denied, policy: allowGH(ghSubLike(`"` + subProd + `"`)), verdict: diagnose.Allow},
		// A CloudTrail event does not log the repository claim: the condition is unknown, not absent.
		{name: "event, repository key unknown", claims: denied, policy: allowGH(`{"StringEquals": {"` + ghHost + `:repository": "acme/app", "` + ghHost + `:sub": "` + subProd + `"}}`),
			verdict: diagnose.Indeterminate, want: []string{"unknown policy.condition: Statement[0] depends on " + ghHost + ":repository, which CloudTrail event", "pass the token, or its claims"}},
		// AWS's example event carries session tags and a source identity, so STS also
		// authorizes sts:TagSession and sts:SetSourceIdentity (IAM User Guide, "Passing session
		// tags using AssumeRoleWithWebIdentity"; "sts:SetSourceIdentity").
		{name: "AWS example event without TagSession", claims: google[0].Claims(), role: google[0].RoleARN,
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"accounts.google.com:aud": "<id of application>.apps.googleusercontent.com"}}}`),
			verdict: diagnose.Deny, first: diagnose.CheckTags},
		{name: "AWS example event allowed", claims: google[0].Claims(), role: google[0].RoleARN,
			policy:  policy(`{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"], "Condition": {"StringEquals": {"accounts.google.com:aud": "<id of application>.apps.googleusercontent.com"}}}`),
			verdict: diagnose.Allow},
	} {
		t.Run(tt.name, func(t *testing.T) {
			role := roleARN
			if tt.role != "" {
				role = tt.role
			}
			rep := diagnose.Run(context.Background(), diagnose.Input{Claims: tt.claims, TrustPolicy: []byte(tt.policy), Providers: gp,
				RoleARN: role, SessionName: tt.session, At: time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC)})
			first := ""
			if f := rep.FirstFailure(); f != nil {
				first = f.Name
			}
			text := dump(rep)
			if rep.Verdict != tt.verdict || first != tt.first {
				t.Fatalf("Run(%s) = %s, first failure %q; want %s, %q\n%s", tt.name, rep.Verdict, first, tt.verdict, tt.first, text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("Run(%s): %q not in\n%s", tt.name, w, text)
				}
			}
			if c := rep.Check(diagnose.CheckTokenSignature); c.Status != diagnose.Skip {
				t.Errorf("Run(%s): token.signature %s; want skip", tt.name, c.Status)
			}
		})
	}
}
