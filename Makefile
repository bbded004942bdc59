# rawsts: the two commands a newcomer needs are `make demo` and `make test`.

GO ?= go
BIN := bin/rawsts
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: all build test test-main test-bench interop-check demo bench size fuzz clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/rawsts

test: test-main test-bench

test-main: interop-check
	$(GO) vet ./...
	$(GO) test -race -timeout 30m ./...

test-bench:
	@if [ -f bench/go.mod ]; then \
		cd bench && $(GO) vet ./... && $(GO) test -race -timeout 30m ./... ; \
	fi

# interop-check says, in make test's ordinary output, whether the interop tests that drive the
# AWS CLI v2 (Debian's awscli, /usr/bin/aws) and the browser tests that drive Chromium (Debian's
# chromium, /usr/bin/chromium) can run; without them they skip (under CI they fail).
interop-check:
	@if /usr/bin/aws --version 2>/dev/null | grep -q '^aws-cli/2\.'; then \
		echo "interop tests: using $$(/usr/bin/aws --version 2>&1)"; \
	else \
		echo "interop tests: SKIPPED: they need the AWS CLI v2 at /usr/bin/aws (Debian package awscli; .ci/run installs it)"; \
	fi
	@# kubectl-check: TestKubectlRunsEKSToken runs kubectl with rawsts eks token as its exec plugin.
	@if command -v kubectl >/dev/null 2>&1; then \
		echo "kubectl test: using $$(kubectl version --client 2>/dev/null | head -1)"; \
	else \
		echo "kubectl test: SKIPPED: TestKubectlRunsEKSToken needs kubectl on PATH (the cache is tested without it too)"; \
	fi
	@# ui-check: the browser tests of the page (internal/ui, internal/browsertest) drive Debian's Chromium.
	@if [ -x /usr/bin/chromium ]; then \
		echo "browser tests: using $$(/usr/bin/chromium --version 2>/dev/null | head -1)"; \
	else \
		echo "browser tests: SKIPPED: they need Chromium at /usr/bin/chromium (Debian package chromium; .ci/run installs it)"; \
	fi

# demo runs the walkthrough offline (rawsts demo): the emulator in-process, or with
# EMULATOR=URL an already running `rawsts emulator` whose export lines are in the environment.
EMULATOR ?=
demo:
	GO='$(GO)' EMULATOR='$(EMULATOR)' ./scripts/demo.sh

bench:
	cd bench && $(GO) test -run '^$$' -bench . -benchmem -count 5 ./...

# size compares stripped binaries: rawsts's sts package and the SDK's doing the same one call.
size:
	sh bench/size.sh

# fuzz runs every fuzz target of the module for FUZZTIME each (scripts/fuzz.sh finds them).
FUZZTIME ?= 30s
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz.sh

clean:
	rm -rf bin
