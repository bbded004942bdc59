package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"
)

var cmdDecodeAuth = &command{
	name:    "decode-authorization-message",
	summary: "decode the encoded message of an AccessDenied error (STS DecodeAuthorizationMessage, signed)",
	run:     runDecodeAuth,
}

// encodedPrefix is how AWS errors introduce the encoded message; a pasted prefix is dropped.
const encodedPrefix = "Encoded authorization failure message:"

func runDecodeAuth(ctx context.Context, s *streams, args []string) int {
	const name = "decode-authorization-message"
	var region, endpoint, profile string
	var trace bool
	var timeout time.Duration
	fs := newFlagSet(s, name)
	addSTSFlags(fs, &region, &endpoint, &trace, &timeout)
	fs.StringVar(&profile, "profile", "", "")
	pos, code, ok := parseFlags(s, fs, name, args)
	if !ok {
		return code
	}
	if code, ok := profileFlagError(s, name, "--profile", profile); !ok {
		return code
	}
	switch {
	case len(pos) == 0:
		return usageError(s, name, "no message: pass the encoded message, or - to read it from standard input")
	case len(pos) > 1:
		return usageError(s, name, "one message only; unexpected argument %s", describeArg(pos[1]))
	}
	msg := pos[0]
	if msg == "-" {
		b, err := readFileOrStdin(s, "-", maxMessageFile)
		if err != nil {
			return usageError(s, name, "reading the message: %v", err)
		}
		msg = string(b)
	}
	msg = strings.TrimSpace(msg)
	if i := strings.Index(msg, encodedPrefix); i >= 0 {
		msg = strings.TrimSpace(msg[i+len(encodedPrefix):])
	}

	client, code := newSignedSTSClient(ctx, s, profile, region, endpoint, trace, timeout)
	if client == nil {
		return code
	}
	out, err := client.DecodeAuthorizationMessage(ctx, msg)
	if err != nil {
		return reportSTSError(s, client, err)
	}
	// STS decodes the message into a JSON document; printed indented, its strings stay
	// escaped, so nothing in it reaches the terminal as a control character.
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(out.DecodedMessage), "", "  "); err != nil {
		errorf(s, "STS's reply is not what STS sends: its DecodedMessage (%d characters, not shown) is not a JSON document; check --endpoint", len(out.DecodedMessage))
		return exitTransport
	}
	b.WriteByte('\n')
	s.stdout.Write(b.Bytes())
	return exitOK
}
