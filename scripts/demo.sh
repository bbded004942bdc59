#!/usr/bin/env bash
# make demo: the walkthrough, offline. It builds bin/rawsts and runs `rawsts demo`, which starts
# the local emulator in-process (Cognito, STS, IAM, S3 and EC2 on loopback) and walks the flow
# with rawsts's own clients: a Cognito login (AdminInitiateAuth, then SRP), the ID token
# inspected, AssumeRoleWithWebIdentity, the export lines, whoami, EC2 refused and S3 allowed,
# then a wrong role refused, diagnosed and fixed. Nothing leaves this machine.
#
# EMULATOR=URL (make demo EMULATOR=URL) runs the same walkthrough against an already running
# `rawsts emulator` (say, one started with --ui); its export lines must be in the environment:
#   bin/rawsts emulator > emulator.env &
#   . ./emulator.env && make demo EMULATOR="$AWS_ENDPOINT_URL"
# STEP=1 pauses between the steps (rawsts demo --step) when standard input is a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
echo "building rawsts (the first build may download its three dependencies)…" >&2
"$GO" build -o bin/rawsts ./cmd/rawsts

args=()
if [ -n "${EMULATOR:-}" ]; then
	args+=(--emulator "$EMULATOR")
fi
if [ -n "${STEP:-}" ]; then
	args+=(--step)
fi
exec bin/rawsts demo "${args[@]+"${args[@]}"}"
