package diagnose_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/trustpolicy"
)

// TestLocationsAreInThePolicy: every location a check names, in every scenario, is an element
// trustpolicy.Source finds in the policy's text, and a failing policy check names one.
func TestLocationsAreInThePolicy(t *testing.T) {
	for _, sc := range scenarios() {
		rep := runScenario(t, sc)
		src, srcErr := trustpolicy.ParseSource([]byte(sc.policy))
		for _, c := range rep.Checks {
			if c.Status == diagnose.Fail && slices.Contains([]string{diagnose.CheckPrincipal, diagnose.CheckAction, diagnose.CheckCondition, diagnose.CheckDeny}, c.Name) &&
				len(c.Locations) == 0 && !strings.Contains(c.Detail, "no Allow statement") {
				t.Errorf("%s: %s fails without naming where: %s", sc.name, c.Name, c.Detail)
			}
			for _, l := range c.Locations {
				if srcErr != nil {
					t.Errorf("%s: %s names %q, but the policy has no Source: %v", sc.name, c.Name, l, srcErr)
					continue
				}
				// A lint finding may name an element that is missing (where it belongs).
				if _, ok := src.Locate(l); !ok && (c.Name != diagnose.CheckPolicyParse || !nearest(src, l)) {
					t.Errorf("%s: %s names %q, which is not in the policy", sc.name, c.Name, l)
				}
			}
		}
	}
}

// TestLocations: what the README's "Why was I denied?" cases and the other policy failures
// point at.
func TestLocations(t *testing.T) {
	sub := "Statement[0].Condition.StringLike." + ghHost + ":sub"
	tests := []struct {
		name   string
		claims map[string]any
		policy string
		check  string
		want   []string
	}{
		{"environment vs ref (README 1)", gh(subProd), allowGH(ghSubLike(`"` + subMain + `"`)), diagnose.CheckCondition, []string{sub}},
		{"a wildcard under StringEquals (README 2)", gh(subMain),
			allowGH(`{"StringEquals": {"` + ghHost + `:aud": "sts.amazonaws.com", "` + ghHost + `:sub": "repo:acme/app:*"}}`),
			diagnose.CheckCondition, []string{"Statement[0].Condition.StringEquals." + ghHost + ":sub"}},
		{"the wrong audience (README 3)", claims(ghIss, subMain, "https://github.com/acme"), allowGH(ghSubLike(`"` + subMain + `"`)),
			diagnose.CheckCondition, []string{"Statement[0].Condition.StringEquals." + ghHost + ":aud"}},
		{"a passing condition names every clause", gh(subMain), allowGH(ghSubLike(`"` + subMain + `"`)), diagnose.CheckCondition,
			[]string{"Statement[0].Condition.StringEquals." + ghHost + ":aud", sub}},
		{"the principal", gh(subMain), policy(`{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}`),
			diagnose.CheckPrincipal, []string{"Statement[0].Principal"}},
		{"NotAction", gh(subMain), policy(`{"Effect": "Allow", "Principal": {"Federated": "` + ghARN + `"}, "NotAction": "sts:AssumeRoleWithWebIdentity"}`),
			diagnose.CheckAction, []string{"Statement[0].NotAction"}},
		{"a Deny", gh(subMain), policy(`{"Effect": "Allow", "Principal": {"Federated": "`+ghARN+`"}, "Action": "sts:AssumeRoleWithWebIdentity"}`,
			`{"Effect": "Deny", "Principal": "*", "Action": "*"}`), diagnose.CheckDeny, []string{"Statement[1]"}},
		{"a parse error", gh(subMain), `{"Statement": [{"Effect": "Perhaps", "Principal": "*", "Action": "*"}]}`, diagnose.CheckPolicyParse, []string{"Statement[0].Effect"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := diagnose.Run(context.Background(), diagnose.Input{Token: mint(t, "", tt.claims), TrustPolicy: []byte(tt.policy),
				Providers: []diagnose.Provider{ghProvider}, RoleARN: roleARN, At: at})
			if got := rep.Check(tt.check).Locations; !slices.Equal(got, tt.want) {
				t.Errorf("Run(%s): %s.Locations = %q; want %q\n%s", tt.name, tt.check, got, tt.want, dump(rep))
			}
		})
	}
}

func nearest(src *trustpolicy.Source, path string) bool {
	_, found, ok := src.Nearest(path)
	return ok && found != ""
}
