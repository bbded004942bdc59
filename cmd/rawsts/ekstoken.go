package main

import (
	"context"
	"flag"
	"time"

	"github.com/rawsts/rawsts/creds"
	"github.com/rawsts/rawsts/eks"
)

// eksSessionName is the session name of --role-arn's AssumeRole, the AWS CLI's.
const eksSessionName = "EKSGetTokenAuth"

type eksTokenOptions struct {
	cluster          clusterFlags
	roleArn, profile string
	region, endpoint string
	noCache, trace   bool
	timeout          time.Duration
}

func eksTokenFlags(s *streams, o *eksTokenOptions) *flag.FlagSet {
	fs := newFlagSet(s, "eks")
	o.cluster.add(fs)
	fs.StringVar(&o.roleArn, "role-arn", "", "")
	fs.StringVar(&o.profile, "profile", "", "")
	fs.BoolVar(&o.noCache, "no-cache", false, "")
	addSTSFlags(fs, &o.region, &o.endpoint, &o.trace, &o.timeout)
	return fs
}

// eksToken prints the ExecCredential kubectl runs an exec plugin for, with a token built as
// `aws eks get-token` builds it (package eks), from the credentials the AWS CLI would use
// (creds.Resolve, --profile), through an AssumeRole of --role-arn when given. A token still good
// for more than eksCacheMargin is handed out again from the cache (ekscache.go) without
// resolving any credentials.
func eksToken(ctx context.Context, s *streams, args []string) int {
	const name = "eks token"
	var o eksTokenOptions
	_, clusterID, code, ok := parseEKSFlags(s, eksTokenFlags(s, &o), name, &o.cluster, 0, args)
	if !ok {
		return code
	}
	if code, ok := profileFlagError(s, name, "--profile", o.profile); !ok {
		return code
	}
	if p := s.getenv("AWS_PROFILE"); o.profile == "" && p != "" {
		if err := checkProfileName("AWS_PROFILE", p); err != nil {
			errorf(s, "%v (nothing was sent)", err)
			return exitUsage
		}
	}
	sc, code := newSTSClient(s, profileRegion(s, o.profile, o.region), o.endpoint, o.trace, o.timeout)
	if sc == nil {
		return code
	}
	ep, err := sc.ResolveEndpoint()
	if err != nil {
		return reportSTSError(s, sc, err)
	}
	apiVersion, warning := eks.ExecAPIVersion(s.getenv("KUBERNETES_EXEC_INFO"))
	if warning != "" {
		errorf(s, "warning: %s", warning)
	}
	var cache *eksCache
	if !o.noCache {
		cache = newEKSCache(s, ep.URL, ep.SigningRegion, clusterID, o.roleArn, credentialsIdentity(s, o.profile))
	}
	if tok, ok := cache.load(s.now()); ok {
		s.addSecrets(tok.Value)
		s.stdout.Write(tok.ExecCredential(apiVersion))
		return exitOK
	}
	const what = "cannot sign the token"
	cr, code := signingCredentials(ctx, s, o.profile, sc, what)
	if code != exitOK {
		return code
	}
	if o.roleArn != "" {
		ar := &creds.AssumeRole{Source: creds.Static(cr), RoleARN: o.roleArn, RoleSessionName: eksSessionName, Client: sc}
		if cr, err = ar.Retrieve(ctx); err != nil {
			return reportCredsError(s, sc, what, err)
		}
		s.addSecrets(cr.SecretAccessKey, cr.SessionToken)
	}
	tok, err := eks.NewToken(cr.Credentials, clusterID, ep, s.now())
	if err != nil {
		errorf(s, "%s: %s (nothing was sent)", what, plain(err))
		return exitUsage
	}
	s.addSecrets(tok.Value)
	cache.store(s, tok)
	s.stdout.Write(tok.ExecCredential(apiVersion))
	return exitOK
}
