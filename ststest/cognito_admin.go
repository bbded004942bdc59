package ststest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// The admin side of the emulated user pools (JSON 1.1, PROTOCOL.md §4): the calls a setup
// script makes to build a pool, its app clients and its users, and the self-service sign-up.
// The admin calls are SigV4-signed (service cognito-idp) and authorized with allowed
// (cognito-idp:OPERATION on the pool's ARN); SignUp, ConfirmSignUp and GetUser are unsigned,
// as on AWS. Every change goes through state.update: a pool made here has its issuer at once,
// and its clients' ExplicitAuthFlows and its users are the ones the logins read.

// ConfirmationCode is the code ConfirmSignUp takes for every user SignUp created: the emulator
// sends no email and no SMS, so the code Cognito would deliver is this fixed one, emulator only
// (AdminConfirmSignUp, signed, confirms a user without a code, as on AWS).
const ConfirmationCode = "123456"

// cognitoCall is one admin or sign-up call being served.
type cognitoCall struct {
	c          *cognitoEmulator
	r          *http.Request
	body       []byte
	op         string
	caller     identity // the signer of a signed call
	who        string   // the principal the event log names
	now        time.Time
	authorized bool
	resource   string // what the log names: userpool/ID, client/ID, "*" (set by authorize)
	detail     string // what the call did, for the event log (never a secret)
}

// cognitoAdminOps are the operations of this file, and whether each is signed.
var cognitoAdminOps = map[string]struct {
	signed bool
	run    func(q *cognitoCall) (any, *cognitoError)
}{
	"CreateUserPool":       {true, (*cognitoCall).createUserPool},
	"CreateUserPoolClient": {true, (*cognitoCall).createUserPoolClient},
	"AdminCreateUser":      {true, (*cognitoCall).adminCreateUser},
	"AdminSetUserPassword": {true, (*cognitoCall).adminSetUserPassword},
	"AdminConfirmSignUp":   {true, (*cognitoCall).adminConfirmSignUp},
	"AdminGetUser":         {true, (*cognitoCall).adminGetUser},
	"ListUsers":            {true, (*cognitoCall).listUsers},
	"SignUp":               {false, (*cognitoCall).signUp},
	"ConfirmSignUp":        {false, (*cognitoCall).confirmSignUp},
	"GetUser":              {false, (*cognitoCall).getUser},
}

// admin serves one operation of cognitoAdminOps: signature and authorization for the signed
// ones, the operation, and the event.
func (c *cognitoEmulator) admin(r *http.Request, body []byte, op string) (any, *cognitoError) {
	spec := cognitoAdminOps[op]
	q := &cognitoCall{c: c, r: r, body: body, op: op, now: c.now().UTC()}
	var names struct{ UserPoolId, ClientId string }
	json.Unmarshal(body, &names) // for the log only; the operation reads and checks its input
	switch {
	case names.UserPoolId != "":
		q.resource = "userpool/" + names.UserPoolId
	case names.ClientId != "":
		q.resource = "client/" + names.ClientId
	}
	out, cerr := q.serve(spec.signed, spec.run)
	ev := Event{Time: q.now, Service: "cognito-idp", Action: op, Resource: q.resource, Principal: q.who, Decision: "allow", Detail: q.detail}
	if cerr != nil {
		ev.Decision, ev.Code, ev.Detail = "deny", cerr.typ, cerr.message
	}
	c.log(ev)
	return out, cerr
}

func (q *cognitoCall) serve(signed bool, run func(q *cognitoCall) (any, *cognitoError)) (any, *cognitoError) {
	if signed {
		var in struct{ UserPoolId string }
		json.Unmarshal(q.body, &in) // a body that is not JSON is the operation's to refuse
		if cpUserPoolID.check(in.UserPoolId, true) != nil {
			in.UserPoolId = "" // no region to require: the operation refuses the id
		}
		caller, cerr := q.c.verifySignature(q.r, q.body, in.UserPoolId)
		if cerr != nil {
			return nil, cerr
		}
		q.caller, q.who = caller, caller.arn
	}
	out, cerr := run(q)
	if cerr == nil && signed && !q.authorized {
		return nil, &cognitoError{http.StatusInternalServerError, "InternalErrorException", "ststest: " + q.op + " answered without authorizing the call"}
	}
	return out, cerr
}

