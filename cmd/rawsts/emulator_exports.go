package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/rawsts/rawsts/ststest"
)

// exports are the settings `rawsts emulator` prints on standard output as `export NAME=VALUE`
// lines a shell can eval or source: where the emulator listens and what to log in with. The
// secrets among them (RAWSTS_PASSWORD, RAWSTS_ADMIN_SECRET_ACCESS_KEY) are the emulator's own
// EXAMPLE values, printed because printing them is this output's job; standard error never
// shows them.
type exports struct {
	vars [][2]string // name, value, in order
	// what the names stand for, for the banner: "" when the config has none
	poolID, clientID, username, roleArn, adminKey string
	identityPoolID                                string
	page                                          string // the --ui page's address, "" without it
}

// exportsOf chooses the values from the running state c: the first user pool and its first
// app client, the first --cognito-user (else the pool's first confirmed user), the role that
// trusts the pool's issuer (else the first role), the first identity pool and the first IAM
// user's first access key.
// A name the state has nothing for is left out.
func exportsOf(srv *ststest.Server, c ststest.Config, users []string, caFile string) exports {
	var ex exports
	add := func(name, value string) {
		if value != "" {
			ex.vars = append(ex.vars, [2]string{name, value})
		}
	}
	region := c.Region
	if region == "" {
		region = "us-east-1"
	}
	add("AWS_ENDPOINT_URL", srv.URL)
	add("AWS_REGION", region)
	add("AWS_DEFAULT_REGION", region) // the AWS CLI v1 and older botocore read only this one
	add("AWS_CA_BUNDLE", caFile)

	pool, client := emulatorPool(c)
	var password string
	if pool != nil {
		ex.poolID, ex.clientID = pool.ID, client
		if len(users) > 0 {
			ex.username, password, _ = strings.Cut(users[0], ":")
		} else {
			for _, u := range pool.Users {
				if u.Status == "" || u.Status == "CONFIRMED" {
					ex.username, password = u.Username, u.Password
					break
				}
			}
		}
	}
	account := c.Account
	if account == "" {
		account = ststest.Account
	}
	var first string
	for _, r := range c.Roles {
		arn := "arn:aws:iam::" + account + ":role" + orSlash(r.Path) + r.RoleName
		if first == "" {
			first = arn
		}
		doc := string(r.AssumeRolePolicyDocument)
		if pool != nil && ex.roleArn == "" && strings.Contains(doc, "/"+pool.ID) && strings.Contains(doc, "AssumeRoleWithWebIdentity") {
			ex.roleArn = arn
		}
	}
	if ex.roleArn == "" {
		ex.roleArn = first
	}
	var secret string
	for _, u := range c.Users {
		if len(u.AccessKeys) > 0 {
			ex.adminKey, secret = u.AccessKeys[0].AccessKeyID, u.AccessKeys[0].SecretAccessKey
			break
		}
	}
	add("RAWSTS_POOL_ID", ex.poolID)
	add("RAWSTS_CLIENT_ID", ex.clientID)
	add("RAWSTS_USERNAME", ex.username)
	add("RAWSTS_PASSWORD", password)
	add("RAWSTS_ROLE_ARN", ex.roleArn)
	if len(c.IdentityPools) > 0 {
		ex.identityPoolID = c.IdentityPools[0].IdentityPoolID
	}
	add("RAWSTS_IDENTITY_POOL_ID", ex.identityPoolID)
	add("RAWSTS_ADMIN_ACCESS_KEY_ID", ex.adminKey)
	add("RAWSTS_ADMIN_SECRET_ACCESS_KEY", secret)
	return ex
}

// text is the export lines, values quoted for a POSIX shell.
func (ex exports) text() string {
	var b strings.Builder
	for _, v := range ex.vars {
		fmt.Fprintf(&b, "export %s=%s\n", v[0], shellQuote(v[1]))
	}
	return b.String()
}

// emulatorPool returns the pool and app client the exports and --cognito-user use: the
// config's first pool with an app client, or nil.
func emulatorPool(c ststest.Config) (*ststest.UserPool, string) {
	for i := range c.UserPools {
		if p := &c.UserPools[i]; len(p.Clients) > 0 {
			return p, p.Clients[0].ClientID
		}
	}
	return nil, ""
}

