package sts

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// endpointCase is one case of testdata/endpoint-tests.json, transcribed from botocore's STS
// endpoint rule tests.
type endpointCase struct {
	Name              string `json:"name"`
	Region            string `json:"region"`
	FIPS              bool   `json:"fips"`
	DualStack         bool   `json:"dualStack"`
	GlobalEndpoint    bool   `json:"globalEndpoint"`
	Endpoint          string `json:"endpoint"`
	WantURL           string `json:"wantURL"`
	WantSigningRegion string `json:"wantSigningRegion"`
	WantError         string `json:"wantError"`
}

func TestResolveEndpointBotocoreCases(t *testing.T) {
	data, err := os.ReadFile("testdata/endpoint-tests.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []endpointCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) != 69 {
		t.Errorf("endpoint-tests.json has %d cases; want botocore's 69", len(file.Cases))
	}
	for _, tt := range file.Cases {
		t.Run(tt.Name, func(t *testing.T) {
			opts := EndpointOptions{UseFIPS: tt.FIPS, UseDualStack: tt.DualStack, UseGlobalEndpoint: tt.GlobalEndpoint, URL: tt.Endpoint}
			got, err := ResolveEndpoint(tt.Region, opts)
			if tt.WantError != "" {
				var in *InputError
				if !errors.As(err, &in) || in.Problem != tt.WantError {
					t.Errorf("ResolveEndpoint(%q, %+v) = %v, %v; want error %q", tt.Region, opts, got, err, tt.WantError)
				}
				return
			}
			if err != nil || got.URL != tt.WantURL || (tt.WantSigningRegion != "" && got.SigningRegion != tt.WantSigningRegion) {
				t.Errorf("ResolveEndpoint(%q, %+v) = %+v, %v; want %s signed for %q", tt.Region, opts, got, err, tt.WantURL, tt.WantSigningRegion)
			}
		})
	}
}

func TestResolveEndpointMore(t *testing.T) {
	tests := []struct {
		name    string
		region  string
		opts    EndpointOptions
		want    Endpoint
		wantErr string
	}{
		{"iso-e partition", "eu-isoe-west-1", EndpointOptions{}, Endpoint{"https://sts.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"}, ""},
		{"iso-f FIPS", "us-isof-south-1", EndpointOptions{UseFIPS: true}, Endpoint{"https://sts-fips.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"}, ""},
		{"legacy mode, cn region is regional", "cn-north-1", EndpointOptions{UseGlobalEndpoint: true}, Endpoint{"https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"}, ""},
		{"legacy mode ignored with FIPS", "us-east-1", EndpointOptions{UseGlobalEndpoint: true, UseFIPS: true}, Endpoint{"https://sts-fips.us-east-1.amazonaws.com", "us-east-1"}, ""},
		{"unknown region falls back to aws", "xx-new-1", EndpointOptions{}, Endpoint{"https://sts.xx-new-1.amazonaws.com", "xx-new-1"}, ""},
		{"loopback http endpoint", "", EndpointOptions{URL: "http://127.0.0.1:8080"}, Endpoint{"http://127.0.0.1:8080", "us-east-1"}, ""},
		{"plain http to a remote host", "us-east-1", EndpointOptions{URL: "http://sts.example.com"}, Endpoint{}, "not loopback"},
		{"region with a dot", "us-east-1.evil.example", EndpointOptions{}, Endpoint{}, "is not a region name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveEndpoint(tt.region, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !contains(err.Error(), tt.wantErr) {
					t.Errorf("ResolveEndpoint(%q, %+v) = %v; want error containing %q", tt.region, tt.opts, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ResolveEndpoint(%q, %+v) = %+v, %v; want %+v", tt.region, tt.opts, got, err, tt.want)
			}
		})
	}
}

func TestClientResolveEndpoint(t *testing.T) {
	tests := []struct {
		name    string
		c       Client
		want    string
		wantErr string
	}{
		{"zero value is global", Client{}, "https://sts.amazonaws.com", ""},
		{"region is regional", Client{Region: "us-east-1"}, "https://sts.us-east-1.amazonaws.com", ""},
		{"legacy", Client{Region: "us-east-1", UseGlobalEndpoint: true}, "https://sts.amazonaws.com", ""},
		{"endpoint wins", Client{Region: "eu-west-1", Endpoint: "https://localhost:9000/sts"}, "https://localhost:9000/sts", ""},
		{"FIPS without region", Client{UseFIPS: true}, "", "sts: Region: is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.ResolveEndpoint()
			if tt.wantErr != "" {
				if err == nil || !contains(err.Error(), tt.wantErr) {
					t.Errorf("ResolveEndpoint() = %v; want error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.URL != tt.want {
				t.Errorf("ResolveEndpoint() = %+v, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestPartition(t *testing.T) {
	for _, tt := range []struct{ region, want string }{
		{"us-east-1", "aws"},
		{"aws-global", "aws"},
		{"eu-west-3", "aws"},
		{"cn-north-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eusc-de-east-1", "aws-eusc"},
		{"not-a-region", "aws"},
	} {
		if got := Partition(tt.region); got != tt.want {
			t.Errorf("Partition(%q) = %q; want %q", tt.region, got, tt.want)
		}
	}
}
