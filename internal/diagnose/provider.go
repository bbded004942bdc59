package diagnose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/rawsts/rawsts/jwtinspect"
	"github.com/rawsts/rawsts/sts"
	"github.com/rawsts/rawsts/trustpolicy"
)

// Provider is an IAM OIDC identity provider as `aws iam get-open-id-connect-provider` shows it.
type Provider struct {
	// ARN is the provider's ARN when known (IAM's output does not repeat it; --fetch and a
	// document with "Arn" or "OpenIDConnectProviderArn" do). It tells the provider's account.
	ARN string `json:"Arn,omitempty"`
	// URL is the issuer URL without https://, as IAM stores it.
	URL string `json:"Url"`
	// ClientIDs are the audiences the provider accepts (ClientIDList).
	ClientIDs []string `json:"ClientIDList"`
	// Thumbprints are the SHA-1 thumbprints of the IdP's top intermediate CA (ThumbprintList).
	Thumbprints []string `json:"ThumbprintList"`
	// ARNOnly says the provider is known by its ARN alone, from `aws iam
	// list-open-id-connect-providers` output: its ClientIDList and ThumbprintList are
	// unknown, so provider.audience and provider.thumbprint are skipped.
	ARNOnly bool `json:"-"`
}

// ErrNotProvider is matched by every error of [ParseProvider].
var ErrNotProvider = errors.New("diagnose: not an OIDC provider document")

// ParseProvider reads `aws iam get-open-id-connect-provider` output: a JSON object with Url,
// ClientIDList and ThumbprintList (CreateDate and Tags are ignored), optionally with Arn or
// OpenIDConnectProviderArn; or a JSON list of such objects; or `aws iam
// list-open-id-connect-providers` output, {"OpenIDConnectProviderList": [{"Arn": …}, …]},
// whose providers are known by ARN only (ARNOnly). A list, of either kind, that is empty
// means the account has no OIDC provider: the result is then empty but not nil, and
// provider.registered fails. Errors wrap [ErrNotProvider].
func ParseProvider(data []byte) ([]Provider, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var list struct {
			OpenIDConnectProviderList *[]struct{ Arn string }
		}
		if json.Unmarshal(data, &list) == nil && list.OpenIDConnectProviderList != nil {
			out := []Provider{}
			for i, e := range *list.OpenIDConnectProviderList {
				if providerAccount(e.Arn) == "" || strings.HasSuffix(e.Arn, "oidc-provider/") {
					return nil, fmt.Errorf("%w: OpenIDConnectProviderList item %d: Arn %q is not an OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/HOST)", ErrNotProvider, i, e.Arn)
				}
				url := strings.TrimPrefix(strings.SplitN(e.Arn, ":", 6)[5], "oidc-provider/")
				out = append(out, Provider{ARN: e.Arn, URL: url, ARNOnly: true})
			}
			return out, nil
		}
	}
	if len(data) > 0 && data[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, fmt.Errorf("%w: %s", ErrNotProvider, describeJSON(err))
		}
		out := []Provider{}
		for i, r := range raws {
			p, err := parseOneProvider(r)
			if err != nil {
				return nil, fmt.Errorf("%w (item %d)", err, i)
			}
			out = append(out, p)
		}
		return out, nil
	}
	p, err := parseOneProvider(data)
	if err != nil {
		return nil, err
	}
	return []Provider{p}, nil
}

func parseOneProvider(data []byte) (Provider, error) {
	var doc struct {
		Provider
		OpenIDConnectProviderArn string
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return Provider{}, fmt.Errorf("%w: %s", ErrNotProvider, describeJSON(err))
	}
	p := doc.Provider
	if p.ARN == "" {
		p.ARN = doc.OpenIDConnectProviderArn
	}
	if p.URL == "" {
		return Provider{}, fmt.Errorf("%w: no Url (want the output of aws iam get-open-id-connect-provider)", ErrNotProvider)
	}
	p.URL = trustpolicy.IssuerHost(p.URL)
	return p, nil
}

// describeJSON words a JSON decoding error for the report's reader, without Go's type names:
// "ClientIDList is a JSON string, where the provider document has a list".
func describeJSON(err error) string {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	want := map[reflect.Kind]string{reflect.String: "a string", reflect.Slice: "a list", reflect.Struct: "an object",
		reflect.Map: "an object", reflect.Int: "a number"}[typeErr.Type.Kind()]
	if want == "" {
		want = "another type"
	}
	field := typeErr.Field
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	if field == "" {
		return fmt.Sprintf("the document is a JSON %s, where a provider document is %s", typeErr.Value, want)
	}
	return fmt.Sprintf("%s is a JSON %s, where a provider document has %s", field, typeErr.Value, want)
}

