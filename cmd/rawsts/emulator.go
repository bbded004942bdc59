package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rawsts/rawsts/ststest"
)

var cmdEmulator = &command{
	name:    "emulator",
	summary: "run the local STS, OIDC issuer and Cognito user pool on loopback, for offline demos and learning",
	run:     runEmulator,
}

func runEmulator(ctx context.Context, s *streams, args []string) int {
	const name = "emulator"
	var urlFile, tokenFile, sub, aud string
	var users stringList
	fs := newFlagSet(s, name)
	fs.StringVar(&urlFile, "url-file", "", "")
	fs.StringVar(&tokenFile, "token-file", "", "")
	fs.StringVar(&sub, "sub", "repo:octo-org/octo-repo:ref:refs/heads/main", "")
	fs.StringVar(&aud, "aud", "sts.amazonaws.com", "")
	fs.Var(&users, "cognito-user", "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %q", pos[0])
	}

	if len(users) == 0 {
		users = stringList{demoCognitoUser + ":" + demoCognitoPassword} // in the default config already
	}
	opts := []ststest.Option{ststest.WithNow(s.now)}
	for _, u := range users {
		user, password, ok := strings.Cut(u, ":")
		if !ok || user == "" || password == "" {
			return usageError(s, "emulator", "--cognito-user wants USER:PASSWORD, not %s", describeArg(u))
		}
		opts = append(opts, ststest.WithCognitoUser(demoPoolID, demoClientID, user, password,
			map[string]string{"email": user + "@example.com"}))
	}
	srv := ststest.NewServer(opts...)
	defer srv.Close()

	token, err := srv.Issuer.Mint(map[string]any{"sub": sub, "aud": aud})
	if err != nil {
		errorf(s, "minting the demo token: %v", err)
		return exitTransport
	}
	if tokenFile != "" {
		if err := writeFileAtomic(tokenFile, []byte(token+"\n"), 0o600); err != nil {
			errorf(s, "cannot write --token-file %s: %s", tokenFile, writeProblem(tokenFile, err))
			return exitUsage
		}
	}
	// The URL file is written last: a script waiting for it may use everything else at once.
	if urlFile != "" {
		if err := writeFileAtomic(urlFile, []byte(srv.URL+"\n"), 0o644); err != nil {
			errorf(s, "cannot write --url-file %s: %s", urlFile, writeProblem(urlFile, err))
			return exitUsage
		}
	}
	fmt.Fprintf(s.stdout, "rawsts emulator listening on %s (Ctrl-C stops it)\n", srv.URL)
	fmt.Fprintf(s.stdout, "  STS (AssumeRoleWithWebIdentity): %s/\n", srv.URL)
	fmt.Fprintf(s.stdout, "  OIDC issuer:                     %s\n", srv.Issuer.URL)
	fmt.Fprintf(s.stdout, "  discovery:                       %s/.well-known/openid-configuration\n", srv.Issuer.URL)
	fmt.Fprintf(s.stdout, "  Cognito user pool:               %s/ (pool id %s, app client id %s)\n", srv.URL, demoPoolID, demoClientID)
	fmt.Fprintf(s.stdout, "  the pool's issuer:               %s/%s\n", srv.URL, demoPoolID)
	fmt.Fprintf(s.stdout, "  Cognito identity pool:           RAWSTS_IDENTITY_POOL_ID=%s (accepts the pool's ID tokens)\n", ststest.DefaultIdentityPoolID)
	for _, u := range users {
		user, _, _ := strings.Cut(u, ":")
		if u == demoCognitoUser+":"+demoCognitoPassword {
			user += " (password " + demoCognitoPassword + ", the default demo user)"
		}
		fmt.Fprintf(s.stdout, "  Cognito user:                    %s\n", user)
	}
	if tokenFile != "" {
		fmt.Fprintf(s.stdout, "  a fresh ID token (sub %q, aud %q) is in %s\n", sub, aud, tokenFile)
		fmt.Fprintf(s.stdout, "\ntry (DemoRole trusts the issuer's tokens whose aud is sts.amazonaws.com):\n  rawsts assume --endpoint %s --role-arn %s --web-identity-token-file %s\n", srv.URL, ststest.DemoRoleArn, shellQuote(tokenFile))
	}
	first, _, _ := strings.Cut(users[0], ":")
	fmt.Fprintf(s.stdout, "\nlog in to the pool and assume TestRole, which trusts the pool's ID tokens (the password on standard input):\n"+
		"  rawsts cognito login --endpoint %s --pool-id %s --client-id %s --username %s --password-stdin \\\n"+
		"    | rawsts assume --endpoint %s --role-arn %s --web-identity-token-file -\n",
		srv.URL, demoPoolID, demoClientID, first, srv.URL, ststest.DefaultRoleArn)
	<-ctx.Done()
	return exitOK
}

// The emulated Cognito user pool of ststest.DefaultConfig: ids in the shape of AWS's
// documentation examples, and its demo user.
const (
	demoPoolID          = ststest.DefaultPoolID
	demoClientID        = ststest.DefaultClientID
	demoCognitoUser     = ststest.DefaultUsername
	demoCognitoPassword = ststest.DefaultPassword
)

// writeFileAtomic writes data to a temporary file beside path and renames it into place, so
// that a reader never sees half a file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
