#!/bin/sh
# fuzz.sh runs every fuzz target of the module, one after another, each for FUZZTIME (default
# 30s). Targets are found with `go test -list '^Fuzz'` in every package, so a new one is picked
# up without a change here. A target that fails leaves its input under the package's
# testdata/fuzz/ (commit it with the fix: it becomes a regression seed) and the script goes on
# with the others; it exits 1 if any failed. At the end it prints one line per target: the
# package, the target, the time, the executions and the result.
#
#   FUZZTIME=5m FUZZPARALLEL=1 ./scripts/fuzz.sh              every target, 5 minutes each, one worker
#   FUZZTIME=10s ./scripts/fuzz.sh ./sigv4 ./internal/httpx  the targets of some packages
#
# FUZZPARALLEL sets go test's -parallel (fuzzing workers; default: GOMAXPROCS); FUZZFLAGS adds
# flags to every run (-fuzzminimizetime=10s: a target whose every execution is slow, such as a
# whole CLI run, otherwise spends much of its time minimizing each new input). FUZZLOG names the
# directory for each target's full output (default: a temporary directory).
set -u

GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
FUZZPARALLEL=${FUZZPARALLEL:-}
FUZZFLAGS=${FUZZFLAGS:-}
FUZZLOG=${FUZZLOG:-$(mktemp -d "${TMPDIR:-/tmp}/rawsts-fuzz.XXXXXX")}
mkdir -p "$FUZZLOG"

if [ $# -eq 0 ]; then
	set -- ./...
fi
pkgs=$($GO list "$@") || exit 2

parallel=""
if [ -n "$FUZZPARALLEL" ]; then
	parallel="-parallel $FUZZPARALLEL"
fi

summary="$FUZZLOG/summary.txt"
: >"$summary"
failed=0
for pkg in $pkgs; do
	targets=$($GO test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz') || continue
	for target in $targets; do
		log="$FUZZLOG/$(echo "$pkg" | tr / _).$target.log"
		echo "fuzz: $pkg $target for $FUZZTIME" >&2
		start=$(date +%s)
		# shellcheck disable=SC2086 # $parallel and $FUZZFLAGS are words to split
		if $GO test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" $parallel $FUZZFLAGS "$pkg" >"$log" 2>&1; then
			result=ok
		else
			result=FAIL
			failed=1
			tail -n 20 "$log" >&2
		fi
		secs=$(($(date +%s) - start))
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
		printf '%-45s %-32s %6ss %12s execs  %s\n' "$pkg" "$target" "$secs" "${execs:-0}" "$result" | tee -a "$summary"
	done
done
echo "fuzz: summary in $summary, logs in $FUZZLOG" >&2
exit $failed