// splitRoleARN returns the partition and account of a role ARN that sts accepts.
func splitRoleARN(arn string) (partition, account string, err error) {
	in := &sts.AssumeRoleWithWebIdentityInput{RoleArn: arn, RoleSessionName: "diagnose", WebIdentityToken: "xxxx"}
	if err := in.Validate(); err != nil {
		return "", "", err
	}
	parts := strings.SplitN(arn, ":", 6)
	return parts[1], parts[4], nil
}

// providerAccount returns the account of an oidc-provider ARN, "" if it is not one.
func providerAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[5], "oidc-provider/") {
		return ""
	}
	return parts[4]
}

// providers runs provider.arn, provider.registered, provider.audience and provider.thumbprint.
func (d *run) providers() {
	d.roleARN = d.in.RoleARN
	if d.roleARN == "" && d.policyDoc != nil && d.policyDoc.Role != nil {
		d.roleARN = d.policyDoc.Role.Arn
	}
	var roleProblem error
	if d.roleARN != "" {
		d.partition, d.account, roleProblem = splitRoleARN(d.roleARN)
	}
	if !d.tokenOK() || d.tok.Claims.Issuer == "" {
		for _, n := range []string{CheckProviderARN, CheckProviderReg, CheckProviderAud, CheckProviderThumb} {
			d.set(n, Skip, "the token has no issuer to look a provider up by", "")
		}
		return
	}
	iss := d.tok.Claims.Issuer
	host := trustpolicy.IssuerHost(iss)
	builtin := trustpolicy.BuiltinProvider(host)
	switch {
	case roleProblem != nil:
		var ie *sts.InputError
		msg := roleProblem.Error()
		if errors.As(roleProblem, &ie) {
			msg = ie.Problem
		}
		d.set(CheckProviderARN, Fail, "the role ARN is invalid: "+msg+" (STS: Request ARN is invalid)",
			"pass the role's ARN, arn:aws:iam::ACCOUNT:role/NAME, with no surrounding whitespace").cause = causeRoleARN
	case builtin:
		d.providerARN = host
		d.set(CheckProviderARN, Pass, fmt.Sprintf("%s is a provider IAM knows without an OIDC provider object; the principal is %q", iss, host), "")
	case d.account == "":
		d.set(CheckProviderARN, Warn, fmt.Sprintf("no role ARN, so the account is unknown: STS would look up %s", jwtinspect.ProviderARN(iss, "aws", "ACCOUNT")),
			"pass --role-arn (or get-role output) so the provider ARN and the principal can be checked")
	default:
		d.providerARN = jwtinspect.ProviderARN(iss, d.partition, d.account)
		d.fromFindings(CheckProviderARN, fmt.Sprintf("issuer %s → %s", iss, d.providerARN))
		if c := d.checks[CheckProviderARN]; c.Status == Warn {
			c.Detail = fmt.Sprintf("issuer %s → %s; the trailing '/' is part of the provider URL", iss, d.providerARN)
			c.Fix = "register the provider with exactly the issuer URL, trailing '/' included, and start condition keys with " + jwtinspect.ConditionKeyPrefix(iss) + ":"
		}
	}
	if builtin {
		d.set(CheckProviderReg, Pass, "built-in provider: nothing to register", "")
		d.notApplicable(CheckProviderAud, "built-in provider: no client ID list; the trust policy's "+host+":aud condition checks the audience")
		d.notApplicable(CheckProviderThumb, "built-in provider")
		return
	}
	d.registered(iss, host)
	d.audience()
	d.thumbprint(iss)
}

func (d *run) registered(iss, host string) {
	if d.in.Providers == nil {
		d.set(CheckProviderReg, Skip, "no provider documents (pass --provider FILE with `aws iam get-open-id-connect-provider` output, or --fetch)", "")
		return
	}
	ev := []string{fmt.Sprintf("%d provider(s) given", len(d.in.Providers))}
	var slash, otherAcct *Provider
	for i := range d.in.Providers {
		p := &d.in.Providers[i]
		ev = append(ev, "registered: "+orStr(p.ARN, p.URL))
		acct := providerAccount(p.ARN)
		switch {
		case p.URL == host && (acct == "" || d.account == "" || acct == d.account):
			d.provider = p
			d.set(CheckProviderReg, Pass, fmt.Sprintf("the account has a provider for %s", orStr(p.ARN, p.URL)), "")
			return
		case p.URL == host:
			otherAcct = p
		case strings.TrimSuffix(p.URL, "/") == strings.TrimSuffix(host, "/"):
			slash = p
		}
	}
	detail := "No OpenIDConnect provider found in your account for " + iss
	if len(d.in.Providers) == 0 {
		detail += " (the provider list given is empty: the account has no OIDC provider)"
	}
	fix := fmt.Sprintf("create it in the role's account: aws iam create-open-id-connect-provider --url %s --client-id-list %s", iss, orStr(firstOr(d.tok.Claims.Audience), "sts.amazonaws.com"))
	switch {
	case otherAcct != nil:
		detail = fmt.Sprintf("the provider %s is in account %s, but the role is in %s; STS looks only in the role's account", otherAcct.ARN, providerAccount(otherAcct.ARN), d.account)
		fix = fmt.Sprintf("create the provider in account %s (aws iam create-open-id-connect-provider --url %s …) and name it in the trust policy", d.account, iss)
	case slash != nil:
		detail = fmt.Sprintf("the token's iss %q and the provider URL %q differ only in a trailing '/', which STS does not ignore", iss, slash.URL)
		fix = fmt.Sprintf("register a provider whose URL is exactly %s (the iss claim, character for character)", iss)
	}
	d.set(CheckProviderReg, Fail, detail, fix, ev...)
}

