package iam_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rawsts/rawsts/internal/iam"
	"github.com/rawsts/rawsts/sigv4"
	"github.com/rawsts/rawsts/ststest"
)

// TestCreateAndUpdateRole creates a role on the emulator, replaces its trust policy, reads it
// back, and meets IAM's refusal of a name taken.
func TestCreateAndUpdateRole(t *testing.T) {
	srv := ststest.NewServer()
	defer srv.Close()
	c := &iam.Client{Credentials: sigv4.Credentials{AccessKeyID: ststest.UserAccessKeyID, SecretAccessKey: ststest.UserSecretAccessKey},
		Endpoint: srv.URL, HTTPClient: srv.Client(), MaxAttempts: 1}
	ctx := context.Background()
	const first = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	const second = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	r, err := c.CreateRole(ctx, "made", first)
	if err != nil || r.Arn != "arn:aws:iam::"+ststest.Account+":role/made" || r.RoleName != "made" {
		t.Fatalf("CreateRole(made) = %+v, %v; want the role", r, err)
	}
	if err := c.UpdateAssumeRolePolicy(ctx, "made", second); err != nil {
		t.Fatalf("UpdateAssumeRolePolicy(made) = %v", err)
	}
	got, err := c.GetRole(ctx, "made")
	if err != nil || got.AssumeRolePolicyDocument != second {
		t.Errorf("GetRole(made) after the update = %+v, %v; want the trust policy %s", got, err, second)
	}
	_, err = c.CreateRole(ctx, "made", first)
	var apiErr *iam.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "EntityAlreadyExists" {
		t.Errorf("CreateRole(made) again = %v; want EntityAlreadyExists", err)
	}
}
