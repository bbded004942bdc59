package ststest

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The users of the emulated user pools: the admin calls that make and change them, ListUsers,
// and the self-service SignUp, ConfirmSignUp and GetUser.

// attribute is one of a user's attributes on the wire.
type attribute struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// attributesOf lists a user's attributes as Cognito returns them: sub first, then the others
// by name; only those named in only when it is not empty.
func attributesOf(poolID string, u PoolUser, only []string) []attribute {
	all := []attribute{{"sub", uuidFrom(poolID + "/" + u.Username)}}
	for _, k := range sortedKeys(u.Attributes) {
		all = append(all, attribute{k, u.Attributes[k]})
	}
	if len(only) == 0 {
		return all
	}
	var out []attribute
	for _, a := range all {
		for _, o := range only {
			if a.Name == o {
				out = append(out, a)
			}
		}
	}
	return out
}

// userStatus is a user's UserStatus on the wire.
func userStatus(u PoolUser) string {
	if u.Status == "" {
		return "CONFIRMED"
	}
	return u.Status
}

// userType is Cognito's UserType: what AdminCreateUser and ListUsers return for a user.
func (q *cognitoCall) userType(poolID string, u PoolUser, only []string) map[string]any {
	created := q.dateOf(u.UserCreateDate)
	return map[string]any{"Username": u.Username, "Attributes": attributesOf(poolID, u, only), "UserCreateDate": created,
		"UserLastModifiedDate": created, "Enabled": true, "UserStatus": userStatus(u)}
}