func orSlash(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

// writeBanner tells the person at the terminal, on standard error, what listens where and how
// to use it. It names no secret (standard error is scrubbed of them anyway).
func writeBanner(s *streams, srv *ststest.Server, o *emulatorOptions, ex exports, caFile string) {
	w := s.stderr
	var t table
	t.add("endpoint", srv.URL+"  (STS, Cognito user pools, and every service the emulator answers)")
	t.add("OIDC issuer", srv.Issuer.URL)
	if ex.poolID != "" {
		t.add("pool's issuer", srv.URL+"/"+ex.poolID+"  (user pool "+ex.poolID+", app client "+ex.clientID+")")
	}
	if ex.identityPoolID != "" {
		t.add("identity pool", ex.identityPoolID+"  (Cognito identity pool, accepting the user pool's ID tokens)")
	}
	if caFile != "" {
		t.add("CA certificate", caFile+"  (trust it: AWS_CA_BUNDLE)")
	}
	switch {
	case o.stateFile != "":
		t.add("state", o.stateFile+"  (loaded if it existed; saved at each change and at the end)")
	case o.configFile != "":
		t.add("config", o.configFile)
	default:
		t.add("config", "the walkthrough's setup (rawsts emulator --init shows it)")
	}
	if ex.page != "" {
		t.add("page", "http://"+ex.page+"/  (--ui: the live view of every request and the playground; open RAWSTS_UI_URL, which carries its session key)")
	}
	if o.tokenFile != "" {
		t.add("ID token", fmt.Sprintf("%s  (from the OIDC issuer, sub %q, aud %q)", o.tokenFile, o.sub, o.aud))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rawsts emulator: listening on %s (Ctrl-C stops it)\n", srv.URL)
	t.write(&b)
	names := make([]string, len(ex.vars))
	for i, v := range ex.vars {
		names[i] = v[0]
	}
	b.WriteString("\n" + wrap("Standard output has the settings as export lines ("+strings.Join(names, ", ")+
		"). To use them in another shell, start the emulator with its standard output in a file and source it "+
		"once the URL file (written last) is there:", "", 100))
	b.WriteString("  rawsts emulator --url-file emulator.url > emulator.env &\n" +
		"  until [ -s emulator.url ]; do sleep 0.1; done; . ./emulator.env\n")
	io.WriteString(w, b.String())
	if ex.poolID != "" && ex.roleArn != "" && ex.username != "" {
		fmt.Fprintf(w, "then log in to the pool, assume the role and call AWS with the credentials:\n"+
			"  eval \"$(echo \"$RAWSTS_PASSWORD\" | rawsts cognito assume --pool-id \"$RAWSTS_POOL_ID\" --client-id \"$RAWSTS_CLIENT_ID\" \\\n"+
			"      --username \"$RAWSTS_USERNAME\" --password-stdin --role-arn \"$RAWSTS_ROLE_ARN\")\"\n"+
			"  rawsts whoami\n")
	}
	fmt.Fprintf(w, "The AWS CLI v2 takes --endpoint-url \"$AWS_ENDPOINT_URL\" (2.9 ignores the variable)")
	if ex.adminKey != "" {
		fmt.Fprintf(w, "; signed admin calls use the RAWSTS_ADMIN_ key:\n"+
			"  AWS_ACCESS_KEY_ID=$RAWSTS_ADMIN_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$RAWSTS_ADMIN_SECRET_ACCESS_KEY \\\n"+
			"    aws --endpoint-url \"$AWS_ENDPOINT_URL\" cognito-idp admin-initiate-auth --user-pool-id \"$RAWSTS_POOL_ID\" \\\n"+
			"    --client-id \"$RAWSTS_CLIENT_ID\" --auth-flow ADMIN_USER_PASSWORD_AUTH \\\n"+
			"    --auth-parameters \"USERNAME=$RAWSTS_USERNAME,PASSWORD=$RAWSTS_PASSWORD\"\n")
	} else {
		fmt.Fprintln(w, ".")
	}
	if o.tokenFile != "" {
		fmt.Fprintf(w, "The ID token in %s is for DemoRole (its issuer's tokens with aud sts.amazonaws.com):\n"+
			"  rawsts assume --role-arn %s --web-identity-token-file %s\n", o.tokenFile, ststest.DemoRoleArn, shellQuote(o.tokenFile))
	}
	if o.log {
		fmt.Fprintln(w, "\nOne line per request follows (--log): TIME SERVICE ACTION RESOURCE principal=… ALLOW|DENY [CODE CHECK: why].")
	}
}