// decode reads the call's JSON input into in.
func (q *cognitoCall) decode(in any) *cognitoError {
	if err := json.Unmarshal(q.body, in); err != nil {
		return &cognitoError{http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected."}
	}
	return nil
}

// authorize is a signed call's authorization step: cognito-idp:OPERATION on the pool's ARN
// (arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID), or on "*" for CreateUserPool. A
// refusal is AccessDeniedException (400) "User: ARN is not authorized to perform:
// cognito-idp:OPERATION on resource: ARN because …" (the form of AWS's AccessDenied messages;
// Cognito's exact text is unverified).
func (q *cognitoCall) authorize(resource string) *cognitoError {
	q.authorized = true
	if q.resource == "" {
		q.resource = arnResource(resource)
	}
	action := "cognito-idp:" + q.op
	if ok, reason := q.c.allowed(q.r, q.caller, action, resource); !ok {
		return &cognitoError{http.StatusBadRequest, "AccessDeniedException",
			fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because %s", q.caller.arn, action, resource, reason)}
	}
	return nil
}

// poolARN is the ARN of a user pool of the state's account.
func (q *cognitoCall) poolARN(id string) string {
	region, _, _ := strings.Cut(id, "_")
	return "arn:aws:cognito-idp:" + region + ":" + q.c.state.view().account + ":userpool/" + id
}

// The model's constraints on the members read here (botocore cognito-idp/2016-04-18), with
// Cognito's validation wording (the core's for ClientId): "1 validation error detected: Value
// 'X' at 'member' failed to satisfy constraint: Member must …". Sensitive members (passwords)
// are named without their value, as AWS does.
type cognitoParam struct {
	member    string // the message's name: userPoolId
	min, max  int
	pattern   func() *regexp.Regexp // nil for none
	patText   string
	sensitive bool
}

func cogParam(member string, min, max int, pattern string, sensitive bool) cognitoParam {
	p := cognitoParam{member: member, min: min, max: max, patText: pattern, sensitive: sensitive}
	if pattern != "" {
		// Compiled when first needed: every rawsts command links the emulator, and compiling
		// these (Unicode classes among them) at start-up cost each one milliseconds.
		p.pattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:` + pattern + `)$`) })
	}
	return p
}

var (
	cpUserPoolID = cogParam("userPoolId", 1, 55, `[\w-]+_[0-9a-zA-Z]+`, false)
	cpPoolName   = cogParam("poolName", 1, 128, `[\w\s+=,.@-]+`, false)
	cpClientName = cogParam("clientName", 1, 128, `[\w\s+=,.@-]+`, false)
	cpClientID   = cogParam("clientId", 1, 128, `[\w+]+`, false)
	cpUsername   = cogParam("username", 1, 128, `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, true)
	cpPassword   = cogParam("password", 1, 256, `[\S]+`, true)
	cpCode       = cogParam("confirmationCode", 1, 2048, `[\S]+`, false)
	cpAttrName   = cogParam("userAttributes.member.name", 1, 32, `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, false)
)

// check validates v, or refuses it with InvalidParameterException; required says that an
// empty value is missing (null) rather than short.
func (p cognitoParam) check(v string, required bool) *cognitoError {
	value := "Value '" + v + "'"
	if p.sensitive {
		value = "Value"
	}
	n := utf8.RuneCountInString(v)
	switch {
	case v == "" && required:
		return invalidParameter("1 validation error detected: Value null at '" + p.member + "' failed to satisfy constraint: Member must not be null")
	case v == "":
		return nil
	case n < p.min:
		return invalidParameter(fmt.Sprintf("1 validation error detected: %s at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", value, p.member, p.min))
	case n > p.max:
		return invalidParameter(fmt.Sprintf("1 validation error detected: %s at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", value, p.member, p.max))
	case p.pattern != nil && !p.pattern().MatchString(v):
		return invalidParameter(fmt.Sprintf("1 validation error detected: %s at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", value, p.member, p.patText))
	}
	return nil
}

func resourceNotFound(format string, args ...any) *cognitoError {
	return &cognitoError{http.StatusBadRequest, "ResourceNotFoundException", fmt.Sprintf(format, args...)}
}

var errUserNotFound = &cognitoError{http.StatusBadRequest, "UserNotFoundException", "User does not exist."}

// pool checks a UserPoolId and returns the pool it names, authorizing the call on it.
func (q *cognitoCall) pool(id string) (*poolView, *cognitoError) {
	if cerr := cpUserPoolID.check(id, true); cerr != nil {
		return nil, cerr
	}
	if cerr := q.authorize(q.poolARN(id)); cerr != nil {
		return nil, cerr
	}
	p := q.c.state.view().pools[id]
	if p == nil {
		return nil, resourceNotFound("User pool %s does not exist.", id)
	}
	return p, nil
}

// update changes the pool id of the state; a config the change made invalid is refused with
// InvalidParameterException in the emulator's words.
func (q *cognitoCall) update(id string, change func(p *UserPool) *cognitoError) *cognitoError {
	var cerr *cognitoError
	err := q.c.state.update(func(c *Config) error {
		for i := range c.UserPools {
			if c.UserPools[i].ID == id {
				if cerr = change(&c.UserPools[i]); cerr != nil {
					return cerr
				}
				return nil
			}
		}
		cerr = resourceNotFound("User pool %s does not exist.", id)
		return cerr
	})
	var ce *ConfigError
	switch {
	case cerr != nil:
		return cerr
	case errors.As(err, &ce):
		return invalidParameter(ce.Problem + " (the emulator's check; Cognito's message for this case is not known)")
	case err != nil:
		return invalidParameter(err.Error())
	}
	return nil
}

// updateUser changes the user username of pool id; a user that does not exist is
// UserNotFoundException.
func (q *cognitoCall) updateUser(id, username string, change func(u *PoolUser) *cognitoError) *cognitoError {
	return q.update(id, func(p *UserPool) *cognitoError {
		for i := range p.Users {
			if p.Users[i].Username == username {
				return change(&p.Users[i])
			}
		}
		return errUserNotFound
	})
}

// epoch is a Cognito timestamp: seconds since 1970 as a JSON number (awsJson's default).
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// dateOf is a config date as an epoch, or the server's start when the config gives none.
func (q *cognitoCall) dateOf(s string) float64 {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return epoch(t)
	}
	return epoch(q.c.started)
}

// The password policy.

// defaultPasswordPolicy is Cognito's default: 8 characters with upper and lower case letters,
// a number and a symbol; temporary passwords valid 7 days.
var defaultPasswordPolicy = PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
	RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7}

// policyOf is a pool's password policy, Cognito's default when it has none.
func policyOf(p *UserPool) PasswordPolicy {
	if p.Policies == nil || p.Policies.PasswordPolicy == nil {
		return defaultPasswordPolicy
	}
	pp := *p.Policies.PasswordPolicy
	if pp.MinimumLength == 0 {
		pp.MinimumLength = defaultPasswordPolicy.MinimumLength
	}
	return pp
}

// passwordSymbols are the characters Cognito counts as symbols (Cognito Developer Guide, "Password
// requirements"); a space counts when it is neither first nor last.
const passwordSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"

// problem returns what a password lacks under the policy, in Cognito's words ("Password not long
// enough", "Password must have uppercase characters" …; seen in public traces), or "". Letters are
// judged with Unicode's cases, digits as 0–9 (which non-ASCII characters Cognito counts is not
// documented).
func (pp PasswordPolicy) problem(pw string) string {
	var upper, lower, digit, symbol bool
	for i, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(passwordSymbols, r), r == ' ' && i > 0 && i < len(pw)-1:
			symbol = true
		}
	}
	switch {
	case utf8.RuneCountInString(pw) < pp.MinimumLength:
		return "Password not long enough"
	case pp.RequireUppercase && !upper:
		return "Password must have uppercase characters"
	case pp.RequireLowercase && !lower:
		return "Password must have lowercase characters"
	case pp.RequireNumbers && !digit:
		return "Password must have numeric characters"
	case pp.RequireSymbols && !symbol:
		return "Password must have symbol characters"
	}
	return ""
}

// checkPassword refuses a password the pool's policy does not allow: InvalidPasswordException
// "Password did not conform with password policy: REASON" (the admin calls' wording, seen on
// the wire for AdminCreateUser) or, with selfService (SignUp, a new password), "Password did
// not conform with policy: REASON" (the wording reported for SignUp; unverified).
func checkPassword(p *UserPool, pw string, selfService bool) *cognitoError {
	if cerr := cpPassword.check(pw, true); cerr != nil {
		return cerr
	}
	why := policyOf(p).problem(pw)
	if why == "" {
		return nil
	}
	prefix := "Password did not conform with password policy: "
	if selfService {
		prefix = "Password did not conform with policy: "
	}
	return &cognitoError{http.StatusBadRequest, "InvalidPasswordException", prefix + why}
}

// poolPolicyCheck checks a password against the policy of the pool id as the state holds it.
func (c *cognitoEmulator) poolPolicyCheck(id, pw string, selfService bool) *cognitoError {
	var cerr *cognitoError
	c.state.read(func(cfg *Config) {
		for i := range cfg.UserPools {
			if cfg.UserPools[i].ID == id {
				cerr = checkPassword(&cfg.UserPools[i], pw, selfService)
			}
		}
	})
	return cerr
}

// Random ids of Cognito's shapes.
const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + lowerAlnum
)

func randomString(n int, alphabet string) string {
	b := randomBytes(n)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// The operations.

func (q *cognitoCall) createUserPool() (any, *cognitoError) {
	var in struct {
		PoolName           string
		Policies           *UserPoolPolicies
		UsernameAttributes []string
		AliasAttributes    []string
	}
	if cerr := q.decode(&in); cerr != nil {
		return nil, cerr
	}
	if cerr := cpPoolName.check(in.PoolName, true); cerr != nil {
		return nil, cerr
	}
	if len(in.UsernameAttributes) > 0 || len(in.AliasAttributes) > 0 {
		// Signing in with an email or phone number instead of the username is not emulated:
		// refused rather than ignored, so that no script believes it works.
		return nil, invalidParameter("the emulator does not implement UsernameAttributes or AliasAttributes: users sign in with their username")
	}
	pp := defaultPasswordPolicy
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		pp = *in.Policies.PasswordPolicy
		if pp.MinimumLength == 0 {
			pp.MinimumLength = defaultPasswordPolicy.MinimumLength
		}
		if pp.TemporaryPasswordValidityDays == 0 {
			pp.TemporaryPasswordValidityDays = defaultPasswordPolicy.TemporaryPasswordValidityDays
		}
	}
	if cerr := q.authorize("*"); cerr != nil {
		return nil, cerr
	}
	v := q.c.state.view()
	pool := UserPool{ID: v.region + "_" + randomString(9, alnum), Name: in.PoolName,
		Policies: &UserPoolPolicies{PasswordPolicy: &pp}, CreationDate: q.now.Format(time.RFC3339)}
	err := q.c.state.update(func(c *Config) error {
		c.UserPools = append(c.UserPools, pool)
		return nil
	})
	var ce *ConfigError
	if errors.As(err, &ce) {
		return nil, invalidParameter(ce.Problem + " (the emulator's check)")
	}
	q.detail = "created user pool " + pool.ID
	return map[string]any{"UserPool": map[string]any{
		"Id": pool.ID, "Name": pool.Name, "Arn": q.poolARN(pool.ID), "Policies": map[string]any{"PasswordPolicy": pp},
		"CreationDate": epoch(q.now), "LastModifiedDate": epoch(q.now), "MfaConfiguration": "OFF", "EstimatedNumberOfUsers": 0,
	}}, nil
}

// defaultAuthFlows are a new app client's flows when CreateUserPoolClient names none (the API
// reference: "ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH").
var defaultAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}

func (q *cognitoCall) createUserPoolClient() (any, *cognitoError) {
	var in struct {
		UserPoolId        string
		ClientName        string
		GenerateSecret    bool
		ExplicitAuthFlows []string
	}
	if cerr := q.decode(&in); cerr != nil {
		return nil, cerr
	}
	if cerr := cpClientName.check(in.ClientName, true); cerr != nil {
		return nil, cerr
	}
	flows := in.ExplicitAuthFlows
	if flows == nil {
		flows = defaultAuthFlows
	}
	for _, f := range flows {
		if !oneOf(f, authFlows) {
			// The legacy values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH)
			// are not emulated; Cognito's own refusal of an unknown value is its enum check.
			return nil, invalidParameter(fmt.Sprintf("1 validation error detected: Value '[%s]' at 'explicitAuthFlows' failed to satisfy constraint: "+
				"Member must satisfy enum value set: [%s] (the emulator takes the ALLOW_ values only)", f, strings.Join(authFlows, ", ")))
		}
	}
	if _, cerr := q.pool(in.UserPoolId); cerr != nil {
		return nil, cerr
	}
	cl := UserPoolClient{ClientID: randomString(26, lowerAlnum), ClientName: in.ClientName, ExplicitAuthFlows: flows,
		CreationDate: q.now.Format(time.RFC3339)}
	if in.GenerateSecret {
		cl.ClientSecret = randomString(51, lowerAlnum)
	}
	if cerr := q.update(in.UserPoolId, func(p *UserPool) *cognitoError {
		p.Clients = append(p.Clients, cl)
		return nil
	}); cerr != nil {
		return nil, cerr
	}
	q.detail = "created app client " + cl.ClientID + " of " + in.UserPoolId
	out := map[string]any{"UserPoolId": in.UserPoolId, "ClientName": cl.ClientName, "ClientId": cl.ClientID,
		"ExplicitAuthFlows": flows, "CreationDate": epoch(q.now), "LastModifiedDate": epoch(q.now),
		"RefreshTokenValidity": 30, "AllowedOAuthFlowsUserPoolClient": false}
	if cl.ClientSecret != "" {
		out["ClientSecret"] = cl.ClientSecret // returned here, to the caller that asked for it
	}
	return map[string]any{"UserPoolClient": out}, nil
}

func oneOf(v string, list []string) bool {
	for _, l := range list {
		if v == l {
			return true
		}
	}
	return false
}