// attributesIn reads UserAttributes: names of 1–32 characters, sub and cognito:* refused (the
// pool sets them), each name once.
func attributesIn(list []attribute) (map[string]string, *cognitoError) {
	out := map[string]string{}
	for _, a := range list {
		if cerr := cpAttrName.check(a.Name, true); cerr != nil {
			return nil, cerr
		}
		if a.Name == "sub" || strings.HasPrefix(a.Name, "cognito:") {
			// Cognito refuses to set these; its wording is not documented.
			return nil, invalidParameter("Attribute " + a.Name + " is set by the user pool and cannot be given")
		}
		if _, dup := out[a.Name]; dup {
			return nil, invalidParameter("Duplicate attribute " + a.Name) // Cognito's wording unverified
		}
		out[a.Name] = a.Value
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (q *cognitoCall) adminCreateUser() (any, *cognitoError) {
	var in struct {
		UserPoolId        string
		Username          string
		UserAttributes    []attribute
		TemporaryPassword string
		MessageAction     string
	}
	if cerr := q.decode(&in); cerr != nil {
		return nil, cerr
	}
	if cerr := cpUsername.check(in.Username, true); cerr != nil {
		return nil, cerr
	}
	attrs, cerr := attributesIn(in.UserAttributes)
	if cerr != nil {
		return nil, cerr
	}
	if in.MessageAction != "" && in.MessageAction != "SUPPRESS" && in.MessageAction != "RESEND" {
		return nil, invalidParameter(fmt.Sprintf("1 validation error detected: Value '%s' at 'messageAction' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [RESEND, SUPPRESS]", in.MessageAction))
	}
	p, cerr := q.pool(in.UserPoolId)
	if cerr != nil {
		return nil, cerr
	}
	temp := in.TemporaryPassword
	if temp != "" {
		if cerr := q.c.poolPolicyCheck(p.id, temp, false); cerr != nil {
			return nil, cerr
		}
	} else {
		// Cognito makes a temporary password and mails it; the emulator mails nothing, so the
		// user can sign in only once AdminSetUserPassword gives them a password.
		temp = randomString(20, alnum) + "-Aa1"
	}
	var user PoolUser
	cerr = q.update(p.id, func(pool *UserPool) *cognitoError {
		for i := range pool.Users {
			u := &pool.Users[i]
			if u.Username != in.Username {
				continue
			}
			if in.MessageAction != "RESEND" {
				return &cognitoError{http.StatusBadRequest, "UsernameExistsException", "User account already exists"}
			}
			if u.Status != StatusForceChangePassword {
				// Cognito's wording unverified.
				return &cognitoError{http.StatusBadRequest, "UnsupportedUserStateException", "Resend not possible. " + u.Username + " status is not FORCE_CHANGE_PASSWORD"}
			}
			u.Password = temp
			user = *u
			return nil
		}
		if in.MessageAction == "RESEND" {
			return errUserNotFound
		}
		user = PoolUser{Username: in.Username, Password: temp, Attributes: attrs, Status: StatusForceChangePassword, UserCreateDate: q.now.Format(time.RFC3339)}
		pool.Users = append(pool.Users, user)
		return nil
	})
	if cerr != nil {
		return nil, cerr
	}
	q.detail = "created user " + strconv.Quote(in.Username) + " in " + p.id + " (FORCE_CHANGE_PASSWORD)"
	return map[string]any{"User": q.userType(p.id, user, nil)}, nil
}

func (q *cognitoCall) adminSetUserPassword() (any, *cognitoError) {
	var in struct {
		UserPoolId string
		Username   string
		Password   string
		Permanent  bool
	}
	if cerr := q.decode(&in); cerr != nil {
		return nil, cerr
	}
	if cerr := cpUsername.check(in.Username, true); cerr != nil {
		return nil, cerr
	}
	if cerr := cpPassword.check(in.Password, true); cerr != nil {
		return nil, cerr
	}
	p, cerr := q.pool(in.UserPoolId)
	if cerr != nil {
		return nil, cerr
	}
	if _, ok := p.users[in.Username]; !ok {
		return nil, errUserNotFound
	}
	if cerr := q.c.poolPolicyCheck(p.id, in.Password, false); cerr != nil {
		return nil, cerr
	}
	status := StatusForceChangePassword
	if in.Permanent {
		status = "" // CONFIRMED
	}
	q.detail = fmt.Sprintf("password of %q in %s set (permanent %v)", in.Username, p.id, in.Permanent)
	return map[string]any{}, q.updateUser(p.id, in.Username, func(u *PoolUser) *cognitoError {
		u.Password, u.Status = in.Password, status
		return nil
	})
}

// poolUser reads the UserPoolId and Username of a call that names nothing else and returns
// the pool, authorized on.
func (q *cognitoCall) poolUser() (*poolView, string, *cognitoError) {
	var in struct{ UserPoolId, Username string }
	if cerr := q.decode(&in); cerr != nil {
		return nil, "", cerr
	}
	if cerr := cpUsername.check(in.Username, true); cerr != nil {
		return nil, "", cerr
	}
	p, cerr := q.pool(in.UserPoolId)
	return p, in.Username, cerr
}

func (q *cognitoCall) adminConfirmSignUp() (any, *cognitoError) {
	p, username, cerr := q.poolUser()
	if cerr != nil {
		return nil, cerr
	}
	q.detail = fmt.Sprintf("confirmed %q in %s", username, p.id)
	return map[string]any{}, q.updateUser(p.id, username, confirm)
}

// confirm makes an UNCONFIRMED user CONFIRMED; a user in another status cannot be confirmed
// (NotAuthorizedException "User cannot be confirmed. Current status is STATUS", the wording
// reported for ConfirmSignUp; unverified).
func confirm(u *PoolUser) *cognitoError {
	if u.Status != "UNCONFIRMED" {
		return notAuthorized("User cannot be confirmed. Current status is " + userStatus(*u))
	}
	u.Status = ""
	return nil
}

func (q *cognitoCall) adminGetUser() (any, *cognitoError) {
	p, username, cerr := q.poolUser()
	if cerr != nil {
		return nil, cerr
	}
	u, ok := p.users[username]
	if !ok {
		return nil, errUserNotFound
	}
	out := q.userType(p.id, u, nil)
	out["UserAttributes"] = out["Attributes"]
	delete(out, "Attributes")
	return out, nil
}

// listFilter is ListUsers' Filter: `NAME = "VALUE"` (exact) or `NAME ^= "VALUE"` (prefix),
// quotes in VALUE escaped with a backslash, on one of the searchable attributes.
var listFilter = regexp.MustCompile(`^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

// searchable are the attributes ListUsers filters on (the API reference).
var searchable = []string{"username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username", "cognito:user_status", "status", "sub"}

func (q *cognitoCall) listUsers() (any, *cognitoError) {
	var in struct {
		UserPoolId      string
		AttributesToGet []string
		Limit           *int
		PaginationToken string
		Filter          string
	}
	if cerr := q.decode(&in); cerr != nil {
		return nil, cerr
	}
	limit := 60
	if in.Limit != nil {
		if *in.Limit < 0 || *in.Limit > 60 {
			return nil, invalidParameter(fmt.Sprintf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60", *in.Limit))
		}
		if *in.Limit > 0 {
			limit = *in.Limit
		}
	}
	var match func(poolID string, u PoolUser) bool
	if strings.TrimSpace(in.Filter) != "" {
		m := listFilter.FindStringSubmatch(in.Filter)
		if m == nil || !oneOf(m[1], searchable) {
			return nil, invalidParameter("Error while parsing filter.") // Cognito's wording unverified
		}
		name, prefix := m[1], m[2] == "^="
		want := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[3])
		match = func(poolID string, u PoolUser) bool {
			var got string
			switch name {
			case "username":
				got = u.Username
			case "cognito:user_status":
				got, want = strings.ToUpper(userStatus(u)), strings.ToUpper(want)
			case "status":
				got = "Enabled"
			case "sub":
				got = uuidFrom(poolID + "/" + u.Username)
			default:
				got = u.Attributes[name]
			}
			if prefix {
				return strings.HasPrefix(got, want)
			}
			return got == want
		}
	}
	start := 0
	if in.PaginationToken != "" {
		// The token is the emulator's own: the position of the next user.
		n, err := strconv.Atoi(in.PaginationToken)
		if err != nil || n <= 0 {
			return nil, invalidParameter("Invalid pagination token") // Cognito's wording unverified
		}
		start = n
	}
	if _, cerr := q.pool(in.UserPoolId); cerr != nil {
		return nil, cerr
	}
	users := []map[string]any{}
	next := ""
	q.c.state.read(func(c *Config) {
		for _, p := range c.UserPools {
			if p.ID != in.UserPoolId {
				continue
			}
			for i := start; i < len(p.Users); i++ {
				u := p.Users[i]
				if match != nil && !match(p.ID, u) {
					continue
				}
				if len(users) == limit {
					next = strconv.Itoa(i)
					return
				}
				users = append(users, q.userType(p.ID, u, in.AttributesToGet))
			}
		}
	})
	out := map[string]any{"Users": users}
	if next != "" {
		out["PaginationToken"] = next
	}
	return out, nil
}

// signUpInput is what SignUp and ConfirmSignUp read.
type signUpInput struct {
	ClientId         string
	SecretHash       string
	Username         string
	Password         string
	ConfirmationCode string
	UserAttributes   []attribute
}

// client reads an unsigned call's ClientId and Username and checks its SecretHash: it returns
// the pool of the client.
func (q *cognitoCall) client(in *signUpInput) (*poolView, *cognitoError) {
	if cerr := q.decode(in); cerr != nil {
		return nil, cerr
	}
	q.who = "client " + in.ClientId + " user " + strconv.Quote(in.Username)
	if cerr := cpClientID.check(in.ClientId, true); cerr != nil {
		return nil, cerr
	}
	if cerr := cpUsername.check(in.Username, true); cerr != nil {
		return nil, cerr
	}
	p, cerr := q.c.lookupClient("", in.ClientId, false)
	if cerr != nil {
		return nil, cerr
	}
	return p, checkSecretHash(p, in.ClientId, in.Username, in.SecretHash)
}

func (q *cognitoCall) signUp() (any, *cognitoError) {
	var in signUpInput
	p, cerr := q.client(&in)
	if cerr != nil {
		return nil, cerr
	}
	attrs, cerr := attributesIn(in.UserAttributes)
	if cerr != nil {
		return nil, cerr
	}
	if _, exists := p.users[in.Username]; exists {
		return nil, &cognitoError{http.StatusBadRequest, "UsernameExistsException", "User already exists"}
	}
	if cerr := q.c.poolPolicyCheck(p.id, in.Password, true); cerr != nil {
		return nil, cerr
	}
	if cerr := q.update(p.id, func(pool *UserPool) *cognitoError {
		for _, u := range pool.Users {
			if u.Username == in.Username { // signed up meanwhile
				return &cognitoError{http.StatusBadRequest, "UsernameExistsException", "User already exists"}
			}
		}
		pool.Users = append(pool.Users, PoolUser{Username: in.Username, Password: in.Password, Attributes: attrs,
			Status: "UNCONFIRMED", UserCreateDate: q.now.Format(time.RFC3339)})
		return nil
	}); cerr != nil {
		return nil, cerr
	}
	q.detail = fmt.Sprintf("signed up %q in %s (UNCONFIRMED; the confirmation code is ststest.ConfirmationCode)", in.Username, p.id)
	out := map[string]any{"UserConfirmed": false, "UserSub": uuidFrom(p.id + "/" + in.Username)}
	if email := attrs["email"]; email != "" {
		// Where Cognito would send the code. Its masking of the address is not documented;
		// the emulator shows the first letter of each part.
		local, domain, _ := strings.Cut(email, "@")
		out["CodeDeliveryDetails"] = map[string]string{"Destination": first(local) + "***@" + first(domain) + "***",
			"DeliveryMedium": "EMAIL", "AttributeName": "email"}
	}
	return out, nil
}

func first(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

func (q *cognitoCall) confirmSignUp() (any, *cognitoError) {
	var in signUpInput
	p, cerr := q.client(&in)
	if cerr != nil {
		return nil, cerr
	}
	if cerr := cpCode.check(in.ConfirmationCode, true); cerr != nil {
		return nil, cerr
	}
	if _, ok := p.users[in.Username]; !ok {
		return nil, errUserNotFound
	}
	if in.ConfirmationCode != ConfirmationCode {
		return nil, &cognitoError{http.StatusBadRequest, "CodeMismatchException", "Invalid verification code provided, please try again."}
	}
	q.detail = fmt.Sprintf("confirmed %q in %s", in.Username, p.id)
	return map[string]any{}, q.updateUser(p.id, in.Username, confirm)
}

func (q *cognitoCall) getUser() (any, *cognitoError) {
	var in struct{ AccessToken string }
	if cerr := q.decode(&in); cerr != nil {
		return nil, cerr
	}
	if in.AccessToken == "" {
		return nil, invalidParameter("1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null")
	}
	p, username, cerr := q.c.accessToken(in.AccessToken, q.now)
	if cerr != nil {
		return nil, cerr
	}
	q.who = p.id + " user " + strconv.Quote(username)
	u, ok := p.users[username]
	if !ok {
		return nil, errUserNotFound
	}
	return map[string]any{"Username": u.Username, "UserAttributes": attributesOf(p.id, u, nil)}, nil
}

// accessToken verifies an access token as Cognito does for GetUser: signed (RS256) by the key
// of one of the emulator's pools, token_use access, not expired, issued to a client the pool
// still has. It returns the pool and the token's username. Any failure is
// NotAuthorizedException "Invalid Access Token", an expired token "Access Token has expired".
func (c *cognitoEmulator) accessToken(token string, now time.Time) (*poolView, string, *cognitoError) {
	invalid := notAuthorized("Invalid Access Token")
	unverified, _, err := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
	if err != nil {
		return nil, "", invalid
	}
	iss, _ := unverified.Claims.GetIssuer()
	var pool *poolView
	for _, p := range c.state.view().pools {
		if iss != "" && p.issuer.URL == iss {
			pool = p
		}
	}
	if pool == nil {
		return nil, "", invalid
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return pool.issuer.PublicKey(), nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired(), jwt.WithIssuer(iss))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, "", notAuthorized("Access Token has expired")
	case err != nil:
		return nil, "", invalid
	}
	clientID, _ := claims["client_id"].(string)
	username, _ := claims["username"].(string)
	if _, known := pool.clients[clientID]; claims["token_use"] != "access" || !known || username == "" {
		return nil, "", invalid
	}
	return pool, username, nil
}
