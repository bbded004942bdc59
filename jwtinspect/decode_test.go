package jwtinspect_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/rawsts/rawsts/jwtinspect"
)

const (
	hdrRS256 = `{"alg":"RS256","typ":"JWT","kid":"k1"}`
	// A payload whose base64url segment contains '-' and '_': bytes 0xfb 0xff encode to "-_8".
	claimsMin = `{"iss":"https://issuer.example.com","sub":"user","aud":"sts.amazonaws.com","exp":1632493867}`
)

func TestDecodeMalformed(t *testing.T) {
	good := unsigned(hdrRS256, claimsMin) + "c2ln"
	parts := strings.Split(good, ".")
	tests := []struct {
		name, in    string
		wantReason  string // a substring of MalformedError.Reason
		wantSegment string
	}{
		{name: "empty", in: "", wantReason: "the input is empty"},
		{name: "only whitespace", in: " \n\t", wantReason: "only whitespace"},
		{name: "one segment", in: "abc", wantReason: "1 segment(s)"},
		{name: "two segments", in: parts[0] + "." + parts[1], wantReason: "2 segment(s)"},
		{name: "four segments", in: good + ".x", wantReason: "4 segment(s)"},
		{name: "JWE", in: "a.b.c.d.e", wantReason: "JWE"},
		{name: "newline inside", in: parts[0] + ".\n" + parts[1] + "." + parts[2], wantReason: "a line break at byte"},
		{name: "space inside", in: parts[0] + ". " + parts[1] + "." + parts[2], wantReason: "whitespace at byte"},
		{name: "bearer prefix", in: "Bearer " + good, wantReason: `starts with "Bearer"`},
		{name: "BOM", in: "\ufeff" + good, wantReason: "byte-order mark"},
		{name: "GitHub reply", in: `{"count":1,"value":"` + good + `"}`, wantReason: `inside its "value" member`},
		{name: "Buildkite reply", in: `{"token": "` + good + `"}`, wantReason: `inside its "token" member`},
		{name: "Azure reply", in: `{"oidcToken":"` + good + `"}`, wantReason: `inside its "oidcToken" member`},
		{name: "other JSON object", in: `{"a":1}`, wantReason: "is a JSON object, not a compact JWS"},
		{name: "broken JSON", in: `{"value":`, wantReason: "starts like JSON"},
		{name: "quoted token", in: `"` + good + `"`, wantReason: "JSON string in quotes"},
		{name: "empty header", in: "." + parts[1] + "." + parts[2], wantReason: "header segment is empty", wantSegment: "header"},
		{name: "empty payload", in: parts[0] + ".." + parts[2], wantReason: "payload segment is empty", wantSegment: "payload"},
		{name: "header not base64url", in: "e*J." + parts[1] + "." + parts[2], wantReason: "header segment is not base64url", wantSegment: "header"},
		{name: "payload standard base64", in: parts[0] + ".ab+/." + parts[2], wantReason: "standard base64", wantSegment: "payload"},
		{name: "signature not base64url", in: parts[0] + "." + parts[1] + ".a!b", wantReason: "signature segment is not base64url", wantSegment: "signature"},
		{name: "padded payload", in: parts[0] + "." + b64([]byte(`{"a":1}`)) + "=." + parts[2], wantReason: "'=' padding", wantSegment: "payload"},
		{name: "header not JSON", in: b64([]byte("RS256")) + "." + parts[1] + "." + parts[2], wantReason: "header segment is not a JSON object (syntax error", wantSegment: "header"},
		{name: "header is array", in: b64([]byte(`["RS256"]`)) + "." + parts[1] + "." + parts[2], wantReason: "header segment is not a JSON object (it is a JSON array)", wantSegment: "header"},
		{name: "payload null", in: parts[0] + "." + b64([]byte("null")) + "." + parts[2], wantReason: "payload segment is not a JSON object", wantSegment: "payload"},
		{name: "payload trailing data", in: parts[0] + "." + b64([]byte(`{"a":1}{}`)) + "." + parts[2], wantReason: "data after the object", wantSegment: "payload"},
		{name: "payload truncated", in: parts[0] + "." + b64([]byte(`{"a":`)) + "." + parts[2], wantReason: "ends early", wantSegment: "payload"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := jwtinspect.Decode(tc.in)
			if !errors.Is(err, jwtinspect.ErrMalformed) {
				t.Fatalf("Decode(%q) = %v, %v; want an ErrMalformed error", tc.in, tok, err)
			}
			var me *jwtinspect.MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("Decode(%q) error %T; want *MalformedError", tc.in, err)
			}
			if !strings.Contains(me.Reason, tc.wantReason) || me.Segment != tc.wantSegment {
				t.Errorf("Decode(%q) = %q in segment %q; want %q in segment %q", tc.in, me.Reason, me.Segment, tc.wantReason, tc.wantSegment)
			}
			if !strings.HasPrefix(err.Error(), "jwtinspect: ") {
				t.Errorf("Decode(%q) error %q does not start with the package name", tc.in, err)
			}
			if len(tc.in) > 20 && strings.Contains(err.Error(), parts[1]) {
				t.Errorf("Decode(%q) error %q contains the token", tc.in, err)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	k := getKeys(t)
	tok := signRaw(t, jwt.SigningMethodRS256, k.rsa, hdrRS256,
		`{"iss":"https://issuer.example.com","sub":"user","aud":["a","b"],"exp":1632493867,"nbf":1632492967.5,"iat":1.632493567e9,`+
			`"https://aws.amazon.com/tags":{"principal_tags":{"Project":["Automation"]},"transitive_tag_keys":["Project"]},`+
			`"https://aws.amazon.com/source_identity":"alice","amr":["authenticated"],"big":12345678901234567890}`)
	tests := []struct {
		name, in, trimmed string
	}{
		{name: "bare", in: tok},
		{name: "trailing newline", in: tok + "\n", trimmed: "a trailing newline"},
		{name: "CRLF", in: tok + "\r\n", trimmed: "a trailing CRLF line ending"},
		{name: "leading spaces", in: "  " + tok, trimmed: `leading "  "`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := jwtinspect.Decode(tc.in)
			if err != nil {
				t.Fatalf("Decode(%q) = %v", tc.in, err)
			}
			if got.Raw != tok || strings.Join(got.Segments[:], ".") != tok || got.Trimmed != tc.trimmed {
				t.Errorf("Decode(%q): Raw/Segments/Trimmed = %q, %q; want the token and %q", tc.in, got.Raw, got.Trimmed, tc.trimmed)
			}
			if got.Header.Alg != "RS256" || got.Header.Kid != "k1" || got.Header.Typ != "JWT" {
				t.Errorf("Decode(%q).Header = %+v; want RS256, k1, JWT", tc.in, got.Header)
			}
			c := got.Claims
			if diff := cmp.Diff([]string{"a", "b"}, c.Audience); diff != "" {
				t.Errorf("Audience (-want +got):\n%s", diff)
			}
			if !c.ExpiresAt.Integer || c.ExpiresAt.Time.Unix() != 1632493867 || c.ExpiresAt.Raw != "1632493867" {
				t.Errorf("ExpiresAt = %+v; want integer 1632493867", c.ExpiresAt)
			}
			if c.NotBefore.Integer || c.NotBefore.Time.UnixMilli() != 1632492967500 {
				t.Errorf("NotBefore = %+v; want non-integer 1632492967.5", c.NotBefore)
			}
			if c.IssuedAt.Integer || c.IssuedAt.Time.Unix() != 1632493567 {
				t.Errorf("IssuedAt = %+v; want non-integer 1.632493567e9", c.IssuedAt)
			}
			wantTags := &jwtinspect.SessionTags{PrincipalTags: map[string][]string{"Project": {"Automation"}}, TransitiveTagKeys: []string{"Project"}}
			if diff := cmp.Diff(wantTags, c.Tags); diff != "" {
				t.Errorf("Tags (-want +got):\n%s", diff)
			}
			if c.SourceIdentity != "alice" || len(c.AMR) != 1 {
				t.Errorf("SourceIdentity, AMR = %q, %q", c.SourceIdentity, c.AMR)
			}
			if n, ok := got.RawClaims["big"].(json.Number); !ok || n != "12345678901234567890" {
				t.Errorf("RawClaims[big] = %#v; want json.Number 12345678901234567890", got.RawClaims["big"])
			}
			if len(got.Signature) != 256 {
				t.Errorf("len(Signature) = %d; want 256", len(got.Signature))
			}
		})
	}
}

func TestDecodeAlgNoneEmptySignature(t *testing.T) {
	in := unsigned(`{"alg":"none"}`, `{"iss":"https://x"}`)
	tok, err := jwtinspect.Decode(in)
	if err != nil {
		t.Fatalf("Decode(%q) = %v; want success", in, err)
	}
	if tok.Header.Alg != "none" || len(tok.Signature) != 0 || tok.Segments[2] != "" {
		t.Errorf("Decode(%q) = %+v; want alg none and no signature", in, tok)
	}
}

func TestUnwrap(t *testing.T) {
	good := unsigned(hdrRS256, claimsMin) + "c2ln"
	tests := []struct {
		name, in, wantMember string
		wantOK               bool
	}{
		{name: "GitHub", in: `{"count":1,"value":"` + good + `"}` + "\n", wantMember: "value", wantOK: true},
		{name: "Cognito-style", in: `{"IdToken":"` + good + `"}`, wantMember: "IdToken", wantOK: true},
		{name: "bare token", in: good},
		{name: "no token inside", in: `{"value":"hello"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, member, ok := jwtinspect.Unwrap(tc.in)
			if ok != tc.wantOK || member != tc.wantMember || (ok && tok != good) {
				t.Errorf("Unwrap(%q) = _, %q, %v; want %q, %v", tc.in, member, ok, tc.wantMember, tc.wantOK)
			}
		})
	}
}
