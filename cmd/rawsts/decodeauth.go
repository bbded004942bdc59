package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/textsafe"
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

	client, code := newSignedSTSClient(s, profile, region, endpoint, trace, timeout)
	if client == nil {
		return code
	}
	out, err := client.DecodeAuthorizationMessage(ctx, msg)
	if err != nil {
		return reportSTSError(s, err)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(out.DecodedMessage), "", "  "); err != nil {
		// Not JSON after all: print it as STS sent it, on one line.
		fmt.Fprintln(s.stdout, textsafe.OneLine(out.DecodedMessage))
		errorf(s, "the decoded message is not JSON (%v); printed as received, control characters escaped", err)
		return exitOK
	}
	b.WriteByte('\n')
	s.stdout.Write(b.Bytes())
	return exitOK
}
