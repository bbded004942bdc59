#!/bin/sh
# size.sh builds, the way a release would (stripped), the two programs that do one
# AssumeRoleWithWebIdentity call and nothing else — bench/cmd/rawstsassume with rawsts's sts package
# and bench/cmd/sdkassume with aws-sdk-go-v2's service/sts — plus a net/http-only floor and the whole rawsts CLI, and prints
# their sizes in bytes. The first two rows are the embedder's comparison.
# Run it from anywhere: it works in a temporary directory and leaves nothing behind.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

(cd "$here/.." && go build -trimpath -ldflags='-s -w' -o "$out/rawsts" ./cmd/rawsts)
(cd "$here" && go build -trimpath -ldflags='-s -w' -o "$out/sdkassume" ./cmd/sdkassume)
(cd "$here" && go build -trimpath -ldflags='-s -w' -o "$out/rawstsassume" ./cmd/rawstsassume)
(cd "$here" && go build -trimpath -ldflags='-s -w' -o "$out/nethttpfloor" ./cmd/nethttpfloor)

size() { wc -c <"$1" | tr -d ' '; }
row() { printf '%-48s %10s bytes  %6s MiB\n' "$1" "$2" "$(awk "BEGIN{printf \"%.2f\", $2/1048576}")"; }
row "rawstsassume (rawsts sts package, one call)" "$(size "$out/rawstsassume")"
row "sdkassume (aws-sdk-go-v2 service/sts, one call)" "$(size "$out/sdkassume")"
row "nethttpfloor (net/http alone, no parsing)" "$(size "$out/nethttpfloor")"
row "rawsts (cmd/rawsts, every command)" "$(size "$out/rawsts")"
floor=$(size "$out/nethttpfloor")
echo "above the net/http floor: rawsts sts package +$(( $(size "$out/rawstsassume") - floor )) bytes, aws-sdk-go-v2 +$(( $(size "$out/sdkassume") - floor )) bytes"
echo "built with $(go version | cut -d' ' -f3-) -trimpath -ldflags '-s -w'"
