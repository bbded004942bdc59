package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rawsts/rawsts/internal/textsafe"
)

var cmdWhoami = &command{
	name:    "whoami",
	summary: "say whose AWS credentials these are (STS GetCallerIdentity, signed)",
	run:     runWhoami,
}

func runWhoami(ctx context.Context, s *streams, args []string) int {
	const name = "whoami"
	var region, endpoint, output, profile string
	var trace bool
	var timeout time.Duration
	fs := newFlagSet(s, name)
	addSTSFlags(fs, &region, &endpoint, &trace, &timeout)
	fs.StringVar(&output, "output", "text", "")
	fs.StringVar(&profile, "profile", "", "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if code, ok := profileFlagError(s, name, "--profile", profile); !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(s, name, "unexpected argument %s", describeArg(pos[0]))
	}
	if output != "text" && output != "json" {
		return usageError(s, name, "--output %q: want text or json", output)
	}
	client, code := newSignedSTSClient(ctx, s, profile, region, endpoint, trace, timeout)
	if client == nil {
		return code
	}
	out, err := client.GetCallerIdentity(ctx)
	if err != nil {
		return reportSTSError(s, client, err)
	}
	valid := visibleASCII // text: one value a line
	if output == "json" {
		valid = notNUL
	}
	if err := checkValues("STS", output, valid, [2]string{"Account", out.Account}, [2]string{"Arn", out.Arn}, [2]string{"UserId", out.UserID}); err != nil {
		errorf(s, "%v", err)
		return exitTransport
	}
	if output == "json" {
		// What `aws sts get-caller-identity` prints: the model's member order, 4-space indent.
		j, err := marshalIndent(struct {
			UserID  string `json:"UserId"`
			Account string `json:"Account"`
			Arn     string `json:"Arn"`
		}{out.UserID, out.Account, out.Arn}, "    ")
		if err != nil {
			errorf(s, "%v", err)
			return exitTransport
		}
		s.stdout.Write(j)
		return exitOK
	}
	// STS's text, one value a line: a value cannot add a line of its own.
	fmt.Fprintf(s.stdout, "Account  %s\nArn      %s\nUserId   %s\n", textsafe.OneLine(out.Account), textsafe.OneLine(out.Arn), textsafe.OneLine(out.UserID))
	return exitOK
}
