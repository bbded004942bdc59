package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rawsts/rawsts/internal/diagnose"
	"github.com/rawsts/rawsts/internal/iam"
	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
)

// The demo's deliberately wrong role: its trust policy expects an audience the pool's tokens do
// not carry.
const (
	demoWrongRole     = "DemoWrongAudience"
	demoWrongAudience = "7otherapp0client0example"
)

// iam returns an IAM client signed with the emulator's admin key.
func (d *demoRun) iam() *iam.Client {
	return &iam.Client{Credentials: *d.admin(), Endpoint: d.endpoint(), HTTPClient: d.httpClient(), MaxAttempts: 1, Now: d.s.now,
		UserAgent: "rawsts/" + buildVersion() + " demo"}
}

// wrongTrustPolicy is the trust policy of the wrong role: the console's web identity policy for
// the token's issuer, with another app client as the audience.
func (d *demoRun) wrongTrustPolicy() (string, error) {
	tok, err := jwtinspect.Decode(d.idToken)
	if err != nil {
		return "", fmt.Errorf("reading the ID token: %v", err)
	}
	host := jwtinspect.ConditionKeyPrefix(tok.Claims.Issuer)
	account := arnAccount(d.env["RAWSTS_ROLE_ARN"])
	return fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::%s:oidc-provider/%s"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {"%s:aud": "%s"}}
    }
  ]
}
`, account, host, host, demoWrongAudience), nil
}

func (d *demoRun) wrongRole(ctx context.Context) (demoResult, error) {
	policy, err := d.wrongTrustPolicy()
	if err != nil {
		return demoResult{}, err
	}
	r := demoResult{
		intro: "A mistake seen every day: a role created for another app client. Its trust policy (created with IAM " +
			"CreateRole, signed with the admin's key) expects aud " + demoWrongAudience + "; the pool's ID token carries " +
			d.env["RAWSTS_CLIENT_ID"] + ". The role is created, then the same token is sent for it:",
		command: "aws iam create-role --role-name " + demoWrongRole + " --assume-role-policy-document file://wrong-trust-policy.json --endpoint-url " + d.endpoint(),
	}
	r.detail = "wrong-trust-policy.json:\n" + policy
	d.files[policy] = "wrong-trust-policy.json"
	c := d.iam()
	role, err := c.CreateRole(ctx, demoWrongRole, policy)
	var apiErr *iam.APIError
	if errors.As(err, &apiErr) && apiErr.Code == "EntityAlreadyExists" {
		// Left by an earlier run against the same emulator: put the wrong policy back.
		r.detail = "(" + demoWrongRole + " is left from an earlier run of the demo on this emulator: UpdateAssumeRolePolicy sets its trust\npolicy back to the wrong one.)\n\n" + r.detail
		if err := c.UpdateAssumeRolePolicy(ctx, demoWrongRole, policy); err != nil {
			return r, err
		}
		role, err = c.GetRole(ctx, demoWrongRole)
	}
	if err != nil {
		return r, err
	}
	d.wrongRoleArn = role.Arn
	_, err = d.sts().AssumeRoleWithWebIdentity(ctx, d.assumeInput(role.Arn))
	var stsErr *sts.APIError
	if err == nil {
		return r, &demoUnexpected{"STS allowed " + role.Arn + ", whose trust policy expects another audience"}
	}
	if !errors.As(err, &stsErr) {
		return r, err
	}
	if stsErr.Code != "AccessDenied" {
		return r, &demoUnexpected{fmt.Sprintf("STS answered %s: %s; the demo expects AccessDenied", stsErr.Code, oneLine(stsErr.Message))}
	}
	r.answer = fmt.Sprintf("%s (HTTP %d): %s", stsErr.Code, stsErr.StatusCode, oneLine(stsErr.Message))
	r.meaning = "refused, as it should be. STS never says which condition failed: the message is the same for every " +
		"trust-policy mismatch. Finding out is the next step's job."
	return r, nil
}

func (d *demoRun) diagnose(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro: "rawsts diagnose runs the checks STS runs, locally, on the same token: --verify checks the signature " +
			"with the issuer's keys, --fetch reads the role's trust policy and the account's OIDC providers from IAM " +
			"(with the admin's key), --suggest computes the fix.",
		command: "rawsts diagnose --verify --fetch --suggest --role-arn " + d.wrongRoleArn + " --session-name demo --file id-token.jwt",
	}
	var out bytes.Buffer
	child := d.child(&out, "AWS_ACCESS_KEY_ID", d.env["RAWSTS_ADMIN_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY", d.env["RAWSTS_ADMIN_SECRET_ACCESS_KEY"])
	in := diagnose.Input{Token: d.idToken, RoleARN: d.wrongRoleArn, SessionName: "demo", At: d.s.now(), Verify: true,
		Verifier: &jwtinspect.Verifier{HTTPClient: child.httpClient(false, d.timeout), Now: d.s.now}}
	o := diagnoseOptions{endpointIAM: d.endpoint(), fetch: true, verify: true, suggest: true, timeout: d.timeout}
	if code := fetchFromIAM(ctx, child, &o, &in); code != exitOK {
		r.answer = out.String()
		return r, &demoUnexpected{"diagnose --fetch could not read the role from the emulator's IAM"}
	}
	rep := diagnose.Run(ctx, in)
	sug := diagnose.Suggest(ctx, in, rep, policyName(""))
	writeReport(&out, rep)
	writeSuggestion(&out, sug)
	r.answer = out.String()
	if rep.Verdict == diagnose.Allow || sug == nil || len(sug.Policy) == 0 {
		return r, &demoUnexpected{"diagnose found nothing to fix in " + d.wrongRoleArn}
	}
	d.fixedPolicy = string(sug.Policy)
	r.meaning = "the failing check names the clause (the aud condition), what the token carries, and the fix; the " +
		"re-run with the corrected policy allows."
	return r, nil
}

func (d *demoRun) fixRole(ctx context.Context) (demoResult, error) {
	r := demoResult{
		intro: "UpdateAssumeRolePolicy with the corrected trust policy --suggest printed, then the same " +
			"AssumeRoleWithWebIdentity as before:",
		command: "aws iam update-assume-role-policy --role-name " + demoWrongRole + " --policy-document file://trust-policy.json --endpoint-url " + d.endpoint(),
	}
	d.files[d.fixedPolicy] = policyName("")
	if err := d.iam().UpdateAssumeRolePolicy(ctx, demoWrongRole, d.fixedPolicy); err != nil {
		return r, err
	}
	out, err := d.sts().AssumeRoleWithWebIdentity(ctx, d.assumeInput(d.wrongRoleArn))
	if err != nil {
		var stsErr *sts.APIError
		if errors.As(err, &stsErr) {
			return r, &demoUnexpected{fmt.Sprintf("STS still refuses the fixed role: %s: %s", stsErr.Code, oneLine(stsErr.Message))}
		}
		return r, err
	}
	r.answer = fmt.Sprintf("AssumedRoleUser  %s\nAccessKeyId      %s\nExpiration       %s", out.AssumedRoleUser.Arn,
		out.Credentials.AccessKeyID, out.Credentials.Expiration.UTC().Format(time.RFC3339))
	r.meaning = "allowed: the same token, the trust policy fixed as diagnose suggested."
	return r, nil
}
