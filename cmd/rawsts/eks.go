package main

import (
	"context"
	"flag"
	"io"
	"strings"

	"github.com/rawsts/rawsts/internal/textsafe"
)

var cmdEKS = &command{
	name:    "eks",
	summary: "EKS authentication tokens: token (kubectl's exec plugin, cached), kubeconfig, verify (as the cluster does)",
	run:     runEKS,
}

func runEKS(ctx context.Context, s *streams, args []string) int {
	if len(args) == 0 {
		return usageError(s, "eks", "want a subcommand: token, kubeconfig or verify")
	}
	switch args[0] {
	case "token":
		return eksToken(ctx, s, args[1:])
	case "kubeconfig":
		return eksKubeconfig(s, args[1:])
	case "verify":
		return eksVerify(ctx, s, args[1:])
	case "-h", "-help", "--help", "help":
		// Build every flag set, so that whoever watches flag sets (the help test) sees them.
		eksTokenFlags(s, &eksTokenOptions{})
		eksKubeconfigFlags(s, &eksKubeconfigOptions{})
		eksVerifyFlags(s, &eksVerifyOptions{})
		io.WriteString(s.stdout, helpText("eks"))
		return exitOK
	default:
		return usageError(s, "eks", "unknown subcommand %s: want token, kubeconfig or verify", describeArg(args[0]))
	}
}

// parseEKSFlags parses the flags of the subcommand name (fs, with c among them), allows at most
// maxPos positional arguments, and returns them with the cluster's x-k8s-aws-id; ok is false,
// with the exit code, when the command ends here (-h, or a usage error already printed).
func parseEKSFlags(s *streams, fs *flag.FlagSet, name string, c *clusterFlags, maxPos int, args []string) (pos []string, clusterID string, code int, ok bool) {
	pos, code, ok = parseFlags(s, fs, "eks", args)
	if !ok {
		return nil, "", code, false
	}
	if len(pos) > maxPos {
		return nil, "", usageError(s, name, "unexpected argument %s", describeArg(pos[maxPos])), false
	}
	clusterID, problem := c.value()
	if problem != "" {
		return nil, "", usageError(s, name, "%s", problem), false
	}
	return pos, clusterID, exitOK, true
}

// clusterFlags are the two ways to name the cluster, as `aws eks get-token` has them.
type clusterFlags struct{ name, id string }

func (c *clusterFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&c.name, "cluster-name", "", "")
	fs.StringVar(&c.id, "cluster-id", "", "")
}

// value returns the x-k8s-aws-id the flags give, or a usage problem: exactly one is needed,
// and it goes into an HTTP header (and, for kubeconfig, a YAML file), so it must be printable
// and without blanks. EKS names a cluster with letters, digits, - and _ (100 at most).
func (c *clusterFlags) value() (string, string) {
	switch {
	case c.name == "" && c.id == "":
		return "", "--cluster-name is required (or --cluster-id for a local cluster on AWS Outposts)"
	case c.name != "" && c.id != "":
		return "", "--cluster-name and --cluster-id are mutually exclusive"
	}
	v, flagName := c.name, "--cluster-name"
	if c.id != "" {
		v, flagName = c.id, "--cluster-id"
	}
	if !textsafe.Printable(v) || strings.ContainsAny(v, " \t") || len(v) > 255 {
		return "", flagName + " " + describeArg(v) + " is not a cluster name (letters, digits, - and _; no blanks or control characters)"
	}
	return v, ""
}
