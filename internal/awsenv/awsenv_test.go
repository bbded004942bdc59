package awsenv

import (
	"strings"
	"testing"
)

func lookup(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestBool(t *testing.T) {
	for _, tt := range []struct {
		v       string
		want    bool
		wantErr bool
	}{{"", false, false}, {"false", false, false}, {" TRUE ", true, false}, {"True", true, false}, {"1", false, true}, {"yes", false, true}} {
		got, err := Bool(lookup(map[string]string{"X": tt.v}), "X")
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("Bool(X=%q) = %v, %v; want %v, error %v", tt.v, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "X:") {
			t.Errorf("Bool(X=%q) error %q does not name the variable", tt.v, err)
		}
	}
}

func TestEndpointURL(t *testing.T) {
	const svc = "AWS_ENDPOINT_URL_STS"
	for _, tt := range []struct {
		name       string
		env        map[string]string
		want, from string
		wantErr    bool
	}{
		{"none", nil, "", "", false},
		{"service wins", map[string]string{svc: "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://127.0.0.1:1", svc, false},
		{"general", map[string]string{"AWS_ENDPOINT_URL": " http://127.0.0.1:2 "}, "http://127.0.0.1:2", "AWS_ENDPOINT_URL", false},
		{"ignored", map[string]string{svc: "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "", "", false},
		{"bad ignore flag", map[string]string{svc: "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "maybe"}, "", "", true},
	} {
		got, from, err := EndpointURL(lookup(tt.env), svc)
		if got != tt.want || from != tt.from || (err != nil) != tt.wantErr {
			t.Errorf("%s: EndpointURL = %q, %q, %v; want %q, %q, error %v", tt.name, got, from, err, tt.want, tt.from, tt.wantErr)
		}
	}
}
