package creds

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

const exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

// helperOutputs are what the helper program prints, by mode.
var helperOutputs = map[string]string{
	"full":          `{"Version": 1, "AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "` + exampleSecret + `", "SessionToken": "AQoDYXdzEPT//////////wEXAMPLE=", "Expiration": "2026-08-20T13:00:00Z", "AccountId": "123456789012"}`,
	"long-term":     `{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "` + exampleSecret + `"}`,
	"version 2":     `{"Version": 2, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "` + exampleSecret + `"}`,
	"version text":  `{"Version": "1", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "` + exampleSecret + `"}`,
	"no version":    `{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "` + exampleSecret + `"}`,
	"no secret":     `{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}`,
	"bad expiry":    `{"Version": 1, "AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "` + exampleSecret + `", "Expiration": "20 Aug 2026"}`,
	"not JSON":      `AccessKeyId=AKIAIOSFODNN7EXAMPLE SecretAccessKey=` + exampleSecret,
	"secret a JSON": `{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": 5}`,
}

// TestHelperProcess is not a test: it is the credential_process the tests run.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv("CREDS_HELPER")
	switch {
	case mode == "":
		return
	case mode == "fail":
		os.Stderr.WriteString("token expired; log in again\n")
		os.Exit(1)
	default:
		os.Stdout.WriteString(helperOutputs[mode])
	}
	os.Exit(0)
}

// helperProcess returns a Process running the helper in mode.
func helperProcess(t *testing.T, mode string) *Process {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &Process{Args: []string{exe, "-test.run=^TestHelperProcess$"}, Env: append(os.Environ(), "CREDS_HELPER="+mode), AccountID: "999999999999"}
}

func TestProcess(t *testing.T) {
	ctx := context.Background()
	c, err := helperProcess(t, "full").Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "ASIAIOSFODNN7EXAMPLE" || c.SecretAccessKey != exampleSecret || c.SessionToken != "AQoDYXdzEPT//////////wEXAMPLE=" ||
		!c.Expiration.Equal(time.Date(2026, 8, 20, 13, 0, 0, 0, time.UTC)) || c.AccountID != "123456789012" || c.Source != "credential_process" {
		t.Errorf("Retrieve(full) = %v", c)
	}
	c, err = helperProcess(t, "long-term").Retrieve(ctx)
	if err != nil || c.CanExpire() || c.SessionToken != "" || c.AccountID != "999999999999" {
		t.Errorf("Retrieve(long-term) = %v, %v; want keys that do not expire, the fallback account", c, err)
	}
	for mode, want := range map[string]string{
		"version 2":     "has Version 2; the only version is the number 1",
		"version text":  `has Version "1"; the only version is the number 1`,
		"no version":    "has Version missing",
		"no secret":     "has no SecretAccessKey",
		"bad expiry":    "Expiration that is not an RFC 3339 time",
		"not JSON":      "is not the credential_process JSON",
		"secret a JSON": "is not the credential_process JSON",
		"fail":          "credential_process exited with status 1: token expired; log in again",
	} {
		_, err := helperProcess(t, mode).Retrieve(ctx)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Retrieve(%s) = %v; want an error containing %q", mode, err, want)
		}
		if err != nil && strings.Contains(err.Error(), exampleSecret) {
			t.Errorf("Retrieve(%s) error %q quotes the secret key", mode, err)
		}
	}
}