func (d *run) audience() {
	if d.provider == nil {
		d.set(CheckProviderAud, Skip, "no registered provider to compare the audience with", "")
		return
	}
	if d.provider.ARNOnly {
		d.set(CheckProviderAud, Skip, "the provider is known by its ARN only (list-open-id-connect-providers output); pass its get-open-id-connect-provider output, or --fetch, to check the ClientIDList", "")
		return
	}
	aud := d.tok.Claims.Audience
	if len(aud) == 0 {
		d.set(CheckProviderAud, Skip, "the token has no aud to compare with the provider's ClientIDList", "")
		return
	}
	for _, a := range aud {
		for _, id := range d.provider.ClientIDs {
			if a == id {
				d.set(CheckProviderAud, Pass, fmt.Sprintf("aud %q is in the provider's ClientIDList", a), "")
				return
			}
		}
	}
	fix := fmt.Sprintf("request the token with an audience in the list, or add it: aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn %s --client-id %s",
		orStr(d.providerARN, "PROVIDER_ARN"), orStr(firstOr(aud), "AUD"))
	if isGitHub(d.tok.Claims.Issuer) {
		fix = "GitHub's default aud is the owner's URL: request audience sts.amazonaws.com (configure-aws-credentials does; with curl add &audience=sts.amazonaws.com to ACTIONS_ID_TOKEN_REQUEST_URL), or " +
			fmt.Sprintf("add %q to the provider's ClientIDList", firstOr(aud))
	}
	d.set(CheckProviderAud, Fail, fmt.Sprintf("Incorrect token audience: aud %s is not in the provider's ClientIDList %s", quoteList(aud), quoteList(d.provider.ClientIDs)), fix)
}

func (d *run) thumbprint(iss string) {
	if d.provider == nil {
		d.set(CheckProviderThumb, Skip, "no registered provider", "")
		return
	}
	if d.provider.ARNOnly {
		d.set(CheckProviderThumb, Skip, "the provider is known by its ARN only: its ThumbprintList is unknown", "")
		return
	}
	if d.in.SkipThumbprint {
		d.set(CheckProviderThumb, Skip, "not checked (the caller skipped the TLS connection; a thumbprint only ever warns)", "")
		return
	}
	if len(d.provider.Thumbprints) == 0 {
		d.set(CheckProviderThumb, Pass, "no thumbprints configured: AWS validates the IdP's certificate against its trusted root CAs", "")
		return
	}
	if !d.in.Verify {
		d.set(CheckProviderThumb, Skip, "not checked (pass --verify); thumbprints matter only when the IdP's certificate does not chain to a public root CA", "")
		return
	}
	v := d.in.Verifier
	if v == nil {
		v = &jwtinspect.Verifier{}
	}
	if v.KeySet != nil {
		d.set(CheckProviderThumb, Skip, "not checked: the keys came from "+orStr(v.KeySetSource, "the key set given")+", so no TLS connection to the issuer was made; thumbprints matter only when the IdP's certificate does not chain to a public root CA", "")
		return
	}
	tp, err := v.Thumbprint(d.ctx, iss)
	if err != nil {
		d.set(CheckProviderThumb, Warn, fmt.Sprintf("could not compute the thumbprint: %v", err), "")
		return
	}
	for _, t := range d.provider.Thumbprints {
		if strings.EqualFold(t, tp.SHA1) {
			d.set(CheckProviderThumb, Pass, fmt.Sprintf("thumbprint %s of %s is in ThumbprintList", tp.SHA1, tp.Host), "")
			return
		}
	}
	d.set(CheckProviderThumb, Warn, fmt.Sprintf("the JWKS host %s has thumbprint %s, not in ThumbprintList %s; STS fails with \"doesn't match configured thumbprint\" only if the certificate does not chain to a public root CA", tp.Host, tp.SHA1, quoteList(d.provider.Thumbprints)),
		fmt.Sprintf("aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn %s --thumbprint-list %s", orStr(d.providerARN, "PROVIDER_ARN"), tp.SHA1))
}

func orStr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func firstOr(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

func isGitHub(iss string) bool {
	return strings.HasPrefix(iss, "https://token.actions.githubusercontent.com") || strings.HasSuffix(iss, "/_services/token")
}
