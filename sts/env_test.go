package sts

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestNewFromEnv(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		want      *Client
		wantField string
	}{
		{"empty", nil, &Client{}, ""},
		{"AWS_REGION wins", map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-west-2"}, &Client{Region: "eu-west-1"}, ""},
		{"AWS_DEFAULT_REGION", map[string]string{"AWS_DEFAULT_REGION": "us-west-2"}, &Client{Region: "us-west-2"}, ""},
		{"legacy", map[string]string{"AWS_STS_REGIONAL_ENDPOINTS": "legacy"}, &Client{UseGlobalEndpoint: true}, ""},
		{"regional", map[string]string{"AWS_STS_REGIONAL_ENDPOINTS": "regional"}, &Client{}, ""},
		{"bad regional", map[string]string{"AWS_STS_REGIONAL_ENDPOINTS": "global"}, nil, "AWS_STS_REGIONAL_ENDPOINTS"},
		{"fips and dualstack", map[string]string{"AWS_USE_FIPS_ENDPOINT": "TRUE", "AWS_USE_DUALSTACK_ENDPOINT": "true"}, &Client{UseFIPS: true, UseDualStack: true}, ""},
		{"bad fips", map[string]string{"AWS_USE_FIPS_ENDPOINT": "yes"}, nil, "AWS_USE_FIPS_ENDPOINT"},
		{"bad dualstack", map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "1"}, nil, "AWS_USE_DUALSTACK_ENDPOINT"},
		{"service endpoint wins", map[string]string{"AWS_ENDPOINT_URL_STS": "https://sts.example.com", "AWS_ENDPOINT_URL": "https://all.example.com"}, &Client{Endpoint: "https://sts.example.com"}, ""},
		{"global endpoint URL", map[string]string{"AWS_ENDPOINT_URL": "http://localhost:4566"}, &Client{Endpoint: "http://localhost:4566"}, ""},
		{"ignored endpoint URLs", map[string]string{"AWS_ENDPOINT_URL": "https://all.example.com", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, &Client{}, ""},
		{"plain http remote endpoint", map[string]string{"AWS_ENDPOINT_URL_STS": "http://sts.example.com"}, nil, "AWS_ENDPOINT_URL_STS"},
		{"max attempts", map[string]string{"AWS_MAX_ATTEMPTS": "5"}, &Client{MaxAttempts: 5}, ""},
		{"bad max attempts", map[string]string{"AWS_MAX_ATTEMPTS": "0"}, nil, "AWS_MAX_ATTEMPTS"},
		{"bad region", map[string]string{"AWS_DEFAULT_REGION": "us east 1"}, nil, "AWS_DEFAULT_REGION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantField != "" {
				var ie *InputError
				if !errors.As(err, &ie) || ie.Field != tt.wantField {
					t.Errorf("NewFromEnv(%v) = %v; want an InputError for %s", tt.env, err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewFromEnv(%v) = %v", tt.env, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Client{}, "Backoff", "Now"), cmpopts.IgnoreUnexported(Client{})); diff != "" {
				t.Errorf("NewFromEnv(%v) mismatch (-want +got):\n%s", tt.env, diff)
			}
		})
	}
}
