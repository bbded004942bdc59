package main

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"regexp"
	"strings"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/sts"
)

type eksKubeconfigOptions struct {
	cluster                            clusterFlags
	server, caData                     string
	roleArn, region, profile, endpoint string
}

func eksKubeconfigFlags(s *streams, o *eksKubeconfigOptions) *flag.FlagSet {
	fs := newFlagSet(s, "eks")
	o.cluster.add(fs)
	fs.StringVar(&o.server, "server", "", "")
	fs.StringVar(&o.caData, "ca-data", "", "")
	fs.StringVar(&o.roleArn, "role-arn", "", "")
	fs.StringVar(&o.region, "region", "", "")
	fs.StringVar(&o.profile, "profile", "", "")
	fs.StringVar(&o.endpoint, "endpoint", "", "")
	return fs
}

// eksKubeconfig prints a kubeconfig with one cluster, one user whose exec entry runs
// `rawsts eks token` with the same cluster, role, region, profile and endpoint, and one
// context joining them, all named after the cluster. It is YAML written by hand: every value
// is plain when YAML cannot read it as anything but that string, double-quoted (with JSON's
// escapes, which YAML shares) otherwise.
func eksKubeconfig(s *streams, args []string) int {
	const name = "eks kubeconfig"
	var o eksKubeconfigOptions
	_, clusterID, code, ok := parseEKSFlags(s, eksKubeconfigFlags(s, &o), name, &o.cluster, 0, args)
	if !ok {
		return code
	}
	if problem := o.check(); problem != "" {
		return usageError(s, name, "%s", problem)
	}
	if code, ok := profileFlagError(s, name, "--profile", o.profile); !ok {
		return code
	}
	cmdArgs := []string{"eks", "token"}
	add := func(flag, v string) {
		if v != "" {
			cmdArgs = append(cmdArgs, flag, v)
		}
	}
	add("--cluster-name", o.cluster.name)
	add("--cluster-id", o.cluster.id)
	add("--role-arn", o.roleArn)
	add("--region", o.region)
	add("--profile", o.profile)
	add("--endpoint", o.endpoint)

	n := yamlScalar(clusterID)
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\nclusters:\n")
	b.WriteString("- name: " + n + "\n  cluster:\n")
	b.WriteString("    server: " + yamlScalar(o.server) + "\n")
	b.WriteString("    certificate-authority-data: " + yamlScalar(o.caData) + "\n")
	b.WriteString("contexts:\n- name: " + n + "\n  context:\n    cluster: " + n + "\n    user: " + n + "\n")
	b.WriteString("current-context: " + n + "\n")
	b.WriteString("users:\n- name: " + n + "\n  user:\n    exec:\n")
	b.WriteString("      apiVersion: " + eks.APIVersionV1beta1 + "\n      command: rawsts\n      args:\n")
	for _, a := range cmdArgs {
		b.WriteString("      - " + yamlScalar(a) + "\n")
	}
	b.WriteString("      interactiveMode: Never\n      provideClusterInfo: false\n")
	s.stdout.Write([]byte(b.String()))
	return exitOK
}

// check says what is wrong with the flags other than the cluster's, "" when nothing is.
func (o *eksKubeconfigOptions) check() string {
	switch {
	case o.server == "":
		return "--server is required: the cluster's API server endpoint (aws eks describe-cluster --query cluster.endpoint)"
	case o.caData == "":
		return "--ca-data is required: the cluster's CA certificate, base64 (aws eks describe-cluster --query cluster.certificateAuthority.data)"
	}
	if _, err := httpx.CheckEndpoint(o.server); err != nil || !textsafe.Printable(o.server) {
		return "--server " + describeArg(o.server) + " is not the https URL of an API server"
	}
	if p := checkCAData(o.caData); p != "" {
		return "--ca-data " + p
	}
	if o.roleArn != "" {
		err := (&sts.AssumeRoleInput{RoleArn: o.roleArn, RoleSessionName: eksSessionName}).Validate()
		var inErr *sts.InputError
		if errors.As(err, &inErr) {
			return describeInputError(inErr)
		}
	}
	if o.region != "" && !regionShape(o.region) {
		return "--region " + describeArg(o.region) + " is not a region name (want e.g. us-east-1)"
	}
	if o.endpoint != "" {
		if _, err := httpx.CheckEndpoint(o.endpoint); err != nil || !textsafe.Printable(o.endpoint) {
			return "--endpoint " + describeArg(o.endpoint) + " is not an STS endpoint URL (https, or http to a loopback host)"
		}
	}
	return ""
}

// checkCAData says what is wrong with --ca-data, "" when it is base64 of PEM certificates.
func checkCAData(v string) string {
	der, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "is not base64 (want the cluster's certificateAuthority.data as EKS gives it)"
	}
	n := 0
	for rest := der; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			return "holds a PEM " + textsafe.OneLine(blk.Type) + " block; want CERTIFICATE blocks only"
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			return "holds a certificate that does not parse: " + err.Error()
		}
		n++
	}
	if n == 0 {
		return "decodes to no PEM certificate (want base64 of -----BEGIN CERTIFICATE----- …)"
	}
	return ""
}

// yamlPlainScalar matches what is safe to write as a plain YAML scalar in any YAML version:
// starting with a letter (or "--" and a letter), so never a number, a date or an indicator,
// and holding no blank, comment, flow or quote character.
var yamlPlainScalar = regexp.MustCompile(`^(--)?[A-Za-z][A-Za-z0-9._/:@+=_-]*$`)

// yamlScalar writes v as a YAML scalar that reads back as the string v: plain when
// yamlPlainScalar matches and YAML 1.1 does not read it as a boolean or null (yes, off, null …)
// and it does not end in ":" (which would start a mapping); otherwise double-quoted with JSON's
// escapes, which YAML's double-quoted style shares.
func yamlScalar(v string) string {
	switch strings.ToLower(v) {
	case "y", "n", "yes", "no", "true", "false", "on", "off", "null":
		return `"` + v + `"`
	}
	if yamlPlainScalar.MatchString(v) && !strings.HasSuffix(v, ":") {
		return v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v) // a string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}
