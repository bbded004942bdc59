package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set by the Makefile's -ldflags "-X main.version=…"; otherwise the module version
// from the build info (set by `go install …@version`) is used.
var version = ""

var cmdVersion = &command{
	name:    "version",
	summary: "print the version of rawsts and of the Go toolchain that built it",
	run:     runVersion,
}

func runVersion(ctx context.Context, s *streams, args []string) int {
	fs := newFlagSet(s, "version")
	if _, code, ok := parseFlags(s, fs, "version", args); !ok {
		return code
	}
	fmt.Fprintf(s.stdout, "rawsts %s (%s %s/%s)\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
